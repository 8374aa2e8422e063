"""Who works a task of a resolving division: the accounts that may take it, with their open workload, and the
division head's reassignment of an open task to one of them, with its reason recorded in the dossier's history."""

from dataclasses import dataclass

from engine.domain.catalogue import Catalogue
from engine.domain.errors import Forbidden, ValidationError
from engine.domain.permissions import DIVISION_LANES, LANE_ROLES
from engine.persistence.db import Database
from engine.persistence.tasks import TaskRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.services.instances import InstanceService

MAX_REASON = 500
REASSIGNED = "dossier:task:reassigned"


@dataclass(frozen=True)
class Candidate:
    """An account that may work a task: its username, full name and how many open tasks it holds."""

    username: str
    full_name: str
    open_tasks: int


class AssignmentService:
    def __init__(self, db: Database, instances: InstanceService, catalogue: Catalogue):
        self.db, self.instances, self.catalogue = db, instances, catalogue

    def division_of(self, task: TaskRow) -> str | None:
        """The division whose officers work `task`, or None when it is not in a division's lane."""
        if task.lane not in DIVISION_LANES:
            return None
        return self.catalogue.division_of(task.procedure_code)

    def candidates(self, task: TaskRow) -> list[Candidate]:
        """The active accounts of the task's lane role in its division, fewest open tasks first; [] for a task that
        is not in a division's lane."""
        with self.db.reading() as uow:
            return self._candidates(uow, task)

    def _candidates(self, uow: UnitOfWork, task: TaskRow) -> list[Candidate]:
        division = self.division_of(task)
        role = LANE_ROLES.get(task.lane or "")
        if division is None or role is None:
            return []
        accounts = uow.accounts.of_division(role, division)
        counts = uow.tasks.open_counts([username for username, _ in accounts])
        found = [Candidate(u, name, counts.get(u, 0)) for u, name in accounts]
        return sorted(found, key=lambda c: (c.open_tasks, c.full_name))

    def reassign(self, task_id: str, to: str, reason: str, actor: str, actor_division: str) -> None:
        """Give open task `task_id` to account `to` of its division, for `reason`, as division head `actor` of
        `actor_division`; recorded as `dossier:task:reassigned` {task, title, from_user, to_user, to_name, reason}.
        Raises NotFound or Conflict (the task is no longer open), Forbidden (another division's task, or one outside
        the division's lanes), ValidationError (no reason, or `to` cannot take it) without changing anything."""
        with self.db.unit_of_work() as uow:
            locked = self.instances.open_task(uow, task_id)
            task = locked.task
            division = self.division_of(task)
            if division is None or division != actor_division:
                raise Forbidden(f"Việc '{task.title}' không thuộc phòng {actor_division}; không giao lại được")
            errors: dict[str, str] = {}
            reason = reason.strip() if isinstance(reason, str) else ""
            if not reason:
                errors["reason"] = "ghi lý do giao lại (người nộp, khối lượng việc, nghỉ phép...)"
            elif len(reason) > MAX_REASON:
                errors["reason"] = f"lý do tối đa {MAX_REASON} ký tự (đang có {len(reason)}); rút gọn lại"
            chosen = next((c for c in self._candidates(uow, task) if c.username == to), None)
            if chosen is None:
                errors["to"] = f"chọn một người của {division} làm được việc '{task.title}'"
            elif chosen.username == task.assignee:
                errors["to"] = f"việc đang do {chosen.full_name} xử lý; chọn người khác"
            if errors:
                raise ValidationError("Chưa giao lại được: " + "; ".join(errors.values()), errors)
            assert chosen is not None
            payload = {
                "task": task.name,
                "title": task.title,
                "from_user": task.assignee or "",
                "to_user": chosen.username,
                "to_name": chosen.full_name,
                "reason": reason,
            }
            self.instances.note(uow, locked.head, REASSIGNED, actor, payload, task_id)
            uow.tasks.set_assignee(task_id, chosen.username)
