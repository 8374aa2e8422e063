"""Forms Mẫu 01-06 of Thông tư 01/2018/TT-VPCP: HTML from realistic contexts, PDFs, the register as CSV, and a
legal basis added as a folder. Expected texts are the forms' wording and the sample values, not the code's output."""

import csv
import io
import re
import shutil
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pypdf
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from engine.domain.clock import VN_TZ
from engine.domain.errors import ValidationError
from engine.domain.legal_basis import FORM_MEANINGS
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.forms import render as forms
from engine.forms.render import (
    FORM_FIELDS,
    TEMPLATES_DIR,
    available_forms,
    available_legal_bases,
    register_csv,
    render_html,
    render_pdf,
    required_fields,
)

FORMS = ["mau_01", "mau_02", "mau_03", "mau_04", "mau_05", "mau_06"]
CODE = "H15.50.05.13-261008-0975"
PROCEDURE = "Cấp Giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế"
APPLICANT = "Nguyễn Thị Hồng Nhung"


def vn(y, m, d, hh=0, mm=0):
    """A moment in Vietnam time, handed to the renderer in UTC as storage keeps it."""
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ).astimezone(UTC)


def register_row(number=975, **overrides):
    row = {
        "code": f"H15.50.05.13-261008-{number:04d}",
        "procedure": PROCEDURE,
        "applicant": APPLICANT,
        "address": "Số 12 phố Kim Đồng, phường Thục Phán, tỉnh Cao Bằng",
        "phone": "0912 345 678",
        "resolving_unit": "Phòng Quản lý chuyên ngành",
        "received_at": vn(2026, 10, 8, 8, 5),
        "appointment": vn(2026, 10, 22, 16, 0),
        "transferred_at": vn(2026, 10, 8, 14, 30),
        "result_received_at": vn(2026, 10, 20, 10, 15),
        "returned_at": None,
        "note": "Trả qua bưu chính",
    }
    row.update(overrides)
    return row


