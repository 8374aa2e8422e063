"""Task forms as JSON Schema: field kinds, HTML submissions to typed data, Vietnamese validation messages, and every
shipped form (processes/forms/) valid and named by the user tasks of processes/*.bpmn."""

import ast
import json

import pytest
from lxml import etree

from engine.domain.errors import ValidationError
from engine.forms import schema as forms
from tests.conftest import PROCESSES

FORM_FILES = sorted((PROCESSES / "forms").glob("*.json"))
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}

CHOICE = {
    "type": "string",
    "title": "Kết quả",
    "oneOf": [{"const": "a", "title": "Đạt"}, {"const": "b", "title": "Không"}],
}
FORM = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "title": "Tên", "minLength": 1, "maxLength": 5},
        "note": {"type": "string", "title": "Ghi chú", "format": "textarea"},
        "count": {"type": "integer", "title": "Số bản", "minimum": 1},
        "amount": {"type": "number", "title": "Kinh phí", "maximum": 100},
        "day": {"type": "string", "title": "Ngày", "format": "date"},
        "at": {"type": "string", "title": "Lúc", "format": "date-time"},
        "result": CHOICE,
        "level": {"type": "string", "title": "Mức", "enum": ["x", "y"], "x-labels": {"x": "Mức X"}},
        "ok": {"type": "boolean", "title": "Đồng ý", "x-labels": {"true": "Duyệt"}},
        "scan": {"type": "object", "title": "Tệp", "format": "file"},
        "reasons": {"type": "array", "title": "Lý do", "items": {"type": "string"}},
        "rows": {
            "type": "array",
            "title": "Giấy tờ",
            "items": {
                "type": "object",
                "properties": {
                    "item": {"type": "string", "title": "Tên giấy tờ"},
                    "n": {"type": "integer", "title": "Số"},
                },
                "required": ["item"],
            },
        },
    },
    "required": ["name", "result", "ok"],
    "additionalProperties": False,
}


def test_kinds_options_and_required_marks():
    found = {f.name: f for f in forms.fields(FORM)}
    assert [f.kind for f in found.values()] == [
        "text", "textarea", "integer", "number", "date", "datetime", "choice", "choice", "boolean", "file", "lines",
        "table",
    ]  # fmt: skip
    assert found["result"].options == [("a", "Đạt"), ("b", "Không")]
    assert found["level"].options == [("x", "Mức X"), ("y", "y")]
    assert found["ok"].options == [("true", "Duyệt"), ("false", "Không")]
    assert [c.name for c in found["rows"].columns] == ["item", "n"]
    assert {f.name for f in found.values() if f.required} == {"name", "result", "ok"}


