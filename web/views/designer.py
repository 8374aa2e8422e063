"""Process designers' pages (`/thiet-ke`): the procedures with their versions, and a modeler page per procedure
(bpmn-js in the browser: web/frontend/modeler.js, driven by web/static/designer.js) whose scripts call the JSON
endpoints below to load a version, run the checks, save a draft and deploy."""

from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request

from engine.domain.catalogue_entry import CHANNEL_LABELS, POLICY_LABELS, entry_form
from engine.domain.dates import vn_stamp
from engine.domain.deadlines import UNIT_NAMES_VI
from engine.domain.errors import Conflict, MotcuaError, ProcessDefinitionError, ValidationError
from web.auth import current_user, require
from web.errors import status_of
from web.i18n import gettext as _

bp = Blueprint("designer", __name__)
MAX_XML = 4 * 1024 * 1024


def _designer():
    return current_app.extensions["motcua"].designer


def _body() -> dict:
    """The JSON the page's script sends (a form, as a plain POST would send, reads the same)."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else request.form.to_dict()


def _xml(body: dict) -> str:
    xml = body.get("xml")
    if not isinstance(xml, str) or not xml.strip():
        raise ValidationError(_("Thiếu nội dung BPMN (xml)"), {"xml": _("bắt buộc")})
    if len(xml) > MAX_XML:
        raise ValidationError(_("Tệp BPMN quá lớn"), {"xml": _("quá lớn")})
    return xml


def _entry(body: dict):
    """The catalogue entry form the page sends with the diagram (None when it sends none)."""
    return body.get("catalogue")


def _problems(problems) -> list[dict]:
    return [{"element": p.element, "message": p.message, "file": p.file} for p in problems]


def _error(error: MotcuaError):
    body: dict = {"error": {"code": error.code, "message": str(error)}}
    if isinstance(error, ProcessDefinitionError):
        body["problems"] = [{"file": f, "element": e, "message": m} for f, e, m in error.problems]
        return jsonify(body), 422
    if isinstance(error, ValidationError):
        body["error"]["fields"] = error.fields
    return jsonify(body), status_of(error)


@bp.get("/thiet-ke")
@require("process.deploy")
def index():
    return render_template("designer/index.html", processes=_designer().processes())


@bp.get("/thiet-ke/<process_id>")
@require("process.deploy")
def show(process_id):
    workspace = _designer().workspace(process_id)
    others = [d for d in workspace.drafts if d.author != current_user().username]
    entry = workspace.entry_of(current_user().username)
    return render_template(
        "designer/show.html",
        workspace=workspace,
        others=others,
        choices=_designer().choices(),
        entry=entry_form(entry) if entry is not None else None,
        units=UNIT_NAMES_VI,
        channels=CHANNEL_LABELS,
        policies=POLICY_LABELS,
    )


@bp.get("/thiet-ke/<process_id>/ban-ve")
@require("process.deploy")
def diagram(process_id):
    """{file, number, xml, draft}: the latest deployed version (or `?version=N`) and the designer's own draft."""
    try:
        workspace = _designer().workspace(process_id)
        number = request.args.get("version", type=int)
        if number is not None:
            name, xml = _designer().version_xml(process_id, number)
        else:
            name, xml, number = workspace.file_name, workspace.xml, workspace.number
    except MotcuaError as error:
        return _error(error)
    mine = next((d for d in workspace.drafts if d.author == current_user().username), None)
    draft = {"xml": mine.xml, "base": mine.base_number, "saved_at": vn_stamp(mine.saved_at)} if mine else None
    return jsonify({"file": name, "number": number, "latest": workspace.number, "xml": xml, "draft": draft})


@bp.post("/thiet-ke/<process_id>/kiem-tra")
@require("process.deploy")
def check(process_id):
    """{problems: [{element, message, file}]}: empty when the diagram may be deployed."""
    try:
        body = _body()
        workspace = _designer().workspace(process_id)
        xml = _xml(body)
        if _entry(body) is not None:
            xml = _designer().with_entry(process_id, workspace.file_name, xml, _entry(body))
        return jsonify({"problems": _problems(_designer().check(process_id, workspace.file_name, xml))})
    except MotcuaError as error:
        return _error(error)


