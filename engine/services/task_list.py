"""The officers' task list: open user tasks from the projection table only, filtered, sorted and paged."""

from dataclasses import dataclass, field
from datetime import datetime

from engine.domain.clock import Clock
from engine.domain.deadlines import DEADLINE_STATES, deadline_state, soon_limit
from engine.domain.errors import NotFound, ValidationError
from engine.domain.numbers import MAX_OFFSET
from engine.persistence.db import Database
from engine.persistence.tasks import SORTS, TaskFilter, TaskRow
from engine.services.calendars import CalendarService

MAX_PAGE = 200
DEADLINES = DEADLINE_STATES
__all__ = ["DEADLINES", "MAX_PAGE", "SORTS", "TaskListService", "TaskPage", "TaskQuery"]


@dataclass(frozen=True)
class TaskQuery:
    """What to list. `lanes` and `assignee` are combined with AND; empty means no filter on it."""

    lanes: tuple[str, ...] = ()
    procedures: tuple[str, ...] | None = None  # only tasks of these procedures (a division's); None: any
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


class TaskListService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService):
        self.db, self.clock, self.calendars = db, clock, calendars

    def page(self, query: TaskQuery) -> TaskPage:
        """One page of open tasks and the number of all that match. Raises ValidationError for a bad filter."""
        _check(query)
        now = self.clock.now()
        soon = soon_limit(self.calendars.current(), now)
        where = TaskFilter(
            lanes=query.lanes,
            procedures=query.procedures,
            assignee=query.assignee,
            procedure_code=query.procedure_code,
            portal_status=query.portal_status,
            code=query.code,
            due_before=now if query.deadline == "overdue" else None,
            due_from=now if query.deadline == "soon" else None,
            due_until=soon if query.deadline == "soon" else None,
            due_after=soon if query.deadline == "in_time" else None,
        )
        with self.db.reading() as uow:
            rows, total = uow.tasks.page(where, query.sort, query.descending, query.limit, query.offset)
        states = {row.task_id: deadline_state(row.due_at, now, soon) for row in rows}
        return TaskPage(rows, total, query, now, soon, states)

    def deadline_state(self, due_at: datetime | None) -> str:
        """The colour of one step deadline now (see `engine.domain.deadlines.deadline_state`)."""
        now = self.clock.now()
        return deadline_state(due_at, now, soon_limit(self.calendars.current(), now))

    def get(self, task_id: str) -> TaskRow:
        """One open task. Raises NotFound when it is not open (completed, withdrawn or never existed)."""
        with self.db.reading() as uow:
            row = uow.tasks.get(task_id)
        if row is None:
            raise NotFound(f"Không có việc {task_id} đang mở (đã xử lý xong hoặc không tồn tại)")
        return row


def _check(query: TaskQuery) -> None:
    errors = {}
    if query.deadline is not None and query.deadline not in DEADLINES:
        errors["deadline"] = "hạn xử lý là một trong: overdue (quá hạn), soon (sắp đến hạn), in_time (còn hạn)"
    if query.sort not in SORTS:
        errors["sort"] = f"sắp xếp theo một trong: {', '.join(SORTS)}"
    if isinstance(query.limit, bool) or not isinstance(query.limit, int) or not 1 <= query.limit <= MAX_PAGE:
        errors["limit"] = f"số dòng mỗi trang từ 1 đến {MAX_PAGE}"
    if isinstance(query.offset, bool) or not isinstance(query.offset, int) or not 0 <= query.offset <= MAX_OFFSET:
        errors["offset"] = f"vị trí bắt đầu là số nguyên từ 0 đến {MAX_OFFSET}"
    if query.portal_status is not None and (
        isinstance(query.portal_status, bool) or query.portal_status not in range(1, 11)
    ):
        errors["portal_status"] = "trạng thái là một số từ 1 đến 10"
    if errors:
        raise ValidationError("Không lọc được danh sách việc: " + "; ".join(errors.values()), errors)