def make_context(form, **overrides):
    """A realistic context for `form`: a clinic in Cao Bằng applies for an X-ray licence."""
    applicant = {
        "name": APPLICANT,
        "address": "Số 12 phố Kim Đồng, phường Thục Phán, tỉnh Cao Bằng",
        "phone": "0912 345 678",
        "email": "hongnhung.pkdk@gmail.com",
    }
    common = {
        "agency": {
            "parent": "UBND TỈNH CAO BẰNG",
            "name": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
            "title": "Sở Khoa học và Công nghệ tỉnh Cao Bằng",
        },
        "place": "Cao Bằng",
        "issued_at": vn(2026, 10, 8, 8, 10),
    }
    unit = "Bộ phận Tiếp nhận và Trả kết quả, Trung tâm Phục vụ hành chính công tỉnh Cao Bằng"
    by_form = {
        "mau_01": {
            "dossier_code": CODE,
            "receiving_unit": unit,
            "applicant": applicant,
            "procedure": PROCEDURE,
            "documents": [
                {"name": "Đơn đề nghị cấp giấy phép tiến hành công việc bức xạ", "originals": 1, "copies": 0},
                {"name": "Phiếu khai báo thiết bị X-quang chẩn đoán trong y tế", "originals": 1, "copies": 0},
                {"name": "Giấy chứng nhận đăng ký doanh nghiệp", "originals": 0, "copies": 1},
                {"name": "Chứng chỉ nhân viên bức xạ của người phụ trách an toàn", "originals": 0, "copies": 1},
            ],
            "sets": 1,
            "time_limit": "10 ngày làm việc",
            "received_at": vn(2026, 10, 8, 8, 5),
            "appointment": vn(2026, 10, 22, 16, 0),
            "delivery": "post",
            "register": {"book": "05", "number": "0975"},
            "officer": "Hoàng Văn Thắng",
        },
        "mau_02": {
            "dossier_code": None,
            "receiving_unit": unit,
            "applicant": applicant,
            "procedure": PROCEDURE,
            "missing": [
                {
                    "item": "Chứng chỉ nhân viên bức xạ của người phụ trách an toàn",
                    "reason": "Chứng chỉ đã hết hạn ngày 30/6/2026",
                },
                {"item": "Bản sao Giấy chứng nhận đăng ký doanh nghiệp", "reason": "Bản sao không có chứng thực"},
            ],
            "contact": {"name": "Hoàng Văn Thắng", "phone": "0206 3852 468"},
            "officer": "Hoàng Văn Thắng",
        },
        "mau_03": {
            "dossier_code": None,
            "receiving_unit": unit,
            "applicant": applicant,
            "procedure": PROCEDURE,
            "reasons": ["Thiết bị X-quang đặt tại tỉnh Lạng Sơn, không thuộc thẩm quyền giải quyết của Sở."],
            "officer": "Hoàng Văn Thắng",
        },
        "mau_04": {
            "applicant": applicant,
            "dossier_code": CODE,
            "procedure": PROCEDURE,
            "received_at": vn(2026, 10, 8, 8, 5),
            "appointment": vn(2026, 10, 22, 16, 0),
            "reason": "Cần kiểm tra thực tế phòng đặt thiết bị X-quang trước khi cấp phép.",
            "new_appointment": vn(2026, 10, 29, 16, 0),
            "signer": {"title": "GIÁM ĐỐC", "name": "Đàm Văn Dũng"},
        },
        "mau_05": {
            "dossier_code": CODE,
            "applicant": applicant,
            "procedure": PROCEDURE,
            "received_at": vn(2026, 10, 8, 8, 5),
            "appointment": vn(2026, 10, 22, 16, 0),
            "resolving_unit": "Phòng Quản lý chuyên ngành",
            "coordinating_units": [],
            "handovers": [
                {
                    "from_unit": "Bộ phận Một cửa",
                    "to_unit": "Phòng Quản lý chuyên ngành",
                    "at": vn(2026, 10, 8, 14, 30),
                    "giver": "Hoàng Văn Thắng",
                    "receiver": "Lã Thị Thu Hà",
                    "result": "early",
                },
                {
                    "from_unit": "Phòng Quản lý chuyên ngành",
                    "to_unit": "Lãnh đạo Sở",
                    "at": vn(2026, 10, 19, 9, 0),
                    "giver": "Lã Thị Thu Hà",
                    "receiver": "Đàm Văn Dũng",
                    "result": "on_time",
                },
                {
                    "from_unit": "Lãnh đạo Sở",
                    "to_unit": "Văn thư",
                    "at": vn(2026, 10, 21, 15, 45),
                    "giver": "Đàm Văn Dũng",
                    "receiver": "Nông Thị Mai",
                    "result": "late",
                    "note": "Chờ ký số",
                },
            ],
        },
        "mau_06": {
            "book": "05",
            "period": "Tháng 10 năm 2026",
            "rows": [
                register_row(975),
                register_row(976, applicant="Công ty TNHH Thiết bị y tế Việt Đức", returned_at=vn(2026, 10, 21, 9, 0)),
                register_row(977, applicant="Trần Đức Mạnh", transferred_at=None, result_received_at=None, note=None),
            ],
        },
    }
    return {**common, **by_form[form], **overrides}


def nfc(text):
    return unicodedata.normalize("NFC", text)


# -- HTML -------------------------------------------------------------------------------------------------------------

