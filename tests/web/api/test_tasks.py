"""GET /api/v1/tasks (scoped to the caller), GET /api/v1/tasks/<id> (with its form), claim, release, complete."""

from datetime import datetime

import pytest

from engine.domain.clock import VN_TZ
from tests.web.api.conftest import APPLICANT, HOP_QUY, MAIN_PATH, hop_quy_division, reception


@pytest.fixture
def dossiers(deployed, by_token, clock):
    """Three counter dossiers received a day apart; each waits for the division head's assignment (phan_cong)."""
    one_stop = by_token("one_stop")
    codes = []
    for day in (2, 3, 4):
        clock.set(datetime(2026, 3, day, 8, 0, tzinfo=VN_TZ))
        response = one_stop.post("/api/v1/dossiers", json=reception(deployed))
        assert response.status_code == 201, response.get_json()
        codes.append(response.get_json()["code"])
    return codes


def task_of(services, code: str):
    [task] = services.instances.tasks(code=code)
    return task


def test_the_list_shows_the_role_s_open_tasks_with_the_total(dossiers, by_token):
    page = by_token("division_head").get("/api/v1/tasks").get_json()
    assert page["total"] == 3 and (page["limit"], page["offset"]) == (50, 0)
    assert [t["dossier_code"] for t in page["items"]] == dossiers  # soonest step deadline first
    first = page["items"][0]
    assert first["name"] == "phan_cong" and first["lane"] == "Lãnh đạo phòng" and first["assignee"] is None
    assert first["due_at"].endswith("+07:00")
    # now is 08:00 on the 4th: the assignments of the 2nd and 3rd (half a day each) are overdue, today's is due soon
    assert [t["deadline_state"] for t in page["items"]] == ["overdue", "overdue", "soon"]
    assert first["portal_status"] == 4 and first["procedure_code"] == HOP_QUY
    assert first["applicant_name"] == APPLICANT["name"] and first["appointment"] == "2026-03-09T08:00:00+07:00"

    assert by_token("specialist").get("/api/v1/tasks").get_json() == {
        "items": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
    }


def test_the_list_sorts_pages_and_filters(dossiers, by_token, clock):
    caller = by_token("division_head")

    def codes(**query):
        response = caller.get("/api/v1/tasks", query_string=query)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        return body["total"], [t["dossier_code"] for t in body["items"]]

    assert codes(sort="ready_at", desc="1") == (3, dossiers[::-1])
    assert codes(limit=1, offset=1) == (3, [dossiers[1]])
    assert codes(code=dossiers[2]) == (1, [dossiers[2]])
    assert codes(procedure="1.004454.000.00.00.H56") == (0, [])
    assert codes(status=4) == (3, dossiers)
    clock.set(datetime(2026, 3, 4, 8, 0, tzinfo=VN_TZ))  # the assignments of the 2nd and 3rd (half a day) are late
    assert codes(deadline="overdue") == (2, dossiers[:2])
    assert codes(deadline="soon") == (1, [dossiers[2]])
    assert codes(deadline="in_time") == (0, [])


def test_mine_is_what_the_caller_claimed(dossiers, deployed, by_token):
    caller = by_token("division_head")
    task = task_of(deployed, dossiers[1])
    assert caller.get("/api/v1/tasks", query_string={"scope": "mine"}).get_json()["total"] == 0

    claimed = caller.post(f"/api/v1/tasks/{task.task_id}/claim")

    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "system-division_head"
    mine = caller.get("/api/v1/tasks", query_string={"scope": "mine"}).get_json()
    assert mine["total"] == 1 and mine["items"][0]["task_id"] == task.task_id


def test_bad_list_parameters_are_422_naming_each(dossiers, by_token):
    response = by_token("division_head").get(
        "/api/v1/tasks", query_string={"scope": "all", "sort": "applicant", "deadline": "late", "limit": "201"}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "scope": "là mine (việc tôi đã nhận) hoặc role (việc của vai trò)",
        "sort": "sắp xếp theo một trong: due_at, ready_at, appointment, code",
        "deadline": "là overdue (quá hạn), soon (sắp đến hạn) hoặc in_time (còn hạn)",
        "limit": "từ 1 đến 200",
    }


