"""The procedure catalogue: the administrative procedures (TTHC) the Department resolves, as validated values.

Pure: no files, no YAML (the shipped catalogue is read by `engine.domain.catalogue_data`). Each value checks itself
when built and raises `CatalogueFieldError`, a ValueError that names the field and says what is expected, so that the
loader can add the file and the entry.
"""

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from engine.domain.calendar import Unit
from engine.domain.deadlines import UNIT_NAMES, time_limit_words

Channel = Literal["counter", "online", "postal"]
SupplementPolicy = Literal["restart", "pause"]

CHANNELS: tuple[Channel, ...] = ("counter", "online", "postal")
SUPPLEMENT_POLICIES: tuple[SupplementPolicy, ...] = ("restart", "pause")
# National TTHC database codes (the last part names the province): the long form 1.003560.000.00.00.H56, and the
# short form in use since the 2025 catalogues, 1.013337.H38.
CODE_PATTERN = re.compile(r"\d+\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2})?\.H\d{2}")
_PROCESS_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


class CatalogueFieldError(ValueError):
    """A catalogue value is wrong. `field` names it (e.g. "documents[2].copies"), `problem` says what is expected;
    `entry` is the 1-based position of the procedure in the catalogue when known."""

    def __init__(self, field: str, problem: str, entry: int | None = None):
        self.field, self.problem, self.entry = field, problem, entry
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class Document:
    """One document of the dossier: how many originals (bản chính) and copies (bản sao) and whether it is required."""

    name: str
    originals: int
    copies: int
    required: bool = True

    def __post_init__(self):
        _text("name", self.name)
        for field in ("originals", "copies"):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise CatalogueFieldError(field, f"expected a whole number >= 0, got {value!r}")
        if self.originals + self.copies == 0:
            raise CatalogueFieldError("copies", f"'{self.name}' asks for no original and no copy; ask for at least one")
        _bool("required", self.required)


@dataclass(frozen=True)
class Procedure:
    """One procedure of the catalogue.

    `time_limit` is the statutory time limit as (amount, unit) with the units of `engine.domain.calendar`
    ("wd" working days, "wh" working hours, "d" calendar days); `fee` is in VND; `channels` lists where a dossier
    may be submitted; `supplement_policy` says whether a supplementation restarts the time limit from zero ("restart",
    ND 61/2018 Điều 19 k4) or pauses it ("pause"); `legal_basis` lists the sector law of this procedure (the
    one-stop rules and forms follow the legal basis in force at reception instead, processes/legal); `process` is
    the id of the BPMN process that resolves it. Raises CatalogueFieldError naming the bad field.
    """

    code: str
    name: str
    field: str
    division: str
    time_limit: tuple[float, Unit]
    fee: int
    channels: tuple[Channel, ...]
    result_by_post: bool
    documents: tuple[Document, ...]
    supplement_policy: SupplementPolicy
    legal_basis: tuple[str, ...]
    process: str
    in_force_from: date | None = None  # the day the procedure entered the catalogue (its publishing decision)
    result_online: bool = False  # the result is also issued electronically: its file goes to the national portal
    name_en: str = ""  # the name shown in the English interface ("" shows `name`)

    def __post_init__(self):
        if self.in_force_from is not None and (
            not isinstance(self.in_force_from, date) or isinstance(self.in_force_from, datetime)
        ):
            raise CatalogueFieldError(
                "in_force_from", f"expected a date such as 2021-01-25 (or nothing), got {self.in_force_from!r}"
            )
        if not isinstance(self.code, str) or not CODE_PATTERN.fullmatch(self.code):
            raise CatalogueFieldError(
                "code",
                f"expected a national procedure code like 1.003560.000.00.00.H56 or 1.013337.H38, got {self.code!r}",
            )
        for field in ("name", "field", "division"):
            _text(field, getattr(self, field))
        self._check_time_limit()
        if isinstance(self.fee, bool) or not isinstance(self.fee, int) or self.fee < 0:
            raise CatalogueFieldError("fee", f"expected a whole number of VND >= 0 (0 when free), got {self.fee!r}")
        self._check_channels()
        _bool("result_by_post", self.result_by_post)
        _bool("result_online", self.result_online)
        if not isinstance(self.documents, tuple) or not self.documents:
            raise CatalogueFieldError("documents", "expected a non-empty list of documents")
        for number, document in enumerate(self.documents, start=1):
            if not isinstance(document, Document):
                raise CatalogueFieldError(f"documents[{number}]", f"expected a Document, got {document!r}")
        if self.supplement_policy not in SUPPLEMENT_POLICIES:
            raise CatalogueFieldError(
                "supplement_policy", f"expected 'restart' or 'pause', got {self.supplement_policy!r}"
            )
        if not isinstance(self.legal_basis, tuple) or not self.legal_basis:
            raise CatalogueFieldError("legal_basis", "expected a non-empty list of legal texts")
        for number, text in enumerate(self.legal_basis, start=1):
            _text(f"legal_basis[{number}]", text)
        if not isinstance(self.process, str) or not _PROCESS_ID.fullmatch(self.process):
            raise CatalogueFieldError(
                "process", f"expected a BPMN process id such as 'x_quang_y_te', got {self.process!r}"
            )

    def _check_time_limit(self):
        limit = self.time_limit
        if not (isinstance(limit, tuple) and len(limit) == 2 and limit[1] in UNIT_NAMES):
            raise CatalogueFieldError("time_limit", f"expected (amount, 'wd' | 'wh' | 'd'), got {limit!r}")
        amount = limit[0]
        if isinstance(amount, bool) or not isinstance(amount, int | float) or not math.isfinite(amount) or amount <= 0:
            raise CatalogueFieldError("time_limit", f"expected a positive amount, got {amount!r}")
        if limit[1] == "d" and not float(amount).is_integer():
            raise CatalogueFieldError("time_limit", f"calendar days must be whole, got {amount!r}")

    def _check_channels(self):
        channels = self.channels
        if not isinstance(channels, tuple) or not channels:
            raise CatalogueFieldError("channels", "expected a non-empty list of counter, online, postal")
        if unknown := [c for c in channels if c not in CHANNELS]:
            raise CatalogueFieldError("channels", f"unknown channel(s) {unknown!r}; allowed: counter, online, postal")
        if len(set(channels)) != len(channels):
            raise CatalogueFieldError("channels", f"a channel is listed twice in {list(channels)!r}")

    @property
    def time_limit_text(self) -> str:
        """The time limit in words, e.g. "11 working days"."""
        return time_limit_words(*self.time_limit)


