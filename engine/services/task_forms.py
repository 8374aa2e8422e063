"""Completing a user task with its form: the form's JSON Schema, validation (schema and calendar rules), uploads.

A user task names its form with the extension property `form` (`processes/forms/<form>.json`, see
`engine.forms.schema` for what a form may contain); a task without one takes no data. Pages and the API both complete
tasks here, so both get the same checks. Keywords of ours on a field, checked against the dossier and the calendar:
- `x-after: "appointment"`: a date-time later than the dossier's current appointment;
- `x-working-day: true`: a date or date-time on a working day of the calendar (Vietnam time);
- `x-since-ready: true`: a date-time between the moment the task became ready and now (what happened while it was
  open, such as when the applicant's additions arrived).
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from engine.domain.clock import VN_TZ
from engine.domain.dates import vn_clock, vn_date
from engine.domain.errors import Conflict, NotFound, ProcessDefinitionError, ValidationError
from engine.domain.permissions import ROLES
from engine.forms import render
from engine.forms import schema as forms
from engine.persistence.db import Database
from engine.services.calendars import CalendarService
from engine.services.documents import DocumentService
from engine.services.dossier_files import DossierFileService, Scan
from engine.services.dossiers import DossierService
from engine.services.instances import InstanceService, TaskRow
from engine.services.task_list import TaskListService

FORMS_DIR = Path(__file__).resolve().parents[2] / "processes" / "forms"
APOLOGY_TASK = "lap_phieu_xin_loi"
APOLOGY_APPROVAL = "duyet_phieu_xin_loi"


@dataclass(frozen=True)
class SentBack:
    """Why a task is open again: the review or signature that did not agree (`approved` no) and its comment."""

    title: str
    actor: str
    at: datetime
    comment: str


@dataclass(frozen=True)
class Upload:
    """A file sent with a form: its name as the officer's computer had it, its bytes and media type."""

    filename: str
    content: bytes
    media_type: str


