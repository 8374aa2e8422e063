"""What both form sets print right, read back from the PDFs: the receipt's two copies, its submitter and its
signatures kept with the table, the letters' number line, "Nơi nhận" and salutation, the place line without a place."""

import io
import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pypdf
import pytest

from engine.domain.legal_basis_data import shipped_legal_bases
from engine.forms.render import render_html, render_pdf
from engine.services.documents import letterhead
from engine.services.settings import Settings
from tests.engine.forms.test_render import make_context

SETS = [basis.form_set for basis in shipped_legal_bases().bases]
COMPANY = {
    "type": 2,
    "name": "Công ty TNHH Thiết bị y tế Việt Đức",
    "address": "Số 5 phố Hoàng Đình Giong, tỉnh Cao Bằng",
    "phone": "0206 3852 999",
    "email": "",
    "submitter": "Trần Văn Bình",
}
LETTER_KEYS = ("agency", "place", "issued_at", "applicant", "dossier_code", "procedure", "received_at", "signer")


def context(meaning: str, **overrides) -> dict:
    """A realistic context for the form `meaning` (the 2018 set's test contexts, shared by meaning)."""
    base = {"receipt": "mau_01", "supplement_request": "mau_02", "reception_refusal": "mau_03", "apology": "mau_04"}
    if meaning in base:
        return make_context(base[meaning], **overrides)
    letter = {k: v for k, v in make_context("mau_04").items() if k in LETTER_KEYS}
    if meaning == "stop_notice":
        return {**letter, "reason": "Cơ sở đã giải thể", **overrides}
    return {**letter, "division": "Phòng Quản lý chuyên ngành", "reasons": ["Phòng đặt máy chưa đạt"], **overrides}


def pages(form_set, meaning: str, **overrides) -> list[str]:
    html = render_html(form_set.form(meaning).template, context(meaning, **overrides), form_set.id)
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(html)))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.mark.parametrize("form_set", SETS, ids=lambda s: s.id)
def test_the_receipt_prints_two_copies_each_on_one_sheet_with_its_signatures_even_with_nine_documents(form_set):
    documents = [{"name": f"Tài liệu số {n} của hồ sơ đề nghị cấp phép", "originals": 1, "copies": 0} for n in range(9)]

    first, second = pages(form_set, "receipt", documents=documents, applicant=COMPANY)

    for page, copy in ((first, "Liên 1: Lưu tại Bộ phận Một cửa"), (second, "Liên 2: Giao người nộp hồ sơ")):
        assert page.startswith(copy) and "Mẫu số 01" in page
        assert "Tài liệu số 8 của hồ sơ" in page  # the last row ...
        assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in page and "Hoàng Văn Thắng" in page  # ... and the signatures, together
        # the company's representative hands it in and signs; the company is the applicant
        assert f"tiếp nhận hồ sơ của: {COMPANY['name']}" in page and "Người nộp hồ sơ: Trần Văn Bình" in page
        signatures = page[page.index("NGƯỜI NỘP HỒ SƠ") :]
        assert "Trần Văn Bình" in signatures and COMPANY["name"] not in signatures
    assert "Số: ....." not in first  # the receipt has its dossier code, not a letter's number


@pytest.mark.parametrize("form_set", SETS, ids=lambda s: s.id)
@pytest.mark.parametrize("meaning", ["supplement_request", "reception_refusal", "apology", "stop_notice"])
def test_letters_have_a_number_line_and_address_a_company_as_a_company(form_set, meaning):
    [text] = pages(form_set, meaning, applicant=COMPANY)
    assert "Số: ........./........." in text
    assert "Ông/Bà" not in text
    assert "Quý Công ty" in text
    if meaning in ("apology", "stop_notice"):
        assert f"Kính gửi: {COMPANY['name']}" in text
        assert "Nơi nhận: - Như trên; - Bộ phận Tiếp nhận và Trả kết quả; - Lưu: VT." in text


@pytest.mark.parametrize("form_set", SETS, ids=lambda s: s.id)
def test_the_refusal_after_appraisal_is_the_division_s_letter_signed_by_the_head(form_set):
    [text] = pages(form_set, "appraisal_refusal")
    assert "TỪ CHỐI GIẢI QUYẾT HỒ SƠ" in text and "Phòng Quản lý chuyên ngành thấy hồ sơ không đủ điều kiện" in text
    assert "Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung" in text  # a citizen stays Ông/Bà
    assert "GIÁM ĐỐC" in text and "Đàm Văn Dũng" in text and "Người tiếp nhận hồ sơ" not in text
    assert "Lưu: VT, Phòng Quản lý chuyên ngành." in text
    assert "Mẫu số" not in text  # not a numbered form of the annex


@pytest.mark.parametrize("form_set", SETS, ids=lambda s: s.id)
def test_the_place_line_has_no_stray_comma_without_a_place(form_set):
    [text] = pages(form_set, "apology", place="")
    assert "ngày 08 tháng 10 năm 2026" in text and ", ngày 08 tháng 10" not in text
    [text] = pages(form_set, "apology")
    assert "Cao Bằng, ngày 08 tháng 10 năm 2026" in text


def test_make_run_gives_the_demo_an_agency_header_place_and_signer():
    """`make run` serves the demo with the agency's settings, so its forms never read "UBND TỈNH" with no place."""
    root = Path(__file__).resolve().parents[3]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    script = subprocess.run(["make", "-n", "run"], cwd=root, env=clean, capture_output=True, text=True, check=True)
    [serve] = [line for line in script.stdout.splitlines() if "MOTCUA_AGENCY_PLACE" in line and "demo-dossiers" in line]
    # what the shell would export: each NAME="${NAME:-default}" with NAME unset
    env = dict(re.findall(r'(MOTCUA_[A-Z_]+)="\$\{\1:-([^}]*)\}"', serve))
    header = letterhead(Settings.from_env(env), date(2026, 10, 8))

    assert header["agency"]["parent"] == "UBND TỈNH CAO BẰNG" and header["place"] == "Cao Bằng"
    assert Settings.from_env(env).signer_name and Settings.from_env(env).contact_phone
