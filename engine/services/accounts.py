"""Accounts of officers and systems. Passwords are stored only as argon2 hashes."""

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select

from engine.domain.errors import Conflict, ValidationError
from engine.persistence.db import Database
from engine.persistence.models import Account

ROLES = {
    "one_stop": "Công chức Bộ phận Một cửa",
    "specialist": "Chuyên viên thụ lý",
    "division_head": "Lãnh đạo phòng chuyên môn",
    "director": "Lãnh đạo Sở",
    "clerk": "Văn thư",
    "designer": "Người thiết kế quy trình",
    "auditor": "Kiểm tra viên",
    "admin": "Quản trị hệ thống",
}


@dataclass(frozen=True)
class AccountInfo:
    username: str
    full_name: str
    role: str
    division: str


class AccountService:
    def __init__(self, db: Database):
        self.db = db
        self._hasher = PasswordHasher()

    def create(
        self, username: str, full_name: str, role: str, division: str, password: str, exist_ok: bool = False
    ) -> AccountInfo:
        """Create an account. Raises ValidationError for an unknown role or a short password."""
        problems = {}
        if role not in ROLES:
            problems["role"] = f"unknown role; one of: {', '.join(ROLES)}"
        if len(password) < 8:
            problems["password"] = "at least 8 characters"
        if not username.strip():
            problems["username"] = "required"
        if problems:
            raise ValidationError("the account cannot be created", problems)
        with self.db.transaction() as session:
            existing = session.scalars(select(Account).where(Account.username == username)).one_or_none()
            if existing is not None:
                if not exist_ok:
                    raise Conflict(f"account {username} already exists")
                return AccountInfo(existing.username, existing.full_name, existing.role, existing.division)
            session.add(
                Account(
                    username=username,
                    full_name=full_name,
                    role=role,
                    division=division,
                    password_hash=self._hasher.hash(password),
                    active=True,
                )
            )
        return AccountInfo(username, full_name, role, division)

    def authenticate(self, username: str, password: str) -> AccountInfo | None:
        with self.db.transaction() as session:
            account = session.scalars(
                select(Account).where(Account.username == username, Account.active.is_(True))
            ).one_or_none()
            if account is None:
                self._hasher.hash(password)  # same cost whether or not the account exists
                return None
            try:
                self._hasher.verify(account.password_hash, password)
            except VerificationError:
                return None
            return AccountInfo(account.username, account.full_name, account.role, account.division)


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
DEMO_PASSWORD = "motcua-demo"
