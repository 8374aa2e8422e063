"""The register of dossiers (Sổ theo dõi hồ sơ, Mẫu 06: `/so-theo-doi`) and the monthly late list (`/bao-cao/tre-han`)
as pages with filters (dates or month, procedure, division, status) and the downloads the CLI writes (register: CSV,
PDF; late list: CSV), each download narrowed by the same filters as the page."""

import re
from datetime import date, timedelta

from flask import Blueprint, Response, current_app, render_template, request

from engine.domain.errors import ValidationError
from engine.domain.numbers import whole_number
from engine.domain.portal import STATUS_LABELS
from engine.services.late_report import late_report_csv
from engine.services.registers import Selection
from engine.services.report_files import LATE_STATES
from web.auth import require
from web.i18n import gettext as _

bp = Blueprint("registers", __name__)
_MONTH = re.compile(r"(\d{4})-(\d{2})")
CSV = "text/csv; charset=utf-8"


def _services():
    return current_app.extensions["motcua"]


def _selection(args, errors: dict[str, str]) -> Selection:
    catalogue = _services().dossiers.catalogue
    procedure = args.get("procedure", "").strip() or None
    division = args.get("division", "").strip() or None
    status_text = args.get("status", "").strip()
    status = whole_number(status_text, 3) if status_text else None
    if procedure is not None and catalogue.get(procedure) is None:
        errors["procedure"] = _("Không có thủ tục mã '{value}'", value=procedure[:40])
    if division is not None and division not in catalogue.divisions():
        errors["division"] = _("Không có phòng '{value}'", value=division[:60])
    if status_text and status not in STATUS_LABELS:
        errors["status"] = _("Không có trạng thái '{value}'", value=status_text[:10])
    return Selection(procedure, division, status)


def _day(args, name: str, default: date, errors: dict[str, str]) -> date:
    text = args.get(name, "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = _("ngày '{value}' không đọc được; ghi dạng YYYY-MM-DD, ví dụ 2026-03-02", value=text[:20])
        return default


def _range(args, errors: dict[str, str]) -> tuple[date, date]:
    today = _services().clock.now().date()
    start = _day(args, "from", today.replace(day=1), errors)
    end = _day(args, "to", today, errors)
    if not errors and start > end:
        errors["from"] = _("Từ ngày phải trước hoặc bằng đến ngày")
    return start, end


def _filter_choices() -> dict:
    catalogue = _services().dossiers.catalogue
    return {"procedures": catalogue.procedures, "divisions": catalogue.divisions(), "statuses": STATUS_LABELS}


def _refused(errors: dict[str, str]) -> Response:
    return Response("; ".join(errors.values()), status=422, mimetype="text/plain; charset=utf-8")


def _file(body: str | bytes, name: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/so-theo-doi")
@require("register.view")
def register():
    errors: dict[str, str] = {}
    start, end = _range(request.args, errors)
    selection = _selection(request.args, errors)
    rows = []
    if not errors:
        try:
            rows = _services().registers.register(start, end, selection)
        except ValidationError as exc:
            errors["from"] = str(exc)
    query = {k: v for k, v in request.args.items() if v} | {"from": start.isoformat(), "to": end.isoformat()}
    return render_template(
        "reports/register.html",
        rows=rows,
        start=start,
        end=end,
        values=request.args,
        errors=errors,
        query=query,
        **_filter_choices(),
    ), (422 if errors else 200)


@bp.get("/so-theo-doi.<fmt>")
@require("register.view")
def register_file(fmt: str):
    errors: dict[str, str] = {}
    start, end = _range(request.args, errors)
    selection = _selection(request.args, errors)
    if fmt not in ("csv", "pdf"):
        errors["fmt"] = _("Chỉ tải được CSV hoặc PDF")
    if errors:
        return _refused(errors)
    registers = _services().registers
    name = f"so-theo-doi_{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        return _file(registers.register_csv(start, end, selection), name, CSV)
    return _file(registers.register_pdf(start, end, selection), name, "application/pdf")


def _month(args, errors: dict[str, str]) -> tuple[int, int]:
    previous = _services().clock.now().date().replace(day=1) - timedelta(days=1)
    text = (args.get("thang") or f"{previous:%Y-%m}").strip()
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match[2]) <= 12:
        errors["thang"] = _("'{value}' không phải tháng dạng YYYY-MM (ví dụ 2026-03)", value=text[:20])
        return previous.year, previous.month
    return int(match[1]), int(match[2])


def _late(args, errors: dict[str, str]) -> tuple[int, int, list]:
    year, month = _month(args, errors)
    selection = _selection(args, errors)
    if errors:
        return year, month, []
    try:
        return year, month, _services().registers.late_report(year, month, selection)
    except ValidationError as exc:
        errors["thang"] = str(exc)
        return year, month, []


@bp.get("/bao-cao/tre-han")
@require("register.view")
def late():
    errors: dict[str, str] = {}
    year, month, lines = _late(request.args, errors)
    query = {k: v for k, v in request.args.items() if v} | {"thang": f"{year:04d}-{month:02d}"}
    return render_template(
        "reports/late.html",
        lines=lines,
        year=year,
        month=month,
        values=request.args,
        errors=errors,
        query=query,
        states=LATE_STATES,
        **_filter_choices(),
    ), (422 if errors else 200)


@bp.get("/bao-cao/tre-han.csv")
@require("register.view")
def late_file():
    errors: dict[str, str] = {}
    year, month, lines = _late(request.args, errors)
    if errors:
        return _refused(errors)
    return _file(late_report_csv(lines), f"tre-han_{year:04d}-{month:02d}.csv", CSV)