def test_one_task_comes_with_the_json_schema_of_its_form(dossiers, deployed, by_token):
    task = task_of(deployed, dossiers[0])
    response = by_token("division_head").get(f"/api/v1/tasks/{task.task_id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["task_id"] == task.task_id and body["title"] == "Phân công thụ lý"
    assert body["form"]["type"] == "object" and "specialist" in body["form"]["properties"]
    assert body["properties"]["form"] == "phan_cong"


def test_an_unknown_task_is_404(by_token):
    for method, url in (("GET", "/api/v1/tasks/nope"), ("POST", "/api/v1/tasks/nope/claim")):
        response = by_token("specialist").api(method, url)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_claim_and_release(dossiers, deployed, by_token, sign_in):
    task = task_of(deployed, dossiers[0])
    system = by_token("division_head")
    assert system.post(f"/api/v1/tasks/{task.task_id}/claim").status_code == 200

    colleague = sign_in("division_head", "truongphong-hq", hop_quy_division(deployed))  # another, by session
    taken = colleague.api("POST", f"/api/v1/tasks/{task.task_id}/claim")
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "conflict"
    not_theirs = colleague.api("POST", f"/api/v1/tasks/{task.task_id}/release")
    assert not_theirs.status_code == 409 and not_theirs.get_json()["error"]["code"] == "invalid_transition"
    blocked = colleague.api("POST", f"/api/v1/tasks/{task.task_id}/complete", json={"data": MAIN_PATH["phan_cong"]})
    assert blocked.status_code == 409 and task_of(deployed, dossiers[0]).assignee == "system-division_head"

    released = system.post(f"/api/v1/tasks/{task.task_id}/release")
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    assert colleague.api("POST", f"/api/v1/tasks/{task.task_id}/claim").get_json()["assignee"] == "truongphong-hq"


def test_completing_a_task_moves_the_dossier_on(dossiers, deployed, by_token):
    task = task_of(deployed, dossiers[0])
    response = by_token("division_head").post(
        f"/api/v1/tasks/{task.task_id}/complete", json={"data": MAIN_PATH["phan_cong"]}
    )
    assert response.status_code == 200, response.get_json()
    outcome = response.get_json()
    assert outcome["task_id"] == task.task_id and outcome["dossier_code"] == dossiers[0]
    assert outcome["dossier_status"] == 4 and outcome["dossier_status_label"] == "Đang xử lý"
    assert [(t["name"], t["lane"]) for t in outcome["open_tasks"]] == [("tham_dinh", "Chuyên viên thụ lý")]
    appraisal = outcome["open_tasks"][0]
    assert appraisal["applicant_name"] == APPLICANT["name"] and appraisal["procedure_code"] == HOP_QUY
    assert appraisal["appointment"] == "2026-03-09T08:00:00+07:00"
    [event] = [e for e in deployed.instances.history(dossiers[0]) if e.tag == "dossier:task:completed"]
    assert event.actor == "system-division_head" and event.payload["data"]["specialist"] == "system-specialist"

    again = by_token("division_head").post(f"/api/v1/tasks/{task.task_id}/complete", json={"data": {}})
    assert again.status_code in (404, 409)  # it is no longer open


def test_invalid_form_data_is_422_with_the_form_s_fields_and_changes_nothing(dossiers, deployed, by_token):
    caller = by_token("division_head")
    task = task_of(deployed, dossiers[0])
    caller.post(f"/api/v1/tasks/{task.task_id}/complete", json={"data": MAIN_PATH["phan_cong"]})
    appraisal = task_of(deployed, dossiers[0])
    before = len(deployed.instances.history(dossiers[0]))
    specialist = by_token("specialist")

    wrong = specialist.post(
        f"/api/v1/tasks/{appraisal.task_id}/complete", json={"data": {"appraisal_result": "maybe", "extra": 1}}
    )

    assert wrong.status_code == 422
    fields = wrong.get_json()["error"]["fields"]
    assert {"appraisal_result", "opinion", "extra"} <= set(fields)
    assert task_of(deployed, dossiers[0]).task_id == appraisal.task_id
    assert len(deployed.instances.history(dossiers[0])) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"data": "bắt buộc: thiếu trường này"}),
        ({"data": [1]}, {"data": "phải là đối tượng JSON"}),
        ({"data": {}, "comment": "x"}, {"comment": "không có trường này; các trường là: data"}),
    ],
)
def test_a_complete_request_of_the_wrong_shape_is_422(dossiers, deployed, by_token, body, fields):
    task = task_of(deployed, dossiers[0])
    response = by_token("division_head").post(f"/api/v1/tasks/{task.task_id}/complete", json=body)
    assert response.status_code == 422 and response.get_json()["error"]["fields"] == fields
    assert task_of(deployed, dossiers[0]).task_id == task.task_id
