"""The tables the indicators read besides the dossiers (`step_fact`, `dossier_fact`), kept up to date from the
history by `engine.services.indicator_projection`: how far it has read, the events after that, and idempotent
upserts (reading an event twice changes nothing)."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

TAGS = (
    "dossier:task:ready",
    "dossier:task:completed",
    "dossier:task:withdrawn",
    "dossier:appointment:moved",
    "dossier:status:changed",
    "dossier:supplement:received",
)


@dataclass(frozen=True)
class ProjectedEvent:
    id: int
    instance_id: int
    tag: str
    at: datetime
    actor: str
    task_id: str | None
    payload: dict


@dataclass(frozen=True)
class Ended:
    """A dossier whose processing ended: what its resolution time is computed from."""

    dossier_id: int
    instance_id: int
    clock_start: datetime
    processing_end_at: datetime
    supplement_requested_at: datetime | None


class ProjectionStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def mark(self, name: str) -> int:
        """The last history id projection `name` has taken in, locked for this unit of work on PostgreSQL (two
        refreshes at once would only do the same work twice; the lock makes the second wait and find little)."""
        raw = self.uow.raw
        raw.run("INSERT INTO projection_mark (name, last_id) VALUES (?, 0) ON CONFLICT DO NOTHING", (name,))
        lock = " FOR UPDATE" if raw.postgres else ""
        return raw.row(f"SELECT last_id FROM projection_mark WHERE name = ?{lock}", (name,))[0]

    def has_events_after(self, name: str) -> bool:
        """Whether history was written after projection `name`'s mark (read-only: no mark row is created)."""
        raw = self.uow.raw
        found = raw.one("SELECT last_id FROM projection_mark WHERE name = ?", (name,))
        return raw.one("SELECT 1 FROM history_event WHERE id > ? LIMIT 1", (found[0] if found else 0,)) is not None

    def set_mark(self, name: str, last_id: int) -> None:
        self.uow.raw.run("UPDATE projection_mark SET last_id = ? WHERE name = ?", (last_id, name))

    def events_after(self, last_id: int, limit: int) -> list[ProjectedEvent]:
        raw = self.uow.raw
        # Every event after the mark (so that the mark moves past the others too), the payload only of those read.
        rows = raw.all(
            f"SELECT id, instance_id, tag, at, actor, task_id, CASE WHEN tag IN ({', '.join('?' for _ in TAGS)}) "
            "THEN payload END FROM history_event WHERE id > ? ORDER BY id LIMIT ?",
            (*TAGS, last_id, limit),
        )
        return [ProjectedEvent(r[0], r[1], r[2], raw.moment(r[3]), r[4], r[5], raw.from_json(r[6]) or {}) for r in rows]

    def step_ready(self, event: ProjectedEvent, due_at: datetime | None) -> None:
        raw, p = self.uow.raw, event.payload
        raw.run(
            "INSERT INTO step_fact (task_id, instance_id, name, title, lane, ready_at, due_at, withdrawn) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_id) DO UPDATE SET name = excluded.name, "
            "title = excluded.title, lane = excluded.lane, ready_at = excluded.ready_at, due_at = excluded.due_at",
            (
                event.task_id,
                event.instance_id,
                str(p.get("task", ""))[:200],
                str(p.get("title") or p.get("task", ""))[:500],
                str(p.get("lane") or "")[:200],
                raw.dt(event.at),
                raw.dt(due_at),
                raw.flag(False),
            ),
        )

    def step_completed(self, event: ProjectedEvent) -> None:
        raw = self.uow.raw
        raw.run(
            "UPDATE step_fact SET completed_at = ?, actor = ? WHERE task_id = ?",
            (raw.dt(event.at), event.actor, event.task_id),
        )

    def step_withdrawn(self, task_id: str) -> None:
        raw = self.uow.raw
        raw.run("UPDATE step_fact SET withdrawn = ? WHERE task_id = ?", (raw.flag(True), task_id))

    def set_extended_from(self, instance_id: int, moment: datetime | None) -> None:
        """The appointment an extension moved away from (None: the last move was a supplementation's)."""
        raw = self.uow.raw
        found = raw.one("SELECT id FROM dossier WHERE instance_id = ?", (instance_id,))
        if found is None:
            return
        raw.run(
            "INSERT INTO dossier_fact (dossier_id, extended_from) VALUES (?, ?) "
            "ON CONFLICT (dossier_id) DO UPDATE SET extended_from = excluded.extended_from",
            (found[0], raw.dt(moment)),
        )

    def set_extension(self, instance_id: int, at: datetime, reason: str) -> None:
        """The apology letter that moved the return date (at most one per dossier)."""
        raw = self.uow.raw
        raw.run(
            "UPDATE dossier_fact SET extended_at = ?, extension_reason = ? "
            "WHERE dossier_id = (SELECT id FROM dossier WHERE instance_id = ?)",
            (raw.dt(at), reason[:2000], instance_id),
        )

    def ended(self, instance_ids: list[int]) -> list[Ended]:
        if not instance_ids:
            return []
        raw = self.uow.raw
        rows = raw.all(
            "SELECT id, instance_id, clock_start, processing_end_at, supplement_requested_at FROM dossier "
            f"WHERE processing_end_at IS NOT NULL AND instance_id IN ({', '.join('?' for _ in instance_ids)})",
            instance_ids,
        )
        return [Ended(r[0], r[1], raw.moment(r[2]), raw.moment(r[3]), raw.from_dt(r[4])) for r in rows]

    def supplement_waits(self, instance_id: int) -> list[tuple[datetime, datetime]]:
        """(requested, received) of each supplementation that arrived, from the history."""
        raw = self.uow.raw
        rows = raw.all(
            "SELECT at, payload FROM history_event WHERE instance_id = ? AND tag = 'dossier:supplement:received'",
            (instance_id,),
        )
        waits = []
        for at, payload in rows:
            requested = (raw.from_json(payload) or {}).get("requested_at")
            if requested:
                waits.append((datetime.fromisoformat(requested), raw.moment(at)))
        return waits

    def set_resolution(self, dossier_id: int, hours: float) -> None:
        self.uow.raw.run(
            "INSERT INTO dossier_fact (dossier_id, resolution_hours) VALUES (?, ?) "
            "ON CONFLICT (dossier_id) DO UPDATE SET resolution_hours = excluded.resolution_hours",
            (dossier_id, hours),
        )
