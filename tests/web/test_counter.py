"""The one-stop counter pages, driven through the test client against a real database: choosing a procedure,
receiving a dossier (preview, errors in place, scans, Mẫu 01), the queues, and recording the return (status 10)."""

import hashlib
import io
import re
from datetime import datetime

import pypdf
import pytest

from engine.domain.clock import VN_TZ
from tests.conftest import deploy_shipped
from tests.test_architecture import MAIN_PATH_DATA

X_RAY = "1.004454.000.00.00.H56"  # 11 working days; counter, online and postal; results by post
AGENCY = "H15.50.05.13"
APPLICANT = {
    "type": 2,
    "name": "Phòng khám Đa khoa Hồng Nhung",
    "id_number": "4800123456",
    "address": "Số 12 phố Kim Đồng, tỉnh Cao Bằng",
    "phone": "0912 345 678",
}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


def reception_form(services, code=X_RAY, **overrides) -> dict:
    """What an officer submits for a complete counter dossier: every required document ticked."""
    procedure = services.dossiers.catalogue.get(code)
    data = {
        "procedure": code,
        "action": "save",
        "channel": "1",
        "result_delivery": "counter",
        "applicant_type": str(APPLICANT["type"]),
        **{f"applicant_{key}": APPLICANT[key] for key in ("name", "id_number", "address", "phone")},
        "applicant_email": "",
    }
    for n, document in enumerate(procedure.documents, start=1):
        if document.required:
            data[f"doc_{n}_received"] = "1"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def receive(services, channel=1, code=X_RAY, actor="motcua1"):
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(code).documents if d.required]
    return services.reception.receive(code, APPLICANT, channel, "counter", documents, actor)


def open_task(services, code, name):
    found = [t for t in services.instances.tasks(code=code) if t.name == name]
    return found[0] if found else None


def drive_to(services, code, name, actor="tester", max_steps=20):
    """Complete the open tasks of dossier `code` along the main path until task `name` is open; return it."""
    for _ in range(max_steps):
        if (task := open_task(services, code, name)) is not None:
            return task
        [task, *_rest] = services.instances.tasks(code=code)
        services.instances.complete(task.task_id, MAIN_PATH_DATA.get(task.name, {}), actor)
    pytest.fail(f"{code} never reached {name}")


# --- choosing the procedure ---------------------------------------------------------------------------------------
def test_procedures_are_found_by_name_without_diacritics_or_by_code(services, sign_in):
    officer = sign_in("one_stop")
    page = officer.get("/mot-cua/tiep-nhan?q=giay phep x quang").get_data(as_text=True)
    assert "Cấp giấy phép tiến hành công việc bức xạ" in page
    assert f"/mot-cua/tiep-nhan?procedure={X_RAY}" in page
    assert "Đăng ký kết quả thực hiện nhiệm vụ" not in page

    assert "Cấp giấy phép tiến hành" in officer.get("/mot-cua/tiep-nhan?q=004454").get_data(as_text=True)
    assert "Không tìm thấy thủ tục nào" in officer.get("/mot-cua/tiep-nhan?q=khongcogi").get_data(as_text=True)

    unknown = officer.get("/mot-cua/tiep-nhan?procedure=9.999999.000.00.00.H56")
    assert unknown.status_code == 404
    assert "Không có thủ tục mã" in unknown.get_data(as_text=True)


