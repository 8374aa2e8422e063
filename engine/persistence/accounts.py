"""Accounts, their API tokens and the record of sign-in attempts (mapped rows, changed in the unit of work)."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from engine.persistence.models import Account, ApiToken, SignInAttempt

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork


class AccountStore:
    def __init__(self, uow: "UnitOfWork"):
        self.session = uow.session

    # --- accounts -----------------------------------------------------------------------------------------------
    def get(self, username: str) -> Account | None:
        return self.session.scalars(select(Account).where(Account.username == username)).one_or_none()

    def active(self, username: str) -> Account | None:
        """The account `username` if it may sign in."""
        return self.session.scalars(
            select(Account).where(Account.username == username, Account.active.is_(True))
        ).one_or_none()

    def of_division(self, role: str, division: str) -> list[tuple[str, str]]:
        """(username, full name) of the active accounts of `role` in `division`, by full name."""
        rows = self.session.execute(
            select(Account.username, Account.full_name)
            .where(Account.role == role, Account.division == division, Account.active.is_(True))
            .order_by(Account.full_name, Account.username)
        )
        return [(username, full_name or username) for username, full_name in rows]

    def to_notify(self, *, username: str | None = None, role: str | None = None, division: str | None = None):
        """The active accounts that chose a channel: `username`, or those of `role` (in `division` when given)."""
        where = [Account.active.is_(True), Account.notify_channels != ""]
        if username is not None:
            where.append(Account.username == username)
        if role is not None:
            where.append(Account.role == role)
        if division is not None:
            where.append(Account.division == division)
        return list(self.session.scalars(select(Account).where(*where).order_by(Account.username)))

    def by_role(self) -> list[Account]:
        """Every account, by role then username."""
        return list(self.session.scalars(select(Account).order_by(Account.role, Account.username)))

    def add(self, account: Account) -> None:
        self.session.add(account)

    def other_active_admins(self, account_id: int) -> int:
        """How many active administrators there are besides account `account_id`."""
        return (
            self.session.scalar(
                select(func.count()).where(Account.role == "admin", Account.active.is_(True), Account.id != account_id)
            )
            or 0
        )

    def full_names(self, usernames: Iterable[str]) -> dict[str, str]:
        """Username -> full name, for those of `usernames` that have an account (and a name)."""
        wanted = sorted({u for u in usernames if u and u != "system"})
        if not wanted:
            return {}
        rows = self.session.execute(select(Account.username, Account.full_name).where(Account.username.in_(wanted)))
        return {username: full_name for username, full_name in rows if full_name}

    # --- sign-in attempts ---------------------------------------------------------------------------------------
    def failures_since(
        self, *, since: datetime, username: str | None = None, source: str | None = None
    ) -> tuple[int, datetime | None]:
        """(count, oldest moment) of the failed sign-ins after `since`: for `username` from `source` when both are
        given, from `source` when only it is, over every account and source when neither is."""
        where = [SignInAttempt.at > since, SignInAttempt.succeeded.is_(False)]
        if username is not None:
            where.append(SignInAttempt.username == username)
        if source is not None:
            where.append(SignInAttempt.source == source)
        count, oldest = self.session.execute(select(func.count(), func.min(SignInAttempt.at)).where(*where)).one()
        return count, oldest

    def signed_in_from(self, username: str, source: str, *, since: datetime) -> bool:
        """Whether `username` signed in successfully from `source` after `since`."""
        return bool(
            self.session.scalar(
                select(func.count()).where(
                    SignInAttempt.username == username,
                    SignInAttempt.source == source,
                    SignInAttempt.succeeded.is_(True),
                    SignInAttempt.at > since,
                )
            )
        )

    def record_attempt(self, username: str, source: str, at: datetime, succeeded: bool) -> None:
        self.session.add(SignInAttempt(username=username, source=source, at=at, succeeded=succeeded))

    # --- API tokens ---------------------------------------------------------------------------------------------
    def add_token(self, account: Account, name: str, token_hash: str, now: datetime) -> None:
        self.session.add(ApiToken(account_id=account.id, name=name, token_hash=token_hash, created_at=now))

    def token_in_force(self, token_hash: str) -> tuple[int, datetime | None, Account] | None:
        """(token id, when last used, its account) of the unrevoked token with hash `token_hash`."""
        found = self.session.execute(
            select(ApiToken.id, ApiToken.last_used_at, Account)
            .join(Account, ApiToken.account_id == Account.id)
            .where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None))
        ).first()
        return (found.id, found.last_used_at, found.Account) if found is not None else None

    def token_used(self, token_id: int, now: datetime) -> None:
        self.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))

    def tokens(self) -> list[tuple[ApiToken, str]]:
        """Every token with its account's username, oldest first."""
        rows = self.session.execute(
            select(ApiToken, Account.username).join(Account, ApiToken.account_id == Account.id).order_by(ApiToken.id)
        )
        return [(token, username) for token, username in rows]

    def token(self, token_id: int) -> ApiToken | None:
        return self.session.get(ApiToken, token_id)
