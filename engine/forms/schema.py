"""Task forms as JSON Schema (Draft 2020-12): the kinds of field a page renders, HTML submissions turned into typed
data, and validation with the messages in Vietnamese. Pure functions: a schema and values in, values out.

A form is an object schema whose top-level `properties` are its fields, in order. The kind of a field comes from
its schema (`kind()`):
    text      {"type": "string"}                                  textarea  {"type": "string", "format": "textarea"}
    number    {"type": "number"}                                  integer   {"type": "integer"}
    date      {"type": "string", "format": "date"}  -> "2026-03-20"
    datetime  {"type": "string", "format": "date-time"} -> "2026-03-20T17:00:00+07:00" (Vietnam time when typed)
    choice    {"type": "string", "oneOf": [{"const": "accept", "title": "Tiếp nhận"}, ...]}, or "enum" with
              "x-labels": {"accept": "Tiếp nhận"}
    boolean   {"type": "boolean"}; "x-labels": {"true": "Duyệt", "false": "Không duyệt"} (default Có / Không)
    file      {"type": "object", "format": "file"} -> {"id": <file id>, "filename": "..."} (stored by the service)
    lines     {"type": "array", "items": {"type": "string"}}: one item per line of a text box
    table     {"type": "array", "items": {"type": "object", "properties": {...}}}: rows of sub-fields
Every field has a Vietnamese `title`; `description` is shown as help. Messages: a subschema may carry `x-message`
(used for any error it raises) or `x-messages` ({field: message}, for its `required`), e.g. in an `if`/`then`.
HTML names: a field's own name; table cells `<field>.<row>.<column>`. Error keys use the same dotted paths.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from engine.domain.clock import VN_TZ
from engine.domain.errors import ValidationError
from engine.domain.numbers import whole_number

ROW_DIGITS = 6  # a row number of a table field (a form has far fewer rows)

EMPTY_SCHEMA: dict = {"type": "object", "properties": {}, "additionalProperties": False}
KINDS = ("text", "textarea", "number", "integer", "date", "datetime", "choice", "boolean", "file", "lines", "table")
KIND_LABELS = {
    "text": "văn bản",
    "textarea": "văn bản",
    "number": "một số",
    "integer": "một số nguyên",
    "date": "một ngày (dd/mm/yyyy)",
    "datetime": "ngày và giờ (dd/mm/yyyy hh:mm)",
    "choice": "một lựa chọn trong danh sách",
    "boolean": "Có hoặc Không",
    "file": "một tệp",
    "lines": "danh sách",
    "table": "danh sách các dòng",
}
TRUE_WORDS, FALSE_WORDS = {"true", "1", "on", "yes", "co", "có"}, {"false", "0", "off", "no", "khong", "không"}


@dataclass(frozen=True)
class Field:
    """One input of a form, as a template renders it."""

    name: str
    title: str
    kind: str
    required: bool = False
    description: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (value as sent by the page, label)
    columns: list["Field"] = field(default_factory=list)  # of a table
    schema: Mapping = field(default_factory=dict)


def kind(prop: Mapping) -> str:
    """The kind of field `prop` describes (see the module docstring). Raises ValueError for one we cannot render."""
    typ, fmt = prop.get("type"), prop.get("format")
    if "oneOf" in prop or "enum" in prop:
        return "choice"
    if typ == "string":
        return {"textarea": "textarea", "date": "date", "date-time": "datetime"}.get(str(fmt), "text")
    if typ in ("number", "integer", "boolean"):
        return typ
    if typ == "object" and fmt == "file":
        return "file"
    if typ == "array":
        items = prop.get("items") or {}
        if items.get("type") == "object":
            return "table"
        if items.get("type") == "string":
            return "lines"
    raise ValueError(f"kiểu trường không hỗ trợ: {dict(prop)}")


def options(prop: Mapping) -> list[tuple[str, str]]:
    """(value, label) pairs of a choice or yes/no field; values as the page sends them."""
    labels = prop.get("x-labels") or {}
    if "oneOf" in prop:
        return [(_text(o["const"]), o.get("title") or _text(o["const"])) for o in prop["oneOf"]]
    if "enum" in prop:
        return [(_text(v), labels.get(_text(v), _text(v))) for v in prop["enum"]]
    if prop.get("type") == "boolean":
        return [("true", labels.get("true", "Có")), ("false", labels.get("false", "Không"))]
    return []


def fields(schema: Mapping) -> list[Field]:
    """The fields of a form in order, for rendering."""
    required = set(schema.get("required") or ())
    found = []
    for name, prop in (schema.get("properties") or {}).items():
        item_kind = kind(prop)
        columns = fields(prop["items"]) if item_kind == "table" else []
        title, description = prop.get("title", name), prop.get("description", "")
        found.append(Field(name, title, item_kind, name in required, description, options(prop), columns, prop))
    return found


def check_schema(schema: Mapping) -> None:
    """Raise ValueError unless `schema` is a valid Draft 2020-12 object schema whose fields all have a title and a
    kind we render."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ValueError(f"không phải JSON Schema hợp lệ: {exc.message}") from None
    if schema.get("type") != "object":
        raise ValueError("biểu mẫu phải là một object schema")
    for item in fields(schema):
        for one in (item, *item.columns):
            if not one.schema.get("title"):
                raise ValueError(f"trường '{one.name}' thiếu tiêu đề (title)")


