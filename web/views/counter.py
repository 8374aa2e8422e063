"""The one-stop counter (Bộ phận Một cửa): receive a dossier, preview its appointment, see the online and postal
dossiers waiting for their reception check and the results ready for return, and record a return (status 10).

Reception is one form for one procedure: the checklist of its documents (received, digitised, a scan each), the
applicant, the channel and the result delivery. The appointment is shown before saving: counter.js asks
/mot-cua/hen-tra as the officer types, and the "Xem ngày hẹn" button re-renders the page with it (no script needed).
Nothing is saved while any field is wrong (422, the errors next to their fields, the input kept); the dossier and
its scans are one unit of work: all stored (each scan with its size and SHA-256) or none.
"""

import mimetypes
from datetime import datetime

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for

from engine.domain.catalogue import Procedure
from engine.domain.clock import VN_TZ
from engine.domain.dates import vn_stamp
from engine.domain.deadlines import deadline_state, soon_limit
from engine.domain.errors import InvalidTransition, ValidationError
from engine.domain.numbers import whole_number
from engine.domain.permissions import ONE_STOP_LANE
from engine.domain.portal import APPLICANT_TYPES, CHANNEL_LABELS, CHANNELS, DELIVERY_LABELS, POSTAL
from engine.domain.reception import APPLICANT_LIMITS, check_reception
from engine.services.dossier_files import FILE_MEDIA_TYPES, MAX_FILE_SIZE, Scan
from web.auth import authorize_task, current_user, require
from web.i18n import gettext as _
from web.i18n import ngettext

bp = Blueprint("counter", __name__)

RECEPTION_TASK, RETURN_TASK = "tiep_nhan", "tra_ket_qua"
APPLICANT_FIELDS = ("name", "id_number", "address", "phone", "email", "submitter")
QUEUE_SIZE = 100


def _services():
    return current_app.extensions["motcua"]


@bp.get("/mot-cua")
@require("dossier.receive")
def index():
    return _index_page()


def _index_page(return_errors: dict | None = None, status: int = 200):
    """The two queues; `return_errors` (task id -> problem) shows a refused return form in place."""
    services = _services()
    incoming, incoming_total = services.records.queue(RECEPTION_TASK, ONE_STOP_LANE, QUEUE_SIZE)
    ready, ready_total = services.records.queue(RETURN_TASK, ONE_STOP_LANE, QUEUE_SIZE)
    now = services.clock.now()
    soon = soon_limit(services.calendars.current(), now)
    page = render_template(
        "counter/index.html",
        incoming=incoming,
        incoming_total=incoming_total,
        ready=ready,
        ready_total=ready_total,
        now=now,
        dossiers=services.dossiers.rows([t.code for t in (*incoming, *ready)]),
        channels=CHANNEL_LABELS,
        waited={t.task_id: _waited(t.ready_at, now) for t in (*incoming, *ready)},
        states={t.task_id: deadline_state(t.due_at, now, soon) for t in incoming},
        procedure_names={p.code: p.name for p in services.dossiers.catalogue},
        return_errors=return_errors or {},
        values=request.form if return_errors else {},
    )
    return page, status


_TIME_LIMITS = {"wd": "{amount} ngày làm việc", "wh": "{amount} giờ làm việc", "d": "{amount} ngày"}


def _time_limit(amount: float, unit: str) -> str:
    """A procedure's time limit as Mẫu 01 words it ("11 ngày làm việc"), in the current language."""
    return ngettext(_TIME_LIMITS[unit], amount, amount=f"{amount:g}".replace(".", ","))


@bp.app_template_filter("time_limit")
def time_limit_filter(procedure) -> str:
    """`{{ procedure|time_limit }}`: the procedure's time limit in words, in the current language."""
    return _time_limit(*procedure.time_limit)


def _waited(since: datetime | None, now: datetime) -> str:
    """How long a dossier has waited in a queue, in days, hours and minutes of the clock."""
    if since is None:
        return ""
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return _("{days} ngày {hours} giờ", days=days, hours=hours)
    if hours:
        return _("{hours} giờ {minutes} phút", hours=hours, minutes=minutes)
    return _("{minutes} phút", minutes=minutes)


