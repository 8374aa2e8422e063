"""Back after completing a task (or a second submission) shows what became of it: completed by whom, when, and where
the dossier is now; not "(404) no such open task". Someone who may not read the dossier learns nothing of it."""

import pytest

from engine.domain.clock import VN_TZ
from tests.conftest import deploy_shipped
from tests.engine.services.test_task_forms import open_task
from tests.web.test_tasks import receive, text


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13", "session_idle_minutes": 24 * 60, "session_hours": 24}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


def _complete_reception(services, sign_in):
    code = receive(services)
    task = open_task(services, code, "tiep_nhan")
    officer = sign_in("one_stop")
    done = officer.post(f"/viec/{task.task_id}", {"reception_result": "accept", "missing_items.0.item": ""})
    assert done.status_code == 302
    return code, task, officer


def test_back_after_completing_shows_who_completed_it_when_and_where_the_dossier_is(services, sign_in, clock):
    code, task, officer = _complete_reception(services, sign_in)
    page = officer.get(f"/viec/{task.task_id}")
    assert page.status_code == 200
    body = text(page)
    assert "Việc “Tiếp nhận, kiểm tra hồ sơ” không còn mở" in body
    assert 'data-testid="closed-by">Nguyễn Thị Lan</dd>' in body  # the demo one-stop officer's full name
    assert f'data-testid="closed-at">{clock.now().astimezone(VN_TZ):%d/%m/%Y %H:%M}</dd>' in body
    assert "Phân công thụ lý · Lãnh đạo phòng" in body and "chưa ai nhận" in body
    assert "Không có việc" not in body and code in body

    again = officer.post(f"/viec/{task.task_id}", {"reception_result": "accept"})  # a second submission
    assert again.status_code == 409 and "không còn mở" in text(again)

    officer.post("/ngon-ngu/en", {"next": "/viec"})
    english = text(officer.get(f"/viec/{task.task_id}"))
    assert "is no longer open" in english and "Completed by" in english and "not claimed" in english


def test_a_task_that_never_existed_is_still_404(services, sign_in):
    assert sign_in("one_stop").get("/viec/khong-co-viec-nay").status_code == 404


def test_an_officer_who_may_not_read_the_dossier_is_refused(services, sign_in):
    _code, task, _officer = _complete_reception(services, sign_in)
    other = sign_in("specialist", username="cv_khac", division="Phòng Kế hoạch - Tài chính")
    assert other.get(f"/viec/{task.task_id}").status_code == 403