# --- HTML form submissions -------------------------------------------------------------------------------------------
def from_form(schema: Mapping, form: Mapping[str, list[str]]) -> dict:
    """Typed data from an HTML submission (`request.form.to_dict(flat=False)`). Blank inputs are left out (so that
    `required` reports them); unknown names (the CSRF token) are ignored; file fields are not read here. Raises
    ValidationError naming each value that could not be converted."""
    data, errors = convert(schema, form)
    if errors:
        raise ValidationError(summary(schema, errors), errors)
    return data


def convert(schema: Mapping, form: Mapping[str, list[str]]) -> tuple[dict, dict[str, str]]:
    """(data, conversion errors by field path): `from_form` without raising, so callers can add their own errors."""
    data: dict = {}
    errors: dict[str, str] = {}
    for item in fields(schema):
        if item.kind == "file":
            continue
        if item.kind == "table":
            rows = _table(item, form, errors)
            if rows or item.name in form or any(k.startswith(item.name + ".") for k in form):
                data[item.name] = rows
            continue
        raw = [v for v in form.get(item.name, []) if isinstance(v, str)]
        if item.kind == "lines":
            if item.name in form:
                data[item.name] = [line.strip() for v in raw for line in v.splitlines() if line.strip()]
            continue
        text = raw[-1].strip() if raw else ""
        if text == "":
            continue
        try:
            data[item.name] = _value(item.kind, text, item.schema)
        except ValueError as exc:
            errors[item.name] = str(exc)
    return data, errors


def _table(item: Field, form: Mapping[str, list[str]], errors: dict[str, str]) -> list[dict]:
    prefix = item.name + "."
    indexes = sorted({int(k[len(prefix) :].split(".")[0]) for k in form if _row_key(k, prefix)})
    rows: list[dict] = []
    for index in indexes:
        row: dict = {}
        for column in item.columns:
            path = f"{item.name}.{index}.{column.name}"
            values = form.get(path) or [""]
            text = values[-1].strip() if isinstance(values[-1], str) else ""
            if text == "":
                continue
            try:
                row[column.name] = _value(column.kind, text, column.schema)
            except ValueError as exc:
                errors[f"{item.name}.{len(rows)}.{column.name}"] = str(exc)
        if row:  # a blank row is a spare line of the page, not an item
            rows.append(row)
    return rows


def _row_key(key: str, prefix: str) -> bool:
    return key.startswith(prefix) and whole_number(key[len(prefix) :].split(".")[0], ROW_DIGITS) is not None


def _value(kind_: str, text: str, prop: Mapping) -> Any:
    """One typed value from what was typed. Raises ValueError with a Vietnamese message."""
    if kind_ in ("text", "textarea"):
        return text
    if kind_ == "integer":
        try:
            return int(text.replace(" ", ""))
        except ValueError:
            raise ValueError(f"'{text}' không phải số nguyên; nhập chữ số, ví dụ 12") from None
    if kind_ == "number":
        try:
            number = float(text.replace(" ", "").replace(",", "."))
        except ValueError:
            raise ValueError(
                f"'{text}' không phải là số; nhập chữ số, phần thập phân sau dấu phẩy, ví dụ 12,5"
            ) from None
        return int(number) if number.is_integer() else number
    if kind_ == "boolean":
        word = text.casefold()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValueError("chọn Có hoặc Không")
    if kind_ == "date":
        return parse_date(text).isoformat()
    if kind_ == "datetime":
        return parse_datetime(text).isoformat()
    if kind_ == "choice":
        for option in prop.get("oneOf") or [{"const": v} for v in prop.get("enum", [])]:
            if _text(option["const"]) == text:
                return option["const"]
        return text  # validation names the choices
    raise ValueError(f"trường kiểu {kind_} không nhập bằng ô chữ")


