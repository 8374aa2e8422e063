"""Signed-in sessions of the pages, kept on the server so that they can end.

The session cookie carries a random token; the server stores only its SHA-256 with the account, when it began and
when it was last used. A session ends when its officer signs out, when the account's password is changed or the
account is locked, when an administrator ends the account's sessions, after `idle` without a request, and after
`lifetime` in any case. A copied cookie is worth nothing once its session has ended.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from engine.domain.clock import Clock
from engine.domain.errors import NotFound
from engine.persistence.db import Database
from engine.persistence.models import Account
from engine.persistence.unit_of_work import UnitOfWork
from engine.services.accounts import AccountInfo, account_info

SEEN_PRECISION = timedelta(minutes=1)  # how finely last use is recorded: a page view is not a write each time


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionService:
    def __init__(self, db: Database, clock: Clock, idle: timedelta, lifetime: timedelta):
        self.db, self.clock, self.idle, self.lifetime = db, clock, idle, lifetime

    def start(self, username: str, source: str = "") -> str:
        """A new session for `username`; returns its token (kept by the cookie only). Raises NotFound."""
        token = secrets.token_urlsafe(32)
        with self.db.unit_of_work() as uow:
            account = self._account(uow, username)
            uow.web_sessions.add(_hash(token), account.id, (source or "")[:100], self.clock.now())
        return token

    def account(self, token: str) -> AccountInfo | None:
        """The active account whose open session `token` is, or None: the session ended, went idle longer than
        `idle`, is older than `lifetime`, or the account is locked. Records the use (to the minute)."""
        if not token:
            return None
        now = self.clock.now()
        with self.db.reading() as uow:
            found = uow.web_sessions.open_with_account(_hash(token))
            if found is None:
                return None
            session_id, created_at, last_seen_at, row = found
            account = account_info(row)
        expired = now - last_seen_at > self.idle or now - created_at > self.lifetime
        if expired or not account.active:
            with self.db.unit_of_work() as uow:
                uow.web_sessions.end(session_id, now, "idle" if expired else "locked")
            return None
        if now - last_seen_at >= SEEN_PRECISION:
            with self.db.unit_of_work() as uow:
                uow.web_sessions.seen(session_id, now)
        return account

    def end(self, token: str, why: str = "signed_out") -> None:
        """End the session `token` (signing out); nothing happens for an unknown or ended one."""
        if token:
            with self.db.unit_of_work() as uow:
                uow.web_sessions.end_by_token(_hash(token), self.clock.now(), why)

    def end_all(self, username: str, why: str = "admin") -> int:
        """End every open session of `username` (an administrator's "end all sessions"); how many ended.
        Raises NotFound."""
        with self.db.unit_of_work() as uow:
            return uow.web_sessions.end_all_of(self._account(uow, username).id, self.clock.now(), why)

    def open_count(self, username: str) -> int:
        """How many sessions of `username` are open (not ended and not idle), for the administrator's page."""
        now = self.clock.now()
        with self.db.reading() as uow:
            sessions = uow.web_sessions.not_ended_of(username)
        return sum(1 for created, seen in sessions if self._alive(created, seen, now))

    def _alive(self, created: datetime, seen: datetime, now: datetime) -> bool:
        return now - seen <= self.idle and now - created <= self.lifetime

    @staticmethod
    def _account(uow: UnitOfWork, username: str) -> Account:
        account = uow.accounts.get(username)
        if account is None:
            raise NotFound(f"Không có tài khoản {username}")
        return account
