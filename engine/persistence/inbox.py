"""Inbound messages of partners: stored before they are processed (a crash between the two loses nothing), one row
per (partner, message id) so that a replay is recognised."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_COLUMNS = "id, partner, message_id, kind, payload, state, received_at, processed_at, result, error"


@dataclass(frozen=True)
class InboxRow:
    id: int
    partner: str
    message_id: str
    kind: str
    payload: dict
    state: str  # received | processed | refused
    received_at: datetime
    processed_at: datetime | None
    result: dict | None
    error: str | None


class InboxStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def _row(self, values) -> InboxRow:
        raw = self.uow.raw
        v = list(values)
        v[4], v[8] = raw.from_json(v[4]) or {}, raw.from_json(v[8])
        v[6], v[7] = raw.moment(v[6]), raw.from_dt(v[7])
        return InboxRow(*v)

    def store(self, partner: str, message_id: str, kind: str, payload: dict, now: datetime) -> tuple[InboxRow, bool]:
        """The message's row, inserted unless this partner sent this message id before; and whether it is new."""
        raw = self.uow.raw
        inserted = raw.run(
            "INSERT INTO inbox (partner, message_id, kind, payload, state, received_at) "
            "VALUES (?, ?, ?, ?, 'received', ?) ON CONFLICT (partner, message_id) DO NOTHING",
            (partner, message_id, kind, raw.json(payload), raw.dt(now)),
        )
        row = raw.row(f"SELECT {_COLUMNS} FROM inbox WHERE partner = ? AND message_id = ?", (partner, message_id))
        return self._row(row), inserted == 1

    def lock(self, inbox_id: int) -> InboxRow | None:
        """The row, locked against a second processor (PostgreSQL) until the unit of work ends."""
        raw = self.uow.raw
        lock = " FOR UPDATE" if raw.postgres else ""
        row = raw.one(f"SELECT {_COLUMNS} FROM inbox WHERE id = ?{lock}", (inbox_id,))
        return self._row(row) if row else None

    def finish(self, inbox_id: int, state: str, now: datetime, result: dict | None, error: str | None) -> None:
        raw = self.uow.raw
        raw.run(
            "UPDATE inbox SET state = ?, processed_at = ?, result = ?, error = ? WHERE id = ?",
            (state, raw.dt(now), raw.json(result) if result is not None else None, error, inbox_id),
        )

    def waiting(self, received_before: datetime, limit: int) -> list[int]:
        """Ids of messages stored but not processed (their processing was cut short), the oldest first."""
        raw = self.uow.raw
        rows = raw.all(
            "SELECT id FROM inbox WHERE state = 'received' AND received_at <= ? ORDER BY id LIMIT ?",
            (raw.dt(received_before), limit),
        )
        return [r[0] for r in rows]

    def of_partner(self, partner: str, limit: int = 100) -> list[InboxRow]:
        rows = self.uow.raw.all(
            f"SELECT {_COLUMNS} FROM inbox WHERE partner = ? ORDER BY id DESC LIMIT ?", (partner, limit)
        )
        return [self._row(r) for r in rows]
