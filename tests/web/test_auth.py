"""Signing in and out: landing pages, wrong passwords, the rate limit, inactive accounts, CSRF, cookies, `next`."""

import pytest

from engine.services.accounts import DEMO_PASSWORD
from tests.web.conftest import Officer, ensure_account

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"

# Where each role lands after signing in (web/views/auth.py LANDING), written out as the officers see it.
LANDING_PATHS = {
    "one_stop": "/mot-cua",
    "specialist": "/viec",
    "division_head": "/viec",
    "director": "/viec",
    "clerk": "/viec",
    "designer": "/thiet-ke",
    "auditor": "/ho-so",
    "admin": "/quan-tri/tai-khoan",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def visitor(app) -> Officer:
    """A browser that is not signed in; `post` sends the session's CSRF token like the sign-in page does."""
    return Officer(app.test_client(), "", "")


def attempt(browser: Officer, username: str, password: str = DEMO_PASSWORD, **extra):
    return browser.post("/dang-nhap", {"username": username, "password": password, **extra})


def signed_in(browser: Officer) -> bool:
    return browser.get("/").status_code == 200


@pytest.mark.parametrize("role", sorted(LANDING_PATHS))
def test_signing_in_leads_to_the_roles_landing_page(app, services, role):
    account = ensure_account(services, role)
    browser = visitor(app)

    response = attempt(browser, account.username)

    assert response.status_code == 302
    assert response.headers["Location"] == LANDING_PATHS[role]
    assert browser.get(LANDING_PATHS[role]).status_code == 200
    # Signed in already: the sign-in page sends them on.
    assert browser.get("/dang-nhap").headers["Location"] == LANDING_PATHS[role]


def test_sign_in_page_shows_the_form(app):
    response = app.test_client().get("/dang-nhap")
    assert response.status_code == 200
    assert 'name="csrf_token"' in text(response) and 'name="password"' in text(response)


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(app, services):
    ensure_account(services, "specialist")
    browser = visitor(app)

    wrong_password = attempt(browser, "chuyenvien", "sai-mat-khau")
    unknown_user = attempt(browser, "khong-ai-ca", "sai-mat-khau")

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert WRONG in text(wrong_password) and WRONG in text(unknown_user)
    assert 'value="chuyenvien"' in text(wrong_password)  # the username is kept, the password is not
    assert "sai-mat-khau" not in text(wrong_password)
    assert not signed_in(browser)


def test_the_sixth_attempt_within_15_minutes_is_refused_even_with_the_right_password(app, services, clock):
    ensure_account(services, "specialist")
    browser = visitor(app)
    for minute in range(5):
        assert attempt(browser, "chuyenvien", f"sai-{minute}").status_code == 401
        clock.advance(minutes=1)  # the first failure was at 08:00, the fifth at 08:04; now 08:05

    refused = attempt(browser, "chuyenvien")

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(10 * 60 + 1)  # until the 08:00 failure leaves the window
    assert "Đăng nhập sai quá nhiều lần; thử lại sau 11 phút" in text(refused)
    assert not signed_in(browser)

    ensure_account(services, "director")
    assert attempt(visitor(app), "giamdoc").status_code == 302  # other accounts are not locked

    clock.advance(minutes=9, seconds=59)
    assert attempt(browser, "chuyenvien").status_code == 429  # 08:14:59: the 08:00 failure still counts

    clock.advance(seconds=1)
    assert attempt(browser, "chuyenvien").status_code == 302  # 08:15:00: four failures left in the window
    assert signed_in(browser)


def test_many_failures_from_one_address_lock_it_out_across_accounts(app, services, clock):
    ensure_account(services, "specialist")
    browser = visitor(app)
    for n in range(20):
        assert attempt(browser, f"doan-{n}", "sai").status_code == 401

    refused = attempt(browser, "chuyenvien")

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 15 * 60 + 1
    clock.advance(minutes=15)
    assert attempt(browser, "chuyenvien").status_code == 302


def test_an_inactive_account_cannot_sign_in(app, services):
    account = ensure_account(services, "clerk")
    services.accounts.update(
        account.username, full_name="Đỗ Thị Mai", role="clerk", division="Văn phòng Sở", active=False
    )
    browser = visitor(app)

    response = attempt(browser, "vanthu")

    assert response.status_code == 401
    assert WRONG in text(response)
    assert not signed_in(browser)


def test_deactivating_an_account_ends_its_session(app, services, sign_in):
    clerk = sign_in("clerk")
    assert signed_in(clerk)
    admin = sign_in("admin")

    admin.post(
        "/quan-tri/tai-khoan/vanthu",
        {"action": "update", "full_name": "Đỗ Thị Mai", "role": "clerk", "division": "Văn phòng Sở"},
    )  # active not ticked

    response = clerk.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dang-nhap")
    services.accounts.update("vanthu", full_name="Đỗ Thị Mai", role="clerk", division="Văn phòng Sở", active=True)
    assert not signed_in(clerk)  # the old session stays ended


def test_a_role_change_applies_to_the_open_session(services, sign_in):
    director = sign_in("director")
    assert director.get("/quan-tri/lich").status_code == 403
    services.accounts.update("giamdoc", full_name="Phạm Quốc Hùng", role="admin", division="Ban Giám đốc", active=True)
    assert director.get("/quan-tri/lich").status_code == 200


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(app, services, sign_in):
    ensure_account(services, "specialist")
    client = app.test_client()

    no_token = client.post("/dang-nhap", data={"username": "chuyenvien", "password": DEMO_PASSWORD})

    assert no_token.status_code == 400
    assert "CSRF" in text(no_token)
    assert client.get("/").status_code == 302  # not signed in

    admin = sign_in("admin")
    form = {"username": "moi", "full_name": "Người Mới", "role": "clerk", "division": "VP", "password": "mat-khau-moi"}
    assert admin.client.post("/quan-tri/tai-khoan", data=form).status_code == 400
    assert admin.client.post("/quan-tri/tai-khoan", data={**form, "csrf_token": "doan-bua"}).status_code == 400
    assert "moi" not in [a.username for a in services.accounts.all()]
    assert admin.client.post("/dang-xuat").status_code == 400
    assert signed_in(admin)


def test_the_session_cookie_is_httponly_samesite_lax_and_secure(app, services):
    ensure_account(services, "specialist")

    response = attempt(visitor(app), "chuyenvien")

    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("motcua_session=")]
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert "httponly" in flags
    assert flags["samesite"] == "SameSite=Lax"
    assert "secure" in flags