EXPECTED = {
    "mau_01": [
        "Mẫu số 01",
        "GIẤY TIẾP NHẬN HỒ SƠ<br>VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: <b>{CODE}</b>",
        "Cao Bằng, ngày 08 tháng 10 năm 2026",
        "Số điện thoại: 0912 345 678; Email: hongnhung.pkdk@gmail.com",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "Chứng chỉ nhân viên bức xạ của người phụ trách an toàn",
        "2. Số lượng hồ sơ: 01 bộ",
        "3. Thời gian giải quyết hồ sơ theo quy định: 10 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 08 giờ 05 phút, ngày 08/10/2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 22/10/2026",
        "Qua dịch vụ bưu chính công ích, đến địa chỉ: Số 12 phố Kim Đồng",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 05, Số thứ tự: 0975",
        "Người nộp hồ sơ",
        "Người tiếp nhận hồ sơ",
        "Hoàng Văn Thắng",
    ],
    "mau_02": [
        "Mẫu số 02",
        "PHIẾU YÊU CẦU BỔ SUNG,<br>HOÀN THIỆN HỒ SƠ",
        "Chứng chỉ đã hết hạn ngày 30/6/2026",
        "Bản sao không có chứng thực",
        "liên hệ với Hoàng Văn Thắng,\nsố điện thoại 0206 3852 468",
        "Người hướng dẫn",
    ],
    "mau_03": [
        "Mẫu số 03",
        "PHIẾU TỪ CHỐI TIẾP NHẬN<br>GIẢI QUYẾT HỒ SƠ",
        "không thuộc thẩm quyền giải quyết của Sở",
        "thông báo không tiếp nhận, giải quyết hồ sơ này",
    ],
    "mau_04": [
        "Mẫu số 04",
        "PHIẾU XIN LỖI VÀ HẸN LẠI<br>NGÀY TRẢ KẾT QUẢ",
        "Ngày 08/10/2026, Sở Khoa học và Công nghệ tỉnh Cao Bằng tiếp nhận",
        f"mã số hồ sơ: <b>{CODE}</b>",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 22/10/2026.",
        "Lý do: Cần kiểm tra thực tế phòng đặt thiết bị X-quang trước khi cấp phép.",
        "xin lỗi Ông/Bà",
        "<b>16 giờ 00 phút, ngày 29/10/2026</b>",
        "GIÁM ĐỐC",
        "Đàm Văn Dũng",
    ],
    "mau_05": [
        "Mẫu số 05",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH<br>GIẢI QUYẾT HỒ SƠ",
        "Cơ quan phối hợp giải quyết hồ sơ: Không",
        "1. Giao: Bộ phận Một cửa<br>Nhận: Phòng Quản lý chuyên ngành",
        "08/10/2026 14:30",
        "Người giao: Lã Thị Thu Hà<br>Người nhận: Đàm Văn Dũng",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Chờ ký số",
    ],
    "mau_06": [
        "Mẫu số 06",
        "SỔ THEO DÕI HỒ SƠ",
        "Quyển số: 05",
        "Tháng 10 năm 2026",
        "Chuyển hồ sơ đến cơ quan giải quyết",
        "H15.50.05.13-<wbr>261008-<wbr>0977",  # a line may break after each hyphen of the code
        "Công ty TNHH Thiết bị y tế Việt Đức",
        "21/10/2026 09:00",
        "Trả qua bưu chính",
    ],
}


@pytest.mark.parametrize("form", FORMS)
def test_each_form_renders_its_fields_with_the_national_header(form):
    html = render_html(form, make_context(form))

    for text in [
        "UBND TỈNH CAO BẰNG",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        APPLICANT,
        *EXPECTED[form],
    ]:
        assert text in html, f"{form}: {text!r} not in the HTML"
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in html


def test_every_form_of_tt01_is_shipped_and_documented():
    assert available_legal_bases() == ["tt01-2018", "tt03-2025"]
    assert available_forms("tt01-2018") == ["bien_lai_phi", *FORMS, "thong_bao_dung", "tu_choi_sau_tham_dinh"]


def test_what_every_set_prints_alike_is_kept_once():
    common = {path.name: path.read_bytes() for path in (TEMPLATES_DIR / "_common").glob("*.html")}
    assert {"_base.html", "_letters.html", "tu_choi_sau_tham_dinh.html"} <= set(common)
    for form_set in available_legal_bases():
        for path in (TEMPLATES_DIR / form_set).glob("*.html"):
            assert path.read_bytes() != common.get(path.name), f"{form_set}/{path.name} repeats _common/{path.name}"
        html = render_html("mau_04", make_context("mau_04"), form_set)
        assert "Độc lập - Tự do - Hạnh phúc" in html and "Kính gửi" in html


