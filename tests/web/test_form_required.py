"""Every form's required fields, reviewed against its step in the five procedures (and feedback's process): a form
sent without one of them, as the task page sends it, is refused with a message naming the field by its title, and
nothing changes (the task stays open, the history does not grow). The table also guards the forms: a field a form
requires that the table does not list fails the test, so a new form or a new required field comes with its case."""

import json
import re
from pathlib import Path

import pytest

from engine.domain.errors import ValidationError
from engine.forms import schema as forms
from tests.conftest import deploy_shipped
from tests.engine.services.test_task_forms import X_RAY, to_apology
from tests.test_architecture import MAIN_PATH_DATA
from tests.web.conftest import ensure_account
from tests.web.test_tasks import receive, text

FORMS_DIR = Path(__file__).resolve().parents[2] / "processes" / "forms"
SELECTION = "1.002251.000.00.00.H56"  # tuyen_chon_nhiem_vu: the council, negotiation and issue steps

# form -> (the task that uses it, a valid submission as the page sends it, the fields it must have with the words
# the refusal uses for each). A conditional field is tested with the answer that makes it required.
CASES: dict[str, tuple[str, dict[str, list[str]], dict[str, str]]] = {
    "tiep_nhan": ("tiep_nhan", {"reception_result": ["accept"]}, {"reception_result": "chưa chọn"}),
    "tiep_nhan/bo_sung": (
        "tiep_nhan",
        {"reception_result": ["supplement"], "missing_items.0.item": ["Bản sao giấy phép"]},
        {"missing_items": "ghi ít nhất một giấy tờ cần bổ sung"},
    ),
    "tiep_nhan/tu_choi": (
        "tiep_nhan",
        {"reception_result": ["refuse"], "refusal_reasons": ["Không thuộc thẩm quyền"]},
        {"refusal_reasons": "ghi ít nhất một lý do từ chối"},
    ),
    "phan_cong": ("phan_cong", {"specialist": ["chuyenvien"], "note": ["Thẩm định"]}, {"specialist": "chưa chọn"}),
    "tham_dinh": (
        "tham_dinh",
        {"appraisal_result": ["approve"], "opinion": ["Đạt"]},
        {"appraisal_result": "chưa chọn", "opinion": "chưa nhập"},
    ),
    "tham_dinh/bo_sung": (
        "tham_dinh",
        {"appraisal_result": ["supplement"], "opinion": ["Thiếu"], "missing_items.0.item": ["Kết quả kiểm xạ"]},
        {"missing_items": "ghi ít nhất một nội dung cần bổ sung"},
    ),
    "nhan_bo_sung": ("nhan_bo_sung", {"received": ["true"]}, {}),  # received: defaults to true and must be true
    "quyet_dinh_hoi_dong": (
        "quyet_dinh_hoi_dong",
        {"decision_number": ["45/QĐ-SKHCN"], "decision_date": ["2026-03-10"], "members": ["Nguyễn Văn Bình"]},
        {
            "decision_number": "ghi số quyết định",
            "decision_date": "chọn ngày ký quyết định",
            "members": "ghi ít nhất một thành viên",
        },
    ),
    "hoi_dong": (
        "hoi_dong",
        {
            "meeting_date": ["2026-03-20"],
            "method": ["tuyen_chon"],
            "selected_organisation": ["Viện Nghiên cứu Ứng dụng"],
            "council_opinion": ["Đề nghị giao chủ trì"],
        },
        {
            "meeting_date": "chọn ngày họp hội đồng",
            "method": "chọn hình thức",
            "selected_organisation": "ghi tổ chức, cá nhân",
            "council_opinion": "ghi kết luận",
        },
    ),
    "thuong_thao": (
        "thuong_thao",
        {"budget": ["850"], "duration_months": ["18"], "result": ["Thống nhất"]},
        {"budget": "ghi kinh phí", "duration_months": "ghi thời gian thực hiện", "result": "ghi kết quả thương thảo"},
    ),
    "xem_xet": (
        "xem_xet",
        {"approved": ["false"], "comment": ["Thiếu"]},
        {"approved": "chưa chọn", "comment": "ghi rõ lý do"},
    ),
    "ky_duyet": (
        "ky_duyet",
        {"approved": ["false"], "comment": ["Thiếu"]},
        {"approved": "chưa chọn", "comment": "ghi rõ lý do"},
    ),
    "ban_hanh": (
        "ban_hanh",
        {"document_number": ["125/QĐ-SKHCN"], "issued_on": ["2026-03-12"]},
        {"document_number": "ghi số, ký hiệu", "issued_on": "chọn ngày ban hành"},
    ),
    "tra_ket_qua": ("tra_ket_qua", {"returned_to": ["Nguyễn Văn An"]}, {"returned_to": "ghi họ tên người nhận"}),
    "lap_phieu_xin_loi": (
        "lap_phieu_xin_loi",
        {"needed": ["true"], "delay_reason": ["Chờ kết quả kiểm xạ"], "new_appointment": ["2026-03-20T08:00"]},
        {"delay_reason": "ghi lý do chậm trả", "new_appointment": "chọn ngày hẹn trả mới"},
    ),
    "duyet_phieu_xin_loi": (
        "duyet_phieu_xin_loi",
        {"approved": ["false"], "comment": ["Sửa lý do"]},
        {"approved": "chưa chọn", "comment": "ghi điều cần sửa"},
    ),
    "pakn_phan_loai": ("phan_loai", {"category": ["rule"]}, {"category": "chưa chọn"}),
    "pakn_giao": ("giao_xu_ly", {"note": ["Phòng Quản lý chuyên ngành"]}, {"note": "ghi ai xử lý"}),
    "pakn_tra_loi": ("tra_loi", {"answer": ["Sở ghi nhận"]}, {"answer": "cần nội dung trả lời"}),
    "pakn_duyet": (
        "duyet_tra_loi",
        {"approved": ["false"], "comment": ["Nêu căn cứ"]},
        {"approved": "chưa chọn", "comment": "ghi rõ lý do"},
    ),
}


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13", "session_idle_minutes": 24 * 60, "session_hours": 24}


