"""Work items: work for the officers of a lane that no workflow step holds (engine.persistence.models.WorkItem)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_COLUMNS = "id, key, instance_id, code, lane, title, instruction, created_at, done_at, done_by, done_note"


@dataclass(frozen=True)
class WorkItemRow:
    id: int
    key: str
    instance_id: int
    code: str
    lane: str
    title: str
    instruction: str
    created_at: datetime
    done_at: datetime | None
    done_by: str | None
    done_note: str | None


class WorkItemStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def _row(self, values) -> WorkItemRow:
        raw, v = self.uow.raw, list(values)
        v[7], v[8] = raw.moment(v[7]), raw.from_dt(v[8])
        return WorkItemRow(*v)

    def add(
        self, key: str, instance_id: int, code: str, lane: str, title: str, instruction: str, now: datetime
    ) -> bool:
        """Open a work item; nothing when one with `key` exists already. Returns whether it was opened."""
        raw = self.uow.raw
        return (
            raw.run(
                "INSERT INTO work_item (key, instance_id, code, lane, title, instruction, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                (key, instance_id, code, lane, title, instruction, raw.dt(now)),
            )
            == 1
        )

    def open_in(self, lanes: Sequence[str]) -> list[WorkItemRow]:
        """The open work items of `lanes`, the oldest first."""
        if not lanes:
            return []
        marks = ", ".join("?" for _ in lanes)
        rows = self.uow.raw.all(
            f"SELECT {_COLUMNS} FROM work_item WHERE done_at IS NULL AND lane IN ({marks}) ORDER BY created_at, id",
            list(lanes),
        )
        return [self._row(r) for r in rows]

    def get(self, item_id: int) -> WorkItemRow | None:
        row = self.uow.raw.one(f"SELECT {_COLUMNS} FROM work_item WHERE id = ?", (item_id,))
        return self._row(row) if row else None

    def close(self, item_id: int, actor: str, note: str, now: datetime) -> bool:
        """Mark an open item done; False when it was done already (by someone else meanwhile)."""
        raw = self.uow.raw
        return (
            raw.run(
                "UPDATE work_item SET done_at = ?, done_by = ?, done_note = ? WHERE id = ? AND done_at IS NULL",
                (raw.dt(now), actor, note, item_id),
            )
            == 1
        )
