"""A process designer in Chromium: opens a procedure in the modeler, runs the checks, deploys a new version."""

from tests.browser.conftest import screenshot, sign_in


def open_modeler(page, process_id: str) -> None:
    page.goto(f"/thiet-ke/{process_id}")
    page.wait_for_selector("#modeler[data-ready='1']")


def test_a_designer_opens_checks_and_deploys_a_procedure(page, live_server):
    sign_in(page, "designer")
    assert page.get_by_role("heading", name="Thiết kế quy trình").is_visible()
    screenshot(page, "40-thiet-ke-danh-sach")
    page.get_by_role("link", name="Tuyển chọn, giao trực tiếp").first.click()
    page.wait_for_selector("#modeler[data-ready='1']")
    # the diagram is drawn: its tasks are on the canvas
    assert page.locator(".djs-element[data-element-id]").count() > 20
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_selector("#modeler[data-checked]")
    assert page.locator("#status").inner_text() == "Không có lỗi: có thể triển khai."
    screenshot(page, "41-thiet-ke-so-do")

    page.get_by_role("button", name="Triển khai phiên bản mới").click()  # no note yet
    page.wait_for_function("document.getElementById('status').className === 'error'")
    assert "ghi chú" in page.locator("#status").inner_text()