def test_the_form_lists_the_checklist_and_shows_the_appointment_before_saving(services, sign_in):
    officer = sign_in("one_stop")
    response = officer.get(f"/mot-cua/tiep-nhan?procedure={X_RAY}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for number, document in enumerate(services.dossiers.catalogue.get(X_RAY).documents, start=1):
        assert document.name in page
        assert f'name="doc_{number}_received"' in page and f'name="doc_{number}_digitised"' in page
        assert f'name="doc_{number}_file"' in page
    assert "11 ngày làm việc" in page
    assert "02/03/2026 08:00" in page and "17/03/2026 08:00" in page  # clock start and appointment, not saved
    assert services.dossiers.list() == []


def test_only_one_stop_officers_receive(services, sign_in):
    specialist = sign_in("specialist")
    assert specialist.get("/mot-cua/tiep-nhan").status_code == 403
    assert specialist.get("/mot-cua").status_code == 403
    assert specialist.get(f"/mot-cua/hen-tra?procedure={X_RAY}&channel=1").status_code == 403


# --- the appointment preview ----------------------------------------------------------------------------------------
def test_preview_json_is_what_reception_would_store(services, sign_in, clock):
    officer = sign_in("one_stop")
    response = officer.get(f"/mot-cua/hen-tra?procedure={X_RAY}&channel=1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["clock_start_text"] == "02/03/2026 08:00" and body["appointment_text"] == "17/03/2026 08:00"
    assert datetime.fromisoformat(body["appointment"]) == datetime(2026, 3, 17, 8, 0, tzinfo=VN_TZ)
    assert body["time_limit"] == "11 ngày làm việc"

    # a postal dossier counts from the handover; a time without an offset is Vietnam time
    postal = officer.get(f"/mot-cua/hen-tra?procedure={X_RAY}&channel=3&handover_at=2026-02-27T10:00").get_json()
    expected = services.reception.preview_appointment(X_RAY, 3, datetime(2026, 2, 27, 10, 0, tzinfo=VN_TZ))
    assert datetime.fromisoformat(postal["appointment"]) == expected[1]

    missing = officer.get(f"/mot-cua/hen-tra?procedure={X_RAY}&channel=3")
    assert missing.status_code == 422
    assert "handover_at" in missing.get_json()["error"]["fields"]
    unreadable = officer.get(f"/mot-cua/hen-tra?procedure={X_RAY}&channel=3&handover_at=hom-qua")
    assert (
        unreadable.status_code == 422 and "02/03/2026 07:30" in unreadable.get_json()["error"]["fields"]["handover_at"]
    )
    unknown = officer.get("/mot-cua/hen-tra?procedure=x&channel=1")
    assert unknown.status_code == 422 and "procedure_code" in unknown.get_json()["error"]["fields"]
    assert services.dossiers.list() == []


def test_the_preview_button_works_without_javascript_and_saves_nothing(services, sign_in):
    officer = sign_in("one_stop")
    data = reception_form(services, action="preview", channel="3", handover_at="27/02/2026 10:00")
    response = officer.post("/mot-cua/tiep-nhan", data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    _, appointment = services.reception.preview_appointment(X_RAY, 3, datetime(2026, 2, 27, 10, 0, tzinfo=VN_TZ))
    assert appointment.strftime("%d/%m/%Y %H:%M") in page
    assert APPLICANT["address"] in page  # the input is kept
    assert services.dossiers.list() == []


# --- receiving ------------------------------------------------------------------------------------------------------
def test_a_received_dossier_goes_to_its_page_with_mau_01_to_print(services, sign_in):
    officer = sign_in("one_stop")
    response = officer.post("/mot-cua/tiep-nhan", reception_form(services, fee_paid="1"))
    assert response.status_code == 302, response.get_data(as_text=True)
    [dossier] = services.dossiers.list()
    assert response.headers["Location"] == f"/ho-so/{dossier.code}?tiep-nhan=1"
    assert dossier.received_by == officer.username and dossier.fee_paid and dossier.status == 4
    assert dossier.applicant["name"] == APPLICANT["name"] and dossier.channel == 1

    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "In giấy tiếp nhận" in page
    assert f"/ho-so/{dossier.code}/mau/receipt?dinh-dang=pdf" in page
    assert "17/03/2026 08:00" in page

    pdf = officer.get(f"/ho-so/{dossier.code}/mau/mau_01?dinh-dang=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    html = officer.get(f"/ho-so/{dossier.code}/mau/mau_01?dinh-dang=html").get_data(as_text=True)
    assert dossier.code in html and APPLICANT["name"] in html


def test_a_scan_is_stored_with_its_size_and_checksum(services, sign_in):
    officer = sign_in("one_stop")
    data = reception_form(services)
    data["doc_1_file"] = (io.BytesIO(PDF), "don-de-nghi.pdf", "application/pdf")
    response = officer.post("/mot-cua/tiep-nhan", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    [dossier] = services.dossiers.list()
    [stored] = services.files.files(dossier.code)
    first = services.dossiers.catalogue.get(X_RAY).documents[0].name
    assert (stored.document, stored.filename, stored.size) == (first, "don-de-nghi.pdf", len(PDF))
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert services.dossiers.get(dossier.code).documents[0]["digitised"] is True

    page = officer.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    assert stored.sha256 in page and "don-de-nghi.pdf" in page
    download = officer.get(f"/ho-so/{dossier.code}/tep/{stored.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-SHA256"] == stored.sha256


def test_errors_are_shown_in_place_with_the_input_kept_and_nothing_saved(services, sign_in):
    officer = sign_in("one_stop")
    data = reception_form(services, applicant_name="", applicant_phone="12ab", doc_2_received=None)
    response = officer.post("/mot-cua/tiep-nhan", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Chưa tiếp nhận được hồ sơ" in page
    assert "cần ghi họ tên người nộp hoặc tên tổ chức" in page
    assert "số điện thoại &#39;12ab&#39; không hợp lệ" in page
    assert "thiếu giấy tờ bắt buộc" in page and "Mẫu 02" in page
    assert f'value="{APPLICANT["address"]}"' in page and 'value="12ab"' in page
    ticked = dict(re.findall(r'name="doc_(\d+)_received" value="1" aria-label="[^"]*"\s*(checked)?', page))
    assert ticked["1"] == "checked" and ticked["2"] == ""  # as submitted
    assert services.dossiers.list() == []


def test_a_wrong_scan_refuses_the_whole_reception(services, sign_in):
    officer = sign_in("one_stop")
    data = reception_form(services, applicant_name="")
    data["doc_1_file"] = (io.BytesIO(b"plain text"), "ghi-chu.txt", "text/plain")
    response = officer.post("/mot-cua/tiep-nhan", data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "chỉ nhận tệp PDF, JPEG, PNG" in page
    assert "cần ghi họ tên người nộp" in page  # every problem at once
    assert services.dossiers.list() == []


def test_a_postal_dossier_needs_its_handover_time(services, sign_in):
    officer = sign_in("one_stop")
    missing = officer.post("/mot-cua/tiep-nhan", reception_form(services, channel="3"))
    assert missing.status_code == 422
    assert "biên bản giao nhận" in missing.get_data(as_text=True)
    assert services.dossiers.list() == []

    saved = officer.post("/mot-cua/tiep-nhan", reception_form(services, channel="3", handover_at="2026-02-27T10:00"))
    assert saved.status_code == 302
    [dossier] = services.dossiers.list()
    assert dossier.channel == 3 and dossier.received_at == datetime(2026, 2, 27, 10, 0, tzinfo=VN_TZ)


# --- the queues and the return --------------------------------------------------------------------------------------
def test_the_counter_lists_dossiers_waiting_for_reception_and_results_ready(services, sign_in):
    online = receive(services, channel=2)  # its reception check is a task of the one-stop section
    counter = receive(services, channel=1)
    check = open_task(services, online.code, "tiep_nhan")
    ready = drive_to(services, counter.code, "tra_ket_qua")

    officer = sign_in("one_stop")
    page = officer.get("/mot-cua").get_data(as_text=True)
    incoming, _, returns = page.partition('id="ready"')
    assert online.code in incoming and f"/viec/{check.task_id}" in incoming and counter.code not in incoming
    assert "chờ tiếp nhận (1)" in incoming and "Kết quả chờ trả (1)" in page
    assert counter.code in returns and f"/mot-cua/tra-ket-qua/{ready.task_id}" in returns
    assert "Ghi nhận đã trả kết quả" in returns and online.code not in returns


def test_recording_the_return_sets_status_10(services, sign_in):
    dossier = receive(services)
    task = drive_to(services, dossier.code, "tra_ket_qua")
    assert services.dossiers.get(dossier.code).status == 9
    officer = sign_in("one_stop")

    refused = officer.post(f"/mot-cua/tra-ket-qua/{task.task_id}", {"returned_to": " ", "note": "ủy quyền"})
    assert refused.status_code == 422
    assert "Ghi họ tên người nhận kết quả" in refused.get_data(as_text=True)
    assert services.dossiers.get(dossier.code).status == 9

    response = officer.post(
        f"/mot-cua/tra-ket-qua/{task.task_id}", {"returned_to": "Nguyễn Văn An", "note": "Giấy ủy quyền số 12"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/mot-cua"
    returned = services.dossiers.get(dossier.code)
    assert returned.status == 10 and returned.returned_at is not None
    completed = [e for e in services.instances.history(dossier.code) if e.tag == "dossier:task:completed"][-1]
    assert completed.actor == officer.username and completed.payload["data"]["returned_to"] == "Nguyễn Văn An"
    assert f"Đã ghi nhận trả kết quả hồ sơ {dossier.code}" in officer.get("/mot-cua").get_data(as_text=True)

    again = officer.post(f"/mot-cua/tra-ket-qua/{task.task_id}", {"returned_to": "Nguyễn Văn An"})
    assert again.status_code == 404  # no longer open


def test_only_the_return_step_is_recorded_from_the_counter(services, sign_in):
    online = receive(services, channel=2)
    check = open_task(services, online.code, "tiep_nhan")
    response = sign_in("one_stop").post(f"/mot-cua/tra-ket-qua/{check.task_id}", {"returned_to": "Ai đó"})
    assert response.status_code == 422
    assert open_task(services, online.code, "tiep_nhan") is not None


def test_the_counter_keeps_who_hands_the_dossier_in_for_a_company(services, sign_in):
    officer = sign_in("one_stop")
    response = officer.post("/mot-cua/tiep-nhan", reception_form(services, applicant_submitter="  Trần Văn Bình "))
    assert response.status_code == 302, response.get_data(as_text=True)
    [dossier] = services.dossiers.list()
    assert dossier.applicant["submitter"] == "Trần Văn Bình"

    page = officer.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    assert '<dd id="submitter">Trần Văn Bình</dd>' in page
    pdf = officer.get(f"/ho-so/{dossier.code}/mau/receipt?dinh-dang=pdf").data
    text = " ".join("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Người nộp hồ sơ: Trần Văn Bình" in text and "Liên 2: Giao người nộp hồ sơ" in text
