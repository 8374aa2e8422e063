"""The procedure catalogue stored as a YAML file (the shipped one is processes/catalogue.yaml).

Kept apart from `engine.domain.catalogue` so that the values stay free of file formats and of PyYAML.

File format (every key is required)::

    procedures:
      - code: 1.003560.000.00.00.H56      # national TTHC database code
        name: "Cấp giấy phép ..."
        field: "An toàn bức xạ và hạt nhân"   # lĩnh vực
        division: "Phòng Quản lý chuyên ngành" # resolving division
        time_limit: 11d                    # 11d / 0.5d working days, 8h working hours, 60cd calendar days
        fee: 3000000                       # VND, 0 when free
        channels: [counter, online, postal]
        result_by_post: true
        documents:
          - {name: "Đơn đề nghị ...", originals: 1, copies: 0, required: true}
        supplement_policy: restart         # or pause
        legal_basis: ["Luật Năng lượng nguyên tử số 18/2008/QH12"]   # the sector law (one-stop rules: processes/legal)
        process: x_quang_y_te             # BPMN process id
        in_force_from: 2021-01-25          # optional: the day it entered the catalogue (its publishing decision);
                                           # a postal handover dated before it is refused
        result_online: true                # optional (false): the result is issued electronically too, and its
                                           # file (with its SHA-256) goes to the national portal when issued
"""

from pathlib import Path
from typing import Any, NoReturn

import yaml

from engine.domain.catalogue import Catalogue, CatalogueFieldError, Document, Procedure
from engine.domain.deadlines import parse_allotment
from engine.domain.errors import ValidationError

# The catalogue shipped with motcua, in a source checkout; deployments may point settings at another file.
SHIPPED_CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "processes" / "catalogue.yaml"

_KEYS = (
    "code",
    "name",
    "field",
    "division",
    "time_limit",
    "fee",
    "channels",
    "result_by_post",
    "documents",
    "supplement_policy",
    "legal_basis",
    "process",
)
_OPTIONAL_KEYS = ("in_force_from", "result_online", "name_en")
_DOCUMENT_KEYS = ("name", "originals", "copies", "required")
_NO_FORM_SET = (
    "no longer a key of a procedure: the forms follow the legal basis in force when a dossier is received "
    "(processes/legal/*.yaml); remove the line"
)


def load_catalogue(path: str | Path = SHIPPED_CATALOGUE_FILE) -> Catalogue:
    """Read and validate the catalogue in the YAML file at `path`.

    Raises ValidationError naming the file, the entry (numbered from 1, with its code when readable), the field and
    what is expected: unreadable YAML, a missing `procedures` list, unknown or missing keys, a bad value, a code or
    process id listed twice. OSError propagates when the file cannot be read.
    """
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValidationError(f"{path}: not valid YAML: {error}")
    if not isinstance(document, dict) or not isinstance(document.get("procedures"), list):
        raise ValidationError(
            f"{path}: expected a mapping with a 'procedures' list, e.g. procedures: [{{code: ..., name: ..., ...}}]",
            {"procedures": "required"},
        )
    entries = document["procedures"]
    procedures = [_procedure(path, number, entry) for number, entry in enumerate(entries, start=1)]
    try:
        return Catalogue(procedures)
    except CatalogueFieldError as error:
        number = error.entry or 0
        _fail(path, number, entries[number - 1] if number else None, error.field, error.problem)


def _procedure(path: Path, number: int, entry: object) -> Procedure:
    if not isinstance(entry, dict):
        _fail(path, number, None, "entry", f"expected a mapping with keys {', '.join(_KEYS)}, got {entry!r}")
    if "form_set" in entry:
        _fail(path, number, entry, "form_set", _NO_FORM_SET)
    if unknown := sorted(set(map(str, entry)) - set(_KEYS) - set(_OPTIONAL_KEYS)):
        allowed = ", ".join((*_KEYS, *_OPTIONAL_KEYS))
        _fail(path, number, entry, unknown[0], f"unknown key(s) {', '.join(unknown)}; allowed: {allowed}")
    if missing := [key for key in _KEYS if key not in entry]:
        _fail(path, number, entry, missing[0], f"missing key(s) {', '.join(missing)}")
    try:
        return Procedure(
            code=_stripped(entry["code"]),
            name=_stripped(entry["name"]),
            field=_stripped(entry["field"]),
            division=_stripped(entry["division"]),
            time_limit=_time_limit(entry["time_limit"]),
            fee=entry["fee"],
            channels=_list("channels", entry["channels"]),
            result_by_post=entry["result_by_post"],
            documents=tuple(
                _document(index, item) for index, item in enumerate(_list("documents", entry["documents"]), start=1)
            ),
            supplement_policy=entry["supplement_policy"],
            legal_basis=tuple(_stripped(text) for text in _list("legal_basis", entry["legal_basis"])),
            process=entry["process"],
            in_force_from=entry.get("in_force_from"),
            result_online=entry.get("result_online", False),
            name_en=_stripped(entry.get("name_en") or ""),
        )
    except CatalogueFieldError as error:
        _fail(path, number, entry, error.field, error.problem)


def _time_limit(value: object):
    if not isinstance(value, str):
        raise CatalogueFieldError(
            "time_limit", f"expected text such as '11d', '0.5d', '8h' or '60cd', got {value!r} (add the unit)"
        )
    try:
        return parse_allotment(value)
    except ValueError as error:
        raise CatalogueFieldError("time_limit", str(error))


def _document(index: int, item: object) -> Document:
    field = f"documents[{index}]"
    if not isinstance(item, dict):
        raise CatalogueFieldError(field, f"expected a mapping with keys {', '.join(_DOCUMENT_KEYS)}, got {item!r}")
    if unknown := sorted(set(map(str, item)) - set(_DOCUMENT_KEYS)):
        raise CatalogueFieldError(
            f"{field}.{unknown[0]}", f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(_DOCUMENT_KEYS)}"
        )
    if missing := [key for key in _DOCUMENT_KEYS if key not in item]:
        raise CatalogueFieldError(f"{field}.{missing[0]}", f"missing key(s) {', '.join(missing)}")
    try:
        return Document(_stripped(item["name"]), item["originals"], item["copies"], item["required"])
    except CatalogueFieldError as error:
        raise CatalogueFieldError(f"{field}.{error.field}", error.problem)


def _list(field: str, value: object) -> tuple:
    if not isinstance(value, list):
        raise CatalogueFieldError(field, f"expected a list, got {value!r}")
    return tuple(value)


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _fail(path: Path, number: int, entry: object, field: str, problem: str) -> NoReturn:
    code = entry.get("code") if isinstance(entry, dict) else None
    where = f"entry {number}" + (f" ({code})" if isinstance(code, str) and code.strip() else "")
    raise ValidationError(f"{path}: {where}: {field}: {problem}", {f"procedures[{number}].{field}": problem})
