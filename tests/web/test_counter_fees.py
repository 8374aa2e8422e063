"""The counter's queues show each dossier's channel, how long it has waited and its fee; the officer collects an
unpaid fee at the counter (recorded in the history once) and prints its receipt (biên lai, HTML and PDF)."""

import io

import pypdf
import pytest

from tests.web.test_counter import APPLICANT, X_RAY, app_config, drive_to, receive, services  # noqa: F401

FEE = "3.000.000 đ"  # the X-ray procedure's fee in processes/catalogue.yaml


@pytest.fixture
def app_config():  # noqa: F811
    return {
        "agency_code": "H15.50.05.13",
        "agency_title": "Sở Khoa học và Công nghệ tỉnh Cao Bằng",
        "receiving_unit": "Bộ phận Tiếp nhận và Trả kết quả tỉnh Cao Bằng",
    }


def _payments(services, code):  # noqa: F811
    return [e for e in services.instances.history(code) if e.tag == "dossier:payment:confirmed"]


def test_the_queues_show_channel_waiting_time_and_fee(services, sign_in, clock):  # noqa: F811
    online = receive(services, channel=2)
    counter = services.reception.receive(
        X_RAY,
        APPLICANT,
        1,
        "counter",
        [{"name": d.name} for d in services.dossiers.catalogue.get(X_RAY).documents if d.required],
        "motcua1",
        fee_paid=True,
    )
    drive_to(services, counter.code, "tra_ket_qua")
    clock.advance(hours=2, minutes=5)

    page = sign_in("one_stop").get("/mot-cua").get_data(as_text=True)
    incoming, _, returns = page.partition('id="ready"')
    assert "Trực tuyến" in incoming and "2 giờ 5 phút" in incoming
    assert f"Chưa nộp {FEE}" in incoming and f"/mot-cua/thu-phi/{online.code}" in incoming
    assert "Trực tiếp" in returns and f"Đã nộp {FEE}" in returns
    assert f"/ho-so/{counter.code}/mau/fee_receipt" in returns  # paid at reception, at the counter: its receipt


def test_collecting_the_fee_is_recorded_once_and_gives_a_receipt(services, sign_in, clock):  # noqa: F811
    online = receive(services, channel=2)
    officer = sign_in("one_stop")
    not_yet = officer.get(f"/ho-so/{online.code}/mau/fee_receipt")
    assert not_yet.status_code == 404 and "chưa có biên lai" in not_yet.get_data(as_text=True)

    collected = officer.post(f"/mot-cua/thu-phi/{online.code}")
    assert collected.status_code == 302
    dossier = services.dossiers.get(online.code)
    assert dossier.fee_paid and dossier.payment["method"] == "counter"
    [event] = _payments(services, online.code)
    assert event.actor == officer.username and event.payload["amount"] == 3000000

    again = officer.post(f"/mot-cua/thu-phi/{online.code}")
    assert again.status_code == 302 and len(_payments(services, online.code)) == 1  # once
    page = officer.get("/mot-cua").get_data(as_text=True)
    assert "đã nộp phí, lệ phí; không thu lại" in page and f"/ho-so/{online.code}/mau/fee_receipt" in page
    history = officer.get(f"/ho-so/{online.code}").get_data(as_text=True)
    assert f"Nộp phí, lệ phí {FEE}" in history
    assert "Nộp tại Bộ phận Một cửa" in history and "Thanh toán trực tuyến" not in history  # not an online payment

    html = officer.get(f"/ho-so/{online.code}/mau/fee_receipt").get_data(as_text=True)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in html and f"BL-{online.code}" in html
    pdf = officer.get(f"/ho-so/{online.code}/mau/fee_receipt?dinh-dang=pdf")
    assert pdf.mimetype == "application/pdf"
    text = " ".join("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text and "3.000.000 đồng" in text
    assert APPLICANT["name"] in text and "Sở Khoa học và Công nghệ tỉnh Cao Bằng" in text
    assert "Bộ phận Tiếp nhận và Trả kết quả tỉnh Cao Bằng" in text


def test_a_procedure_without_fee_has_nothing_to_collect(services, sign_in):  # noqa: F811
    free = next(p for p in services.dossiers.catalogue.procedures if p.fee == 0 and "online" in p.channels)
    dossier = receive(services, channel=2, code=free.code)
    officer = sign_in("one_stop")
    assert "Không thu" in officer.get("/mot-cua").get_data(as_text=True)
    officer.post(f"/mot-cua/thu-phi/{dossier.code}")
    assert "không thu phí, lệ phí" in officer.get("/mot-cua").get_data(as_text=True)
    assert _payments(services, dossier.code) == []


def test_no_fee_is_collected_on_a_withdrawn_dossier(services, sign_in):  # noqa: F811
    dossier = receive(services, channel=2)
    services.dossiers.withdraw(dossier.code, "Người nộp xin rút", "motcua1")
    officer = sign_in("one_stop")
    officer.post(f"/mot-cua/thu-phi/{dossier.code}")
    assert "không thu phí, lệ phí" in officer.get("/mot-cua").get_data(as_text=True)
    assert _payments(services, dossier.code) == [] and not services.dossiers.get(dossier.code).fee_paid
