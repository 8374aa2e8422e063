"""Feedback and petitions (phản ánh, kiến nghị): the public form and the public list of answers (no sign-in), and the
officers' list of every item with its deadline (the steps themselves are tasks in the task list)."""

from flask import Blueprint, current_app, render_template, request

from engine.domain.errors import TooManyAttempts, ValidationError
from web.auth import require

bp = Blueprint("feedback", __name__)
FIELDS = ("kind", "name", "contact", "dossier_code", "subject", "content")


def _services():
    return current_app.extensions["motcua"]


@bp.get("/phan-anh")
def form():
    return _form({"kind": request.args.get("loai", "rule"), "dossier_code": request.args.get("ma", "")[:100]}, {})


def _form(values: dict, errors: dict, code: int = 200, sent=None):
    rules = _services().feedback.rules
    return render_template(
        "feedback/form.html", values=values, errors=errors, kinds=rules.kinds, sent=sent, rules=rules
    ), code


@bp.post("/phan-anh")
def submit():
    values = {name: request.form.get(name, "")[:9000] for name in FIELDS}
    try:
        sent = _services().feedback.submit(
            values["kind"],
            "web",
            values["name"],
            values["contact"],
            values["subject"],
            values["content"],
            values["dossier_code"],
            source=request.remote_addr or "?",
        )
    except ValidationError as exc:
        return _form(values, {**exc.fields, "form": str(exc)}, 422)
    except TooManyAttempts as exc:
        return _form(values, {"form": str(exc)}, 429)
    return _form({}, {}, 201, sent=sent)


@bp.get("/phan-anh/tra-loi")
def answers():
    rules = _services().feedback.rules
    return render_template("feedback/answers.html", items=_services().feedback.published(limit=100), kinds=rules.kinds)


@bp.get("/phan-anh/danh-sach")
@require("feedback.list")
def officers_list():
    rules = _services().feedback.rules
    items = _services().feedback.all()
    now = _services().clock.now()
    return render_template("feedback/list.html", items=items, kinds=rules.kinds, channels=rules.channels, now=now)
