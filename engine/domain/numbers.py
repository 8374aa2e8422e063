"""Whole numbers typed by people or sent in URLs, read without surprises.

`str.isdigit()` is true for '¹' and '٣' and for a string of ten thousand digits, which `int()` then refuses (or,
for huge values, which overflow a database column): every page number, row index and code read from input goes
through `whole_number` instead.
"""

import re

MAX_OFFSET = 1_000_000_000  # rows a list may skip: more than any list holds, within every integer column
_DIGITS = re.compile(r"[0-9]{1,18}")


def whole_number(text: object, max_digits: int = 9) -> int | None:
    """The value of `text` if it is 1 to `max_digits` ASCII digits (at most 18), else None."""
    if not isinstance(text, str) or len(text) > max_digits or not _DIGITS.fullmatch(text):
        return None
    return int(text)
