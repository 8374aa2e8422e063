"""Dossiers as people read them, their lists, and the two ways a dossier leaves processing early: withdrawal by the
applicant (portal status 7) and a stop by the Department (status 8). Reception is `engine.services.reception`."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from engine.domain.catalogue import Catalogue
from engine.domain.clock import VN_TZ, Clock
from engine.domain.dossier_search import query_words
from engine.domain.errors import InvalidTransition, NotFound, ValidationError
from engine.domain.fees import COUNTER_PAYMENT, receipt_number
from engine.domain.legal_basis import LegalBases, LegalBasisError
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.numbers import MAX_OFFSET
from engine.domain.portal import AWAITING_FEE, REFUSED, RETURNED, STATUS_LABELS, STOPPED, WITHDRAWN, status_label
from engine.persistence.db import Database
from engine.persistence.dossiers import DossierRow
from engine.services.dossier_effects import is_open
from engine.services.effects import close_dossier, fee_confirmed
from engine.services.instances import InstanceService, TaskRow
from engine.services.step_record import Event

MAX_PAGE = 500


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
    legal_basis: str = ""  # the id of the legal basis it was received under ("nd118-2025"), kept for life
    legal_basis_name: str = ""  # its name, as shown on the dossier's page
    procedure_legal_basis: tuple[str, ...] = ()  # the procedure's own legal texts (the sector law), from the catalogue
    portal_id: str | None = None  # an online dossier's id on the national portal
    payment: dict | None = None  # what the portal reported paid: {reference, amount, received_at}


class DossierService:
    """Reads dossiers; withdraws and stops them."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        instances: InstanceService,
        catalogue: Catalogue | None,
        legal: LegalBases | None = None,
    ):
        self.db, self.clock, self.instances = db, clock, instances
        self.catalogue = catalogue if catalogue is not None else Catalogue([])
        self.legal = legal if legal is not None else shipped_legal_bases()

    # --- withdrawal and stop -------------------------------------------------------------------------------------
    def withdraw(self, code: str, reason: str, actor: str) -> DossierView:
        """The applicant withdraws the dossier (portal status 7). See `_close`."""
        return self._close(code, reason, actor, WITHDRAWN, "dossier:withdrawn")

    def stop(self, code: str, reason: str, actor: str) -> DossierView:
        """The Department stops processing the dossier (portal status 8, Dừng xử lý). See `_close`."""
        return self._close(code, reason, actor, STOPPED, "dossier:stopped")

    def confirm_payment(self, code: str, payment: dict, actor: str) -> DossierView:
        """The portal confirms an online payment ({reference, amount, paid_at}): stored with the dossier (the fee is
        paid when the amount covers it) and, in the same step, a dossier awaiting its fee (status 6) goes on to 4.
        Raises NotFound."""
        with self.db.unit_of_work() as uow:
            row = uow.dossiers.row(code)
            if row is None:
                raise NotFound(f"không có hồ sơ {code}")
            head = self.instances.lock(uow, code) if row.instance_id is not None else None  # the step's lock first
            row = uow.dossiers.row(code) or row  # as it is under the lock
            self._record_payment(uow, row, head, payment, actor)
        return self.get(code)

    def collect_fee(self, code: str, actor: str) -> DossierView:
        """The one-stop officer collects the procedure's fee at the counter: the payment (method "counter", the
        receipt's number, the amount, when, by whom) is stored, the fee is paid and, in the same step, the history
        records it once (`dossier:payment:confirmed`); a dossier awaiting its fee (status 6) goes on to 4. Raises
        NotFound, InvalidTransition when there is no fee, it is already paid (a second click changes nothing) or the
        dossier was refused, withdrawn, stopped or returned."""
        with self.db.unit_of_work() as uow:
            row = uow.dossiers.row(code)
            if row is None:
                raise NotFound(f"không có hồ sơ {code}")
            head = self.instances.lock(uow, code) if row.instance_id is not None else None
            row = uow.dossiers.row(code) or row
            if row.fee <= 0:
                raise InvalidTransition(f"Thủ tục của hồ sơ {code} không thu phí, lệ phí")
            if row.fee_paid:
                raise InvalidTransition(f"Hồ sơ {code} đã nộp phí, lệ phí; không thu lại")
            if row.status in (REFUSED, WITHDRAWN, STOPPED, RETURNED):  # nothing more is done for it: no fee is due
                raise InvalidTransition(
                    f"Hồ sơ {code} ở trạng thái {row.status} ({status_label(row.status)}); không thu phí, lệ phí"
                )
            payment = {
                "method": COUNTER_PAYMENT,
                "reference": receipt_number(code),
                "amount": row.fee,
                "paid_at": self.clock.now().isoformat(),
                "collected_by": actor,
            }
            self._record_payment(uow, row, head, payment, actor)
        return self.get(code)

    def _record_payment(self, uow, row: DossierRow, head, payment: dict, actor: str) -> None:
        paid = row.fee_paid or int(payment.get("amount") or 0) >= row.fee
        uow.dossiers.set_payment(row.id, payment, paid)
        if head is not None:
            events = [Event("dossier:payment:confirmed", actor, dict(payment))]
            awaiting = row.status == AWAITING_FEE
            step_input = {"kind": "payment", "awaiting_fee": awaiting, "paid": paid, "actor": actor}
            self.instances.stepper.step(
                uow, head, lambda _workflow: fee_confirmed(awaiting, paid), events, actor, step_input=step_input
            )

    def _close(self, code: str, reason: str, actor: str, status: int, tag: str) -> DossierView:
        """In one step with the instance locked: cancel the dossier's workflow (`instance:cancelled` {reason}),
        record `tag` {reason}, set the status (history, outbox for the portal) and the processing end; a stop also
        queues the stop notice to the applicant (letter "stop_notice" {reason}, history and outbox). Raises
        ValidationError without a reason, NotFound, InvalidTransition for a dossier that is not open."""
        reason = reason.strip() if isinstance(reason, str) else ""
        action = "rút" if status == WITHDRAWN else "dừng xử lý"
        if not reason:
            raise ValidationError(f"Cần ghi lý do {action} hồ sơ", {"reason": "bắt buộc"})
        with self.db.unit_of_work() as uow:
            row = uow.dossiers.row(code)
            if row is None:
                raise NotFound(f"không có hồ sơ {code}")
            head = self.instances.lock(uow, code) if row.instance_id is not None else None
            facts = uow.dossiers.facts(head.id) if head is not None else None
            if head is None or facts is None or not is_open(facts):
                raise InvalidTransition(
                    f"Không {action} được hồ sơ {code}: hồ sơ đang ở trạng thái {row.status} "
                    f"({status_label(row.status)}), không còn trong quá trình giải quyết"
                )
            running = head.status == "running"
            events = [Event("instance:cancelled", actor, {"reason": reason})] if running else []
            events.append(Event(tag, actor, {"reason": reason}))

            def close(workflow):
                if running:
                    self.instances.stepper.runtime.cancel(workflow)
                close_dossier(status, reason)

            step_input = {"kind": "close", "status": status, "reason": reason, "actor": actor, "cancel": running}
            self.instances.stepper.step(uow, head, close, events, actor, cancel=running, step_input=step_input)
        return self.get(code)

    def rows(self, codes: Sequence[str]) -> dict[str, DossierRow]:
        """The stored rows of the dossiers `codes` (a queue's), by code; an unknown code is left out."""
        with self.db.reading() as uow:
            found = {code: uow.dossiers.row(code) for code in dict.fromkeys(codes)}
        return {code: row for code, row in found.items() if row is not None}

    def get(self, code: str) -> DossierView:
        """The dossier `code` with its open tasks. Raises NotFound."""
        with self.db.reading() as uow:
            row = uow.dossiers.row(code)
            if row is None:
                raise NotFound(f"không có hồ sơ {code}")
            tasks = uow.tasks.of_instance(code)
        return replace(self._view(row), tasks=tuple(tasks))

    def list(
        self,
        status: int | None = None,
        procedure_code: str | None = None,
        received_from: date | datetime | None = None,
        received_to: date | datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        query: str = "",
        procedure_codes: Sequence[str] | None = None,
    ) -> list[DossierView]:
        """Dossiers, latest received first. `received_from` / `received_to` are inclusive; a date means that whole
        day in Vietnam time. `query`: words of the code, the applicant's name, ID number or phone, each of which must
        match (without regard to case or diacritics; see engine.domain.dossier_search). Raises ValidationError for a
        bad status, limit (1-500) or offset. `procedure_codes`: only dossiers of these procedures (a division's);
        None: any."""
        errors: dict[str, str] = {}
        if status is not None and (isinstance(status, bool) or status not in STATUS_LABELS):
            errors["status"] = "trạng thái là một số từ 1 đến 10 (ví dụ 2: được tiếp nhận)"
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            errors["limit"] = f"số dòng mỗi trang từ 1 đến {MAX_PAGE}"
        if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
            errors["offset"] = f"vị trí bắt đầu là số nguyên từ 0 đến {MAX_OFFSET}"
        bounds: dict[str, datetime] = {}
        for name, value, end in (("received_from", received_from, False), ("received_to", received_to, True)):
            if value is None:
                continue
            try:
                bounds[name] = _bound(value, end)
            except ValueError as exc:
                errors[name] = str(exc)
        if errors:
            raise ValidationError("Không lọc được danh sách hồ sơ: " + "; ".join(errors.values()), errors)
        with self.db.reading() as uow:
            rows = uow.dossiers.rows(
                status=status,
                procedure_code=procedure_code,
                procedures=procedure_codes,
                received_from=bounds.get("received_from"),
                received_before=bounds.get("received_to"),
                words=query_words(query) if isinstance(query, str) else [],
                limit=limit,
                offset=offset,
            )
        return [self._view(row) for row in rows]

    def _view(self, row: DossierRow) -> DossierView:
        procedure = self.catalogue.get(row.procedure_code)

        def vn(moment: datetime) -> datetime:
            return moment.astimezone(VN_TZ)

        def vn_or_none(moment: datetime | None) -> datetime | None:
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
            processing_end_at=vn_or_none(row.processing_end_at),
            returned_at=vn_or_none(row.returned_at),
            received_by=row.received_by,
            instance_id=row.instance_id,
            late=row.late,
            legal_basis=row.legal_basis,
            legal_basis_name=self._basis_name(row.legal_basis),
            procedure_legal_basis=procedure.legal_basis if procedure else (),
            portal_id=row.portal_id,
            payment=row.payment,
        )

    def _basis_name(self, basis_id: str) -> str:
        try:
            return self.legal.get(basis_id).name
        except LegalBasisError:
            return basis_id  # a basis whose file was removed is still shown by its id


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
