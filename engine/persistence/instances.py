"""Process instance rows: finding and locking an instance, its stored state, and moving its head (revision, chain)."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from engine.persistence.dossiers import FACTS_OF_TASK, DossierFacts
from engine.persistence.tasks import TASK_SELECT, TaskRow, task_row

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_HEAD = "i.id, i.code, i.process_version_id, i.status, i.revision, i.last_event_seq, i.last_event_hash"


@dataclass(frozen=True)
class InstanceHead:
    """An instance row without its state: what a step needs to lock, check and move it."""

    id: int
    code: str
    process_version_id: int
    status: str  # running | completed | cancelled
    revision: int
    last_event_seq: int
    last_event_hash: str


@dataclass(frozen=True)
class LockedTask:
    """An open task with its instance locked, and the facts of the instance's dossier (None for a bare instance)."""

    head: InstanceHead
    task: TaskRow
    facts: DossierFacts | None


@dataclass(frozen=True)
class InstanceSummary:
    code: str
    process_id: str
    version: int
    status: str
    state: dict
    started_at: datetime
    updated_at: datetime


def _head(row) -> InstanceHead:
    return InstanceHead(row[0], row[1], row[2], row[3], row[4], row[5], row[6])


class InstanceStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow, self.raw = uow, uow.raw
        # PostgreSQL locks the row; on SQLite, BEGIN IMMEDIATE already made this transaction the only writer.
        self._lock = " FOR UPDATE OF i" if uow.dialect == "postgresql" else ""

    # --- locking ------------------------------------------------------------------------------------------------
    def lock(self, instance_id: int) -> InstanceHead | None:
        row = self.raw.one(f"SELECT {_HEAD} FROM instance i WHERE i.id = ?{self._lock}", (instance_id,))
        return _head(row) if row else None

    def lock_by_code(self, code: str) -> InstanceHead | None:
        row = self.raw.one(f"SELECT {_HEAD} FROM instance i WHERE i.code = ?{self._lock}", (code,))
        return _head(row) if row else None

    def lock_for_task(self, task_id: str) -> "LockedTask | None":
        """The instance of open task `task_id`, locked, with the task and its dossier's facts as they are once the
        lock is held (None when the task is not open). On PostgreSQL the three reads go in one pipeline, the last two
        after the lock: a command holding it may have completed the task meanwhile."""
        raw = self.raw
        if not raw.postgres:
            row = raw.one(
                f"SELECT {_HEAD}, {TASK_SELECT} FROM user_task t JOIN instance i ON i.id = t.instance_id "
                "WHERE t.task_id = ?",
                (task_id,),
            )
            if row is None:
                return None
            head = _head(row)
            return LockedTask(head, task_row(row[7:], raw), self.uow.dossiers.facts(head.id))
        with raw.pipeline():
            locked = raw.connection.execute(
                f"SELECT {_HEAD} FROM instance i WHERE i.id = (SELECT instance_id FROM user_task WHERE task_id = %s)"
                " FOR UPDATE OF i",
                (task_id,),
            )
            task = raw.connection.execute(f"SELECT {TASK_SELECT} FROM user_task t WHERE t.task_id = %s", (task_id,))
            facts = raw.connection.execute(raw.text(FACTS_OF_TASK), (task_id,))
        found, task_values, facts_row = locked.fetchone(), task.fetchone(), facts.fetchone()
        if found is None or task_values is None:
            return None
        head = _head(found)
        return LockedTask(head, task_row(task_values, raw), self.uow.dossiers.facts_of(facts_row, head.id))

    # --- state --------------------------------------------------------------------------------------------------
    def state(self, instance_id: int) -> dict:
        cast = "::text" if self.raw.postgres else ""
        (text,) = self.raw.row(f"SELECT state{cast} FROM instance WHERE id = ?", (instance_id,))
        return self.raw.from_json(text)

    def running_of_process(self, process_id: str) -> list[tuple[int, str, int, int]]:
        """(instance id, code, version id, version number) of the running instances of every version of
        `process_id`, oldest version first (the migration page)."""
        return [
            (row[0], row[1], row[2], row[3])
            for row in self.raw.all(
                "SELECT i.id, i.code, v.id, v.number FROM instance i JOIN process_version v "
                "ON v.id = i.process_version_id WHERE v.process_id = ? AND i.status = 'running' "
                "ORDER BY v.number, i.id",
                (process_id,),
            )
        ]

    def move_to_version(self, instance_id: int, version_id: int) -> None:
        """The instance runs on version `version_id` from now on (its state was moved onto that version's spec)."""
        self.raw.run("UPDATE instance SET process_version_id = ? WHERE id = ?", (version_id, instance_id))

    def code_taken(self, code: str) -> bool:
        return self.raw.one("SELECT 1 FROM instance WHERE code = ?", (code,)) is not None

    def insert(self, code: str, version_id: int, now: datetime) -> InstanceHead:
        """A new running instance with an empty state and history, to be written by its first step."""
        raw = self.raw
        (new_id,) = raw.row(
            "INSERT INTO instance (code, process_version_id, status, state, revision, started_at, updated_at, "
            "last_event_hash, last_event_seq) VALUES (?, ?, 'running', ?, 0, ?, ?, '', 0) RETURNING id",
            (code, version_id, raw.json({}), raw.dt(now), raw.dt(now)),
        )
        return InstanceHead(new_id, code, version_id, "running", 0, 0, "")

    # --- reads --------------------------------------------------------------------------------------------------
    def summary(self, code: str) -> InstanceSummary | None:
        cast = "::text" if self.raw.postgres else ""
        row = self.raw.one(
            f"SELECT i.code, v.process_id, v.number, i.status, i.state{cast}, i.started_at, i.updated_at "
            "FROM instance i JOIN process_version v ON v.id = i.process_version_id WHERE i.code = ?",
            (code,),
        )
        if row is None:
            return None
        raw = self.raw
        return InstanceSummary(
            row[0], row[1], row[2], row[3], raw.from_json(row[4]), raw.moment(row[5]), raw.moment(row[6])
        )

    def head_by_code(self, code: str) -> InstanceHead | None:
        row = self.raw.one(f"SELECT {_HEAD} FROM instance i WHERE i.code = ?", (code,))
        return _head(row) if row else None

    def id_of(self, code: str) -> int | None:
        row = self.raw.one("SELECT id FROM instance WHERE code = ?", (code,))
        return row[0] if row else None
