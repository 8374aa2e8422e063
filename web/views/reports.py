"""Periodic reports for leaders and auditors (`/bao-cao`: quarter, half, year; XLSX and PDF) and the monthly public
lists without sign-in (`/cong-khai/tre-han`: late dossiers with the units responsible, apology letters sent)."""

import re
from datetime import date, timedelta

from flask import Blueprint, Response, current_app, render_template, request

from engine.domain.errors import ValidationError
from engine.domain.report_periods import KIND_LABELS, ReportPeriod
from engine.services.report_files import LATE_STATES, public_lists_xlsx, report_pdf, report_xlsx
from web.auth import require
from web.i18n import gettext as _

bp = Blueprint("reports", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MONTH = re.compile(r"(\d{4})-(\d{2})")


@bp.app_template_filter("period_title")
def period_title(period: ReportPeriod) -> str:
    """A report period's title ("Quý 1 năm 2026") in the current language."""
    if period.kind == "quarter":
        return _("Quý {number} năm {year}", number=period.number, year=period.year)
    if period.kind == "half":
        first = period.number == 1
        return _("6 tháng đầu năm {year}" if first else "6 tháng cuối năm {year}", year=period.year)
    return _("Năm {year}", year=period.year)


def _services():
    return current_app.extensions["motcua"]


def _period(args) -> tuple[ReportPeriod | None, dict[str, str]]:
    today = _services().clock.now().date()
    last_quarter = (today.replace(day=1) - timedelta(days=80)).month
    kind = args.get("kind", "quarter")
    try:
        year = int(args.get("year") or today.year)
        number = int(args.get("number") or ((last_quarter - 1) // 3 + 1 if kind == "quarter" else 1))
        if "year" not in args and kind == "quarter" and number == 4 and today.month <= 3:
            year -= 1
        return ReportPeriod(kind, year, number), {}  # type: ignore[arg-type]
    except ValueError as exc:
        return None, {"period": _("Kỳ báo cáo không hợp lệ: {problem}", problem=str(exc))}


@bp.get("/bao-cao")
@require("indicators.view")
def index():
    period, errors = _period(request.args)
    report = None
    if period is not None:
        try:
            report = _services().reports.build(period)
        except ValidationError as exc:
            errors["period"] = str(exc)
    upcoming, due = _services().reports.next_due()
    return render_template(
        "reports/index.html",
        report=report,
        period=period,
        errors=errors,
        kinds=KIND_LABELS,
        upcoming=upcoming,
        due=due,
        year=_services().clock.now().year,
    ), (422 if errors else 200)


@bp.get("/bao-cao/xuat.<fmt>")
@require("indicators.view")
def export(fmt: str):
    period, errors = _period(request.args)
    if fmt not in ("xlsx", "pdf"):
        errors["fmt"] = _("Chỉ xuất được XLSX hoặc PDF")
    if period is None or errors:
        return Response("; ".join(errors.values()), status=422, mimetype="text/plain; charset=utf-8")
    try:
        report = _services().reports.build(period)
    except ValidationError as exc:
        return Response(str(exc), status=422, mimetype="text/plain; charset=utf-8")
    settings = _services().settings
    name = f"bao-cao_{period.kind}-{period.number}_{period.year}.{fmt}"
    if fmt == "xlsx":
        body, mimetype = report_xlsx(report, settings.agency_name), XLSX
    else:
        agency = {"parent": settings.agency_parent, "name": settings.agency_name}
        body = report_pdf(report, agency, settings.agency_place, _services().clock.now())
        mimetype = "application/pdf"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _month(args) -> tuple[int, int, dict[str, str]]:
    today = _services().clock.now().date()
    previous = today.replace(day=1) - timedelta(days=1)
    text = (args.get("thang") or f"{previous:%Y-%m}").strip()
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match[2]) <= 12:
        return (
            previous.year,
            previous.month,
            {"thang": _("'{value}' không phải tháng dạng YYYY-MM (ví dụ 2026-03)", value=text[:20])},
        )
    if date(int(match[1]), int(match[2]), 1) > today:
        return previous.year, previous.month, {"thang": _("Tháng {value} chưa bắt đầu", value=text)}
    return int(match[1]), int(match[2]), {}


@bp.get("/cong-khai/tre-han")
def public_lists():
    year, month, errors = _month(request.args)
    late, apologies = [], []
    if not errors:
        late = _services().reports.public_late_list(year, month)
        apologies = _services().reports.apology_letters(year, month)
    return render_template(
        "reports/public_lists.html",
        year=year,
        month=month,
        late=late,
        apologies=apologies,
        errors=errors,
        states=LATE_STATES,
    ), (422 if errors else 200)


@bp.get("/cong-khai/tre-han.xlsx")
def public_lists_file():
    year, month, errors = _month(request.args)
    if errors:
        return Response("; ".join(errors.values()), status=422, mimetype="text/plain; charset=utf-8")
    body = public_lists_xlsx(
        f"{month:02d}/{year}",
        _services().reports.public_late_list(year, month),
        _services().reports.apology_letters(year, month),
    )
    name = f"ho-so-tre-han_{year}-{month:02d}.xlsx"
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
