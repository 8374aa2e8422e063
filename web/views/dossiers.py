"""Dossier pages: the list with filters, and everything about one dossier (its data, documents and scans, status,
appointment, diagram, steps and history, letters and forms, outbox messages), with withdrawal and stop.

Who may read a dossier is decided by `web.auth.authorize_dossier` (the officers involved, auditors, administrators);
the same check guards its diagram, forms and files.
"""

import io
import re
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date, datetime

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from engine.domain.dates import vn_stamp
from engine.domain.errors import ValidationError
from engine.domain.legal_basis import FORM_MEANINGS
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.numbers import whole_number
from engine.domain.permissions import DIVISION_ROLES
from engine.domain.portal import (
    APPLICANT_TYPES,
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    OPEN_STATUSES,
    STATUS_LABELS,
    status_label,
)
from engine.domain.timeliness import LABELS as TIMELINESS
from web.auth import authorize_dossier, can, current_user, require
from web.i18n import data_name
from web.i18n import gettext as _

bp = Blueprint("dossiers", __name__)

PAGE_SIZE = 50
FORMATS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def _services():
    return current_app.extensions["motcua"]


@bp.get("/ho-so")
@require("dossier.search")
def index():
    services, args, errors = _services(), request.args, {}
    user = current_user()
    catalogue = services.dossiers.catalogue
    # A division's officers find the dossiers their division resolves; the others every dossier.
    own = catalogue.codes_of_division(user.division) if user.role in DIVISION_ROLES else None
    status = args.get("status", "").strip()
    procedure = args.get("procedure", "").strip()
    filters = {
        "status": _number(status, "status", errors) if status else None,
        "procedure_code": procedure or None,
        "received_from": _day(args.get("received_from", ""), "received_from", errors),
        "received_to": _day(args.get("received_to", ""), "received_to", errors),
        "query": args.get("q", "").strip(),
        "procedure_codes": own,
    }
    page = _number(args.get("page", "1") or "1", "page", errors) or 1
    if page < 1:
        errors["page"] = _("trang bắt đầu từ 1")
    rows, more = [], False
    if not errors:
        try:
            rows = services.dossiers.list(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, **filters)
        except ValidationError as exc:
            errors.update(exc.fields)
        more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
        wanted = filters["query"]
        if len(rows) == 1 and page == 1 and isinstance(wanted, str) and wanted.casefold() == rows[0].code.casefold():
            return redirect(url_for("dossiers.show", code=rows[0].code))  # a code typed or scanned: its page
    query = {k: v for k, v in args.items() if k != "page" and v}
    page_html = render_template(
        "dossiers/index.html",
        rows=rows,
        errors=errors,
        values=args,
        page=page,
        previous_url=url_for("dossiers.index", **query, page=page - 1) if page > 1 else None,
        next_url=url_for("dossiers.index", **query, page=page + 1) if more else None,
        statuses=STATUS_LABELS,
        procedures=[p for p in catalogue.procedures if own is None or p.code in own],
    )
    return page_html, 422 if errors else 200


@bp.get("/ho-so/<code>")
@require("dossier.view")
def show(code: str):
    authorize_dossier(code)
    return _show_page(code)


def _show_page(code: str, close_errors: dict | None = None, status: int = 200, verification=None):
    services = _services()
    dossier = services.dossiers.get(code)
    record = services.records.record(code)
    files: dict[str, list] = {}
    for stored in services.files.files(code):
        files.setdefault(stored.document, []).append(stored)
    page = render_template(
        "dossiers/show.html",
        dossier=dossier,
        record=record,
        files=files,
        describe=describe,
        just_received=bool(request.args.get("tiep-nhan")),
        close_errors=close_errors or {},
        values=request.form if close_errors else {},
        applicant_types=APPLICANT_TYPES,
        channel_labels=CHANNEL_LABELS,
        delivery_labels=DELIVERY_LABELS,
        timeliness=TIMELINESS,
        open_dossier=dossier.processing_end_at is None and dossier.status in OPEN_STATUSES,
        changes=record.changes,
        verification=verification,
        reassignable=_reassignable(dossier),
        names=record.names,
        decisions=services.decisions.of_dossier(code),
    )
    return page, status


def _reassignable(dossier) -> list:
    """(task, candidates) of the dossier's open tasks the signed-in division head may give to someone else."""
    user = current_user()
    if user is None or not can("task.reassign"):
        return []
    assignments = _services().assignments
    return [
        (task, assignments.candidates(task)) for task in dossier.tasks if assignments.division_of(task) == user.division
    ]


