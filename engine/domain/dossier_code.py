"""Dossier codes `<agency code>-<YYMMDD>-<NNNN>` (Thông tư 01/2018/TT-VPCP, Article 19)."""

import re
from datetime import date

AGENCY_CODE = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")
DOSSIER_CODE = re.compile(r"^(?P<agency>[A-Z0-9]+(?:\.[A-Z0-9]+)*)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


def check_agency_code(agency: str) -> str:
    """Return `agency` if it is a valid agency code (e.g. H15.50.05.13); raise ValueError otherwise."""
    if not AGENCY_CODE.match(agency or ""):
        raise ValueError(f"agency code '{agency}' is not valid: use letters, digits and dots, e.g. H15.50.05.13")
    return agency


def format_code(agency: str, day: date, sequence: int) -> str:
    """The code of the `sequence`-th dossier received by `agency` on `day` (numbered from 1, four digits or more)."""
    if sequence < 1:
        raise ValueError("dossier sequence numbers start at 1")
    return f"{check_agency_code(agency)}-{day:%y%m%d}-{sequence:04d}"


def parse_code(code: str) -> tuple[str, date, int]:
    """Split a dossier code into (agency, day, sequence); raise ValueError naming what is wrong."""
    match = DOSSIER_CODE.match(code or "")
    if match is None:
        raise ValueError(f"'{code}' is not a dossier code like H15.50.05.13-261008-0975")
    raw = match["day"]
    try:
        day = date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:]))
    except ValueError:
        raise ValueError(f"'{code}' has an impossible date {raw} (YYMMDD)")
    return match["agency"], day, int(match["seq"])