@bp.post("/mot-cua/thu-phi/<code>")
@require("dossier.receive")
def collect_fee(code: str):
    """Collect a dossier's fee at the counter (recorded once in its history), then offer its receipt (biên lai)."""
    try:
        dossier = _services().dossiers.collect_fee(code, current_user().username)
    except InvalidTransition as exc:
        flash(str(exc), "error")
        return redirect(url_for("counter.index"))
    flash(_("Đã thu phí, lệ phí hồ sơ {code}; in biên lai ở cột Phí, lệ phí", code=dossier.code), "success")
    return redirect(url_for("counter.index", _anchor=f"fee-{dossier.code}"))


@bp.post("/mot-cua/tra-ket-qua/<task_id>")
@require("dossier.receive")
def record_return(task_id: str):
    """Complete the `tra_ket_qua` task with who collected the result and a note; the workflow sets status 10."""
    services = _services()
    task = services.task_list.get(task_id)
    authorize_task(task)
    if task.name != RETURN_TASK:
        raise ValidationError(
            _("Việc '{title}' không phải bước trả kết quả; mở việc để xử lý", title=task.title), {"task": "sai bước"}
        )
    receiver = " ".join(request.form.get("returned_to", "").split())
    note = request.form.get("note", "").strip()
    if not receiver:
        errors = {task_id: _("Ghi họ tên người nhận kết quả (người nộp hoặc người được ủy quyền)")}
        return _index_page(return_errors=errors, status=422)
    data = {"returned_to": receiver, "note": note}  # the fields of processes/forms/tra_ket_qua.json
    try:
        services.task_forms.complete(task_id, data, current_user().username)
    except ValidationError as exc:
        return _index_page(return_errors={task_id: "; ".join(exc.fields.values()) or str(exc)}, status=422)
    flash(_("Đã ghi nhận trả kết quả hồ sơ {code}", code=task.code))
    return redirect(url_for("counter.index"))


@bp.get("/mot-cua/hen-tra")
@require("dossier.receive")
def preview():
    """JSON {clock_start, appointment (ISO), clock_start_text, appointment_text (dd/mm/yyyy HH:MM), time_limit}, or
    422 {error: {message, fields}} for an unknown procedure, a channel it does not take or a bad handover time."""
    services, errors = _services(), {}
    code = request.args.get("procedure", "")
    channel = _channel(request.args.get("channel", ""), errors)
    handover_at = _moment(request.args.get("handover_at", ""), errors)
    try:
        if errors:
            raise ValidationError(_("Chưa tính được ngày hẹn"), errors)
        clock_start, appointment = services.reception.preview_appointment(code, channel, handover_at)
    except ValidationError as exc:
        fields = {**exc.fields, **errors}
        return jsonify({"error": {"code": exc.code, "message": str(exc), "fields": fields}}), 422
    procedure = services.reception.procedure(code)  # the entry of the procedure's latest version
    return jsonify(
        {
            "clock_start": clock_start.isoformat(),
            "appointment": appointment.isoformat(),
            "clock_start_text": vn_stamp(clock_start),
            "appointment_text": vn_stamp(appointment),
            "time_limit": _time_limit(*procedure.time_limit),
        }
    )


@bp.route("/mot-cua/tiep-nhan", methods=["GET", "POST"])
@require("dossier.receive")
def receive():
    services = _services()
    catalogue = services.dossiers.catalogue
    code = request.values.get("procedure", "").strip()
    if not code:
        query = request.args.get("q", "")
        return render_template("counter/choose.html", q=query, found=catalogue.search(query))
    procedure = services.reception.procedure(code)  # the entry of the procedure's latest version
    if procedure is None:
        error = _("Không có thủ tục mã '{code}' trong danh mục; tìm và chọn lại thủ tục", code=code)
        return render_template("counter/choose.html", q="", found=catalogue.search(""), error=error), 404
    if request.method == "GET":
        return _form_page(procedure, {"channel": "1", "result_delivery": "counter", "applicant_type": "1"}, {})
    values = request.form
    reception, errors = _read(procedure, values)
    if values.get("action") == "preview":
        return _form_page(procedure, values, errors, status=422 if errors else 200)
    files = _read_files(procedure, reception["documents"], errors)
    _digitised_without_file(reception["documents"], files, errors)
    actor = current_user().username
    if errors:
        errors = {**_other_errors(procedure, reception, actor), **errors}
        return _form_page(procedure, values, errors, status=422)
    try:
        dossier = services.reception.receive(
            procedure.code, actor=actor, scans=[scan for _n, scan in files], **reception
        )
    except ValidationError as exc:
        fields = {_scan_field(files, key): message for key, message in exc.fields.items()}
        return _form_page(procedure, values, fields or {"procedure_code": str(exc)}, status=422)
    flash(_("Đã tiếp nhận hồ sơ {code}; ngày hẹn trả {date}", code=dossier.code, date=vn_stamp(dossier.appointment)))
    return redirect(url_for("dossiers.show", code=dossier.code, **{"tiep-nhan": 1}))