@bp.post("/ho-so/<code>/giao-lai")
@require("task.reassign")
def reassign(code: str):
    """The division head gives an open task of the dossier to another officer of the division, with a reason."""
    authorize_dossier(code)
    user = current_user()
    form = request.form
    task_id = form.get("task_id", "")
    if task_id not in {t.task_id for t in _services().dossiers.get(code).tasks}:
        flash(_("Việc này không còn mở ở hồ sơ {code}; không giao lại được.", code=code), "error")
        return redirect(url_for("dossiers.show", code=code))
    try:
        _services().assignments.reassign(
            task_id, form.get("to", ""), form.get("reason", ""), user.username, user.division
        )
    except ValidationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("dossiers.show", code=code, **{"giao-lai": task_id}))
    flash(_("Đã giao lại việc cho {name}.", name=_services().accounts.get(form.get("to", "")).full_name))
    return redirect(url_for("dossiers.show", code=code))


@bp.get("/ho-so/<code>/so-do")
@require("dossier.view")
def diagram(code: str):
    """JSON {xml, current, done, process_id, version}: the BPMN the dossier runs on and the element ids to mark."""
    authorize_dossier(code)
    found = _services().records.diagram(code)
    return jsonify(
        {
            "xml": found.xml,
            "current": found.current,
            "done": found.done,
            "process_id": found.process_id,
            "version": found.version,
        }
    )


@bp.get("/ho-so/<code>/xem-lai")
@require("dossier.view")
def moments(code: str):
    """JSON {moments: [...]}: the dossier after each history event (ready, waiting and completed elements, data,
    appointment, deadlines, who acted and what happened), for the replay view."""
    authorize_dossier(code)
    found, names = _services().records.moments(code)
    return jsonify(
        {
            "moments": [
                {
                    **asdict(m),
                    "actor_name": _("Hệ thống") if m.actor == "system" else names.get(m.actor, m.actor),
                    "text": describe(m),
                    "at_text": vn_stamp(datetime.fromisoformat(m.at)),
                    "appointment_text": vn_stamp(datetime.fromisoformat(m.appointment)) if m.appointment else "",
                    "deadlines_text": {
                        task: vn_stamp(datetime.fromisoformat(due)) if due else "" for task, due in m.deadlines.items()
                    },
                }
                for m in found
            ]
        }
    )


@bp.get("/ho-so/<code>/mau/<form>")
@require("dossier.view")
def form(code: str, form: str):
    """A form of the dossier by meaning (receipt, ...) or by its template in the dossier's set (mau_01, the
    addresses of earlier versions), as PDF (?dinh-dang=pdf) or HTML (the default)."""
    authorize_dossier(code)
    fmt = request.args.get("dinh-dang", "html")
    if fmt not in FORMATS:
        raise ValidationError(
            _("Định dạng '{fmt}' không hỗ trợ; chọn pdf hoặc html", fmt=fmt), {"dinh-dang": "pdf|html"}
        )
    content, name = _services().documents.render(code, form, fmt)
    response = Response(content, mimetype=FORMATS[fmt].split(";")[0])
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@bp.get("/ho-so/<code>/tep/<int:file_id>")
@require("dossier.view")
def file(code: str, file_id: int):
    """A scan received with the dossier, checked against its SHA-256 before it is sent."""
    authorize_dossier(code)
    stored, content = _services().files.file_content(code, file_id)
    response = send_file(
        io.BytesIO(content), mimetype=stored.media_type, as_attachment=True, download_name=stored.filename
    )
    response.headers["X-Content-SHA256"] = stored.sha256
    return response


@bp.post("/ho-so/<code>/rut")
@require("dossier.withdraw")
def withdraw(code: str):
    """The applicant withdraws the dossier (status 7); a reason is required."""
    return _close(code, "withdraw")


@bp.post("/ho-so/<code>/dung")
@require("dossier.stop")
def stop(code: str):
    """The Department stops processing the dossier (status 8); a reason is required."""
    return _close(code, "stop")


def _close(code: str, action: str):
    authorize_dossier(code)
    services, reason = _services(), request.form.get("reason", "").strip()
    if not reason:
        problem = _("Ghi lý do rút hồ sơ") if action == "withdraw" else _("Ghi lý do dừng xử lý hồ sơ")
        return _show_page(code, {action: problem}, status=422)
    close = services.dossiers.withdraw if action == "withdraw" else services.dossiers.stop
    try:
        close(code, reason, current_user().username)
    except ValidationError as exc:
        return _show_page(code, {action: "; ".join(exc.fields.values()) or str(exc)}, status=422)
    flash(_("Đã rút hồ sơ {code}", code=code) if action == "withdraw" else _("Đã dừng xử lý hồ sơ {code}", code=code))
    return redirect(url_for("dossiers.show", code=code))


# --- helpers ------------------------------------------------------------------------------------------------------
def _number(text: str, field: str, errors: dict[str, str]) -> int | None:
    text = (text or "").strip()
    number = whole_number(text, 6)
    if number is not None:
        return number
    errors[field] = _("'{value}' không phải một số", value=text[:20])
    return None


def _day(text: str, field: str, errors: dict[str, str]) -> date | None:
    """A day written dd/mm/yyyy (or yyyy-mm-dd, as date fields send it); empty: None."""
    text = (text or "").strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    errors[field] = _("ngày '{value}' không đọc được; ghi dạng dd/mm/yyyy, ví dụ 02/03/2026", value=text)
    return None


