"""The permission matrix: every role against every API action, by bearer token and by session cookie.

The expected answers are written out here by hand, from the rules of issues 4 and 10 ("a specialist cannot complete
a director's task"; "tasks and dossiers are visible and actionable only to the resolving division's officers in the
lane's role, the one-stop section, leaders, auditors (read-only)"), not derived from engine/domain/permissions.py,
so a change of the rules there shows up as a failure here.

The situation every row is asked in (both dossiers are of HOP_QUY, resolved by its division, the callers' own for
`specialist` and `division_head`; `specialist_other` and `division_head_other` belong to a second division):
- dossier A was received by the calling mode's one-stop account (`system-one_stop` / `motcua`); another division
  head assigned it, so it now waits for the specialist's appraisal (`tham_dinh`, lane "Chuyên viên thụ lý");
- dossier B was received by another one-stop officer and worked by other officers up to the director's signature
  (`ky_duyet`, lane "Lãnh đạo Sở"); none of the callers has touched it.
The one-stop section, the leaders, auditors and administrators see every dossier; a division's officers those of its
procedures; the clerk those they are involved in. Task actions need the task's lane to be the caller's role's and,
in a division's lanes, the caller's division to resolve the dossier.
"""

import pytest

from tests.web.api.conftest import DIVISION_ROLES, MAIN_PATH, Caller, advance, hop_quy_division, reception
from tests.web.conftest import ensure_account

ROLES = (
    "one_stop",
    "specialist",
    "division_head",
    "director",
    "clerk",
    "designer",
    "auditor",
    "admin",
    "specialist_other",
    "division_head_other",
)
OTHER_DIVISION = "Phòng Quản lý khoa học"  # resolves other procedures than HOP_QUY

# Y: allowed (answers 2xx).  -: refused (answers 403 forbidden).
MATRIX = """
action                  one_stop  specialist  division_head  director  clerk  designer  auditor  admin  spec_o  head_o
me                      Y         Y           Y              Y         Y      Y         Y        Y      Y       Y
procedures.list         Y         Y           Y              Y         Y      Y         Y        Y      Y       Y
procedures.get          Y         Y           Y              Y         Y      Y         Y        Y      Y       Y
calendar.due            Y         Y           Y              Y         Y      Y         Y        Y      Y       Y
calendar.working_day    Y         Y           Y              Y         Y      Y         Y        Y      Y       Y
dossiers.list           Y         -           -              -         -      -         Y        Y      -       -
dossiers.get_A          Y         Y           Y              Y         -      -         Y        Y      -       -
dossiers.get_B          Y         Y           Y              Y         -      -         Y        Y      -       -
history_A               Y         Y           Y              Y         -      -         Y        Y      -       -
history_B               Y         Y           Y              Y         -      -         Y        Y      -       -
form_A                  Y         Y           Y              Y         -      -         Y        Y      -       -
form_B                  Y         Y           Y              Y         -      -         Y        Y      -       -
tasks.list              Y         Y           Y              Y         Y      -         -        -      Y       Y
tasks.get_A             -         Y           -              -         -      -         -        -      -       -
tasks.get_B             -         -           -              Y         -      -         -        -      -       -
tasks.claim_A           -         Y           -              -         -      -         -        -      -       -
tasks.release_A         -         Y           -              -         -      -         -        -      -       -
tasks.complete_B        -         -           -              Y         -      -         -        -      -       -
dossiers.receive        Y         -           -              -         -      -         -        -      -       -
"""


def expected() -> dict[str, dict[str, bool]]:
    header, *rows = [line.split() for line in MATRIX.strip().splitlines()]
    assert len(header[1:]) == len(ROLES)
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
        if task_a.assignee:  # the appraisal went to the specialist assigned; released, any specialist may take it
            deployed.instances.release(task_a.task_id, task_a.assignee)
        return a, b, task_a.task_id, task_b.task_id

    return _build


@pytest.fixture
def caller(app, services, sign_in):
    """caller(column, mode) -> the Caller of a matrix column: its role, in HOP_QUY's division for the division roles,
    in OTHER_DIVISION for the `_other` columns."""

    def _caller(column: str, mode: str) -> Caller:
        role = column.removesuffix("_other")
        division = (
            OTHER_DIVISION if column != role else (hop_quy_division(services) if role in DIVISION_ROLES else None)
        )
        if role == "one_stop" or division is None:
            username = None if mode == "session" else f"system-{role}"
        else:
            username = f"{mode}-{column}".replace("_", "-")
        if mode == "session":
            officer = sign_in(role, username, division)
            return Caller(officer.client, officer.username, role, officer=officer)
        account = ensure_account(services, role, username, division)
        token = services.accounts.create_token(account.username, "matrix")
        return Caller(app.test_client(), account.username, role, token=token)

    return _caller


@pytest.mark.parametrize("mode", ["token", "session"])
@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_api_action(role, mode, deployed, situation, caller, ensure_one_stop):
    caller = caller(role, mode)
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


def test_a_division_s_task_list_holds_its_own_dossiers_only(deployed, situation, caller):
    a, *_ = situation("motcua")
    for column, sees in (("specialist", True), ("specialist_other", False), ("director", False)):
        listed = [t["dossier_code"] for t in caller(column, "token").get("/api/v1/tasks").get_json()["items"]]
        assert (a in listed) is sees, column


@pytest.fixture
def ensure_one_stop(services):
    """The username of the one-stop account of the mode (the caller itself when it is the one-stop officer)."""

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


def test_a_division_reads_its_dossiers_whatever_step_they_are_at_and_another_division_none(deployed, situation, caller):
    a, *_ = situation("system-one_stop")
    head, other = caller("division_head", "token"), caller("division_head_other", "token")
    for _ in range(2):
        assert head.get(f"/api/v1/dossiers/{a}").status_code == 200
        assert other.get(f"/api/v1/dossiers/{a}").status_code == 403
        [appraisal] = deployed.instances.tasks(code=a)
        if appraisal.name == "tham_dinh":
            deployed.task_forms.complete(appraisal.task_id, MAIN_PATH["tham_dinh"], "chuyenvien2")
