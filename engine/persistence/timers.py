"""Timer rows: what workers lease when due, and what a dossier waits on."""

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork


class TimerStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def lease_due(self, worker_id: str, now: datetime, until: datetime, batch: int) -> list[int]:
        """Take up to `batch` timers that are due at `now` and that no other worker holds a live lease on; lease them
        to `worker_id` until `until`. Reads the (state, due_at) index, so its cost follows the number of due timers,
        not of waiting ones; SKIP LOCKED on PostgreSQL lets workers lease side by side."""
        raw = self.uow.raw
        skip = " FOR UPDATE SKIP LOCKED" if raw.postgres else ""
        rows = raw.all(
            "SELECT id FROM timer WHERE state = 'waiting' AND due_at <= ? "
            f"AND (locked_until IS NULL OR locked_until < ?) ORDER BY due_at LIMIT ?{skip}",
            (raw.dt(now), raw.dt(now), batch),
        )
        ids = [row[0] for row in rows]
        if ids:
            self.renew(ids, worker_id, until)
        return ids

    def renew(self, ids: list[int], worker_id: str, until: datetime) -> None:
        """Lease `ids` to `worker_id` until `until` (also to extend a lease while a batch runs)."""
        raw = self.uow.raw
        marks = ", ".join("?" for _ in ids)
        raw.run(
            f"UPDATE timer SET locked_by = ?, locked_until = ? WHERE id IN ({marks}) AND state = 'waiting'",
            (worker_id, raw.dt(until), *ids),
        )

    def extend(self, ids: list[int], worker_id: str, until: datetime) -> None:
        """Extend the leases `worker_id` still holds on `ids` to `until` (the heartbeat of a running batch); a timer
        another worker took over, or that fired, is left alone."""
        raw = self.uow.raw
        marks = ", ".join("?" for _ in ids)
        raw.run(
            f"UPDATE timer SET locked_until = ? WHERE id IN ({marks}) AND state = 'waiting' AND locked_by = ?",
            (raw.dt(until), *ids, worker_id),
        )

    def next_due(self) -> datetime | None:
        """The earliest due moment of the waiting timers (the scenario clock jumps from one to the next)."""
        raw = self.uow.raw
        row = raw.one("SELECT MIN(due_at) FROM timer WHERE state = 'waiting'", ())
        return raw.moment(row[0]) if row and row[0] is not None else None

    def waiting(self, timer_id: int) -> tuple[int, str] | None:
        """(instance id, task id) of timer `timer_id` if the timer is still waiting."""
        row = self.uow.raw.one("SELECT instance_id, task_id FROM timer WHERE id = ? AND state = 'waiting'", (timer_id,))
        return (row[0], row[1]) if row else None

    def cancel(self, timer_id: int, now: datetime) -> None:
        raw = self.uow.raw
        raw.run(
            "UPDATE timer SET state = 'cancelled', fired_at = ?, locked_by = NULL, locked_until = NULL "
            "WHERE id = ? AND state = 'waiting'",
            (raw.dt(now), timer_id),
        )

    def of_instance(self, code: str) -> list[tuple[str, datetime, str]]:
        """(name, due_at, state) of every timer instance `code` has had, in the order they were armed."""
        raw = self.uow.raw
        rows = raw.all(
            "SELECT t.name, t.due_at, t.state FROM timer t JOIN instance i ON i.id = t.instance_id "
            "WHERE i.code = ? ORDER BY t.id",
            (code,),
        )
        return [(name, raw.moment(due), state) for name, due, state in rows]