class Catalogue:
    """The procedures, in catalogue order. Raises CatalogueFieldError (with `entry`) for a code or a process id listed
    twice: a dossier's procedure and a process's procedure must each be unambiguous."""

    def __init__(self, procedures: Iterable[Procedure]):
        self.procedures: tuple[Procedure, ...] = tuple(procedures)
        self._by_code: dict[str, Procedure] = {}
        self._by_process: dict[str, Procedure] = {}
        positions: dict[tuple[str, str], int] = {}
        for number, procedure in enumerate(self.procedures, start=1):
            for field, key, index in (
                ("code", procedure.code, self._by_code),
                ("process", procedure.process, self._by_process),
            ):
                if key in index:
                    raise CatalogueFieldError(
                        field, f"{key!r} is already used by entry {positions[field, key]}", entry=number
                    )
                index[key] = procedure
                positions[field, key] = number
        self._haystacks = [(_fold(p.code), set(_words(f"{p.code} {p.name}")), p) for p in self.procedures]

    def __iter__(self):
        return iter(self.procedures)

    def __len__(self) -> int:
        return len(self.procedures)

    def get(self, code: str) -> Procedure | None:
        """The procedure with national code `code`, or None."""
        return self._by_code.get(code.strip() if isinstance(code, str) else code)

    def by_process(self, process_id: str) -> Procedure | None:
        """The procedure resolved by BPMN process `process_id`, or None (shared call activities, demos)."""
        return self._by_process.get(process_id)

    def division_of(self, code: str | None) -> str | None:
        """The resolving division of procedure `code` (the officers who appraise and review its dossiers), or None
        for a code the catalogue does not have."""
        procedure = self.get(code) if code else None
        return procedure.division if procedure is not None else None

    def codes_of_division(self, division: str) -> list[str]:
        """The codes of the procedures `division` resolves (none for a division that resolves nothing)."""
        return [p.code for p in self.procedures if p.division == division]

    def divisions(self) -> list[str]:
        """Every resolving division, in catalogue order."""
        return list(dict.fromkeys(p.division for p in self.procedures))

    def search(self, text: str) -> list[Procedure]:
        """Procedures whose code contains `text`, or whose code and name contain every word of `text` as the start of
        a word, ignoring case, Vietnamese diacritics and punctuation: "giay phep x quang" finds "Cấp giấy phép ...
        X-quang ...", "003560" finds 1.003560.000.00.00.H56. In catalogue order; an empty text finds everything."""
        query = _fold(text or "").strip()
        words = _words(query)
        if not words:
            return list(self.procedures)
        return [
            procedure
            for code, haystack, procedure in self._haystacks
            if query in code or all(any(word.startswith(w) for word in haystack) for w in words)
        ]


def _fold(text: str) -> str:
    """Lower case without diacritics: "Đăng ký" -> "dang ky"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _fold(text))


def _text(field: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise CatalogueFieldError(field, f"expected non-empty text, got {value!r}")


def _bool(field: str, value: object) -> None:
    if not isinstance(value, bool):
        raise CatalogueFieldError(field, f"expected true or false, got {value!r}")
