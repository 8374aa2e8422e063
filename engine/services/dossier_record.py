"""What the dossier page shows beyond `DossierService.get`: the diagram of its process version with where it is and
where it has been, its steps judged early / on time / late, its history with the officers' names, the letters
issued, the forms that apply, and the outbox messages about it. Also the one-stop section's queues (open tasks of one
name in one lane). Read-only: each method is one read transaction.

Where the values come from:
- the diagram: the BPMN file of the instance's process version that declares its process (the version it runs on,
  not the latest); `current` are the element ids of its open user tasks (the projection table), `done` those of the
  user tasks completed (history `dossier:task:completed`). SpiffWorkflow names a task spec after its element id.
  A user task of a called process (a shared activity, processes/chung_*.bpmn) is not drawn there: its call
  activity is marked instead.
- steps: `engine.services.task_history.steps`, judged with the current calendar as the control slip does.
- letters: history `dossier:letter:queued` {form, ...}; the apology also applies after an extension
  (`dossier:appointment:moved` rule "extension"), as `DocumentService` builds it then.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from engine.bpmn.parsing import read_xml
from engine.domain.clock import VN_TZ, Clock
from engine.domain.data_changes import data_changes
from engine.domain.errors import NotFound
from engine.domain.legal_basis import Form, LegalBases, LegalBasisError
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.moments import Moment, moments
from engine.persistence.db import Database
from engine.persistence.tasks import TaskFilter, TaskRow
from engine.services.calendars import CalendarService
from engine.services.task_history import COMPLETED, steps

LETTER = "dossier:letter:queued"
# The letters a dossier may have been sent, in the order its page lists them; the control slip always applies.
LETTER_MEANINGS = ("receipt", "supplement_request", "reception_refusal", "apology", "appraisal_refusal", "stop_notice")
_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
MAX_QUEUE = 500


@dataclass(frozen=True)
class Diagram:
    """The BPMN XML a dossier runs on and the element ids to mark (each once, in the order they happened)."""

    process_id: str
    version: int
    xml: str
    current: list[str]
    done: list[str]


@dataclass(frozen=True)
class StepLine:
    """One user task of the dossier. `result` is early / on_time / late once completed (None while open);
    `overdue` says an open step's deadline has passed. Datetimes in Vietnam time."""

    task_id: str
    name: str
    title: str
    lane: str
    ready_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    actor: str | None
    actor_name: str
    result: str | None
    withdrawn: bool
    overdue: bool


@dataclass(frozen=True)
class EventLine:
    """One history event; `actor_name` is the account's full name when the actor has one."""

    seq: int
    tag: str
    at: datetime
    actor: str
    actor_name: str
    task_id: str | None
    payload: dict


@dataclass(frozen=True)
class Letter:
    form: str
    at: datetime
    seq: int


@dataclass(frozen=True)
class Message:
    """An outbox row about the dossier: `state` is pending, sent or failed."""

    id: int
    kind: str
    state: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    payload: dict


@dataclass(frozen=True)
class DossierRecord:
    code: str
    steps: list[StepLine] = field(default_factory=list)
    events: list[EventLine] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)  # the forms of its set that can be rendered for it
    outbox: list[Message] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # username -> full name, for everyone who acted on it
    # "receipt" or "mau_01" (as letters name their form) -> "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu số 01)"
    titles: dict[str, str] = field(default_factory=dict)
    timer_names: dict[str, str] = field(default_factory=dict)  # timer element id -> its name in the BPMN
    # event number -> [(field, old, new)]: the workflow data each step changed, on its first event (data_changes)
    changes: dict[int, list] = field(default_factory=dict)


def _vn(moment: datetime) -> datetime:
    return moment.astimezone(VN_TZ)


def _vn_or_none(moment: datetime | None) -> datetime | None:
    return moment.astimezone(VN_TZ) if moment is not None else None


