"""Delivering outbox rows after their step committed: at least once, with backoff, parked as failed at the end."""

from datetime import timedelta

from engine.domain.backoff import compute_backoff
from engine.domain.clock import Clock
from engine.domain.errors import AdapterRejected, AdapterUnavailable
from engine.domain.ports import NotificationSender
from engine.persistence.db import Database
from engine.persistence.outbox import OutboxRow


class OutboxService:
    def __init__(
        self, db: Database, clock: Clock, sender: NotificationSender, max_attempts: int = 8, lease_seconds: float = 120
    ):
        self.db, self.clock, self.sender = db, clock, sender
        self.max_attempts, self.lease_seconds = max_attempts, lease_seconds

    def dispatch(self, batch: int = 50) -> int:
        """Send up to `batch` due messages; return how many were delivered."""
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            messages = uow.outbox.lease_due(now, now + timedelta(seconds=self.lease_seconds), batch)
        return sum(self._deliver(message) for message in messages)

    def _deliver(self, message: OutboxRow) -> bool:
        error, permanent = None, False
        try:
            self.sender.send(message.kind, message.payload, message.idempotency_key)
        except AdapterRejected as exc:
            error, permanent = str(exc), True
        except AdapterUnavailable as exc:
            error = str(exc)
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            attempts = uow.outbox.attempts(message.id) + 1
            if error is None:
                uow.outbox.mark_sent(message.id, now)
            elif permanent or attempts >= self.max_attempts:
                uow.outbox.mark_failed(message.id, error)
            else:
                uow.outbox.retry_later(message.id, error, now + compute_backoff(attempts))
        return error is None

    def failed(self) -> list[tuple[int, str, str]]:
        with self.db.reading() as uow:
            return [(m.id, m.kind, m.last_error or "") for m in uow.outbox.failed()]
