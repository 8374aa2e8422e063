"""Dossier pages through the test client against a real database: everything about one dossier (status, dates,
steps judged early / on time / late, history with names, diagram marks, forms, outbox), who may see it, withdrawal
and stop, and the list with its filters."""

import re
from datetime import datetime, timedelta

import pytest

from engine.domain.clock import VN_TZ
from tests.conftest import deploy_shipped
from tests.engine.services.test_documents import PLAN, drive
from tests.web.test_counter import AGENCY, APPLICANT, X_RAY, drive_to, open_task, receive

RESULTS = "1.001849.000.00.00.H56"  # Đăng ký kết quả thực hiện nhiệm vụ KH&CN: 8 working hours


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


@pytest.fixture
def specialist_name(services):
    services.accounts.create("chuyenvien", "Lã Thị Thu Hà", "specialist", "Phòng Quản lý chuyên ngành", "matkhau-123")
    return "Lã Thị Thu Hà"


def text_of(page: str, section: str) -> str:
    """The text of the <section id=...> of a page, tags removed."""
    match = re.search(rf'<section class="card"[^>]*id="{section}".*?</section>', page, re.S)
    assert match, section
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


# --- one dossier ----------------------------------------------------------------------------------------------------
def test_the_page_shows_status_dates_and_each_step_with_its_timeliness(services, sign_in, clock, specialist_name):
    view = receive(services, channel=2)
    drive(services, clock, view.code, PLAN[:4])
    auditor = sign_in("auditor")

    response = auditor.get(f"/ho-so/{view.code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Trạng thái 4 · Đang xử lý" in page
    assert APPLICANT["name"] in page and APPLICANT["id_number"] in page
    assert "17/03/2026 08:00" in page  # the appointment

    steps = text_of(page, "steps")
    rows = re.findall(r'<tr data-task="([a-z_]+)">(.*?)</tr>', page, re.S)
    judged = {name: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)) for name, row in rows}
    assert "Trước hạn" in judged["tiep_nhan"] and "motcua1" in judged["tiep_nhan"]
    assert "Đúng hạn" in judged["phan_cong"]
    assert "Quá hạn" in judged["tham_dinh"] and specialist_name in judged["tham_dinh"]
    assert "18/03/2026 09:00" in judged["tham_dinh"] and "10/03/2026 14:00" in judged["tham_dinh"]
    assert "Trước hạn" in judged["xem_xet"]
    assert "Đang xử lý" in judged["ky_duyet"]
    assert "Ký giấy phép" in steps

    history = text_of(page, "history")
    assert "Bắt đầu quy trình (phiên bản 1)" in history
    assert f"{specialist_name} Hoàn thành bước: Thẩm định hồ sơ, dự thảo giấy phép" in history
    assert "Lập Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in history and "Trạng thái hồ sơ: Đang xử lý" in history

    assert 'data-basis="nd118-2025"' in page and "Nghị định 118/2025/NĐ-CP" in page  # the basis it keeps
    procedure_basis = services.dossiers.catalogue.get(view.procedure_code).legal_basis
    assert f'<dd class="procedure-basis">{"; ".join(procedure_basis)}</dd>' in page  # and the sector law, apart
    forms = text_of(page, "forms")
    assert "(Mẫu số 01)" in forms and "(Mẫu số 06)" in forms and "(Mẫu số 02)" not in forms  # the 2025 set
    assert f"/ho-so/{view.code}/mau/control_slip?dinh-dang=pdf" in page

    outbox = text_of(page, "outbox")
    assert "Cập nhật Cổng Dịch vụ công" in outbox and "Chờ gửi" in outbox and "Giấy tiếp nhận" in outbox
    services.outbox.dispatch()
    assert "Đã gửi" in text_of(auditor.get(f"/ho-so/{view.code}").get_data(as_text=True), "outbox")


