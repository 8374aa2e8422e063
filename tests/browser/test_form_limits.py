"""Nothing typed is lost (web/static/forms.js): a pasted text longer than its field's limit is named before sending
and the form is not sent; a form the server refuses as too large (413) leads back to the form, filled in again."""

import re

from tests.browser.conftest import screenshot, sign_in
from tests.web.api.conftest import HOP_QUY


def test_a_long_paste_is_named_before_sending_and_a_refused_form_comes_back_filled(open_page):
    page = open_page()
    sign_in(page, "one_stop")
    page.goto(f"/mot-cua/tiep-nhan?procedure={HOP_QUY}")
    name = page.get_by_label("Họ tên người nộp hoặc tên tổ chức")
    name.fill("Công ty " * 30)  # 240 characters where 200 are allowed: nothing is cut
    warning = page.get_by_test_id("limit-warning")
    assert "tối đa 200 ký tự, đang có 240" in warning.inner_text()
    page.get_by_label("Số CCCD, hộ chiếu hoặc mã số doanh nghiệp").fill("001234567890")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ").fill("Số 5 phố Vườn Cam, Cao Bằng")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    assert "chưa được gửi" in page.get_by_test_id("limit-summary").inner_text()
    assert "/mot-cua/tiep-nhan?procedure=" in page.url and len(name.input_value()) == 240
    screenshot(page, "90-gioi-han-o-chu", "form#reception")

    # A page without the check (an old tab, say) sends a 600 KB text: the server refuses it (413) in Vietnamese,
    # and the way back finds the form filled in as it was.
    name.fill("Công ty TNHH Thiết bị điện Cao Bằng")
    page.evaluate("document.querySelector('meta[name=motcua-max-field-bytes]').content = ''")
    page.get_by_label("Địa chỉ").evaluate("(e, text) => { e.removeAttribute('data-maxlength'); e.value = text; }",
                                          "x" * 600_000)  # fmt: skip
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    assert "Nội dung gửi lên quá lớn" in page.get_by_test_id("error-message").inner_text()
    screenshot(page, "91-loi-413")
    page.get_by_role("link", name="Quay lại biểu mẫu").click()
    page.wait_for_url(re.compile(r"/mot-cua/tiep-nhan\?procedure="))
    assert page.get_by_label("Họ tên người nộp hoặc tên tổ chức").input_value() == "Công ty TNHH Thiết bị điện Cao Bằng"
    assert page.get_by_label("Số điện thoại").input_value() == "0912345678"
