"""The dossier page's history speaks people's words: a timer by its name in the BPMN (not `nhac_xin_loi`, `qua_han`),
a status by its label (not a bare number), in Vietnamese or English."""

import re

import pytest

from tests.conftest import deploy_shipped
from tests.engine.services.test_reception_timers import A_WEEK_AGO, HOP_QUY, _accept, _receive_postal
from tests.web.test_tasks import text


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13"}


def _history(page: str) -> str:
    found = re.search(r'<section class="card" id="history">(.*?)</section>', page, re.S)
    assert found
    return re.sub(r"<[^>]+>", " ", found.group(1))


def test_history_names_timers_and_statuses_in_words(app, sign_in):
    services = deploy_shipped(app.extensions["motcua"])
    view = _receive_postal(services, HOP_QUY, A_WEEK_AGO)
    _accept(services, view.code)  # the reminder fires at once, the overdue timer is set
    officer = sign_in("one_stop")
    history = _history(text(officer.get(f"/ho-so/{view.code}")))
    assert "Đến hẹn giờ “Trước ngày hẹn trả 1 ngày làm việc”" in history
    assert "Đặt hẹn giờ “Đến ngày hẹn trả mà chưa giải quyết xong” lúc 02/03/2026 14:00" in history
    assert "Trạng thái hồ sơ: Đang xử lý" in history
    assert "nhac_xin_loi" not in history and "qua_han" not in history
    assert not re.search(r"Trạng thái[^:]*: \d", history)

    officer.post("/ngon-ngu/en", {"next": "/viec"})
    english = _history(text(officer.get(f"/ho-so/{view.code}")))
    assert "Timer “Trước ngày hẹn trả 1 ngày làm việc” fired" in english
    assert "Dossier status: In progress" in english and "qua_han" not in english
