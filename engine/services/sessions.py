"""Signed-in sessions of the pages, kept on the server so that they can end.

The session cookie carries a random token; the server stores only its SHA-256 with the account, when it began and
when it was last used. A session ends when its officer signs out, when the account's password is changed or the
account is locked, when an administrator ends the account's sessions, after `idle` without a request, and after
`lifetime` in any case. A copied cookie is worth nothing once its session has ended.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from engine.domain.clock import Clock
from engine.domain.errors import NotFound
from engine.persistence.db import Database
from engine.persistence.models import Account, WebSession
from engine.services.accounts import AccountInfo, account_info, end_sessions_of

SEEN_PRECISION = timedelta(minutes=1)  # how finely last use is recorded: a page view is not a write each time


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionService:
    def __init__(self, db: Database, clock: Clock, idle: timedelta, lifetime: timedelta):
        self.db, self.clock, self.idle, self.lifetime = db, clock, idle, lifetime

    def start(self, username: str, source: str = "") -> str:
        """A new session for `username`; returns its token (kept by the cookie only). Raises NotFound."""
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        with self.db.transaction() as session:
            account_id = session.scalar(select(Account.id).where(Account.username == username))
            if account_id is None:
                raise NotFound(f"Không có tài khoản {username}")
            session.add(
                WebSession(
                    token_hash=_hash(token),
                    account_id=account_id,
                    source=(source or "")[:100],
                    created_at=now,
                    last_seen_at=now,
                )
            )
        return token

    def account(self, token: str) -> AccountInfo | None:
        """The active account whose open session `token` is, or None: the session ended, went idle longer than
        `idle`, is older than `lifetime`, or the account is locked. Records the use (to the minute)."""
        if not token:
            return None
        now = self.clock.now()
        with self.db.read() as session:
            found = session.execute(
                select(WebSession.id, WebSession.created_at, WebSession.last_seen_at, Account)
                .join(Account, WebSession.account_id == Account.id)
                .where(WebSession.token_hash == _hash(token), WebSession.ended_at.is_(None))
            ).first()
        if found is None:
            return None
        expired = now - found.last_seen_at > self.idle or now - found.created_at > self.lifetime
        if expired or not found.Account.active:
            self._end(found.id, now, "idle" if expired else "locked")
            return None
        if now - found.last_seen_at >= SEEN_PRECISION:
            with self.db.transaction() as session:
                session.execute(update(WebSession).where(WebSession.id == found.id).values(last_seen_at=now))
        return account_info(found.Account)

    def end(self, token: str, why: str = "signed_out") -> None:
        """End the session `token` (signing out); nothing happens for an unknown or ended one."""
        if token:
            with self.db.transaction() as session:
                session.execute(
                    update(WebSession)
                    .where(WebSession.token_hash == _hash(token), WebSession.ended_at.is_(None))
                    .values(ended_at=self.clock.now(), ended_why=why)
                )

    def end_all(self, username: str, why: str = "admin") -> int:
        """End every open session of `username` (an administrator's "end all sessions"); how many ended.
        Raises NotFound."""
        with self.db.transaction() as session:
            account_id = session.scalar(select(Account.id).where(Account.username == username))
            if account_id is None:
                raise NotFound(f"Không có tài khoản {username}")
            return end_sessions_of(session, account_id, self.clock.now(), why)

    def open_count(self, username: str) -> int:
        """How many sessions of `username` are open (not ended and not idle), for the administrator's page."""
        now = self.clock.now()
        with self.db.read() as session:
            rows = session.execute(
                select(WebSession.created_at, WebSession.last_seen_at)
                .join(Account, WebSession.account_id == Account.id)
                .where(Account.username == username, WebSession.ended_at.is_(None))
            )
            return sum(1 for created, seen in rows if now - seen <= self.idle and now - created <= self.lifetime)

    def _end(self, session_id: int, now: datetime, why: str) -> None:
        with self.db.transaction() as session:
            session.execute(
                update(WebSession)
                .where(WebSession.id == session_id, WebSession.ended_at.is_(None))
                .values(ended_at=now, ended_why=why)
            )
