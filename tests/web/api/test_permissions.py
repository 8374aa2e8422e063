"""The permission matrix: every role against every API action, by bearer token and by session cookie.

The expected answers are written out here by hand, from the rules of issue 4 ("a specialist cannot complete a
director's task; only an auditor or administrator sees every dossier's history"), not derived from
engine/domain/permissions.py, so a change of the rules there shows up as a failure here.

The situation every row is asked in:
- dossier A was received by the calling mode's one-stop account (`system-one_stop` / `motcua`); another division
  head assigned it, so it now waits for the specialist's appraisal (`tham_dinh`, lane "Chuyên viên thụ lý");
- dossier B was received by another one-stop officer and worked by other officers up to the director's signature
  (`ky_duyet`, lane "Lãnh đạo Sở"); none of the callers has touched it.
Officers see a dossier they received or acted on, or one with an open task in their lane; auditors and
administrators see every dossier. Task actions need the task's lane to be the caller's role's.
"""

import pytest

from tests.web.api.conftest import MAIN_PATH, advance, reception

ROLES = ("one_stop", "specialist", "division_head", "director", "clerk", "designer", "auditor", "admin")

# Y: allowed (answers 2xx).  -: refused (answers 403 forbidden).
MATRIX = """
action                  one_stop  specialist  division_head  director  clerk  designer  auditor  admin
me                      Y         Y           Y              Y         Y      Y         Y        Y
procedures.list         Y         Y           Y              Y         Y      Y         Y        Y
procedures.get          Y         Y           Y              Y         Y      Y         Y        Y
calendar.due            Y         Y           Y              Y         Y      Y         Y        Y
calendar.working_day    Y         Y           Y              Y         Y      Y         Y        Y
dossiers.list           Y         -           -              -         -      -         Y        Y
dossiers.get_A          Y         Y           -              -         -      -         Y        Y
dossiers.get_B          -         -           -              Y         -      -         Y        Y
history_A               Y         Y           -              -         -      -         Y        Y
history_B               -         -           -              Y         -      -         Y        Y
form_A                  Y         Y           -              -         -      -         Y        Y
form_B                  -         -           -              Y         -      -         Y        Y
tasks.list              Y         Y           Y              Y         Y      -         -        -
tasks.get_A             -         Y           -              -         -      -         -        -
tasks.get_B             -         -           -              Y         -      -         -        -
tasks.claim_A           -         Y           -              -         -      -         -        -
tasks.release_A         -         Y           -              -         -      -         -        -
tasks.complete_B        -         -           -              Y         -      -         -        -
dossiers.receive        Y         -           -              -         -      -         -        -
"""


def expected() -> dict[str, dict[str, bool]]:
    header, *rows = [line.split() for line in MATRIX.strip().splitlines()]
    assert tuple(header[1:]) == ROLES
    return {row[0]: {role: mark == "Y" for role, mark in zip(ROLES, row[1:], strict=True)} for row in rows}


def requests(services, a: str, b: str, task_a: str, task_b: str) -> dict[str, tuple]:
    """action -> (method, url, json body); in the order they are made (the ones that change something last)."""
    return {
        "me": ("GET", "/api/v1/me", None),
        "procedures.list": ("GET", "/api/v1/procedures?q=hop+quy", None),
        "procedures.get": ("GET", "/api/v1/procedures/1.000047.000.00.00.H56", None),
        "calendar.due": ("GET", "/api/v1/calendar/due?start=2026-03-02T08:00:00&amount=1&unit=wd", None),
        "calendar.working_day": ("GET", "/api/v1/calendar/is-working-day?date=2026-04-30", None),
        "dossiers.list": ("GET", "/api/v1/dossiers", None),
        "dossiers.get_A": ("GET", f"/api/v1/dossiers/{a}", None),
        "dossiers.get_B": ("GET", f"/api/v1/dossiers/{b}", None),
        "history_A": ("GET", f"/api/v1/dossiers/{a}/history", None),
        "history_B": ("GET", f"/api/v1/dossiers/{b}/history", None),
        "form_A": ("GET", f"/api/v1/dossiers/{a}/forms/mau_01?format=html", None),
        "form_B": ("GET", f"/api/v1/dossiers/{b}/forms/mau_01?format=html", None),
        "tasks.list": ("GET", "/api/v1/tasks", None),
        "tasks.get_A": ("GET", f"/api/v1/tasks/{task_a}", None),
        "tasks.get_B": ("GET", f"/api/v1/tasks/{task_b}", None),
        "tasks.claim_A": ("POST", f"/api/v1/tasks/{task_a}/claim", None),
        "tasks.release_A": ("POST", f"/api/v1/tasks/{task_a}/release", None),
        "tasks.complete_B": ("POST", f"/api/v1/tasks/{task_b}/complete", {"data": MAIN_PATH["ky_duyet"]}),
        "dossiers.receive": ("POST", "/api/v1/dossiers", reception(services)),
    }