@bp.post("/thiet-ke/<process_id>/trien-khai")
@require("process.deploy")
def deploy(process_id):
    """Deploy the diagram as a new version: {number}; 422 with the problems; 409 when based on an old version."""
    try:
        body = _body()
        try:
            base = int(body.get("base", ""))
        except (TypeError, ValueError):
            raise ValidationError(_("Thiếu phiên bản gốc của bản sửa (base)"), {"base": _("bắt buộc")})
        workspace = _designer().workspace(process_id)
        number = _designer().deploy(
            process_id,
            workspace.file_name,
            _xml(body),
            base,
            str(body.get("note") or ""),
            current_user().username,
            entry=_entry(body),
        )
    except Conflict as error:
        return jsonify({"error": {"code": error.code, "message": str(error)}}), 409
    except MotcuaError as error:
        return _error(error)
    return jsonify({"number": number, "message": _("Đã triển khai phiên bản {number}", number=number)})


@bp.post("/thiet-ke/<process_id>/ban-nhap")
@require("process.deploy")
def save_draft(process_id):
    """Keep the designer's draft on the server: {saved_at}; `{"discard": true}` throws it away."""
    try:
        body = _body()
        user = current_user().username
        if body.get("discard") in (True, "1", "true"):
            _designer().discard_draft(process_id, user)
            return jsonify({"discarded": True})
        try:
            base = int(body.get("base", ""))
        except (TypeError, ValueError):
            raise ValidationError(_("Thiếu phiên bản gốc của bản sửa (base)"), {"base": _("bắt buộc")})
        saved = _designer().save_draft(process_id, user, base, _xml(body), entry=_entry(body))
    except MotcuaError as error:
        return _error(error)
    return jsonify({"saved_at": vn_stamp(saved)})


@bp.get("/thiet-ke/<process_id>/so-sanh")
@require("process.deploy")
def compare(process_id):
    """Two versions side by side, elements added, removed and changed marked, the changed properties listed."""
    workspace = _designer().workspace(process_id)
    numbers = [v.number for v in workspace.summary.versions]
    after = request.args.get("den", type=int) or (numbers[-1] if numbers else 0)
    before = request.args.get("tu", type=int) or max(1, after - 1)
    diffs = _designer().diff(process_id, before, after)
    catalogue = _designer().catalogue_diff(process_id, before, after)
    return render_template(
        "designer/compare.html",
        workspace=workspace,
        numbers=numbers,
        before=before,
        after=after,
        diffs=diffs,
        catalogue=catalogue,
    )


@bp.post("/thiet-ke/<process_id>/kich-ban")
@require("process.deploy")
def scenarios(process_id):
    """Run the procedure's scenarios on the diagram being edited: {scenarios: [{file, name, ok, steps}]}."""
    try:
        body = _body()
        workspace = _designer().workspace(process_id)
        results = _designer().run_scenarios(process_id, workspace.file_name, _xml(body))
    except MotcuaError as error:
        return _error(error)
    return jsonify(
        {
            "scenarios": [
                {
                    "file": Path(r.file).name,
                    "name": r.name,
                    "ok": r.ok,
                    "steps": [
                        {"number": s.number, "kind": s.kind, "ok": s.ok, "message": s.message, "element": s.element}
                        for s in r.steps
                    ],
                }
                for r in results
            ]
        }
    )


@bp.get("/thiet-ke/<process_id>/chuyen-phien-ban")
@require("process.deploy")
def migration(process_id):
    """The open dossiers of older versions: can each move safely to the latest (or `?den=N`) version, why not."""
    workspace = _designer().workspace(process_id)
    target, checks = _designer().migration_checks(process_id, request.args.get("den", type=int))
    return render_template("designer/migration.html", workspace=workspace, target=target, checks=checks, results=None)


@bp.post("/thiet-ke/<process_id>/chuyen-phien-ban")
@require("process.deploy")
def migrate(process_id):
    """Move the chosen dossiers (`code`, repeated) to version `den`: `action=dry_run` says what would happen,
    `action=apply` moves them, each in its own transaction."""
    workspace = _designer().workspace(process_id)
    target = request.form.get("den", type=int) or workspace.number
    codes = request.form.getlist("code")
    errors = {}
    results = None
    if not codes:
        errors["code"] = _("Chọn ít nhất một hồ sơ")
    else:
        try:
            results = _designer().migrate(
                process_id, codes, target, current_user().username, dry_run=request.form.get("action") != "apply"
            )
        except ValidationError as error:
            errors["code"] = str(error)
    target, checks = _designer().migration_checks(process_id, target)
    return render_template(
        "designer/migration.html",
        workspace=workspace,
        target=target,
        checks=checks,
        results=results,
        applied=request.form.get("action") == "apply",
        errors=errors,
    ), (422 if errors else 200)
