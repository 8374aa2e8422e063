"""The administrator's pages: accounts and roles, passwords, API tokens, calendar overrides; and `motcua token`."""

from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from engine.domain.errors import NotFound
from engine.persistence.models import Account, ApiToken, CalendarOverride
from engine.services.accounts import DEMO_PASSWORD
from tests.conftest import RecordingSender
from tests.web.conftest import Officer, ensure_account
from web import create_app
from web.cli import main

NEW = {"username": "nguyen.van.a", "full_name": "Nguyễn Văn A", "role": "specialist", "division": "Phòng Kế hoạch"}


def text(response) -> str:
    return response.get_data(as_text=True)


def count(services, model) -> int:
    with services.db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def sign_in_as(app, username: str, password: str = DEMO_PASSWORD):
    officer = Officer(app.test_client(), username, "")
    response = officer.post("/dang-nhap", {"username": username, "password": password})
    return officer, response


@pytest.fixture
def admin(sign_in):
    return sign_in("admin")


# --- accounts -----------------------------------------------------------------------------------------------------
def test_accounts_page_lists_every_account(admin, services):
    ensure_account(services, "director")
    services.accounts.create("cu", "Người Cũ", "clerk", "Văn phòng Sở", "mat-khau-cu", exist_ok=False)
    services.accounts.update("cu", full_name="Người Cũ", role="clerk", division="Văn phòng Sở", active=False)

    response = admin.get("/quan-tri/tai-khoan")

    assert response.status_code == 200
    page = text(response)
    for expected in ("quantri", "Ngô Văn Tuấn", "Quản trị hệ thống", "giamdoc", "Lãnh đạo Sở", "Ban Giám đốc"):
        assert expected in page
    assert "Người Cũ" in page and "Đã khoá" in page
    # The role select offers every role by its Vietnamese label.
    for label in ("Công chức Bộ phận Một cửa", "Chuyên viên thụ lý", "Kiểm tra viên", "Người thiết kế quy trình"):
        assert f">{label}</option>" in page


def test_admin_creates_an_account_that_can_sign_in(admin, app, services):
    response = admin.post("/quan-tri/tai-khoan", {**NEW, "password": "mat-khau-moi"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/quan-tri/tai-khoan"
    created = services.accounts.get("nguyen.van.a")
    assert (created.full_name, created.role, created.division, created.active) == (
        "Nguyễn Văn A",
        "specialist",
        "Phòng Kế hoạch",
        True,
    )
    assert "Đã tạo tài khoản nguyen.van.a" in text(admin.get("/quan-tri/tai-khoan"))
    _, signed_in = sign_in_as(app, "nguyen.van.a", "mat-khau-moi")
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"username": ""}, "cần tên đăng nhập"),
        ({"username": "có dấu cách"}, "tên đăng nhập chỉ gồm chữ, số"),
        ({"full_name": " "}, "cần họ và tên"),
        ({"role": "boss"}, "vai trò không hợp lệ"),
        ({"division": ""}, "cần đơn vị"),
        ({"password": "ngan"}, "mật khẩu cần ít nhất 8 ký tự"),
    ],
)
def test_a_wrong_new_account_is_refused_in_place(admin, services, change, field_message):
    before = count(services, Account)

    response = admin.post("/quan-tri/tai-khoan", {**NEW, "password": "mat-khau-moi", **change})

    assert response.status_code == 422
    page = text(response)
    assert field_message in page
    assert "Chưa tạo được tài khoản" in page
    assert 'aria-invalid="true"' in page
    assert NEW["full_name"] in page or "full_name" in change  # what was typed is kept
    assert count(services, Account) == before


def test_a_taken_username_is_refused_in_place(admin, services):
    before = count(services, Account)

    response = admin.post("/quan-tri/tai-khoan", {**NEW, "username": "quantri", "password": "mat-khau-moi"})

    assert response.status_code == 422
    assert "Tên đăng nhập quantri đã có; chọn tên khác" in text(response)
    assert count(services, Account) == before
    assert services.accounts.get("quantri").full_name == "Ngô Văn Tuấn"


