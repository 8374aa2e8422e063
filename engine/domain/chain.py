"""The hash chain of a dossier's history: each event's hash covers the previous event's hash and the event's own
content, so that changing, removing or reordering a stored event breaks the chain from that point on. Pure."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from engine.domain import jsontext

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
    """The events one step appends to an instance's history, numbered and hashed in order, as rows to insert."""

    def __init__(self, instance_id: int, code: str, last_seq: int, last_hash: str):
        self.instance_id, self.code = instance_id, code
        self.seq, self.hash = last_seq, last_hash or GENESIS
        self.rows: list[dict] = []

    def append(self, tag: str, at: datetime, actor: str, payload: dict, task_id: str | None = None) -> int:
        """Add an event; return its sequence number."""
        payload = jsontext.plain(payload)  # store exactly what was hashed
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


@dataclass(frozen=True)
class ChainReport:
    code: str
    events: int
    intact: bool
    problem: str = ""


def verify(code: str, events, head_seq: int, head_hash: str) -> ChainReport:
    """Recompute every hash of a history (`events` in seq order, each with seq, tag, at, actor, payload, prev_hash,
    hash) against the instance's head; report the first break."""
    events = list(events)

    def broken(problem: str) -> ChainReport:
        return ChainReport(code, len(events), False, problem)

    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return broken(f"event {expected_seq} is missing (found {event.seq})")
        if event.prev_hash != prev:
            return broken(f"event {event.seq} does not follow event {event.seq - 1}")
        digest = event_hash(prev, code, event.seq, event.tag, event.at, event.actor, event.payload)
        if digest != event.hash:
            return broken(f"event {event.seq} ({event.tag}) was altered")
        prev = digest
    if events and head_hash != prev:
        return broken("the last events were removed")
    if not events and head_seq:
        return broken("all events were removed")
    return ChainReport(code, len(events), True)