@pytest.mark.parametrize(
    ("form", "data"),
    [
        ({"name": [" An "], "csrf_token": ["t"]}, {"name": "An"}),
        ({"name": [""], "count": [" "]}, {}),  # blanks are left out: `required` reports them
        ({"count": ["12"], "amount": ["12,5"]}, {"count": 12, "amount": 12.5}),
        ({"amount": ["7"]}, {"amount": 7}),
        ({"day": ["2026-03-20"]}, {"day": "2026-03-20"}),
        ({"day": ["20/03/2026"]}, {"day": "2026-03-20"}),
        ({"at": ["2026-03-20T17:00"]}, {"at": "2026-03-20T17:00:00+07:00"}),
        ({"at": ["20/03/2026 17:00"]}, {"at": "2026-03-20T17:00:00+07:00"}),
        ({"at": ["2026-03-20T10:00:00+00:00"]}, {"at": "2026-03-20T10:00:00+00:00"}),
        ({"result": ["b"]}, {"result": "b"}),
        ({"ok": ["true"]}, {"ok": True}),
        ({"ok": ["false"]}, {"ok": False}),
        ({"reasons": ["một\r\n\r\n hai "]}, {"reasons": ["một", "hai"]}),
        ({"reasons": [""]}, {"reasons": []}),
        (
            {
                "rows.0.item": ["Đơn"],
                "rows.0.n": ["2"],
                "rows.1.item": [""],
                "rows.1.n": [""],
                "rows.2.item": ["Bản sao"],
            },
            {"rows": [{"item": "Đơn", "n": 2}, {"item": "Bản sao"}]},
        ),
        ({"rows.0.item": [""]}, {"rows": []}),
        ({"scan": ["x.pdf"]}, {}),  # files come with the request's files, not its form
    ],
)
def test_from_form_converts_what_was_typed(form, data):
    assert forms.from_form(FORM, form) == data


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        ({"count": ["mười"]}, "count", "không phải số nguyên"),
        ({"amount": ["12a"]}, "amount", "không phải là số"),
        ({"day": ["30/02/2026"]}, "day", "dd/mm/yyyy"),
        ({"at": ["mai"]}, "at", "dd/mm/yyyy hh:mm"),
        ({"ok": ["có lẽ"]}, "ok", "Có hoặc Không"),
        ({"rows.0.item": ["Đơn"], "rows.0.n": ["hai"]}, "rows.0.n", "không phải số nguyên"),
    ],
)
def test_from_form_names_each_value_it_cannot_read(form, field, words):
    with pytest.raises(ValidationError) as raised:
        forms.from_form(FORM, form)
    assert words in raised.value.fields[field]
    assert str(raised.value).startswith("Biểu mẫu chưa hợp lệ:")


def test_to_form_is_the_inverse_of_from_form():
    data = {
        "name": "An",
        "count": 2,
        "at": "2026-03-20T10:00:00+00:00",
        "ok": False,
        "reasons": ["một", "hai"],
        "rows": [{"item": "Đơn", "n": 2}],
    }
    form = forms.to_form(FORM, data)
    assert form["at"] == ["2026-03-20T17:00"] and form["ok"] == ["false"] and form["rows.0.n"] == ["2"]
    assert forms.from_form(FORM, form) == {**data, "at": "2026-03-20T17:00:00+07:00"}


VALID = {"name": "An", "result": "a", "ok": True}


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({}, "name", "chưa nhập"),
        ({}, "result", "chưa chọn"),
        ({**VALID, "name": ""}, "name", "không được để trống"),
        ({**VALID, "name": "Nguyễn Văn"}, "name", "tối đa 5 ký tự"),
        ({**VALID, "result": "c"}, "result", "chọn một trong: Đạt; Không"),
        ({**VALID, "level": "z"}, "level", "chọn một trong: Mức X; y"),
        ({**VALID, "ok": "yes"}, "ok", "phải là Có hoặc Không"),
        ({**VALID, "count": 0}, "count", "phải từ 1 trở lên"),
        ({**VALID, "count": 1.5}, "count", "phải là một số nguyên"),
        ({**VALID, "amount": 101}, "amount", "không quá 100"),
        ({**VALID, "day": "2026-02-30"}, "day", "ngày không hợp lệ"),
        ({**VALID, "at": "2026-03-20T17:00:00"}, "at", "kèm múi giờ"),
        ({**VALID, "rows": [{"n": 1}]}, "rows.0.item", "chưa nhập"),
        ({**VALID, "rows": "Đơn"}, "rows", "phải là danh sách các dòng"),
        ({**VALID, "appointment": "2030-01-01"}, "appointment", "không có trường này"),
    ],
)
def test_validate_reports_each_field_in_vietnamese(data, field, words):
    errors = forms.validate(FORM, data)
    assert words in errors[field], errors


def test_validate_accepts_a_complete_submission():
    data = {**VALID, "day": "2026-03-20", "at": "2026-03-20T17:00:00+07:00", "rows": [{"item": "Đơn"}], "scan": {}}
    assert forms.validate(FORM, data) == {}


