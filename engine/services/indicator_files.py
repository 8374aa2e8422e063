"""The dashboard's figures as files: CSV (UTF-8 with a byte-order mark, for Excel) and XLSX (openpyxl). Pure: an
`Indicators` in, bytes out. One sheet (or CSV block) per grouping: the groups' points, procedures, divisions,
months and officers."""

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from engine.services.indicators import Figures, Indicators

MEASURE_LABELS = {
    "on_time_rate": "Tỷ lệ đúng hạn (gồm trước hạn)",
    "early_rate": "Tỷ lệ trước hạn",
    "average_days": "Thời gian giải quyết trung bình (ngày làm việc)",
    "online_share": "Tỷ lệ hồ sơ trực tuyến",
    "fully_online_share": "Tỷ lệ hồ sơ trực tuyến toàn trình",
    "digitised_share": "Tỷ lệ hồ sơ số hoá",
    "digitised_result_share": "Tỷ lệ kết quả điện tử (số hoá)",
    "online_payment_share": "Tỷ lệ thanh toán trực tuyến",
    "synced_share": "Tỷ lệ hồ sơ đồng bộ Cổng DVC quốc gia",
    "satisfaction_rate": "Tỷ lệ hài lòng",
}
COLUMNS = (
    ("received", "Tiếp nhận"),
    ("online", "Trực tuyến"),
    ("postal", "Bưu chính"),
    ("counter", "Trực tiếp"),
    ("digitised", "Số hoá"),
    ("early", "Trước hạn"),
    ("on_time", "Đúng hạn"),
    ("late", "Quá hạn"),
    ("withdrawn", "Rút hồ sơ"),
    ("open_within", "Đang giải quyết trong hạn"),
    ("open_over", "Đang giải quyết quá hạn"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def percent(value: float | None) -> str:
    """0.9876 -> "98,76 %"; None -> "không có dữ liệu"."""
    if value is None:
        return "không có dữ liệu"
    return f"{value * 100:.2f}".replace(".", ",") + " %"


def _row_cells(label: str, figures: Figures, hours_per_day: float) -> list:
    measures = figures.measures(hours_per_day)
    on_time = measures["on_time_rate"]
    return [
        label,
        *(getattr(figures, key) for key, _ in COLUMNS),
        round(on_time * 100, 2) if on_time is not None else "",
    ]


def _tables(result: Indicators, hours_per_day: float) -> list[tuple[str, list[str], list[list]]]:
    header = ["", *(title for _, title in COLUMNS), "Đúng hạn (%)"]
    scores = [
        [s.name, s.maximum, s.points, s.reachable, ", ".join(MEASURE_LABELS.get(m, m) for m in s.missing)]
        for s in result.scores
    ]
    measures = [
        [MEASURE_LABELS.get(k, k), percent(v) if k != "average_days" else v] for k, v in result.measures.items()
    ]
    return [
        ("Điểm", ["Nhóm chỉ số", "Điểm tối đa", "Điểm đạt", "Điểm có dữ liệu", "Chưa có dữ liệu"], scores),
        ("Chỉ số", ["Chỉ số", "Giá trị"], measures),
        (
            "Thủ tục",
            ["Thủ tục", *header[1:]],
            [_row_cells(r.label, r.figures, hours_per_day) for r in result.procedures],
        ),
        (
            "Phòng",
            ["Phòng, đơn vị", *header[1:]],
            [_row_cells(r.label, r.figures, hours_per_day) for r in result.divisions],
        ),
        ("Tháng", ["Tháng", *header[1:]], [_row_cells(r.label, r.figures, hours_per_day) for r in result.months]),
        (
            "Công chức",
            ["Công chức", "Phòng", "Bước đã xong", "Bước quá hạn", "Việc đang mở", "Việc đang quá hạn"],
            [[o.name, o.division, o.done, o.late, o.open, o.open_late] for o in result.officers],
        ),
    ]


def _defuse(cell):
    # Names come from people: a leading = + - @ would run as a formula in a spreadsheet (OWASP "CSV injection").
    return "'" + cell if isinstance(cell, str) and cell.startswith(_FORMULA_START) else cell


def indicators_csv(result: Indicators, hours_per_day: float) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"Chỉ số QĐ 766/QĐ-TTg từ {result.start:%d/%m/%Y} đến {result.end:%d/%m/%Y}"])
    for title, header, rows in _tables(result, hours_per_day):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([[_defuse(c) for c in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_sheet(sheet, title: str, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    """A titled table on `sheet`: bold shaded header, wrapped text, widths that fit."""
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F8")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([_defuse(c) for c in row])
    for index, column in enumerate(sheet.columns, start=1):
        width = max((len(str(c.value)) for c in column if c.value is not None and c.row > 1), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2)) if index else 10


def indicators_xlsx(result: Indicators, hours_per_day: float) -> bytes:
    book = Workbook()
    book.remove(book.active)
    period = f"{result.start:%d/%m/%Y} - {result.end:%d/%m/%Y}"
    for title, header, rows in _tables(result, hours_per_day):
        write_sheet(book.create_sheet(title), f"{title} · QĐ 766/QĐ-TTg · {period}", header, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
