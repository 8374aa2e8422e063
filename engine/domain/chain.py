"""The hash chain of a dossier's history: each event's hash covers the previous event's hash and the event's own
content, so that changing, removing or reordering a stored event breaks the chain from that point on. Pure.

A plain hash chain can be recomputed by anyone who can write to the database, so each event also carries a keyed MAC
of its own content and number (`Seal.event_mac`), and the instance's head a keyed MAC of its number and hash
(`Seal.head_mac`). The key is a setting, never stored in the database. The last event of every step carries the
step (`step`: its input and the digests of the state, dossier facts, task projection and timers it left), which the
hash and the MAC cover."""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from engine.domain import jsontext

GENESIS = "0" * 64


def event_body(code: str, seq: int, tag: str, at: datetime, actor: str, payload: dict, step: dict | None = None) -> str:
    """The canonical text of an event's content (what its hash and its MAC cover)."""
    content = {"code": code, "seq": seq, "tag": tag, "at": at.isoformat(), "actor": actor, "payload": payload}
    if step is not None:
        content["step"] = step
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_hash(
    prev_hash: str, code: str, seq: int, tag: str, at: datetime, actor: str, payload: dict, step: dict | None = None
) -> str:
    body = event_body(code, seq, tag, at, actor, payload, step)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


class Seal:
    """Keyed MACs (HMAC-SHA-256) of events and heads. The key lives outside the database (a setting or a key file)."""

    def __init__(self, key: bytes):
        if not key:
            raise ValueError("the audit key is empty")
        self._key = key

    def mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def event_mac(self, code: str, seq: int, tag: str, at: datetime, actor: str, payload: dict, step=None) -> str:
        return self.mac("event\n" + event_body(code, seq, tag, at, actor, payload, step))

    def head_mac(self, code: str, seq: int, head_hash: str) -> str:
        return self.mac(f"head\n{code}\n{seq}\n{head_hash}")

    def check(self, expected: str | None, mac: str) -> bool:
        return expected is not None and hmac.compare_digest(expected, mac)


class Chain:
    """The events one step appends to an instance's history, numbered, hashed and sealed in order, as rows."""

    def __init__(self, instance_id: int, code: str, last_seq: int, last_hash: str, seal: Seal | None = None):
        self.instance_id, self.code, self.seal = instance_id, code, seal
        self.seq, self.hash = last_seq, last_hash or GENESIS
        self.rows: list[dict] = []

    def append(self, tag: str, at: datetime, actor: str, payload: dict, task_id: str | None = None) -> int:
        """Add an event; return its sequence number."""
        payload = jsontext.plain(payload)  # store exactly what was hashed
        self.seq += 1
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
                "step": None,
            }
        )
        self._close(self.rows[-1])
        return self.seq

    def mark_step(self, step: dict) -> None:
        """Attach `step` to the last event appended (there must be one) and rehash it."""
        row = self.rows[-1]
        row["step"] = jsontext.plain(step)
        self._close(row)

    def _close(self, row: dict) -> None:
        content = (self.code, row["seq"], row["tag"], row["at"], row["actor"], row["payload"], row["step"])
        row["hash"] = event_hash(row["prev_hash"], *content)
        row["mac"] = self.seal.event_mac(*content) if self.seal is not None else None
        self.hash = row["hash"]

    def head_mac(self) -> str | None:
        return self.seal.head_mac(self.code, self.seq, self.hash) if self.seal is not None else None


@dataclass(frozen=True)
class ChainReport:
    code: str
    events: int
    intact: bool
    problem: str = ""


def verify(code: str, events, head_seq: int, head_hash: str) -> ChainReport:
    """Recompute every hash of a history (`events` in seq order, each with seq, tag, at, actor, payload, prev_hash,
    hash and step) against the instance's head; report the first break."""
    events = list(events)

    def broken(problem: str) -> ChainReport:
        return ChainReport(code, len(events), False, problem)

    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return broken(f"event {expected_seq} is missing (found {event.seq})")
        if event.prev_hash != prev:
            return broken(f"event {event.seq} does not follow event {event.seq - 1}")
        digest = event_hash(prev, code, event.seq, event.tag, event.at, event.actor, event.payload, event.step)
        if digest != event.hash:
            return broken(f"event {event.seq} ({event.tag}) was altered")
        prev = digest
    if events and head_hash != prev:
        return broken("the last events were removed")
    if not events and head_seq:
        return broken("all events were removed")
    return ChainReport(code, len(events), True)
