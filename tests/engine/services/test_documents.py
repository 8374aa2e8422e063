"""Forms, register and late report built from a stored X-ray dossier driven through its BPMN with a moving clock."""

import csv
import io
from datetime import date, datetime

import pypdf
import pytest

from engine.domain.clock import VN_TZ
from engine.domain.errors import NotFound, ValidationError
from tests.conftest import deploy_shipped
from tests.test_architecture import MAIN_PATH_DATA

AGENCY = "H15.50.05.13"
X_RAY = "1.004454.000.00.00.H56"  # 11 working days
APPLICANT = {
    "type": 2,
    "name": "Phòng khám Đa khoa Hồng Nhung",
    "id_number": "4800123456",
    "address": "Số 12 phố Kim Đồng, tỉnh Cao Bằng",
    "phone": "0912 345 678",
}
# (task, actor, when it is completed): phan_cong just in time, tham_dinh (6 working days from Monday 2 March 14:00,
# due Tuesday 10 March 14:00) a week late and past the dossier's appointment (Tuesday 17 March 08:00).
PLAN = [
    ("tiep_nhan", "motcua1", datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)),  # due 13:30: most of 0.5 day left -> early
    ("phan_cong", "ldphong", datetime(2026, 3, 2, 14, 0, tzinfo=VN_TZ)),  # due 14:30 -> on time
    ("tham_dinh", "chuyenvien", datetime(2026, 3, 18, 9, 0, tzinfo=VN_TZ)),  # due 10/3 14:00 -> late
    ("xem_xet", "ldphong", datetime(2026, 3, 18, 10, 0, tzinfo=VN_TZ)),  # due 19/3 09:00 -> early
    ("ky_duyet", "giamdoc", datetime(2026, 3, 18, 11, 0, tzinfo=VN_TZ)),
    ("ban_hanh", "vanthu", datetime(2026, 3, 18, 14, 0, tzinfo=VN_TZ)),
    ("tra_ket_qua", "motcua1", datetime(2026, 3, 18, 15, 0, tzinfo=VN_TZ)),
]


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY, "agency_parent": "UBND TỈNH CAO BẰNG", "agency_place": "Cao Bằng"}


@pytest.fixture
def services(services):
    deploy_shipped(services)
    services.accounts.create("chuyenvien", "Lã Thị Thu Hà", "specialist", "Phòng Quản lý chuyên ngành", "matkhau-123")
    services.accounts.create("motcua1", "Hoàng Văn Thắng", "one_stop", "Bộ phận Một cửa", "matkhau-123")
    # ldphong has no account: the forms leave its lines blank rather than print a username
    return services


def receive(services, channel=2):
    """An online dossier by default: its reception check is a step of the workflow (PLAN starts with it); a counter
    dossier (channel 1) was checked before it was registered and gets its Mẫu 01 at once."""
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(X_RAY).documents if d.required]
    return services.reception.receive(X_RAY, APPLICANT, channel, "counter", documents, "motcua1")


def complete(services, code, name, actor):
    [task] = [t for t in services.instances.tasks(code=code) if t.name == name]
    services.instances.complete(task.task_id, MAIN_PATH_DATA.get(name, {}), actor)
    return task


def drive(services, clock, code, plan=PLAN):
    done = []
    for name, actor, when in plan:
        clock.set(when)
        done.append(complete(services, code, name, actor))
    return done


def test_mau_01_is_the_receipt_with_code_applicant_documents_and_appointment(services):
    view = receive(services, channel=1)  # the counter dossier's receipt is issued as it is registered
    context = services.documents.form_context(view.code, "receipt")
    assert context["appointment"] == view.appointment == datetime(2026, 3, 17, 8, 0, tzinfo=VN_TZ)
    assert context["time_limit"] == "11 ngày làm việc"
    assert context["register"] == {"book": "2026", "number": "0001"}
    assert context["officer"] == "Hoàng Văn Thắng" and context["delivery"] == "counter"  # the full name
    assert context["agency"]["parent"] == "UBND TỈNH CAO BẰNG" and context["place"] == "Cao Bằng"
    catalogue = {d.name: d for d in services.dossiers.catalogue.get(X_RAY).documents if d.required}
    assert [(d["name"], d["originals"], d["copies"]) for d in context["documents"]] == [
        (d.name, d.originals, d.copies) for d in catalogue.values()
    ]

    html, name = services.documents.render(view.code, "mau_01")
    assert name == f"{view.code}_mau_01.html"
    assert view.code in html and APPLICANT["name"] in html and "17/03/2026" in html
    assert "Số thứ tự: 0001" in html


