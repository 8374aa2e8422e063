"""Signing in, as a person does it in Chromium: the page, a wrong password, and each role's landing page."""

import pytest

from engine.services.accounts import DEMO_ACCOUNTS
from tests.browser.conftest import USERNAMES, screenshot, sign_in, sign_out

FULL_NAMES = {role: full_name for _username, full_name, role, _division in DEMO_ACCOUNTS}

# Where each role lands after signing in (web/views/auth.py LANDING, with the agreed URL map).
LANDING_PATHS = {
    "one_stop": "/mot-cua",
    "specialist": "/viec",
    "division_head": "/viec",
    "director": "/viec",
    "clerk": "/viec",
    "auditor": "/ho-so",
    "admin": "/quan-tri/tai-khoan",
    "designer": "/thiet-ke",
}


def path_of(page) -> str:
    return "/" + page.url.split("/", 3)[3].split("?")[0]


def test_sign_in_page_and_wrong_password(page):
    page.goto("/")
    page.wait_for_url("**/dang-nhap**")  # a page needing sign-in sends people to the sign-in page
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    screenshot(page, "01-dang-nhap")

    page.get_by_label("Tên đăng nhập").fill(USERNAMES["specialist"])
    page.get_by_label("Mật khẩu").fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()
    alert = page.get_by_role("alert")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in alert.inner_text()
    assert page.get_by_label("Tên đăng nhập").input_value() == USERNAMES["specialist"]  # kept for the next try
    assert page.get_by_label("Mật khẩu").input_value() == ""
    screenshot(page, "02-dang-nhap-sai-mat-khau")


@pytest.mark.parametrize("role", sorted(LANDING_PATHS))
def test_each_role_lands_on_its_page(page, role):
    sign_in(page, role)
    assert path_of(page) == LANDING_PATHS[role]
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    # The session cookie stays Secure and HttpOnly: Chromium keeps it on http://127.0.0.1 (a secure context).
    assert cookies["motcua_session"]["secure"] and cookies["motcua_session"]["httpOnly"]
    # The header names who is signed in; signing out ends the session.
    assert FULL_NAMES[role] in page.locator(".who").inner_text()
    sign_out(page)
    page.goto("/")
    page.wait_for_url("**/dang-nhap**")