def _form_page(procedure: Procedure, values, errors: dict, status: int = 200):
    """The reception form for `procedure` with `values` and `errors` in place, and the appointment it would get.

    A browser does not keep the files chosen in a page it loads again: each scan the request carried is named next to
    its document to be chosen again, and its document is no longer ticked digitised until it is (never a document
    marked digitised without its file)."""
    chosen = _chosen_scans(procedure)
    if chosen:
        values = {k: v for k, v in values.items() if not any(k == f"doc_{n}_digitised" for n in chosen)}
    preview_errors: dict[str, str] = {}
    channel = _channel(values.get("channel", ""), preview_errors)
    handover_at = _handover(values, channel, preview_errors)
    appointment = None
    if not preview_errors:
        try:
            appointment = _services().reception.preview_appointment(procedure.code, channel, handover_at)
        except ValidationError as exc:
            preview_errors = exc.fields
    shown = set(errors)
    page = render_template(
        "counter/receive.html",
        procedure=procedure,
        values=values,
        errors=errors,
        other_errors={k: v for k, v in errors.items() if not _shown_in_place(k)},
        preview_errors={k: v for k, v in preview_errors.items() if k not in shown},
        appointment=appointment,
        time_limit=_time_limit(*procedure.time_limit),
        applicant_types=APPLICANT_TYPES,
        channels={n: label for n, label in CHANNEL_LABELS.items() if CHANNELS[n] in procedure.channels},
        deliveries={k: v for k, v in DELIVERY_LABELS.items() if k != "post" or procedure.result_by_post},
        media_types=", ".join(FILE_MEDIA_TYPES.values()),
        max_file_mib=MAX_FILE_SIZE // (1024 * 1024),
        limits=APPLICANT_LIMITS,
        chosen=chosen,
    )
    return page, status


def _shown_in_place(field: str) -> bool:
    return (
        field.startswith(("applicant.", "doc_"))
        or field in ("channel", "handover_at", "handover_confirmed", "result_delivery", "documents")
        or (field.startswith("documents[") and field.count(".") == 0)
    )


def _read(procedure: Procedure, form) -> tuple[dict, dict[str, str]]:
    """The keyword arguments of `DossierService.receive` from the submitted form, and the fields that could not be
    read (a channel that is not a number, a handover time that is not a date)."""
    errors: dict[str, str] = {}
    applicant: dict = {key: form.get(f"applicant_{key}", "") for key in APPLICANT_FIELDS}
    kind = form.get("applicant_type", "")
    applicant["type"] = whole_number(kind, 2) if whole_number(kind, 2) is not None else kind
    for optional in ("email", "submitter"):
        if not applicant[optional].strip():
            del applicant[optional]
    documents = [
        {"name": d.name, "received": f"doc_{n}_received" in form, "digitised": f"doc_{n}_digitised" in form}
        for n, d in enumerate(procedure.documents, start=1)
    ]
    channel = _channel(form.get("channel", ""), errors)
    reception = {
        "applicant": applicant,
        "channel": channel,
        "result_delivery": form.get("result_delivery", ""),
        "documents": documents,
        "handover_at": _handover(form, channel, errors),
        "fee_paid": "fee_paid" in form,
        "handover_confirmed": "handover_confirmed" in form,
    }
    return reception, errors


