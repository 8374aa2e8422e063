"""Accounts of officers and systems. Passwords are stored only as argon2 hashes, API tokens only as SHA-256."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from engine.domain.clock import Clock
from engine.domain.errors import Conflict, NotFound, TooManyAttempts, ValidationError
from engine.domain.notify_channels import CHANNELS, NotifyChannels, check_channels, parse_chosen
from engine.domain.permissions import ROLES
from engine.persistence.db import Database
from engine.persistence.models import Account
from engine.persistence.unit_of_work import UnitOfWork

# Failed sign-ins counted over this window: for one account from one source (an IP address), and for one source
# across accounts. Neither lets someone else's guessing lock an officer out of their own machine. Above them, a
# ceiling over every account and source against spraying: while it is reached, only sources an account signed in
# from lately (KNOWN_SOURCE) may try that account.
ATTEMPT_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_PAIR = 5
MAX_FAILURES_PER_SOURCE = 20
MAX_FAILURES_OVERALL = 200  # the default of the setting `sign_in_ceiling`
KNOWN_SOURCE = timedelta(days=30)
MIN_PASSWORD = 8
TOKEN_USE_PRECISION = timedelta(minutes=1)  # how finely a token's last use is recorded


@dataclass(frozen=True)
class AccountInfo:
    username: str
    full_name: str
    role: str
    division: str
    active: bool = True

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    created_at: object
    last_used_at: object
    revoked: bool


def account_info(account: Account) -> AccountInfo:
    return AccountInfo(account.username, account.full_name, account.role, account.division, account.active)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountService:
    def __init__(self, db: Database, clock: Clock, ceiling: int = MAX_FAILURES_OVERALL):
        self.db = db
        self.clock = clock
        self.ceiling = ceiling  # failed sign-ins over every account and source, per window, before new sources wait
        self._hasher = PasswordHasher()

    # --- accounts ---------------------------------------------------------------------------------------------
    def create(
        self, username: str, full_name: str, role: str, division: str, password: str, exist_ok: bool = False
    ) -> AccountInfo:
        """Create an account. Raises ValidationError naming each wrong field, Conflict for a taken username."""
        problems = _check(username=username, full_name=full_name, role=role, division=division)
        if len(password or "") < MIN_PASSWORD:
            problems["password"] = f"mật khẩu cần ít nhất {MIN_PASSWORD} ký tự"
        if problems:
            raise ValidationError("Không tạo được tài khoản: " + "; ".join(problems.values()), problems)
        with self.db.unit_of_work() as uow:
            existing = uow.accounts.get(username)
            if existing is not None:
                if not exist_ok:
                    raise Conflict(f"Tài khoản {username} đã có; chọn tên đăng nhập khác")
                return account_info(existing)
            account = Account(
                username=username,
                full_name=full_name.strip(),
                role=role,
                division=division.strip(),
                password_hash=self._hasher.hash(password),
                active=True,
            )
            uow.accounts.add(account)
            return account_info(account)

    def get(self, username: str) -> AccountInfo:
        """The account `username` (active or not). Raises NotFound."""
        with self.db.reading() as uow:
            return account_info(self._account(uow, username))

    def all(self) -> list[AccountInfo]:
        with self.db.reading() as uow:
            return [account_info(a) for a in uow.accounts.by_role()]

    def update(self, username: str, *, full_name: str, role: str, division: str, active: bool) -> AccountInfo:
        """Change an account's name, role, division and whether it may sign in. Raises ValidationError, NotFound."""
        problems = _check(username=username, full_name=full_name, role=role, division=division)
        if problems:
            raise ValidationError("Không sửa được tài khoản: " + "; ".join(problems.values()), problems)
        with self.db.unit_of_work() as uow:
            account = self._account(uow, username)
            if account.role == "admin" and account.active and (role != "admin" or not active):
                # Nobody could manage accounts any more, and only the database could undo it.
                if not uow.accounts.other_active_admins(account.id):
                    which = "role" if role != "admin" else "active"
                    raise ValidationError(
                        "Phải còn ít nhất một quản trị viên đang hoạt động; tạo hoặc mở khoá quản trị viên khác trước",
                        {which: "đây là quản trị viên đang hoạt động cuối cùng"},
                    )
            account.full_name, account.role, account.division = full_name.strip(), role, division.strip()
            if account.active and not active:
                uow.web_sessions.end_all_of(account.id, self.clock.now(), "locked")
            account.active = active
            return account_info(account)

    def set_password(self, username: str, password: str) -> None:
        """Set a new password; every open session of the account ends (whoever had it must sign in again)."""
        if len(password or "") < MIN_PASSWORD:
            raise ValidationError(
                f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự", {"password": f"ít nhất {MIN_PASSWORD} ký tự"}
            )
        with self.db.unit_of_work() as uow:
            account = self._account(uow, username)
            account.password_hash = self._hasher.hash(password)
            uow.web_sessions.end_all_of(account.id, self.clock.now(), "password")

    def channels(self, username: str) -> NotifyChannels:
        """Where `username` is told of their tasks and deadlines. Raises NotFound."""
        with self.db.reading() as uow:
            account = self._account(uow, username)
            return NotifyChannels(account.email or "", account.zalo_id or "", parse_chosen(account.notify_channels))

    def set_channels(self, username: str, email: str, zalo_id: str, chosen: list[str]) -> NotifyChannels:
        """Save an officer's addresses and chosen channels. Raises ValidationError naming each wrong field (nothing
        saved), NotFound."""
        email, zalo_id = (email or "").strip(), (zalo_id or "").strip()
        problems = check_channels(email, zalo_id, chosen)
        if problems:
            raise ValidationError("Chưa lưu được kênh nhận thông báo: " + "; ".join(problems.values()), problems)
        ordered = tuple(name for name in CHANNELS if name in chosen)
        with self.db.unit_of_work() as uow:
            account = self._account(uow, username)
            account.email, account.zalo_id = email or None, zalo_id or None
            account.notify_channels = ",".join(ordered)
        return NotifyChannels(email, zalo_id, ordered)

    def _account(self, uow: UnitOfWork, username: str) -> Account:
        account = uow.accounts.get(username)
        if account is None:
            raise NotFound(f"Không có tài khoản {username}")
        return account

    # --- sign-in ----------------------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str, source: str = "") -> AccountInfo | None:
        """The active account if the password is right, else None. Every attempt is recorded.

        Raises TooManyAttempts (without checking the password) after too many recent failures for the account from
        `source`, or from `source`, or overall (unless the account signed in from `source` lately), until the oldest
        of them leaves the window.
        """
        username = (username or "")[:100]  # as recorded below, so that long names are counted too
        source = (source or "")[:100]
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            self._throttle(uow, username, source, now)
            account = uow.accounts.active(username)
            ok = False
            if account is None:
                self._hasher.hash(password)  # same cost whether or not the account exists
            else:
                try:
                    ok = self._hasher.verify(account.password_hash, password)
                except VerificationError:
                    ok = False
            uow.accounts.record_attempt(username, source, now, ok)
            return account_info(account) if ok and account is not None else None

    def _throttle(self, uow: UnitOfWork, username: str, source: str, now: datetime) -> None:
        since = now - ATTEMPT_WINDOW
        limits: list[tuple[dict[str, str], int]] = [({"username": username, "source": source}, MAX_FAILURES_PER_PAIR)]
        if source:
            limits.append(({"source": source}, MAX_FAILURES_PER_SOURCE))
        limits.append(({}, self.ceiling))
        for where, limit in limits:
            count, oldest = uow.accounts.failures_since(since=since, **where)
            if count < limit or oldest is None:
                continue
            if not where and source and uow.accounts.signed_in_from(username, source, since=now - KNOWN_SOURCE):
                continue  # the ceiling does not hold back an officer at a machine they use
            wait = int((oldest + ATTEMPT_WINDOW - now).total_seconds()) + 1
            raise TooManyAttempts(f"Đăng nhập sai quá nhiều lần; thử lại sau {max(1, (wait + 59) // 60)} phút", wait)

    # --- API tokens -------------------------------------------------------------------------------------------
    def create_token(self, username: str, name: str) -> str:
        """A new API token acting as `username`; the token itself is returned once and never stored."""
        if not (name or "").strip():
            raise ValidationError("Cần đặt tên cho mã truy cập (ví dụ: cổng dịch vụ công)", {"name": "bắt buộc"})
        if len(name.strip()) > 200:
            raise ValidationError("Tên mã truy cập dài quá 200 ký tự", {"name": "tên mã truy cập dài quá 200 ký tự"})
        token = "mc_" + secrets.token_urlsafe(32)
        with self.db.unit_of_work() as uow:
            uow.accounts.add_token(self._account(uow, username), name.strip(), _token_hash(token), self.clock.now())
        return token

    def token_account(self, token: str) -> AccountInfo | None:
        """The active account a valid, unrevoked token acts as; None otherwise. Records when it was last used, to
        the minute (`TOKEN_USE_PRECISION`): a read-only API call does not take the write lock each time."""
        if not token:
            return None
        now = self.clock.now()
        with self.db.reading() as uow:
            found = uow.accounts.token_in_force(_token_hash(token))
            if found is None or not found[2].active:
                return None
            token_id, last_used_at, account = found[0], found[1], account_info(found[2])
        if last_used_at is None or now - last_used_at >= TOKEN_USE_PRECISION:
            with self.db.unit_of_work() as uow:
                uow.accounts.token_used(token_id, now)
        return account

    def tokens(self) -> list[TokenInfo]:
        with self.db.reading() as uow:
            return [
                TokenInfo(t.id, username, t.name, t.created_at, t.last_used_at, t.revoked_at is not None)
                for t, username in uow.accounts.tokens()
            ]

    def revoke_token(self, token_id: int) -> None:
        with self.db.unit_of_work() as uow:
            token = uow.accounts.token(token_id)
            if token is None:
                raise NotFound(f"Không có mã truy cập số {token_id}")
            if token.revoked_at is None:
                token.revoked_at = self.clock.now()