def test_admin_edits_role_division_name_and_active(admin, services):
    ensure_account(services, "specialist")

    page = admin.get("/quan-tri/tai-khoan/chuyenvien")
    assert page.status_code == 200
    assert 'value="Trần Văn Minh"' in text(page)

    response = admin.post(
        "/quan-tri/tai-khoan/chuyenvien",
        {"action": "update", "full_name": "Trần Văn Minh Mới", "role": "division_head", "division": "Phòng Mới"},
    )

    assert response.status_code == 302
    changed = services.accounts.get("chuyenvien")
    assert (changed.full_name, changed.role, changed.division, changed.active) == (
        "Trần Văn Minh Mới",
        "division_head",
        "Phòng Mới",
        False,  # the box was not ticked
    )
    admin.post(
        "/quan-tri/tai-khoan/chuyenvien",
        {
            "action": "update",
            "full_name": "Trần Văn Minh Mới",
            "role": "division_head",
            "division": "Phòng Mới",
            "active": "1",
        },
    )
    assert services.accounts.get("chuyenvien").active is True


def test_a_wrong_edit_changes_nothing(admin, services):
    ensure_account(services, "specialist")

    response = admin.post(
        "/quan-tri/tai-khoan/chuyenvien",
        {"action": "update", "full_name": "", "role": "boss", "division": "Phòng Mới", "active": "1"},
    )

    assert response.status_code == 422
    page = text(response)
    assert "cần họ và tên" in page and "vai trò không hợp lệ" in page
    assert 'value="Phòng Mới"' in page  # what was typed is kept
    unchanged = services.accounts.get("chuyenvien")
    assert (unchanged.full_name, unchanged.role, unchanged.division) == (
        "Trần Văn Minh",
        "specialist",
        "Phòng Quản lý chuyên ngành",
    )


def test_the_last_active_administrator_cannot_lock_everyone_out(admin, services):
    for change in ({"role": "auditor", "active": "1"}, {"role": "admin"}):
        response = admin.post(
            "/quan-tri/tai-khoan/quantri",
            {"action": "update", "full_name": "Ngô Văn Tuấn", "division": "Văn phòng Sở", **change},
        )
        assert response.status_code == 422
        assert "Phải còn ít nhất một quản trị viên đang hoạt động" in text(response) or (
            "quản trị viên đang hoạt động cuối cùng" in text(response)
        )
        me = services.accounts.get("quantri")
        assert (me.role, me.active) == ("admin", True)

    # With a second administrator it is allowed.
    services.accounts.create("quantri2", "Quản Trị Hai", "admin", "Văn phòng Sở", "mat-khau-hai")
    response = admin.post(
        "/quan-tri/tai-khoan/quantri",
        {"action": "update", "full_name": "Ngô Văn Tuấn", "division": "Văn phòng Sở", "role": "auditor", "active": "1"},
    )
    assert response.status_code == 302
    assert services.accounts.get("quantri").role == "auditor"


def test_unknown_account_is_404(admin):
    response = admin.get("/quan-tri/tai-khoan/khong-co")
    assert response.status_code == 404
    assert "Không có tài khoản khong-co" in text(response)


def test_admin_resets_a_password(admin, app, services, sign_in):
    clerk = sign_in("clerk")  # a session that began with the old password (someone who knew it, say)
    url = "/quan-tri/tai-khoan/vanthu"

    mismatch = admin.post(url, {"action": "password", "password": "mat-khau-moi", "password_again": "mat-khau-khac"})
    short = admin.post(url, {"action": "password", "password": "ngan", "password_again": "ngan"})

    assert mismatch.status_code == 422 and "Hai lần nhập mật khẩu không khớp" in text(mismatch)
    assert short.status_code == 422 and "ít nhất 8 ký tự" in text(short)
    assert sign_in_as(app, "vanthu")[1].status_code == 302  # the old password still works

    done = admin.post(url, {"action": "password", "password": "mat-khau-moi", "password_again": "mat-khau-moi"})

    assert done.status_code == 302
    assert "Đã đặt mật khẩu mới cho vanthu" in text(admin.get(url))
    assert clerk.get("/").status_code == 302  # the old session is over
    assert sign_in_as(app, "vanthu")[1].status_code == 401
    assert sign_in_as(app, "vanthu", "mat-khau-moi")[1].status_code == 302


def test_unknown_action_is_refused(admin, services):
    ensure_account(services, "clerk")
    assert admin.post("/quan-tri/tai-khoan/vanthu", {"action": "xoa"}).status_code == 422
    assert admin.post("/quan-tri/ma-truy-cap", {"action": "xoa"}).status_code == 422
    assert admin.post("/quan-tri/lich", {"action": "xoa"}).status_code == 422