def test_a_sets_own_layout_wins_over_the_common_one(tmp_path):
    shutil.copytree(TEMPLATES_DIR / "_common", tmp_path / "_common")
    shutil.copytree(TEMPLATES_DIR / "tt03-2025", tmp_path / "tt03-2025")
    own = (
        (TEMPLATES_DIR / "_common" / "_base.html")
        .read_text(encoding="utf-8")
        .replace("Độc lập - Tự do - Hạnh phúc", "Độc lập - Tự do - Hạnh phúc (bố cục riêng)")
    )
    assert "(bố cục riêng)" in own
    (tmp_path / "tt03-2025" / "_base.html").write_text(own, encoding="utf-8")
    context = make_context("mau_04")

    assert "(bố cục riêng)" in render_html("mau_04", context, "tt03-2025", tmp_path)
    assert "(bố cục riêng)" not in render_html("mau_04", context, "tt03-2025")


@pytest.mark.parametrize("basis", shipped_legal_bases().bases, ids=lambda basis: basis.id)
def test_every_meaning_has_a_template_in_every_legal_basis_with_the_documented_fields(basis):
    form_set = basis.form_set
    assert set(form_set.forms) == set(FORM_MEANINGS) == set(FORM_FIELDS)
    assert available_forms(form_set.id) == sorted(form.template for form in form_set.forms.values())
    for meaning, form in form_set.forms.items():
        assert sorted(FORM_FIELDS[meaning]) == required_fields(form.template, form_set.id), (basis.id, meaning)


def test_missing_context_keys_are_named():
    context = make_context("mau_01")
    del context["appointment"], context["applicant"]

    with pytest.raises(ValidationError) as caught:
        render_html("mau_01", context)

    assert "mau_01" in str(caught.value)
    assert "appointment" in str(caught.value) and "applicant" in str(caught.value)
    assert set(caught.value.fields) == {"appointment", "applicant"}


@pytest.mark.parametrize(
    "form, change, named",
    [
        ("mau_01", lambda c: c["applicant"].pop("phone"), "phone"),
        ("mau_05", lambda c: c["handovers"][0].update(result="sớm"), "sớm"),
        ("mau_01", lambda c: c.update(delivery="fax"), "fax"),
    ],
)
def test_a_missing_or_unknown_nested_value_names_the_form_and_the_value(form, change, named):
    context = make_context(form)
    change(context)

    with pytest.raises(ValidationError) as caught:
        render_html(form, context)

    message = str(caught.value)
    assert form in message and named in message
    assert re.search(r"\w+\.html line \d+", message), message  # the file that reads it: the form's or its shared body


def test_a_naive_datetime_is_refused_rather_than_guessed():
    context = make_context("mau_04", new_appointment=datetime(2026, 10, 29, 16, 0))

    with pytest.raises(ValidationError, match=r"mau_04.*naive datetime 2026-10-29T16:00:00"):
        render_html("mau_04", context)


def test_unknown_form_lists_the_available_forms():
    with pytest.raises(ValidationError) as caught:
        render_html("mau_07", make_context("mau_01"))

    assert "mau_07" in str(caught.value)
    assert "mau_01, mau_02, mau_03, mau_04, mau_05, mau_06, thong_bao_dung" in str(caught.value)


def test_unknown_legal_basis_lists_the_available_ones():
    with pytest.raises(ValidationError, match=r"'tt09-2030'.*available: tt01-2018, tt03-2025"):
        render_html("mau_01", make_context("mau_01"), legal_basis="tt09-2030")
    with pytest.raises(ValidationError, match="tt01-2018"):
        available_forms("../tests")


def test_applicant_text_is_escaped():
    applicant = {**make_context("mau_01")["applicant"], "name": '<script>alert("x")</script> & Co'}

    html = render_html("mau_01", make_context("mau_01", applicant=applicant))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in html


