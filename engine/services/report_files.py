"""The periodic report and the monthly public lists as files: XLSX (openpyxl) and PDF (an HTML template of
processes/reports/ typeset by WeasyPrint through `engine.forms.render_pdf`). Pure: values in, bytes out."""

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import jinja2
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from engine.domain.dates import vn_long_date, vn_stamp
from engine.forms.render import render_pdf
from engine.services.indicator_files import write_sheet
from engine.services.periodic_reports import COLUMNS, ApologyLine, PeriodicReport, PublicLateLine

TEMPLATES = Path(__file__).resolve().parents[2] / "processes" / "reports"
LATE_STATES = {
    "ended_late": "Đã giải quyết quá hạn",
    "supplemented": "Yêu cầu bổ sung hơn một lần",
    "open_late": "Đang giải quyết, đã quá hạn",
}


def roman(number: int) -> str:
    values = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in values:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters.update(vn_long_date=vn_long_date, vn_stamp=vn_stamp)
    env.globals.update(roman=roman)
    return env


def report_html(report: PeriodicReport, agency: dict, place: str, issued_at: datetime) -> str:
    template = _environment().get_template("bao_cao_dinh_ky.html")
    return template.render(report=report, columns=COLUMNS, agency=agency, place=place, issued_at=issued_at)


def report_pdf(report: PeriodicReport, agency: dict, place: str, issued_at: datetime) -> bytes:
    return render_pdf(report_html(report, agency, place, issued_at))


def report_xlsx(report: PeriodicReport, agency_name: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet.append([agency_name])
    sheet.append([f"BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH {report.period.title.upper()}"])
    sheet.append([f"Số liệu từ ngày {report.first_day:%d/%m/%Y} đến ngày {report.last_day:%d/%m/%Y}"])
    groups = [("Số hồ sơ nhận giải quyết", 4), ("Kết quả giải quyết", 5), ("Số hồ sơ đang giải quyết", 3)]
    sheet.append(["STT", "Lĩnh vực, thủ tục hành chính", *(title for title, width in groups for _ in range(width))])
    sheet.append(["", "", *COLUMNS])
    column = 3
    for _title, width in groups:
        sheet.merge_cells(start_row=4, start_column=column, end_row=4, end_column=column + width - 1)
        column += width
    for row in (4, 5):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for index, block in enumerate(report.fields, start=1):
        sheet.append([roman(index), block.name, *block.total.cells()])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for number, (_code, name, line) in enumerate(block.procedures, start=1):
            sheet.append([number, name, *line.cells()])
    sheet.append(["", "Tổng cộng", *report.total.cells()])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 60
    for index in range(3, 3 + len(COLUMNS)):
        sheet.column_dimensions[get_column_letter(index)].width = 12
    sheet["A1"].font = sheet["A2"].font = Font(bold=True)
    return _save(book)


def public_lists_xlsx(month: str, late: Sequence[PublicLateLine], apologies: Sequence[ApologyLine]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    write_sheet(
        book.create_sheet("Hồ sơ quá hạn"),
        f"Danh sách hồ sơ giải quyết quá hạn tháng {month}",
        [
            "Mã hồ sơ",
            "Thủ tục",
            "Nhận",
            "Hạn giải quyết",
            "Kết thúc xử lý",
            "Tình trạng",
            "Quá hạn (giờ)",
            "Đơn vị để quá hạn",
            "Lý do",
        ],
        [
            [
                line.code,
                line.procedure,
                vn_stamp(line.received_at),
                vn_stamp(line.due),
                vn_stamp(line.processing_end_at),
                LATE_STATES.get(line.state, line.state),
                line.overdue_hours,
                "; ".join(line.divisions),
                line.reason,
            ]
            for line in late
        ],
    )
    write_sheet(
        book.create_sheet("Văn bản xin lỗi"),
        f"Danh sách văn bản xin lỗi, hẹn lại ngày trả kết quả tháng {month}",
        ["Mã hồ sơ", "Thủ tục", "Ngày gửi", "Hẹn trả trước đó", "Hẹn lại ngày trả", "Lý do"],
        [
            [
                a.code,
                a.procedure,
                vn_stamp(a.sent_at),
                vn_stamp(a.appointment_before),
                vn_stamp(a.new_appointment),
                a.reason,
            ]
            for a in apologies
        ],
    )
    return _save(book)


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
