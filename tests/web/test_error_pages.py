"""Error pages in the user's language (Vietnamese first, English when chosen), never werkzeug's English; a refused
form offers the way back to what was typed; too long values are refused by the server with the limit named, and the
pages carry the limits (data-maxlength, not the browser's maxlength that cuts a pasted text without a word)."""

import re

import pytest
from werkzeug.test import encode_multipart

from tests.conftest import deploy_shipped
from tests.engine.services.test_task_forms import open_task
from tests.web.test_tasks import receive, text

WERKZEUG_ENGLISH = (
    "The requested URL was not found",
    "The method is not allowed",
    "The data value transmitted exceeds the capacity limit",
    "The server encountered an internal error",
)


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13"}


def _message(response) -> str:
    found = re.search(r'data-testid="error-message">([^<]*)</p>', text(response))
    assert found, text(response)
    return found.group(1)


def _english(client) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"


def _feedback(client, content: str):
    form = {"kind": "phan_anh", "name": "Nguyễn Văn A", "contact": "0912345678", "subject": "Hỏi", "content": content}
    with client.session_transaction() as session:
        session["csrf_token"] = "t"
    # Multipart, as the task and reception forms send: werkzeug holds each text part to MAX_FORM_MEMORY_SIZE.
    # (encoded here: the test client would spool a large body to a temporary file it leaves open)
    boundary, body = encode_multipart({**form, "csrf_token": "t"})
    return client.post("/phan-anh", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _failing_app(app):
    @app.route("/hong")
    def broken():
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not the test's traceback
    return app.test_client()


@pytest.mark.parametrize("english", [False, True], ids=["vi", "en"])
def test_404_405_413_500_pages_speak_the_users_language(app, english):
    client = _failing_app(app)
    if english:
        _english(client)
    pages = {
        404: client.get("/khong-co-trang-nay"),
        405: client.get("/dang-xuat"),
        413: _feedback(client, "x" * 600_000),
        500: client.get("/hong"),
    }
    expected = {
        404: ("Không có trang này", "There is no such page"),
        405: ("không nhận yêu cầu GET", "does not take GET requests"),
        413: ("Nội dung gửi lên quá lớn (mỗi ô chữ tối đa 500 KB", "too large (at most 500 KB per text field"),
        500: ("Máy chủ gặp lỗi ngoài dự kiến", "The server met an unexpected error"),
    }
    for status, response in pages.items():
        assert response.status_code == status
        body = text(response)
        assert expected[status][english] in _message(response), status
        assert not any(english_text in body for english_text in WERKZEUG_ENGLISH), status
        assert ("Could not be done" if english else "Không thực hiện được") in body
    assert pages[405].headers["Allow"]


def test_a_refused_form_s_page_leads_back_to_the_form_which_keeps_what_was_typed(app):
    client = app.test_client()
    refused = _feedback(client, "x" * 600_000)
    assert refused.status_code == 413
    assert 'id="form-refused"' in text(refused) and "data-back" in text(refused)  # forms.js: Back, then refill
    assert 'id="form-refused"' not in text(client.get("/khong-co"))  # a GET refuses no form
    page = text(client.get("/phan-anh"))
    assert 'name="motcua-max-field-bytes" content="500000"' in page
    assert "forms.js" in page


def test_too_long_text_is_refused_with_its_limit_and_kept(app, sign_in):
    services = deploy_shipped(app.extensions["motcua"])
    code = receive(services)
    task = open_task(services, code, "tiep_nhan")
    officer = sign_in("one_stop")
    form = text(officer.get(f"/viec/{task.task_id}"))
    assert " maxlength=" not in form  # the browser would cut a pasted text silently
    assert 'name="missing_items.0.reason" id="missing_items.0.reason" value="" data-maxlength="500"' in form

    before = services.instances.history(code)
    long_reason = "hết hạn, " * 61 + "x"  # 550 characters
    sent = {
        "reception_result": "supplement",
        "missing_items.0.item": "Giấy phép",
        "missing_items.0.reason": long_reason,
    }
    page = officer.post(f"/viec/{task.task_id}", sent)
    assert page.status_code == 422
    assert "tối đa 500 ký tự (đang có 550); rút gọn lại" in text(page)
    assert f'value="{long_reason}"' in text(page)
    assert services.instances.history(code) == before


def test_the_counter_form_carries_the_applicant_limits(sign_in, app):
    deploy_shipped(app.extensions["motcua"])
    page = text(sign_in("one_stop").get("/mot-cua/tiep-nhan?procedure=1.000047.000.00.00.H56"))
    assert re.search(r'name="applicant_name"[^>]*data-maxlength="200"', page)
    assert re.search(r'name="applicant_address"[^>]*data-maxlength="500"', page)
    assert " maxlength=" not in page