def test_conditional_fields_use_the_message_of_their_rule():
    schema = json.loads((PROCESSES / "forms" / "tiep_nhan.json").read_text("utf-8"))
    assert forms.validate(schema, {"reception_result": "supplement"}) == {
        "missing_items": "ghi ít nhất một giấy tờ cần bổ sung"
    }
    assert forms.validate(schema, {"reception_result": "refuse", "refusal_reasons": []}) == {
        "refusal_reasons": "ghi ít nhất một lý do từ chối"
    }
    assert forms.validate(schema, {"reception_result": "accept", "missing_items": [], "refusal_reasons": []}) == {}
    assert forms.title_of(schema, "missing_items.1.reason") == "Giấy tờ cần bổ sung, hoàn thiện, dòng 2, Lý do"


def test_with_defaults_fills_absent_fields_only():
    schema = {"type": "object", "properties": {"needed": {"type": "boolean", "title": "x", "default": True}}}
    assert forms.with_defaults(schema, {}) == {"needed": True}
    assert forms.with_defaults(schema, {"needed": False}) == {"needed": False}


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ({"type": "object", "properties": {"a": {"type": "string"}}}, "thiếu tiêu đề"),
        ({"type": "object", "properties": {"a": {"type": "null", "title": "A"}}}, "không hỗ trợ"),
        ({"type": "array"}, "object schema"),
        ({"type": "object", "properties": {"a": {"type": 5, "title": "A"}}}, "không phải JSON Schema"),
    ],
)
def test_check_schema_refuses_forms_we_cannot_render(schema, words):
    with pytest.raises(ValueError, match=words):
        forms.check_schema(schema)


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_every_shipped_form_is_a_valid_form(path):
    schema = json.loads(path.read_text("utf-8"))
    forms.check_schema(schema)
    assert schema.get("title") and schema.get("additionalProperties") is False  # nothing else reaches the workflow


def _user_tasks():
    for path in sorted(PROCESSES.glob("*.bpmn")):
        for task in etree.parse(str(path)).iterfind(".//bpmn:userTask", NS):
            props = {p.get("name"): p.get("value") for p in task.iterfind(".//spiff:property", NS)}
            yield path.name, task.get("id"), props.get("form")


@pytest.mark.parametrize(("file", "task", "form"), list(_user_tasks()), ids=lambda v: str(v))
def test_every_user_task_names_an_existing_form(file, task, form):
    assert form, f"{file}: user task {task} has no `form` property"
    assert (PROCESSES / "forms" / f"{form}.json").is_file(), f"{file}: {task} names missing form {form}"


def _conditions() -> set[str]:
    found = set()
    for path in sorted(PROCESSES.glob("*.bpmn")):
        found |= {c.text.strip() for c in etree.parse(str(path)).iterfind(".//bpmn:conditionExpression", NS)}
    return found


def test_the_gateways_read_values_the_forms_produce():
    """Each `field == value` a gateway tests is a field of some form and a value it can take."""
    values: dict[str, set] = {}
    for path in FORM_FILES:
        for item in forms.fields(json.loads(path.read_text("utf-8"))):
            values.setdefault(item.name, set()).update(
                {True, False} if item.kind == "boolean" else {o["const"] for o in item.schema.get("oneOf", [])}
            )
    for condition in _conditions():
        name, _, literal = (part.strip() for part in condition.partition("=="))
        if name == "channel":  # data the dossier starts with, not a form's
            continue
        assert name in values, condition
        assert ast.literal_eval(literal) in values[name], condition


def test_compact_numbers_the_rows_as_their_errors_do():
    form = {"rows.0.item": [""], "rows.0.n": [""], "rows.2.item": ["Đơn"], "rows.2.n": ["hai"], "name": ["An"]}
    with pytest.raises(ValidationError) as raised:
        forms.from_form(FORM, form)
    assert set(raised.value.fields) == {"rows.0.n"}
    assert forms.compact(FORM, form) == {"name": ["An"], "rows.0.item": ["Đơn"], "rows.0.n": ["hai"]}
