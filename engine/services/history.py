"""Hash-chained, append-only history of an instance.

Each event's hash covers the previous event's hash and the event's own content, so changing, removing or
reordering any stored event breaks the chain from that point on.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
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


def append(
    session: Session, instance: Instance, tag: str, at: datetime, actor: str, payload: dict, task_id: str | None = None
) -> HistoryEvent:
    """Append one event to `instance`'s chain (the caller holds the instance row lock)."""
    seq = instance.last_event_seq + 1
    prev = instance.last_event_hash or GENESIS
    payload = json.loads(json.dumps(payload, default=str))  # store exactly what was hashed
    digest = event_hash(prev, instance.code, seq, tag, at, actor, payload)
    event = HistoryEvent(
        instance_id=instance.id,
        seq=seq,
        tag=tag,
        at=at,
        actor=actor,
        payload=payload,
        task_id=task_id,
        prev_hash=prev,
        hash=digest,
    )
    session.add(event)
    instance.last_event_seq, instance.last_event_hash = seq, digest
    return event


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
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return ChainReport(
                instance.code, len(events), False, f"event {expected_seq} is missing (found {event.seq})"
            )
        if event.prev_hash != prev:
            return ChainReport(
                instance.code, len(events), False, f"event {event.seq} does not follow event {event.seq - 1}"
            )
        digest = event_hash(prev, instance.code, event.seq, event.tag, event.at, event.actor, event.payload)
        if digest != event.hash:
            return ChainReport(instance.code, len(events), False, f"event {event.seq} ({event.tag}) was altered")
        prev = digest
    if events and instance.last_event_hash != prev:
        return ChainReport(instance.code, len(events), False, "the last events were removed")
    if not events and instance.last_event_seq:
        return ChainReport(instance.code, 0, False, "all events were removed")
    return ChainReport(instance.code, len(events), True)