@pytest.mark.parametrize("qr_text", [None, f"https://dichvucong.example.vn/tra-cuu?ma={CODE}"])
def test_mau_01_carries_a_qr_code_that_decodes_to_the_dossier_code_or_its_status_page(qr_text):
    # Without a public address the QR is the code; with one, the public status page of the dossier (/tra-cuu).
    context = make_context("mau_01")
    html = render_html("mau_01", {**context, "register": {**context["register"], "qr": qr_text}})
    svg = re.search(r'<svg viewBox="0 0 (\d+) (\d+)"[^>]*>.*?</svg>', html, re.S)
    assert svg, "no inline SVG in Mẫu 01"
    size, path = int(svg.group(1)), re.search(r' d="([^"]+)"', svg.group(0)).group(1)

    # segno draws each dark run as a horizontal stroke of width 1 centred on y + 0.5: M/m move, H/h draw.
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])\s*([-\d.\s]+)", path):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            end = numbers[0] if command == "H" else x + numbers[0]
            top = int(y - 0.5)
            draw.rectangle([x * scale, top * scale, end * scale - 1, (top + 1) * scale - 1], fill=0)
            x = end

    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]

    assert decoded == [qr_text or CODE]


# -- filters ----------------------------------------------------------------------------------------------------------

FILTER_CASES = [
    # filter, value, expected
    ("vn_date", vn(2026, 10, 8, 8, 5), "08/10/2026"),
    ("vn_date", datetime(2026, 10, 7, 18, 30, tzinfo=UTC), "08/10/2026"),  # 01:30 the next day in Vietnam
    ("vn_date", date(2026, 2, 3), "03/02/2026"),
    ("vn_date", None, ""),
    ("vn_time", datetime(2026, 10, 8, 1, 5, tzinfo=UTC), "08 giờ 05 phút"),
    ("vn_datetime", datetime(2026, 10, 7, 18, 30, tzinfo=UTC), "01 giờ 30 phút, ngày 08/10/2026"),
    ("vn_stamp", datetime(2026, 10, 22, 9, 0, tzinfo=UTC), "22/10/2026 16:00"),
    ("vn_stamp", None, ""),
    ("vn_long_date", date(2026, 10, 8), "ngày 08 tháng 10 năm 2026"),
    ("vn_long_date", date(2026, 2, 14), "ngày 14 tháng 02 năm 2026"),  # months 1-2 take a zero, others do not
    ("vn_long_date", date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
    ("vn_long_date", datetime(2026, 12, 31, 17, 30, tzinfo=UTC), "ngày 01 tháng 01 năm 2027"),
]


@pytest.mark.parametrize("name, value, expected", FILTER_CASES)
def test_filters_show_vietnam_time(name, value, expected):
    assert getattr(forms, name)(value) == expected


@pytest.mark.parametrize(
    "name, value, error",
    [
        ("vn_date", datetime(2026, 10, 8, 8, 5), ValueError),
        ("vn_time", date(2026, 10, 8), TypeError),
        ("vn_stamp", "08/10/2026", TypeError),
    ],
)
def test_filters_refuse_values_they_cannot_place_in_time(name, value, error):
    with pytest.raises(error, match=name):
        getattr(forms, name)(value)


# -- PDF --------------------------------------------------------------------------------------------------------------

A5_PORTRAIT = (419.5, 595.3)
A4_LANDSCAPE = (841.9, 595.3)


@pytest.mark.parametrize("form", FORMS)
def test_each_form_typesets_to_a_pdf_in_its_page_size_with_a_times_compatible_font(form):
    pdf = render_pdf(render_html(form, make_context(form)))

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    expected = A4_LANDSCAPE if form == "mau_06" else A5_PORTRAIT
    fonts = set()
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(expected, abs=0.5)
        for font in page["/Resources"]["/Font"].values():
            fonts.add(re.sub(r"[^A-Za-z]", "", str(font.get_object()["/BaseFont"]).split("+")[-1]))
    # Table cells wrap names over lines: compare words, not line breaks.
    text = " ".join(nfc(" ".join(page.extract_text() for page in reader.pages)).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert APPLICANT in text
    assert f"Mẫu số {form[-2:]}" in text
    # A font without Vietnamese letters (Liberation 1.x) makes Pango fall back to another family for them, which
    # shows up here as a second family: install Times New Roman or fonts-liberation2.
    assert fonts and all(name.startswith(("LiberationSerif", "TimesNewRoman")) for name in fonts), fonts


def test_pdf_rendering_loads_nothing_from_outside():
    html = '<html><body><img src="file:///etc/hostname"><a rel="attachment" href="file:///etc/hostname">x</a></body></html>'

    reader = pypdf.PdfReader(io.BytesIO(render_pdf(html)))

    assert reader.attachments == {}
    assert not any("/Annots" in page for page in reader.pages)


# -- register as CSV --------------------------------------------------------------------------------------------------


def test_register_csv_opens_in_excel_with_vietnamese_headers_and_one_line_per_dossier():
    rows = make_context("mau_06")["rows"]

    text = register_csv(rows)

    assert text.startswith("\ufeff")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(text[1:])))
    assert table[0] == [
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Tên cá nhân, tổ chức",
        "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết",
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Chuyển hồ sơ đến cơ quan giải quyết",
        "Nhận kết quả từ cơ quan giải quyết",
        "Trả kết quả cho cá nhân, tổ chức",
        "Ghi chú",
    ]
    assert len(table) == 1 + len(rows)
    assert table[1] == [
        "1",
        "H15.50.05.13-261008-0975",
        PROCEDURE,
        APPLICANT,
        "Số 12 phố Kim Đồng, phường Thục Phán, tỉnh Cao Bằng - ĐT: 0912 345 678",
        "Phòng Quản lý chuyên ngành",
        "08/10/2026 08:05",
        "22/10/2026 16:00",
        "08/10/2026 14:30",
        "20/10/2026 10:15",
        "",
        "Trả qua bưu chính",
    ]
    assert table[3][0] == "3" and table[3][8:10] == ["", ""] and table[3][11] == ""