def parse_date(text: str) -> date:
    """A day typed as 2026-03-20 (the browser's date input) or 20/03/2026. Raises ValueError in Vietnamese."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            pass
    raise ValueError(f"'{text}' không phải một ngày; nhập theo dạng dd/mm/yyyy, ví dụ 20/03/2026")


def parse_datetime(text: str) -> datetime:
    """A moment typed as 2026-03-20T17:00 (the browser's datetime-local input, Vietnam time), 20/03/2026 17:00, or
    ISO 8601 with its offset. Raises ValueError in Vietnamese."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
        return moment if moment.utcoffset() is not None else moment.replace(tzinfo=VN_TZ)
    except ValueError:
        pass
    try:
        return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=VN_TZ)
    except ValueError:
        raise ValueError(
            f"'{text}' không phải ngày giờ; nhập theo dạng dd/mm/yyyy hh:mm, ví dụ 20/03/2026 17:00"
        ) from None


def compact(schema: Mapping, form: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """`form` with the blank rows of its tables left out and the others numbered from 0, as `convert` numbers them:
    a page shown again after errors then has each error next to the row it is about."""
    result = {k: list(v) for k, v in form.items()}
    for item in fields(schema):
        if item.kind != "table":
            continue
        prefix = item.name + "."
        keys = [k for k in result if _row_key(k, prefix)]
        cells = {k: result.pop(k) for k in keys}
        indexes = sorted({int(k[len(prefix) :].split(".")[0]) for k in keys})
        filled = [i for i in indexes if any(_filled(cells.get(f"{prefix}{i}.{c.name}")) for c in item.columns)]
        for new, old in enumerate(filled):
            for column in item.columns:
                if f"{prefix}{old}.{column.name}" in cells:
                    result[f"{prefix}{new}.{column.name}"] = cells[f"{prefix}{old}.{column.name}"]
    return result


def _filled(values: list[str] | None) -> bool:
    if not values:
        return False
    return isinstance(values[-1], str) and values[-1].strip() != ""


def to_form(schema: Mapping, data: Mapping) -> dict[str, list[str]]:
    """The inverse of `from_form`: values as the page's inputs hold them (dates for date inputs, Vietnam time)."""
    form: dict[str, list[str]] = {}
    for item in fields(schema):
        if item.name not in data or item.kind == "file":
            continue
        value = data[item.name]
        if item.kind == "table":
            for index, row in enumerate(value or []):
                for column in item.columns:
                    if isinstance(row, Mapping) and column.name in row:
                        form[f"{item.name}.{index}.{column.name}"] = [_shown(column.kind, row[column.name])]
        elif item.kind == "lines":
            form[item.name] = ["\n".join(str(v) for v in value or [])]
        else:
            form[item.name] = [_shown(item.kind, value)]
    return form


def _shown(kind_: str, value: Any) -> str:
    if value is None:
        return ""
    if kind_ == "datetime":
        try:
            return parse_datetime(str(value)).astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            return str(value)
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def with_defaults(schema: Mapping, data: Mapping) -> dict:
    """`data` with each absent top-level field that has a `default` set to it (an API caller may leave them out)."""
    filled = dict(data)
    for name, prop in (schema.get("properties") or {}).items():
        if name not in filled and "default" in prop:
            filled[name] = prop["default"]
    return filled


# --- validation ------------------------------------------------------------------------------------------------------
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


@_FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if datetime.fromisoformat(value).utcoffset() is None:
        raise ValueError("no offset")
    return True


def validate(schema: Mapping, data: Any) -> dict[str, str]:
    """The errors of `data` against `schema`, by field path, in Vietnamese ({} when valid)."""
    errors: dict[str, str] = {}
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
    for error in sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.path)))):
        for path, message in _messages(schema, error):
            errors.setdefault(path, message)
    return errors


