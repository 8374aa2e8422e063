"""The step as a value: what a command did to an instance, turned into the rows to write. Pure.

`build_record` compares what the database held before the step (`Stored`: the task projection and the timers) with
the workflow after it (`Scan`), adds the command's own events and its effects' outcome, and returns a `StepRecord`
(projection rows, timer changes, hash-chained history events, outbox rows, dossier changes) and what the database
holds after it. History events come in a fixed order: the command's events; timers that fired or were cancelled;
tasks withdrawn; tasks ready; timers scheduled; the effects' events; timers rescheduled; the instance completed.
"""

from dataclasses import dataclass, field
from datetime import datetime

from engine.bpmn.runtime import Scan
from engine.domain import deadlines
from engine.domain.calendar import WorkingCalendar
from engine.domain.chain import Chain, Seal
from engine.domain.digests import facts_digest, state_digest, tasks_digest, timers_digest
from engine.persistence.dossiers import DossierFacts
from engine.persistence.instances import InstanceHead
from engine.persistence.outbox import new_message
from engine.persistence.steps import StepRecord, Stored, StoredTimer
from engine.services.dossier_effects import EffectOutcome


@dataclass
class Event:
    """A history event the command itself records (what was asked, by whom, with which input)."""

    tag: str
    actor: str
    payload: dict = field(default_factory=dict)
    task_id: str | None = None