def test_register_csv_defuses_formulas_typed_by_applicants_but_keeps_phone_numbers():
    rows = [register_row(applicant='=HYPERLINK("http://x","y")', phone="+84 912 345 678", address="")]

    table = list(csv.reader(io.StringIO(register_csv(rows)[1:])))

    assert table[1][3] == '\'=HYPERLINK("http://x","y")'
    assert table[1][4] == "+84 912 345 678"


def test_register_csv_names_the_row_with_a_missing_key():
    rows = [register_row(), {k: v for k, v in register_row().items() if k != "appointment"}]

    with pytest.raises(ValidationError, match=r"dòng 2.*appointment"):
        register_csv(rows)


# -- another legal basis ----------------------------------------------------------------------------------------------


def test_a_new_legal_basis_is_a_folder_not_code(tmp_path):
    shutil.copytree(TEMPLATES_DIR / "tt01-2018", tmp_path / "tt01-2018")
    shutil.copytree(TEMPLATES_DIR / "_common", tmp_path / "_common")
    new = tmp_path / "tt03-2025"
    new.mkdir()
    (new / "mau_04.html").write_text(
        '{% extends "_base.html" %}\n'
        "{% block form_number %}Mẫu số 04{% endblock %}\n"
        "{% block content %}<h1>VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN</h1>\n"
        "<p>Kính gửi: {{ applicant.name }}; gia hạn đến {{ new_appointment|vn_datetime }}</p>{% endblock %}\n",
        encoding="utf-8",
    )
    context = {
        key: make_context("mau_04")[key] for key in ("agency", "place", "issued_at", "applicant", "new_appointment")
    }

    html = render_html("mau_04", context, legal_basis="tt03-2025", templates_dir=tmp_path)

    assert available_legal_bases(tmp_path) == ["tt01-2018", "tt03-2025"]
    assert available_forms("tt03-2025", tmp_path) == ["bien_lai_phi", "mau_04", "tu_choi_sau_tham_dinh"]
    assert required_fields("mau_04", "tt03-2025", tmp_path) == [
        "agency",
        "applicant",
        "issued_at",
        "new_appointment",
        "place",
    ]
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN" in html
    assert f"Kính gửi: {APPLICANT}; gia hạn đến 16 giờ 00 phút, ngày 29/10/2026" in html
    with pytest.raises(ValidationError, match="mau_04"):
        render_html("mau_01", context, legal_basis="tt03-2025", templates_dir=tmp_path)
    later = make_context("mau_04", new_appointment=vn(2026, 10, 29, 16, 0) + timedelta(days=1))
    assert "30/10/2026" in render_html("mau_04", later, templates_dir=tmp_path)