# --- API tokens ---------------------------------------------------------------------------------------------------
def test_a_new_token_is_shown_once_and_acts_as_its_account(admin, services, clock, sign_in):
    ensure_account(services, "one_stop")

    response = admin.post("/quan-tri/ma-truy-cap", {"action": "create", "username": "motcua", "name": "Cổng DVC tỉnh"})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    start = page.index('id="new-token">') + len('id="new-token">')
    token = page[start : page.index("<", start)]
    assert token.startswith("mc_") and len(token) > 30
    assert "chỉ hiện một lần" in page
    listing = text(admin.get("/quan-tri/ma-truy-cap"))
    assert token not in listing
    assert "Cổng DVC tỉnh" in listing and "Chưa dùng" in listing

    clock.advance(hours=2)
    assert services.accounts.token_account(token).username == "motcua"

    admin = sign_in("admin")  # two hours later: the first session has gone idle
    assert "02/03/2026 10:00" in text(admin.get("/quan-tri/ma-truy-cap"))  # last use, Vietnam time


def test_a_revoked_token_stops_working(admin, services):
    account = ensure_account(services, "one_stop")
    token = services.accounts.create_token(account.username, "Bưu điện")
    (info,) = services.accounts.tokens()

    response = admin.post("/quan-tri/ma-truy-cap", {"action": "revoke", "token_id": str(info.id)})

    assert response.status_code == 302
    assert services.accounts.token_account(token) is None
    page = text(admin.get("/quan-tri/ma-truy-cap"))
    assert "Đã thu hồi mã truy cập số" in page and "Đã thu hồi" in page
    assert admin.post("/quan-tri/ma-truy-cap", {"action": "revoke", "token_id": "999"}).status_code == 404
    assert admin.post("/quan-tri/ma-truy-cap", {"action": "revoke", "token_id": "abc"}).status_code == 422


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"username": "", "name": "Cổng"}, "Chọn tài khoản mà mã truy cập sẽ thay mặt"),
        ({"username": "khong-co", "name": "Cổng"}, "Không có tài khoản khong-co"),
        ({"username": "quantri", "name": "  "}, "Đặt tên cho mã truy cập"),
        ({"username": "quantri", "name": "x" * 201}, "tên mã truy cập dài quá 200 ký tự"),
    ],
)
def test_a_wrong_token_request_creates_nothing(admin, services, form, message):
    response = admin.post("/quan-tri/ma-truy-cap", {"action": "create", **form})

    assert response.status_code == 422
    assert message in text(response)
    assert 'id="new-token"' not in text(response)
    assert count(services, ApiToken) == 0


# --- calendar overrides -------------------------------------------------------------------------------------------
def test_calendar_page_lists_the_years_days_off_and_make_up_days_with_their_source(admin):
    response = admin.get("/quan-tri/lich")  # the clock's year

    assert response.status_code == 200
    page = text(response)
    assert "Lịch làm việc năm 2026" in page
    assert "30/04/2026" in page and "Thứ năm" in page
    assert "Ngày lễ, Tết theo Bộ luật Lao động" in page
    assert "Chưa có ngày nào trong năm này." in page
    assert "Lịch làm việc năm 2025" in text(admin.get("/quan-tri/lich?nam=2025"))
    assert admin.get("/quan-tri/lich?nam=hai-nghin").status_code == 422


def test_admin_adds_and_removes_an_override(admin, services):
    friday = date(2026, 3, 6)
    assert services.calendars.current().is_working_day(friday)

    response = admin.post(
        "/quan-tri/lich?nam=2026", {"action": "add", "day": "06/03/2026", "kind": "off", "reason": "TB số 5/TB-UBND"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/quan-tri/lich?nam=2026"
    assert not services.calendars.current().is_working_day(friday)
    page = text(admin.get("/quan-tri/lich?nam=2026"))
    assert "Đã ghi 06/03/2026 là ngày nghỉ" in page
    assert "TB số 5/TB-UBND" in page and "Quản trị viên khai báo" in page and "quantri" in page

    admin.post("/quan-tri/lich", {"action": "add", "day": "7/3/2026", "kind": "work", "reason": "Làm bù"})
    assert services.calendars.current().is_working_day(date(2026, 3, 7))  # a Saturday

    removed = admin.post("/quan-tri/lich?nam=2026", {"action": "remove", "day": "2026-03-06"})

    assert removed.status_code == 302
    assert services.calendars.current().is_working_day(friday)
    assert "Đã xoá ngày 06/03/2026" in text(admin.get("/quan-tri/lich?nam=2026"))
    assert admin.post("/quan-tri/lich", {"action": "remove", "day": "2026-03-06"}).status_code == 404
    assert admin.post("/quan-tri/lich", {"action": "remove", "day": "06/03/2026"}).status_code == 422


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"day": "2026-03-06"}, "Ngày phải viết dạng dd/mm/yyyy"),
        ({"day": ""}, "Ngày phải viết dạng dd/mm/yyyy"),
        ({"day": "31/02/2026"}, "Không có ngày 31/02/2026 trong lịch"),
        ({"day": "01/01/1800"}, "Năm phải từ 1990 đến 2100"),
        ({"kind": "holiday"}, "Chọn ngày nghỉ hoặc ngày làm việc"),
        ({"kind": ""}, "Chọn ngày nghỉ hoặc ngày làm việc"),
        ({"reason": " "}, "Ghi lý do"),
        ({"reason": "x" * 501}, "Lý do dài quá 500 ký tự"),
    ],
)
def test_a_wrong_override_changes_nothing(admin, services, form, message):
    good = {"action": "add", "day": "06/03/2026", "kind": "off", "reason": "TB số 5"}

    response = admin.post("/quan-tri/lich?nam=2026", {**good, **form})

    assert response.status_code == 422
    assert message in text(response)
    assert "Chưa ghi được" in text(response)
    assert count(services, CalendarOverride) == 0
    assert services.calendars.current().is_working_day(date(2026, 3, 6))


