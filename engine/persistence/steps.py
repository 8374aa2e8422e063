"""Reading what a step needs and writing what it produced (a `StepRecord`) with few, prepared statements.

A step is the engine's hot path: on PostgreSQL its reads go in one pipeline (psycopg's pipeline mode: one round
trip) and its writes are queued to go out with the COMMIT (`RawSql.send`: one round trip for both); on SQLite they
are plain driver calls. The instance row is written first, with its revision checked, so a step that lost a race
changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from engine.persistence.dossiers import DossierFacts
from engine.persistence.instances import InstanceHead
from engine.persistence.outbox import INSERT_OUTBOX, insert_values

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_TASK_COLUMNS = (
    "task_id",
    "instance_id",
    "instance_code",
    "process_id",
    "name",
    "title",
    "lane",
    "assignee",
    "properties",
    "ready_at",
    "due_at",
    "procedure_code",
    "applicant_name",
    "appointment",
    "portal_status",
)
_TASK_MOMENTS = {"ready_at", "due_at", "appointment"}
_INSERT_TASK = f"INSERT INTO user_task ({', '.join(_TASK_COLUMNS)}) VALUES ({', '.join('?' for _ in _TASK_COLUMNS)})"
_INSERT_TIMER = "INSERT INTO timer (instance_id, task_id, name, due_at, state, fired_at) VALUES (?, ?, ?, ?, ?, ?)"


@dataclass(frozen=True)
class StoredTimer:
    name: str
    state: str  # waiting | fired | cancelled
    due_at: datetime


@dataclass(frozen=True)
class Stored:
    """What the database holds of an instance's projection and timers at one revision."""

    projected: dict[str, str]  # open task id -> the task's element id
    timers: dict[str, StoredTimer]  # timer task id -> its row


@dataclass
class StepRecord:
    """Everything one step writes, as values. `state_text` None leaves the state as it was (a note)."""

    head: InstanceHead  # as read: the write checks its revision
    now: datetime
    seq: int  # the chain head after the step
    hash: str
    events: list[dict]  # `Chain.rows`
    state_text: str | None = None
    status: str | None = None
    tasks_removed: list[str] = field(default_factory=list)
    tasks_added: list[dict] = field(default_factory=list)
    timers_added: list[dict] = field(default_factory=list)  # task_id, name, due_at, state, fired_at
    timers_ended: list[tuple[str, str]] = field(default_factory=list)  # (task id, fired | cancelled)
    timers_moved: list[tuple[str, datetime]] = field(default_factory=list)
    outbox: list[dict] = field(default_factory=list)  # `engine.persistence.outbox.new_message` rows
    dossier_id: int | None = None
    dossier_changes: dict = field(default_factory=dict)
    head_mac: str | None = None  # the keyed MAC of the new head (engine.domain.chain.Seal)


class StepStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def load(self, head: InstanceHead, stored: bool = True) -> tuple[Stored | None, DossierFacts | None]:
        """The projection and timers of `head` (when `stored`), and its dossier's facts (None for a bare instance)."""
        raw = self.uow.raw
        if not stored:
            return None, self.uow.dossiers.facts(head.id)
        with raw.pipeline():
            tasks = raw.connection.execute(
                raw.text("SELECT task_id, name FROM user_task WHERE instance_id = ?"), (head.id,)
            )
            timers = raw.connection.execute(
                raw.text("SELECT task_id, name, state, due_at FROM timer WHERE instance_id = ?"), (head.id,)
            )
        projected = dict(tasks.fetchall())
        known = {t: StoredTimer(n, s, raw.moment(d)) for t, n, s, d in timers.fetchall()}
        return Stored(projected, known), self.uow.dossiers.facts(head.id)

    def write(self, record: StepRecord) -> None:
        """Write `record` in the unit of work. Raises Conflict when the instance changed since its head was read (on
        PostgreSQL, where the writes go out with the commit, the commit raises it)."""
        raw, head, now = self.uow.raw, record.head, record.now
        stamp = raw.dt(now)
        # The head first: a record of a stale head fails here, before any of its rows meets a unique index.
        sets = "revision = ?, updated_at = ?, last_event_seq = ?, last_event_hash = ?, head_mac = ?"
        params: list[object] = [head.revision + 1, stamp, record.seq, record.hash, record.head_mac]
        if record.state_text is not None:
            sets += ", state = ?"
            params.append(record.state_text)
        if record.status is not None:
            sets += ", status = ?"
            params.append(record.status)
        raw.send(
            f"UPDATE instance SET {sets} WHERE id = ? AND revision = ?",
            (*params, head.id, head.revision),
            must_change=f"Hồ sơ {head.code} vừa được một thao tác khác thay đổi cùng lúc; hãy thử lại",
        )
        self.uow.history.append(record.events)
        if record.tasks_removed:
            marks = ", ".join("?" for _ in record.tasks_removed)
            raw.send(f"DELETE FROM user_task WHERE task_id IN ({marks})", record.tasks_removed)
        raw.send_many(
            _INSERT_TASK,
            [
                tuple(
                    raw.json(t[c]) if c == "properties" else raw.dt(t[c]) if c in _TASK_MOMENTS else t[c]
                    for c in _TASK_COLUMNS
                )
                for t in record.tasks_added
            ],
        )
        for task_id, state in record.timers_ended:
            raw.send(
                "UPDATE timer SET state = ?, fired_at = ?, locked_by = NULL, locked_until = NULL "
                "WHERE instance_id = ? AND task_id = ?",
                (state, stamp, head.id, task_id),
            )
        for task_id, due_at in record.timers_moved:
            raw.send(
                "UPDATE timer SET due_at = ?, locked_by = NULL, locked_until = NULL "
                "WHERE instance_id = ? AND task_id = ?",
                (raw.dt(due_at), head.id, task_id),
            )
        raw.send_many(
            _INSERT_TIMER,
            [
                (head.id, t["task_id"], t["name"], raw.dt(t["due_at"]), t["state"], raw.dt(t.get("fired_at")))
                for t in record.timers_added
            ],
        )
        raw.send_many(INSERT_OUTBOX, [insert_values(raw, m) for m in record.outbox])
        if record.dossier_changes and record.dossier_id is not None:
            self.uow.dossiers.change(record.dossier_id, record.dossier_changes)
            if "appointment" in record.dossier_changes:  # the task list shows the dossier's appointment
                raw.send(
                    "UPDATE user_task SET appointment = ? WHERE instance_id = ?",
                    (raw.dt(record.dossier_changes["appointment"]), head.id),
                )
