"""Finding a dossier by what the officer has in hand: its code, the applicant's name, ID number or phone.

A dossier keeps one folded search text (`search_text`): lower case without Vietnamese diacritics, words separated by
single spaces, the code and the phone also as bare digits. A query matches when every one of its words is in that
text, so "nguyen van an", "0912 345 678", "0912345678", "4800123456" and "260302-0001" all find their dossier. Pure.
"""

import re
import unicodedata
from collections.abc import Mapping

MAX_QUERY = 200  # characters of a query that are read
MAX_WORDS = 8

_SEARCHED = ("name", "id_number", "phone", "email")


def fold(text: str) -> str:
    """Lower case without diacritics, every run of blanks as one space: "Đặng  Thị" -> "dang thi"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.split())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def search_text(code: str, applicant: Mapping | None) -> str:
    """The folded text a dossier is found by."""
    parts = [code, _digits(code)]  # the code's digits too: "260302-0001" may be read as a phone number
    person = applicant if isinstance(applicant, Mapping) else {}
    for key in _SEARCHED:
        value = person.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(value)
            if key == "phone" and _digits(value):
                parts.append(_digits(value))
    return " ".join(fold(part) for part in parts)


def query_words(query: str) -> list[str]:
    """The words a query must all match (folded; a phone number typed with spaces or dots as one run of digits)."""
    text = fold((query or "")[:MAX_QUERY])
    if not text:
        return []
    if re.fullmatch(r"[\d .+()-]+", text) and len(_digits(text)) >= 4:
        return [_digits(text)]
    return text.split()[:MAX_WORDS]
