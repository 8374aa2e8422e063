"""Write back one step: state, task projection, timers, history and outbox, in the caller's transaction.

Everything is written with a handful of statements (a multi-row insert per table, one update of the instance row
that also checks its revision), because a step is the engine's hot path.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from engine.bpmn.runtime import BpmnRuntime, Workflow
from engine.domain.calendar import WorkingCalendar, parse_allotment
from engine.domain.clock import VN_TZ
from engine.domain.errors import Conflict
from engine.persistence.models import Dossier, Instance, OutboxMessage, Timer, UserTask
from engine.services.dossier_effects import outbox_row, record_effects
from engine.services.effects import Effect
from engine.services.history import Chain


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
    return calendar.step_deadline(ready_at, amount, unit)


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
    status: str | None = None,
) -> None:
    """Persist `workflow` as the new state of `instance` and record what changed.

    `status` changes the instance's status (e.g. "cancelled"); a completed workflow completes the instance.
    Raises Conflict when another command changed the instance since it was read.
    """
    status = status or instance.status
    db = session.connection()  # Core statements on the session's connection: no ORM bookkeeping on the hot path
    chain = Chain.of(instance)
    outbox: list[dict] = []
    for event in events:
        chain.append(event.tag, now, event.actor, event.payload, event.task_id)

    # Timers first: a fired timer is the cause of the tasks that follow it.
    timers = {t.task_id: t for t in workflow.waiting_timers()}
    timer_table = Timer.__table__
    stored = db.execute(
        select(
            timer_table.c.id, timer_table.c.task_id, timer_table.c.name, timer_table.c.state, timer_table.c.due_at
        ).where(timer_table.c.instance_id == instance.id)
    ).all()
    # A timer that stopped waiting fired only if the workflow says so; one whose activity ended first (even after
    # its due moment, before a worker came by) was cancelled, and the history must not say otherwise.
    fired_ids = {timer.task_id for timer in workflow.fired_timers()}
    for row in stored:
        if row.state != "waiting" or row.task_id in timers:
            continue
        fired = row.task_id in fired_ids and status != "cancelled"
        db.execute(
            update(timer_table)
            .where(timer_table.c.id == row.id)
            .values(state="fired" if fired else "cancelled", fired_at=now, locked_by=None, locked_until=None)
        )
        chain.append(
            "instance:timer:fired" if fired else "instance:timer:cancelled",
            now,
            "system" if fired else actor,
            {"timer": row.name, "due_at": row.due_at.isoformat()},
            row.task_id,
        )
    known = {row.task_id for row in stored}
    new_timers = []
    for timer in workflow.fired_timers():
        if timer.task_id not in known:
            # Reached when already due, it fired within this step: record it all the same, for the auditors.
            new_timers.append(
                {
                    "instance_id": instance.id,
                    "task_id": timer.task_id,
                    "name": timer.name,
                    "due_at": timer.due_at,
                    "state": "fired",
                    "fired_at": now,
                }
            )
            chain.append(
                "instance:timer:fired",
                now,
                "system",
                {"timer": timer.name, "due_at": timer.due_at.isoformat()},
                timer.task_id,
            )

    tasks = {t.task_id: t for t in workflow.ready_user_tasks()} if status == "running" else {}
    task_table = UserTask.__table__
    projected = dict(
        db.execute(select(task_table.c.task_id, task_table.c.name).where(task_table.c.instance_id == instance.id)).all()
    )
    gone = [task_id for task_id in projected if task_id not in tasks]
    if gone:
        db.execute(delete(task_table).where(task_table.c.task_id.in_(gone)))
        explained = {e.task_id for e in events}
        for task_id in gone:
            if task_id not in explained:
                chain.append("dossier:task:withdrawn", now, actor, {"task": projected[task_id]}, task_id)
    new_tasks = []
    dossier = _dossier_facts(db, instance.code) if any(t not in projected for t in tasks) else {}
    for task_id, view in tasks.items():
        if task_id in projected:
            continue
        due = step_deadline(calendar, now, view.properties)
        new_tasks.append(
            {
                "task_id": task_id,
                "instance_id": instance.id,
                "instance_code": instance.code,
                "process_id": workflow.process.process_id,
                "name": view.name,
                "title": view.title,
                "lane": view.lane,
                "assignee": None,
                "properties": view.properties,
                "ready_at": now,
                "due_at": due,
                "portal_status": _int_or_none((view.properties or {}).get("portal_status")),
                **dossier,
            }
        )
        payload = {
            "task": view.name,
            "title": view.title,
            "lane": view.lane,
            "due_at": due.isoformat() if due else None,
        }
        chain.append("dossier:task:ready", now, "system", payload, task_id)
        outbox.append(
            outbox_row(
                instance,
                "notification",
                f"task-ready:{task_id}",
                {"event": "task_ready", "code": instance.code, **payload},
                now,
            )
        )
    if new_tasks:
        db.execute(insert(task_table), new_tasks)

    for timer in timers.values():
        if timer.task_id not in known:
            new_timers.append(
                {
                    "instance_id": instance.id,
                    "task_id": timer.task_id,
                    "name": timer.name,
                    "due_at": timer.due_at,
                    "state": "waiting",
                }
            )
            chain.append(
                "instance:timer:scheduled",
                now,
                "system",
                {"timer": timer.name, "due_at": timer.due_at.isoformat()},
                timer.task_id,
            )
    if new_timers:
        db.execute(insert(timer_table), new_timers)

    if effects:
        recorded = record_effects(session, instance, chain, effects, calendar, now)
        outbox.extend(recorded.outbox)
        if recorded.rearm_at is not None and status == "running":
            _rearm_timers(db, instance, workflow, runtime, chain, recorded.rearm_at, now)
    if outbox:
        db.execute(insert(OutboxMessage.__table__), outbox)

    if status == "running" and workflow.completed:
        status = "completed"
        chain.append("instance:completed", now, "system", {"data": workflow.data})
    chain.write(session)
    write_instance(session, instance, chain, now, state=runtime.dump(workflow), status=status)


def _rearm_timers(db, instance, workflow, runtime, chain, appointment: datetime, now: datetime) -> None:
    """The appointment moved (supplementation): give the workflow the new date and move its waiting timers."""
    table = Timer.__table__
    before = dict(
        db.execute(
            select(table.c.task_id, table.c.due_at).where(
                table.c.instance_id == instance.id, table.c.state == "waiting"
            )
        ).all()
    )
    for timer in runtime.rearm(workflow, {"appointment": appointment.astimezone(VN_TZ).isoformat()}):
        old = before.get(timer.task_id)
        if old is None or old == timer.due_at:
            continue
        db.execute(
            update(table)
            .where(table.c.instance_id == instance.id, table.c.task_id == timer.task_id)
            .values(due_at=timer.due_at, locked_by=None, locked_until=None)
        )
        payload = {"timer": timer.name, "from": old.isoformat(), "due_at": timer.due_at.isoformat()}
        chain.append("instance:timer:rescheduled", now, "system", payload, timer.task_id)


def _dossier_facts(db, code: str) -> dict:
    """What the task list shows of the dossier, copied onto its task rows (nothing for a bare instance). Found by
    code: the dossier row exists before its workflow starts, but is linked to the instance only after the first step."""
    table = Dossier.__table__
    row = db.execute(
        select(table.c.procedure_code, table.c.applicant, table.c.appointment).where(table.c.code == code)
    ).first()
    if row is None:
        return {"procedure_code": None, "applicant_name": None, "appointment": None}
    name = (row.applicant or {}).get("name")
    return {
        "procedure_code": row.procedure_code,
        "applicant_name": str(name)[:300] if name else None,
        "appointment": row.appointment,
    }


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def write_instance(session: Session, instance: Instance, chain: Chain, now: datetime, **values) -> None:
    """Update the instance row (its chain head and `values`) if nobody changed it since it was read."""
    table = Instance.__table__
    result = session.connection().execute(
        update(table)
        .where(table.c.id == instance.id, table.c.revision == instance.revision)
        .values(
            revision=instance.revision + 1,
            updated_at=now,
            last_event_seq=chain.seq,
            last_event_hash=chain.hash,
            **values,
        )
    )
    if result.rowcount != 1:
        raise Conflict(f"Hồ sơ {instance.code} vừa được một thao tác khác thay đổi cùng lúc; hãy thử lại")
