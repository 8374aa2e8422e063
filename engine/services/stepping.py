"""Running one step of an instance inside a unit of work, with a cache of live workflows.

A step: take the workflow (from the cache when it holds the instance's current revision, else restored from the
stored state), apply the command and run the engine until it waits, apply the effects its scripts asked for, build
the step record (a pure function, `engine.services.step_record`) and write it. Nothing outside the database happens.

The cache is only an optimisation: an entry is keyed by (instance id, revision) and used only when the locked row
has that revision; it is taken out while a step runs (a failed step leaves nothing behind) and put back, one
revision on, only after the commit. The database alone always restores the exact state. Bounded by `size`.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from engine.bpmn.catalogue_xml import version_time_limit
from engine.bpmn.runtime import BpmnRuntime, ParsedProcess, Workflow
from engine.domain.calendar import WorkingCalendar
from engine.domain.chain import Seal
from engine.domain.clock import VN_TZ, Clock
from engine.persistence.dossiers import DossierFacts
from engine.persistence.instances import InstanceHead
from engine.persistence.steps import StepRecord, Stored
from engine.persistence.unit_of_work import UnitOfWork
from engine.services.calendars import CalendarService
from engine.services.dossier_effects import EffectOutcome, apply_effects
from engine.services.effects import Effect, collecting
from engine.services.step_record import After, Event, build_record, note_record

UNREAD = object()  # `Stepper.step` reads the dossier's facts itself


class LiveWorkflows:
    """A bounded, thread-safe cache of live workflows, each valid for one revision of its instance."""

    def __init__(self, size: int = 256):
        self.size = size
        self._entries: OrderedDict[int, tuple[int, Workflow, Stored]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def take(self, instance_id: int, revision: int) -> tuple[Workflow, Stored] | None:
        """The workflow of `instance_id` at `revision`, removed from the cache; None when not held at it."""
        with self._lock:
            entry = self._entries.pop(instance_id, None)
            if entry is None or entry[0] != revision:
                self.misses += 1
                return None
            self.hits += 1
            return entry[1], entry[2]

    def peek(self, instance_id: int) -> tuple[int, Workflow] | None:
        """(revision, workflow) held for `instance_id`, left in place (for checks: never step a peeked workflow)."""
        with self._lock:
            entry = self._entries.get(instance_id)
            return (entry[0], entry[1]) if entry is not None else None

    def put(self, instance_id: int, revision: int, workflow: Workflow, stored: Stored) -> None:
        """Hold `workflow` as `instance_id` at `revision` (unless a later revision is held already)."""
        if self.size <= 0:
            return
        with self._lock:
            held = self._entries.get(instance_id)
            if held is not None and held[0] > revision:
                return
            self._entries[instance_id] = (revision, workflow, stored)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def carry(self, instance_id: int, revision: int) -> None:
        """The instance moved from `revision` to the next one without a change of state (a note)."""
        with self._lock:
            entry = self._entries.get(instance_id)
            if entry is not None and entry[0] == revision:
                self._entries[instance_id] = (revision + 1, entry[1], entry[2])

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class StepDone:
    """What a step left: the workflow after it, its record, and the dossier facts it ended with."""

    workflow: Workflow
    record: StepRecord
    facts: DossierFacts | None


class Stepper:
    def __init__(
        self,
        runtime: BpmnRuntime,
        calendars: CalendarService,
        clock: Clock,
        cache: LiveWorkflows,
        seal: Seal,
        time_limit_of: Callable[[str], tuple | None] = lambda _code: None,
    ):
        self.runtime, self.calendars, self.clock, self.cache, self.seal = runtime, calendars, clock, cache, seal
        self.time_limit_of = time_limit_of  # a procedure's statutory time limit, by its code

    def process(self, uow: UnitOfWork, version_id: int) -> ParsedProcess:
        """The parsed process of a version (its sources are read only on a miss of the runtime's spec cache)."""
        return self.runtime.process(version_id, lambda: uow.versions.sources(version_id))

    def start(
        self,
        uow: UnitOfWork,
        head: InstanceHead,
        process: ParsedProcess,
        data: dict,
        events: list[Event],
        actor: str,
        facts: DossierFacts | None = None,
        step_input: dict | None = None,
    ) -> StepDone:
        """The first step of the new instance `head`: start `process` with `data` and run it until it waits."""
        with collecting() as effects:
            workflow = self.runtime.start(process, dict(data))
        started = step_input or {"kind": "start", "data": data, "actor": actor}
        return self._finish(uow, head, workflow, Stored({}, {}), facts, effects, events, actor, head.status, started)

    def step(
        self,
        uow: UnitOfWork,
        head: InstanceHead,
        command: Callable[[Workflow], object],
        events: list[Event],
        actor: str,
        cancel: bool = False,
        facts: DossierFacts | None | object = UNREAD,
        step_input: dict | None = None,
    ) -> StepDone:
        """Apply `command` to the workflow of the locked instance `head` and write the step. `cancel` marks the
        instance cancelled; `facts` are its dossier's facts when the caller read them with the lock; `step_input`
        says what the command is, with everything needed to apply it again (recorded with the step). Raises whatever
        the command raises (nothing is written then)."""
        cached = self.cache.take(head.id, head.revision)
        dossier: DossierFacts | None
        if cached is not None:
            workflow, stored = cached
            dossier = uow.dossiers.facts(head.id) if facts is UNREAD else cast(DossierFacts | None, facts)
        else:
            loaded, dossier = uow.steps.load(head)
            assert loaded is not None
            stored = loaded
            workflow = self.runtime.restore(self.process(uow, head.process_version_id), uow.instances.state(head.id))
        before = workflow.data_mark()
        with collecting() as effects:
            command(workflow)
        status = "cancelled" if cancel else head.status
        return self._finish(uow, head, workflow, stored, dossier, effects, events, actor, status, step_input, before)

    def note(self, uow: UnitOfWork, head: InstanceHead, tag: str, actor: str, payload: dict, task_id=None) -> None:
        """Record an event that changes no workflow state (claim, release, a file attached)."""
        uow.steps.write(note_record(head, tag, actor, payload, task_id, self.clock.now(), self.seal))
        uow.after_commit(lambda: self.cache.carry(head.id, head.revision))

    def _finish(
        self, uow, head, workflow, stored, facts, effects, events, actor, status, step_input, before=None
    ) -> StepDone:
        now, calendar = self.clock.now(), self.calendars.current()
        time_limit = None
        if facts is not None:  # the entry of the dossier's version, else the catalogue file's
            time_limit = version_time_limit(workflow.process) or self.time_limit_of(facts.procedure_code)
        outcome, after = settle(
            self.runtime, calendar, workflow, facts, effects, now, head.code, time_limit, status, before
        )
        record, stored_after = build_record(
            head, stored, after, events, outcome, calendar, now, actor, self.seal, step_input
        )
        uow.steps.write(record)
        uow.after_commit(lambda: self.cache.put(head.id, head.revision + 1, workflow, stored_after))
        return StepDone(workflow, record, outcome.facts)


def settle(
    runtime: BpmnRuntime,
    calendar: WorkingCalendar,
    workflow: Workflow,
    facts: DossierFacts | None,
    effects: list[Effect],
    now: datetime,
    code: str,
    time_limit: tuple | None,
    status: str,
    before: tuple[dict, frozenset] | None = None,
) -> tuple[EffectOutcome, After]:
    """What a step leaves, once its command has run: the effects applied to the dossier (the workflow re-armed when
    they moved the appointment), the workflow's state, and the fields of its data changed since `before`
    (`Workflow.data_mark` before the command; None at the start). A live step and its re-execution
    (engine.services.replay) both record this."""
    outcome = apply_effects(facts, effects, calendar, now, code, time_limit)
    if outcome.rearm_at is not None and status == "running":
        runtime.rearm(workflow, {"appointment": outcome.rearm_at.astimezone(VN_TZ).isoformat()})
    completed = status == "running" and workflow.completed
    after = After(
        workflow.scan(),
        "completed" if completed else status,
        workflow.process.process_id,
        runtime.dump_text(workflow),
        workflow.data if completed else {},
        workflow.changes_since(before) if before is not None else None,
    )
    return outcome, after