def test_mau_05_has_one_handover_per_completed_step_judged_against_its_deadline(services, clock):
    view = receive(services)
    tasks = drive(services, clock, view.code, PLAN[:4])  # xem_xet done; ky_duyet open

    handovers = services.documents.form_context(view.code, "control_slip")["handovers"]
    assert [h["result"] for h in handovers] == ["early", "on_time", "late", "early"]
    assert [h["at"] for h in handovers] == [when for _, _, when in PLAN[:4]]
    assert [h["from_unit"] for h in handovers] == [t.lane for t in tasks]
    assert [h["to_unit"] for h in handovers] == [t.lane for t in tasks[1:]] + ["Lãnh đạo Sở"]
    assert [h["giver"] for h in handovers] == ["Hoàng Văn Thắng", "", "Lã Thị Thu Hà", ""]
    assert [h["receiver"] for h in handovers] == ["", "Lã Thị Thu Hà", "", ""]  # ký duyệt is open
    html, _ = services.documents.render(view.code, "control_slip")
    assert "Quá hạn" in html and "Trước hạn" in html and "Đúng hạn" in html


def test_a_counter_dossier_s_mau_05_begins_with_the_one_stop_handover_at_reception(services, clock):
    view = receive(services, channel=1)  # no reception step: checked at the counter before it was registered
    drive(services, clock, view.code, PLAN[1:3])

    handovers = services.documents.form_context(view.code, "control_slip")["handovers"]
    first = handovers[0]
    assert (first["from_unit"], first["to_unit"], first["at"]) == (
        "Bộ phận Một cửa",
        "Lãnh đạo phòng",
        view.received_at,
    )
    assert (first["giver"], first["receiver"], first["result"]) == ("Hoàng Văn Thắng", "", "on_time")
    assert [h["from_unit"] for h in handovers[1:]] == ["Lãnh đạo phòng", "Chuyên viên thụ lý"]
    # An online dossier's reception is a step of its own: no extra row.
    online = receive(services)
    drive(services, clock, online.code, PLAN[:1])
    rows = services.documents.form_context(online.code, "control_slip")["handovers"]
    assert len(rows) == 1 and (rows[0]["from_unit"], rows[0]["giver"]) == ("Bộ phận Một cửa", "Hoàng Văn Thắng")


def test_the_last_handover_returns_the_result_to_the_applicant(services, clock):
    view = receive(services)
    drive(services, clock, view.code)
    last = services.documents.form_context(view.code, "control_slip")["handovers"][-1]
    assert (last["from_unit"], last["to_unit"], last["receiver"]) == (
        "Bộ phận Một cửa",
        "Tổ chức, cá nhân",
        APPLICANT["name"],
    )


def test_forms_render_to_pdf(services, clock):
    view = receive(services)
    drive(services, clock, view.code, PLAN[:3])
    for form, template in (("mau_01", "mau_01"), ("control_slip", "mau_06")):  # the 2025 set numbers it 06
        pdf, name = services.documents.render(view.code, form, "pdf")
        assert name == f"{view.code}_{template}.pdf" and pdf.startswith(b"%PDF")
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert view.code in text
    register = services.registers.register_pdf(date(2026, 3, 1), date(2026, 3, 31))
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(register)).pages)
    assert view.code in "".join(text.split())  # the code wraps in its narrow column


def test_letters_without_their_event_and_unknown_forms_are_refused_in_vietnamese(services):
    view = receive(services, channel=1)
    with pytest.raises(NotFound, match="chưa có Văn bản xin lỗi"):
        services.documents.form_context(view.code, "apology")
    with pytest.raises(ValidationError, match="không có biểu mẫu 'mau_09'"):
        services.documents.form_context(view.code, "mau_09")
    with pytest.raises(NotFound, match="không có hồ sơ"):
        services.documents.form_context("H15.50.05.13-260302-9999", "mau_01")
    with pytest.raises(ValidationError, match="html hoặc pdf"):
        services.documents.render(view.code, "mau_01", "docx")


