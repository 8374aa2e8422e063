"""Administration: accounts and roles, API tokens, and the working calendar's overrides. Administrators only.

Every form re-renders its page with the problems next to the fields (status 422) and changes nothing when the input
is wrong; a change that worked redirects back with a flash message (so a reload does not send it twice), except a
new API token, which is shown once on the page that answers the POST and never again.
"""

import re
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from engine.domain.dates import vn_date
from engine.domain.errors import Conflict, NotFound, ValidationError
from engine.domain.numbers import whole_number
from engine.domain.permissions import ROLES
from web.auth import current_user, require
from web.auth import sign_in as start_session
from web.i18n import gettext as _

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")

KINDS = ("off", "work")  # their labels, and the sources', are in templates/admin/calendar.html
YEARS = (1990, 2100)
VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _services():
    return current_app.extensions["motcua"]


def _form(*names: str) -> dict[str, str]:
    return {name: request.form.get(name, "").strip() for name in names}


# --- accounts ---------------------------------------------------------------------------------------------------
def _accounts_page(form=None, errors=None, status=200):
    page = render_template(
        "admin/accounts.html",
        accounts=_services().accounts.all(),
        roles=ROLES,
        form=form or {"role": "specialist"},
        errors=errors or {},
    )
    return page, status


_MAKE_UP = re.compile(r"Làm bù cho ngày nghỉ (\S+)")


@bp.app_template_filter("calendar_reason")
def calendar_reason(reason: str) -> str:
    """The reason the calendar gives a make-up working day of the `holidays` package, in the current language; other
    reasons (holiday names, what an administrator typed) are shown as they are."""
    made_up = _MAKE_UP.fullmatch(reason or "")
    return _("Làm bù cho ngày nghỉ {day}", day=made_up[1]) if made_up else reason


@bp.get("/tai-khoan")
@require("account.manage")
def accounts():
    return _accounts_page()


@bp.post("/tai-khoan")
@require("account.manage")
def create_account():
    form = _form("username", "full_name", "role", "division")
    try:
        account = _services().accounts.create(**form, password=request.form.get("password", ""))
    except ValidationError as exc:
        return _accounts_page(form, exc.fields, 422)
    except Conflict:
        taken = _("Tên đăng nhập {username} đã có; chọn tên khác", username=form["username"])
        return _accounts_page(form, {"username": taken}, 422)
    flash(_("Đã tạo tài khoản {username}", username=account.username))
    return redirect(url_for("admin.accounts"))


@bp.route("/tai-khoan/<username>", methods=["GET", "POST"])
@require("account.manage")
def account(username: str):
    """GET: the account's form. POST `action=update` (name, role, division, active), `action=password`, or
    `action=end_sessions` (every session of the account ends: whoever holds one must sign in again)."""
    services = _services()
    account = services.accounts.get(username)  # NotFound -> 404
    if request.method == "GET":
        return _account_page(account)
    action = request.form.get("action")
    if action == "update":
        form = _form("full_name", "role", "division") | {"active": request.form.get("active") == "1"}
        try:
            services.accounts.update(username, **form)
        except ValidationError as exc:
            return _account_page(account, form, exc.fields, status=422)
        flash(_("Đã lưu tài khoản {username}", username=username))
        return redirect(url_for("admin.accounts"))
    if action == "password":
        password = request.form.get("password", "")
        problem = None
        if password != request.form.get("password_again", ""):
            problem = _("Hai lần nhập mật khẩu không khớp; nhập lại")
        else:
            try:
                services.accounts.set_password(username, password)
            except ValidationError as exc:
                problem = exc.fields.get("password") or str(exc)
        if problem:
            return _account_page(account, password_errors={"password": problem}, status=422)
        if username == current_user().username:
            start_session(services.accounts.get(username))  # other sessions end; this one goes on
        flash(_("Đã đặt mật khẩu mới cho {username}", username=username))
        return redirect(url_for("admin.account", username=username))
    if action == "end_sessions":
        ended = services.sessions.end_all(username)
        flash(_("Đã kết thúc {count} phiên đăng nhập của {username}", count=ended, username=username))
        return redirect(url_for("admin.account", username=username))
    raise ValidationError(_("Yêu cầu không hợp lệ: thiếu hoặc sai trường action (update | password | end_sessions)"))


def _account_page(account, form=None, errors=None, password_errors=None, status=200):
    values = form or {
        "full_name": account.full_name,
        "role": account.role,
        "division": account.division,
        "active": account.active,
    }
    page = render_template(
        "admin/account.html",
        account=account,
        roles=ROLES,
        form=values,
        errors=errors or {},
        password_errors=password_errors or {},
        is_me=account.username == current_user().username,
        open_sessions=_services().sessions.open_count(account.username),
    )
    return page, status


