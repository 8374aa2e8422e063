"""API fixtures: the shipped procedures deployed, callers by bearer token or by session cookie, a reception body."""

import pytest

from tests.conftest import deploy_shipped
from tests.web.conftest import ensure_account

HOP_QUY = "1.000047.000.00.00.H56"  # Đăng ký công bố hợp quy: 5 working days, every channel, result by post
APPLICANT = {
    "type": 2,
    "name": "Công ty TNHH Thiết bị điện Cao Bằng",
    "id_number": "4800123456",
    "address": "Số 5 phố Vườn Cam, phường Hợp Giang, tỉnh Cao Bằng",
    "phone": "0206 3852 123",
    "email": "thietbidien.cb@gmail.com",
}
# The data each step of the procedure's main path is completed with (valid for processes/forms/<name>.json).
MAIN_PATH = {
    "phan_cong": {"specialist": "system-specialist", "note": "Thụ lý trong 2 ngày"},  # `by_token("specialist")`
    "tham_dinh": {"appraisal_result": "approve", "opinion": "Hồ sơ đáp ứng đủ điều kiện"},
    "xem_xet": {"approved": True, "comment": ""},
    "ky_duyet": {"approved": True},
    "ban_hanh": {"document_number": "125/TB-SKHCN", "issued_on": "2026-03-04"},
    "tra_ket_qua": {"returned_to": "Nguyễn Văn An"},
}


class Caller:
    """Someone calling the API: `api(method, url, json=...)` like `Officer.api`, by bearer token or by session."""

    def __init__(self, client, username: str, role: str, token: str | None = None, officer=None):
        self.client, self.username, self.role, self.token, self.officer = client, username, role, token, officer

    def api(self, method: str, url: str, json=None, **kwargs):
        if self.officer is not None:
            return self.officer.api(method, url, json=json, **kwargs)
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.client.open(url, method=method, json=json, headers=headers, **kwargs)

    def get(self, url: str, **kwargs):
        return self.api("GET", url, **kwargs)

    def post(self, url: str, json=None, **kwargs):
        return self.api("POST", url, json=json, **kwargs)


@pytest.fixture
def deployed(services):
    """The services with every shipped procedure deployed, and the specialist MAIN_PATH assigns the appraisal to."""
    deploy_shipped(services, "test")
    ensure_account(services, "specialist", "system-specialist", hop_quy_division(services))
    return services


DIVISION_ROLES = ("specialist", "division_head")


def hop_quy_division(services) -> str:
    """The division that resolves HOP_QUY: the API tests' specialists and division heads belong to it."""
    return services.dossiers.catalogue.get(HOP_QUY).division


@pytest.fixture
def by_token(app, services, api_token):
    """by_token(role) -> a Caller with the bearer token of the system account `system-<role>`; a specialist or
    division head of HOP_QUY's division (the dossiers these tests work on)."""

    def _caller(role: str) -> Caller:
        division = hop_quy_division(services) if role in DIVISION_ROLES else None
        return Caller(app.test_client(), f"system-{role}", role, token=api_token(role, division))

    return _caller


@pytest.fixture
def by_session(sign_in, services):
    """by_session(role) -> a Caller signed in as `role` (cookie + X-CSRF-Token header): the demo account, or for a
    specialist or division head an account of HOP_QUY's division."""

    def _caller(role: str) -> Caller:
        if role in DIVISION_ROLES:
            officer = sign_in(role, f"{role}-hop-quy", hop_quy_division(services))
        else:
            officer = sign_in(role)
        return Caller(officer.client, officer.username, role, officer=officer)

    return _caller


def reception(services, **overrides) -> dict:
    """A valid POST /api/v1/dossiers body for a counter dossier of HOP_QUY."""
    documents = [{"name": d.name, "received": True} for d in services.dossiers.catalogue.get(HOP_QUY).documents]
    body = {
        "procedure_code": HOP_QUY,
        "applicant": dict(APPLICANT),
        "channel": 1,
        "result_delivery": "counter",
        "documents": documents,
        "fee_paid": True,
    }
    body.update(overrides)
    return body


def advance(services, code: str, until: str, actors: dict[str, str]) -> None:
    """Complete the dossier's steps through the services, as `actors[lane]`, until its open task is `until`."""
    for _ in range(len(MAIN_PATH)):
        [task] = services.instances.tasks(code=code)
        if task.name == until:
            return
        data = MAIN_PATH[task.name]
        if task.name == "phan_cong":  # the appraisal goes to the specialist of `actors`
            specialist = actors["Chuyên viên thụ lý"]
            ensure_account(services, "specialist", specialist, hop_quy_division(services))
            data = {**data, "specialist": specialist}
        services.task_forms.complete(task.task_id, data, actors[task.lane])
    raise AssertionError(f"{code} never reached {until}")
