"""Delivering outbox rows after their step committed: at least once, with backoff, parked as failed at the end."""

from datetime import timedelta

from sqlalchemy import select, update

from engine.domain.backoff import compute_backoff
from engine.domain.clock import Clock
from engine.domain.errors import AdapterRejected, AdapterUnavailable
from engine.domain.ports import NotificationSender
from engine.persistence.db import Database
from engine.persistence.models import OutboxMessage


class OutboxService:
    def __init__(
        self, db: Database, clock: Clock, sender: NotificationSender, max_attempts: int = 8, lease_seconds: float = 120
    ):
        self.db, self.clock, self.sender = db, clock, sender
        self.max_attempts, self.lease_seconds = max_attempts, lease_seconds

    def dispatch(self, batch: int = 50) -> int:
        """Send up to `batch` due messages; return how many were delivered."""
        now = self.clock.now()
        with self.db.transaction() as session:
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at)
                .limit(batch)
            )
            if self.db.skip_locked:
                query = query.with_for_update(skip_locked=True)
            messages = list(session.scalars(query))
            # Push them out of reach of other dispatchers while we send (a crash makes them due again later).
            if messages:
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_([m.id for m in messages]))
                    .values(next_attempt_at=now + timedelta(seconds=self.lease_seconds))
                )
        sent = 0
        for message in messages:
            sent += self._deliver(message)
        return sent

    def _deliver(self, message: OutboxMessage) -> bool:
        error, permanent = None, False
        try:
            self.sender.send(message.kind, message.payload, message.idempotency_key)
        except AdapterRejected as exc:
            error, permanent = str(exc), True
        except AdapterUnavailable as exc:
            error = str(exc)
        now = self.clock.now()
        with self.db.transaction() as session:
            row = session.get(OutboxMessage, message.id)
            row.attempts += 1
            if error is None:
                row.state, row.sent_at, row.last_error = "sent", now, None
            elif permanent or row.attempts >= self.max_attempts:
                row.state, row.last_error = "failed", error
            else:
                row.last_error, row.next_attempt_at = error, now + compute_backoff(row.attempts)
        return error is None

    def failed(self) -> list[tuple[int, str, str]]:
        with self.db.transaction() as session:
            return [
                (m.id, m.kind, m.last_error or "")
                for m in session.scalars(
                    select(OutboxMessage).where(OutboxMessage.state == "failed").order_by(OutboxMessage.id)
                )
            ]
