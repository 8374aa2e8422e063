"""The citizen's pages without sign-in: the status look-up (found, not found, wrong phone digits, the rate limit, what
is missing during supplementation), the rating after the result (once per dossier) and the rating at the counter."""

import pytest

from tests.conftest import deploy_shipped
from tests.engine.services.test_extensions import APPLICANT, MISSING, complete, finish, receive

PHONE_END = APPLICANT["phone"].replace(" ", "")[-4:]  # "0206 3852 123" -> "2123"


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13", "lookup_limit": 3, "public_url": "https://motcua.example.vn"}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


@pytest.fixture
def visitor(app):
    from tests.web.conftest import Officer

    return Officer(app.test_client(), "", "")  # a browser with a session (and so a CSRF token), nobody signed in


def test_the_receipt_holder_sees_the_status_and_what_is_missing(services, visitor):
    code = receive(services)
    complete(services, code, "phan_cong")
    complete(services, code, "tham_dinh", {"appraisal_result": "supplement", "missing_items": MISSING})

    qr = services.documents.form_context(code, "mau_01")["register"]["qr"]
    assert qr == f"https://motcua.example.vn/tra-cuu?ma={code}"  # what the QR on the receipt encodes
    assert visitor.get(f"/tra-cuu?ma={code}").status_code == 200  # the QR's link: the code filled in
    page = visitor.post("/tra-cuu", {"code": code.lower(), "phone": PHONE_END})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Yêu cầu bổ sung giấy tờ" in html and MISSING[0]["item"] in html and MISSING[0]["reason"] in html
    assert APPLICANT["name"] not in html and APPLICANT["address"] not in html  # no personal data
    assert "Đánh giá mức độ hài lòng" not in html  # no rating before the result


@pytest.mark.parametrize("code_of, phone", [(lambda c: c[:-1] + "9", PHONE_END), (lambda c: c, "9999")])
def test_a_wrong_code_and_wrong_digits_get_the_same_answer(services, visitor, code_of, phone):
    code = receive(services)
    page = visitor.post("/tra-cuu", {"code": code_of(code), "phone": phone})
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "Không tìm thấy hồ sơ có mã và số điện thoại này" in html and "Thủ tục" not in html


def test_look_ups_are_rate_limited_per_address(services, visitor, clock):
    code = receive(services)
    for _ in range(3):  # lookup_limit = 3 in this module
        assert visitor.post("/tra-cuu", {"code": code, "phone": "0000"}).status_code == 404
    blocked = visitor.post("/tra-cuu", {"code": code, "phone": PHONE_END})
    assert blocked.status_code == 429 and "Vui lòng thử lại sau" in blocked.get_data(as_text=True)
    clock.advance(minutes=11)  # the window has passed
    assert visitor.post("/tra-cuu", {"code": code, "phone": PHONE_END}).status_code == 200


def test_a_malformed_entry_is_refused_without_counting(services, visitor):
    for _ in range(5):
        page = visitor.post("/tra-cuu", {"code": "", "phone": "12"})
        assert page.status_code == 422 and "4 chữ số cuối" in page.get_data(as_text=True)


def test_after_the_result_the_applicant_rates_once(services, visitor, sign_in):
    code = receive(services)
    complete(services, code, "phan_cong")
    finish(services, code)
    assert visitor.post("/tra-cuu/danh-gia", {"code": code, "level": "satisfied"}).status_code == 302  # look up first

    html = visitor.post("/tra-cuu", {"code": code, "phone": PHONE_END}).get_data(as_text=True)
    assert "Đánh giá mức độ hài lòng" in html
    refused = visitor.post("/tra-cuu/danh-gia", {"code": code, "level": "not_satisfied", "reason": " "})
    assert refused.status_code == 422 and "lý do" in refused.get_data(as_text=True)
    rated = visitor.post("/tra-cuu/danh-gia", {"code": code, "level": "very_satisfied"})
    assert rated.status_code == 200 and "Đã đánh giá" in rated.get_data(as_text=True)
    again = visitor.post("/tra-cuu/danh-gia", {"code": code, "level": "not_satisfied", "reason": "Chậm"})
    assert again.status_code == 409 and "chỉ đánh giá một lần" in again.get_data(as_text=True)

    counter = sign_in("one_stop").post("/mot-cua/danh-gia", {"code": code, "level": "satisfied"})
    assert counter.status_code == 422 and "đã được đánh giá" in counter.get_data(as_text=True)
    assert services.public.status_of(code).rating[:2] == ("very_satisfied", "public")


def test_the_one_stop_officer_records_a_rating_given_at_the_counter(services, sign_in):
    code = receive(services)
    complete(services, code, "phan_cong")
    officer = sign_in("one_stop")
    early = officer.post("/mot-cua/danh-gia", {"code": code, "level": "satisfied"})
    assert early.status_code == 422 and "chưa có kết quả" in early.get_data(as_text=True)
    finish(services, code)
    assert officer.post("/mot-cua/danh-gia", {"code": code, "level": "satisfied"}).status_code == 302
    assert services.public.status_of(code).rating[:2] == ("satisfied", "counter")
    assert sign_in("specialist").get("/mot-cua/danh-gia").status_code == 403


def test_the_qr_of_the_receipt_opens_the_dossier_for_an_officer_and_the_status_for_the_holder(
    services, visitor, sign_in
):
    code = receive(services)
    qr = services.documents.form_context(code, "mau_01")["register"]["qr"]
    path = qr.removeprefix("https://motcua.example.vn")

    opened = sign_in("one_stop").get(path)
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/ho-so/{code}")
    held = visitor.get(path)
    assert held.status_code == 200 and f'value="{code}"' in held.get_data(as_text=True)
    # An officer of another division may not read the dossier: the public look-up, nothing more.
    outsider = sign_in("specialist", "cv-khac", division="Phòng Khác").get(path)
    assert outsider.status_code == 200 and "Tra cứu" in outsider.get_data(as_text=True)
