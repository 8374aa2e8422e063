"""Use cases on process instances: start, complete, claim, release, cancel, read. One transaction each."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.bpmn.runtime import BpmnRuntime, Workflow
from engine.domain.clock import Clock
from engine.domain.errors import Conflict, InvalidTransition, NotFound, ValidationError
from engine.persistence.db import Database
from engine.persistence.models import HistoryEvent, Instance, ProcessVersion, Timer, UserTask
from engine.services import history as chain
from engine.services.calendars import CalendarService
from engine.services.effects import collecting
from engine.services.step import Event, save_step, write_instance


@dataclass(frozen=True)
class InstanceInfo:
    code: str
    process_id: str
    version: int
    status: str
    data: dict
    started_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class TaskRow:
    task_id: str
    code: str
    process_id: str
    name: str
    title: str
    lane: str | None
    assignee: str | None
    ready_at: datetime
    due_at: datetime | None
    properties: dict
    procedure_code: str | None = None
    applicant_name: str | None = None
    appointment: datetime | None = None
    portal_status: int | None = None


@dataclass(frozen=True)
class EventRow:
    seq: int
    tag: str
    at: datetime
    actor: str
    task_id: str | None
    payload: dict
    hash: str


TASK_COLUMNS = (
    "task_id",
    "instance_code",
    "process_id",
    "name",
    "title",
    "lane",
    "assignee",
    "ready_at",
    "due_at",
    "properties",
    "procedure_code",
    "applicant_name",
    "appointment",
    "portal_status",
)


class InstanceService:
    """Runs process instances. Every method is one unit of work with the instance row locked."""

    def __init__(self, db: Database, runtime: BpmnRuntime, clock: Clock, calendars: CalendarService):
        self.db, self.runtime, self.clock, self.calendars = db, runtime, clock, calendars

    # --- helpers shared by the commands ---------------------------------------------------------------------
    def _lock(self, session: Session, **where) -> Instance:
        query = select(Instance).filter_by(**where)
        if self.db.dialect == "postgresql":
            query = query.with_for_update()
        instance = session.scalars(query).one_or_none()
        if instance is None:
            raise NotFound(f"Không có hồ sơ {where.get('code') or where.get('id')}")
        return instance

    def _workflow(self, session: Session, instance: Instance) -> Workflow:
        def load_version():  # only on a cache miss: the sources are the largest column we have
            version = session.get(ProcessVersion, instance.process_version_id)
            return version.process_id, version.sources

        process = self.runtime.process(instance.process_version_id, load_version)
        return self.runtime.restore(process, instance.state)

    @contextmanager
    def step(self) -> Iterator[Session]:
        """One unit of work that runs the workflow: a transaction, collecting the effects scripts ask for."""
        with self.db.transaction() as session, collecting() as effects:
            session.info["effects"] = effects
            yield session

    def _save(
        self,
        session: Session,
        instance: Instance,
        workflow: Workflow,
        events: list[Event],
        actor: str,
        status: str | None = None,
    ) -> None:
        save_step(
            session,
            instance,
            workflow,
            self.runtime,
            self.calendars.current(),
            self.clock.now(),
            events,
            actor,
            session.info.get("effects", []),
            status,
        )

    def note(
        self,
        session: Session,
        instance: Instance,
        tag: str,
        actor: str,
        payload: dict,
        task_id: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Record an event that changes no workflow state (claim, release, a file attached), in the caller's
        transaction with `instance` locked; bumps the instance's revision like any step."""
        now = now or self.clock.now()
        events = chain.Chain.of(instance)
        events.append(tag, now, actor, payload, task_id)
        events.write(session)
        write_instance(session, instance, events, now)

    def _open_task(self, session: Session, task_id: str) -> tuple[Instance, UserTask]:
        query = select(UserTask, Instance).join(Instance, UserTask.instance_id == Instance.id)
        found = session.execute(query.where(UserTask.task_id == task_id)).first()
        if found is None:
            raise self._gone(session, task_id)
        row, instance = found
        if self.db.dialect == "postgresql":
            # Lock the instance, then read the task again: another command may have completed it while we waited.
            # (SQLite needs neither: BEGIN IMMEDIATE already made this transaction the only writer.)
            instance = self._lock(session, id=instance.id)
            row = session.scalars(
                select(UserTask).where(UserTask.task_id == task_id).execution_options(populate_existing=True)
            ).one_or_none()
            if row is None:
                raise self._gone(session, task_id)
        return instance, row

    def _gone(self, session: Session, task_id: str) -> Exception:
        last = session.scalars(
            select(HistoryEvent).where(HistoryEvent.task_id == task_id).order_by(HistoryEvent.id.desc()).limit(1)
        ).first()
        if last is None:
            return NotFound(f"Không có việc {task_id}")
        return Conflict(
            f"Việc '{last.payload.get('task', task_id)}' không còn mở: {last.tag} bởi {last.actor} "
            f"lúc {last.at.isoformat()}"
        )

    # --- commands ---------------------------------------------------------------------------------------------
    def start(self, process_id: str, code: str, data: dict, actor: str) -> InstanceInfo:
        """Start the latest version of `process_id` as instance `code` with `data`."""
        if not code or len(code) > 100:
            raise ValidationError("Cần mã hồ sơ dài từ 1 đến 100 ký tự", {"code": "bắt buộc, 1-100 ký tự"})
        now = self.clock.now()
        with self.step() as session:
            version = session.scalars(
                select(ProcessVersion)
                .where(ProcessVersion.process_id == process_id)
                .order_by(ProcessVersion.number.desc())
                .limit(1)
            ).first()
            if version is None:
                raise NotFound(f"Quy trình '{process_id}' chưa được triển khai; triển khai bằng motcua deploy trước")
            if session.scalar(select(func.count()).select_from(Instance).where(Instance.code == code)):
                raise Conflict(f"Hồ sơ {code} đã có")
            process = self.runtime.process(version.id, lambda: (version.process_id, version.sources))
            instance = Instance(
                code=code,
                process_version_id=version.id,
                status="running",
                state={},
                started_at=now,
                updated_at=now,
                last_event_hash="",
                last_event_seq=0,
            )
            session.add(instance)
            session.flush()
            workflow = self.runtime.start(process, dict(data))
            started = Event(
                "instance:started",
                actor,
                {"process": process_id, "version": version.number, "version_hash": version.version_hash, "data": data},
            )
            self._save(session, instance, workflow, [started], actor)
            status = "completed" if workflow.completed else "running"
            return InstanceInfo(
                code, process_id, version.number, status, workflow.data if workflow.completed else {}, now, now
            )

    def complete(self, task_id: str, data: dict, actor: str) -> None:
        """Complete an open user task with `data`. Conflict if someone else completed it first."""
        if not isinstance(data, dict):
            raise ValidationError(
                "Dữ liệu của việc phải là một đối tượng (tên trường: giá trị)", {"data": "cần một đối tượng JSON"}
            )
        with self.step() as session:
            instance, row = self._open_task(session, task_id)
            if row.assignee and row.assignee != actor:
                raise Conflict(f"Việc '{row.title}' đang do {row.assignee} nhận xử lý; chỉ người đó hoàn thành được")
            workflow = self._workflow(session, instance)
            try:
                self.runtime.complete(workflow, task_id, data)
            except InvalidTransition as exc:
                raise Conflict(str(exc))
            done = Event("dossier:task:completed", actor, {"task": row.name, "title": row.title, "data": data}, task_id)
            self._save(session, instance, workflow, [done], actor)

    def claim(self, task_id: str, actor: str) -> None:
        with self.db.transaction() as session:
            instance, row = self._open_task(session, task_id)
            if row.assignee == actor:
                return
            if row.assignee:
                raise Conflict(f"Việc '{row.title}' đã do {row.assignee} nhận trước")
            self.note(session, instance, "dossier:task:claimed", actor, {"task": row.name}, task_id)
            row.assignee = actor

    def release(self, task_id: str, actor: str) -> None:
        with self.db.transaction() as session:
            instance, row = self._open_task(session, task_id)
            if row.assignee != actor:
                raise InvalidTransition(f"Việc '{row.title}' không do {actor} nhận nên {actor} không trả lại được")
            self.note(session, instance, "dossier:task:released", actor, {"task": row.name}, task_id)
            row.assignee = None

    def cancel(self, code: str, actor: str, reason: str) -> None:
        if not reason.strip():
            raise ValidationError("Cần ghi lý do huỷ hồ sơ", {"reason": "bắt buộc"})
        with self.step() as session:
            instance = self._lock(session, code=code)
            if instance.status != "running":
                raise InvalidTransition(f"Hồ sơ {code} không còn đang xử lý (quy trình: {instance.status})")
            workflow = self._workflow(session, instance)
            self.runtime.cancel(workflow)
            cancelled = Event("instance:cancelled", actor, {"reason": reason})
            self._save(session, instance, workflow, [cancelled], actor, status="cancelled")

    # --- queries ----------------------------------------------------------------------------------------------
    def _info(self, instance: Instance, version: ProcessVersion) -> InstanceInfo:
        data = instance.state.get("data", {}) if instance.status != "running" else {}
        return InstanceInfo(
            instance.code,
            version.process_id,
            version.number,
            instance.status,
            data,
            instance.started_at,
            instance.updated_at,
        )

    def get(self, code: str) -> InstanceInfo:
        with self.db.read() as session:
            instance = session.scalars(select(Instance).where(Instance.code == code)).one_or_none()
            if instance is None:
                raise NotFound(f"Không có hồ sơ {code}")
            return self._info(instance, session.get(ProcessVersion, instance.process_version_id))

    def tasks(
        self,
        *,
        code: str | None = None,
        lane: str | None = None,
        assignee: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[TaskRow]:
        """Open user tasks from the projection, soonest deadline first."""
        query = select(*(UserTask.__table__.c[name] for name in TASK_COLUMNS))
        if code:
            query = query.where(UserTask.instance_code == code)
        if lane:
            query = query.where(UserTask.lane == lane)
        if assignee:
            query = query.where(UserTask.assignee == assignee)
        query = (
            query.order_by(UserTask.due_at.is_(None), UserTask.due_at, UserTask.ready_at).limit(limit).offset(offset)
        )
        with self.db.read() as session:
            return [TaskRow(*row) for row in session.execute(query)]

    def timers(self, code: str) -> list[tuple[str, datetime, str]]:
        with self.db.read() as session:
            rows = session.execute(
                select(Timer.name, Timer.due_at, Timer.state)
                .join(Instance)
                .where(Instance.code == code)
                .order_by(Timer.id)
            ).all()
            return [tuple(r) for r in rows]

    def history(self, code: str) -> list[EventRow]:
        with self.db.read() as session:
            instance = session.scalars(select(Instance).where(Instance.code == code)).one_or_none()
            if instance is None:
                raise NotFound(f"Không có hồ sơ {code}")
            events = session.scalars(
                select(HistoryEvent).where(HistoryEvent.instance_id == instance.id).order_by(HistoryEvent.seq)
            )
            return [EventRow(e.seq, e.tag, e.at, e.actor, e.task_id, e.payload, e.hash) for e in events]

    def verify(self, code: str) -> chain.ChainReport:
        with self.db.read() as session:
            instance = session.scalars(select(Instance).where(Instance.code == code)).one_or_none()
            if instance is None:
                raise NotFound(f"Không có hồ sơ {code}")
            return chain.verify_chain(session, instance)
