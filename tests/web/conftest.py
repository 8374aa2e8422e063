"""Web fixtures: officers signed in through the real sign-in page, with the CSRF token sent like the pages do."""

import pytest

from engine.services.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

DEMO_BY_ROLE = {role: (username, full_name, role, division) for username, full_name, role, division in DEMO_ACCOUNTS}


class Officer:
    """A test client signed in as one account; `post` adds the session's CSRF token to forms."""

    def __init__(self, client, username: str, role: str):
        self.client, self.username, self.role = client, username, role

    def csrf(self) -> str:
        with self.client.session_transaction() as session:
            if "csrf_token" not in session:
                session["csrf_token"] = "test-csrf-token"
            return session["csrf_token"]

    def get(self, *args, **kwargs):
        return self.client.get(*args, **kwargs)

    def post(self, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf())
        return self.client.post(url, data=data, **kwargs)

    def api(self, method: str, url: str, json=None, **kwargs):
        """A call to the JSON API riding on the session cookie (as the pages' scripts do): CSRF in a header."""
        headers = {"X-CSRF-Token": self.csrf(), **kwargs.pop("headers", {})}
        return self.client.open(url, method=method, json=json, headers=headers, **kwargs)


def ensure_account(services, role: str, username: str | None = None, division: str | None = None):
    demo_username, full_name, _, demo_division = DEMO_BY_ROLE[role]
    return services.accounts.create(
        username or demo_username, full_name, role, division or demo_division, DEMO_PASSWORD, exist_ok=True
    )


@pytest.fixture
def sign_in(app, services):
    """sign_in(role) -> Officer: creates the demo account of `role` (or `username=`, in `division=`) and signs in with
    a new client."""

    def _sign_in(role: str, username: str | None = None, division: str | None = None) -> Officer:
        account = ensure_account(services, role, username, division)
        client = app.test_client()
        officer = Officer(client, account.username, role)
        response = client.post(
            "/dang-nhap", data={"username": account.username, "password": DEMO_PASSWORD, "csrf_token": officer.csrf()}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return officer

    return _sign_in


@pytest.fixture
def api_token(services):
    """api_token(role) -> the bearer token of a system account with `role` (in `division=`, else the demo one's)."""

    def _token(role: str, division: str | None = None) -> str:
        account = ensure_account(services, role, f"system-{role}", division)
        return services.accounts.create_token(account.username, f"test {role}")

    return _token
