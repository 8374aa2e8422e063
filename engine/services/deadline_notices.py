"""Notices to officers about their steps' deadlines, once each: a step due within `hours` working hours (default 4,
MOTCUA_DEADLINE_NOTICE_HOURS) and a step overdue. Run by the worker's every pass; the outbox key of each notice
(`deadline-near:<task>`, `overdue:<task>`) makes a second pass write nothing. The notice names the step's lane and
assignee (the notifier sends it to them)."""

from datetime import timedelta

from engine.domain.clock import Clock
from engine.persistence.db import Database
from engine.persistence.outbox import new_message
from engine.services.calendars import CalendarService

# A step due within this many working hours is at most this far away in calendar time (Tết is 9 days off).
_HORIZON = timedelta(days=14)


class DeadlineNoticeService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService, hours: float = 4):
        self.db, self.clock, self.calendars, self.hours = db, clock, calendars, hours

    def run(self, limit: int = 500) -> int:
        """Queue the notices that are due now; return how many were new."""
        now, calendar = self.clock.now(), self.calendars.current()
        with self.db.unit_of_work() as uow:
            messages = []
            for instance_id, task in uow.tasks.due_before(now + _HORIZON, limit):
                assert task.due_at is not None
                if task.due_at <= now:
                    event = "overdue"
                elif calendar.add_working_hours(task.due_at, self.hours, before=True) <= now:
                    event = "deadline-near"
                else:
                    continue
                notice = {
                    "event": event.replace("-", "_"),
                    "code": task.code,
                    "task": task.name,
                    "title": task.title,
                    "lane": task.lane,
                    "assignee": task.assignee,
                    "due_at": task.due_at.isoformat(),
                    "procedure_code": task.procedure_code,
                    "task_id": task.task_id,
                }
                messages.append(new_message(instance_id, "notification", f"{event}:{task.task_id}", notice, now))
            known = uow.outbox.existing_keys([m["idempotency_key"] for m in messages])
            return uow.outbox.add_once([m for m in messages if m["idempotency_key"] not in known])
