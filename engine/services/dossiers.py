"""Use cases on dossiers: receive a complete dossier, preview its appointment, read one, list them.

Reception (ND 61/2018 Điều 15-16, TT 01/2018 Điều 19): the officer has checked the documents against the procedure's
list; the dossier gets its code `<agency>-<YYMMDD>-<NNNN>` and its appointment, and the procedure's workflow starts.

`InstanceService.start` opens its own transaction, so a reception is three short ones:
1. take the day's number and insert the dossier row (status 2);
2. start the workflow instance (code = dossier code) with the start data of docs/PROCEDURES.md;
3. link the row to the instance.
If 2 fails, the row is deleted again and the number given back when nobody took a later one, so nothing is left
half-received. (With an `InstanceService.start_in(session, ...)` taking an open session, all of it would be one
transaction and the compensation would go away.)
"""

import copy
import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, insert, select, update

from engine.domain.calendar import WorkingCalendar
from engine.domain.catalogue import Catalogue, Procedure
from engine.domain.clock import VN_TZ, Clock
from engine.domain.dossier_code import check_agency_code
from engine.domain.errors import InvalidTransition, MotcuaError, NotFound, ValidationError
from engine.domain.portal import RECEIVED, STATUS_LABELS, status_label
from engine.domain.reception import check_channel, check_reception, raise_if
from engine.persistence.db import Database
from engine.persistence.models import (
    Dossier,
    DossierFile,
    DossierSequence,
    HistoryEvent,
    Instance,
    OutboxMessage,
    ProcessVersion,
)
from engine.services.calendars import CalendarService
from engine.services.dossier_effects import OPEN_STATUSES, record_effects
from engine.services.effects import Effect
from engine.services.history import Chain
from engine.services.instances import InstanceService, TaskRow
from engine.services.sequences import next_dossier_code
from engine.services.step import write_instance

log = logging.getLogger(__name__)

MAX_PAGE = 500
WITHDRAWN, STOPPED = 7, 8
_SHORT_UNITS = {"wd": "d", "wh": "h", "d": "cd"}
MAX_FILE_SIZE = 20 * 1024 * 1024  # bytes; a larger scan is refused (split it, or scan at a lower resolution)
FILE_MEDIA_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
MAX_FILENAME = 255


@dataclass(frozen=True)
class DossierView:
    """A dossier as people read it: datetimes in Vietnam time; `tasks` are its open tasks (empty in lists)."""

    code: str
    procedure_code: str
    procedure_name: str
    applicant: dict
    channel: int
    result_delivery: str
    documents: list[dict]
    fee: int
    fee_paid: bool
    received_at: datetime
    clock_start: datetime
    appointment: datetime
    original_appointment: datetime
    status: int
    status_label: str
    status_changed_at: datetime
    supplement_count: int
    extension_count: int
    processing_end_at: datetime | None
    returned_at: datetime | None
    received_by: str
    instance_id: int | None
    tasks: tuple[TaskRow, ...] = field(default=())
    late: bool = False


@dataclass(frozen=True)
class FileView:
    """A file received with a dossier, without its content; `uploaded_at` in Vietnam time."""

    id: int
    dossier_code: str
    document: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


class FileTampered(MotcuaError):
    """A stored file no longer matches the SHA-256 computed when it was received."""

    code = "file_tampered"


def time_limit_text(limit: tuple[float, str]) -> str:
    """A time limit as in allotments: (5, "wd") -> "5d", (8, "wh") -> "8h", (30, "d") -> "30cd"."""
    return f"{limit[0]:g}{_SHORT_UNITS[limit[1]]}"


