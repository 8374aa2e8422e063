"""The base of every API schema: unknown fields refused, Vietnamese error messages, moments in Vietnam time.

Marshmallow's own messages are English and say nothing about how to fix the input; `ApiSchema` replaces them when a
field is bound, and `field_errors` turns marshmallow's nested error dict into the flat `{"applicant.name": "..."}`
fields of our ValidationError (list items numbered from 1, as the domain's reception check does).
"""

from datetime import UTC, date, datetime

from marshmallow import RAISE, Schema, ValidationError, fields

from engine.domain.clock import VN_TZ

REQUIRED = "bắt buộc: thiếu trường này"
NULL = "không được để trống (null)"
UNKNOWN = "không có trường này"

# The `invalid` message of each field class (looked up along the class's MRO, most specific first).
INVALID = (
    (fields.AwareDateTime, "phải là thời điểm ISO 8601 kèm múi giờ, ví dụ 2026-03-02T08:00:00+07:00"),
    (fields.Date, "phải là ngày dạng YYYY-MM-DD, ví dụ 2026-03-02"),
    (fields.Boolean, "phải là đúng (true) hoặc sai (false)"),
    (fields.Integer, "phải là số nguyên"),
    (fields.Number, "phải là số"),
    (fields.Email, "thư điện tử không hợp lệ; viết dạng ten@mien.vn"),
    (fields.String, "phải là chuỗi ký tự"),
    (fields.List, "phải là danh sách (mảng JSON)"),
    (fields.Dict, "phải là đối tượng JSON"),
)


FIRST_YEAR, LAST_YEAR = 1900, 2199  # dates the API reads: the calendar's range, far from datetime's limits


def _within_years(value: date) -> bool:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(f"năm phải từ {FIRST_YEAR} đến {LAST_YEAR}")
    return True


class Moment(fields.AwareDateTime):
    """An RFC 3339 moment; written out in Vietnam time (+07:00), or in UTC for a moment before 1906, when Vietnam's
    offset was not a whole number of minutes. Naive input is refused unless `default_timezone` is given (query
    strings, where a `+` is easily lost, read a naive moment as Vietnam time). Years 1900-2199 only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [*self.validators, _within_years]

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        if value is None:
            return None
        local = value.astimezone(VN_TZ)
        offset = local.utcoffset()
        return (local if offset is not None and offset.seconds % 60 == 0 else value.astimezone(UTC)).isoformat()


class Day(fields.Date):
    """A date YYYY-MM-DD, years 1900-2199."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [*self.validators, _within_years]


class ApiSchema(Schema):
    """Unknown fields are errors (a typo must not be silently dropped); messages are Vietnamese."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": UNKNOWN, "type": "phải là đối tượng JSON"}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        messages = {"required": REQUIRED, "null": NULL, "validator_failed": "giá trị không hợp lệ"}
        for cls, text in INVALID:
            if isinstance(field_obj, cls):
                messages["invalid"] = text
                break
        if isinstance(field_obj, fields.AwareDateTime):
            messages["invalid_awareness"] = "thiếu múi giờ; ghi kèm múi giờ, ví dụ 2026-03-02T08:00:00+07:00"
        if isinstance(field_obj, fields.Nested):
            messages["type"] = "phải là đối tượng JSON"
        field_obj.error_messages = {**field_obj.error_messages, **messages}


def field_errors(errors: dict, schema: Schema | None, prefix: str = "") -> dict[str, str]:
    """marshmallow's `ValidationError.messages` as flat fields: `applicant.name`, `documents[2].received`.

    An unknown field's message lists the fields that schema has, so the caller can see the typo."""
    flat: dict[str, str] = {}
    known = schema.fields if schema is not None else {}
    for key, value in errors.items():
        if key == "_schema":
            name = prefix or "body"
        else:
            name = f"{prefix}.{key}" if prefix else str(key)
        field = known.get(key) if isinstance(key, str) else None
        if isinstance(value, dict):
            flat.update(_nested(value, field, name))
            continue
        text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        if text == UNKNOWN and field is None and known:
            text = f"{UNKNOWN}; các trường là: {', '.join(known)}"
        flat[name] = text
    return flat


def _nested(value: dict, field: fields.Field | None, name: str) -> dict[str, str]:
    if isinstance(field, fields.Nested):
        return field_errors(value, field.schema, name)
    if isinstance(field, fields.List):
        inner = field.inner
        flat: dict[str, str] = {}
        for index, item_errors in value.items():
            item = f"{name}[{index + 1}]" if isinstance(index, int) else f"{name}.{index}"
            if isinstance(item_errors, dict):
                schema = inner.schema if isinstance(inner, fields.Nested) else None
                flat.update(field_errors(item_errors, schema, item))
            else:
                flat[item] = "; ".join(str(v) for v in item_errors)
        return flat
    return field_errors(value, None, name)
