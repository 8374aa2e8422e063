"""The auditor's pages: the search of dossiers (`/kiem-tra`, paged, exported as CSV) and the verification of one
dossier's history from its page (the chain, the seals, the stored rows, and the re-execution of its steps)."""

import json

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from engine.domain.errors import ValidationError
from engine.domain.portal import STATUS_LABELS
from web.auth import authorize_dossier, require
from web.i18n import gettext as _
from web.views.dossiers import _day, _number, _show_page

bp = Blueprint("audit", __name__)

CRITERIA = (
    "code",
    "applicant",
    "procedure",
    "division",
    "officer",
    "received_from",
    "received_to",
    "status",
    "timeliness",
    "extended",
    "supplemented",
)
_YES_NO = {"": None, "yes": True, "no": False}


def _services():
    return current_app.extensions["motcua"]


def _query(args, errors: dict[str, str]):
    """The service's query from the page's parameters; problems go into `errors` (None returned then)."""
    status = (args.get("status") or "").strip()
    flags = {}
    for name in ("extended", "supplemented"):
        value = (args.get(name) or "").strip()
        if value not in _YES_NO:
            errors[name] = _("chọn có hoặc không")
        flags[name] = _YES_NO.get(value)
    criteria = {
        "code": (args.get("code") or "")[:100],
        "applicant": (args.get("applicant") or "")[:200],
        "procedure": (args.get("procedure") or "").strip(),
        "division": (args.get("division") or "").strip(),
        "officer": (args.get("officer") or "")[:100],
        "received_from": _day(args.get("received_from", ""), "received_from", errors),
        "received_to": _day(args.get("received_to", ""), "received_to", errors),
        "status": _number(status, "status", errors) if status else None,
        "timeliness": (args.get("timeliness") or "").strip(),
        **flags,
    }
    if errors:
        return None
    try:
        return _services().audit_search.query(**criteria)
    except ValidationError as exc:
        errors.update(exc.fields)
        return None


@bp.get("/kiem-tra")
@require("dossier.view_any")
def search():
    services, args, errors = _services(), request.args, {}
    page = _number(args.get("page", "1") or "1", "page", errors) or 1
    if page < 1:
        errors["page"] = _("trang bắt đầu từ 1")
    query = _query(args, errors)
    found = None
    if query is not None and not errors:
        found = services.audit_search.search(query, page)
    kept = {k: v for k, v in args.items() if k in CRITERIA and v}
    html = render_template(
        "audit/search.html",
        found=found,
        errors=errors,
        values=args,
        previous_url=url_for("audit.search", **kept, page=page - 1) if found and page > 1 else None,
        next_url=url_for("audit.search", **kept, page=page + 1) if found and page < found.pages else None,
        csv_url=url_for("audit.export", fmt="csv", **kept),
        statuses=STATUS_LABELS,
        procedures=services.dossiers.catalogue.procedures,
        divisions=services.dossiers.catalogue.divisions(),
    )
    return html, 422 if errors else 200


@bp.get("/kiem-tra/xuat.<fmt>")
@require("dossier.view_any")
def export(fmt: str):
    if fmt != "csv":
        abort(404)
    errors: dict[str, str] = {}
    query = _query(request.args, errors)
    if query is None:
        return Response("; ".join(errors.values()), status=422, mimetype="text/plain; charset=utf-8")
    body = "\ufeff" + _services().audit_search.csv(query)  # the BOM lets spreadsheet programs read UTF-8
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="kiem-tra-ho-so.csv"'
    return response


@bp.post("/ho-so/<code>/kiem-tra")
@require("dossier.verify")
def verify(code: str):
    """Verify the dossier's history and re-execute it; the dossier page shows the outcome."""
    authorize_dossier(code)
    services = _services()
    report = services.audit.verify(code, None)  # with the latest anchor, if one was written
    replayed = services.replay.replay(code)
    return _show_page(code, verification=(report, replayed))


@bp.get("/ho-so/<code>/lich-su.<fmt>")
@require("dossier.verify")
def history_export(code: str, fmt: str):
    """The dossier's history with its digests, to keep and verify offline (`motcua verify --file`)."""
    if fmt not in ("json", "csv"):
        abort(404)
    authorize_dossier(code)
    audit = _services().audit
    if fmt == "csv":
        response = Response(audit.export_csv(code), mimetype="text/csv; charset=utf-8")
    else:
        body = json.dumps(audit.export(code), ensure_ascii=False, indent=1)
        response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="lich-su-{code}.{fmt}"'
    return response
