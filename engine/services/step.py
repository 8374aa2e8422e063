"""Write back one step: state, task projection, timers, history and outbox, in the caller's transaction."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.runtime import BpmnRuntime, Workflow
from engine.domain.calendar import WorkingCalendar, parse_allotment
from engine.persistence.models import Instance, OutboxMessage, Timer, UserTask
from engine.services import history
from engine.services.effects import Effect


@dataclass
class Event:
    """A history event the command itself records (what was asked, by whom, with which input)."""

    tag: str
    actor: str
    payload: dict = field(default_factory=dict)
    task_id: str | None = None


def step_deadline(calendar: WorkingCalendar, ready_at: datetime, properties: dict) -> datetime | None:
    """The deadline of a user task from its `allotment` extension property (e.g. `6d`, `4h`)."""
    allotment = (properties or {}).get("allotment")
    if not allotment:
        return None
    amount, unit = parse_allotment(str(allotment))
    return calendar.add(ready_at, amount, unit)


def save_step(
    session: Session,
    instance: Instance,
    workflow: Workflow,
    runtime: BpmnRuntime,
    calendar: WorkingCalendar,
    now: datetime,
    events: list[Event],
    actor: str,
    effects: list[Effect] = (),
) -> None:
    """Persist `workflow` as the new state of `instance` and record what changed."""
    for event in events:
        history.append(session, instance, event.tag, now, event.actor, event.payload, event.task_id)

    # Timers first: a fired timer is the cause of the tasks that follow it.
    waiting = {t.task_id: t for t in workflow.waiting_timers()}
    all_rows = session.scalars(select(Timer).where(Timer.instance_id == instance.id)).all()
    rows = [row for row in all_rows if row.state == "waiting"]
    for row in rows:
        if row.task_id in waiting:
            continue
        fired = row.due_at <= now and not workflow_cancelled(instance)
        row.state, row.fired_at, row.locked_by, row.locked_until = ("fired" if fired else "cancelled"), now, None, None
        tag = "instance:timer:fired" if fired else "instance:timer:cancelled"
        history.append(
            session,
            instance,
            tag,
            now,
            "system" if fired else actor,
            {"timer": row.name, "due_at": row.due_at.isoformat()},
            row.task_id,
        )
    known = {row.task_id for row in all_rows}
    for timer in workflow.fired_timers():
        if timer.task_id in known:
            continue
        # Reached when already due, it fired within this step: record it all the same, for the auditors.
        session.add(
            Timer(
                instance_id=instance.id,
                task_id=timer.task_id,
                name=timer.name,
                due_at=timer.due_at,
                state="fired",
                fired_at=now,
            )
        )
        known.add(timer.task_id)
        history.append(
            session,
            instance,
            "instance:timer:fired",
            now,
            "system",
            {"timer": timer.name, "due_at": timer.due_at.isoformat()},
            timer.task_id,
        )

    tasks = {t.task_id: t for t in workflow.ready_user_tasks()} if instance.status == "running" else {}
    projected = {
        row.task_id: row for row in session.scalars(select(UserTask).where(UserTask.instance_id == instance.id))
    }
    for task_id, row in projected.items():
        if task_id not in tasks:
            session.delete(row)
            if not any(e.task_id == task_id for e in events):
                history.append(session, instance, "dossier:task:withdrawn", now, actor, {"task": row.name}, task_id)
    for task_id, view in tasks.items():
        if task_id in projected:
            continue
        due = step_deadline(calendar, now, view.properties)
        session.add(
            UserTask(
                task_id=task_id,
                instance_id=instance.id,
                instance_code=instance.code,
                process_id=workflow.process.process_id,
                name=view.name,
                title=view.title,
                lane=view.lane,
                assignee=None,
                properties=view.properties,
                ready_at=now,
                due_at=due,
            )
        )
        payload = {
            "task": view.name,
            "title": view.title,
            "lane": view.lane,
            "due_at": due.isoformat() if due else None,
        }
        history.append(session, instance, "dossier:task:ready", now, "system", payload, task_id)
        session.add(
            OutboxMessage(
                instance_id=instance.id,
                kind="notification",
                idempotency_key=f"task-ready:{task_id}",
                payload={"event": "task_ready", "code": instance.code, **payload},
                state="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )

    for timer in waiting.values():
        if timer.task_id in known:
            continue
        session.add(
            Timer(instance_id=instance.id, task_id=timer.task_id, name=timer.name, due_at=timer.due_at, state="waiting")
        )
        history.append(
            session,
            instance,
            "instance:timer:scheduled",
            now,
            "system",
            {"timer": timer.name, "due_at": timer.due_at.isoformat()},
            timer.task_id,
        )

    for effect in effects:
        _record_effect(session, instance, effect, now)

    if instance.status == "running" and workflow.completed:
        instance.status = "completed"
        history.append(session, instance, "instance:completed", now, "system", {"data": workflow.data})
    instance.state = runtime.dump(workflow)
    instance.updated_at = now


def workflow_cancelled(instance: Instance) -> bool:
    return instance.status == "cancelled"


EFFECT_TAGS = {"letter": "dossier:letter:queued", "portal_status": "dossier:status:changed"}


def _record_effect(session: Session, instance: Instance, effect: Effect, now: datetime) -> None:
    """An effect a script asked for: a history event, and an outbox row to deliver it after commit."""
    event = history.append(session, instance, EFFECT_TAGS[effect.kind], now, "system", effect.payload)
    session.add(
        OutboxMessage(
            instance_id=instance.id,
            kind=effect.kind,
            idempotency_key=f"{instance.code}:{event.seq}",
            payload={"code": instance.code, **effect.payload},
            state="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
