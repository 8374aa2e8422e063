"""What the steps of a dossier decided, in words an officer reads: each completed user task with the values its form
recorded (labels are the form's field titles, choices their option labels, accounts their holders' names, files and
the letters the step sent as links). The task pages show it above the form, so that an approver sees the opinion,
the draft, the comments and the files before deciding; the dossier page shows it for every step. Read-only.

Which form a completed task used is read from its user task in the BPMN of the dossier's process version
(`<spiffworkflow:property name="form">`), since history records the data but not the form.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.bpmn.parsing import read_xml
from engine.domain.clock import VN_TZ
from engine.domain.dates import vn_clock, vn_date
from engine.domain.errors import ProcessDefinitionError
from engine.forms import schema as forms
from engine.persistence.db import Database
from engine.services.task_forms import TaskFormService
from engine.services.task_history import COMPLETED

LETTER = "dossier:letter:queued"
_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
_COMMANDS = {COMPLETED, "instance:started", "instance:cancelled"}


@dataclass(frozen=True)
class Line:
    """One value a step recorded: the field's title and the value as text (`items` for a list, one per line;
    `file_id` when the value is a file stored with the dossier, `text` then its name)."""

    label: str
    text: str = ""
    items: tuple[str, ...] = ()
    file_id: int | None = None


@dataclass(frozen=True)
class Decision:
    """A completed step: its title, lane, who completed it (full name) and when (Vietnam time), what its form
    recorded, and the letters (their form meanings) it sent."""

    task_id: str
    name: str
    title: str
    lane: str
    actor: str
    actor_name: str
    at: datetime
    lines: list[Line] = field(default_factory=list)
    letters: list[str] = field(default_factory=list)


class DecisionService:
    def __init__(self, db: Database, task_forms: TaskFormService):
        self.db, self.task_forms = db, task_forms

    def of_dossier(self, code: str) -> list[Decision]:
        """The completed steps of the instance `code` (a dossier or a feedback), oldest first; [] when none."""
        with self.db.reading() as uow:
            head = uow.instances.head_by_code(code)
            if head is None:
                return []
            events = uow.history.events(head.id)
            if not any(e.tag == COMPLETED for e in events):
                return []
            version = uow.versions.of_instance(head.id)
            form_names = _form_names(uow.versions.sources(version.id)[1])
            accounts = uow.accounts.full_names([e.actor for e in events])
            chosen = _chosen_accounts(events)
            accounts.update(uow.accounts.full_names(chosen))
        titles = {e.task_id: e.payload for e in events if e.tag == "dossier:task:ready" and e.task_id}
        found = []
        for index, event in enumerate(events):
            if event.tag != COMPLETED or not event.task_id:
                continue
            payload = event.payload or {}
            ready = titles.get(event.task_id) or {}
            name = str(payload.get("task") or ready.get("task") or "")
            schema = self._schema(form_names.get(name))
            found.append(
                Decision(
                    event.task_id,
                    name,
                    str(payload.get("title") or ready.get("title") or name),
                    str(ready.get("lane") or ""),
                    event.actor,
                    accounts.get(event.actor, event.actor),
                    event.at.astimezone(VN_TZ),
                    _lines(schema, payload.get("data") or {}, accounts),
                    _letters(events, index),
                )
            )
        return found

    def before(self, code: str, task_id: str) -> list[Decision]:
        """What the steps completed before open task `task_id` of `code` decided: the summary its page shows."""
        return [d for d in self.of_dossier(code) if d.task_id != task_id]

    def _schema(self, form: str | None) -> Mapping:
        if not form:
            return forms.EMPTY_SCHEMA
        try:
            return self.task_forms.load(form)
        except ProcessDefinitionError:  # a form removed since: its data is still shown, under its names
            return forms.EMPTY_SCHEMA


def _form_names(sources: Mapping[str, str]) -> dict[str, str]:
    """User task id -> the form it names, in every file of a version (a shared activity's tasks included)."""
    found: dict[str, str] = {}
    for name, xml in sorted(sources.items()):
        for task in read_xml(name, xml).iter(f"{_BPMN}userTask"):
            for prop in task.iter(f"{_SPIFF}property"):
                if prop.get("name") == "form" and prop.get("value"):
                    found.setdefault(str(task.get("id")), str(prop.get("value")))
    return found


def _chosen_accounts(events) -> list[str]:
    """Every text value of the completions: the usernames an assignment chose are among them."""
    return [
        value
        for e in events
        if e.tag == COMPLETED
        for value in ((e.payload or {}).get("data") or {}).values()
        if isinstance(value, str) and 0 < len(value) <= 100
    ]


def _lines(schema: Mapping, data: Mapping, accounts: Mapping[str, str]) -> list[Line]:
    """The form's fields that hold a value, in the form's order; values the form does not know come last."""
    lines = []
    known = set()
    for item in forms.fields(schema):
        known.add(item.name)
        value = data.get(item.name)
        if value is None or value == "" or value == []:
            continue
        lines.append(_line(item, value, accounts))
    for name, value in data.items():
        if name not in known and value not in (None, "", [], {}):
            lines.append(Line(name, _plain(value)))
    return lines


def _line(item: forms.Field, value: Any, accounts: Mapping[str, str]) -> Line:
    kind = item.kind
    if kind in ("choice", "boolean"):
        labels = dict(item.options)
        shown = ("true" if value else "false") if isinstance(value, bool) else _plain(value)
        return Line(item.title, labels.get(shown, shown))
    if kind == "file" and isinstance(value, Mapping):
        return Line(item.title, str(value.get("filename", "")), file_id=_int(value.get("id")))
    if kind == "date":
        return Line(item.title, _day(value))
    if kind == "datetime":
        return Line(item.title, _moment(value))
    if kind == "lines" and isinstance(value, list):
        return Line(item.title, items=tuple(_plain(v) for v in value))
    if kind == "table" and isinstance(value, list):
        rows = []
        for row in value:
            row = row if isinstance(row, Mapping) else {}
            cells = [f"{c.title}: {_plain(row[c.name])}" for c in item.columns if row.get(c.name) not in (None, "")]
            rows.append("; ".join(cells))
        return Line(item.title, items=tuple(rows))
    if item.schema.get("x-accounts") and isinstance(value, str):
        return Line(item.title, accounts.get(value, value))
    return Line(item.title, _plain(value))


def _letters(events, index: int) -> list[str]:
    """The letters queued by the same unit of work as the completion at `index` (recorded at the same moment)."""
    done = events[index]
    found = []
    for event in events[index + 1 :]:
        if event.tag in _COMMANDS or event.at != done.at:
            break
        if event.tag == LETTER and (event.payload or {}).get("form"):
            found.append(str(event.payload["form"]))
    return found


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _day(value: Any) -> str:
    try:
        return vn_date(forms.parse_date(str(value)))
    except ValueError:
        return _plain(value)


def _moment(value: Any) -> str:
    try:
        return vn_clock(forms.parse_datetime(str(value)))
    except ValueError:
        return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)
