"""The indicators dashboard for leaders and auditors (`/chi-so`): the QĐ 766 figures of a period with charts, the
dossiers behind every figure (`/chi-so/ho-so`) and the same figures as CSV and XLSX."""

from datetime import date, timedelta

from flask import Blueprint, Response, current_app, render_template, request, url_for

from engine.domain.clock import VN_TZ
from engine.domain.errors import ValidationError
from engine.domain.portal import status_label
from engine.services.indicator_files import MEASURE_LABELS, indicators_csv, indicators_xlsx, percent
from web.auth import require
from web.i18n import gettext as _

bp = Blueprint("indicators", __name__)

FIGURE_LABELS = {
    "received": "Hồ sơ tiếp nhận",
    "online": "Hồ sơ trực tuyến",
    "fully_online": "Hồ sơ trực tuyến toàn trình",
    "not_digitised": "Hồ sơ chưa số hoá",
    "judged": "Hồ sơ đã giải quyết",
    "early": "Giải quyết trước hạn",
    "on_time": "Giải quyết đúng hạn (gồm trước hạn)",
    "late": "Giải quyết quá hạn",
    "withdrawn": "Hồ sơ rút",
    "open_late": "Đang giải quyết, đã quá hạn",
    "paid_online": "Hồ sơ thanh toán trực tuyến",
    "not_paid_online": "Hồ sơ có phí chưa thanh toán trực tuyến",
    "not_synced": "Hồ sơ chưa liên thông Cổng DVC quốc gia",
    "result_not_electronic": "Kết quả chưa trả bản điện tử",
}
# The dossiers behind a rate, linked from it: the online ones for the online share, else those that cost it points.
MEASURE_FIGURES = {
    "online_share": "online",
    "digitised_share": "not_digitised",
    "synced_share": "not_synced",
    "online_payment_share": "not_paid_online",
    "digitised_result_share": "result_not_electronic",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _services():
    return current_app.extensions["motcua"]


def period_from(args) -> tuple[date, date, dict[str, str]]:
    """The period asked for (`from`, `to` as YYYY-MM-DD), the current year to today by default; errors by field."""
    today = _services().clock.now().date()
    errors: dict[str, str] = {}
    values = []
    for name, default in (("from", date(today.year, 1, 1)), ("to", today)):
        text = (args.get(name) or "").strip()
        try:
            values.append(date.fromisoformat(text) if text else default)
        except ValueError:
            errors[name] = _("'{value}' không phải ngày dạng YYYY-MM-DD (ví dụ 2026-03-31)", value=text[:20])
            values.append(default)
    return values[0], values[1], errors


def shortcuts(today: date) -> list[tuple[str, date, date]]:
    quarter = (today.month - 1) // 3
    return [
        (_("Tháng này"), today.replace(day=1), today),
        (
            _("Tháng trước"),
            (today.replace(day=1) - timedelta(days=1)).replace(day=1),
            today.replace(day=1) - timedelta(days=1),
        ),
        (_("Quý này"), date(today.year, quarter * 3 + 1, 1), today),
        (_("Năm nay"), date(today.year, 1, 1), today),
        (_("Năm trước"), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    ]


def _compute(start: date, end: date, errors: dict[str, str]):
    if errors:
        return None
    try:
        return _services().indicators.compute(start, end)
    except ValidationError as exc:
        errors.update(exc.fields or {"from": str(exc)})
        errors["period"] = str(exc)
        return None


def _link(figure: str, start: date, end: date, **extra) -> str:
    return url_for("indicators.dossiers", figure=figure, **{"from": start.isoformat(), "to": end.isoformat()}, **extra)


def chart_data(result, start: date, end: date) -> dict:
    """The figures the charts draw (web/frontend/charts.js), each bar linked to the dossiers behind it."""
    months = result.months
    return {
        "trend": {
            "type": "line",
            "labels": [m.label for m in months],
            "max": 100,
            "datasets": [
                {
                    "label": _("Đúng hạn (%)"),
                    "data": [_pct(m.figures.measures(8)["on_time_rate"]) for m in months],
                },
                {"label": _("Trước hạn (%)"), "data": [_pct(m.figures.measures(8)["early_rate"]) for m in months]},
            ],
        },
        "late_by_division": {
            "type": "bar",
            "labels": [d.label for d in result.divisions],
            "datasets": [
                {"label": _("Giải quyết quá hạn"), "data": [d.figures.late for d in result.divisions]},
                {"label": _("Đang quá hạn"), "data": [d.figures.open_over for d in result.divisions]},
            ],
            "links": [_link("late", start, end, division=d.key) for d in result.divisions],
        },
        "workload": {
            "type": "bar",
            "stacked": True,
            "horizontal": True,
            "labels": [o.name if o.username else f"{_('Chưa ai nhận')} · {o.division}" for o in result.officers[:15]],
            "datasets": [
                {"label": _("Việc đang mở"), "data": [o.open - o.open_late for o in result.officers[:15]]},
                {"label": _("Việc đang quá hạn"), "data": [o.open_late for o in result.officers[:15]]},
                {"label": _("Bước đã xong trong kỳ"), "data": [o.done for o in result.officers[:15]]},
            ],
        },
        "due_week": _due_week(result),
        "scores": {
            "type": "bar",
            "horizontal": True,
            "labels": [_(s.name) for s in result.scores],
            "datasets": [
                {"label": _("Điểm đạt"), "data": [s.points for s in result.scores]},
                {"label": _("Điểm tối đa"), "data": [s.maximum for s in result.scores], "colour": "#c5cbd3"},
            ],
        },
    }


def _due_week(result) -> dict:
    days: dict[str, int] = {}
    for line in result.due_this_week:
        key = line.due.astimezone(VN_TZ).strftime("%d/%m")
        days[key] = days.get(key, 0) + 1
    return {
        "type": "bar",
        "labels": list(days),
        "datasets": [{"label": _("Hồ sơ đến hạn"), "data": list(days.values()), "colour": "#f9a825"}],
    }


def _pct(value: float | None) -> float | None:
    return round(value * 100, 2) if value is not None else None


@bp.get("/chi-so")
@require("indicators.view")
def index():
    start, end, errors = period_from(request.args)
    result = _compute(start, end, errors)
    today = _services().clock.now().date()
    upcoming, due = _services().reports.next_due()
    return render_template(
        "indicators/index.html",
        upcoming=upcoming,
        due=due,
        result=result,
        start=start,
        end=end,
        errors=errors,
        shortcuts=shortcuts(today),
        charts=chart_data(result, start, end) if result else {},
        labels=MEASURE_LABELS,
        measure_figures=MEASURE_FIGURES,
        percent=percent,
        link=lambda figure, **extra: _link(figure, start, end, **extra),
    ), (200 if not errors else 422)


@bp.get("/chi-so/ho-so")
@require("indicators.view")
def dossiers():
    start, end, errors = period_from(request.args)
    figure = request.args.get("figure", "late")
    procedure, division = request.args.get("procedure", ""), request.args.get("division", "")
    lines = []
    if not errors:
        try:
            lines = _services().indicators.dossiers(figure, start, end, procedure, division)
        except ValidationError as exc:
            errors["figure"] = str(exc)
    return render_template(
        "indicators/dossiers.html",
        lines=lines,
        figure=figure,
        figure_label=FIGURE_LABELS.get(figure, figure),
        start=start,
        end=end,
        procedure=procedure,
        division=division,
        errors=errors,
        status_label=status_label,
        names={p.code: p.name for p in _services().dossiers.catalogue.procedures},
    ), (200 if not errors else 422)


@bp.get("/chi-so/xuat.<fmt>")
@require("indicators.view")
def export(fmt: str):
    start, end, errors = period_from(request.args)
    if fmt not in ("csv", "xlsx"):
        errors["fmt"] = _("Chỉ xuất được CSV hoặc XLSX")
    result = _compute(start, end, errors)
    if result is None:
        return Response("; ".join(errors.values()), status=422, mimetype="text/plain; charset=utf-8")
    hours = _services().settings.hours_per_day
    name = f"chi-so-766_{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    body, mimetype = (
        (indicators_csv(result, hours), "text/csv; charset=utf-8")
        if fmt == "csv"
        else (indicators_xlsx(result, hours), XLSX)
    )
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
