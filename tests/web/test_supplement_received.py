"""Nhận hồ sơ bổ sung: the officer who receives the applicant's additions records them with their scan (stored as a
file of the dossier, in one unit of work with the step: all or nothing), and the time the dossier waited for the
applicant is not charged to the step (no deadline while waiting; its allotment counts from when the additions
arrived, and the step is judged late or not against that)."""

import io
from datetime import timedelta

import pytest

from engine.domain import deadlines
from tests.conftest import deploy_shipped
from tests.engine.services.test_task_forms import PDF, open_task, vn
from tests.web.test_tasks import assign, receive, text

SUPPLEMENT = {"appraisal_result": "supplement", "opinion": "Thiếu", "missing_items": [{"item": "Kết quả kiểm xạ"}]}


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13", "session_idle_minutes": 24 * 60, "session_hours": 24}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


def waiting(services, clock) -> tuple[str, object]:
    """An X-ray counter dossier whose appraisal asked for additions on Wednesday 4 March 10:00: (code, the task)."""
    code = receive(services, channel=1)
    assign(services, code)
    clock.set(vn(2026, 3, 4, 10, 0))
    services.task_forms.complete(open_task(services, code, "tham_dinh").task_id, SUPPLEMENT, "chuyenvien")
    return code, open_task(services, code, "nhan_bo_sung")


def step(services, code: str, name: str):
    [line] = [s for s in services.records.record(code).steps if s.name == name]
    return line


def test_the_additions_are_recorded_with_their_scan_as_a_file_of_the_dossier(services, sign_in, clock):
    code, task = waiting(services, clock)
    clock.set(vn(2026, 3, 9, 10, 0))
    officer = sign_in("specialist")
    page = text(officer.get(f"/viec/{task.task_id}"))
    assert 'type="file" name="additions"' in page and 'name="received_at"' in page
    assert 'id="waiting-applicant"' in page  # no deadline while waiting, and the page says why

    sent = {"received_at": "2026-03-09T09:00", "additions": (io.BytesIO(PDF), "ket_qua_kiem_xa.pdf")}
    done = officer.post(f"/viec/{task.task_id}", sent, content_type="multipart/form-data")
    assert done.status_code == 302
    [stored] = services.files.files(code)
    assert stored.filename == "ket_qua_kiem_xa.pdf"
    assert stored.document == "Nhận hồ sơ bổ sung: Hồ sơ bổ sung (bản số hoá)"
    assert services.files.file_content(code, stored.id)[1] == PDF
    [completed] = [e for e in services.instances.history(code) if e.tag == "dossier:task:completed"
                   and e.task_id == task.task_id]  # fmt: skip
    assert completed.payload["data"]["additions"] == {"id": stored.id, "filename": "ket_qua_kiem_xa.pdf"}
    assert open_task(services, code, "tham_dinh") is not None  # the appraisal goes on with the additions

    dossier = text(officer.get(f"/ho-so/{code}"))
    assert f'href="/ho-so/{code}/tep/{stored.id}"' in dossier  # in the step's decisions


def test_a_refused_submission_stores_no_file_and_leaves_the_step_open(services, sign_in, clock):
    code, task = waiting(services, clock)
    clock.set(vn(2026, 3, 9, 10, 0))
    officer = sign_in("specialist")
    future = {"received_at": "2026-03-09T15:00", "additions": (io.BytesIO(PDF), "ket_qua_kiem_xa.pdf")}
    refused = officer.post(f"/viec/{task.task_id}", future, content_type="multipart/form-data")
    assert refused.status_code == 422 and "không được sau lúc này (10:00 09/03/2026)" in text(refused)
    before = {"received_at": "2026-03-03T09:00", "additions": (io.BytesIO(PDF), "ket_qua_kiem_xa.pdf")}
    early = officer.post(f"/viec/{task.task_id}", before, content_type="multipart/form-data")
    assert early.status_code == 422 and "không được trước lúc bắt đầu chờ bổ sung" in text(early)
    not_a_scan = {"received_at": "2026-03-09T09:00", "additions": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")}
    assert officer.post(f"/viec/{task.task_id}", not_a_scan, content_type="multipart/form-data").status_code == 422
    assert services.files.files(code) == []
    assert open_task(services, code, "nhan_bo_sung").task_id == task.task_id


def test_the_waiting_for_the_applicant_is_not_charged_to_the_step(services, sign_in, clock):
    code, task = waiting(services, clock)
    assert services.task_list.get(task.task_id).due_at is None  # no deadline while the applicant has the dossier
    clock.set(vn(2026, 3, 9, 8, 30))  # three working days later: the step is not overdue
    assert not step(services, code, "nhan_bo_sung").overdue
    overdue = sign_in("specialist").get("/viec?deadline=overdue")
    assert overdue.status_code == 200 and code not in text(overdue)

    clock.set(vn(2026, 3, 9, 11, 0))
    services.task_forms.complete(task.task_id, {"received_at": "2026-03-09T09:00:00+07:00"}, "chuyenvien")
    line = step(services, code, "nhan_bo_sung")
    calendar = services.calendars.current()
    assert line.due_at == deadlines.step_deadline(calendar, vn(2026, 3, 9, 9, 0), "0.5d")
    assert line.result in ("early", "on_time")  # counted from 09:00 Monday, not from Wednesday 10:00


def test_the_step_is_late_when_the_additions_wait_too_long_after_they_arrived(services, clock):
    code, task = waiting(services, clock)
    clock.set(vn(2026, 3, 10, 15, 0))  # arrived Monday 09:00, recorded Tuesday afternoon
    services.task_forms.complete(task.task_id, {"received_at": "2026-03-09T09:00:00+07:00"}, "chuyenvien")
    line = step(services, code, "nhan_bo_sung")
    assert line.result == "late"
    assert line.due_at < vn(2026, 3, 10, 15, 0) and line.due_at > vn(2026, 3, 9, 9, 0)


def test_without_a_moment_the_additions_arrived_when_the_step_was_completed(services, clock):
    code, task = waiting(services, clock)
    clock.set(vn(2026, 3, 12, 14, 0))
    services.task_forms.complete(task.task_id, {}, "chuyenvien")
    line = step(services, code, "nhan_bo_sung")
    assert line.result in ("early", "on_time")
    assert line.due_at - vn(2026, 3, 12, 14, 0) > timedelta(0)
