"""Who may call the API: bearer tokens for systems, the session cookie with the CSRF header for the pages' scripts;
401 (with WWW-Authenticate) otherwise. Errors are JSON with a code and a message."""

import pytest

from tests.web.api.conftest import reception


def test_without_credentials_every_api_call_answers_401_in_json(app):
    client = app.test_client()
    for method, url in (("GET", "/api/v1/me"), ("GET", "/api/v1/tasks"), ("POST", "/api/v1/dossiers")):
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, url
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="motcua"'
        error = response.get_json()["error"]
        assert error["code"] == "unauthorized" and "Bearer" in error["message"]


@pytest.mark.parametrize(
    "header",
    ["Bearer mc_not-a-token", "Basic dXNlcjpwYXNz", "Bearer ", "mc_token-without-scheme"],
)
def test_a_wrong_or_unknown_token_answers_401(app, header):
    response = app.test_client().get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_revoked_token_answers_401_and_changes_nothing(app, deployed, by_token):
    caller = by_token("one_stop")
    assert caller.get("/api/v1/me").status_code == 200
    [token] = [t for t in deployed.accounts.tokens() if t.username == "system-one_stop"]
    deployed.accounts.revoke_token(token.id)

    response = caller.post("/api/v1/dossiers", json=reception(deployed))

    assert response.status_code == 401
    assert "thu hồi" in response.get_json()["error"]["message"]
    assert deployed.dossiers.list() == []


def test_a_deactivated_account_s_token_answers_401(deployed, by_token):
    caller = by_token("specialist")
    account = deployed.accounts.get("system-specialist")
    deployed.accounts.update(
        account.username, full_name=account.full_name, role=account.role, division=account.division, active=False
    )
    assert caller.get("/api/v1/me").status_code == 401


def test_me_says_who_the_token_acts_as_and_what_the_role_may_do(by_token):
    response = by_token("specialist").get("/api/v1/me")
    assert response.status_code == 200
    me = response.get_json()
    assert me["username"] == "system-specialist" and me["role"] == "specialist"
    assert me["role_label"] == "Chuyên viên thụ lý" and me["authenticated_by"] == "token"
    assert me["lanes"] == ["Chuyên viên thụ lý"]
    assert "task.work" in me["actions"] and "dossier.receive" not in me["actions"]


def test_the_pages_scripts_call_the_api_with_the_session_cookie(by_session):
    caller = by_session("auditor")
    me = caller.get("/api/v1/me").get_json()
    assert (me["username"], me["role"], me["authenticated_by"]) == ("kiemtra", "auditor", "session")
    assert me["lanes"] == [] and "dossier.verify" in me["actions"]


def test_a_session_post_without_the_csrf_header_is_refused_and_changes_nothing(deployed, by_session):
    caller = by_session("one_stop")
    response = caller.client.post("/api/v1/dossiers", json=reception(deployed))  # no X-CSRF-Token
    assert response.status_code == 400
    assert "CSRF" in response.get_json()["error"]["message"]
    assert deployed.dossiers.list() == []

    accepted = caller.post("/api/v1/dossiers", json=reception(deployed))  # the same call, with the header
    assert accepted.status_code == 201, accepted.get_json()


def test_a_bearer_call_needs_no_csrf_token(deployed, by_token):
    assert by_token("one_stop").post("/api/v1/dossiers", json=reception(deployed)).status_code == 201


def test_an_unknown_api_route_is_a_json_404(by_token):
    response = by_token("admin").get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_a_wrong_method_is_a_json_405(by_token):
    response = by_token("admin").api("DELETE", "/api/v1/me")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_a_token_s_last_use_is_recorded_to_the_minute(app, services, api_token, clock):
    token = api_token("auditor")
    headers = {"Authorization": f"Bearer {token}"}

    def last_use():
        [info] = [t for t in services.accounts.tokens() if t.username == "system-auditor"]
        return info.last_used_at

    assert last_use() is None
    client = app.test_client()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    first = last_use()
    assert first == clock.now()
    clock.advance(seconds=30)  # within the minute: not written again
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert last_use() == first
    clock.advance(seconds=40)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert last_use() == clock.now()
