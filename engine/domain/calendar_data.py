"""Calendar overrides stored as YAML files (the shipped ones live in processes/calendar/).

Kept apart from `engine.domain.calendar` so that the arithmetic stays free of file formats and of PyYAML.

File format::

    overrides:
      - day: 2026-01-02
        kind: "off"          # or "work"; quote it: unquoted off is the boolean false in YAML
        reason: "Hoán đổi ngày làm việc: ..."
"""

from datetime import date
from pathlib import Path
from typing import NoReturn

import yaml

from engine.domain.calendar import Override
from engine.domain.errors import ValidationError

# The overrides shipped with motcua, in a source checkout; deployments may point settings at another file.
SHIPPED_OVERRIDES_FILE = Path(__file__).resolve().parents[2] / "processes" / "calendar" / "vn_overrides.yaml"

_KEYS = {"day", "kind", "reason"}


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so that a bad date is reported with its entry instead of aborting."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_overrides(path: str | Path, *, source: str = "shipped") -> list[Override]:
    """Read the overrides in the YAML file at `path`, tagged with `source` ("shipped" or "admin").

    Raises ValidationError naming the file, the entry (numbered from 1) and what is wrong: unreadable YAML, a
    missing `overrides` list, unknown or missing keys, a bad date or kind, an empty reason, a day listed twice.
    OSError propagates when the file cannot be read.
    """
    path = Path(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # safe: _Loader is a SafeLoader
    except yaml.YAMLError as error:
        raise ValidationError(f"{path}: not valid YAML: {error}")
    if not isinstance(document, dict) or not isinstance(document.get("overrides"), list):
        raise ValidationError(
            f"{path}: expected a mapping with an 'overrides' list, e.g. "
            'overrides: [{day: 2026-01-02, kind: "off", reason: "..."}]'
        )
    overrides: list[Override] = []
    seen: dict[date, int] = {}
    for number, entry in enumerate(document["overrides"], start=1):
        override = _entry(path, number, entry, source)
        if override.day in seen:
            _fail(path, number, "day", f"{override.day} is already listed in entry {seen[override.day]}")
        seen[override.day] = number
        overrides.append(override)
    return overrides


def _entry(path: Path, number: int, entry: object, source: str) -> Override:
    if not isinstance(entry, dict):
        _fail(path, number, "entry", f"expected a mapping with keys day, kind, reason, got {entry!r}")
    if unknown := sorted(set(map(str, entry)) - _KEYS):
        _fail(path, number, unknown[0], f"unknown key(s) {', '.join(unknown)}; allowed: day, kind, reason")
    if missing := sorted(_KEYS - set(entry)):
        _fail(path, number, missing[0], f"missing key(s) {', '.join(missing)}")
    day, kind, reason = entry["day"], entry["kind"], entry["reason"]
    try:
        day = date.fromisoformat(day) if isinstance(day, str) and len(day) == 10 else None
    except ValueError:
        day = None
    if day is None:
        _fail(path, number, "day", f"expected a date written YYYY-MM-DD, got {entry['day']!r}")
    if isinstance(kind, bool):
        _fail(
            path,
            number,
            "kind",
            f'got the boolean {kind!r}: write "off" or "work" in quotes (unquoted off/no/false are booleans in YAML)',
        )
    if kind not in ("off", "work"):
        _fail(path, number, "kind", f"expected 'off' or 'work', got {kind!r}")
    if not isinstance(reason, str) or not reason.strip():
        _fail(path, number, "reason", "a non-empty reason is required (cite the announcement)")
    return Override(day, kind, reason.strip(), source)


def _fail(path: Path, number: int, field: str, problem: str) -> NoReturn:
    raise ValidationError(f"{path}: entry {number}: {field}: {problem}", {f"overrides[{number}].{field}": problem})