def _messages(schema: Mapping, error) -> list[tuple[str, str]]:
    base = ".".join(str(p) for p in error.absolute_path)
    sub = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "required":
        missing = [p for p in error.validator_value if isinstance(error.instance, Mapping) and p not in error.instance]
        own = sub.get("x-messages") or {}
        return [(_join(base, p), own.get(p) or _required(_prop(schema, _join(base, p)))) for p in missing]
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        known = set((sub.get("properties") or {}).keys())
        extra = [k for k in error.instance if k not in known]
        return [(_join(base, k), "biểu mẫu không có trường này; bỏ nó đi") for k in extra]
    if sub.get("x-message"):
        return [(base, sub["x-message"])]
    return [(base, _message(error, _prop(schema, base)))]


def _message(error, prop: Mapping) -> str:
    v, value = error.validator, error.validator_value
    if v in ("enum", "oneOf", "const") and (options(prop) or v != "const"):
        labels = "; ".join(label for _, label in options(prop))
        return f"giá trị '{_text(error.instance)}' không hợp lệ; chọn một trong: {labels}"
    if v == "const":
        return f"phải là '{_text(value)}'"
    if v == "type":
        try:
            return f"phải là {KIND_LABELS[kind(prop)]}"
        except ValueError:
            return f"sai kiểu dữ liệu (cần {value})"
    if v == "minLength":
        return "không được để trống" if value == 1 else f"cần ít nhất {value} ký tự"
    if v == "maxLength":
        return f"tối đa {value} ký tự (đang có {len(error.instance)}); rút gọn lại"
    if v in ("minimum", "exclusiveMinimum"):
        return f"phải {'từ' if v == 'minimum' else 'lớn hơn'} {_text(value)}{' trở lên' if v == 'minimum' else ''}"
    if v in ("maximum", "exclusiveMaximum"):
        return f"phải {'không quá' if v == 'maximum' else 'nhỏ hơn'} {_text(value)}"
    if v == "minItems":
        return f"cần ít nhất {value} dòng"
    if v == "maxItems":
        return f"tối đa {value} dòng"
    if v == "format":
        return {
            "date": "ngày không hợp lệ; nhập theo dạng dd/mm/yyyy, ví dụ 20/03/2026",
            "date-time": "ngày giờ không hợp lệ; cần ngày và giờ kèm múi giờ, ví dụ 2026-03-20T17:00:00+07:00",
        }.get(value, f"không đúng định dạng {value}")
    if v == "pattern":
        return "không đúng định dạng"
    return f"không hợp lệ ({error.message})"


def _required(prop: Mapping) -> str:
    try:
        kind_ = kind(prop) if prop else "text"
    except ValueError:
        kind_ = "text"
    if kind_ in ("choice", "boolean"):
        return "chưa chọn; trường này bắt buộc"
    if kind_ in ("lines", "table"):
        return "chưa nhập dòng nào; trường này bắt buộc"
    if kind_ == "file":
        return "chưa chọn tệp; trường này bắt buộc"
    return "chưa nhập; trường này bắt buộc"


def _join(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name


def _prop(schema: Mapping, path: str) -> Mapping:
    """The subschema of the field at dotted `path` (row numbers step into `items`); {} when unknown."""
    node: Any = schema
    for part in path.split(".") if path else []:
        if whole_number(part, ROW_DIGITS) is not None:
            node = node.get("items") or {}
        else:
            node = (node.get("properties") or {}).get(part) or {}
    return node if isinstance(node, Mapping) else {}


def title_of(schema: Mapping, path: str) -> str:
    """A person's name for the field at `path`: "Giấy tờ cần bổ sung, dòng 2, Lý do"."""
    parts, node, words = path.split("."), schema, []
    for part in parts:
        row = whole_number(part, ROW_DIGITS)
        if row is not None:
            node = node.get("items") or {}
            words.append(f"dòng {row + 1}")
        else:
            node = (node.get("properties") or {}).get(part) or {}
            words.append(node.get("title", part))
    return ", ".join(words)


def summary(schema: Mapping, errors: Mapping[str, str]) -> str:
    """One sentence listing every error, for the top of the page and the API's message."""
    return "Biểu mẫu chưa hợp lệ: " + "; ".join(f"{title_of(schema, p)}: {m}" for p, m in errors.items())