class DossierRecordService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService, legal: LegalBases | None = None):
        self.db, self.clock, self.calendars = db, clock, calendars
        self.legal = legal if legal is not None else shipped_legal_bases()

    def record(self, code: str) -> DossierRecord:
        """Steps, history, letters, applicable forms and outbox messages of dossier `code`. Raises NotFound."""
        with self.db.reading() as uow:
            dossier = uow.dossiers.row(code)
            if dossier is None:
                raise NotFound(f"không có hồ sơ {code}")
            if dossier.instance_id is None:  # registered, its workflow not started yet (or failed to start)
                return DossierRecord(code, names=uow.accounts.full_names([dossier.received_by]))
            events = uow.history.events(dossier.instance_id)
            names = uow.accounts.full_names([dossier.received_by, *(e.actor for e in events)])
            timer_names: dict[str, str] = {}
            if any(e.tag.startswith("instance:timer:") for e in events):
                version = uow.versions.of_instance(dossier.instance_id)
                timer_names = _timer_names(uow.versions.sources(version.id)[1])
            outbox = [
                Message(
                    m.id,
                    m.kind,
                    m.state,
                    _vn(m.created_at),
                    _vn_or_none(m.sent_at),
                    m.attempts,
                    m.last_error,
                    m.payload,
                )
                for m in uow.outbox.of_instance(dossier.instance_id)
            ]
        now, calendar = self.clock.now(), self.calendars.current()
        step_lines = [
            StepLine(
                s.task_id,
                s.name,
                s.title,
                s.lane,
                _vn(s.ready_at),
                _vn_or_none(s.due_at),
                _vn_or_none(s.completed_at),
                s.actor,
                names.get(s.actor or "", s.actor or ""),
                s.result(calendar),
                s.withdrawn,
                s.completed_at is None and not s.withdrawn and s.due_at is not None and s.due_at < now,
            )
            for s in steps(events)
        ]
        letters = [Letter(e.payload.get("form", ""), _vn(e.at), e.seq) for e in events if e.tag == LETTER and e.payload]
        issued = {self.legal.meaning(letter.form) for letter in letters}
        if any(e.tag == "dossier:appointment:moved" and (e.payload or {}).get("rule") == "extension" for e in events):
            issued.add("apology")
        if any(e.tag == "dossier:stopped" for e in events):
            issued.add("stop_notice")
        try:
            form_set = self.legal.get(dossier.legal_basis).form_set
            forms = [form_set.form(m) for m in LETTER_MEANINGS if m in issued] + [form_set.form("control_slip")]
        except LegalBasisError:
            forms = []  # a basis whose file was removed: nothing to render it with
        titles = {}
        for form in form_set.forms.values() if forms else ():
            titles[form.meaning] = titles[form.template] = f"{form.title} ({form.label})" if form.number else form.title
        return DossierRecord(
            code,
            step_lines,
            [
                EventLine(e.seq, e.tag, _vn(e.at), e.actor, names.get(e.actor, e.actor), e.task_id, e.payload or {})
                for e in events
            ],
            letters,
            forms,
            outbox,
            names,
            titles,
            timer_names,
            data_changes(events),
        )

    def diagram(self, code: str) -> Diagram:
        """The diagram of dossier `code`'s process version with its marks. Raises NotFound for an unknown dossier,
        one whose workflow has not started, or a version whose files no longer declare its process."""
        with self.db.reading() as uow:
            dossier = uow.dossiers.row(code)
            if dossier is None:
                raise NotFound(f"không có hồ sơ {code}")
            if dossier.instance_id is None:
                raise NotFound(f"Hồ sơ {code} chưa có quy trình đang chạy nên chưa có sơ đồ")
            version = uow.versions.of_instance(dossier.instance_id)
            process_id, sources = uow.versions.sources(version.id)
            current = uow.tasks.names_of(dossier.instance_id)
            completed = uow.history.events(dossier.instance_id, (COMPLETED,))
        done = [e.payload["task"] for e in completed if e.payload.get("task")]
        number = version.number
        xml = _process_file(sources, process_id, code)
        calls = _call_sites(sources, process_id)
        return Diagram(
            process_id,
            number,
            xml,
            _once([site for name in current for site in calls.get(name, [name])]),
            _once([site for name in done for site in calls.get(name, [name])]),
        )

    def moments(self, code: str) -> tuple[list[Moment], dict[str, str]]:
        """The dossier's history step by step (`engine.domain.moments`), the elements named as the diagram of
        `diagram` names them (a task of a called process at its call activity), and the full names of the people
        who acted. Raises NotFound as `diagram`."""
        with self.db.reading() as uow:
            dossier = uow.dossiers.row(code)
            if dossier is None:
                raise NotFound(f"không có hồ sơ {code}")
            if dossier.instance_id is None:
                raise NotFound(f"Hồ sơ {code} chưa có quy trình đang chạy nên chưa có lịch sử để xem lại")
            version = uow.versions.of_instance(dossier.instance_id)
            process_id, sources = uow.versions.sources(version.id)
            events = uow.history.events(dossier.instance_id)
            names = uow.accounts.full_names([e.actor for e in events])
        calls = _call_sites(sources, process_id)

        def sites(names: list[str]) -> list[str]:
            return _once([site for name in names for site in calls.get(name, [name])])

        found = [
            replace(m, current=sites(m.current), waiting=sites(m.waiting), done=sites(m.done)) for m in moments(events)
        ]
        return found, names

    def queue(self, task_name: str, lane: str, limit: int = 100, offset: int = 0) -> tuple[list[TaskRow], int]:
        """Open tasks named `task_name` (a BPMN element id such as `tiep_nhan`) in `lane`, oldest first, and how many
        there are in all; `limit` at most 500."""
        limit = max(1, min(int(limit), MAX_QUEUE))
        with self.db.reading() as uow:
            return uow.tasks.page(
                TaskFilter(lanes=(lane,), name=task_name), "ready_at", False, limit, max(0, int(offset))
            )


