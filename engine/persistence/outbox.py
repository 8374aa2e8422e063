"""Outbox rows: side effects written by a step, delivered after its commit by the dispatcher.

A row goes to one port (its `stream`: portal, postal or notify). Rows of one instance and stream go out in the order
they were written: a row is due only when no earlier row of its instance and stream is still pending or failed (a
parked row holds back those after it until an administrator retries or discards it).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from engine.domain.ports import stream_of

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

INSERT_OUTBOX = (
    "INSERT INTO outbox (instance_id, kind, stream, idempotency_key, payload, state, attempts, next_attempt_at, "
    "created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)"
)
_COLUMNS = (
    "id, instance_id, kind, payload, idempotency_key, state, attempts, next_attempt_at, created_at, sent_at, "
    "last_error, stream"
)
_BLOCKED = (
    "EXISTS (SELECT 1 FROM outbox e WHERE e.instance_id = o.instance_id AND e.stream = o.stream AND e.id < o.id "
    "AND e.state IN ('pending', 'failed'))"
)
STATES = ("pending", "failed", "sent", "discarded")


@dataclass(frozen=True)
class OutboxRow:
    id: int
    instance_id: int | None
    kind: str
    payload: dict
    idempotency_key: str
    state: str  # pending | sent | failed | discarded
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None
    stream: str = "notify"


def new_message(instance_id: int | None, kind: str, key: str, payload: dict, now: datetime) -> dict:
    """An outbox row to insert: pending, due now."""
    return {"instance_id": instance_id, "kind": kind, "idempotency_key": key, "payload": payload, "at": now}


def insert_values(raw, m: dict) -> tuple:
    """The parameters of INSERT_OUTBOX for a `new_message` row."""
    stamp = raw.dt(m["at"])
    return (
        m["instance_id"],
        m["kind"],
        stream_of(m["kind"]),
        m["idempotency_key"],
        raw.json(m["payload"]),
        stamp,
        stamp,
    )


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
        """Insert `new_message` rows (on PostgreSQL queued with the step's other writes, in order)."""
        raw = self.uow.raw
        raw.send_many(INSERT_OUTBOX, [insert_values(raw, m) for m in messages])

    def add_once(self, messages: list[dict]) -> int:
        """Insert the rows whose idempotency key is new; return how many were."""
        raw = self.uow.raw
        return sum(
            raw.run(INSERT_OUTBOX + " ON CONFLICT (idempotency_key) DO NOTHING", insert_values(raw, m))
            for m in messages
        )

    def existing_keys(self, keys: list[str]) -> set[str]:
        """Which of `keys` some outbox row already carries."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.uow.raw.all(f"SELECT idempotency_key FROM outbox WHERE idempotency_key IN ({marks})", chunk)
            found.update(r[0] for r in rows)
        return found

    def busy_instances(self, stream: str) -> set[int]:
        """Instances with a message of `stream` still pending or parked."""
        rows = self.uow.raw.all(
            "SELECT DISTINCT instance_id FROM outbox WHERE stream = ? AND state IN ('pending', 'failed') "
            "AND instance_id IS NOT NULL",
            (stream,),
        )
        return {r[0] for r in rows}

    def lease_due(self, now: datetime, until: datetime, batch: int) -> list[OutboxRow]:
        """Up to `batch` pending messages due at `now` and not held back by an earlier message of their instance and
        stream, pushed out of other dispatchers' reach until `until` (a crash makes them due again then)."""
        raw = self.uow.raw
        skip = " FOR UPDATE SKIP LOCKED" if raw.postgres else ""
        rows = [
            self._row(r)
            for r in raw.all(
                f"SELECT {_COLUMNS} FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= ? "
                f"AND NOT {_BLOCKED} ORDER BY o.next_attempt_at, o.id LIMIT ?{skip}",
                (raw.dt(now), batch),
            )
        ]
        if rows:
            marks = ", ".join("?" for _ in rows)
            raw.run(
                f"UPDATE outbox SET next_attempt_at = ? WHERE id IN ({marks})", (raw.dt(until), *(r.id for r in rows))
            )
        return rows

    def append_to_open_batch(self, instance_id: int, kind: str, records: list[dict], limit: int) -> bool:
        """Add `records` to the instance's last message of `kind`'s stream when it is of `kind`, has room for them
        (at most `limit` records) and was never handed to a dispatcher (pending, no attempt, never leased: a lease
        moves next_attempt_at away from created_at for good), so that what goes out under its idempotency key is
        fixed from its first attempt on. The UPDATE re-checks that under the row's lock (a dispatcher leasing it
        meanwhile wins). Returns whether the records were added."""
        raw = self.uow.raw
        last = raw.one(
            "SELECT id, kind, payload FROM outbox WHERE instance_id = ? AND stream = ? ORDER BY id DESC LIMIT 1",
            (instance_id, stream_of(kind)),
        )
        if last is None or last[1] != kind:
            return False
        payload = raw.from_json(last[2]) or {}
        held = list(payload.get("records") or [])
        if len(held) + len(records) > limit:
            return False
        payload["records"] = held + records
        return (
            raw.run(
                "UPDATE outbox SET payload = ? WHERE id = ? AND state = 'pending' AND attempts = 0 "
                "AND last_error IS NULL AND next_attempt_at = created_at",
                (raw.json(payload), last[0]),
            )
            == 1
        )

    def get(self, message_id: int) -> OutboxRow | None:
        row = self.uow.raw.one(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (message_id,))
        return self._row(row) if row else None

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

    def requeue(self, message_id: int, now: datetime) -> None:
        """A failed message back to pending, due now, with a fresh count of attempts (an administrator's retry)."""
        raw = self.uow.raw
        raw.run(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ?",
            (raw.dt(now), message_id),
        )

    def discard(self, message_id: int, reason: str) -> None:
        """A message that will not be sent (an administrator's decision); it no longer holds back later ones."""
        self.uow.raw.run("UPDATE outbox SET state = 'discarded', last_error = ? WHERE id = ?", (reason, message_id))

    def failed(self) -> list[OutboxRow]:
        return self.in_state("failed")

    def in_state(self, state: str, limit: int = 200) -> list[OutboxRow]:
        """Messages in `state`, the oldest first (sent and discarded ones: the newest first)."""
        order = "id DESC" if state in ("sent", "discarded") else "id"
        rows = self.uow.raw.all(
            f"SELECT {_COLUMNS} FROM outbox WHERE state = ? ORDER BY {order} LIMIT ?", (state, limit)
        )
        return [self._row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        return {state: n for state, n in self.uow.raw.all("SELECT state, COUNT(*) FROM outbox GROUP BY state")}

    def of_instance(self, instance_id: int) -> list[OutboxRow]:
        rows = self.uow.raw.all(f"SELECT {_COLUMNS} FROM outbox WHERE instance_id = ? ORDER BY id", (instance_id,))
        return [self._row(r) for r in rows]
