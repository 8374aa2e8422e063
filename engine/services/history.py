"""Hash-chained, append-only history of an instance.

Each event's hash covers the previous event's hash and the event's own content, so changing, removing or
reordering any stored event breaks the chain from that point on.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine.persistence.models import HistoryEvent, Instance

GENESIS = "0" * 64


def event_hash(prev_hash: str, code: str, seq: int, tag: str, at: datetime, actor: str, payload: dict) -> str:
    body = json.dumps(
        {"code": code, "seq": seq, "tag": tag, "at": at.isoformat(), "actor": actor, "payload": payload},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


class Chain:
    """The events one step appends to an instance's history, hashed in order and inserted in one statement."""

    def __init__(self, instance_id: int, code: str, last_seq: int, last_hash: str):
        self.instance_id, self.code = instance_id, code
        self.seq, self.hash = last_seq, last_hash or GENESIS
        self.rows: list[dict] = []

    @classmethod
    def of(cls, instance: Instance) -> "Chain":
        return cls(instance.id, instance.code, instance.last_event_seq, instance.last_event_hash)

    def append(self, tag: str, at: datetime, actor: str, payload: dict, task_id: str | None = None) -> int:
        """Add an event; return its sequence number."""
        payload = json.loads(json.dumps(payload, default=str))  # store exactly what was hashed
        self.seq += 1
        digest = event_hash(self.hash, self.code, self.seq, tag, at, actor, payload)
        self.rows.append(
            {
                "instance_id": self.instance_id,
                "seq": self.seq,
                "tag": tag,
                "at": at,
                "actor": actor,
                "task_id": task_id,
                "payload": payload,
                "prev_hash": self.hash,
                "hash": digest,
            }
        )
        self.hash = digest
        return self.seq

    def write(self, session: Session) -> None:
        """Insert the appended events (the caller updates the instance's chain head in the same transaction)."""
        if self.rows:
            session.connection().execute(insert(HistoryEvent.__table__), self.rows)
            self.rows = []


@dataclass(frozen=True)
class ChainReport:
    code: str
    events: int
    intact: bool
    problem: str = ""


def verify_chain(session: Session, instance: Instance) -> ChainReport:
    """Recompute every hash of `instance`'s history; report the first break."""
    events = session.scalars(
        select(HistoryEvent).where(HistoryEvent.instance_id == instance.id).order_by(HistoryEvent.seq)
    ).all()

    def broken(problem: str) -> ChainReport:
        return ChainReport(instance.code, len(events), False, problem)

    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return broken(f"event {expected_seq} is missing (found {event.seq})")
        if event.prev_hash != prev:
            return broken(f"event {event.seq} does not follow event {event.seq - 1}")
        digest = event_hash(prev, instance.code, event.seq, event.tag, event.at, event.actor, event.payload)
        if digest != event.hash:
            return broken(f"event {event.seq} ({event.tag}) was altered")
        prev = digest
    if events and instance.last_event_hash != prev:
        return broken("the last events were removed")
    if not events and instance.last_event_seq:
        return broken("all events were removed")
    return ChainReport(instance.code, len(events), True)
