"""The pages the journey does not pass through satisfy the Content-Security-Policy too (the `open_page` fixture fails
a test on any violation Chromium reports): the administrator's pages, the counter's reception form and a letter."""

from tests.browser.conftest import sign_in
from tests.web.api.conftest import APPLICANT, HOP_QUY


def test_admin_counter_and_letter_pages_run_under_the_policy(open_page, live_server):
    services = live_server.services
    documents = [{"name": d.name, "received": True} for d in services.dossiers.catalogue.get(HOP_QUY).documents]
    dossier = services.reception.receive(HOP_QUY, dict(APPLICANT), 1, "counter", documents, "motcua")

    admin = open_page()
    sign_in(admin, "admin")
    for path in ("/quan-tri/tai-khoan", "/quan-tri/tai-khoan/chuyenvien", "/quan-tri/ma-truy-cap", "/quan-tri/lich"):
        assert admin.goto(path).ok, path
        assert admin.locator("h1").count() >= 1

    one_stop = open_page()
    sign_in(one_stop, "one_stop")
    assert one_stop.goto(f"/mot-cua/tiep-nhan?procedure={HOP_QUY}").ok  # counter.js runs here
    letter = one_stop.goto(f"/ho-so/{dossier.code}/mau/mau_01")
    assert letter.ok and letter.headers["content-security-policy"].startswith("default-src 'none'")
    assert one_stop.locator("text=GIẤY TIẾP NHẬN HỒ SƠ").count() >= 1
