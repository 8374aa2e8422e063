"""Periodic report pages and files (leaders, auditors) and the monthly public lists of late dossiers and apology
letters (no sign-in)."""

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.engine.services.test_indicators import march, services  # noqa: F401 (fixtures)
from tests.engine.services.test_periodic_reports import QUARTER, TOTAL, insert, vn

Q1 = {"kind": "quarter", "number": 1, "year": 2026}


def test_the_quarterly_report_as_page_xlsx_and_pdf(services, sign_in, clock):  # noqa: F811
    insert(services, QUARTER)
    clock.set(vn(2026, 4, 1))
    director = sign_in("director")

    page = director.get("/bao-cao", query_string=Q1)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Quý 1 năm 2026" in html and "15/12/2025" in html and "14/03/2026" in html
    assert "Báo cáo gửi tiếp theo" in html and "18/06/2026" in html  # cut-off 14, sent on the 18th (defaults)

    book = load_workbook(io.BytesIO(director.get("/bao-cao/xuat.xlsx", query_string=Q1).get_data()))
    last = [c.value for c in book.active[book.active.max_row]]
    assert last == [None, "Tổng cộng", *TOTAL]

    pdf = director.get("/bao-cao/xuat.pdf", query_string=Q1)
    assert pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text and "QUÝ 1 NĂM 2026" in text
    assert "Tổng cộng " + " ".join(str(n) for n in TOTAL) in text

    bad = director.get("/bao-cao", query_string={"kind": "quarter", "number": 5, "year": 2026})
    assert bad.status_code == 422 and "kỳ số 5" in bad.get_data(as_text=True)
    assert sign_in("specialist").get("/bao-cao").status_code == 403


def test_the_public_lists_of_late_dossiers_and_apology_letters(app, march):  # noqa: F811
    visitor = app.test_client()  # nobody signed in
    page = visitor.get("/cong-khai/tre-han?thang=2026-03")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for letter in "bcd":
        assert march[letter] in html
    assert march["a"] not in html.split("Văn bản xin lỗi")[0]
    assert "Bệnh viện Đa khoa Thử nghiệm" not in html  # no applicant names in public
    apologies = html.split("Văn bản xin lỗi, hẹn lại ngày trả kết quả đã gửi")[1]
    assert march["c"] in apologies and "20/03/2026 08:00" in apologies

    book = load_workbook(io.BytesIO(visitor.get("/cong-khai/tre-han.xlsx?thang=2026-03").get_data()))
    assert book.sheetnames == ["Hồ sơ quá hạn", "Văn bản xin lỗi"]
    assert sorted(r[0] for r in book["Hồ sơ quá hạn"].iter_rows(min_row=3, values_only=True)) == sorted(
        march[x] for x in "bcdh"
    )
    assert visitor.get("/cong-khai/tre-han?thang=2026-13").status_code == 422
