"""The officers' task list (/viec) and task pages: claim, release, complete with the task's form, preview Mẫu 04.

The list reads only the projection (services.task_list); forms, their validation and uploads are the engine's
(services.task_forms), so the API gets the same rules. A task of another role's lane is 403 (authorize_task).
"""

from dataclasses import replace

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from engine.domain.clock import VN_TZ
from engine.domain.errors import Conflict, NotFound, ValidationError
from engine.domain.numbers import whole_number
from engine.domain.portal import STATUS_LABELS
from engine.forms import schema as forms
from engine.services.task_forms import APOLOGY_APPROVAL, APOLOGY_TASK, Upload
from engine.services.task_list import DEADLINES, SORTS, TaskQuery
from web.auth import authorize_dossier, authorize_task, current_user, require, task_query_scope
from web.i18n import gettext as _
from web.views.auth import safe_next

bp = Blueprint("tasks", __name__)
PAGE_SIZE = 25
SCOPES = ("role", "mine")


@bp.app_template_global()
def form_fields(schema):
    """The fields of a JSON Schema form, for the `forms/fields.html` macros."""
    return forms.fields(schema)


def _services():
    return current_app.extensions["motcua"]


def _page_number() -> int:
    return max(whole_number(request.args.get("page", "1"), 6) or 1, 1)


def _query(scope: str, page: int, errors: dict[str, str]) -> TaskQuery:
    """The TaskQuery the list's filters ask for; a filter that cannot be read is named in `errors` and ignored."""
    user = current_user()
    args = request.args
    status = args.get("status", "").strip()
    portal_status = None
    if status:
        if whole_number(status, 2) in STATUS_LABELS:
            portal_status = whole_number(status, 2)
        else:
            errors["status"] = _("Trạng thái '{value}' không có; chọn trong danh sách", value=status)
    deadline = args.get("deadline") or None
    if deadline is not None and deadline not in DEADLINES:
        errors["deadline"] = _("Hạn xử lý '{value}' không có; chọn trong danh sách", value=deadline)
        deadline = None
    sort = args.get("sort") or "due_at"
    if sort not in SORTS:
        errors["sort"] = _("Không sắp xếp được theo '{value}'; chọn trong danh sách", value=sort)
        sort = "due_at"
    return TaskQuery(
        **task_query_scope(),
        assignee=user.username if scope == "mine" else None,
        procedure_code=args.get("procedure") or None,
        portal_status=portal_status,
        deadline=deadline,
        sort=sort,
        descending=args.get("desc") == "1",
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )


