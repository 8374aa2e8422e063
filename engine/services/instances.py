"""Use cases on process instances: start, complete, claim, release, cancel, read.

Each command exists twice: `start_in(uow, ...)` works inside a unit of work its caller opened (a reception starts
its workflow in the same transaction as the dossier row and the scans), and `start(...)` opens one of its own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from engine.bpmn.migration import migration_blockers, move_workflow
from engine.bpmn.parsing import version_hash
from engine.domain import deadlines
from engine.domain.clock import Clock
from engine.domain.errors import Conflict, InvalidTransition, NotFound, ValidationError
from engine.domain.portal import AWAITING_FEE
from engine.persistence.db import Database
from engine.persistence.dossiers import DossierFacts, facts_to_json
from engine.persistence.history import EventRow
from engine.persistence.instances import InstanceHead, LockedTask
from engine.persistence.tasks import TaskRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.services.partner_messages import after_completion
from engine.services.step_record import Event
from engine.services.stepping import StepDone, Stepper

__all__ = ["EventRow", "InstanceInfo", "InstanceService", "TaskRow"]


@dataclass(frozen=True)
class InstanceInfo:
    code: str
    process_id: str
    version: int
    status: str
    data: dict
    started_at: datetime
    updated_at: datetime


class InstanceService:
    """Runs process instances. Every command holds the instance row locked for its unit of work."""

    def __init__(
        self,
        db: Database,
        stepper: Stepper,
        clock: Clock,
        result_online: Callable[[str], bool] = lambda _code: False,
    ):
        self.db, self.stepper, self.clock = db, stepper, clock
        self.result_online = result_online  # whether a procedure (by code) returns its result online

    # --- locking --------------------------------------------------------------------------------------------------
    def lock(self, uow: UnitOfWork, code: str) -> InstanceHead:
        head = uow.instances.lock_by_code(code)
        if head is None:
            raise NotFound(f"Không có hồ sơ {code}")
        return head

    def open_task(self, uow: UnitOfWork, task_id: str) -> LockedTask:
        """The open task `task_id` and its instance, locked. Raises NotFound, or Conflict saying what happened to a
        task that is no longer open (completed by whom, when)."""
        found = uow.instances.lock_for_task(task_id)
        if found is None:
            raise self._gone(uow, task_id)
        return found

    def _gone(self, uow: UnitOfWork, task_id: str) -> Exception:
        last = uow.history.last_of_task(task_id)
        if last is None:
            return NotFound(f"Không có việc {task_id}")
        return Conflict(
            f"Việc '{last.payload.get('task', task_id)}' không còn mở: {last.tag} bởi {last.actor} "
            f"lúc {last.at.isoformat()}"
        )

    # --- commands ---------------------------------------------------------------------------------------------
    def start_in(
        self,
        uow: UnitOfWork,
        process_id: str,
        code: str,
        data: dict,
        actor: str,
        dossier: DossierFacts | None = None,
    ) -> StepDone:
        """Start the latest version of `process_id` as instance `code` with `data`, in `uow`. `dossier` is the
        dossier the instance runs for (its row must carry the instance id: see `new_instance`)."""
        head, version = self.new_instance(uow, process_id, code)
        return self.run_start(uow, head, version, data, actor, dossier)

    def new_instance(self, uow: UnitOfWork, process_id: str, code: str):
        """Insert the row of a new instance of the latest version of `process_id`; return (head, version)."""
        if not code or len(code) > 100:
            raise ValidationError("Cần mã hồ sơ dài từ 1 đến 100 ký tự", {"code": "bắt buộc, 1-100 ký tự"})
        version = uow.versions.latest(process_id)
        if version is None:
            raise NotFound(f"Quy trình '{process_id}' chưa được triển khai; triển khai bằng motcua deploy trước")
        if uow.instances.code_taken(code):
            raise Conflict(f"Hồ sơ {code} đã có")
        return uow.instances.insert(code, version.id, self.clock.now()), version

    def run_start(
        self, uow, head: InstanceHead, version, data: dict, actor: str, dossier=None, extra_events=()
    ) -> StepDone:
        """The first step of `head` (from `new_instance`); `extra_events` are recorded after `instance:started`
        (the scans received with a dossier)."""
        process = self.stepper.process(uow, version.id)
        started = Event(
            "instance:started",
            actor,
            {
                "process": version.process_id,
                "version": version.number,
                "version_hash": version.version_hash,
                "data": data,
            },
        )
        step_input = {
            "kind": "start",
            "process": version.process_id,
            "version_hash": version.version_hash,
            "data": data,
            "actor": actor,
            "facts": facts_to_json(dossier),  # the dossier as reception made it, for a re-execution
        }
        return self.stepper.start(uow, head, process, data, [started, *extra_events], actor, dossier, step_input)

    def start(self, process_id: str, code: str, data: dict, actor: str) -> InstanceInfo:
        """Start the latest version of `process_id` as instance `code` with `data`."""
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            head, version = self.new_instance(uow, process_id, code)
            done = self.run_start(uow, head, version, data, actor)
        status = done.record.status or "running"
        data_out = done.workflow.data if status == "completed" else {}
        return InstanceInfo(code, process_id, version.number, status, data_out, now, now)

    def complete_in(
        self,
        uow: UnitOfWork,
        task_id: str,
        data: dict,
        actor: str,
        extra_events: list[Event] = (),  # type: ignore[assignment]
        locked: LockedTask | None = None,
    ) -> StepDone:
        """Complete an open user task with `data` in `uow`; `extra_events` are recorded before the completion (the
        files sent with it), `locked` is the task and instance if the caller locked them already (`open_task`).
        Conflict if someone else holds or completed it; InvalidTransition while the dossier waits for its fee to be
        paid (status 6: the portal's payment confirmation lets the workflow go on)."""
        if not isinstance(data, dict):
            raise ValidationError(
                "Dữ liệu của việc phải là một đối tượng (tên trường: giá trị)", {"data": "cần một đối tượng JSON"}
            )
        locked = locked or self.open_task(uow, task_id)
        head, row = locked.head, locked.task
        if row.assignee and row.assignee != actor:
            raise Conflict(f"Việc '{row.title}' đang do {row.assignee} nhận xử lý; chỉ người đó hoàn thành được")
        if locked.facts is not None and locked.facts.status == AWAITING_FEE:
            raise InvalidTransition(
                f"Hồ sơ {head.code} đang chờ người nộp thực hiện nghĩa vụ tài chính (trạng thái 6): việc "
                f"'{row.title}' chỉ làm được sau khi Cổng Dịch vụ công xác nhận đã nộp phí, lệ phí"
            )

        def complete(workflow):
            try:
                self.stepper.runtime.complete(workflow, task_id, data)
            except InvalidTransition as exc:
                raise Conflict(str(exc)) from None

        payload = {"task": row.name, "title": row.title, "data": data, **self._waited(row, data)}
        done = Event("dossier:task:completed", actor, payload, task_id)
        step_input = {"kind": "complete", "task_id": task_id, "data": data, "actor": actor}
        step = self.stepper.step(
            uow, head, complete, [*extra_events, done], actor, facts=locked.facts, step_input=step_input
        )
        if step.facts is not None:  # the partners hear of the completed step (engine.services.partner_messages)
            before = locked.facts.status if locked.facts is not None else None
            online = self.result_online(step.facts.procedure_code)
            messages = after_completion(uow, head, row, step.facts, before, actor, self.clock.now(), data, online)
            uow.outbox.add(messages)
        return step

    def _waited(self, row: TaskRow, data: dict) -> dict:
        """For a step that waited for the applicant: {clock_from, due_at}, its allotment counted from when the
        additions arrived (`received_at` in its data, else now); {} for any other step."""
        if not deadlines.waits_for_applicant(row.properties):
            return {}
        now = self.clock.now()
        try:
            arrived = datetime.fromisoformat(str(data.get("received_at") or "")) if data.get("received_at") else now
        except ValueError:
            arrived = now
        if arrived.utcoffset() is None:
            arrived = now
        start, due = deadlines.waiting_step_deadline(
            self.stepper.calendars.current(), row.ready_at, arrived, now, (row.properties or {}).get("allotment")
        )
        return {"clock_from": start.isoformat(), "due_at": due.isoformat() if due else None}

    def complete(self, task_id: str, data: dict, actor: str) -> None:
        """Complete an open user task with `data`. Conflict if someone else completed it first."""
        with self.db.unit_of_work() as uow:
            self.complete_in(uow, task_id, data, actor)

    def claim(self, task_id: str, actor: str) -> None:
        with self.db.unit_of_work() as uow:
            locked = self.open_task(uow, task_id)
            head, row = locked.head, locked.task
            if row.assignee == actor:
                return
            if row.assignee:
                raise Conflict(f"Việc '{row.title}' đã do {row.assignee} nhận trước")
            self.stepper.note(uow, head, "dossier:task:claimed", actor, {"task": row.name}, task_id)
            uow.tasks.set_assignee(task_id, actor)

    def release(self, task_id: str, actor: str) -> None:
        with self.db.unit_of_work() as uow:
            locked = self.open_task(uow, task_id)
            head, row = locked.head, locked.task
            if row.assignee != actor:
                raise InvalidTransition(f"Việc '{row.title}' không do {actor} nhận nên {actor} không trả lại được")
            self.stepper.note(uow, head, "dossier:task:released", actor, {"task": row.name}, task_id)
            uow.tasks.set_assignee(task_id, None)

    def cancel_in(self, uow: UnitOfWork, head: InstanceHead, actor: str, reason: str) -> StepDone:
        """Cancel the running instance `head` (locked in `uow`) for `reason`."""
        if head.status != "running":
            raise InvalidTransition(f"Hồ sơ {head.code} không còn đang xử lý (quy trình: {head.status})")
        cancelled = Event("instance:cancelled", actor, {"reason": reason})
        step_input = {"kind": "cancel", "reason": reason, "actor": actor}
        return self.stepper.step(
            uow, head, self.stepper.runtime.cancel, [cancelled], actor, cancel=True, step_input=step_input
        )

    def cancel(self, code: str, actor: str, reason: str) -> None:
        if not reason.strip():
            raise ValidationError("Cần ghi lý do huỷ hồ sơ", {"reason": "bắt buộc"})
        with self.db.unit_of_work() as uow:
            self.cancel_in(uow, self.lock(uow, code), actor, reason)

    def migrate_in(self, uow: UnitOfWork, head: InstanceHead, version_id: int, number_from: int, number_to: int,
                   actor: str) -> list[str]:  # fmt: skip
        """Move the locked instance `head` to version `version_id` when that is safe (`engine.bpmn.migration`):
        recorded in its history with both versions; timers and the task projection follow in the same step. Returns
        why not (nothing is changed then)."""
        runtime = self.stepper.runtime
        new = runtime.process(version_id, partial(uow.versions.sources, version_id))
        old = self.stepper.process(uow, head.process_version_id)
        blockers = migration_blockers(runtime.restore(old, uow.instances.state(head.id)), new)
        if blockers:
            return blockers

        def move(workflow):
            move_workflow(workflow, new)
            runtime.advance(workflow)

        process_id, sources = uow.versions.sources(version_id)
        target_hash = version_hash(sources)  # the history names the version it runs on from here (engine.domain.audit)
        payload = {"from_version": number_from, "to_version": number_to, "version_hash": target_hash}
        event = Event("instance:migrated", actor, payload)
        step_input = {
            "kind": "migrate",
            "process": process_id,
            "version_hash": target_hash,
            "from_version": number_from,
            "to_version": number_to,
            "actor": actor,
        }
        self.stepper.step(uow, head, move, [event], actor, step_input=step_input)
        uow.instances.move_to_version(head.id, version_id)
        return []

    def note(self, uow: UnitOfWork, head: InstanceHead, tag: str, actor: str, payload: dict, task_id=None) -> None:
        """Record an event that changes no workflow state (claim, release, a file attached), in `uow`, with `head`
        locked; moves the instance's revision like any step."""
        self.stepper.note(uow, head, tag, actor, payload, task_id)

    # --- queries ----------------------------------------------------------------------------------------------
    def get(self, code: str) -> InstanceInfo:
        with self.db.reading() as uow:
            found = uow.instances.summary(code)
        if found is None:
            raise NotFound(f"Không có hồ sơ {code}")
        data = found.state.get("data", {}) if found.status != "running" else {}
        return InstanceInfo(
            found.code, found.process_id, found.version, found.status, data, found.started_at, found.updated_at
        )

    def tasks(self, *, code: str) -> list[TaskRow]:
        """The open user tasks of instance `code`, soonest deadline first."""
        with self.db.reading() as uow:
            return uow.tasks.of_instance(code)

    def timers(self, code: str) -> list[tuple[str, datetime, str]]:
        with self.db.reading() as uow:
            return uow.timers.of_instance(code)

    def history(self, code: str) -> list[EventRow]:
        with self.db.reading() as uow:
            events = uow.history.of_code(code)
        if events is None:
            raise NotFound(f"Không có hồ sơ {code}")
        return events