def test_the_diagram_json_marks_the_current_and_completed_steps(services, sign_in, clock):
    view = receive(services, channel=2)
    drive(services, clock, view.code, PLAN[:2])
    auditor = sign_in("auditor")
    page = auditor.get(f"/ho-so/{view.code}").get_data(as_text=True)
    assert f'data-url="/ho-so/{view.code}/so-do"' in page and "dist/viewer.js" in page and "dossier.js" in page

    response = auditor.get(f"/ho-so/{view.code}/so-do")
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["current"] == ["tham_dinh"] and body["done"] == ["tiep_nhan", "phan_cong"]
    assert body["process_id"] == "x_quang_y_te" and body["version"] == 1
    assert '<bpmn:process id="x_quang_y_te"' in body["xml"] and 'id="tham_dinh"' in body["xml"]


def test_an_extension_shows_the_original_appointment_and_mau_04(services, sign_in, clock):
    view = receive(services, channel=1)
    drive_to(services, view.code, "tham_dinh")
    clock.set(services.calendars.current().add(view.appointment, 1, "wd", before=True) + timedelta(hours=1))
    assert services.timers.run_pass("t", 100).fired == 1
    new = datetime(2026, 3, 20, 8, 0, tzinfo=VN_TZ)
    draft = open_task(services, view.code, "lap_phieu_xin_loi")
    services.instances.complete(
        draft.task_id, {"delay_reason": "Chờ kết quả kiểm xạ", "new_appointment": new.isoformat()}, "cv"
    )
    approval = open_task(services, view.code, "duyet_phieu_xin_loi")
    services.instances.complete(approval.task_id, {"approved": True}, "giamdoc")

    page = sign_in("auditor").get(f"/ho-so/{view.code}").get_data(as_text=True)
    assert "Ngày hẹn ban đầu" in page and "17/03/2026 08:00" in page and "20/03/2026 08:00" in page
    assert "Số lần hẹn lại" in page
    assert "Đổi ngày hẹn trả: 17/03/2026 08:00 → 20/03/2026 08:00" in text_of(page, "history")
    assert "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu số 04)" in text_of(page, "forms")


# --- who may see it -------------------------------------------------------------------------------------------------
def test_another_division_gets_403_and_the_resolving_division_the_page(services, sign_in):
    one_stop = sign_in("one_stop")
    view = receive(services, channel=1, actor=one_stop.username)  # an X-ray licence: its division's, the demo one

    other = sign_in("specialist", "chuyenvien.kh", "Phòng Quản lý khoa học")
    for url in (f"/ho-so/{view.code}", f"/ho-so/{view.code}/so-do", f"/ho-so/{view.code}/mau/mau_01?dinh-dang=pdf"):
        response = other.get(url)
        assert response.status_code == 403, url
    assert "Bạn không được xem hồ sơ" in other.get(f"/ho-so/{view.code}").get_data(as_text=True)

    assert one_stop.get(f"/ho-so/{view.code}").status_code == 200  # the one-stop section sees every dossier
    assert sign_in("specialist").get(f"/ho-so/{view.code}").status_code == 200  # the resolving division's
    assert sign_in("division_head").get(f"/ho-so/{view.code}").status_code == 200
    assert sign_in("admin").get(f"/ho-so/{view.code}").status_code == 200
    assert sign_in("auditor").get("/ho-so/H15.50.05.13-260302-9999").status_code == 404


def test_forms_that_were_not_issued_or_do_not_exist(services, sign_in):
    view = receive(services, channel=1)
    auditor = sign_in("auditor")
    assert auditor.get(f"/ho-so/{view.code}/mau/mau_02?dinh-dang=pdf").status_code == 404
    assert auditor.get(f"/ho-so/{view.code}/mau/mau_09").status_code == 422
    assert auditor.get(f"/ho-so/{view.code}/mau/mau_01?dinh-dang=docx").status_code == 422


# --- withdrawal and stop --------------------------------------------------------------------------------------------
def test_withdrawal_needs_a_reason_and_sets_status_7(services, sign_in):
    one_stop = sign_in("one_stop")
    view = receive(services, channel=1, actor=one_stop.username)
    page = one_stop.get(f"/ho-so/{view.code}").get_data(as_text=True)
    assert f'action="/ho-so/{view.code}/rut"' in page and f'action="/ho-so/{view.code}/dung"' not in page

    refused = one_stop.post(f"/ho-so/{view.code}/rut", {"reason": "  "})
    assert refused.status_code == 422
    assert "Ghi lý do rút hồ sơ" in refused.get_data(as_text=True)
    assert services.dossiers.get(view.code).status == 4

    done = one_stop.post(f"/ho-so/{view.code}/rut", {"reason": "Công dân xin rút để bổ sung thiết bị"})
    assert done.status_code == 302 and done.headers["Location"] == f"/ho-so/{view.code}"
    assert services.dossiers.get(view.code).status == 7
    page = one_stop.get(f"/ho-so/{view.code}").get_data(as_text=True)
    assert "Rút hồ sơ: Công dân xin rút để bổ sung thiết bị" in page
    assert f'action="/ho-so/{view.code}/rut"' not in page  # closed: no more forms
    assert one_stop.post(f"/ho-so/{view.code}/rut", {"reason": "lại"}).status_code == 409


