"""Completing tasks with their forms (services.task_forms) on the shipped procedures, SQLite and PostgreSQL: the schema
and the calendar rules are checked before anything changes, uploads are stored with the dossier, and the apology
letter can be previewed from a draft."""

from datetime import datetime, timedelta

import pytest

from engine.domain.clock import VN_TZ
from engine.domain.errors import Conflict, NotFound, ProcessDefinitionError, ScriptError, ValidationError
from engine.forms.schema import EMPTY_SCHEMA
from engine.services.task_forms import Upload
from tests.conftest import deploy_shipped

X_RAY = "1.004454.000.00.00.H56"  # 11 working days: received Monday 2 March 08:00, appointment Tuesday 17 March 08:00
APPLICANT = {
    "type": 2,
    "name": "Phòng khám Đa khoa Hồng Nhung",
    "id_number": "4800123456",
    "address": "Số 12 phố Kim Đồng, tỉnh Cao Bằng",
    "phone": "0912 345 678",
}
PDF = b"%PDF-1.4\n% draft\n"


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13"}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


def receive(services, channel: int = 2, procedure: str = X_RAY) -> str:
    """An online dossier by default (its first task is the reception check)."""
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(procedure).documents if d.required]
    return services.reception.receive(procedure, APPLICANT, channel, "counter", documents, "motcua1").code


def open_task(services, code: str, name: str):
    [task] = [t for t in services.instances.tasks(code=code) if t.name == name]
    return task


def to_apology(services, clock, code: str):
    """From a counter dossier's assignment to the apology task, opened by its timer one working day before the
    appointment; returns the apology task."""
    assign(services, code, "cv")
    appointment = services.dossiers.get(code).appointment
    clock.set(services.calendars.current().add(appointment, 1, "wd", before=True) + timedelta(hours=1))
    assert services.timers.run_pass("t", 100).fired == 1
    return open_task(services, code, "lap_phieu_xin_loi")


def test_the_form_is_the_one_the_user_task_names(services):
    task = open_task(services, receive(services), "tiep_nhan")
    assert task.properties["form"] == "tiep_nhan"
    assert services.task_forms.form(task)["title"] == "Tiếp nhận, kiểm tra hồ sơ"
    assert services.task_forms.form(task.__class__(**{**task.__dict__, "properties": {}})) == EMPTY_SCHEMA
    with pytest.raises(ProcessDefinitionError, match="không có biểu mẫu 'khong_co'"):
        services.task_forms.form(task.__class__(**{**task.__dict__, "properties": {"form": "khong_co"}}))
    with pytest.raises(ProcessDefinitionError):
        services.task_forms.load("../catalogue")


def test_valid_data_completes_the_task_and_moves_the_dossier_on(services):
    code = receive(services)
    task = open_task(services, code, "tiep_nhan")
    services.task_forms.complete(task.task_id, {"reception_result": "accept"}, "motcua1")
    assert [t.name for t in services.instances.tasks(code=code)] == ["phan_cong"]
    [done] = [e for e in services.instances.history(code) if e.tag == "dossier:task:completed"]
    assert done.payload["data"] == {"reception_result": "accept", "missing_items": [], "refusal_reasons": []}


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"reception_result"}),
        ({"reception_result": "supplement"}, {"missing_items"}),
        ({"reception_result": "supplement", "missing_items": [{"reason": "hết hạn"}]}, {"missing_items.0.item"}),
        ({"reception_result": "accept", "appointment": "2030-01-01T08:00:00+07:00"}, {"appointment"}),
    ],
)
def test_invalid_data_is_refused_with_every_field_and_nothing_changes(services, data, fields):
    code = receive(services)
    task = open_task(services, code, "tiep_nhan")
    before = services.instances.history(code)
    with pytest.raises(ValidationError) as raised:
        services.task_forms.complete(task.task_id, data, "motcua1")
    assert set(raised.value.fields) == fields
    assert services.instances.history(code) == before
    assert services.dossiers.get(code).appointment == vn(2026, 3, 17, 8, 0)


def test_a_task_claimed_by_someone_else_is_a_conflict_before_its_data_is_read(services):
    code = receive(services)
    task = open_task(services, code, "tiep_nhan")
    services.instances.claim(task.task_id, "motcua2")
    with pytest.raises(Conflict, match="đang do motcua2 nhận xử lý"):
        services.task_forms.complete(task.task_id, {}, "motcua1")
    services.task_forms.complete(task.task_id, {"reception_result": "accept"}, "motcua2")
    with pytest.raises((NotFound, Conflict)):
        services.task_forms.complete(task.task_id, {"reception_result": "accept"}, "motcua2")


def assign(services, code: str, specialist: str) -> None:
    """The division head assigns the appraisal to `specialist`, an account of the X-ray procedure's division."""
    division = services.dossiers.catalogue.division_of(X_RAY)
    services.accounts.create(specialist, "Lã Thu Hà", "specialist", division, "matkhau-123", exist_ok=True)
    services.task_forms.complete(open_task(services, code, "phan_cong").task_id, {"specialist": specialist}, "ld")


