"""The outbox page of the administrators (/quan-tri/hop-thu-di): what waits to be sent to the portal, the postal
operator and people, what was parked as failed (with its error) and what was sent; a parked message is retried or
discarded with a reason, and either is recorded in the dossier's history."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from engine.domain.errors import ValidationError
from engine.domain.numbers import whole_number
from web.auth import current_user, require
from web.i18n import gettext as _

bp = Blueprint("outbox", __name__, url_prefix="/quan-tri/hop-thu-di")

STATES = ("pending", "failed", "sent", "discarded")


def _page(state: str, form=None, errors=None, status=200):
    view = current_app.extensions["motcua"].outbox.view(state)
    page = render_template(
        "admin/outbox.html", state=state, states=STATES, view=view, form=form or {}, errors=errors or {}
    )
    return page, status


def _state() -> str:
    state = request.args.get("trang-thai", "failed")
    return state if state in STATES else "failed"


@bp.get("")
@require("outbox.manage")
def index():
    """?trang-thai=pending|failed|sent|discarded (failed by default: what needs an administrator)."""
    return _page(_state())


@bp.post("")
@require("outbox.manage")
def act():
    """`action=retry` or `action=discard` (with `reason`) of the parked message `message`."""
    outbox = current_app.extensions["motcua"].outbox
    action, reason = request.form.get("action", ""), request.form.get("reason", "").strip()
    form = {"message": request.form.get("message", ""), "reason": reason}
    message_id = whole_number(form["message"])
    errors = {}
    if message_id is None:
        errors["message"] = _("Chọn một tin nhắn bị dừng")
    if action == "discard" and not reason:
        errors["reason"] = _("Ghi lý do bỏ tin nhắn")
    if action not in ("retry", "discard"):
        raise ValidationError(_("Yêu cầu không hợp lệ: thiếu hoặc sai trường action (retry | discard)"))
    if errors or message_id is None:
        return _page("failed", form, errors, 422)
    actor = current_user().username
    if action == "retry":
        outbox.retry(message_id, actor)
        flash(_("Đã đưa tin nhắn {id} vào hàng gửi lại", id=message_id))
    else:
        outbox.discard(message_id, reason, actor)
        flash(_("Đã bỏ tin nhắn {id}", id=message_id))
    return redirect(url_for("outbox.index", **{"trang-thai": "failed"}))
