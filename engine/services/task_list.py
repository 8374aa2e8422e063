"""The officers' task list: open user tasks from the projection table only, filtered, sorted and paged."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from engine.domain.clock import Clock
from engine.domain.errors import NotFound, ValidationError
from engine.persistence.db import Database
from engine.persistence.models import UserTask
from engine.services.calendars import CalendarService
from engine.services.instances import TASK_COLUMNS, TaskRow

MAX_PAGE = 200
SOON_HOURS = 4  # a deadline within this many working hours shows as "due soon"
DEADLINES = ("overdue", "soon", "in_time")
SORTS = {
    "due_at": UserTask.due_at,
    "ready_at": UserTask.ready_at,
    "appointment": UserTask.appointment,
    "code": UserTask.instance_code,
}


@dataclass(frozen=True)
class TaskQuery:
    """What to list. `lanes` and `assignee` are combined with AND; empty means no filter on it."""

    lanes: tuple[str, ...] = ()
    assignee: str | None = None
    procedure_code: str | None = None
    portal_status: int | None = None
    deadline: str | None = None  # overdue | soon | in_time
    code: str | None = None
    sort: str = "due_at"
    descending: bool = False
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class TaskPage:
    rows: list[TaskRow]
    total: int
    query: TaskQuery
    now: datetime
    soon_limit: datetime
    states: dict[str, str] = field(default_factory=dict)  # task_id -> overdue | soon | in_time | none


def deadline_state(due_at: datetime | None, now: datetime, soon_limit: datetime) -> str:
    """The colour of a step deadline: overdue (passed), soon (within the next 4 working hours), in_time, none."""
    if due_at is None:
        return "none"
    if due_at < now:
        return "overdue"
    if due_at <= soon_limit:
        return "soon"
    return "in_time"


class TaskListService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService):
        self.db, self.clock, self.calendars = db, clock, calendars

    def page(self, query: TaskQuery) -> TaskPage:
        """One page of open tasks and the number of all that match. Raises ValidationError for a bad filter."""
        _check(query)
        now = self.clock.now()
        soon_limit = self.calendars.current().add(now, SOON_HOURS, "wh")
        table = UserTask.__table__
        conditions = []
        if query.lanes:
            conditions.append(table.c.lane.in_(query.lanes))
        if query.assignee:
            conditions.append(table.c.assignee == query.assignee)
        if query.procedure_code:
            conditions.append(table.c.procedure_code == query.procedure_code)
        if query.portal_status is not None:
            conditions.append(table.c.portal_status == query.portal_status)
        if query.code:
            conditions.append(table.c.instance_code == query.code)
        if query.deadline == "overdue":
            conditions.append(table.c.due_at < now)
        elif query.deadline == "soon":
            conditions.append(table.c.due_at >= now)
            conditions.append(table.c.due_at <= soon_limit)
        elif query.deadline == "in_time":
            conditions.append(table.c.due_at > soon_limit)
        column = SORTS[query.sort]
        # A missing date sorts as the latest one (PostgreSQL's own order): both databases then read the lane's index
        # in order instead of sorting every task of the lane (bench/task_list.py).
        order = [column.desc().nulls_first() if query.descending else column.asc().nulls_last(), table.c.task_id]
        rows_query = (
            select(*(table.c[name] for name in TASK_COLUMNS))
            .where(*conditions)
            .order_by(*order)
            .limit(query.limit)
            .offset(query.offset)
        )
        with self.db.read() as session:
            rows = [TaskRow(*row) for row in session.execute(rows_query)]
            total = session.scalar(select(func.count()).select_from(table).where(*conditions))
        states = {row.task_id: deadline_state(row.due_at, now, soon_limit) for row in rows}
        return TaskPage(rows, total, query, now, soon_limit, states)

    def get(self, task_id: str) -> TaskRow:
        """One open task. Raises NotFound when it is not open (completed, withdrawn or never existed)."""
        table = UserTask.__table__
        with self.db.read() as session:
            row = session.execute(
                select(*(table.c[name] for name in TASK_COLUMNS)).where(table.c.task_id == task_id)
            ).first()
        if row is None:
            raise NotFound(f"Không có việc {task_id} đang mở (đã xử lý xong hoặc không tồn tại)")
        return TaskRow(*row)


def _check(query: TaskQuery) -> None:
    errors = {}
    if query.deadline is not None and query.deadline not in DEADLINES:
        errors["deadline"] = "hạn xử lý là một trong: overdue (quá hạn), soon (sắp đến hạn), in_time (còn hạn)"
    if query.sort not in SORTS:
        errors["sort"] = f"sắp xếp theo một trong: {', '.join(SORTS)}"
    if isinstance(query.limit, bool) or not isinstance(query.limit, int) or not 1 <= query.limit <= MAX_PAGE:
        errors["limit"] = f"số dòng mỗi trang từ 1 đến {MAX_PAGE}"
    if isinstance(query.offset, bool) or not isinstance(query.offset, int) or query.offset < 0:
        errors["offset"] = "vị trí bắt đầu là số nguyên không âm"
    if query.portal_status is not None and (
        isinstance(query.portal_status, bool) or query.portal_status not in range(1, 11)
    ):
        errors["portal_status"] = "trạng thái là một số từ 1 đến 10"
    if errors:
        raise ValidationError("Không lọc được danh sách việc: " + "; ".join(errors.values()), errors)
