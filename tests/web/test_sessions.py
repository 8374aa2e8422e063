"""Sessions end on the server: sign-out, password change, a locked account, an administrator, idleness; and someone
else's wrong passwords do not lock an officer out of their own machine."""

from datetime import timedelta

import pytest

from engine.services.accounts import DEMO_PASSWORD
from tests.web.conftest import Officer, ensure_account

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def copy_of(app, officer: Officer) -> Officer:
    """Another browser holding a copy of `officer`'s session cookie (stolen, or the same person's other tab)."""
    thief = app.test_client()
    cookie = officer.client.get_cookie("motcua_session")
    thief.set_cookie("motcua_session", cookie.value)
    return Officer(thief, officer.username, officer.role)


def opens_tasks(officer: Officer) -> bool:
    return officer.get("/viec").status_code == 200


def test_a_copied_cookie_opens_nothing_after_sign_out(app, sign_in):
    officer = sign_in("specialist")
    copy = copy_of(app, officer)
    assert opens_tasks(copy)
    officer.post("/dang-xuat")
    assert not opens_tasks(copy)
    assert copy.get("/viec").headers["Location"].startswith("/dang-nhap")


@pytest.mark.parametrize("how", ["password", "locked", "ended by an administrator"])
def test_sessions_end_with_a_password_change_a_lock_or_an_administrator(app, services, sign_in, how):
    officer = sign_in("specialist")
    admin = sign_in("admin")
    page = f"/quan-tri/tai-khoan/{officer.username}"
    assert "Đang mở: 1 phiên" in admin.get(page).get_data(as_text=True)
    if how == "password":
        form = {"action": "password", "password": "mat-khau-moi-1", "password_again": "mat-khau-moi-1"}
    elif how == "locked":
        form = {"action": "update", "full_name": "Trần Văn Minh", "role": "specialist"}
        form["division"] = services.accounts.get(officer.username).division  # 'active' unticked
    else:
        form = {"action": "end_sessions"}
    assert admin.post(page, form).status_code == 302
    assert not opens_tasks(officer)
    assert "Đang mở: 0 phiên" in admin.get(page).get_data(as_text=True)
    assert opens_tasks(admin) is False  # an administrator has no task list; still signed in:
    assert admin.get("/quan-tri/tai-khoan").status_code == 200


def test_an_idle_session_ends_and_a_used_one_goes_on(app, services, sign_in, clock):
    idle = services.sessions.idle
    officer, busy = sign_in("specialist"), sign_in("director")
    for _ in range(4):
        clock.advance(seconds=idle.total_seconds() / 2)
        assert opens_tasks(busy)
    assert not opens_tasks(officer)
    clock.advance(hours=11)  # past the session's lifetime however busy
    assert not opens_tasks(busy)


@pytest.fixture
def configured(database_url):
    """An app with a 5-minute idle timeout and a ceiling of 12 failed sign-ins (200 by default)."""
    from web import create_app

    config = {"database_url": database_url, "secret_key": "t", "session_idle_minutes": 5, "sign_in_ceiling": 12}
    app = create_app(config)
    yield app
    app.extensions["motcua"].close()


def test_the_idle_timeout_and_the_ceiling_are_settings(configured):
    services = configured.extensions["motcua"]
    assert services.sessions.idle == timedelta(minutes=5) and services.accounts.ceiling == 12


def attempt(app, username: str, password: str, source: str):
    browser = Officer(app.test_client(), "", "")
    response = browser.post(
        "/dang-nhap", {"username": username, "password": password}, environ_base={"REMOTE_ADDR": source}
    )
    return response.status_code


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(app, services):
    director = ensure_account(services, "director").username
    for n in range(8):
        assert attempt(app, director, f"doan-{n}", "203.0.113.9") in (401, 429)
    assert attempt(app, director, DEMO_PASSWORD, "203.0.113.9") == 429  # the guesser's source is held back
    assert attempt(app, director, DEMO_PASSWORD, "10.1.2.3") == 302  # the director at their own machine is not


def test_the_ceiling_against_spraying_holds_back_new_sources_but_not_known_ones(configured):
    app, services = configured, configured.extensions["motcua"]
    director = ensure_account(services, "director").username
    assert attempt(app, director, DEMO_PASSWORD, "10.1.2.3") == 302  # the director's machine, known from now on
    for n in range(services.accounts.ceiling):  # a spray: a few guesses each from many sources
        assert attempt(app, f"user{n % 5}", "Mua-xuan-2026", f"198.51.{n // 4}.{n % 4}") == 401
    assert attempt(app, director, DEMO_PASSWORD, "192.0.2.77") == 429  # a source never seen for this account
    assert attempt(app, director, DEMO_PASSWORD, "10.1.2.3") == 302
