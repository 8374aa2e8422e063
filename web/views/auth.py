"""Sign in, sign out, and the language switch."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from engine.domain.errors import TooManyAttempts
from web.auth import current_user
from web.auth import sign_in as start_session
from web.auth import sign_out as end_session
from web.i18n import LANGUAGES
from web.i18n import gettext as _

bp = Blueprint("auth", __name__)

# Where each role starts after signing in.
LANDING = {
    "one_stop": "counter.index",
    "specialist": "tasks.index",
    "division_head": "tasks.index",
    "director": "tasks.index",
    "clerk": "tasks.index",
    "auditor": "dossiers.index",
    "admin": "admin.accounts",
    "designer": "designer.index",
}


def safe_next(target: str | None) -> str | None:
    r"""Only a path on this site (no scheme, no host, not protocol-relative) is followed after sign-in.

    Browsers read a backslash as a slash and drop tabs and newlines, so `/\evil.example` and `/<tab>/evil.example`
    would leave the site: any backslash, whitespace or control character refuses the target.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def landing_url(role: str) -> str:
    return url_for(LANDING.get(role, "home.index"))


@bp.route("/dang-nhap", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        if current_user() is not None:
            return redirect(landing_url(current_user().role))
        return render_template("sign_in.html", next=request.args.get("next", ""))
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    services = current_app.extensions["motcua"]
    try:
        account = services.accounts.authenticate(username, password, request.remote_addr or "")
    except TooManyAttempts as exc:
        minutes = max(1, (exc.retry_after + 59) // 60)
        error = _("Đăng nhập sai quá nhiều lần; thử lại sau {minutes} phút", minutes=minutes)
        response = render_template("sign_in.html", next=request.form.get("next", ""), error=error, username=username)
        return response, 429, {"Retry-After": str(exc.retry_after)}
    if account is None:
        error = _("Tên đăng nhập hoặc mật khẩu không đúng")
        return render_template("sign_in.html", next=request.form.get("next", ""), error=error, username=username), 401
    start_session(account)
    return redirect(safe_next(request.form.get("next")) or landing_url(account.role))


@bp.post("/dang-xuat")
def sign_out():
    end_session()
    flash(_("Đã đăng xuất"))
    return redirect(url_for("auth.sign_in"))


@bp.post("/ngon-ngu/<lang>")
def set_language(lang: str):
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))