def test_the_director_stops_a_dossier_and_others_may_not(services, sign_in):
    view = receive(services, channel=1)
    drive_to(services, view.code, "ky_duyet")  # in the director's lane
    director = sign_in("director")
    assert sign_in("specialist").post(f"/ho-so/{view.code}/dung", {"reason": "x"}).status_code == 403

    assert director.post(f"/ho-so/{view.code}/dung", {"reason": ""}).status_code == 422
    response = director.post(f"/ho-so/{view.code}/dung", {"reason": "Cơ sở ngừng hoạt động"})
    assert response.status_code == 302
    assert services.dossiers.get(view.code).status == 8


# --- the list -------------------------------------------------------------------------------------------------------
def test_the_list_filters_by_status_procedure_and_reception_days(services, sign_in, clock):
    counter = receive(services, channel=1)  # Monday 2 March, status 4
    online = receive(services, channel=2)  # status 2 until its reception check
    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=VN_TZ))
    other = receive(services, channel=1, code=RESULTS)
    officer = sign_in("one_stop")

    def codes(query: str) -> list[str]:
        response = officer.get(f"/ho-so?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return re.findall(r'<a href="/ho-so/([^"?/]+)"><code>', response.get_data(as_text=True))

    assert codes("") == [other.code, online.code, counter.code]  # latest received first
    assert codes("status=2") == [online.code]
    assert codes(f"procedure={RESULTS}") == [other.code]
    assert codes("received_from=04/03/2026") == [other.code]
    assert codes("received_to=03/03/2026") == [online.code, counter.code]
    assert codes(f"status=4&procedure={X_RAY}&received_from=02/03/2026&received_to=02/03/2026") == [counter.code]

    bad = officer.get("/ho-so?received_from=31/02/2026")
    assert bad.status_code == 422
    assert "ngày &#39;31/02/2026&#39; không đọc được; ghi dạng dd/mm/yyyy" in bad.get_data(as_text=True)
    assert officer.get("/ho-so?status=11").status_code == 422


def test_the_list_pages(services, sign_in, monkeypatch):
    from web.views import dossiers as pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    received = [receive(services, channel=1).code for _ in range(3)]
    auditor = sign_in("auditor")
    first = auditor.get("/ho-so?status=4").get_data(as_text=True)
    assert received[2] in first and received[1] in first and received[0] not in first
    assert 'href="/ho-so?status=4&amp;page=2"' in first
    second = auditor.get("/ho-so?status=4&page=2").get_data(as_text=True)
    assert received[0] in second and received[2] not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_list_is_for_those_who_read_dossiers_of_their_own(services, sign_in):
    # (a division's officers see their division's dossiers only: tests/web/test_dossier_search.py)
    assert sign_in("clerk").get("/ho-so").status_code == 403
    assert sign_in("designer").get("/ho-so").status_code == 403
    for role in ("one_stop", "specialist", "division_head", "director", "auditor", "admin"):
        assert sign_in(role).get("/ho-so").status_code == 200, role


def test_the_pages_speak_english_when_asked(services, sign_in, clock):
    view = receive(services, channel=2)
    drive(services, clock, view.code, PLAN[:2])
    auditor = sign_in("auditor")
    auditor.post("/ngon-ngu/en", {"next": "/"})
    page = auditor.get(f"/ho-so/{view.code}").get_data(as_text=True)
    assert "Process diagram" in page and "Status 4 · In progress" in page
    assert "Completed step: Assign a specialist" in page and "Early" in page
    assert "Dossiers" in auditor.get("/ho-so").get_data(as_text=True)
