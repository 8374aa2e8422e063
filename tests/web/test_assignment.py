"""Assignment picks an account of the division (each with its open workload) and the appraisal goes to that
specialist's own list; the division head reassigns an open task with a reason recorded in the history."""

import re

import pytest

from tests.conftest import deploy_shipped
from tests.engine.services.test_task_forms import open_task
from tests.web.conftest import ensure_account
from tests.web.test_tasks import receive, text

HOP_QUY = "1.000047.000.00.00.H56"


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13"}


@pytest.fixture
def division(services):
    deploy_shipped(services)
    name = services.dossiers.catalogue.get(HOP_QUY).division
    ensure_account(services, "specialist", "cv-an", name)
    ensure_account(services, "specialist", "cv-binh", name)
    ensure_account(services, "specialist", "cv-khac", "Phòng Kế hoạch - Tài chính")  # another division
    ensure_account(services, "division_head", "tp-hq", name)
    return name


def _counter_dossier(services) -> str:
    return receive(services, channel=1, procedure=HOP_QUY)  # waits for the assignment (phan_cong)


def test_the_assignment_lists_the_division_s_specialists_with_their_workload(services, sign_in, division):
    busy = _counter_dossier(services)
    services.task_forms.complete(open_task(services, busy, "phan_cong").task_id, {"specialist": "cv-binh"}, "tp-hq")
    code = _counter_dossier(services)
    head = sign_in("division_head", "tp-hq", division)
    page = text(head.get(f"/viec/{open_task(services, code, 'phan_cong').task_id}"))
    offered = re.findall(r'value="(cv-[a-z]+)"[^>]*>\s*([^<]+)<', page) or re.findall(r'value="(cv-[a-z]+)"', page)
    usernames = [o[0] if isinstance(o, tuple) else o for o in offered]
    assert sorted(set(usernames)) == ["cv-an", "cv-binh"]  # not another division's specialist
    assert "(1 việc đang mở)" in page and "(0 việc đang mở)" in page

    refused = head.post(f"/viec/{open_task(services, code, 'phan_cong').task_id}", {"specialist": "cv-khac"})
    assert refused.status_code == 422 and "không hợp lệ" in text(refused)
    done = head.post(f"/viec/{open_task(services, code, 'phan_cong').task_id}", {"specialist": "cv-an"})
    assert done.status_code == 302
    appraisal = open_task(services, code, "tham_dinh")
    assert appraisal.assignee == "cv-an"
    mine = text(sign_in("specialist", "cv-an", division).get("/viec?scope=mine"))
    assert code in mine
    other = sign_in("specialist", "cv-binh", division)
    assert other.post(f"/viec/{appraisal.task_id}", {"appraisal_result": "approve", "opinion": "x"}).status_code == 409


def test_the_division_head_reassigns_an_open_task_with_a_reason(services, sign_in, division):
    code = _counter_dossier(services)
    services.task_forms.complete(open_task(services, code, "phan_cong").task_id, {"specialist": "cv-an"}, "tp-hq")
    appraisal = open_task(services, code, "tham_dinh")
    head = sign_in("division_head", "tp-hq", division)
    page = text(head.get(f"/ho-so/{code}"))
    assert f'id="reassign-{appraisal.task_id}"' in page

    no_reason = head.post(f"/ho-so/{code}/giao-lai", {"task_id": appraisal.task_id, "to": "cv-binh", "reason": " "})
    assert no_reason.status_code == 302 and open_task(services, code, "tham_dinh").assignee == "cv-an"
    assert "ghi lý do giao lại" in text(head.get(no_reason.headers["Location"]))
    outsider = head.post(f"/ho-so/{code}/giao-lai", {"task_id": appraisal.task_id, "to": "cv-khac", "reason": "x"})
    assert outsider.status_code == 302 and open_task(services, code, "tham_dinh").assignee == "cv-an"

    sent = {"task_id": appraisal.task_id, "to": "cv-binh", "reason": "Chuyên viên An nghỉ phép"}
    assert head.post(f"/ho-so/{code}/giao-lai", sent).status_code == 302
    assert open_task(services, code, "tham_dinh").assignee == "cv-binh"
    [event] = [e for e in services.instances.history(code) if e.tag == "dossier:task:reassigned"]
    assert event.actor == "tp-hq" and event.payload["from_user"] == "cv-an" and event.payload["to_user"] == "cv-binh"
    assert event.payload["reason"] == "Chuyên viên An nghỉ phép"
    assert "Giao lại bước “" in text(head.get(f"/ho-so/{code}")) and "Chuyên viên An nghỉ phép" in text(
        head.get(f"/ho-so/{code}")
    )
    assert services.audit.verify(code).intact


def test_only_the_division_s_head_may_reassign(services, sign_in, division):
    code = _counter_dossier(services)
    services.task_forms.complete(open_task(services, code, "phan_cong").task_id, {"specialist": "cv-an"}, "tp-hq")
    appraisal = open_task(services, code, "tham_dinh")
    sent = {"task_id": appraisal.task_id, "to": "cv-binh", "reason": "x"}
    assert sign_in("specialist", "cv-an", division).post(f"/ho-so/{code}/giao-lai", sent).status_code == 403
    other_head = sign_in("division_head", "tp-khac", "Phòng Kế hoạch - Tài chính")
    assert other_head.post(f"/ho-so/{code}/giao-lai", sent).status_code == 403
    assert open_task(services, code, "tham_dinh").assignee == "cv-an"