# --- who may ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "role", ["one_stop", "specialist", "division_head", "director", "clerk", "designer", "auditor"]
)
def test_only_administrators_reach_the_admin_pages(sign_in, role):
    officer = sign_in(role)
    for url in ("/quan-tri/tai-khoan", "/quan-tri/tai-khoan/quantri", "/quan-tri/ma-truy-cap", "/quan-tri/lich"):
        assert officer.get(url).status_code == 403
    assert officer.post("/quan-tri/tai-khoan", {**NEW, "password": "mat-khau-moi"}).status_code == 403


def test_admin_link_shows_in_the_menu_for_administrators_only(sign_in):
    assert 'href="/quan-tri/tai-khoan"' in text(sign_in("admin").get("/quan-tri/lich"))
    assert 'href="/quan-tri/tai-khoan"' not in text(sign_in("designer").get("/"))


# --- motcua token -------------------------------------------------------------------------------------------------
@pytest.fixture
def cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    app = create_app({"database_url": url}, sender=RecordingSender())
    services = app.extensions["motcua"]
    services.migrate()
    services.accounts.create("cong", "Cổng DVC", "one_stop", "Hệ thống", "mat-khau-cong")
    runner = CliRunner(env={"MOTCUA_DATABASE_URL": url})
    yield lambda *args: runner.invoke(main, list(args)), services
    services.close()


def test_token_cli_creates_lists_and_revokes(cli):
    run, services = cli

    created = run("token", "create", "cong", "--name", "Cổng DVC tỉnh")

    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("mc_")
    assert "không xem lại được" in created.stderr
    assert services.accounts.token_account(token).username == "cong"

    listing = run("token", "list")
    assert listing.exit_code == 0
    assert "cong" in listing.stdout and "Cổng DVC tỉnh" in listing.stdout and "còn hiệu lực" in listing.stdout
    assert token not in listing.stdout

    (info,) = services.accounts.tokens()
    revoked = run("token", "revoke", str(info.id))
    assert revoked.exit_code == 0 and "Đã thu hồi" in revoked.stdout
    assert services.accounts.token_account(token) is None
    assert "đã thu hồi" in run("token", "list").stdout


def test_token_cli_errors_are_one_clear_line(cli):
    run, services = cli

    unknown = run("token", "create", "khong-co", "--name", "x")
    nameless = run("token", "create", "cong", "--name", " ")
    missing = run("token", "revoke", "42")

    assert unknown.exit_code == 1 and "LỖI: Không có tài khoản khong-co" in unknown.stderr
    assert nameless.exit_code == 1 and "Cần đặt tên cho mã truy cập" in nameless.stderr
    assert missing.exit_code == 1 and "Không có mã truy cập số 42" in missing.stderr
    assert services.accounts.tokens() == []
    with pytest.raises(NotFound):
        services.accounts.revoke_token(42)


def test_an_administrator_who_resets_their_own_password_stays_signed_in(admin, app):
    other = sign_in_as(app, "quantri")[0]
    url = "/quan-tri/tai-khoan/quantri"

    response = admin.post(url, {"action": "password", "password": "mat-khau-moi", "password_again": "mat-khau-moi"})

    assert response.status_code == 302
    assert admin.get(url).status_code == 200
    assert other.get(url).status_code == 302  # their other browser is signed out