def test_the_register_lists_the_dossier_on_its_reception_day_only(services, clock):
    view = receive(services)
    drive(services, clock, view.code)

    [row] = services.registers.register(date(2026, 3, 2), date(2026, 3, 2))
    assert row["code"] == view.code and row["resolving_unit"] == "Phòng Quản lý chuyên ngành"
    assert row["transferred_at"] == PLAN[0][2]  # assigned in the division once the one-stop section passed it on
    assert row["returned_at"] == PLAN[-1][2]
    lines = list(csv.reader(io.StringIO(services.registers.register_csv(date(2026, 3, 1), date(2026, 3, 2)))))
    assert lines[0][:2] == ["\ufeffSTT", "Mã hồ sơ"]
    assert [line[1] for line in lines[1:]] == [view.code]
    assert lines[1][6] == "02/03/2026 08:00" and lines[1][10] == "18/03/2026 15:00"
    assert services.registers.register(date(2026, 3, 3), date(2026, 3, 31)) == []
    assert services.registers.register(date(2026, 3, 1), date(2026, 3, 1)) == []
    with pytest.raises(ValidationError, match="khoảng ngày sai"):
        services.registers.register(date(2026, 3, 5), date(2026, 3, 1))


def test_the_late_report_names_the_late_step_its_officer_and_lane(services, clock):
    late = receive(services)
    clock.set(datetime(2026, 3, 2, 8, 30, tzinfo=VN_TZ))
    on_time = receive(services)
    drive(services, clock, late.code)
    clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=VN_TZ))  # the on-time one is still open, past its appointment

    report = {line.code: line for line in services.registers.late_report(2026, 3)}
    assert set(report) == {late.code, on_time.code}
    line = report[late.code]
    assert line.state == "ended_late" and line.due == late.appointment
    assert [s.name for s in line.steps] == ["tham_dinh"]
    assert line.officers == ("Lã Thị Thu Hà",) and line.divisions == ("Chuyên viên thụ lý",)
    assert line.overdue_hours == 12.5  # office hours from 17/3 08:00 to the result on 18/3 14:00
    still_open = report[on_time.code]
    assert still_open.state == "open_late" and still_open.processing_end_at is None
    assert [s.name for s in still_open.steps] == ["tiep_nhan"]  # nobody took it: no officer
    assert still_open.officers == ()

    lines = list(csv.reader(io.StringIO(services.registers.late_report_csv(2026, 3))))
    assert [line[1] for line in lines[1:]] == [late.code, on_time.code]
    assert lines[1][8:12] == ["Đã giải quyết quá hạn", "12.5", "Thẩm định hồ sơ, dự thảo giấy phép", "Lã Thị Thu Hà"]
    assert services.registers.late_report(2026, 2) == []
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        services.registers.late_report(2026, 5)
    with pytest.raises(ValidationError, match="tháng '13'"):
        services.registers.late_report(2026, 13)


def test_a_company_s_representative_is_kept_as_the_submitter_and_printed_on_the_receipt(services):
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(X_RAY).documents if d.required]
    applicant = {**APPLICANT, "submitter": "  Trần   Văn Bình "}
    view = services.reception.receive(X_RAY, applicant, 1, "counter", documents, "motcua1")

    assert view.applicant["submitter"] == "Trần Văn Bình"
    receipt = services.documents.form_context(view.code, "receipt")
    assert receipt["applicant"]["submitter"] == "Trần Văn Bình" and receipt["applicant"]["type"] == 2
    text = "".join(
        p.extract_text()
        for p in pypdf.PdfReader(io.BytesIO(services.documents.render(view.code, "receipt", "pdf")[0])).pages
    )
    assert "Người nộp hồ sơ: Trần Văn Bình" in " ".join(text.split())

    with pytest.raises(ValidationError) as refused:
        services.reception.receive(X_RAY, {**APPLICANT, "submitter": "x" * 201}, 1, "counter", documents, "motcua1")
    assert "applicant.submitter" in refused.value.fields
