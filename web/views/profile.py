"""The officer's own page (/ca-nhan): where they are told of their tasks and deadlines (e-mail address, Zalo user
id, which channels on). Notices go only to the channels chosen here (engine.services.officer_notices)."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from engine.domain.errors import ValidationError
from engine.domain.notify_channels import CHANNELS
from web.auth import current_user, require
from web.i18n import gettext as _

bp = Blueprint("profile", __name__)


def _problem(field: str, value: str) -> str:
    """The page's message for a wrong field (the value given, or none)."""
    if field == "email":
        if value:
            return _("Địa chỉ thư điện tử '{value}' không hợp lệ (ví dụ đúng: ten.ho@skhcn.gov.vn)", value=value)
        return _("Chọn nhận qua thư điện tử thì phải nhập địa chỉ thư điện tử")
    if field == "zalo_id":
        if value:
            return _("Mã người dùng Zalo '{value}' không hợp lệ (chỉ gồm chữ số, 6 đến 30 số)", value=value)
        return _("Chọn nhận qua Zalo thì phải nhập mã người dùng Zalo")
    return _("Chỉ chọn các kênh có trong danh sách")


def _page(form: dict, errors: dict | None = None, status: int = 200):
    labels = {name: _(label) for name, label in CHANNELS.items()}
    return render_template("profile.html", form=form, errors=errors or {}, channels=labels), status


@bp.get("/ca-nhan")
@require()
def index():
    mine = current_app.extensions["motcua"].accounts.channels(current_user().username)
    return _page({"email": mine.email, "zalo_id": mine.zalo_id, "channels": list(mine.chosen)})


@bp.post("/ca-nhan")
@require()
def save():
    form = {
        "email": request.form.get("email", "").strip(),
        "zalo_id": request.form.get("zalo_id", "").strip(),
        "channels": request.form.getlist("channels"),
    }
    accounts = current_app.extensions["motcua"].accounts
    try:
        accounts.set_channels(current_user().username, form["email"], form["zalo_id"], form["channels"])
    except ValidationError as exc:
        errors = {field: _problem(field, str(form.get(field) or "")) for field in exc.fields}
        return _page(form, errors, 422)
    flash(_("Đã lưu kênh nhận thông báo"))
    return redirect(url_for("profile.index"))