@pytest.fixture
def services(services):
    deploy_shipped(services)
    ensure_account(services, "specialist")
    return services


def _open(services, code: str, name: str):
    found = [t for t in services.instances.tasks(code=code) if t.name == name]
    return found[0] if found else None


def _drive(services, code: str, name: str, data: dict | None = None):
    """Complete the open tasks of `code` along the main path until task `name` is open; return it."""
    data = {**MAIN_PATH_DATA, "phan_cong": {"specialist": "chuyenvien"}, **(data or {})}
    for _ in range(25):
        if (task := _open(services, code, name)) is not None:
            return task
        [task, *_] = services.instances.tasks(code=code)
        services.instances.complete(task.task_id, data.get(task.name, {}), task.assignee or "tester")
    pytest.fail(f"{code} never reached {name}")


def _task_of(services, clock, form: str, task_name: str):
    """An open task that uses `form`, on a dossier (or feedback) brought to it."""
    if form.startswith("pakn_"):
        item = services.feedback.submit("rule", "web", "Trần Thị Hoa", "hoa@example.vn", "Thủ tục", "Nội dung")
        return _drive(services, item.code, task_name, {"phan_loai": {"category": "rule"}, "giao_xu_ly": {"note": "x"}})
    if form in ("lap_phieu_xin_loi", "duyet_phieu_xin_loi"):
        code = receive(services, channel=1)
        draft = to_apology(services, clock, code)
        if form == "lap_phieu_xin_loi":
            return draft
        sent = {"delay_reason": "Chờ kết quả", "new_appointment": "2026-03-20T08:00:00+07:00"}
        services.instances.complete(draft.task_id, sent, "cv")
        return _open(services, code, task_name)
    if form == "nhan_bo_sung":
        code = receive(services, channel=1)
        supplement = {"appraisal_result": "supplement", "opinion": "Thiếu", "missing_items": [{"item": "Bản sao"}]}
        return _drive(services, code, task_name, {"tham_dinh": supplement})
    if task_name in ("quyet_dinh_hoi_dong", "hoi_dong", "thuong_thao", "ban_hanh"):
        return _drive(services, receive(services, channel=1, procedure=SELECTION), task_name)
    return _drive(services, receive(services, channel=2, procedure=X_RAY), task_name)


