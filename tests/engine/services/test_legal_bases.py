"""The legal basis in force at reception chooses a dossier's form set for life: a dossier received on 30/6/2025 prints
Thông tư 01/2018's forms, one received from 01/7/2025 those of Thông tư 03/2025, for every form of a dossier, read
back from the PDF. Dossiers are driven through the shipped procedures on SQLite and PostgreSQL."""

import copy
import io
import re
from datetime import datetime, timedelta

import pypdf
import pytest
import yaml

from engine.domain.clock import VN_TZ, FakeClock
from engine.domain.errors import ValidationError
from engine.domain.legal_basis_data import SHIPPED_LEGAL_DIR, load_legal_bases
from tests.conftest import deploy_shipped
from tests.test_architecture import MAIN_PATH_DATA

AGENCY = "H15.50.05.13"
X_RAY = "1.004454.000.00.00.H56"
APPLICANT = {
    "type": 1,
    "name": "Nguyễn Thị Hồng Nhung",
    "id_number": "004190001234",
    "address": "Số 12 phố Kim Đồng, tỉnh Cao Bằng",
    "phone": "0912 345 678",
}
BEFORE = datetime(2025, 6, 30, 10, 0, tzinfo=VN_TZ)  # Monday, the last day of Nghị định 61/2018
FROM = datetime(2025, 7, 1, 8, 0, tzinfo=VN_TZ)  # Tuesday, the first day of Nghị định 118/2025
LATER = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)

# (reception, legal basis, form set, {meaning: what the PDF shows for it: form number line and title words})
CASES = [
    (
        BEFORE,
        "nd61-2018",
        "tt01-2018",
        {
            "receipt": ("Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ"),
            "supplement_request": ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG"),
            "reception_refusal": ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN"),
            "apology": ("Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI"),
            "control_slip": ("Mẫu số 05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH"),
            "stop_notice": (None, "DỪNG GIẢI QUYẾT HỒ SƠ"),
            "appraisal_refusal": (None, "TỪ CHỐI GIẢI QUYẾT HỒ SƠ"),
        },
    ),
    (
        FROM,
        "nd118-2025",
        "tt03-2025",
        {
            "receipt": ("Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ"),
            "supplement_request": ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG"),
            "reception_refusal": ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN"),
            "apology": ("Mẫu số 04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN"),
            "stop_notice": ("Mẫu số 05", "DỪNG GIẢI QUYẾT HỒ SƠ"),
            "control_slip": ("Mẫu số 06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH"),
            "appraisal_refusal": (None, "TỪ CHỐI GIẢI QUYẾT HỒ SƠ"),
        },
    ),
]
ROWS = [
    (at, basis, form_set, meaning, shown) for at, basis, form_set, forms in CASES for meaning, shown in forms.items()
]
REASON = "Hồ sơ đề nghị dừng theo văn bản của cơ quan có thẩm quyền"


@pytest.fixture
def clock():
    return FakeClock(datetime(2025, 6, 27, 8, 0, tzinfo=VN_TZ))  # Friday before the change


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY, "agency_parent": "UBND TỈNH CAO BẰNG", "agency_place": "Cao Bằng"}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


def receive(services, channel: int = 1):
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(X_RAY).documents if d.required]
    return services.reception.receive(X_RAY, APPLICANT, channel, "counter", documents, "motcua1")


def complete(services, code: str, name: str, data: dict | None = None) -> None:
    [task] = [t for t in services.instances.tasks(code=code) if t.name == name]
    services.instances.complete(task.task_id, MAIN_PATH_DATA.get(name, {}) if data is None else data, "canbo")


def bring_about(services, clock, meaning: str) -> str:
    """A dossier received now, driven to where the form `meaning` exists; returns its code."""
    if meaning in ("supplement_request", "reception_refusal"):  # the reception check of an online dossier
        code = receive(services, channel=2).code
        data = {
            "supplement_request": {
                "reception_result": "supplement",
                "missing_items": [{"item": "Bản sao giấy phép đăng ký kinh doanh", "reason": "chưa nộp"}],
                "refusal_reasons": [],
            },
            "reception_refusal": {
                "reception_result": "refuse",
                "missing_items": [],
                "refusal_reasons": ["Thủ tục không thuộc thẩm quyền giải quyết của Sở"],
            },
        }[meaning]
        complete(services, code, "tiep_nhan", data)
        return code
    code = receive(services).code
    if meaning == "stop_notice":
        services.dossiers.stop(code, REASON, "lanhdao")
    elif meaning == "appraisal_refusal":
        complete(services, code, "phan_cong")
        complete(services, code, "tham_dinh", {"appraisal_result": "refuse", "opinion": "Thiết bị chưa được kiểm định"})
    elif meaning == "apology":
        complete(services, code, "phan_cong")
        appointment = services.dossiers.get(code).appointment
        clock.set(services.calendars.current().add(appointment, 1, "wd", before=True) + timedelta(hours=1))
        assert services.timers.run_pass("t", 100).fired == 1
        complete(services, code, "lap_phieu_xin_loi")
        complete(services, code, "duyet_phieu_xin_loi")
    return code