def _process_file(sources: dict[str, str], process_id: str, code: str) -> str:
    """The XML of the file that declares `process_id` (a version also stores the files it calls)."""
    for name, xml in sorted(sources.items()):
        root = read_xml(name, xml)
        if any(p.get("id") == process_id for p in root.iter(f"{_BPMN}process")):
            return xml
    raise NotFound(f"Không tìm thấy tệp BPMN của quy trình '{process_id}' (hồ sơ {code}) trong phiên bản đã triển khai")


def _timer_names(sources: dict[str, str]) -> dict[str, str]:
    """Element id -> name of every timer event in a version's files: history names a timer by its id."""
    found: dict[str, str] = {}
    for name, xml in sorted(sources.items()):
        for element in read_xml(name, xml).iter():
            if element.get("id") and element.get("name") and element.find(f"{_BPMN}timerEventDefinition") is not None:
                found.setdefault(str(element.get("id")), " ".join(str(element.get("name")).split()))
    return found


def _call_sites(sources: dict[str, str], process_id: str) -> dict[str, list[str]]:
    """Element id of a called process -> the call activities of `process_id` that run it (directly or through
    further calls), for the elements that are not `process_id`'s own: a step of a shared activity
    (processes/chung_*.bpmn) is marked on the collapsed call activity the dossier's diagram shows."""
    processes: dict[str, tuple[set[str], list[tuple[str, str]]]] = {}
    for name, xml in sorted(sources.items()):
        for process in read_xml(name, xml).iter(f"{_BPMN}process"):
            ids = {str(element.get("id")) for element in process.iter() if element.get("id")}
            calls = [(str(c.get("id")), str(c.get("calledElement"))) for c in process.iter(f"{_BPMN}callActivity")]
            processes.setdefault(str(process.get("id")), (ids, calls))
    own = processes.get(process_id, (set(), []))[0]
    sites: dict[str, list[str]] = {}
    for call_id, called in processes.get(process_id, (set(), []))[1]:
        pending, seen = [called], set[str]()
        while pending:
            current = pending.pop()
            if current in seen or current not in processes:
                continue
            seen.add(current)
            ids, calls = processes[current]
            for element in ids - own:
                sites.setdefault(element, []).append(call_id)
            pending.extend(target for _, target in calls)
    return sites


def _once(ids: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for element in ids:
        seen.setdefault(str(element), None)
    return list(seen)
