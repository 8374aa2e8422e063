"""An officer chooses on their profile page (/ca-nhan) where they are told of their tasks and deadlines: e-mail
address, Zalo user id, which channels on. A wrong address is refused with a clear message (Vietnamese, or English
when chosen) and nothing is saved."""

import pytest


@pytest.fixture
def officer(sign_in):
    return sign_in("specialist")


def test_an_officer_saves_their_channels(officer, services):
    page = officer.get("/ca-nhan").get_data(as_text=True)
    assert "Kênh nhận thông báo" in page and "Thư điện tử" in page and "Zalo" in page
    response = officer.post(
        "/ca-nhan", {"email": " an.nguyen@skhcn.gov.vn ", "zalo_id": "8412345678901", "channels": ["email", "zalo"]}
    )
    assert response.status_code == 302
    saved = services.accounts.channels(officer.username)
    assert (saved.email, saved.zalo_id, saved.chosen) == ("an.nguyen@skhcn.gov.vn", "8412345678901", ("email", "zalo"))
    page = officer.get("/ca-nhan").get_data(as_text=True)
    assert "Đã lưu kênh nhận thông báo" in page and 'value="an.nguyen@skhcn.gov.vn"' in page
    assert 'value="zalo" checked' in page and 'value="email" checked' in page

    officer.post("/ca-nhan", {"email": "an.nguyen@skhcn.gov.vn", "zalo_id": "8412345678901", "channels": ["zalo"]})
    assert services.accounts.channels(officer.username).chosen == ("zalo",)


def test_a_bad_email_is_refused_in_vietnamese_and_nothing_is_saved(officer, services):
    officer.post("/ca-nhan", {"email": "an@skhcn.gov.vn", "zalo_id": "", "channels": ["email"]})
    response = officer.post("/ca-nhan", {"email": "an@@skhcn", "zalo_id": "84123456789", "channels": ["zalo"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Địa chỉ thư điện tử &#39;an@@skhcn&#39; không hợp lệ" in page
    assert 'value="an@@skhcn"' in page  # what they typed stays in the form to correct
    saved = services.accounts.channels(officer.username)
    assert (saved.email, saved.zalo_id, saved.chosen) == ("an@skhcn.gov.vn", "", ("email",))


def test_a_channel_without_its_address_is_refused(officer, services):
    response = officer.post("/ca-nhan", {"email": "", "zalo_id": "", "channels": ["zalo"]})
    assert response.status_code == 422
    assert "Chọn nhận qua Zalo thì phải nhập mã người dùng Zalo" in response.get_data(as_text=True)
    response = officer.post("/ca-nhan", {"email": "", "zalo_id": "nguyen.an", "channels": ["zalo"]})
    assert "Mã người dùng Zalo &#39;nguyen.an&#39; không hợp lệ" in response.get_data(as_text=True)
    assert services.accounts.channels(officer.username).chosen == ()


def test_the_page_and_its_errors_in_english(officer):
    officer.post("/ngon-ngu/en", {"next": "/ca-nhan"})
    assert "Notification channels" in officer.get("/ca-nhan").get_data(as_text=True)
    response = officer.post("/ca-nhan", {"email": "not-an-address", "channels": ["email"]})
    assert response.status_code == 422
    assert "The e-mail address &#39;not-an-address&#39; is not valid" in response.get_data(as_text=True)


def test_the_header_links_to_the_profile(officer):
    assert 'href="/ca-nhan"' in officer.get("/viec").get_data(as_text=True)
