"""The task list (/viec) and task pages through real requests, SQLite and PostgreSQL: the two lists, filters, sorting,
paging, deadline colours, claim / release, completing with the form (valid, invalid: 422 with the messages in
place and nothing changed), another role's task (403), someone else's claim (409), the apology page."""

import re

import pytest

from tests.conftest import deploy_shipped
from tests.engine.services.test_task_forms import APPLICANT, PDF, X_RAY, open_task, to_apology, vn
from tests.web.conftest import ensure_account

HOP_QUY = "1.000047.000.00.00.H56"  # 5 working days


@pytest.fixture
def app_config():
    # The officers here keep working through a whole day of the fake clock: sessions long enough for that.
    return {"agency_code": "H15.50.05.13", "session_idle_minutes": 24 * 60, "session_hours": 24}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


def receive(services, channel=2, procedure=X_RAY, name=None) -> str:
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(procedure).documents if d.required]
    applicant = {**APPLICANT, "name": name or APPLICANT["name"]}
    return services.reception.receive(procedure, applicant, channel, "counter", documents, "motcua1").code


def assign(services, code: str) -> None:
    """The division head assigns the appraisal to the demo specialist (chuyenvien, Trần Văn Minh)."""
    ensure_account(services, "specialist")
    task_id = open_task(services, code, "phan_cong").task_id
    services.task_forms.complete(task_id, {"specialist": "chuyenvien"}, "truongphong")


def text(response) -> str:
    return response.get_data(as_text=True)


def rows(response) -> list[str]:
    """The dossier codes of the list's rows, in order."""
    return re.findall(r'<tr class="task-row[^"]*" data-task="[^"]+">\s*<td class="procedure">[^<]*</td>\s*<td>'
                      r'(?:<a [^>]*>)?<code>([^<]+)</code>', text(response))  # fmt: skip


# --- the lists ------------------------------------------------------------------------------------------------------
def test_the_role_list_shows_the_tasks_of_my_lanes_with_what_an_officer_needs(services, sign_in):
    code = receive(services)
    officer = sign_in("one_stop")
    page = officer.get("/viec")
    assert page.status_code == 200
    body = text(page)
    assert rows(page) == [code]
    assert "Tiếp nhận, kiểm tra hồ sơ" in body and APPLICANT["name"] in body
    assert "Cấp giấy phép tiến hành công việc bức xạ" in body
    assert "17/03/2026 08:00" in body  # the dossier's appointment
    assert "Tổng số việc: <strong>1</strong>" in body
    assert rows(sign_in("specialist").get("/viec")) == []  # not a specialist's lane
    assert rows(officer.get("/viec?scope=mine")) == []  # nobody claimed it yet


def test_claim_and_release_move_the_task_between_the_lists(services, sign_in):
    code = receive(services)
    task = open_task(services, code, "tiep_nhan")
    officer = sign_in("one_stop")

    claimed = officer.post(f"/viec/{task.task_id}/nhan", {"next": "/viec?scope=mine"})
    assert claimed.status_code == 302 and claimed.headers["Location"].endswith("/viec?scope=mine")
    assert services.task_list.get(task.task_id).assignee == officer.username
    mine = officer.get("/viec?scope=mine")
    assert rows(mine) == [code] and "Đã nhận việc" in text(mine)

    released = officer.post(f"/viec/{task.task_id}/tra-lai", {"next": "/\\evil.example"})  # a browser: //evil.example
    assert released.status_code == 302 and released.headers["Location"].endswith(f"/viec/{task.task_id}")
    assert services.task_list.get(task.task_id).assignee is None
    assert rows(officer.get("/viec?scope=mine")) == []


def test_filters_sort_and_pages(services, sign_in, clock):
    codes = [receive(services, name=f"Người nộp {i:02d}") for i in range(26)]
    clock.advance(minutes=5)
    other = receive(services, procedure=HOP_QUY)
    officer = sign_in("one_stop")

    first = officer.get("/viec")
    assert "Tổng số việc: <strong>27</strong>" in text(first) and "trang 1/2" in text(first)
    assert len(rows(first)) == 25
    second = officer.get("/viec?page=2")
    assert len(rows(second)) == 2 and 'rel="prev"' in text(second)

    by_procedure = officer.get(f"/viec?procedure={HOP_QUY}")
    assert rows(by_procedure) == [other]
    newest_first = officer.get("/viec?sort=ready_at&desc=1")
    assert rows(newest_first)[0] == other
    by_code = officer.get("/viec?sort=code")
    assert rows(by_code) == sorted([*codes, other])[:25]
    assert rows(officer.get("/viec?status=4")) == []  # all are at the reception check (status 2)
    assert len(rows(officer.get("/viec?status=2"))) == 25


def test_a_filter_that_cannot_be_read_says_so(services, sign_in):
    receive(services)
    page = sign_in("one_stop").get("/viec?status=11&deadline=never&sort=name")
    assert page.status_code == 422
    body = text(page)
    assert "Trạng thái &#39;11&#39; không có" in body and "Hạn xử lý &#39;never&#39; không có" in body
    assert "Không sắp xếp được theo &#39;name&#39;" in body


