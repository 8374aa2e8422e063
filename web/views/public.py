"""The citizen's pages, without sign-in: the status look-up (`/tra-cuu`, also the target of the QR on Mẫu 01) with the
satisfaction rating after the result; and the counter's page where the one-stop officer records a rating given in
person (`/mot-cua/danh-gia`)."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from engine.domain.errors import InvalidTransition, NotFound, TooManyAttempts, ValidationError
from engine.domain.permissions import allowed
from engine.services.public import DIGITS, LEVELS
from web.auth import current_user, require
from web.i18n import gettext as _

bp = Blueprint("public", __name__)
LOOKED_UP = "looked_up"  # the session remembers the dossier whose code and phone digits were given


def _services():
    return current_app.extensions["motcua"]


def _page(status=None, errors=None, values=None, code=200):
    return (
        render_template(
            "public/lookup.html", status=status, errors=errors or {}, values=values or {}, levels=LEVELS, digits=DIGITS
        ),
        code,
    )


@bp.get("/tra-cuu")
def lookup_form():
    code = request.args.get("ma", "").strip()[:100]
    user = current_user()
    # The QR of Mẫu 01 links here: an officer who may read the dossier scans it to open the dossier itself; the
    # holder of the receipt (nobody signed in) gets the status look-up with the code filled in.
    if code and user is not None and allowed(user.role, "dossier.view"):
        if _services().access.may_view(code, user.username, user.role, user.division):
            return redirect(url_for("dossiers.show", code=code))
    return _page(values={"code": code})


@bp.post("/tra-cuu")
def lookup():
    values = {"code": request.form.get("code", "")[:100], "phone": request.form.get("phone", "")[:20]}
    try:
        status = _services().public.lookup(values["code"], values["phone"], request.remote_addr or "?")
    except ValidationError as exc:
        return _page(errors=exc.fields, values=values, code=422)
    except TooManyAttempts as exc:
        return _page(errors={"limit": str(exc)}, values=values, code=429)
    except NotFound as exc:
        return _page(errors={"found": str(exc)}, values=values, code=404)
    session[LOOKED_UP] = status.code
    return _page(status=status)


@bp.post("/tra-cuu/danh-gia")
def rate():
    code = request.form.get("code", "")
    if not code or session.get(LOOKED_UP) != code:
        flash(_("Tra cứu lại hồ sơ (mã và số điện thoại) trước khi đánh giá"), "error")
        return redirect(url_for("public.lookup_form", ma=code[:100]))
    try:
        status = _services().public.rate(code, request.form.get("level", ""), request.form.get("reason", ""), "public")
    except (ValidationError, InvalidTransition) as exc:
        return _rerender(code, exc)
    flash(_("Cảm ơn bạn đã đánh giá. Ý kiến của bạn giúp Sở phục vụ tốt hơn."), "success")
    return _page(status=status)


def _rerender(code: str, exc: ValidationError | InvalidTransition):
    """The status again (this session looked it up), with what is wrong with the rating."""
    status = _services().public.status_of(code)
    errors = {**getattr(exc, "fields", {}), "rating": str(exc)}
    return _page(
        status=status, errors=errors, values=request.form, code=422 if isinstance(exc, ValidationError) else 409
    )


@bp.route("/mot-cua/danh-gia", methods=["GET", "POST"])
@require("rating.record")
def counter_rating():
    values, errors = dict(request.form) if request.method == "POST" else {"code": request.args.get("ma", "")}, {}
    if request.method == "POST":
        try:
            _services().public.rate(
                values.get("code", ""),
                values.get("level", ""),
                values.get("reason", ""),
                "counter",
                current_user().username,
            )
        except (ValidationError, InvalidTransition, NotFound) as exc:
            errors = {**getattr(exc, "fields", {}), "form": str(exc)}
        else:
            flash(
                _("Đã ghi nhận đánh giá của người nộp cho hồ sơ {code}", code=values["code"].strip().upper()), "success"
            )
            return redirect(url_for("public.counter_rating"))
    return render_template("public/counter_rating.html", values=values, errors=errors, levels=LEVELS), (
        422 if errors else 200
    )