def pdf_text(pdf: bytes) -> str:
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(
    "received, basis, form_set, meaning, shown", ROWS, ids=[f"{r[0]:%d-%m-%Y}-{r[3]}" for r in ROWS]
)
def test_the_form_set_follows_the_day_of_reception_for_every_form(
    services, clock, received, basis, form_set, meaning, shown
):
    clock.set(received)
    code = bring_about(services, clock, meaning)
    assert services.dossiers.get(code).legal_basis == basis

    pdf, name = services.documents.render(code, meaning, "pdf")

    form = services.documents.form_of(code, meaning)
    assert name == f"{code}_{form.template}.pdf"
    text = pdf_text(pdf)
    number, title = shown
    assert title in text, text[:400]
    if number:
        assert number in text[:60], text[:80]  # the form number heads the page (under the receipt's copy line)
    else:
        assert "Mẫu số" not in text  # a letter without a form number in this set
    assert APPLICANT["name"] in text and "UBND TỈNH CAO BẰNG" in text and "Cao Bằng, ngày" in text
    assert code in text.replace(" ", "") or meaning in ("supplement_request", "reception_refusal")


def test_a_dossier_received_before_the_change_keeps_its_forms_after_it(services, clock):
    clock.set(BEFORE)
    code = receive(services).code
    clock.set(LATER)  # long after Nghị định 118/2025 took effect
    services.dossiers.stop(code, REASON, "lanhdao")

    assert services.dossiers.get(code).legal_basis == "nd61-2018"
    assert services.documents.form_of(code, "stop_notice").number is None  # TT 01/2018 has no stop notice form
    assert services.documents.form_of(code, "mau_05").meaning == "control_slip"  # its Mẫu 05 is still the slip
    assert "PHIẾU KIỂM SOÁT" in pdf_text(services.documents.render(code, "mau_05", "pdf")[0])
    later = receive(services).code
    assert services.documents.form_of(later, "mau_05").meaning == "stop_notice"  # the same number, the 2025 set


def test_a_dossier_shows_its_legal_basis_name(services, clock):
    clock.set(FROM)
    view = receive(services)
    assert view.legal_basis == "nd118-2025"
    assert view.legal_basis_name.startswith("Nghị định 118/2025/NĐ-CP")


def test_the_apology_timer_follows_the_rule_of_the_dossier_s_legal_basis(services, clock):
    clock.set(FROM)
    view = receive(services)
    [started] = [e for e in services.instances.history(view.code) if e.tag == "instance:started"]
    data = started.payload["data"]  # the start data of its workflow
    rule = services.dossiers.legal.get("nd118-2025").rules["apology_notice_working_days"]
    assert (data["legal_basis"], data["apology_notice_days"]) == ("nd118-2025", rule.value)
    [(name, due, state)] = [t for t in services.instances.timers(view.code) if t[0] == "nhac_xin_loi"]
    assert due == services.calendars.current().add(view.appointment, rule.value, "wd", before=True)


def test_a_channel_the_legal_basis_does_not_have_is_refused_and_nothing_is_written(services, clock, tmp_path):
    for source in SHIPPED_LEGAL_DIR.glob("*.yaml"):
        entry = yaml.safe_load(source.read_text(encoding="utf-8"))
        entry["rules"]["channels"] = {"value": ["counter"], "source": "Điều thử nghiệm"}
        (tmp_path / source.name).write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    reception = copy.copy(services.reception)
    reception.legal = load_legal_bases(tmp_path)
    clock.set(FROM)
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(X_RAY).documents if d.required]

    with pytest.raises(ValidationError, match="Kênh nộp 2 không có trong căn cứ pháp lý NĐ 118/2025") as refused:
        reception.receive(X_RAY, APPLICANT, 2, "counter", documents, "motcua1")

    assert refused.value.fields == {"channel": "không có trong NĐ 118/2025"}
    assert services.dossiers.list() == []
    assert reception.receive(X_RAY, APPLICANT, 1, "counter", documents, "motcua1").code.endswith("-0001")