class TaskFormService:
    def __init__(
        self,
        db: Database,
        task_list: TaskListService,
        instances: InstanceService,
        dossiers: DossierService,
        calendars: CalendarService,
        documents: DocumentService,
        files: DossierFileService,
        forms_dir: Path = FORMS_DIR,
    ):
        self.db, self.task_list, self.instances, self.dossiers = db, task_list, instances, dossiers
        self.calendars, self.documents, self.files = calendars, documents, files
        self.forms_dir = Path(forms_dir)
        self._cache: dict[str, dict] = {}

    # --- the form ------------------------------------------------------------------------------------------------
    def form(self, task: TaskRow) -> dict:
        """The JSON Schema of `task`'s form; an object schema without fields when the task names none. A field with
        `x-accounts: {role}` becomes a choice of the active accounts of that role in the task's division, each labelled
        with the open tasks it holds (the assignment picks a person, not a name typed freely). Raises
        ProcessDefinitionError when it names a form that does not exist or is not a valid form."""
        name = (task.properties or {}).get("form")
        schema = self.load(name) if name else dict(forms.EMPTY_SCHEMA)
        props = schema.get("properties") or {}
        if not any(isinstance(p, Mapping) and p.get("x-accounts") for p in props.values()):
            return schema
        division = self.dossiers.catalogue.division_of(task.procedure_code) or ""
        filled = {}
        for field_name, prop in props.items():
            wanted = prop.get("x-accounts") if isinstance(prop, Mapping) else None
            filled[field_name] = self._account_choice(prop, str(wanted.get("role", "")), division) if wanted else prop
        return {**schema, "properties": filled}

    def _account_choice(self, prop: Mapping, role: str, division: str) -> dict:
        with self.db.reading() as uow:
            accounts = uow.accounts.of_division(role, division)
            counts = uow.tasks.open_counts([username for username, _ in accounts])
        if not accounts:  # nobody to choose: say so rather than offer a free text that assigns no one
            who = ROLES.get(role, role).lower()
            message = f"{division or 'phòng'} chưa có tài khoản {who} nào đang hoạt động; nhờ quản trị tạo tài khoản"
            return {**prop, "enum": [""], "x-message": message}
        choices = [
            {"const": username, "title": f"{full_name} ({counts.get(username, 0)} việc đang mở)"}
            for username, full_name in accounts
        ]
        return {**prop, "oneOf": choices}

    def load(self, name: str) -> dict:
        """The form `name` (processes/forms/<name>.json), read once. Raises ProcessDefinitionError."""
        if name not in self._cache:
            path = self.forms_dir / f"{name}.json"
            if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
                raise ProcessDefinitionError(
                    [(f"{name}.json", name, f"không có biểu mẫu '{name}' trong processes/forms")]
                )
            try:
                schema = json.loads(path.read_text("utf-8"))
                forms.check_schema(schema)
            except ValueError as exc:
                raise ProcessDefinitionError([(path.name, name, str(exc))]) from None
            self._cache[name] = schema
        return self._cache[name]

    def initial(self, task: TaskRow) -> dict[str, list[str]]:
        """What the page's inputs hold before the officer types: the form's defaults."""
        schema = self.form(task)
        return forms.to_form(schema, forms.with_defaults(schema, {}))

    # --- checks --------------------------------------------------------------------------------------------------
    def check(self, task: TaskRow, data: Mapping) -> dict[str, str]:
        """The errors of `data` for `task`'s form (schema, then the calendar rules), by field path; {} when valid."""
        schema = self.form(task)
        errors = forms.validate(schema, data)
        for name, prop in (schema.get("properties") or {}).items():
            if name in errors or name not in data or not isinstance(data[name], str):
                continue
            message = self._calendar_error(task, prop, data[name])
            if message:
                errors[name] = message
        return errors

    def _calendar_error(self, task: TaskRow, prop: Mapping, value: str) -> str | None:
        try:
            moment = forms.parse_datetime(value) if prop.get("format") == "date-time" else None
            day = moment.astimezone(VN_TZ).date() if moment else forms.parse_date(value)
        except ValueError:
            return None  # the schema already said what is wrong with it
        if prop.get("x-after") == "appointment" and moment is not None:
            current = self._appointment(task.code)
            if current is not None and moment <= current:
                return (
                    f"phải sau ngày hẹn hiện tại {_stamp(current)}; chọn một ngày làm việc sau ngày đó "
                    f"(đang chọn {_stamp(moment)})"
                )
        if prop.get("x-since-ready") and moment is not None:
            now = self.dossiers.clock.now()
            if moment > now:
                return f"không được sau lúc này ({_stamp(now)}); đang chọn {_stamp(moment)}"
            if moment < task.ready_at:
                return f"không được trước lúc bắt đầu chờ bổ sung ({_stamp(task.ready_at)}); đang chọn {_stamp(moment)}"
        if prop.get("x-working-day"):
            working, reason, _ = self.calendars.current().day_info(day)
            if not working:
                why = f" ({reason})" if reason else ""
                return f"ngày {vn_date(day)} là ngày nghỉ{why}; chọn một ngày làm việc"
        return None

    def _appointment(self, code: str) -> datetime | None:
        try:
            return self.dossiers.get(code).appointment
        except NotFound:  # an instance that is not a dossier (a process started by hand) has no appointment
            return None

    # --- completing ----------------------------------------------------------------------------------------------
    def complete(self, task_id: str, data: dict, actor: str) -> None:
        """Validate `data` with the task's form and complete the task with it (absent fields that have a default take
        it). Raises NotFound (no such open task), Conflict (claimed by someone else, or completed meanwhile) before
        looking at the data, then ValidationError(fields={path: Vietnamese message}) without changing anything."""
        task = self._open(task_id, actor)
        if not isinstance(data, Mapping):
            raise ValidationError("Dữ liệu của việc phải là một đối tượng JSON", {"data": "cần một đối tượng"})
        schema = self.form(task)
        data = forms.with_defaults(schema, data)
        errors = self.check(task, data)
        if errors:
            raise ValidationError(forms.summary(schema, errors), errors)
        self.instances.complete(task_id, data, actor)

    def submit(self, task_id: str, form: Mapping[str, list[str]], uploads: Mapping[str, Upload], actor: str) -> None:
        """Complete the task from an HTML submission (`request.form.to_dict(flat=False)`) and the files chosen for
        its file fields. Every error (conversion, schema, calendar, the files themselves) is reported at once, before
        anything is stored; then, in one unit of work, each file is stored with the dossier and its {id, filename}
        becomes the field's value, and the task is completed. Raises like `complete`."""
        task = self._open(task_id, actor)
        schema = self.form(task)
        data, errors = forms.convert(schema, form)
        file_fields = {f.name: f for f in forms.fields(schema) if f.kind == "file"}
        chosen = {
            name: Scan(f"{task.title}: {file_fields[name].title}", up.filename, up.content, up.media_type)
            for name, up in uploads.items()
            if name in file_fields and up.content
        }
        procedure_code = self._procedure_code(task)
        documents: dict[str, str] = {}
        for name, scan in chosen.items():
            data[name] = {"id": 0, "filename": scan.filename}  # checked now, stored below
            document, problems = self.files.check(procedure_code, scan, actor, task_file=True)
            if problems:
                errors.setdefault(name, "; ".join(problems.values()))
            documents[name] = document or ""
        data = forms.with_defaults(schema, data)
        for path, message in self.check(task, data).items():
            errors.setdefault(path, message)
        if errors:
            raise ValidationError(forms.summary(schema, errors), errors)
        with self.db.unit_of_work() as uow:
            locked = self.instances.open_task(uow, task_id)
            dossier = uow.dossiers.row(task.code)
            events = []
            if chosen and dossier is None:
                raise NotFound(f"không có hồ sơ {task.code} để lưu tệp")
            if dossier is not None and chosen:
                column = {
                    **(dossier.documents or {}),
                    "items": [dict(i) for i in (dossier.documents or {}).get("items", [])],
                }
                for name, scan in chosen.items():
                    view, event = self.files.store_in(uow, dossier.id, task.code, documents[name], scan, actor, column)
                    data[name] = {"id": view.id, "filename": view.filename}
                    events.append(event)
                uow.dossiers.set_documents(dossier.id, column)
            self.instances.complete_in(uow, task_id, data, actor, events, locked)

    def _procedure_code(self, task: TaskRow) -> str:
        if task.procedure_code:
            return task.procedure_code
        try:
            return self.dossiers.get(task.code).procedure_code
        except NotFound:
            return ""

    def _open(self, task_id: str, actor: str) -> TaskRow:
        task = self.task_list.get(task_id)
        if task.assignee and task.assignee != actor:
            raise Conflict(
                f"Việc '{task.title}' của hồ sơ {task.code} đang do {task.assignee} nhận xử lý; "
                "chỉ người đã nhận việc mới hoàn thành được (hoặc chờ họ trả lại việc)"
            )
        return task

    def sent_back(self, task: TaskRow) -> SentBack | None:
        """The refusal that made `task` ready (the completion just before it became ready answered `approved` no),
        so that the officer who redoes a step reads why; None for a task reached the ordinary way."""
        events = self.instances.history(task.code)
        ready = next((e for e in events if e.tag == "dossier:task:ready" and e.task_id == task.task_id), None)
        if ready is None:
            return None
        before = [e for e in events if e.seq < ready.seq and e.tag == "dossier:task:completed"]
        if not before:
            return None
        last = before[-1]
        data = last.payload.get("data") or {}
        if data.get("approved") is not False:
            return None
        return SentBack(last.payload.get("title", ""), last.actor, last.at, str(data.get("comment") or ""))

    # --- the apology letter ----------------------------------------------------------------------------------------
    def preview(self, task: TaskRow, reason: str, new_appointment: str) -> str:
        """The HTML of Mẫu 04 as the draft of the apology task `task` would make it; a date that cannot be read is
        left blank in the letter (the form says what is wrong with it). Raises NotFound for another kind of task."""
        if task.name != APOLOGY_TASK:
            raise NotFound(f"Việc '{task.title}' không có phiếu xin lỗi để xem trước")
        return self._apology(task.code, reason, new_appointment)

    def drafted_apology(self, task: TaskRow, fmt: str = "html") -> str | bytes:
        """The HTML (or PDF, `fmt` "pdf") of Mẫu 04 as the last completed apology draft made it, for the approval
        task `task` (the director reads the letter before signing it). Raises NotFound for another kind of task or
        without a draft."""
        if task.name != APOLOGY_APPROVAL:
            raise NotFound(f"Việc '{task.title}' không có phiếu xin lỗi chờ duyệt")
        drafts = [
            e
            for e in self.instances.history(task.code)
            if e.tag == "dossier:task:completed" and e.payload.get("task") == APOLOGY_TASK
        ]
        if not drafts:
            raise NotFound(f"Hồ sơ {task.code} chưa có phiếu xin lỗi dự thảo")
        data = drafts[-1].payload.get("data") or {}
        html = self._apology(task.code, str(data.get("delay_reason") or ""), str(data.get("new_appointment") or ""))
        return render.render_pdf(html) if fmt == "pdf" else html

    def _apology(self, code: str, reason: str, new_appointment: str) -> str:
        try:
            moment = forms.parse_datetime(new_appointment) if new_appointment.strip() else None
        except ValueError:
            moment = None
        return self.documents.preview_apology(code, reason.strip(), moment)


def _stamp(moment: datetime | date) -> str:
    return vn_clock(moment) if isinstance(moment, datetime) else vn_date(moment)
