"""The header's search box finds a dossier by the applicant's name typed without diacritics, and a whole code opens
the dossier itself."""

from tests.browser.conftest import screenshot, sign_in
from tests.web.api.conftest import APPLICANT, HOP_QUY


def test_the_header_box_finds_dossiers(open_page, live_server):
    services = live_server.services
    documents = [{"name": d.name, "received": True} for d in services.dossiers.catalogue.get(HOP_QUY).documents]
    applicant = {**APPLICANT, "name": "Hợp tác xã Rau an toàn Đức Long"}
    dossier = services.reception.receive(HOP_QUY, applicant, 1, "counter", documents, "motcua")
    page = open_page()
    sign_in(page, "one_stop")
    box = page.get_by_role("searchbox", name="Tìm hồ sơ")
    box.fill("rau an toan duc long")
    box.press("Enter")
    page.wait_for_url("**/ho-so?q=*")
    assert dossier.code in page.locator("table.dossiers").inner_text()
    screenshot(page, "92-tim-ho-so")
    box = page.get_by_role("searchbox", name="Tìm hồ sơ")
    box.fill(dossier.code)
    box.press("Enter")
    page.wait_for_url(f"**/ho-so/{dossier.code}")