def test_deadline_colours_follow_the_clock(services, sign_in, clock):
    online = receive(services)  # its reception check: half a working day, due Monday 13:30
    counter = receive(services, channel=1)  # from assignment to appraisal (6 working days)
    assign(services, counter)
    one_stop, specialist = sign_in("one_stop"), sign_in("specialist")

    clock.set(vn(2026, 3, 2, 10, 0))
    assert 'class="deadline-soon"' in text(one_stop.get("/viec"))  # due within 4 working hours
    assert 'class="deadline-in_time"' in text(specialist.get("/viec"))
    assert rows(one_stop.get("/viec?deadline=soon")) == [online]
    assert rows(one_stop.get("/viec?deadline=overdue")) == []

    clock.set(vn(2026, 3, 2, 14, 0))  # past 13:30: half a working day from 08:00, lunch excluded
    assert 'class="deadline-overdue"' in text(one_stop.get("/viec"))
    assert rows(one_stop.get("/viec?deadline=overdue")) == [online]
    assert rows(specialist.get("/viec?deadline=in_time")) == [counter]


# --- the task page --------------------------------------------------------------------------------------------------
def test_the_task_page_shows_the_dossier_and_the_form(services, sign_in):
    code = receive(services)
    task = open_task(services, code, "tiep_nhan")
    page = sign_in("one_stop").get(f"/viec/{task.task_id}")
    assert page.status_code == 200
    body = text(page)
    assert code in body and APPLICANT["name"] in body and "Được tiếp nhận" in body
    for value in ("accept", "supplement", "refuse"):
        assert f'name="reception_result" value="{value}"' in body
    assert 'name="missing_items.0.item"' in body and 'name="refusal_reasons"' in body
    assert 'enctype="multipart/form-data"' in body and 'name="csrf_token"' in body


def test_completing_with_valid_data_moves_the_dossier_on(services, sign_in):
    code = receive(services)
    task = open_task(services, code, "tiep_nhan")
    officer = sign_in("one_stop")
    done = officer.post(f"/viec/{task.task_id}", {"reception_result": "accept", "missing_items.0.item": ""})
    assert done.status_code == 302 and done.headers["Location"].endswith("/viec")
    assert "Đã hoàn thành việc “Tiếp nhận, kiểm tra hồ sơ”" in text(officer.get("/viec"))
    assert [t.name for t in services.instances.tasks(code=code)] == ["phan_cong"]


def test_invalid_data_is_422_with_the_messages_in_place_and_what_was_typed_kept(services, sign_in):
    code = receive(services)
    task = open_task(services, code, "tiep_nhan")
    before = services.instances.history(code)
    sent = {"reception_result": "supplement", "missing_items.0.item": "", "missing_items.0.reason": "đã hết hạn"}
    page = sign_in("one_stop").post(f"/viec/{task.task_id}", sent)
    assert page.status_code == 422
    body = text(page)
    assert "Biểu mẫu chưa hợp lệ" in body
    assert 'id="missing_items.0.item-error">chưa nhập; trường này bắt buộc</span>' in body  # next to its cell
    assert 'name="reception_result" value="supplement" checked' in body
    assert 'name="missing_items.0.reason" id="missing_items.0.reason" value="đã hết hạn"' in body

    blank = sign_in("one_stop").post(f"/viec/{task.task_id}", {"reception_result": "supplement"})
    assert blank.status_code == 422
    assert re.search(r'data-field="missing_items">.*ghi ít nhất một giấy tờ cần bổ sung', text(blank), re.S)
    assert services.instances.history(code) == before


def test_a_value_that_cannot_be_read_is_named_next_to_its_field(services, sign_in, clock):
    code = receive(services, channel=1)
    task = to_apology(services, clock, code)
    sent = {"needed": "true", "delay_reason": "Chờ kết quả kiểm xạ", "new_appointment": "ngày mai"}
    page = sign_in("specialist").post(f"/viec/{task.task_id}", sent)
    assert page.status_code == 422
    assert re.search(r'data-field="new_appointment">.*không phải ngày giờ', text(page), re.S)
    assert 'value="ngày mai"' in text(page)


def test_a_file_chosen_in_the_form_is_stored_with_the_dossier(services, sign_in):
    import io

    code = receive(services, channel=1)
    assign(services, code)
    task = open_task(services, code, "tham_dinh")
    sent = {"appraisal_result": "approve", "opinion": "Đạt", "attachment": (io.BytesIO(PDF), "du_thao.pdf")}
    done = sign_in("specialist").post(f"/viec/{task.task_id}", sent, content_type="multipart/form-data")
    assert done.status_code == 302
    [stored] = services.files.files(code)
    assert stored.filename == "du_thao.pdf" and stored.media_type == "application/pdf"


