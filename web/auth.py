"""Who is asking: the session (pages) or an API token (systems); CSRF for forms; permission checks for views.

Every view states what it needs with `@require(action)`; checks on one task or one dossier use `authorize_task`
and `authorize_dossier`, which pages and the API share, so both follow the same rules.
"""

import hmac
import secrets
from functools import wraps

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from engine.domain.errors import Forbidden
from engine.domain.permissions import allowed, may_work_on, task_scope
from engine.services.accounts import AccountInfo

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def current_user() -> AccountInfo | None:
    return g.get("user")


def csrf_token() -> str:
    """The session's CSRF token (created on first use); forms send it back in a hidden field."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def sign_in(account: AccountInfo) -> None:
    """Start a fresh session for `account`, kept on the server (`SessionService`): the cookie carries only its token.
    A new CSRF token too: nothing carries over from before sign-in."""
    lang = session.get("lang")
    session.clear()
    session["sid"] = current_app.extensions["motcua"].sessions.start(account.username, request.remote_addr or "")
    if lang:
        session["lang"] = lang
    session.permanent = True


def sign_out() -> None:
    """End the session on the server (a copy of the cookie opens nothing afterwards) and clear the cookie."""
    current_app.extensions["motcua"].sessions.end(session.get("sid", ""))
    _forget()


def _forget() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _load_user() -> None:
    services = current_app.extensions["motcua"]
    g.user, g.by_token = None, False
    header = request.headers.get("Authorization", "")
    if _is_api() and header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            abort(401, description="Authorization phải có dạng 'Bearer <mã truy cập>'")
        g.user = services.accounts.token_account(token.strip())
        if g.user is None:
            abort(401, description="Mã truy cập không hợp lệ hoặc đã bị thu hồi")
        g.by_token = True
        return
    token = session.get("sid")
    if token:
        # None when the session ended: signed out, idle, password changed, account locked, ended by an administrator.
        g.user = services.sessions.account(token)
        if g.user is None:
            _forget()
    elif session.get("user"):  # a cookie from before sessions were kept on the server
        _forget()


def _check_csrf() -> None:
    """Unsafe requests that ride on the session cookie must prove they come from our own pages."""
    if request.method not in UNSAFE_METHODS or g.get("by_token"):
        return
    if _is_api() and g.get("user") is None:
        return  # nobody to impersonate: `require` answers 401, which tells an API client what is missing
    sent = request.headers.get(CSRF_HEADER) or (request.form.get(CSRF_FIELD) if not _is_api() else None)
    expected = session.get(CSRF_FIELD)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        abort(
            400,
            description="Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (thiếu mã chống giả mạo CSRF). "
            "Tải lại trang rồi thử lại.",
        )


def init_auth(app: Flask) -> None:
    app.before_request(_load_user)
    app.before_request(_check_csrf)
    app.jinja_env.globals.update(csrf_token=csrf_token, current_user=current_user, can=can)


def can(action: str) -> bool:
    """Whether the signed-in account may do `action` (for templates: show only the links that work)."""
    user = current_user()
    return user is not None and allowed(user.role, action)


def require(action: str | None = None):
    """Decorator: the view needs a signed-in account and, if given, permission for `action`.

    Not signed in: pages redirect to the sign-in page, the API answers 401. Not allowed: 403 (Forbidden).
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                if _is_api():
                    abort(401, description="Cần đăng nhập hoặc gửi mã truy cập (Authorization: Bearer ...)")
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if action is not None and not allowed(user.role, action):
                raise Forbidden(f"Vai trò {user.role_label} không được phép thực hiện việc này ({action})")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def authorize_task(task) -> None:
    """The signed-in officer may work on `task` (a TaskRow): its lane is their role's and, in a division's lanes,
    its dossier's procedure is resolved by their division. Raises Forbidden."""
    user = current_user()
    services = current_app.extensions["motcua"]
    division = services.access.task_division(task.procedure_code)
    if user is None or not may_work_on(user.role, task.lane, user.division, division):
        role = user.role_label if user else "khách"
        if user is not None and may_work_on(user.role, task.lane, division or "", division):
            raise Forbidden(f"Việc '{task.title}' thuộc {division}; {user.division} không xử lý hồ sơ của thủ tục này")
        raise Forbidden(f"Việc '{task.title}' thuộc {task.lane or 'vai trò khác'}; vai trò {role} không xử lý được")


def task_query_scope() -> dict:
    """The `lanes` and `procedures` of a TaskQuery for the signed-in officer: their role's lanes and, for a
    division's officers, only the procedures their division resolves."""
    user = current_user()
    catalogue = current_app.extensions["motcua"].dossiers.catalogue
    lanes, procedures = task_scope(user.role, user.division, catalogue.codes_of_division)
    return {"lanes": lanes, "procedures": procedures}


def authorize_dossier(code: str) -> None:
    """The signed-in account may read dossier `code` and its history. Raises Forbidden."""
    user = current_user()
    services = current_app.extensions["motcua"]
    if user is None or not services.access.may_view(code, user.username, user.role, user.division):
        raise Forbidden(
            f"Bạn không được xem hồ sơ {code}: chỉ Bộ phận Một cửa, lãnh đạo Sở, phòng chuyên môn giải quyết hồ sơ, "
            "người đã tham gia xử lý, kiểm tra viên và quản trị viên được xem"
        )
