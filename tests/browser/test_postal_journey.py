"""The postal channel in Chromium (issue 12): a postal worker takes a dossier at the applicant's address and the
postal sandbox hands it to the app; the one-stop officer accepts it; a second one is sent back for supplementation,
whose letter (Mẫu 02) goes by post; the result of the first goes by post too. The postal sandbox's page lists both
pickup orders; after two failed delivery attempts the item comes back and the one-stop officer finds a work item in
the task list, marks it done, and the dossier's history says so."""

import re

import pytest

from adapters.postal.sandbox import PostalSandbox
from engine.domain.portal_wire import wire_time
from tests.browser.conftest import app_with_partner, screenshot, serving_sandbox, sign_in
from tests.test_architecture import MAIN_PATH_DATA

PROCEDURE = "1.004454.000.00.00.H56"  # the X-ray licence: open to the postal channel, result by post
SECRET = "khoá bưu điện trình duyệt"
PDF = b"%PDF-1.4\n% scan\n%%EOF\n"
APPLICANT = {
    "type": 2,
    "name": "Phòng khám Đa khoa Hòa Bình",
    "id_number": "0312345678",
    "address": "25 Trần Hưng Đạo, phường Phú Hội, TP. Huế",
    "phone": "0912345678",
}


@pytest.fixture(scope="module")
def post(tmp_path_factory):
    with serving_sandbox(PostalSandbox(str(tmp_path_factory.mktemp("postal") / "postal.db"), SECRET)) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, post):
    """The application (as in conftest) with its postal service pointed at the sandbox."""
    service = {
        "postal_service": "adapters.postal.http_service:HttpPostalService",
        "postal_url": post.url,
        "postal_secret": SECRET,
    }
    with app_with_partner(tmp_path_factory.mktemp("postal-app") / "motcua.db", service, post) as server:
        yield server


def handed_over(post, services, clock, fees: int) -> str:
    documents = [d.name for d in services.dossiers.catalogue.get(PROCEDURE).documents if d.required]
    files = [(name, f"giay-to-{n}.pdf", "application/pdf", PDF) for n, name in enumerate(documents, start=1)]
    body = post.handover_body(PROCEDURE, APPLICANT, files, fees, wire_time(clock.now()))
    status, answer = post.handover(body)
    assert status == 200 and answer["state"] == "processed", answer
    return answer["result"]["dossier_code"]


def test_a_postal_dossier_its_letters_and_result_go_by_post_and_a_returned_item_is_a_task(open_page, live_server, post):
    services, clock = live_server.services, live_server.clock
    documents = [d.name for d in services.dossiers.catalogue.get(PROCEDURE).documents if d.required]
    postal = open_page()  # the postal worker at the applicant's address; the fee is collected on delivery (COD)
    postal.goto(post.url + "/nhan-ho-so")
    postal.get_by_label("Mã thủ tục").fill(PROCEDURE)
    postal.get_by_label("Loại người nộp").select_option("2")
    for label, name in (
        ("Họ và tên / tên tổ chức", "name"),
        ("Số CCCD / mã số doanh nghiệp", "id_number"),
        ("Địa chỉ", "address"),
        ("Điện thoại", "phone"),
    ):
        postal.get_by_label(label).fill(APPLICANT[name])
    for n, name in enumerate(documents, start=1):
        postal.get_by_label(f"Tên giấy tờ {n}", exact=True).fill(name)
        postal.get_by_label(f"Tệp {n}", exact=True).set_input_files(
            {"name": f"giay-to-{n}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
    screenshot(postal, "35-buu-chinh-nhan-ho-so")
    postal.get_by_role("button", name="Chuyển hồ sơ cho cơ quan").click()
    assert "Cơ quan đã nhận hồ sơ" in postal.get_by_role("status").inner_text()
    code = post.handovers()[-1]["answer"]["result"]["dossier_code"]
    assert services.dossiers.get(code).channel == 3
    sent_back = handed_over(post, services, clock, 3000000)

    officer = open_page()
    sign_in(officer, "one_stop")
    officer.goto("/viec")
    officer.locator("tr.task-row").filter(has_text=code).get_by_role("link", name="Tiếp nhận, kiểm tra hồ sơ").click()
    officer.get_by_role("heading", name="Tiếp nhận, kiểm tra hồ sơ", level=1).wait_for()
    officer.locator('input[name="reception_result"][value="accept"]').check()
    officer.get_by_role("button", name="Hoàn thành").click()
    officer.wait_for_url(re.compile(r"/viec$"))

    [check] = services.instances.tasks(code=sent_back)  # sent back for supplementation: Mẫu 02 goes by post
    missing = {**MAIN_PATH_DATA["tiep_nhan"], "reception_result": "supplement"}
    services.instances.complete(check.task_id, {**missing, "missing_items": ["Báo cáo đánh giá an toàn"]}, "motcua")
    for _ in range(8):  # the division resolves the first one: its result goes by post
        tasks = [t for t in services.instances.tasks(code=code) if t.name != "tra_ket_qua"]
        if not tasks:
            break
        services.instances.complete(tasks[0].task_id, MAIN_PATH_DATA.get(tasks[0].name, {}), "tester")
    assert services.dossiers.get(code).status == 9
    while services.outbox.dispatch():
        pass

    postal.goto(post.url + "/")
    orders = postal.locator("table").first.inner_text()
    assert code in orders and f"{sent_back}/BS" in orders and "3.000.000 đ" in orders, orders
    for n in (1, 2):  # the postman reports each failed attempt on the sandbox's page
        postal.goto(post.url + "/")
        result = postal.locator("tr.order").filter(has_text=f"hồ sơ {code} (thủ tục")
        result.get_by_label("Sự kiện").select_option("failed_attempt")
        result.get_by_label("Ghi chú").fill(f"Lần {n}: người nhận vắng nhà")
        result.get_by_role("button", name="Báo cơ quan").click()
        assert "Cơ quan đã ghi nhận sự kiện" in postal.get_by_role("status").inner_text()
    postal.goto(post.url + "/")
    assert "Lần 2: người nhận vắng nhà" in postal.locator("tr.order").filter(has_text=f"hồ sơ {code} (").inner_text()
    screenshot(postal, "33-buu-chinh-don-hang")
    officer.goto("/viec")
    item = officer.locator("article.work-item").filter(has_text=code)
    assert "bị bưu điện hoàn trả" in item.inner_text()
    screenshot(officer, "34-viec-phat-sinh", "#work-items")
    item.get_by_label("Đã xử lý thế nào").fill("Đã gọi điện; người nộp sẽ đến nhận tại Bộ phận Một cửa")
    item.get_by_role("button", name="Đánh dấu đã xử lý").click()
    officer.wait_for_url(re.compile(r"/viec$"))
    assert "Đã xử lý xong việc" in officer.get_by_role("status").first.inner_text()
    assert officer.locator("article.work-item").count() == 0
    done = [e for e in services.instances.history(code) if e.tag == "dossier:work_item:done"]
    assert [e.actor for e in done] == ["motcua"]
    officer.goto(f"/ho-so/{sent_back}")
    assert (
        f"Gửi Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ qua bưu chính (đơn {sent_back}/BS"
        in officer.locator("#history").inner_text()
    )
    officer.goto(f"/ho-so/{code}")
    assert "Đã xử lý việc" in officer.locator("#history").inner_text()
    screenshot(officer, "36-ho-so-buu-gui-hoan-tra", "#history")
