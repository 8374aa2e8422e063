"""Browser fixtures: the real application served over HTTP, and Debian's Chromium driven by Playwright.

The server runs in a thread of the test process, on a fresh SQLite file, with the processes deployed and the demo
accounts created, and a fake clock on a working Monday morning (tests move it; nothing sleeps). Chromium is the
system's (`/usr/bin/chromium`, Debian package `chromium`); Playwright's own browser downloads are never used.
Without Chromium the tests are skipped, or fail when MOTCUA_REQUIRE_BROWSER=1 (as in `.ci/run`).
"""

import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from engine.domain.clock import VN_TZ, FakeClock
from engine.services.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
INSTALL_HELP = (
    "the browser tests need Debian's Chromium: install it with `sudo apt-get install chromium` "
    "(`.ci/run` does this), or point MOTCUA_CHROMIUM at a Chromium binary"
)
# A working Monday, 09:00 in Vietnam: inside office hours, so a dossier received now counts from now.
START = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
USERNAMES = {role: username for username, _name, role, _division in DEMO_ACCOUNTS}


def _unavailable(reason: str):
    if os.environ.get("MOTCUA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MOTCUA_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    """The Chromium to drive: MOTCUA_CHROMIUM if set, else the system's."""
    explicit = os.environ.get("MOTCUA_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


@dataclass
class LiveServer:
    url: str
    app: object
    services: object
    clock: FakeClock


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The application on http://127.0.0.1:<free port>, ready to use: migrated, processes deployed, demo accounts."""
    from engine.services.deploy import read_files
    from web import create_app

    database = tmp_path_factory.mktemp("browser") / "motcua.db"
    clock = FakeClock(START)
    # Secure cookies as in production: Chromium keeps them on http://127.0.0.1, a potentially trustworthy origin.
    config = {
        "database_url": f"sqlite:///{database}",
        "secret_key": "browser-tests",
        "secure_cookies": True,
        "audit_key": "browser-tests",
        "anchor_dir": database.parent / "anchors",
    }
    app = create_app(config, clock=clock)
    services = app.extensions["motcua"]
    services.migrate()
    services.deploy.deploy(read_files(sorted((ROOT / "processes").glob("*.bpmn"))), "test")
    for username, full_name, role, division in DEMO_ACCOUNTS:
        services.accounts.create(username, full_name, role, division, DEMO_PASSWORD, exist_ok=True)
    with serving(app) as url:
        yield LiveServer(url, app, services, clock)
    services.close()


@contextmanager
def serving(app):
    """Serve `app` over HTTP on 127.0.0.1 (a free port) in a thread; yields its URL; stops it on exit."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@contextmanager
def serving_sandbox(sandbox):
    """Serve a partner's sandbox on 127.0.0.1 (a free port) in a thread, its `url` set; yields it; stops it on exit."""
    server = sandbox.server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sandbox.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield sandbox
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def app_with_partner(database: Path, partner: dict, sandbox):
    """The application (as `live_server`, in `database`) with `partner` settings pointing it at `sandbox`, which sends
    it messages signed on the application's clock; yields a LiveServer."""
    from engine.services.deploy import read_files
    from web import create_app

    clock = FakeClock(START)
    app = create_app({"database_url": f"sqlite:///{database}", "secret_key": "browser-tests", **partner}, clock=clock)
    services = app.extensions["motcua"]
    services.migrate()
    services.deploy.deploy(read_files(sorted((ROOT / "processes").glob("*.bpmn"))), "test")
    for username, full_name, role, division in DEMO_ACCOUNTS:
        services.accounts.create(username, full_name, role, division, DEMO_PASSWORD, exist_ok=True)
    with serving(app) as url:
        sandbox.app_url, sandbox.now = url, lambda: clock.now().timestamp()
        yield LiveServer(url, app, services, clock)
    services.close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (a new context per test keeps cookies apart)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: `.venv/bin/pip install -e '.[test]'`")
    executable = find_chromium()
    if executable is None:
        _unavailable(f"Chromium was not found; {INSTALL_HELP}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page() -> a tab in a fresh browser context (own cookies: one person at their own computer) on the live
    server, in Vietnamese and Vietnam time. The test fails on any JavaScript error a page raises and on anything
    the Content-Security-Policy blocked."""
    contexts, errors, violations = [], [], []

    def _open():
        context = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            viewport={"width": 1280, "height": 860},
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: _csp_violation(message, page, violations))
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the pages: {errors}"
    assert not violations, f"Content-Security-Policy violations on the pages: {violations}"


def _csp_violation(message, page, violations: list[str]) -> None:
    """Chromium reports what the Content-Security-Policy blocked (an inline script, a style, a frame) on the
    console, for the page and its frames alike."""
    if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
        violations.append(f"{page.url}: {message.text}")


@pytest.fixture
def page(open_page):
    return open_page()


def screenshot(page, name: str, *regions: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>.png (name like `03-tiep-nhan`); with CSS
    selectors in `regions`, only the part of the page from the first region's top to the last one's bottom."""
    assert re.fullmatch(r"\d\d-[a-z0-9-]+", name), name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    clip = None
    if regions:
        boxes = [page.locator(selector).evaluate(_PAGE_BOX) for selector in regions]
        top, bottom = min(b["top"] for b in boxes) - 16, max(b["bottom"] for b in boxes) + 16
        clip = {"x": 0, "y": max(top, 0), "width": page.viewport_size["width"], "height": bottom - max(top, 0)}
    page.screenshot(path=str(path), full_page=True, clip=clip)
    return path


# An element's top and bottom in page coordinates (bounding boxes are relative to the scrolled viewport).
_PAGE_BOX = "e => { const r = e.getBoundingClientRect(); return {top: r.top + scrollY, bottom: r.bottom + scrollY}; }"


def sign_in(page, role: str) -> None:
    """Sign in through the sign-in page as the demo account of `role`, and wait for the landing page."""
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(USERNAMES[role])
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap" not in url)


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/dang-nhap")