def _other_errors(procedure: Procedure, reception: dict, actor: str) -> dict[str, str]:
    """What reception would also refuse, so that the officer sees every problem at once."""
    try:
        services = _services()
        check_reception(
            procedure,
            now=services.clock.now(),
            procedure_code=procedure.code,
            actor=actor,
            handover_window_days=services.reception.handover_confirm_days,
            **reception,
        )
    except ValidationError as exc:
        return exc.fields
    return {}


def _scan_field(files: list[tuple[int, Scan]], key: str) -> str:
    """The page's field for an error of reception: `scans[<i>].<field>` is the file input of that scan's document."""
    if key.startswith("scans[") and "]" in key:
        index = key[len("scans[") : key.index("]")]
        number = whole_number(index, 4)
        if number is not None and 1 <= number <= len(files):
            return f"doc_{files[number - 1][0]}_file"
    return key


def _read_files(procedure: Procedure, documents: list[dict], errors: dict[str, str]) -> list[tuple[int, Scan]]:
    """(document number, scan) of each scan sent; problems go into `errors` as `doc_<n>_file`."""
    files = []
    for n, (document, item) in enumerate(zip(procedure.documents, documents, strict=True), start=1):
        upload = request.files.get(f"doc_{n}_file")
        if upload is None or not upload.filename:
            continue
        field = f"doc_{n}_file"
        name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
        media_type = (upload.mimetype or "").lower()
        if media_type not in FILE_MEDIA_TYPES:
            media_type = (mimetypes.guess_type(name)[0] or media_type).lower()
        content = upload.read()
        if not item["received"]:
            errors[field] = _("đánh dấu đã nhận giấy tờ này trước khi đính kèm bản quét")
        elif media_type not in FILE_MEDIA_TYPES:
            errors[field] = _("chỉ nhận tệp {types}", types=", ".join(FILE_MEDIA_TYPES.values()))
        elif not content:
            errors[field] = _("tệp rỗng; chọn lại tệp đã quét")
        elif len(content) > MAX_FILE_SIZE:
            errors[field] = _("tệp lớn hơn {mib} MiB; quét với độ phân giải thấp hơn", mib=MAX_FILE_SIZE // 1048576)
        else:
            files.append((n, Scan(document.name, name, content, media_type)))
    return files


def _chosen_scans(procedure: Procedure) -> dict[int, str]:
    """{document number: file name} of the scans chosen in the request being answered."""
    chosen = {}
    for n in range(1, len(procedure.documents) + 1):
        upload = request.files.get(f"doc_{n}_file")
        if upload is not None and upload.filename:
            chosen[n] = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
    return chosen


def _digitised_without_file(documents: list[dict], files: list[tuple[int, Scan]], errors: dict[str, str]) -> None:
    """A document ticked digitised needs its scan in the same reception."""
    scanned = {n for n, _scan in files}
    for n, item in enumerate(documents, start=1):
        if item["digitised"] and n not in scanned and f"doc_{n}_file" not in errors:
            errors[f"doc_{n}_file"] = _(
                "đã đánh dấu Đã số hoá nhưng chưa có tệp bản quét: chọn tệp, hoặc bỏ đánh dấu Đã số hoá"
            )


def _channel(text: str, errors: dict[str, str]) -> int | None:
    number = whole_number((text or "").strip(), 2)
    if number is not None:
        return number
    errors["channel"] = _("chọn kênh nộp hồ sơ")
    return None


def _handover(form, channel: int | None, errors: dict[str, str]) -> datetime | None:
    # The field stays on the page whatever the channel; only a postal dossier has a handover time.
    return _moment(form.get("handover_at", ""), errors) if channel == POSTAL else None


def _moment(text: str, errors: dict[str, str]) -> datetime | None:
    """A handover time from `2026-03-02T07:30` (the browser's date-time field), an ISO time with its offset, or
    `02/03/2026 07:30`; a time without an offset is Vietnam time. Empty: None."""
    text = (text or "").strip()
    if not text:
        return None
    for parse in (datetime.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y %H:%M")):
        try:
            moment = parse(text)
        except ValueError:
            continue
        return moment if moment.utcoffset() is not None else moment.replace(tzinfo=VN_TZ)
    errors["handover_at"] = _("thời điểm '{value}' không đọc được; ghi dạng 02/03/2026 07:30", value=text)
    return None