def test_a_submitted_page_is_converted_validated_and_its_file_stored_with_the_dossier(services):
    code = receive(services, channel=1)
    assign(services, code, "cv")
    task = open_task(services, code, "tham_dinh")
    form = {"appraisal_result": ["approve"], "opinion": ["Đạt yêu cầu"], "missing_items.0.item": [""]}
    upload = Upload("du_thao.pdf", PDF, "application/pdf")

    with pytest.raises(ValidationError) as raised:  # everything is reported at once, before the file is stored
        services.task_forms.submit(task.task_id, {**form, "opinion": [""]}, {"attachment": upload}, "cv")
    assert set(raised.value.fields) == {"opinion"} and services.files.files(code) == []

    services.task_forms.submit(task.task_id, form, {"attachment": upload}, "cv")
    [stored] = services.files.files(code)
    assert (stored.filename, stored.document) == (
        "du_thao.pdf",
        f"{task.title}: Tệp đính kèm (dự thảo, biên bản thẩm định)",
    )
    [done] = [
        e for e in services.instances.history(code) if e.tag == "dossier:task:completed" and e.task_id == task.task_id
    ]
    assert done.payload["data"]["attachment"] == {"id": stored.id, "filename": "du_thao.pdf"}
    assert done.payload["data"]["missing_items"] == []


def test_a_completion_that_fails_after_storing_its_file_leaves_neither(services, monkeypatch):
    """The files and the completion are one unit of work: a step that fails (here its script) keeps no file."""
    code = receive(services, channel=1)
    assign(services, code, "cv")
    task = open_task(services, code, "tham_dinh")
    form = {"appraisal_result": ["approve"], "opinion": ["Đạt yêu cầu"], "missing_items.0.item": [""]}

    def failing(workflow, task_id, data):
        raise ScriptError("tham_dinh", "the script failed")

    monkeypatch.setattr(services.runtime, "complete", failing)
    with pytest.raises(ScriptError):
        services.task_forms.submit(
            task.task_id, form, {"attachment": Upload("du_thao.pdf", PDF, "application/pdf")}, "cv"
        )

    assert services.files.files(code) == []
    assert open_task(services, code, "tham_dinh").task_id == task.task_id
    assert "dossier:file:attached" not in [e.tag for e in services.instances.history(code)]


def test_a_refused_upload_names_the_file_field(services):
    code = receive(services, channel=1)
    assign(services, code, "cv")
    task = open_task(services, code, "tham_dinh")
    form = {"appraisal_result": ["approve"], "opinion": ["Đạt"]}
    with pytest.raises(ValidationError) as raised:
        services.task_forms.submit(
            task.task_id, form, {"attachment": Upload("a.exe", b"MZ", "application/x-msdos")}, "cv"
        )
    assert "chỉ nhận" in raised.value.fields["attachment"]
    assert open_task(services, code, "tham_dinh").task_id == task.task_id


@pytest.mark.parametrize(
    ("new_appointment", "words"),
    [
        ("2026-03-17T08:00:00+07:00", "phải sau ngày hẹn hiện tại 08:00 17/03/2026"),
        ("2026-03-10T08:00:00+07:00", "phải sau ngày hẹn hiện tại"),
        ("2026-03-21T08:00:00+07:00", "ngày 21/03/2026 là ngày nghỉ"),  # a Saturday
        ("2026-04-30T08:00:00+07:00", "ngày 30/04/2026 là ngày nghỉ"),  # Ngày Giải phóng miền Nam
    ],
)
def test_the_new_appointment_must_be_a_later_working_day(services, clock, new_appointment, words):
    code = receive(services, channel=1)
    task = to_apology(services, clock, code)
    data = {"delay_reason": "Chờ kết quả kiểm xạ", "new_appointment": new_appointment}
    with pytest.raises(ValidationError) as raised:
        services.task_forms.complete(task.task_id, data, "cv")
    assert words in raised.value.fields["new_appointment"]
    assert open_task(services, code, "lap_phieu_xin_loi").task_id == task.task_id


def test_the_apology_goes_to_the_director_and_needs_no_date_when_not_needed(services, clock):
    code = receive(services, channel=1)
    task = to_apology(services, clock, code)
    with pytest.raises(ValidationError) as raised:
        services.task_forms.complete(task.task_id, {}, "cv")  # `needed` defaults to yes: a letter needs its fields
    assert set(raised.value.fields) == {"delay_reason", "new_appointment"}

    data = {"delay_reason": "Chờ kết quả kiểm xạ", "new_appointment": "2026-03-20T08:00:00+07:00"}
    services.task_forms.complete(task.task_id, data, "cv")
    director = open_task(services, code, "duyet_phieu_xin_loi")
    with pytest.raises(ValidationError, match="ghi điều cần sửa"):
        services.task_forms.complete(director.task_id, {"approved": False}, "gd")
    services.task_forms.complete(director.task_id, {"approved": False, "comment": "Ghi rõ lý do"}, "gd")

    again = open_task(services, code, "lap_phieu_xin_loi")
    services.task_forms.complete(again.task_id, {"needed": False}, "cv")
    assert services.dossiers.get(code).extension_count == 0
    assert not [t for t in services.instances.tasks(code=code) if "xin_loi" in t.name]


def test_the_letter_preview_shows_the_draft_reason_and_new_date(services, clock):
    code = receive(services, channel=1)
    task = to_apology(services, clock, code)
    before = services.instances.history(code)
    html = services.task_forms.preview(task, "Chờ kết quả kiểm xạ bổ sung", "2026-03-20T08:00")
    assert "Chờ kết quả kiểm xạ bổ sung" in html and "20/03/2026" in html and code in html
    assert "Chờ" not in services.task_forms.preview(task, "", "không phải ngày")  # a blank draft still renders
    assert services.instances.history(code) == before and services.dossiers.get(code).extension_count == 0
    with pytest.raises(NotFound):
        services.task_forms.preview(open_task(services, code, "tham_dinh"), "x", "")