@bp.get("/viec")
@require("task.list")
def index():
    services = _services()
    scope = request.args.get("scope") if request.args.get("scope") in SCOPES else "role"
    errors: dict[str, str] = {}
    query = _query(scope, _page_number(), errors)
    page = services.task_list.page(query)
    other = replace(query, assignee=None if scope == "mine" else current_user().username, limit=1, offset=0)
    totals = {scope: page.total, ("role" if scope == "mine" else "mine"): services.task_list.page(other).total}
    catalogue = services.dossiers.catalogue
    return render_template(
        "tasks/index.html",
        page=page,
        scope=scope,
        totals=totals,
        errors=errors,
        pages=max((page.total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        page_number=query.offset // PAGE_SIZE + 1,
        procedures=sorted(catalogue, key=lambda p: p.name),
        procedure_names={p.code: p.name for p in catalogue},
        statuses=STATUS_LABELS,
        args=request.args,
        work_items=services.work_items.open_for(task_query_scope()["lanes"]),
    ), (422 if errors else 200)


@bp.post("/viec-phat-sinh/<int:item_id>/xong")
@require("work_item.done")
def work_item_done(item_id: int):
    """An officer marks a work item of their lane done, saying what they did (recorded in the dossier's history)."""
    try:
        item = _services().work_items.done(
            item_id, request.form.get("note", ""), current_user().username, task_query_scope()["lanes"]
        )
    except ValidationError as exc:
        flash(_("Chưa đánh dấu xong: {message}", message=exc.args[0]), "error")
        return redirect(url_for("tasks.index", _anchor="work-items"))
    flash(_("Đã xử lý xong việc “{title}” của hồ sơ {code}.", title=item.title, code=item.code))
    return redirect(url_for("tasks.index"))


def _task(task_id: str):
    task = _services().task_list.get(task_id)
    authorize_task(task)
    return task


def _sent_back(services, task):
    """The refusal that reopened `task`, with the refusing officer's full name instead of the username."""
    note = services.task_forms.sent_back(task)
    if note is None:
        return None
    try:
        return replace(note, actor=services.accounts.get(note.actor).full_name)
    except NotFound:  # an account removed since: its username is all we have
        return note


def _show(task, values, errors=None, message=None, status=200):
    services = _services()
    try:
        dossier = services.dossiers.get(task.code)
    except NotFound:  # an instance that is not a dossier (a process started by hand)
        dossier = None
    schema = services.task_forms.form(task)
    attrs = {}
    if task.name == APOLOGY_TASK and dossier is not None:  # the browser's own hint; the engine checks it again
        attrs["new_appointment"] = {"min": dossier.appointment.astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")}
    return render_template(
        "tasks/show.html",
        task=task,
        dossier=dossier,
        schema=schema,
        values=values,
        errors=errors or {},
        message=message,
        attrs=attrs,
        apology=task.name == APOLOGY_TASK and dossier is not None,
        sent_back=_sent_back(services, task) if dossier is not None else None,
        decisions=services.decisions.before(task.code, task.task_id),
        letter_titles=services.records.record(task.code).titles if dossier is not None else {},
        drafted_letter=task.name == APOLOGY_APPROVAL and dossier is not None,
        procedure=services.dossiers.catalogue.get(task.procedure_code or ""),
        state=_services().task_list.deadline_state(task.due_at),
    ), status


def _closed(task_id: str, status: int):
    """The page of a task no longer open (Back after completing it, a second submission): what became of it and where
    its dossier is now, for whoever may read the dossier. NotFound when the task never existed."""
    outcome = _services().task_outcomes.outcome(task_id)
    authorize_dossier(outcome.code)
    return render_template("tasks/closed.html", outcome=outcome), status


@bp.get("/viec/<task_id>")
@require("task.work")
def show(task_id: str):
    try:
        task = _task(task_id)
    except NotFound:
        return _closed(task_id, 200)
    return _show(task, _services().task_forms.initial(task))


@bp.post("/viec/<task_id>")
@require("task.work")
def complete(task_id: str):
    try:
        task = _task(task_id)
    except NotFound:
        return _closed(task_id, 409)
    form = {k: v for k, v in request.form.to_dict(flat=False).items() if k != "csrf_token"}
    uploads = {
        name: Upload(f.filename or "", f.read(), f.mimetype or "") for name, f in request.files.items() if f.filename
    }
    try:
        _services().task_forms.submit(task_id, form, uploads, current_user().username)
    except ValidationError as exc:
        return _show(task, forms.compact(_services().task_forms.form(task), form), exc.fields, str(exc), 422)
    except Conflict as exc:
        return render_template("tasks/conflict.html", task=task, message=str(exc)), 409
    flash(_("Đã hoàn thành việc “{title}” của hồ sơ {code}.", title=task.title, code=task.code))
    return redirect(url_for("tasks.index"))


def _back(task_id: str):
    return redirect(safe_next(request.form.get("next")) or url_for("tasks.show", task_id=task_id))


@bp.post("/viec/<task_id>/nhan")
@require("task.work")
def claim(task_id: str):
    task = _task(task_id)
    if task.assignee and task.assignee != current_user().username:
        message = _("Việc “{title}” của hồ sơ {code} đã do {name} nhận trước.", title=task.title, code=task.code,
                    name=task.assignee)  # fmt: skip
        return render_template("tasks/conflict.html", task=task, message=message), 409
    _services().instances.claim(task_id, current_user().username)
    flash(_("Đã nhận việc “{title}” của hồ sơ {code}.", title=task.title, code=task.code))
    return _back(task_id)


@bp.post("/viec/<task_id>/tra-lai")
@require("task.work")
def release(task_id: str):
    task = _task(task_id)
    if task.assignee != current_user().username:
        message = _("Bạn chưa nhận việc “{title}” của hồ sơ {code} nên không trả lại được.", title=task.title,
                    code=task.code)  # fmt: skip
        return render_template("tasks/conflict.html", task=task, message=message), 409
    _services().instances.release(task_id, current_user().username)
    flash(_("Đã trả lại việc “{title}” của hồ sơ {code} cho vai trò.", title=task.title, code=task.code))
    return _back(task_id)


@bp.get("/viec/<task_id>/xem-truoc")
@require("task.work")
def preview(task_id: str):
    """Mẫu 04 as the apology task's draft (reason, new date in the query string) would make it; nothing is saved."""
    task = _task(task_id)
    html = _services().task_forms.preview(
        task, request.args.get("delay_reason", ""), request.args.get("new_appointment", "")
    )
    return Response(html, mimetype="text/html")


@bp.get("/viec/<task_id>/phieu-du-thao")
@require("task.work")
def drafted_letter(task_id: str):
    """Mẫu 04 as the apology drafted for approval task `task_id` makes it, PDF (?dinh-dang=pdf) or HTML."""
    task = _task(task_id)
    fmt = "pdf" if request.args.get("dinh-dang") == "pdf" else "html"
    content = _services().task_forms.drafted_apology(task, fmt)
    response = Response(content, mimetype="application/pdf" if fmt == "pdf" else "text/html")
    response.headers["Content-Disposition"] = f'inline; filename="{task.code}_phieu_xin_loi_du_thao.{fmt}"'
    return response
