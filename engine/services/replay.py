"""Re-executing a dossier's history: every recorded step input is applied again, in order, to the process version the
history was started on, with a virtual clock set to each step's recorded moment; what each step leaves (the digests of
the workflow state, dossier facts, open tasks and timers, and the events the engine itself wrote) must be what was
recorded. The first divergence is reported with its event number, its step and what differed. Reads only.

The steps are rebuilt with the same pure function the engine records them with (`build_record`), from the recorded
inputs alone: a start with its data, a task completion with its data and actor, a timer pass at its moment, a
cancellation or a closure with its reason."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from engine.bpmn.catalogue_xml import version_time_limit
from engine.bpmn.migration import move_workflow
from engine.bpmn.parsing import parse_files, version_hash
from engine.bpmn.runtime import BpmnRuntime, Workflow
from engine.bpmn.scripts import ScriptEngine
from engine.bpmn.state import StateSerializer
from engine.domain.audit_file import event_from_json
from engine.domain.clock import VN_TZ, FakeClock
from engine.domain.digests import tasks_digest, timers_digest
from engine.persistence.db import Database
from engine.persistence.dossiers import DossierFacts, facts_from_json
from engine.persistence.history import EventRow
from engine.persistence.instances import InstanceHead
from engine.persistence.steps import Stored
from engine.services.calendars import CalendarService, script_helpers
from engine.services.effects import SCRIPT_EFFECT_HELPERS, close_dossier, collecting, fee_confirmed
from engine.services.step_record import Event, build_record
from engine.services.stepping import settle

_DIGESTS = {
    "state": "trạng thái quy trình",
    "facts": "dữ kiện hồ sơ (hạn trả, trạng thái, số lần bổ sung, gia hạn...)",
    "tasks": "danh sách việc đang mở",
    "timers": "các mốc hẹn giờ",
}


@dataclass(frozen=True)
class ReplayReport:
    code: str
    steps: int  # steps re-executed
    outcome: str  # verified | diverged | unreplayable
    problem: str = ""
    seq: int | None = None

    @property
    def verified(self) -> bool:
        return self.outcome == "verified"


class Unreplayable(Exception):
    """The history cannot be re-executed (a step without its input, a process version that is gone)."""


class Diverged(Exception):
    def __init__(self, seq: int, message: str):
        super().__init__(message)
        self.seq = seq


@dataclass
class _Run:
    code: str
    events: list[EventRow]
    head: InstanceHead
    stored: Stored
    facts: DossierFacts | None
    dossier: tuple[int, str] | None  # (dossier id, procedure code)
    workflow: Workflow | None = None
    # The engine gives tasks random ids: a re-executed task is known by the recorded id of the event it matched.
    ids: dict[str, str] = field(default_factory=dict)  # re-executed id -> recorded id
    outcome_facts: DossierFacts | None = None  # the facts the last step re-executed left


class ReplayService:
    def __init__(
        self,
        db: Database,
        calendars: CalendarService,
        script_timeout: float,
        script_memory_mb: int,
        time_limit_of: Callable[[str], tuple | None] = lambda _code: None,
    ):
        self.db, self.calendars = db, calendars
        self.time_limit_of = time_limit_of  # a procedure's statutory time limit, as the live steps have it
        self.clock = FakeClock(datetime(2000, 1, 1, tzinfo=VN_TZ))  # the virtual clock: set to each step's moment
        helpers = {**script_helpers(calendars, self.clock), **SCRIPT_EFFECT_HELPERS}
        engine = ScriptEngine(clock=self.clock, helpers=helpers, timeout=script_timeout, memory_mb=script_memory_mb)
        self.runtime = BpmnRuntime(engine, StateSerializer(), parse_files)
        self._running = threading.Lock()

    def replay(self, code: str) -> ReplayReport:
        """Re-execute the history of `code` and compare every step with its record."""
        with self.db.reading() as uow:
            head = uow.instances.head_by_code(code)
            if head is None:
                return ReplayReport(code, 0, "unreplayable", f"không có hồ sơ {code}")
            events = uow.history.events(head.id)
            row = uow.dossiers.row(code)
            versions = {}
            for event in events:
                started = (event.step or {}).get("input", {})
                if started.get("kind") in ("start", "migrate"):  # the versions it ran on
                    found = uow.versions.by_hash(started.get("process", ""), started.get("version_hash", ""))
                    if found is not None:
                        versions[found.version_hash] = (found.id, uow.versions.sources(found.id))
        dossier = (row.id, row.procedure_code) if row is not None and row.instance_id == head.id else None
        return self.run(code, events, versions, dossier)

    def replay_document(self, document: dict, sources: dict[str, str]) -> ReplayReport:
        """Re-execute an exported history (`engine.domain.audit_file`) on the process files it carries."""
        process = document.get("process") or {}
        versions = {
            process.get("version_hash"): (("export", version_hash(sources)), (process.get("process_id", ""), sources))
        }
        facts = document.get("facts")
        dossier = (0, facts.get("procedure_code", "")) if isinstance(facts, dict) else None
        events = [event_from_json(item) for item in document.get("events") or []]
        return self.run(str(document.get("code", "")), events, versions, dossier)

    def run(self, code: str, events: list, versions: dict, dossier: tuple[int, str] | None) -> ReplayReport:
        """Re-execute `events` (a history, from the database or an export) with the process `versions` it may start
        on (version hash -> (a cache key, (process id, sources))); `dossier` is (id, procedure code) for a dossier's
        instance. One run at a time: the virtual clock is shared by the runs."""
        with self._running:
            return self._run(code, events, versions, dossier)

    def _run(self, code: str, events: list, versions: dict, dossier: tuple[int, str] | None) -> ReplayReport:
        blank = InstanceHead(0, code, 0, "running", 0, 0, "")
        run = _Run(code, events, blank, Stored({}, {}), None, dossier)
        steps = 0
        try:
            for position, event in enumerate(events):
                if event.step is not None:
                    self._step(run, position, versions)
                    steps += 1
        except Unreplayable as exc:
            return ReplayReport(code, steps, "unreplayable", str(exc))
        except Diverged as exc:
            return ReplayReport(code, steps, "diverged", str(exc), exc.seq)
        if not steps and events:
            return ReplayReport(code, 0, "unreplayable", "lịch sử không ghi đầu vào của các bước (ghi trước khi có)")
        return ReplayReport(code, steps, "verified")

    def _step(self, run: _Run, position: int, versions: dict) -> None:
        marker = run.events[position]
        step = marker.step or {}
        given, at = step.get("input") or {}, marker.at
        kind, actor = given.get("kind"), given.get("actor", "system")
        where = f"sự kiện {marker.seq} (bước '{kind}')"
        self.clock.set(at)
        status = run.head.status
        stubs: list[Event] = []
        before = run.workflow.data_mark() if run.workflow is not None and kind != "start" else None
        try:
            with collecting() as effects:
                if kind == "start":
                    version = versions.get(given.get("version_hash"))
                    if version is None:
                        raise Unreplayable(f"{where}: không còn phiên bản quy trình {given.get('version_hash')}")
                    version_id, (process_id, sources) = version
                    key = ("replay", version_id, version_hash(sources))
                    process = self.runtime.process(key, lambda: (process_id, sources))
                    run.workflow = self.runtime.start(process, dict(given.get("data") or {}))
                    run.facts = self._received(run, given)
                elif run.workflow is None:
                    raise Unreplayable(f"{where}: bước trước khi quy trình bắt đầu")
                elif kind == "complete":
                    task_id = {old: new for new, old in run.ids.items()}.get(given["task_id"], given["task_id"])
                    self.runtime.complete(run.workflow, task_id, given.get("data") or {})
                    stubs.append(Event("dossier:task:completed", actor, {}, task_id))
                elif kind == "timers":
                    self.runtime.advance(run.workflow)
                elif kind == "migrate":  # a designer moved it to another version (engine.bpmn.migration)
                    version = versions.get(given.get("version_hash"))
                    if version is None:
                        raise Unreplayable(f"{where}: không còn phiên bản quy trình {given.get('version_hash')}")
                    version_id, (process_id, sources) = version
                    key = ("replay", version_id, version_hash(sources))
                    move_workflow(run.workflow, self.runtime.process(key, lambda: (process_id, sources)))
                    self.runtime.advance(run.workflow)
                    stubs.append(Event("instance:migrated", actor))
                elif kind == "payment":  # the portal confirmed a payment: the fee is paid, status 6 goes on
                    if run.facts is not None and given.get("paid"):
                        run.facts = replace(run.facts, fee_paid=True)
                    fee_confirmed(bool(given.get("awaiting_fee")), bool(given.get("paid")))
                    stubs.append(Event("dossier:payment:confirmed", actor))
                elif kind == "cancel":
                    self.runtime.cancel(run.workflow)
                    status = "cancelled"
                    stubs.append(Event("instance:cancelled", actor))
                elif kind == "close":
                    stubs.append(Event("dossier:closed", actor))
                    if given.get("cancel"):
                        self.runtime.cancel(run.workflow)
                        status = "cancelled"
                    close_dossier(given["status"], given.get("reason", ""))
                else:
                    raise Unreplayable(f"{where}: đầu vào của bước không rõ ({kind!r})")
        except (Unreplayable, Diverged):
            raise
        except Exception as exc:  # the recorded input no longer applies: the run diverged here
            raise Diverged(marker.seq, f"{where}: chạy lại không được: {exc}") from None
        workflow = run.workflow
        assert workflow is not None
        try:
            record = self._record(run, workflow, effects, status, stubs, given, at, actor, before)
        except Exception as exc:  # an effect the step applied then breaks a rule now: the run diverged here
            raise Diverged(marker.seq, f"{where}: chạy lại không được: {exc}") from None
        self._compare(run, position, record.events[len(stubs) :], record.events[-1]["step"], where)
        run.facts = run.outcome_facts
        if run.facts is not None and run.facts.extension_count:
            run.facts = replace(run.facts, judged_due=self._judged_due(run.events[: position + 1]))
        run.head = replace(run.head, status=record.status or run.head.status)

    def _record(self, run: _Run, workflow: Workflow, effects, status: str, stubs, given: dict, at, actor: str,
                before: tuple[dict, frozenset] | None):  # fmt: skip
        """The step's record, as `Stepper._finish` builds it; `run.stored` moves on to what it leaves."""
        calendar = self.calendars.current()
        time_limit = None
        if run.facts is not None:  # as the live step counts it (Stepper._finish)
            time_limit = version_time_limit(workflow.process) or self.time_limit_of(run.facts.procedure_code)
        outcome, after = settle(
            self.runtime, calendar, workflow, run.facts, effects, at, run.code, time_limit, status, before
        )
        record, run.stored = build_record(run.head, run.stored, after, stubs, outcome, calendar, at, actor, None, given)
        run.outcome_facts = outcome.facts
        return record

    def _received(self, run: _Run, given: dict) -> DossierFacts | None:
        """The dossier's facts as reception made them: recorded by the start itself (`facts_to_json`)."""
        if run.dossier is None or not isinstance(given.get("facts"), dict):
            return None  # a bare instance, or a start that recorded no dossier
        return replace(facts_from_json(given["facts"]), id=run.dossier[0])

    @staticmethod
    def _judged_due(events: list[EventRow]) -> datetime | None:
        for event in reversed(events):
            if event.tag == "dossier:appointment:moved":
                if event.payload.get("rule") == "extension" and event.payload.get("from"):
                    return datetime.fromisoformat(event.payload["from"])
                return None
        return None

    def _compare(self, run: _Run, position: int, produced: list[dict], replayed: dict, where: str) -> None:
        """The events the engine wrote in this step (the last of the step's events) and the digests it recorded."""
        marker = run.events[position]
        first = position - len(produced) + 1
        if first < 0:
            raise Diverged(marker.seq, f"{where}: chạy lại ghi {len(produced)} sự kiện, lịch sử có ít hơn")
        for old, new in zip(run.events[first : position + 1], produced, strict=True):
            if new["task_id"] is not None and new["task_id"] not in run.ids and old.task_id is not None:
                run.ids[new["task_id"]] = old.task_id
            for name in ("tag", "task_id", "payload"):
                before, now = getattr(old, name), new[name]
                if name == "task_id" and now is not None:
                    now = run.ids.get(now, now)
                if before != now:
                    raise Diverged(
                        old.seq,
                        f"sự kiện {old.seq} ({old.tag}) của {where}: {name} khác: ghi nhận {before!r}, "
                        f"chạy lại {now!r}",
                    )
        recorded, ids = marker.step or {}, run.ids
        replayed = {
            **replayed,
            "tasks": tasks_digest({ids.get(k, k): v for k, v in run.stored.projected.items()}),
            "timers": timers_digest({ids.get(k, k): v for k, v in run.stored.timers.items()}),
        }
        for name, label in _DIGESTS.items():
            if recorded.get(name) != replayed.get(name):
                raise Diverged(marker.seq, f"{where}: {label} sau bước khác với ghi nhận")
        if isinstance(recorded.get("changes"), dict):  # recorded since steps diff the data (not by older versions)
            fields = (replayed.get("changes") or {}).get("fields")
            if recorded["changes"].get("fields") != fields:
                raise Diverged(marker.seq, f"{where}: các trường dữ liệu bước đã thay đổi khác với ghi nhận")
