"""A whole dossier through the API alone: the one-stop system receives it, each role's officer finds the step in
their task list, reads its form, claims and completes it, until the result is returned (portal status 10)."""

import pytest

from engine.domain.clock import VN_TZ
from tests.web.api.conftest import MAIN_PATH, reception

ROLE_OF_STEP = {
    "phan_cong": "division_head",
    "tham_dinh": "specialist",
    "xem_xet": "division_head",
    "ky_duyet": "director",
    "ban_hanh": "clerk",
    "tra_ket_qua": "one_stop",
}


@pytest.fixture
def app_config():
    # Two hours pass between steps: the officer working from the pages keeps a session that long.
    return {"session_idle_minutes": 24 * 60, "session_hours": 24}


def test_a_counter_dossier_goes_from_reception_to_the_returned_result(deployed, by_token, by_session, clock):
    callers = {role: by_token(role) for role in set(ROLE_OF_STEP.values())}
    callers["specialist"] = by_session("specialist")  # one officer works from the pages' scripts
    received = callers["one_stop"].post("/api/v1/dossiers", json=reception(deployed))
    assert received.status_code == 201, received.get_json()
    code = received.get_json()["code"]

    steps = []
    for _ in ROLE_OF_STEP:
        clock.advance(hours=2)
        [task] = deployed.instances.tasks(code=code)
        caller = callers[ROLE_OF_STEP[task.name]]
        listed = caller.get("/api/v1/tasks", query_string={"code": code}).get_json()
        assert [t["task_id"] for t in listed["items"]] == [task.task_id], task.name
        detail = caller.get(f"/api/v1/tasks/{task.task_id}").get_json()
        assert set(MAIN_PATH[task.name]) <= set(detail["form"]["properties"]), task.name
        assert caller.post(f"/api/v1/tasks/{task.task_id}/claim").status_code == 200
        data = MAIN_PATH[task.name]
        if task.name == "phan_cong":  # the appraisal goes to the specialist chosen here: the one working from pages
            data = {**data, "specialist": callers["specialist"].username}
        done = caller.post(f"/api/v1/tasks/{task.task_id}/complete", json={"data": data})
        assert done.status_code == 200, (task.name, done.get_json())
        steps.append((task.name, done.get_json()["dossier_status"]))

    assert steps == [
        ("phan_cong", 4),
        ("tham_dinh", 4),
        ("xem_xet", 4),
        ("ky_duyet", 4),
        ("ban_hanh", 9),
        ("tra_ket_qua", 10),
    ]
    dossier = callers["one_stop"].get(f"/api/v1/dossiers/{code}").get_json()
    assert (dossier["status"], dossier["status_label"], dossier["tasks"]) == (10, "Đã trả kết quả", [])
    assert dossier["returned_at"] == clock.now().astimezone(VN_TZ).isoformat()

    history = by_token("auditor").get(f"/api/v1/dossiers/{code}/history").get_json()
    completed = [(e["payload"]["task"], e["actor"]) for e in history["events"] if e["tag"] == "dossier:task:completed"]
    assert completed == [
        ("phan_cong", "system-division_head"),
        ("tham_dinh", callers["specialist"].username),
        ("xem_xet", "system-division_head"),
        ("ky_duyet", "system-director"),
        ("ban_hanh", "system-clerk"),
        ("tra_ket_qua", "system-one_stop"),
    ]
    assert history["verification"]["intact"] is True
    assert history["verification"]["events"] == len(history["events"])