@dataclass(frozen=True)
class After:
    """The workflow after the command: its scan, its new status, its data if it completed, its state as text, and
    the fields of its data the step changed (`engine.domain.data_changes.diff`; None: not compared, at the start)."""

    scan: Scan
    status: str  # running | completed | cancelled
    process_id: str
    state_text: str
    data: dict = field(default_factory=dict)
    changes: list | None = None


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def build_record(
    head: InstanceHead,
    stored: Stored,
    after: After,
    events: list[Event],
    outcome: EffectOutcome,
    calendar: WorkingCalendar,
    now: datetime,
    actor: str,
    seal: Seal | None = None,
    step_input: dict | None = None,
) -> tuple[StepRecord, Stored]:
    """The record of one step of `head`, and what the database holds once it is written. The step's last event
    carries `step_input` (what the step was asked to do) and the digests of what it left (`step_digests`)."""
    chain = Chain(head.id, head.code, head.last_event_seq, head.last_event_hash, seal)
    record = StepRecord(head, now, 0, "", chain.rows, state_text=after.state_text)
    first_seq = head.last_event_seq + 1  # the step's first event: the command that made its data changes
    for event in events:
        chain.append(event.tag, now, event.actor, event.payload, event.task_id)
    scan, status = after.scan, after.status
    timers = dict(stored.timers)

    # Timers first: a fired timer is the cause of the tasks that follow it. A timer that stopped waiting fired only
    # if the workflow says so; one whose activity ended first (even after its due moment, before a worker came by)
    # was cancelled, and the history must not say otherwise.
    waiting = {t.task_id: t for t in scan.waiting}
    fired = {t.task_id: t for t in scan.fired}
    for task_id, row in stored.timers.items():
        if row.state != "waiting" or task_id in waiting:
            continue
        state = "fired" if task_id in fired and status != "cancelled" else "cancelled"
        record.timers_ended.append((task_id, state))
        timers[task_id] = StoredTimer(row.name, state, row.due_at)
        payload = {"timer": row.name, "due_at": row.due_at.isoformat()}
        chain.append(f"instance:timer:{state}", now, "system" if state == "fired" else actor, payload, task_id)
    for task_id, timer in fired.items():
        if task_id not in stored.timers:  # reached when already due, it fired within this step: record it anyway
            record.timers_added.append(
                {"task_id": task_id, "name": timer.name, "due_at": timer.due_at, "state": "fired", "fired_at": now}
            )
            timers[task_id] = StoredTimer(timer.name, "fired", timer.due_at)
            chain.append(
                "instance:timer:fired",
                now,
                "system",
                {"timer": timer.name, "due_at": timer.due_at.isoformat()},
                task_id,
            )

    ready = {t.task_id: t for t in scan.ready} if status == "running" else {}
    explained = {e.task_id for e in events}
    projected = {task_id: name for task_id, name in stored.projected.items() if task_id in ready}
    for task_id, name in stored.projected.items():
        if task_id not in ready:
            record.tasks_removed.append(task_id)
            if task_id not in explained:
                chain.append("dossier:task:withdrawn", now, actor, {"task": name}, task_id)
    facts: DossierFacts | None = outcome.facts
    for task_id, view in ready.items():
        if task_id in stored.projected:
            continue
        allotment = (view.properties or {}).get("allotment")
        # A step that waits for the applicant has no deadline until the additions arrive (deadlines module).
        for_applicant = deadlines.waits_for_applicant(view.properties)
        due = None if for_applicant else deadlines.step_deadline(calendar, now, allotment)
        record.tasks_added.append(
            {
                "task_id": task_id,
                "instance_id": head.id,
                "instance_code": head.code,
                "process_id": after.process_id,
                "name": view.name,
                "title": view.title,
                "lane": view.lane,
                "assignee": view.assignee,
                "properties": view.properties,
                "ready_at": now,
                "due_at": due,
                "procedure_code": facts.procedure_code if facts else None,
                "applicant_name": facts.applicant_name if facts else None,
                "appointment": facts.appointment if facts else None,
                "portal_status": _int_or_none((view.properties or {}).get("portal_status")),
            }
        )
        projected[task_id] = view.name
        ready_payload: dict[str, object] = {
            "task": view.name,
            "title": view.title,
            "lane": view.lane,
            "due_at": due.isoformat() if due else None,
        }
        if view.assignee:
            ready_payload["assignee"] = view.assignee
        chain.append("dossier:task:ready", now, "system", ready_payload, task_id)
        notice = {"event": "task_ready", "code": head.code, **ready_payload}
        notice["task_id"] = task_id  # the officers are not told of a task closed before its notice went out
        if facts is not None:  # whose division's officers are told of a task in a division's lane
            notice["procedure_code"] = facts.procedure_code
        record.outbox.append(new_message(head.id, "notification", f"task-ready:{task_id}", notice, now))

    for task_id, timer in waiting.items():
        if task_id not in stored.timers:
            record.timers_added.append(
                {"task_id": task_id, "name": timer.name, "due_at": timer.due_at, "state": "waiting", "fired_at": None}
            )
            timers[task_id] = StoredTimer(timer.name, "waiting", timer.due_at)
            payload = {"timer": timer.name, "due_at": timer.due_at.isoformat()}
            chain.append("instance:timer:scheduled", now, "system", payload, task_id)

    for effect in outcome.events:
        seq = chain.append(effect.tag, now, "system", effect.payload)
        if effect.outbox is not None:
            kind, payload = effect.outbox
            message = new_message(head.id, kind, f"{head.code}:{seq}", {"code": head.code, **payload}, now)
            record.outbox.append(message)
    if facts is not None and outcome.changes:
        record.dossier_id, record.dossier_changes = facts.id, dict(outcome.changes)

    for task_id, timer in waiting.items():
        known = stored.timers.get(task_id)
        if known is not None and known.state == "waiting" and known.due_at != timer.due_at:
            record.timers_moved.append((task_id, timer.due_at))
            timers[task_id] = StoredTimer(known.name, "waiting", timer.due_at)
            payload = {"timer": timer.name, "from": known.due_at.isoformat(), "due_at": timer.due_at.isoformat()}
            chain.append("instance:timer:rescheduled", now, "system", payload, task_id)

    if status == "completed" and head.status == "running":
        chain.append("instance:completed", now, "system", {"data": after.data})
    if status != head.status:
        record.status = status
    stored_after = Stored(projected, timers)
    if not chain.rows:  # a step that changed only the state (rare): an event to carry the step
        chain.append("instance:advanced", now, actor, {})
    step = {"input": step_input or {"kind": "step"}, **step_digests(after.state_text, facts, stored_after)}
    if after.changes is not None:
        step["changes"] = {"event": first_seq, "fields": after.changes}
    chain.mark_step(step)
    record.seq, record.hash, record.head_mac = chain.seq, chain.hash, chain.head_mac()
    return record, stored_after


def step_digests(state_text: str, facts, stored: Stored) -> dict:
    """The digests of what a step leaves: the workflow state, the dossier's facts, the open tasks and the timers."""
    return {
        "state": state_digest(state_text),
        "facts": facts_digest(facts),
        "tasks": tasks_digest(stored.projected),
        "timers": timers_digest(stored.timers),
    }


def note_record(
    head: InstanceHead,
    tag: str,
    actor: str,
    payload: dict,
    task_id: str | None,
    now: datetime,
    seal: Seal | None = None,
) -> StepRecord:
    """The record of an event that changes no workflow state (a claim, a file attached): the event and a new head."""
    chain = Chain(head.id, head.code, head.last_event_seq, head.last_event_hash, seal)
    chain.append(tag, now, actor, payload, task_id)
    return StepRecord(head, now, chain.seq, chain.hash, chain.rows, head_mac=chain.head_mac())
