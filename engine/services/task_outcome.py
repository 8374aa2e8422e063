"""What became of a task that is no longer open: who completed it (or why it was withdrawn), when, and where its
dossier is now. The page an officer reaches with Back after completing a task, instead of "no such open task"."""

from dataclasses import dataclass, field
from datetime import datetime

from engine.domain.clock import VN_TZ
from engine.domain.errors import NotFound
from engine.domain.portal import status_label
from engine.persistence.db import Database

COMPLETED = "dossier:task:completed"
WITHDRAWN = "dossier:task:withdrawn"


@dataclass(frozen=True)
class OpenStep:
    """A step the dossier waits on now."""

    task_id: str
    title: str
    lane: str
    assignee: str | None  # the full name of the officer who took it, if anyone did


@dataclass(frozen=True)
class TaskOutcome:
    """`ending` is completed, withdrawn (ended by another step or a timer) or open (still open: not an outcome);
    `by` is the full name of who ended it (system for the engine), `at` in Vietnam time. `instance_status` is
    running, completed or cancelled; `status_label` the dossier's status (None for an instance without a dossier)."""

    task_id: str
    code: str
    title: str
    lane: str
    ending: str
    by: str
    at: datetime
    instance_status: str
    status_label: str | None
    now_open: list[OpenStep] = field(default_factory=list)


class TaskOutcomeService:
    def __init__(self, db: Database):
        self.db = db

    def outcome(self, task_id: str) -> TaskOutcome:
        """What happened to task `task_id`. Raises NotFound when no history names it (it never existed)."""
        with self.db.reading() as uow:
            found = uow.history.of_task(task_id)
            if found is None:
                raise NotFound(f"Không có việc {task_id}")
            code, events = found
            head = uow.instances.head_by_code(code)
            dossier = uow.dossiers.row(code)
            open_rows = uow.tasks.of_instance(code)
            last = events[-1]
            names = uow.accounts.full_names([last.actor, *(r.assignee for r in open_rows if r.assignee)])
        ready = next((e for e in events if e.tag == "dossier:task:ready"), None)
        payload = ready.payload if ready is not None else last.payload
        ending = {COMPLETED: "completed", WITHDRAWN: "withdrawn"}.get(last.tag, "open")
        return TaskOutcome(
            task_id=task_id,
            code=code,
            title=str(payload.get("title") or payload.get("task") or task_id),
            lane=str(payload.get("lane") or ""),
            ending=ending,
            by=names.get(last.actor, last.actor),
            at=last.at.astimezone(VN_TZ),
            instance_status=head.status if head is not None else "running",
            status_label=status_label(dossier.status) if dossier is not None else None,
            now_open=[
                OpenStep(r.task_id, r.title or r.name, r.lane or "", names.get(r.assignee or "", r.assignee))
                for r in open_rows
            ],
        )
