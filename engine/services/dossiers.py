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
import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, insert, select, update

from engine.domain.calendar import WorkingCalendar
from engine.domain.catalogue import Catalogue, Procedure
from engine.domain.clock import VN_TZ, Clock
from engine.domain.dossier_code import check_agency_code
from engine.domain.errors import InvalidTransition, NotFound, ValidationError
from engine.domain.portal import RECEIVED, STATUS_LABELS, status_label
from engine.domain.reception import check_channel, check_reception, raise_if
from engine.persistence.db import Database
from engine.persistence.models import (
    Dossier,
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
            outbox = record_effects(session, instance, chain, [change], self.calendars.current(), now).outbox
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
