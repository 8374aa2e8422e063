"""The indicators dashboard (/chi-so) for leaders and auditors: figures linked to their dossiers, CSV and XLSX with the
same figures, a bad period refused in Vietnamese with nothing computed."""

import io

import pytest
from openpyxl import load_workbook

from tests.engine.services.test_indicators import app_config, march, services  # noqa: F401 (fixtures)

PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}


def test_the_dashboard_shows_the_month_and_links_each_figure_to_its_dossiers(sign_in, march):  # noqa: F811
    director = sign_in("director")
    page = director.get("/chi-so", query_string=PERIOD)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)" in html
    assert 'data-chart="trend"' in html and "dist/charts.js" in html
    assert "Tiến độ giải quyết" in html and "không có dữ liệu" in html  # satisfaction: no rating, no data, not 0 %
    assert "Báo cáo gửi tiếp theo" in html and "Quý 2 năm 2026" in html and "18/06/2026" in html  # next report

    late = director.get("/chi-so/ho-so", query_string={**PERIOD, "figure": "late"})
    listed = late.get_data(as_text=True)
    assert late.status_code == 200
    assert all(march[x] in listed for x in "bcd") and march["a"] not in listed

    by_division = director.get(
        "/chi-so/ho-so", query_string={**PERIOD, "figure": "late", "division": "Phòng Quản lý chuyên ngành"}
    )
    assert march["b"] in by_division.get_data(as_text=True)


def test_the_channel_rates_are_counted_and_link_to_the_dossiers_that_cost_their_points(sign_in, march):  # noqa: F811
    director = sign_in("director")
    html = director.get("/chi-so", query_string=PERIOD).get_data(as_text=True)
    for measure, figure in [
        ("online_payment_share", "not_paid_online"),
        ("synced_share", "not_synced"),
        ("digitised_result_share", "result_not_electronic"),
    ]:
        row = html.split(f'data-measure="{measure}"')[1].split("</tr>")[0]
        assert "không có dữ liệu" not in row and f"figure={figure}" in row, measure
    # Eight counter dossiers with the X-ray fee, none paid online: each costs the online payment its points.
    unpaid = director.get("/chi-so/ho-so", query_string={**PERIOD, "figure": "not_paid_online"})
    assert unpaid.status_code == 200 and all(march[x] in unpaid.get_data(as_text=True) for x in "abcdefgh")
    assert "Hồ sơ có phí chưa thanh toán trực tuyến" in unpaid.get_data(as_text=True)


def test_the_figures_download_as_csv_and_xlsx(sign_in, march):  # noqa: F811
    auditor = sign_in("auditor")
    csv = auditor.get("/chi-so/xuat.csv", query_string=PERIOD)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data().decode("utf-8-sig")
    assert "Tiến độ giải quyết,20.0,10.0" in text
    assert "Phòng Quản lý chuyên ngành,8,0,0,8,0,3,0,3,1,0,1,50.0" in text

    xlsx = auditor.get("/chi-so/xuat.xlsx", query_string=PERIOD)
    book = load_workbook(io.BytesIO(xlsx.get_data()))
    assert book.sheetnames == ["Điểm", "Chỉ số", "Thủ tục", "Phòng", "Tháng", "Công chức"]
    rows = list(book["Phòng"].iter_rows(min_row=3, values_only=True))
    assert rows == [("Phòng Quản lý chuyên ngành", 8, 0, 0, 8, 0, 3, 0, 3, 1, 0, 1, 50.0)]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "2026-13-01"}, "không phải ngày dạng YYYY-MM-DD"),
        ({"from": "2026-03-31", "to": "2026-03-01"}, "sau đến ngày"),
        ({"from": "2020-01-01", "to": "2026-03-01"}, "dài quá 3 năm"),
    ],
)
def test_a_bad_period_is_refused_in_vietnamese(sign_in, services, query, message):  # noqa: F811
    page = sign_in("auditor").get("/chi-so", query_string=query)
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    export = sign_in("auditor").get("/chi-so/xuat.xlsx", query_string=query)
    assert export.status_code == 422 and message in export.get_data(as_text=True)