def test_signing_in_starts_a_fresh_session(app, services):
    """Whatever a visitor's session held before (a planted CSRF token, say) does not survive the sign-in."""
    ensure_account(services, "specialist")
    browser = visitor(app)
    before = browser.csrf()

    attempt(browser, "chuyenvien")

    with browser.client.session_transaction() as session:
        assert session.get("csrf_token") != before
        assert session["sid"]  # the token of a session kept on the server; nothing else identifies the officer
    assert signed_in(browser)


@pytest.mark.parametrize("target", ["/ho-so?trang=2", "/quan-tri/lich?nam=2027"])
def test_next_leads_back_to_a_local_page(app, services, target):
    ensure_account(services, "admin")
    assert attempt(visitor(app), "quantri", next=target).headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "http:/evil.example",
    ],
)
def test_next_never_leads_off_the_site(app, services, target):
    ensure_account(services, "admin")
    response = attempt(visitor(app), "quantri", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/quan-tri/tai-khoan"


def test_a_page_asks_for_sign_in_and_comes_back(app, services):
    ensure_account(services, "admin")
    browser = visitor(app)

    asked = browser.get("/quan-tri/lich?nam=2027")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/dang-nhap?next=/quan-tri/lich?nam%3D2027"
    form = browser.get(asked.headers["Location"])
    assert 'name="next" value="/quan-tri/lich?nam=2027"' in text(form)

    assert attempt(browser, "quantri", next="/quan-tri/lich?nam=2027").headers["Location"] == "/quan-tri/lich?nam=2027"


def test_sign_out(sign_in):
    officer = sign_in("director")

    response = officer.post("/dang-xuat")

    assert response.status_code == 302
    assert response.headers["Location"] == "/dang-nhap"
    assert "Đã đăng xuất" in text(officer.get("/dang-nhap"))
    assert not signed_in(officer)
    assert officer.get("/dang-xuat").status_code == 405  # signing out is a POST: a link or an image cannot do it


def test_the_language_switch_shows_english(app, services, sign_in):
    browser = visitor(app)
    assert "Tên đăng nhập" in text(browser.get("/dang-nhap"))

    switched = browser.post("/ngon-ngu/en", {"next": "/dang-nhap"})

    assert switched.status_code == 302 and switched.headers["Location"] == "/dang-nhap"
    page = text(browser.get("/dang-nhap"))
    assert '<html lang="en">' in page
    assert "Username" in page and "Password" in page and "Sign in" in page
    assert "Tên đăng nhập" not in page
    ensure_account(services, "admin")
    assert attempt(browser, "quantri", "sai").status_code == 401
    assert "Wrong username or password" in text(attempt(browser, "quantri", "sai"))

    attempt(browser, "quantri")  # the choice survives signing in
    admin_page = text(browser.get("/quan-tri/tai-khoan"))
    assert "Create account" in admin_page and "Administrator" in admin_page

    assert browser.post("/ngon-ngu/xx", {"next": "/quan-tri/tai-khoan"}).status_code == 302  # unknown: ignored
    assert '<html lang="en">' in text(browser.get("/quan-tri/tai-khoan"))
    browser.post("/ngon-ngu/vi", {"next": "https://evil.example/"})
    assert "Tạo tài khoản" in text(browser.get("/quan-tri/tai-khoan"))