def _required(schema: dict) -> set[str]:
    """Every field `schema` may require: its own `required` and those of its conditions (if/then/else, allOf)."""
    found = set(schema.get("required") or ())
    for key in ("then", "else"):
        if isinstance(schema.get(key), dict):
            found |= _required(schema[key])
    for part in schema.get("allOf") or ():
        found |= _required(part)
    return found


def test_the_table_lists_every_form_and_every_field_it_requires():
    shipped = {p.stem for p in FORMS_DIR.glob("*.json")}
    assert {case.split("/")[0] for case in CASES} == shipped
    for name in shipped:
        schema = json.loads((FORMS_DIR / f"{name}.json").read_text("utf-8"))
        listed = {field for case, (_, _, fields) in CASES.items() if case.split("/")[0] == name for field in fields}
        assert _required(schema) - {"received"} == listed, name  # nhan_bo_sung's `received` has its default


def test_the_issue_and_the_assignment_cannot_be_left_without_their_values():
    issue = json.loads((FORMS_DIR / "ban_hanh.json").read_text("utf-8"))
    assert {"document_number", "issued_on"} <= set(issue["required"])
    assignment = json.loads((FORMS_DIR / "phan_cong.json").read_text("utf-8"))
    assert "specialist" in assignment["required"] and assignment["properties"]["specialist"]["minLength"] == 1


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_form_without_a_required_field_is_refused_naming_it_and_nothing_changes(services, clock, case):
    form = case.split("/")[0]
    task_name, valid, fields = CASES[case]
    task = _task_of(services, clock, form, task_name)
    assert task is not None and task.properties.get("form") == form
    schema = services.task_forms.form(task)
    actor = task.assignee or "tester"
    before = len(services.instances.history(task.code))
    for field, words in fields.items():
        sent = {k: v for k, v in valid.items() if k != field and not k.startswith(field + ".")}
        with pytest.raises(ValidationError) as refused:
            services.task_forms.submit(task.task_id, sent, {}, actor)
        assert set(refused.value.fields) == {field}, refused.value.fields
        assert words in refused.value.fields[field]
        assert f"{forms.title_of(schema, field)}: " in str(refused.value)  # named by its title, not its key
        assert _open(services, task.code, task_name).task_id == task.task_id
        assert len(services.instances.history(task.code)) == before
    services.task_forms.submit(task.task_id, valid, {}, actor)  # the baseline itself is accepted
    assert len(services.instances.history(task.code)) > before


def test_the_issue_page_refuses_a_result_without_its_number_and_date(services, sign_in):
    code = receive(services, channel=1, procedure=SELECTION)
    task = _drive(services, code, "ban_hanh")
    clerk = sign_in("clerk")
    page = clerk.post(f"/viec/{task.task_id}", {"note": "Đã đóng dấu"})
    assert page.status_code == 422
    body = text(page)
    assert re.search(r"Số, ký hiệu văn bản: ghi số, ký hiệu của văn bản kết quả", body)
    assert "Ngày ban hành: chọn ngày ban hành của văn bản kết quả" in body
    assert "Đã đóng dấu" in body  # what was typed is kept
    assert _open(services, code, "ban_hanh").task_id == task.task_id
