"""Outbox rows: side effects written by a step, delivered after its commit by the dispatcher."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_INSERT = (
    "INSERT INTO outbox (instance_id, kind, idempotency_key, payload, state, attempts, next_attempt_at, created_at) "
    "VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)"
)
_COLUMNS = (
    "id, instance_id, kind, payload, idempotency_key, state, attempts, next_attempt_at, created_at, sent_at, last_error"
)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    instance_id: int | None
    kind: str
    payload: dict
    idempotency_key: str
    state: str  # pending | sent | failed
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None


def new_message(instance_id: int | None, kind: str, key: str, payload: dict, now: datetime) -> dict:
    """An outbox row to insert: pending, due now."""
    return {"instance_id": instance_id, "kind": kind, "idempotency_key": key, "payload": payload, "at": now}


class OutboxStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def _row(self, values) -> OutboxRow:
        raw = self.uow.raw
        v = list(values)
        v[3] = raw.from_json(v[3]) or {}
        v[7], v[8], v[9] = raw.moment(v[7]), raw.moment(v[8]), raw.from_dt(v[9])
        return OutboxRow(*v)

    def add(self, messages: list[dict]) -> None:
        raw = self.uow.raw
        raw.many(
            _INSERT,
            [
                (
                    m["instance_id"],
                    m["kind"],
                    m["idempotency_key"],
                    raw.json(m["payload"]),
                    raw.dt(m["at"]),
                    raw.dt(m["at"]),
                )
                for m in messages
            ],
        )

    def lease_due(self, now: datetime, until: datetime, batch: int) -> list[OutboxRow]:
        """Up to `batch` pending messages due at `now`, pushed out of other dispatchers' reach until `until` (a crash
        makes them due again then)."""
        raw = self.uow.raw
        skip = " FOR UPDATE SKIP LOCKED" if raw.postgres else ""
        rows = [
            self._row(r)
            for r in raw.all(
                f"SELECT {_COLUMNS} FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? "
                f"ORDER BY next_attempt_at LIMIT ?{skip}",
                (raw.dt(now), batch),
            )
        ]
        if rows:
            marks = ", ".join("?" for _ in rows)
            raw.run(
                f"UPDATE outbox SET next_attempt_at = ? WHERE id IN ({marks})", (raw.dt(until), *(r.id for r in rows))
            )
        return rows

    def attempts(self, message_id: int) -> int:
        row = self.uow.raw.one("SELECT attempts FROM outbox WHERE id = ?", (message_id,))
        return row[0] if row else 0

    def mark_sent(self, message_id: int, now: datetime) -> None:
        raw = self.uow.raw
        raw.run(
            "UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ?",
            (raw.dt(now), message_id),
        )

    def mark_failed(self, message_id: int, error: str) -> None:
        self.uow.raw.run(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error, message_id),
        )

    def retry_later(self, message_id: int, error: str, at: datetime) -> None:
        raw = self.uow.raw
        raw.run(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
            (error, raw.dt(at), message_id),
        )

    def failed(self) -> list[OutboxRow]:
        return [
            self._row(r) for r in self.uow.raw.all(f"SELECT {_COLUMNS} FROM outbox WHERE state = 'failed' ORDER BY id")
        ]

    def of_instance(self, instance_id: int) -> list[OutboxRow]:
        rows = self.uow.raw.all(f"SELECT {_COLUMNS} FROM outbox WHERE instance_id = ? ORDER BY id", (instance_id,))
        return [self._row(r) for r in rows]
