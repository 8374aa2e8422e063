"""In Chromium: the indicators dashboard over a month of generated history (charts drawn by the bundled Chart.js, a
figure opening the dossiers behind it), the public status look-up (found, not found, wrong phone digits, the rate
limit) and a satisfaction rating. A server of its own, so that the month of history stays out of the other tests."""

from datetime import datetime

import pytest

from engine.domain.clock import VN_TZ, FakeClock
from engine.services.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.browser.conftest import ROOT, screenshot, serving, sign_in
from web.demo_history import build_history

END = datetime(2026, 4, 1, 9, 0, tzinfo=VN_TZ)  # Wednesday 1 April 2026, after a month of history


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from engine.services.deploy import read_files
    from web import create_app

    database = tmp_path_factory.mktemp("indicators") / "motcua.db"
    clock = FakeClock(END)
    config = {"database_url": f"sqlite:///{database}", "secret_key": "browser-tests", "lookup_limit": 4}
    app = create_app(config, clock=clock)
    services = app.extensions["motcua"]
    services.migrate()
    services.deploy.deploy(read_files(sorted((ROOT / "processes").glob("*.bpmn"))), "test")
    for username, full_name, role, division in DEMO_ACCOUNTS:
        services.accounts.create(username, full_name, role, division, DEMO_PASSWORD, exist_ok=True)
    build_history(services, clock, 1, END)
    clock.set(END)
    with serving(app) as url:
        yield url, services
    services.close()


@pytest.fixture
def tab(browser, server):
    context = browser.new_context(
        base_url=server[0], locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(10_000)
    errors = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def test_the_dashboard_draws_its_charts_and_opens_the_late_dossiers(tab, server):
    sign_in(tab, "director")
    tab.goto("/chi-so?from=2026-03-01&to=2026-03-31")
    for chart in ("trend", "late_by_division", "workload", "due_week", "scores"):
        tab.wait_for_selector(f'canvas[data-chart="{chart}"][data-drawn="true"]')
    late = int(tab.get_by_test_id("late-tile").locator("b").inner_text())
    assert late > 0, "a month of generated history has late dossiers"
    screenshot(tab, "40-chi-so")

    tab.get_by_test_id("late-tile").click()
    tab.wait_for_url("**/chi-so/ho-so**figure=late**")
    rows = tab.get_by_test_id("figure-dossiers").locator("tbody tr")
    assert rows.count() == late
    screenshot(tab, "41-chi-so-ho-so-qua-han")


def test_the_public_look_up_and_a_rating(tab, server):
    services = server[1]
    returned = next(
        d for d in services.dossiers.list(status=10, limit=50) if services.public.status_of(d.code).may_rate
    )
    digits = "".join(c for c in returned.applicant["phone"] if c.isdigit())[-4:]

    tab.goto(f"/tra-cuu?ma={returned.code}")  # as the QR on Mẫu 01 opens it
    assert tab.get_by_label("Mã hồ sơ").input_value() == returned.code
    tab.get_by_label("4 số cuối điện thoại").fill("0000" if digits != "0000" else "1111")
    tab.get_by_role("button", name="Tra cứu").click()
    assert "Không tìm thấy hồ sơ" in tab.get_by_test_id("lookup-error").inner_text()  # wrong phone digits
    tab.get_by_label("Mã hồ sơ").fill(returned.code[:-1] + "9")
    tab.get_by_label("4 số cuối điện thoại").fill(digits)
    tab.get_by_role("button", name="Tra cứu").click()
    assert "Không tìm thấy hồ sơ" in tab.get_by_test_id("lookup-error").inner_text()  # no such code

    tab.get_by_label("Mã hồ sơ").fill(returned.code)
    tab.get_by_label("4 số cuối điện thoại").fill(digits)
    tab.get_by_role("button", name="Tra cứu").click()
    status = tab.get_by_test_id("status")
    assert "Đã trả kết quả" in status.inner_text() and returned.applicant["name"] not in status.inner_text()
    tab.get_by_label("Hài lòng", exact=True).check()
    screenshot(tab, "42-tra-cuu-danh-gia")
    tab.get_by_role("button", name="Gửi đánh giá").click()
    assert "Hài lòng" in tab.get_by_test_id("rated").inner_text()
    assert services.public.status_of(returned.code).rating[:2] == ("satisfied", "public")

    tab.get_by_label("Mã hồ sơ").fill(returned.code)  # the fourth look-up from this address in ten minutes
    tab.get_by_label("4 số cuối điện thoại").fill(digits)
    tab.get_by_role("button", name="Tra cứu").click()
    tab.get_by_label("Mã hồ sơ").fill(returned.code)
    tab.get_by_label("4 số cuối điện thoại").fill(digits)
    tab.get_by_role("button", name="Tra cứu").click()
    assert "Vui lòng thử lại sau" in tab.get_by_test_id("lookup-error").inner_text()  # the rate limit
    screenshot(tab, "43-tra-cuu-gioi-han")