class DossierService:
    """Receives and reads dossiers. `cutoff`: a dossier received at or after it starts counting the next working
    morning (None: only office hours matter). Raises ValueError at construction for a bad agency code."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        calendars: CalendarService,
        instances: InstanceService,
        catalogue: Catalogue | None,
        agency_code: str,
        cutoff: time | None,
    ):
        self.db, self.clock, self.calendars, self.instances = db, clock, calendars, instances
        self.catalogue = catalogue if catalogue is not None else Catalogue([])
        self.agency_code = check_agency_code(agency_code)
        self.cutoff = cutoff
        # (the calendar service's current calendar, our copy of it with the cutoff); swapped as one value.
        self._calendar: tuple[WorkingCalendar, WorkingCalendar] | None = None

    # --- reception --------------------------------------------------------------------------------------------
    def receive(
        self,
        procedure_code: str,
        applicant: dict,
        channel: int,
        result_delivery: str,
        documents: list[dict],
        actor: str,
        handover_at: datetime | None = None,
        fee_paid: bool = False,
    ) -> DossierView:
        """Register a complete dossier and start its procedure's workflow; return it.

        Reception time is now for counter and online dossiers, `handover_at` for postal ones. Raises ValidationError
        naming every wrong field (nothing is written then, and no number is taken); a missing required document is
        one of them (issue Mẫu 02 instead). Errors of the workflow start propagate after the compensation.
        """
        now = self.clock.now()
        procedure = self.catalogue.get(procedure_code) if isinstance(procedure_code, str) else None
        reception = check_reception(
            procedure,
            applicant,
            channel,
            result_delivery,
            documents,
            handover_at,
            now,
            procedure_code=str(procedure_code),
            actor=actor,
            fee_paid=fee_paid,
        )
        self._check_deployed(procedure)
        received_at = (handover_at or now).astimezone(VN_TZ)
        clock_start, appointment = self._appointment(procedure, received_at)
        code = self._insert(procedure, reception, received_at, clock_start, appointment, fee_paid, actor, now)
        data = {
            "dossier_code": code,
            "procedure_code": procedure.code,
            "received_at": received_at.isoformat(),
            "clock_start": clock_start.isoformat(),
            "appointment": appointment.isoformat(),
            "channel": reception.channel,
            "applicant": reception.applicant,
            "supplement_policy": procedure.supplement_policy,
            "time_limit": time_limit_text(procedure.time_limit),
        }
        try:
            self.instances.start(procedure.process, code, data, actor)
        except Exception:
            self._compensate(code, received_at.date())
            raise
        self._link(code)
        return self.get(code)

    def preview_appointment(
        self, procedure_code: str, channel: int, handover_at: datetime | None = None
    ) -> tuple[datetime, datetime]:
        """(clock start, appointment) that `receive` would store now; writes nothing. Raises ValidationError for an
        unknown procedure, a channel it does not accept, or a missing, naive or future postal handover time."""
        now = self.clock.now()
        procedure = self.catalogue.get(procedure_code) if isinstance(procedure_code, str) else None
        errors: dict[str, str] = {}
        if procedure is None:
            errors["procedure_code"] = f"không có thủ tục mã '{procedure_code}' trong danh mục"
        check_channel(procedure, channel, handover_at, now, errors)
        raise_if(errors)
        return self._appointment(procedure, (handover_at or now).astimezone(VN_TZ))

    def _calendar_now(self) -> WorkingCalendar:
        # The calendar service builds calendars without a cutoff; use a copy of the current one with ours.
        calendar, cached = self.calendars.current(), self._calendar
        if cached is not None and cached[0] is calendar and cached[1].cutoff == self.cutoff:
            return cached[1]
        variant = copy.copy(calendar)
        variant.cutoff = self.cutoff
        self._calendar = (calendar, variant)
        return variant

    def _appointment(self, procedure: Procedure, received_at: datetime) -> tuple[datetime, datetime]:
        calendar = self._calendar_now()
        clock_start = calendar.clock_start(received_at)
        return clock_start, calendar.add(clock_start, *procedure.time_limit)

    def _check_deployed(self, procedure: Procedure) -> None:
        with self.db.read() as session:
            deployed = session.scalar(
                select(func.count()).select_from(ProcessVersion).where(ProcessVersion.process_id == procedure.process)
            )
        if not deployed:
            raise ValidationError(
                f"Chưa tiếp nhận được hồ sơ: thủ tục {procedure.code} chưa có quy trình nội bộ được triển khai "
                f"(quy trình '{procedure.process}'); triển khai tệp BPMN bằng `motcua deploy` rồi tiếp nhận lại",
                {"procedure_code": f"quy trình '{procedure.process}' chưa được triển khai"},
            )

    def _insert(self, procedure, reception, received_at, clock_start, appointment, fee_paid, actor, now) -> str:
        with self.db.transaction() as session:
            code = next_dossier_code(session, self.agency_code, received_at.date())
            session.add(
                Dossier(
                    code=code,
                    instance_id=None,
                    procedure_code=procedure.code,
                    applicant=reception.applicant,
                    channel=reception.channel,
                    result_delivery=reception.result_delivery,
                    documents={"items": reception.documents},
                    fee=procedure.fee,
                    fee_paid=fee_paid,
                    received_at=received_at,
                    clock_start=clock_start,
                    appointment=appointment,
                    original_appointment=appointment,
                    status=RECEIVED,
                    status_changed_at=now,
                    supplement_count=0,
                    extension_count=0,
                    received_by=actor.strip(),
                )
            )
        return code

    def _compensate(self, code: str, day: date) -> None:
        """Undo step 1 after a failed start: delete the row; give the number back if it is still the day's last
        and no instance carries it (otherwise the next reception would fail the same way)."""
        number = int(code.rsplit("-", 1)[1])
        try:
            with self.db.transaction() as session:
                session.execute(delete(Dossier).where(Dossier.code == code, Dossier.instance_id.is_(None)))
                if not session.scalar(select(func.count()).select_from(Instance).where(Instance.code == code)):
                    session.execute(
                        update(DossierSequence)
                        .where(
                            DossierSequence.agency_code == self.agency_code,
                            DossierSequence.day == day,
                            DossierSequence.last == number,
                        )
                        .values(last=number - 1)
                    )
        except Exception:  # the start's error is the one to report; this one is logged for the administrator
            log.exception("could not undo the reception of %s after its workflow failed to start", code)

    def _link(self, code: str) -> None:
        """Step 3: link the row to its instance, and take the portal status the workflow's first step may have set
        (step.py updates dossiers by instance id, which the row did not have yet)."""
        with self.db.transaction() as session:
            instance_id = session.scalar(select(Instance.id).where(Instance.code == code))
            values: dict = {"instance_id": instance_id}
            changed = session.scalars(
                select(HistoryEvent)
                .where(HistoryEvent.instance_id == instance_id, HistoryEvent.tag == "dossier:status:changed")
                .order_by(HistoryEvent.seq.desc())
                .limit(1)
            ).first()
            if changed is not None and changed.payload.get("status") in STATUS_LABELS:
                values.update(status=changed.payload["status"], status_changed_at=changed.at)
            session.execute(update(Dossier).where(Dossier.code == code).values(**values))

    # --- withdrawal and stop -------------------------------------------------------------------------------------
    def withdraw(self, code: str, reason: str, actor: str) -> DossierView:
        """The applicant withdraws the dossier (portal status 7). See `_close`."""
        return self._close(code, reason, actor, WITHDRAWN, "dossier:withdrawn")

    def stop(self, code: str, reason: str, actor: str) -> DossierView:
        """The Department stops processing the dossier (portal status 8, Dừng xử lý). See `_close`."""
        return self._close(code, reason, actor, STOPPED, "dossier:stopped")

    def _close(self, code: str, reason: str, actor: str, status: int, tag: str) -> DossierView:
        """Cancel the dossier's workflow (the cancel event carries `reason`), then, in a second transaction with the
        instance locked, record `tag` {reason}, set the status (history, outbox for the portal) and the processing
        end. Raises ValidationError without a reason, NotFound, InvalidTransition for a dossier that is not open.
        If the second transaction fails, calling again finishes it (a cancelled workflow is not cancelled twice)."""
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            raise ValidationError(
                f"Cần ghi lý do {'rút' if status == WITHDRAWN else 'dừng xử lý'} hồ sơ", {"reason": "bắt buộc"}
            )
        with self.db.read() as session:
            row = self._open_row(session, code, status)
            running = session.scalar(select(Instance.status).where(Instance.id == row.instance_id)) == "running"
        if running:
            self.instances.cancel(code, actor, reason)
        now = self.clock.now()
        with self.db.transaction() as session:
            query = select(Instance).where(Instance.code == code)
            if self.db.dialect == "postgresql":
                query = query.with_for_update()
            instance = session.scalars(query).one()
            self._open_row(session, code, status)  # again, under the instance lock
            chain = Chain.of(instance)
            chain.append(tag, now, actor, {"reason": reason})
            change = Effect("portal_status", {"status": status, "label": STATUS_LABELS[status], "note": reason})
            outbox = record_effects(session, instance, chain, [change], self.calendars.current(), now)
            session.connection().execute(insert(OutboxMessage.__table__), outbox)
            chain.write(session)
            write_instance(session, instance, chain, now)
        return self.get(code)

    def _open_row(self, session, code: str, status: int) -> Dossier:
        row = session.scalars(
            select(Dossier).where(Dossier.code == code).execution_options(populate_existing=True)
        ).one_or_none()
        if row is None:
            raise NotFound(f"không có hồ sơ {code}")
        if row.instance_id is None or row.status not in OPEN_STATUSES or row.processing_end_at is not None:
            action = "rút" if status == WITHDRAWN else "dừng xử lý"
            raise InvalidTransition(
                f"Không {action} được hồ sơ {code}: hồ sơ đang ở trạng thái {row.status} ({status_label(row.status)}), "
                "không còn trong quá trình giải quyết"
            )
        return row

    # --- files (bản số hoá) ------------------------------------------------------------------------------------
    def attach(self, code: str, document: str, filename: str, content: bytes, media_type: str, actor: str) -> FileView:
        """Store a file of the dossier's `document` (a name of its procedure's list, case and spacing ignored) and mark
        that document digitised; record `dossier:file:attached` {document, file, size, sha256} in its history. One
        transaction, with the instance locked. Size and SHA-256 are computed here. Raises NotFound for an unknown
        dossier, ValidationError naming every wrong field (nothing is written then)."""
        errors: dict[str, str] = {}
        if not isinstance(content, bytes | bytearray) or not content:
            errors["content"] = "tệp rỗng; chọn lại tệp đã quét"
        elif len(content) > MAX_FILE_SIZE:
            errors["content"] = (
                f"tệp {len(content):,} byte, vượt quá giới hạn {MAX_FILE_SIZE // (1024 * 1024)} MiB; "
                "chia nhỏ tệp hoặc quét với độ phân giải thấp hơn"
            ).replace(",", ".")
        name = filename.strip() if isinstance(filename, str) else ""
        if not name:
            errors["filename"] = "cần tên tệp"
        elif _unsafe_filename(name):
            errors["filename"] = (
                f"tên tệp '{name[:100]}' không hợp lệ: chỉ ghi tên tệp (không có đường dẫn, dấu / \\ :, "
                f"ký tự điều khiển), tối đa {MAX_FILENAME} ký tự"
            )
        kind = media_type.strip().lower() if isinstance(media_type, str) else ""
        if kind not in FILE_MEDIA_TYPES:
            allowed = ", ".join(f"{v} ({k})" for k, v in FILE_MEDIA_TYPES.items())
            errors["media_type"] = f"không nhận tệp loại '{media_type}'; chỉ nhận {allowed}"
        actor = actor.strip() if isinstance(actor, str) else ""
        if not actor:
            errors["actor"] = "cần người tải tệp lên"
        with self.db.transaction() as session:
            row = session.scalars(select(Dossier).where(Dossier.code == code)).one_or_none()
            if row is None:
                raise NotFound(f"không có hồ sơ {code}")
            instance = self.instances._lock(session, id=row.instance_id) if row.instance_id is not None else None
            row = session.scalars(
                select(Dossier).where(Dossier.code == code).execution_options(populate_existing=True)
            ).one()  # again, under the instance lock
            procedure = self.catalogue.get(row.procedure_code)
            wanted = " ".join(document.split()).casefold() if isinstance(document, str) else None
            known = [d.name for d in procedure.documents] if procedure is not None else []
            matched = next((n for n in known if " ".join(n.split()).casefold() == wanted), None)
            if matched is None:
                errors["document"] = (
                    f"'{document}' không có trong thành phần hồ sơ của thủ tục; các giấy tờ là: {'; '.join(known)}"
                )
            if errors:
                raise ValidationError(f"Không nhận được tệp cho hồ sơ {code}: " + "; ".join(errors.values()), errors)
            content = bytes(content)
            now = self.clock.now()
            digest = hashlib.sha256(content).hexdigest()
            stored = DossierFile(
                dossier_id=row.id,
                document=matched,
                filename=name,
                media_type=kind,
                size=len(content),
                sha256=digest,
                content=content,
                uploaded_at=now,
                uploaded_by=actor,
            )
            session.add(stored)
            items = [dict(item) for item in (row.documents or {}).get("items", [])]
            for item in items:
                if item.get("name") == matched:
                    item["digitised"] = True
            row.documents = {**(row.documents or {}), "items": items}
            if instance is not None:
                chain = Chain.of(instance)
                payload = {"document": matched, "file": name, "size": len(content), "sha256": digest}
                chain.append("dossier:file:attached", now, actor, payload)
                chain.write(session)
                write_instance(session, instance, chain, now)
            session.flush()
            return self._file_view(stored, row.code)

    def files(self, code: str) -> list[FileView]:
        """The files of dossier `code`, in the order received (without their content). Raises NotFound."""
        columns = [c for c in DossierFile.__table__.c if c.name != "content"]
        with self.db.read() as session:
            dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == code))
            if dossier_id is None:
                raise NotFound(f"không có hồ sơ {code}")
            rows = session.execute(
                select(*columns).where(DossierFile.dossier_id == dossier_id).order_by(DossierFile.id)
            ).all()
            return [self._file_view(r, code) for r in rows]

    def file_content(self, code: str, file_id: int) -> tuple[FileView, bytes]:
        """File `file_id` of dossier `code` and its content, after checking the content against the stored size and
        SHA-256. Raises NotFound, or FileTampered when the stored content no longer matches."""
        with self.db.read() as session:
            found = session.execute(
                select(DossierFile)
                .join(Dossier, DossierFile.dossier_id == Dossier.id)
                .where(Dossier.code == code, DossierFile.id == file_id)
            ).scalar_one_or_none()
            if found is None:
                raise NotFound(f"hồ sơ {code} không có tệp số {file_id}")
            view, content = self._file_view(found, code), bytes(found.content)
        if len(content) != view.size or hashlib.sha256(content).hexdigest() != view.sha256:
            log.error("stored file %s of dossier %s does not match its SHA-256", file_id, code)
            raise FileTampered(
                f"Tệp '{view.filename}' của hồ sơ {code} đã bị thay đổi sau khi tiếp nhận (mã băm SHA-256 không khớp); "
                "báo quản trị hệ thống"
            )
        return view, content

    @staticmethod
    def _file_view(row, code: str) -> FileView:
        return FileView(
            id=row.id,
            dossier_code=code,
            document=row.document,
            filename=row.filename,
            media_type=row.media_type,
            size=row.size,
            sha256=row.sha256,
            uploaded_at=row.uploaded_at.astimezone(VN_TZ),
            uploaded_by=row.uploaded_by,
        )

    # --- queries ----------------------------------------------------------------------------------------------
    def get(self, code: str) -> DossierView:
        """The dossier `code` with its open tasks. Raises NotFound."""
        with self.db.read() as session:
            row = session.scalars(select(Dossier).where(Dossier.code == code)).one_or_none()
            if row is None:
                raise NotFound(f"không có hồ sơ {code}")
            view = self._view(row)
        return replace(view, tasks=tuple(self.instances.tasks(code=code, limit=MAX_PAGE)))

    def list(
        self,
        status: int | None = None,
        procedure_code: str | None = None,
        received_from: date | datetime | None = None,
        received_to: date | datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[DossierView]:
        """Dossiers, latest received first. `received_from` / `received_to` are inclusive; a date means that whole
        day in Vietnam time. Raises ValidationError for a bad status, limit (1-500) or offset."""
        errors: dict[str, str] = {}
        if status is not None and (isinstance(status, bool) or status not in STATUS_LABELS):
            errors["status"] = "trạng thái là một số từ 1 đến 10 (ví dụ 2: được tiếp nhận)"
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            errors["limit"] = f"số dòng mỗi trang từ 1 đến {MAX_PAGE}"
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            errors["offset"] = "vị trí bắt đầu là số nguyên không âm"
        query = select(Dossier)
        for name, value, end in (("received_from", received_from, False), ("received_to", received_to, True)):
            if value is None:
                continue
            try:
                moment = _bound(value, end)
            except ValueError as exc:
                errors[name] = str(exc)
                continue
            query = query.where(Dossier.received_at < moment if end else Dossier.received_at >= moment)
        if errors:
            raise ValidationError("Không lọc được danh sách hồ sơ: " + "; ".join(errors.values()), errors)
        if status is not None:
            query = query.where(Dossier.status == status)
        if procedure_code:
            query = query.where(Dossier.procedure_code == procedure_code)
        query = query.order_by(Dossier.received_at.desc(), Dossier.id.desc()).limit(limit).offset(offset)
        with self.db.read() as session:
            return [self._view(row) for row in session.scalars(query)]

    def _view(self, row: Dossier) -> DossierView:
        procedure = self.catalogue.get(row.procedure_code)

        def vn(moment: datetime | None) -> datetime | None:
            return moment.astimezone(VN_TZ) if moment is not None else None

        return DossierView(
            code=row.code,
            procedure_code=row.procedure_code,
            procedure_name=procedure.name if procedure else "",
            applicant=dict(row.applicant),
            channel=row.channel,
            result_delivery=row.result_delivery,
            documents=list((row.documents or {}).get("items", [])),
            fee=row.fee,
            fee_paid=row.fee_paid,
            received_at=vn(row.received_at),
            clock_start=vn(row.clock_start),
            appointment=vn(row.appointment),
            original_appointment=vn(row.original_appointment),
            status=row.status,
            status_label=status_label(row.status),
            status_changed_at=vn(row.status_changed_at),
            supplement_count=row.supplement_count,
            extension_count=row.extension_count,
            processing_end_at=vn(row.processing_end_at),
            returned_at=vn(row.returned_at),
            received_by=row.received_by,
            instance_id=row.instance_id,
            late=row.late,
        )


def _bound(value: date | datetime, end: bool) -> datetime:
    """The first moment after (end) or at (start) a bound: a date is its whole day in Vietnam time."""
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"thời điểm {value.isoformat()} thiếu múi giờ; ghi kèm +07:00")
        return value + timedelta(microseconds=1) if end else value
    if isinstance(value, date):
        day = datetime.combine(value, time(0), VN_TZ)
        return day + timedelta(days=1) if end else day
    raise ValueError(f"{value!r} không phải ngày hay thời điểm")


def _unsafe_filename(name: str) -> bool:
    """A file name that is not a bare name: a path, `.` or `..`, control characters, or too long."""
    return (
        any(c in name for c in "/\\:")
        or name in (".", "..")
        or any(ord(c) < 32 or ord(c) == 127 for c in name)
        or len(name) > MAX_FILENAME
    )
