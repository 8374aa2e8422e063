"""In Chromium, as an auditor: find a late dossier by search, open it, verify its history (it passes, and its
re-execution matches), then, after someone edits one of its events in the database, verify again and see the
verification fail at that event."""

from sqlalchemy import update

from engine.persistence.models import HistoryEvent, Instance
from tests.browser.conftest import screenshot, sign_in
from tests.web.test_counter import MAIN_PATH_DATA, receive


def finish_late(services, clock) -> str:
    """A dossier received now and worked through to its end a month later, past its appointment."""
    code = receive(services).code
    clock.advance(days=30)
    for _ in range(20):
        tasks = services.instances.tasks(code=code)
        if not tasks:
            break
        services.instances.complete(tasks[0].task_id, MAIN_PATH_DATA.get(tasks[0].name, {}), "tester")
    assert services.dossiers.get(code).late
    return code


def test_an_auditor_finds_a_late_dossier_verifies_it_and_sees_a_tampered_event(page, live_server):
    services, clock = live_server.services, live_server.clock
    code = finish_late(services, clock)
    sign_in(page, "auditor")
    page.get_by_role("link", name="Kiểm tra", exact=True).click()
    page.get_by_label("Đúng hạn / trễ hạn").select_option("late")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_url("**/kiem-tra?**")
    screenshot(page, "40-kiem-tra-tim")
    page.get_by_role("link", name=code).click()

    # Replay: the first event, a few steps on with the arrow keys, a moment picked on the slider.
    page.wait_for_selector("#replay[data-ready='1']")
    page.wait_for_selector("#diagram[data-ready='1']")
    page.get_by_role("button", name="Sự kiện đầu").click()
    assert page.locator("#replay-event").inner_text().startswith("Sự kiện 1/")
    assert page.locator(".djs-element.motcua-done").count() == 0
    screenshot(page, "43-xem-lai-buoc-1", "#diagram", "#replay")
    page.locator("#replay").focus()
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    assert page.locator("#replay").get_attribute("data-seq") == "3"
    assert page.locator(".djs-element.motcua-current").count() == 1
    assert page.locator(".djs-element.motcua-waiting").count() == 1
    screenshot(page, "44-xem-lai-buoc-3", "#diagram", "#replay")
    page.locator("#replay-slider").fill("14")
    assert page.locator("#replay").get_attribute("data-seq") == "14"
    assert page.locator(".djs-element.motcua-done").count() >= 1
    assert "tester" in page.locator("#replay-event").inner_text()
    screenshot(page, "45-xem-lai-buoc-14", "#diagram", "#replay")
    linked = page.get_by_role("link", name="Liên kết tới thời điểm này").get_attribute("href")
    assert linked.endswith("?buoc=14#replay")
    page.goto(linked)
    page.wait_for_selector("#replay[data-ready='1']")
    assert page.locator("#replay").get_attribute("data-seq") == "14"

    page.get_by_role("button", name="Kiểm tra tính toàn vẹn và chạy lại lịch sử").click()
    verdict = page.locator("#verification")
    assert "Toàn vẹn" in verdict.inner_text() and "Chạy lại khớp" in verdict.inner_text()
    screenshot(page, "41-kiem-tra-toan-ven", "#history")

    with services.db.engine.begin() as connection:
        instance_id = connection.execute(Instance.__table__.select().where(Instance.code == code)).one().id
        connection.execute(
            update(HistoryEvent)
            .where(HistoryEvent.instance_id == instance_id, HistoryEvent.seq == 3)
            .values(actor="mallory")
        )
    page.get_by_role("button", name="Kiểm tra tính toàn vẹn và chạy lại lịch sử").click()
    verdict = page.locator("#verification")
    assert "Bị thay đổi" in verdict.inner_text() and "sự kiện 3" in verdict.inner_text()
    screenshot(page, "42-kiem-tra-bi-sua", "#verification")
