"""The register (Mẫu 06) and the monthly late list as pages with filters (dates or month, procedure, division, status)
and downloads (register: CSV and PDF; late list: CSV), each narrowed like its page."""

import csv
import io

from pypdf import PdfReader

from tests.engine.services.test_extensions import X_RAY, vn
from tests.engine.services.test_indicators import march, services  # noqa: F401 (fixtures)

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
OWN, OTHER = "Phòng Quản lý chuyên ngành", "Phòng Quản lý khoa học"  # the X-ray procedure's division; another


def _csv_codes(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return sorted(row[1] for row in rows[1:])


def test_the_register_page_filters_and_downloads(services, march, sign_in, clock):  # noqa: F811
    clock.set(vn(2026, 4, 1, 9, 0))
    officer = sign_in("one_stop")

    page = officer.get("/so-theo-doi", query_string=MARCH)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and all(code in html for code in march.values())
    assert "Bệnh viện Đa khoa Thử nghiệm" in html  # the applicant, as in the book

    withdrawn = officer.get("/so-theo-doi", query_string={**MARCH, "status": 7}).get_data(as_text=True)
    assert march["e"] in withdrawn and march["a"] not in withdrawn
    other = officer.get("/so-theo-doi", query_string={**MARCH, "division": OTHER}).get_data(as_text=True)
    assert not any(code in other for code in march.values()) and "Không có hồ sơ nào." in other
    own = officer.get("/so-theo-doi", query_string={**MARCH, "division": OWN, "procedure": X_RAY})
    assert all(code in own.get_data(as_text=True) for code in march.values())

    assert _csv_codes(officer.get("/so-theo-doi.csv", query_string=MARCH)) == sorted(march.values())
    assert _csv_codes(officer.get("/so-theo-doi.csv", query_string={**MARCH, "status": 7})) == [march["e"]]
    pdf = officer.get("/so-theo-doi.pdf", query_string={**MARCH, "status": 7})
    assert pdf.mimetype == "application/pdf"
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages).split())
    assert march["e"] in text and march["a"] not in text  # the code wraps in its narrow column


def test_the_register_page_refuses_bad_filters_in_vietnamese(services, sign_in):  # noqa: F811
    officer = sign_in("one_stop")
    reversed_range = officer.get("/so-theo-doi", query_string={"from": "2026-03-31", "to": "2026-03-01"})
    assert reversed_range.status_code == 422 and "Từ ngày phải trước" in reversed_range.get_data(as_text=True)
    bad_day = officer.get("/so-theo-doi.csv", query_string={"from": "2026-02-30"})
    assert bad_day.status_code == 422 and "không đọc được" in bad_day.get_data(as_text=True)
    unknown = officer.get("/so-theo-doi", query_string={"procedure": "khong-co"})
    assert unknown.status_code == 422 and "Không có thủ tục mã" in unknown.get_data(as_text=True)
    assert officer.get("/so-theo-doi.xlsx").status_code == 422
    assert sign_in("specialist").get("/so-theo-doi").status_code == 403


def test_the_late_list_page_filters_and_downloads(services, march, sign_in, clock):  # noqa: F811
    clock.set(vn(2026, 4, 1, 9, 0))
    director = sign_in("director")
    late = sorted(march[x] for x in "bcdh")

    page = director.get("/bao-cao/tre-han", query_string={"thang": "2026-03"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and all(code in html for code in late) and march["a"] not in html
    assert "Đang giải quyết, đã quá hạn" in html  # h, still open

    [h] = services.dossiers.list(query=march["h"])
    open_only = director.get("/bao-cao/tre-han", query_string={"thang": "2026-03", "status": h.status})
    assert march["h"] in open_only.get_data(as_text=True) and march["b"] not in open_only.get_data(as_text=True)
    other = director.get("/bao-cao/tre-han", query_string={"thang": "2026-03", "division": OTHER})
    assert "Không có hồ sơ quá hạn trong tháng." in other.get_data(as_text=True)

    download = director.get("/bao-cao/tre-han.csv", query_string={"thang": "2026-03", "division": OWN})
    assert download.mimetype == "text/csv" and _csv_codes(download) == late
    future = director.get("/bao-cao/tre-han", query_string={"thang": "2026-05"})
    assert future.status_code == 422 and "chưa bắt đầu" in future.get_data(as_text=True)