def test_another_roles_task_is_forbidden(services, sign_in):
    task = open_task(services, receive(services), "tiep_nhan")
    specialist = sign_in("specialist")
    assert specialist.get(f"/viec/{task.task_id}").status_code == 403
    assert specialist.post(f"/viec/{task.task_id}", {"reception_result": "accept"}).status_code == 403
    assert specialist.post(f"/viec/{task.task_id}/nhan").status_code == 403
    assert services.task_list.get(task.task_id).assignee is None
    assert sign_in("auditor").get("/viec").status_code == 403  # not an officer: no task list


def test_a_task_claimed_by_someone_else_cannot_be_completed(services, sign_in):
    code = receive(services)
    task = open_task(services, code, "tiep_nhan")
    ensure_account(services, "one_stop", "motcua2")
    services.instances.claim(task.task_id, "motcua2")
    officer = sign_in("one_stop")
    assert "đang do motcua2 nhận xử lý" in text(officer.get(f"/viec/{task.task_id}"))
    page = officer.post(f"/viec/{task.task_id}", {"reception_result": "accept"})
    assert page.status_code == 409
    assert "đang do motcua2 nhận xử lý" in text(page) and "Không có gì thay đổi" in text(page)
    taken = officer.post(f"/viec/{task.task_id}/nhan")
    assert taken.status_code == 409 and "đã do motcua2 nhận trước" in text(taken)
    assert officer.post(f"/viec/{task.task_id}/tra-lai").status_code == 409
    assert open_task(services, code, "tiep_nhan").assignee == "motcua2"


def test_signed_out_visitors_go_to_the_sign_in_page(app):
    response = app.test_client().get("/viec")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


# --- the apology letter ---------------------------------------------------------------------------------------------
def test_the_apology_page_checks_the_new_date_against_the_calendar_and_previews_the_letter(services, sign_in, clock):
    code = receive(services, channel=1)
    task = to_apology(services, clock, code)
    specialist = sign_in("specialist")

    page = specialist.get(f"/viec/{task.task_id}")
    body = text(page)
    assert 'name="delay_reason"' in body and 'type="datetime-local" name="new_appointment"' in body
    assert 'min="2026-03-17T08:00"' in body and 'id="letter-preview"' in body
    assert 'name="needed" value="true" checked' in body

    saturday = {"needed": "true", "delay_reason": "Chờ kết quả kiểm xạ", "new_appointment": "2026-03-21T08:00"}
    refused = specialist.post(f"/viec/{task.task_id}", saturday)
    assert refused.status_code == 422
    assert "ngày 21/03/2026 là ngày nghỉ" in text(refused) and 'value="2026-03-21T08:00"' in text(refused)
    earlier = specialist.post(f"/viec/{task.task_id}", {**saturday, "new_appointment": "2026-03-16T08:00"})
    assert earlier.status_code == 422 and "phải sau ngày hẹn hiện tại 08:00 17/03/2026" in text(earlier)

    preview = specialist.get(
        f"/viec/{task.task_id}/xem-truoc",
        query_string={"delay_reason": "Chờ kết quả kiểm xạ", "new_appointment": "2026-03-20T08:00"},
    )
    assert preview.status_code == 200 and preview.mimetype == "text/html"
    assert "Chờ kết quả kiểm xạ" in text(preview) and "20/03/2026" in text(preview) and code in text(preview)
    assert services.dossiers.get(code).extension_count == 0  # a preview changes nothing

    done = specialist.post(f"/viec/{task.task_id}", {**saturday, "new_appointment": "2026-03-20T08:00"})
    assert done.status_code == 302
    assert open_task(services, code, "duyet_phieu_xin_loi").lane == "Lãnh đạo Sở"
    assert sign_in("one_stop").get(f"/viec/{task.task_id}/xem-truoc").status_code in (403, 404)


def test_the_list_speaks_english_when_chosen(services, sign_in):
    receive(services)
    officer = sign_in("one_stop")
    officer.post("/ngon-ngu/en", {"next": "/viec"})
    body = text(officer.get("/viec"))
    assert "My role&#39;s tasks" in body and "Step deadline" in body and "Claim" in body


def test_a_step_sent_back_shows_why_to_the_officer_who_redoes_it(services, sign_in):
    code = receive(services, channel=1)
    ensure_account(services, "division_head")  # truongphong, Lê Thị Hoa
    forms = services.task_forms
    assign(services, code)
    first = open_task(services, code, "tham_dinh")
    specialist = sign_in("specialist")
    assert "Trả lại từ bước" not in text(specialist.get(f"/viec/{first.task_id}"))
    forms.complete(first.task_id, {"appraisal_result": "approve", "opinion": "Đủ điều kiện"}, "chuyenvien")
    review = open_task(services, code, "xem_xet")
    forms.complete(review.task_id, {"approved": False, "comment": "Thiếu kết quả kiểm định lại"}, "truongphong")

    again = open_task(services, code, "tham_dinh")
    assert again.task_id != first.task_id
    page = text(specialist.get(f"/viec/{again.task_id}"))
    assert "Trả lại từ bước “Xem xét, trình ký” (Lê Thị Hoa, 02/03/2026 08:00)" in page
    assert "Thiếu kết quả kiểm định lại" in page
