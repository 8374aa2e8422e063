"""The online channel in Chromium (issue 12): a citizen submits a dossier with its files and the fee paid on the portal
sandbox's page; the one-stop officer finds it waiting for the reception check (status 1, no appointment yet) and
accepts it; the portal sandbox's page then shows status 2 with the appointment counted from the acceptance, and the
process-history record of the check."""

import re

import pytest

from adapters.portal.sandbox import PortalSandbox
from engine.domain.portal_wire import wire_time
from tests.browser.conftest import app_with_partner, screenshot, serving_sandbox, sign_in

PROCEDURE = "1.000047.000.00.00.H56"  # 3 documents, a fee of 150.000 đ, open online
SECRET = "khoá cổng trình duyệt"
PDF = b"%PDF-1.4\n% scan\n%%EOF\n"


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    with serving_sandbox(PortalSandbox(str(tmp_path_factory.mktemp("portal") / "portal.db"), SECRET)) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, portal):
    """The application (as in conftest) with its portal gateway pointed at the sandbox."""
    gateway = {
        "portal_gateway": "adapters.portal.http_gateway:HttpPortalGateway",
        "portal_url": portal.url,
        "portal_secret": SECRET,
    }
    with app_with_partner(tmp_path_factory.mktemp("online") / "motcua.db", gateway, portal) as server:
        yield server


def test_a_citizen_submits_online_the_counter_accepts_and_the_portal_sees_it(open_page, live_server, portal):
    services, clock = live_server.services, live_server.clock
    documents = [d.name for d in services.dossiers.catalogue.get(PROCEDURE).documents if d.required]

    citizen = open_page()
    citizen.goto(portal.url + "/nop-ho-so")
    citizen.get_by_label("Mã thủ tục").fill(PROCEDURE)
    citizen.get_by_label("Loại người nộp").select_option("2")
    citizen.get_by_label("Họ và tên / tên tổ chức").fill("Công ty TNHH Thiết bị Đo Hòa Bình")
    citizen.get_by_label("Số CCCD / mã số doanh nghiệp").fill("0312345678")
    citizen.get_by_label("Địa chỉ").fill("12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh")
    citizen.get_by_label("Điện thoại").fill("0912345678")
    for n, name in enumerate(documents, start=1):
        citizen.get_by_label(f"Tên giấy tờ {n}", exact=True).fill(name)
        citizen.get_by_label(f"Tệp {n}", exact=True).set_input_files(
            {"name": f"giay-to-{n}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
    citizen.get_by_label("Mã giao dịch thanh toán (nếu đã nộp phí)").fill("VNPAY-20260302-0001")
    citizen.get_by_label("Số tiền đã nộp (đồng)").fill("150000")
    screenshot(citizen, "30-cong-nop-ho-so")
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    assert "Cơ quan đã nhận hồ sơ" in citizen.get_by_role("status").inner_text()
    code = portal.submissions()[-1]["answer"]["result"]["dossier_code"]

    clock.advance(days=1)  # accepted on Tuesday 3 March, 09:00
    _start, appointment = services.reception.preview_appointment(PROCEDURE, 1)
    officer = open_page()
    sign_in(officer, "one_stop")
    officer.goto("/viec")
    row = officer.locator("tr.task-row").filter(has_text=code)
    row.get_by_role("link", name="Tiếp nhận, kiểm tra hồ sơ").click()
    officer.get_by_role("heading", name="Tiếp nhận, kiểm tra hồ sơ", level=1).wait_for()
    assert "Chưa có: hồ sơ nộp trực tuyến chờ" in officer.locator("#appointment").inner_text()
    officer.locator('input[name="reception_result"][value="accept"]').check()
    screenshot(officer, "31-kiem-tra-ho-so-truc-tuyen")
    officer.get_by_role("button", name="Hoàn thành").click()
    officer.wait_for_url(re.compile(r"/viec$"))
    officer.goto(f"/ho-so/{code}")
    assert "VNPAY-20260302-0001" in officer.locator("#payment").inner_text()

    while services.outbox.dispatch():  # the worker's pass
        pass
    citizen.goto(portal.url + "/")
    section = citizen.locator(f'h3[id="{code}"] + table')
    statuses = citizen.locator("tr.status").all_inner_texts()
    assert any("2 · Được tiếp nhận" in s and wire_time(appointment) in s for s in statuses), statuses
    assert section.count() == 1
    screenshot(citizen, "32-cong-da-nhan-trang-thai")