# --- API tokens -------------------------------------------------------------------------------------------------
@bp.route("/ma-truy-cap", methods=["GET", "POST"])
@require("account.manage")
def tokens():
    """GET: the tokens and a form for a new one. POST `action=create` (username, name) or `action=revoke` (token_id)."""
    if request.method == "GET":
        return _tokens_page()
    services = _services()
    action = request.form.get("action")
    if action == "create":
        form = _form("username", "name")
        errors = {}
        if not form["username"]:
            errors["username"] = _("Chọn tài khoản mà mã truy cập sẽ thay mặt")
        else:
            try:
                services.accounts.get(form["username"])
            except NotFound:
                errors["username"] = _("Không có tài khoản {username}", username=form["username"])
        if not form["name"]:
            errors["name"] = _("Đặt tên cho mã truy cập để nhận ra nó sau này (ví dụ: Cổng dịch vụ công tỉnh)")
        if not errors:
            try:
                token = services.accounts.create_token(form["username"], form["name"])
            except ValidationError as exc:
                errors = exc.fields
        if errors:
            return _tokens_page(form, errors, status=422)
        page, status = _tokens_page(new_token=token, new_token_for=form)
        # The token is in this page only: keep it out of caches and of the browser's history store.
        return page, status, {"Cache-Control": "no-store"}
    if action == "revoke":
        token_id = request.form.get("token_id", "")
        number = whole_number(token_id)
        if number is None:
            raise ValidationError(_("Số của mã truy cập cần thu hồi không hợp lệ"), {"token_id": token_id[:20]})
        services.accounts.revoke_token(number)  # NotFound -> 404
        flash(_("Đã thu hồi mã truy cập số {id}", id=token_id))
        return redirect(url_for("admin.tokens"))
    raise ValidationError(_("Yêu cầu không hợp lệ: thiếu hoặc sai trường action (create | revoke)"))


def _tokens_page(form=None, errors=None, new_token=None, new_token_for=None, status=200):
    services = _services()
    page = render_template(
        "admin/tokens.html",
        tokens=services.accounts.tokens(),
        accounts=services.accounts.all(),
        form=form or {},
        errors=errors or {},
        new_token=new_token,
        new_token_for=new_token_for,
    )
    return page, status


# --- working calendar -------------------------------------------------------------------------------------------
def _year(value: str | None) -> int:
    if not value:
        return _services().clock.now().year
    year = whole_number(value, 4)
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        raise ValidationError(
            _(
                "Năm '{value}' không hợp lệ: nhập một năm từ {first} đến {last}",
                value=value[:20],
                first=1990,
                last=2100,
            ),
            {"nam": value[:20]},
        )
    return year


def parse_vn_date(text: str) -> date:
    """A date written dd/mm/yyyy. Raises ValueError with a Vietnamese message saying how to write it."""
    match = VN_DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(_("Ngày phải viết dạng dd/mm/yyyy, ví dụ 30/04/2026"))
    try:
        day = date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise ValueError(_("Không có ngày {value} trong lịch; kiểm tra lại ngày và tháng", value=text.strip()))
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError(_("Năm phải từ {first} đến {last}", first=YEARS[0], last=YEARS[1]))
    return day


@bp.route("/lich", methods=["GET", "POST"])
@require("calendar.manage")
def calendar():
    """GET ?nam=YYYY: the year's days off and make-up days. POST `action=add` (day dd/mm/yyyy, kind, reason) or
    `action=remove` (day YYYY-MM-DD of an administrator's override)."""
    services = _services()
    if request.method == "GET":
        return _calendar_page(_year(request.args.get("nam")))
    action = request.form.get("action")
    if action == "add":
        form = _form("day", "kind", "reason")
        errors, day = {}, None
        try:
            day = parse_vn_date(form["day"])
        except ValueError as exc:
            errors["day"] = str(exc)
        if form["kind"] not in KINDS:
            errors["kind"] = _("Chọn ngày nghỉ hoặc ngày làm việc")
        if not form["reason"]:
            errors["reason"] = _("Ghi lý do, ví dụ số văn bản thông báo nghỉ hoặc làm bù")
        elif len(form["reason"]) > 500:
            errors["reason"] = _("Lý do dài quá 500 ký tự")
        if errors:
            return _calendar_page(_year(request.args.get("nam")), form, errors, status=422)
        services.calendars.add_override(day, form["kind"], form["reason"], current_user().username)
        if form["kind"] == "off":
            flash(_("Đã ghi {day} là ngày nghỉ", day=vn_date(day)))
        else:
            flash(_("Đã ghi {day} là ngày làm việc (làm bù)", day=vn_date(day)))
        return redirect(url_for("admin.calendar", nam=day.year))
    if action == "remove":
        try:
            day = date.fromisoformat(request.form.get("day", ""))
        except ValueError:
            raise ValidationError(_("Ngày cần xoá không hợp lệ"), {"day": request.form.get("day", "")})
        if not services.calendars.remove_override(day):
            raise NotFound(_("Không có ngày {day} trong các ngày quản trị viên khai báo", day=vn_date(day)))
        flash(_("Đã xoá ngày {day} khỏi các ngày quản trị viên khai báo", day=vn_date(day)))
        return redirect(url_for("admin.calendar", nam=day.year))
    raise ValidationError(_("Yêu cầu không hợp lệ: thiếu hoặc sai trường action (add | remove)"))


def _calendar_page(year: int, form=None, errors=None, status=200):
    services = _services()
    page = render_template(
        "admin/calendar.html",
        year=year,
        exceptions=services.calendars.current().year_exceptions(year),
        overrides=services.calendars.overrides(year),
        form=form or {"kind": "off"},
        errors=errors or {},
    )
    return page, status