OTHERS = {
    "Bộ phận Một cửa": "motcua2",
    "Lãnh đạo phòng": "truongphong2",
    "Chuyên viên thụ lý": "chuyenvien2",
    "Lãnh đạo Sở": "giamdoc2",
    "Văn thư": "vanthu2",
}


@pytest.fixture
def situation(deployed):
    """(code A, code B, A's open task, B's open task), given the username of the mode's one-stop account."""

    def _build(one_stop_username: str):
        body = reception(deployed)
        args = (body["procedure_code"], body["applicant"], body["channel"], body["result_delivery"], body["documents"])
        a = deployed.reception.receive(*args, one_stop_username).code
        b = deployed.reception.receive(*args, "motcua2").code
        advance(deployed, a, "tham_dinh", OTHERS)
        advance(deployed, b, "ky_duyet", OTHERS)
        [task_a], [task_b] = deployed.instances.tasks(code=a), deployed.instances.tasks(code=b)
        return a, b, task_a.task_id, task_b.task_id

    return _build


@pytest.mark.parametrize("mode", ["token", "session"])
@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_api_action(role, mode, deployed, situation, by_token, by_session, ensure_one_stop):
    caller = by_token(role) if mode == "token" else by_session(role)
    one_stop = ensure_one_stop(mode, caller)
    a, b, task_a, task_b = situation(one_stop)
    table = expected()
    calls = requests(deployed, a, b, task_a, task_b)
    assert list(calls) == list(table), "every action of the matrix is requested, and only those"

    wrong = []
    for action, (method, url, body) in calls.items():
        response = caller.api(method, url, json=body)
        allowed = table[action][role]
        if allowed and not 200 <= response.status_code < 300:
            wrong.append(f"{action}: expected 2xx, got {response.status_code} {response.get_data(as_text=True)[:200]}")
        if not allowed and (response.status_code != 403 or response.get_json()["error"]["code"] != "forbidden"):
            wrong.append(f"{action}: expected 403 forbidden, got {response.status_code}")
    assert not wrong, f"{role} by {mode}:\n" + "\n".join(wrong)


@pytest.fixture
def ensure_one_stop(services):
    """The username of the one-stop account of the mode (the caller itself when it is the one-stop officer)."""
    from tests.web.conftest import ensure_account

    def _ensure(mode: str, caller) -> str:
        if caller.role == "one_stop":
            return caller.username
        username = "system-one_stop" if mode == "token" else "motcua"
        return ensure_account(services, "one_stop", username).username

    return _ensure


def test_a_specialist_cannot_complete_a_director_s_task_and_nothing_changes(deployed, situation, by_token):
    specialist = by_token("specialist")
    _, b, _, task_b = situation("motcua")
    before = deployed.instances.history(b)

    for action in ("claim", "complete"):
        response = specialist.post(f"/api/v1/tasks/{task_b}/{action}", json={"data": {"approved": True}})
        assert response.status_code == 403
        assert "Lãnh đạo Sở" in response.get_json()["error"]["message"]

    assert [t.task_id for t in deployed.instances.tasks(code=b)] == [task_b]
    assert deployed.instances.tasks(code=b)[0].assignee is None
    assert deployed.instances.history(b) == before


def test_only_auditors_and_administrators_get_the_chain_verification(deployed, situation, by_token):
    a, *_ = situation("system-one_stop")
    for role, verified in (("one_stop", False), ("specialist", False), ("auditor", True), ("admin", True)):
        history = by_token(role).get(f"/api/v1/dossiers/{a}/history").get_json()
        assert (history["verification"] is not None) is verified, role
        assert history["events"], role


def test_an_officer_who_acted_on_a_dossier_keeps_reading_it_after_it_moved_on(deployed, situation, by_token):
    division_head = by_token("division_head")
    a, *_ = situation("system-one_stop")
    assert division_head.get(f"/api/v1/dossiers/{a}").status_code == 403  # another division head assigned it
    [appraisal] = deployed.instances.tasks(code=a)
    deployed.task_forms.complete(appraisal.task_id, MAIN_PATH["tham_dinh"], "chuyenvien2")
    assert division_head.get(f"/api/v1/dossiers/{a}").status_code == 200  # now its review is in their lane
