"""History events: append-only rows, hash-chained per instance (engine.domain.chain)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_CHUNK = 500  # instance ids per IN (...)
_INSERT = (
    "INSERT INTO history_event (instance_id, seq, tag, at, actor, task_id, payload, prev_hash, hash, step, mac) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


_COLUMNS = "seq, tag, at, actor, task_id, payload, hash, prev_hash, step, mac"


def _event(raw, row) -> "EventRow":
    s, t, a, ac, ti, p, h, ph, st, m = row
    return EventRow(s, t, raw.moment(a), ac, ti, raw.from_json(p) or {}, h, ph, raw.from_json(st) if st else None, m)


@dataclass(frozen=True)
class EventRow:
    seq: int
    tag: str
    at: datetime
    actor: str
    task_id: str | None
    payload: dict
    hash: str
    prev_hash: str = ""
    step: dict | None = None  # on the last event of a step: its input and the digests of what it left
    mac: str | None = None  # the keyed MAC of the event's content (engine.domain.chain.Seal)


class HistoryStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def append(self, rows: list[dict]) -> None:
        """Insert the rows of `Chain.rows` (the caller moves the instance's head in the same unit of work). Sent
        later, as a step's writes are (`RawSql.send`)."""
        raw = self.uow.raw
        raw.send_many(
            _INSERT,
            [
                (
                    r["instance_id"],
                    r["seq"],
                    r["tag"],
                    raw.dt(r["at"]),
                    r["actor"],
                    r["task_id"],
                    raw.json(r["payload"]),
                    r["prev_hash"],
                    r["hash"],
                    raw.json(r["step"]) if r.get("step") is not None else None,
                    r.get("mac"),
                )
                for r in rows
            ],
        )

    def events(self, instance_id: int, tags: tuple[str, ...] = ()) -> list[EventRow]:
        """The events of an instance in order (only those tagged `tags` when given)."""
        raw = self.uow.raw
        where, params = "instance_id = ?", list[object]([instance_id])
        if tags:
            where += f" AND tag IN ({', '.join('?' for _ in tags)})"
            params += list(tags)
        rows = raw.all(
            f"SELECT {_COLUMNS} FROM history_event WHERE {where} ORDER BY seq",
            params,
        )
        return [_event(raw, row) for row in rows]

    def of_instances(self, instance_ids: Iterable[int]) -> dict[int, list[EventRow]]:
        """The events of each of `instance_ids` in order (a few hundred instances per statement)."""
        raw, ids = self.uow.raw, sorted(set(instance_ids))
        found: dict[int, list[EventRow]] = {}
        for first in range(0, len(ids), _CHUNK):
            chunk = ids[first : first + _CHUNK]
            rows = raw.all(
                f"SELECT instance_id, {_COLUMNS} FROM history_event "
                f"WHERE instance_id IN ({', '.join('?' for _ in chunk)}) ORDER BY instance_id, seq",
                chunk,
            )
            for row in rows:
                found.setdefault(row[0], []).append(_event(raw, row[1:]))
        return found

    def of_code(self, code: str) -> list[EventRow] | None:
        """The events of instance `code` in order; None when there is no such instance."""
        instance_id = self.uow.instances.id_of(code)
        return None if instance_id is None else self.events(instance_id)

    def last_of_task(self, task_id: str) -> EventRow | None:
        """The latest event about task `task_id` (to say what happened to a task that is no longer open)."""
        raw = self.uow.raw
        row = raw.one(
            f"SELECT {_COLUMNS} FROM history_event WHERE task_id = ? ORDER BY id DESC LIMIT 1",
            (task_id,),
        )
        return None if row is None else _event(raw, row)

    def of_task(self, task_id: str) -> tuple[str, list[EventRow]] | None:
        """(instance code, the events about task `task_id` in order), or None when no event names the task."""
        raw = self.uow.raw
        rows = raw.all(
            "SELECT i.code, h.seq, h.tag, h.at, h.actor, h.task_id, h.payload, h.hash, h.prev_hash "
            "FROM history_event h JOIN instance i ON i.id = h.instance_id WHERE h.task_id = ? ORDER BY h.id",
            (task_id,),
        )
        if not rows:
            return None
        events = [
            EventRow(s, t, raw.moment(a), ac, ti, raw.from_json(p) or {}, h, ph)
            for _c, s, t, a, ac, ti, p, h, ph in rows
        ]
        return rows[0][0], events

    def last_payload(self, instance_id: int, tag: str) -> dict | None:
        """The payload of the instance's latest event tagged `tag`."""
        raw = self.uow.raw
        row = raw.one(
            "SELECT payload FROM history_event WHERE instance_id = ? AND tag = ? ORDER BY seq DESC LIMIT 1",
            (instance_id, tag),
        )
        return raw.from_json(row[0]) if row else None

    def acted(self, code: str, actor: str) -> bool:
        """Whether `actor` appears in the history of instance `code`."""
        row = self.uow.raw.one(
            "SELECT 1 FROM history_event h JOIN instance i ON i.id = h.instance_id WHERE i.code = ? AND h.actor = ? "
            "LIMIT 1",
            (code, actor),
        )
        return row is not None