# What each history event says, in the officers' words; {placeholders} come from the event's payload.
EVENT_TEXTS = {
    "instance:started": "Bắt đầu quy trình (phiên bản {version})",
    "instance:completed": "Kết thúc quy trình",
    "instance:cancelled": "Hủy quy trình: {reason}",
    "dossier:task:ready": "Chuyển đến bước: {title}",
    "dossier:task:completed": "Hoàn thành bước: {title}",
    "dossier:task:claimed": "Nhận xử lý bước {task}",
    "dossier:task:released": "Trả lại bước {task}",
    "dossier:task:withdrawn": "Bước {task} không còn cần làm",
    "dossier:task:reassigned": "Giao lại bước “{title}” cho {to_name}: {reason}",
    "dossier:letter:queued": "Lập {form_text}",
    "dossier:status:changed": "Trạng thái hồ sơ: {status_text}",
    "dossier:appointment:moved": "Đổi ngày hẹn trả: {from_text} → {to_text}",
    "dossier:file:attached": "Đính kèm bản quét: {file} ({document})",
    "dossier:late": "Hồ sơ quá hạn",
    "dossier:supplement:requested": "Yêu cầu bổ sung hồ sơ (lần {count})",
    "dossier:supplement:received": "Đã nhận hồ sơ bổ sung",
    "dossier:withdrawn": "Rút hồ sơ: {reason}",
    "dossier:stopped": "Dừng xử lý: {reason}",
    "instance:timer:scheduled": "Đặt hẹn giờ “{timer_text}” lúc {due_text}",
    "instance:timer:fired": "Đến hẹn giờ “{timer_text}”",
    "instance:timer:cancelled": "Bỏ hẹn giờ “{timer_text}”",
    "dossier:postal:letter_ordered": "Gửi {letter_text} qua bưu chính (đơn {order_number})",
    "dossier:postal:accepted": "Bưu điện đã nhận bưu gửi {order_number}",
    "dossier:postal:in_transit": "Bưu gửi {order_number} đang vận chuyển",
    "dossier:postal:delivered": "Bưu điện phát thành công bưu gửi {order_number}",
    "dossier:postal:failed_attempt": "Bưu điện phát không thành công bưu gửi {order_number}: {note}",
    "dossier:postal:returned": "Bưu điện hoàn trả bưu gửi {order_number} sau hai lần phát không thành công",
    "dossier:work_item:opened": "Phát sinh việc cho {lane}: {title}",
    "dossier:work_item:done": "Đã xử lý việc “{title}”: {note}",
    "dossier:payment:confirmed": "Nộp phí, lệ phí {amount_text} (biên lai, giao dịch {reference})",
}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def describe(event, timer_names: Mapping[str, str] | None = None) -> str:
    """One line saying what a history event means, in the current language; an unknown tag shows as itself.
    `timer_names`: a timer's name in the BPMN by its id (the history records the id)."""
    text = EVENT_TEXTS.get(event.tag)
    if text is None:
        return event.tag
    payload = _Blank({k: v for k, v in (event.payload or {}).items() if isinstance(v, str | int | float)})
    for key, name in (("from", "from_text"), ("to", "to_text"), ("due_at", "due_text")):
        moment = (event.payload or {}).get(key)
        try:
            payload[name] = vn_stamp(datetime.fromisoformat(moment)) if moment else ""
        except (TypeError, ValueError):
            payload[name] = str(moment)
    for key in ("title", "task"):  # a step's name, in English when its BPMN gives one
        if isinstance(payload.get(key), str):
            payload[key] = data_name(payload[key])
    payload["form_text"] = form_label(str(payload.get("form", "")))
    payload["letter_text"] = form_label(str(payload.get("letter", "")))
    amount = payload.get("amount")
    payload["amount_text"] = f"{amount:,} đ".replace(",", ".") if isinstance(amount, int) else ""
    timer = str(payload.get("timer", ""))
    payload["timer_text"] = (timer_names or {}).get(timer) or timer
    status = payload.get("status")
    label = status_label(status) if isinstance(status, int) and status in STATUS_LABELS else payload.get("label", "")
    payload["status_text"] = _(str(label)) if label else str(status or "")
    return _(text).format_map(payload)


_NUMBERED = re.compile(r"(.+) \(Mẫu số (\w+)\)")


@bp.app_template_filter("form_title")
def form_title(title: str) -> str:
    """A form's title from its legal basis ("Giấy tiếp nhận ... (Mẫu số 01)"), in the current language."""
    numbered = _NUMBERED.fullmatch(title or "")
    if numbered is None:
        return _(title)
    return _("{title} (Mẫu số {number})", title=_(numbered[1]), number=numbered[2])


def form_label(form: str) -> str:
    """What a letter's form is, by meaning ("apology", or "mau_04" as letters were named before), translated."""
    meaning = shipped_legal_bases().meaning(form)
    return _(FORM_MEANINGS[meaning]) if meaning else form