def _check(*, username: str, full_name: str, role: str, division: str) -> dict[str, str]:
    problems = {}
    if not (username or "").strip():
        problems["username"] = "cần tên đăng nhập"
    elif not username.replace(".", "").replace("_", "").replace("-", "").isalnum() or len(username) > 100:
        problems["username"] = "tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch dưới, gạch ngang (tối đa 100 ký tự)"
    if not (full_name or "").strip():
        problems["full_name"] = "cần họ và tên"
    elif len(full_name.strip()) > 200:
        problems["full_name"] = "họ và tên dài quá 200 ký tự"
    if role not in ROLES:
        problems["role"] = f"vai trò không hợp lệ; chọn một trong: {', '.join(ROLES)}"
    if not (division or "").strip():
        problems["division"] = "cần đơn vị (phòng, ban)"
    elif len(division.strip()) > 200:
        problems["division"] = "tên đơn vị dài quá 200 ký tự"
    return problems


DEMO_ACCOUNTS = [
    ("motcua", "Nguyễn Thị Lan", "one_stop", "Bộ phận Một cửa"),
    ("chuyenvien", "Trần Văn Minh", "specialist", "Phòng Quản lý chuyên ngành"),
    ("truongphong", "Lê Thị Hoa", "division_head", "Phòng Quản lý chuyên ngành"),
    ("giamdoc", "Phạm Quốc Hùng", "director", "Ban Giám đốc"),
    ("vanthu", "Đỗ Thị Mai", "clerk", "Văn phòng Sở"),
    ("thietke", "Vũ Đức Anh", "designer", "Văn phòng Sở"),
    ("kiemtra", "Hoàng Thị Thu", "auditor", "Thanh tra Sở"),
    ("quantri", "Ngô Văn Tuấn", "admin", "Văn phòng Sở"),
]
# The specialists and heads of the other resolving divisions (processes/catalogue.yaml), so that every demo dossier
# has officers to work it: a division's officers see only the dossiers of the procedures it resolves.
DEMO_DIVISION_ACCOUNTS = [
    ("chuyenvien.kh", "Bùi Thị Ngọc", "specialist", "Phòng Quản lý khoa học"),
    ("truongphong.kh", "Đặng Văn Long", "division_head", "Phòng Quản lý khoa học"),
    ("chuyenvien.tdc", "Lý Thị Hằng", "specialist", "Chi cục Tiêu chuẩn Đo lường Chất lượng"),
    ("truongphong.tdc", "Trịnh Văn Khoa", "division_head", "Chi cục Tiêu chuẩn Đo lường Chất lượng"),
]
DEMO_PASSWORD = "motcua-demo"
