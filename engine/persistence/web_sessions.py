"""Signed-in sessions of the pages (mapped rows, changed in the unit of work). Only a token's SHA-256 is stored."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from engine.persistence.models import Account, WebSession

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork


class WebSessionStore:
    def __init__(self, uow: "UnitOfWork"):
        self.session = uow.session

    def add(self, token_hash: str, account_id: int, source: str, now: datetime) -> None:
        self.session.add(
            WebSession(token_hash=token_hash, account_id=account_id, source=source, created_at=now, last_seen_at=now)
        )

    def open_with_account(self, token_hash: str) -> tuple[int, datetime, datetime, Account] | None:
        """(session id, created, last seen, its account) of the session with `token_hash` that has not ended."""
        found = self.session.execute(
            select(WebSession.id, WebSession.created_at, WebSession.last_seen_at, Account)
            .join(Account, WebSession.account_id == Account.id)
            .where(WebSession.token_hash == token_hash, WebSession.ended_at.is_(None))
        ).first()
        return (found.id, found.created_at, found.last_seen_at, found.Account) if found is not None else None

    def seen(self, session_id: int, now: datetime) -> None:
        self.session.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=now))

    def end(self, session_id: int, now: datetime, why: str) -> None:
        self.session.execute(
            update(WebSession)
            .where(WebSession.id == session_id, WebSession.ended_at.is_(None))
            .values(ended_at=now, ended_why=why)
        )

    def end_by_token(self, token_hash: str, now: datetime, why: str) -> None:
        self.session.execute(
            update(WebSession)
            .where(WebSession.token_hash == token_hash, WebSession.ended_at.is_(None))
            .values(ended_at=now, ended_why=why)
        )

    def end_all_of(self, account_id: int, now: datetime, why: str) -> int:
        """End every open session of `account_id`; how many ended."""
        result = self.session.execute(
            update(WebSession)
            .where(WebSession.account_id == account_id, WebSession.ended_at.is_(None))
            .values(ended_at=now, ended_why=why)
        )
        return getattr(result, "rowcount", 0) or 0

    def not_ended_of(self, username: str) -> list[tuple[datetime, datetime]]:
        """(created, last seen) of every session of `username` that has not ended."""
        rows = self.session.execute(
            select(WebSession.created_at, WebSession.last_seen_at)
            .join(Account, WebSession.account_id == Account.id)
            .where(Account.username == username, WebSession.ended_at.is_(None))
        )
        return [(created, seen) for created, seen in rows]
