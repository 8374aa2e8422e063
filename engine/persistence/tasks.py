"""The task projection (`user_task`): one row per ready user task, which the task lists read and nothing else."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, select

from engine.persistence.models import UserTask
from engine.persistence.sql import RawSql

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class TaskRow:
    """An open user task as the projection stores it."""

    task_id: str
    code: str
    process_id: str
    name: str
    title: str
    lane: str | None
    assignee: str | None
    ready_at: datetime
    due_at: datetime | None
    properties: dict
    procedure_code: str | None = None
    applicant_name: str | None = None
    appointment: datetime | None = None
    portal_status: int | None = None


TASK_COLUMNS = (
    "task_id",
    "instance_code",
    "process_id",
    "name",
    "title",
    "lane",
    "assignee",
    "ready_at",
    "due_at",
    "properties",
    "procedure_code",
    "applicant_name",
    "appointment",
    "portal_status",
)
TASK_SELECT = ", ".join(f"t.{name}" for name in TASK_COLUMNS)
_TABLE = UserTask.__table__
SORTS = {
    "due_at": _TABLE.c.due_at,
    "ready_at": _TABLE.c.ready_at,
    "appointment": _TABLE.c.appointment,
    "code": _TABLE.c.instance_code,
}


def task_row(values, raw: RawSql) -> TaskRow:
    """A TaskRow from the driver's values of `TASK_SELECT`."""
    v = list(values)
    v[7], v[8], v[12] = raw.moment(v[7]), raw.from_dt(v[8]), raw.from_dt(v[12])
    v[9] = raw.from_json(v[9]) or {}
    return TaskRow(*v)


@dataclass(frozen=True)
class TaskFilter:
    """Conditions of a task list, combined with AND; None or empty means no condition on it."""

    lanes: tuple[str, ...] = ()
    procedures: tuple[str, ...] | None = None  # procedure_code IN these (none matches an empty tuple)
    assignee: str | None = None
    procedure_code: str | None = None
    portal_status: int | None = None
    code: str | None = None
    name: str | None = None
    due_before: datetime | None = None  # due_at < due_before
    due_from: datetime | None = None  # due_at >= due_from
    due_until: datetime | None = None  # due_at <= due_until
    due_after: datetime | None = None  # due_at > due_after


class TaskStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def get(self, task_id: str) -> TaskRow | None:
        raw = self.uow.raw
        row = raw.one(f"SELECT {TASK_SELECT} FROM user_task t WHERE t.task_id = ?", (task_id,))
        return task_row(row, raw) if row else None

    def due_before(self, moment: datetime, limit: int) -> list[tuple[int, TaskRow]]:
        """(instance id, task) of open tasks due before `moment`, the soonest first."""
        raw = self.uow.raw
        rows = raw.all(
            f"SELECT t.instance_id, {TASK_SELECT} FROM user_task t WHERE t.due_at IS NOT NULL AND t.due_at < ? "
            "ORDER BY t.due_at, t.task_id LIMIT ?",
            (raw.dt(moment), limit),
        )
        return [(row[0], task_row(row[1:], raw)) for row in rows]

    def of_instance(self, code: str) -> list[TaskRow]:
        """The open tasks of instance `code`, soonest deadline first."""
        raw = self.uow.raw
        rows = raw.all(
            f"SELECT {TASK_SELECT} FROM user_task t WHERE t.instance_id = (SELECT id FROM instance WHERE code = ?) "
            "ORDER BY t.due_at IS NULL, t.due_at, t.ready_at, t.task_id",
            (code,),
        )
        return [task_row(row, raw) for row in rows]

    def names_of(self, instance_id: int) -> list[str]:
        """Element ids of the instance's open tasks, in the order they became ready."""
        rows = self.uow.raw.all("SELECT name FROM user_task WHERE instance_id = ? ORDER BY ready_at", (instance_id,))
        return [row[0] for row in rows]

    def open_in_lanes(self, code: str, lanes: Sequence[str]) -> bool:
        """Whether instance `code` has an open task in one of `lanes`."""
        marks = ", ".join("?" for _ in lanes)
        row = self.uow.raw.one(
            f"SELECT 1 FROM user_task WHERE instance_code = ? AND lane IN ({marks}) LIMIT 1", (code, *lanes)
        )
        return row is not None

    def open_counts(self, usernames: Sequence[str]) -> dict[str, int]:
        """How many open tasks each of `usernames` holds (absent: none)."""
        if not usernames:
            return {}
        marks = ", ".join("?" for _ in usernames)
        rows = self.uow.raw.all(
            f"SELECT assignee, count(*) FROM user_task WHERE assignee IN ({marks}) GROUP BY assignee", tuple(usernames)
        )
        return {username: count for username, count in rows}

    def set_assignee(self, task_id: str, assignee: str | None) -> None:
        self.uow.raw.run("UPDATE user_task SET assignee = ? WHERE task_id = ?", (assignee, task_id))

    def page(
        self, where: TaskFilter, sort: str, descending: bool, limit: int, offset: int
    ) -> tuple[list[TaskRow], int]:
        """One sorted page of the tasks `where` selects and how many it selects in all. A missing date sorts as the
        latest (PostgreSQL's own order): both databases then read the lane's index in order instead of sorting
        every task of the lane (bench/task_list.py)."""
        conditions = _conditions(where)
        column = SORTS[sort]
        order = [column.desc().nulls_first() if descending else column.asc().nulls_last(), _TABLE.c.task_id]
        query = (
            select(*(_TABLE.c[name] for name in TASK_COLUMNS))
            .where(*conditions)
            .order_by(*order)
            .limit(limit)
            .offset(offset)
        )
        connection = self.uow.connection
        rows = [TaskRow(*row) for row in connection.execute(query)]
        total = connection.execute(select(func.count()).select_from(_TABLE).where(*conditions)).scalar_one()
        return rows, total


def _conditions(where: TaskFilter) -> list[ColumnElement[bool]]:
    c, conditions = _TABLE.c, list[ColumnElement[bool]]()
    if where.lanes:
        conditions.append(c.lane.in_(where.lanes))
    if where.procedures is not None:
        conditions.append(c.procedure_code.in_(where.procedures))
    for column, value in (
        (c.assignee, where.assignee),
        (c.procedure_code, where.procedure_code),
        (c.instance_code, where.code),
        (c.name, where.name),
    ):
        if value:
            conditions.append(column == value)
    if where.portal_status is not None:
        conditions.append(c.portal_status == where.portal_status)
    if where.due_before is not None:
        conditions.append(c.due_at < where.due_before)
    if where.due_from is not None:
        conditions.append(c.due_at >= where.due_from)
    if where.due_until is not None:
        conditions.append(c.due_at <= where.due_until)
    if where.due_after is not None:
        conditions.append(c.due_at > where.due_after)
    return conditions
