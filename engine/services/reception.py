"""Receiving a complete dossier (ND 61/2018 Điều 15-16, TT 01/2018 Điều 19), as one unit of work.

The officer has checked the documents against the procedure's list. In one transaction: the day's next number makes
the code `<agency>-<YYMMDD>-<NNNN>`, the dossier row is inserted with its appointment, its procedure's workflow
starts (code = dossier code, the start data of docs/PROCEDURES.md) and its scans are stored. If any part fails,
nothing is written and no number is used.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from engine.bpmn.catalogue_xml import entry_in_sources
from engine.domain import deadlines
from engine.domain.catalogue import Catalogue, Procedure
from engine.domain.clock import VN_TZ, Clock
from engine.domain.dossier_code import check_agency_code
from engine.domain.errors import ValidationError
from engine.domain.legal_basis import LegalBases, LegalBasisError
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.portal import CHANNELS, NEW, POSTAL, RECEIVED
from engine.domain.reception import check_channel, check_reception, raise_if
from engine.persistence.db import Database
from engine.persistence.dossiers import DossierFacts, postal_receiver
from engine.services.calendars import CalendarService
from engine.services.dossier_files import DossierFileService, Scan
from engine.services.dossiers import DossierService, DossierView
from engine.services.instances import InstanceService


class ReceptionService:
    """Receives dossiers. Raises ValueError at construction for a bad agency code."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        calendars: CalendarService,
        instances: InstanceService,
        files: DossierFileService,
        dossiers: DossierService,
        catalogue: Catalogue,
        agency_code: str,
        legal: LegalBases | None = None,
        handover_confirm_days: float = 30,
    ):
        self.db, self.clock, self.calendars = db, clock, calendars
        self.instances, self.files, self.dossiers = instances, files, dossiers
        self.catalogue = catalogue
        self.legal = legal if legal is not None else shipped_legal_bases()
        self.agency_code = check_agency_code(agency_code)
        # A postal handover further back than this needs the officer's confirmation (a mistyped year, say).
        self.handover_confirm_days = handover_confirm_days
        self._entries: dict[int, Procedure | None] = {}  # version id -> the catalogue entry it carries (immutable)

    def procedure(self, procedure_code: object) -> Procedure | None:
        """The procedure `procedure_code` as a dossier received now gets it: the catalogue entry carried by the latest
        deployed version of its process (the designer edits it with the diagram), else the catalogue file's. The
        national code stays the catalogue's, the key every dossier of the procedure is found by."""
        base = self.catalogue.get(procedure_code) if isinstance(procedure_code, str) else None
        if base is None:
            return None
        with self.db.reading() as uow:
            latest = uow.versions.latest(base.process)
            if latest is None:
                return base
            if latest.id not in self._entries:
                self._entries[latest.id] = entry_in_sources(uow.versions.sources(latest.id)[1], base.process)
        entry = self._entries[latest.id]
        return replace(entry, code=base.code, process=base.process) if entry is not None else base

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
        scans: Sequence[Scan] = (),
        handover_confirmed: bool = False,
        portal_id: str | None = None,
        payment: dict | None = None,
        postal: dict | None = None,
    ) -> DossierView:
        """Register a complete dossier with its `scans`, and start its procedure's workflow; return it.

        Reception time is now for counter and online dossiers, `handover_at` for postal ones. Raises ValidationError
        naming every wrong field (a missing required document is one of them: issue Mẫu 02 instead; a scan's
        problems are named `scans[<n>].<field>`, n from 1), before anything is written. A handover dated before the
        procedure entered the catalogue is refused; one more than `handover_confirm_days` ago needs
        `handover_confirmed` (else `handover_confirmed` is named). A failure of the workflow
        start (a script error) leaves nothing written either.

        A dossier submitted on the national portal (`portal_id` given) is registered with status 1 (Mới đăng ký): it
        waits for the reception check, and its acceptance counts its appointment afresh (engine.services.
        dossier_effects); `payment` is what the portal reported paid ({reference, amount}). `postal` is the handover
        record of a dossier the postal service brought ({item_code, signed_at, postal_worker, fees_collected}).
        """
        now = self.clock.now()
        procedure = self.procedure(procedure_code)
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
            handover_window_days=self.handover_confirm_days,
            handover_confirmed=handover_confirmed,
        )
        assert procedure is not None
        matched = self._check_scans(procedure, scans, actor)
        received_at = (handover_at or now).astimezone(VN_TZ)
        try:
            basis = self.legal.in_force(received_at)
        except LegalBasisError as error:
            raise ValidationError(f"Chưa tiếp nhận được hồ sơ: {error.problem}", {error.field: error.problem})
        if CHANNELS[reception.channel] not in basis.channels:  # the ways in the legal basis allows
            raise ValidationError(
                f"Kênh nộp {reception.channel} không có trong căn cứ pháp lý {basis.short} "
                f"({basis.rules['channels'].source})",
                {"channel": f"không có trong {basis.short}"},
            )
        clock_start, appointment = self._dates(procedure, received_at)
        with self.db.unit_of_work() as uow:
            if not uow.versions.count(procedure.process):
                raise ValidationError(
                    f"Chưa tiếp nhận được hồ sơ: thủ tục {procedure.code} chưa có quy trình nội bộ được triển khai "
                    f"(quy trình '{procedure.process}'); triển khai tệp BPMN bằng `motcua deploy` rồi tiếp nhận lại",
                    {"procedure_code": f"quy trình '{procedure.process}' chưa được triển khai"},
                )
            code = uow.dossiers.next_code(self.agency_code, received_at.date())
            head, version = self.instances.new_instance(uow, procedure.process, code)
            row = {
                "code": code,
                "instance_id": head.id,
                "procedure_code": procedure.code,
                "applicant": reception.applicant,
                "channel": reception.channel,
                "result_delivery": reception.result_delivery,
                "documents": {"items": reception.documents},
                "fee": procedure.fee,
                "fee_paid": fee_paid,
                "received_at": received_at,
                "clock_start": clock_start,
                "appointment": appointment,
                "original_appointment": appointment,
                "status": NEW if portal_id else RECEIVED,
                "status_changed_at": now,
                "supplement_count": 0,
                "extension_count": 0,
                "processing_end_at": None,
                "returned_at": None,
                "received_by": actor.strip(),
                "late": False,
                "supplement_requested_at": None,
                "legal_basis": basis.id,
                "portal_id": portal_id,
                "payment": payment,
                "postal_item": postal.get("item_code") if postal else None,
                "postal": postal,
            }
            dossier_id = uow.dossiers.insert(**row)
            documents_column = {"items": [dict(item) for item in reception.documents]}
            attached = [
                self.files.store_in(uow, dossier_id, code, document, scan, actor, documents_column)[1]
                for document, scan in zip(matched, scans, strict=True)
            ]
            if attached:
                uow.dossiers.set_documents(dossier_id, documents_column)
            name = reception.applicant.get("name")
            facts = DossierFacts(
                dossier_id,
                code,
                procedure.code,
                str(name)[:300] if name else None,
                appointment,
                NEW if portal_id else RECEIVED,
                0,
                0,
                None,
                None,
                False,
                None,
                status_changed_at=now,
                legal_basis=basis.id,
                portal_id=portal_id,
                applicant_email=str(reception.applicant.get("email") or "") or None,
                fee=procedure.fee,
                fee_paid=fee_paid,
                postal_receiver=(
                    postal_receiver(reception.applicant, row["postal_item"]) if reception.channel == POSTAL else None
                ),
            )
            data = {
                "dossier_code": code,
                "procedure_code": procedure.code,
                "received_at": received_at.isoformat(),
                "clock_start": clock_start.isoformat(),
                "appointment": appointment.isoformat(),
                "channel": reception.channel,
                "applicant": reception.applicant,
                "supplement_policy": procedure.supplement_policy,
                "time_limit": deadlines.allotment_text(*procedure.time_limit),
                # the rules of the legal basis it was received under, for its timers (processes/legal/<id>.yaml)
                "legal_basis": basis.id,
                "apology_notice_days": basis.rules["apology_notice_working_days"].value,
            }
            self.instances.run_start(uow, head, version, data, actor, facts, extra_events=attached)
        return self.dossiers.get(code)

    def _check_scans(self, procedure: Procedure, scans: Sequence[Scan], actor: str) -> list[str]:
        """The procedure's name of each scan's document; raises ValidationError naming every problem."""
        matched, errors = [], {}
        for n, scan in enumerate(scans, start=1):
            document, problems = self.files.check(procedure.code, scan, actor)
            matched.append(document or "")
            errors.update({f"scans[{n}].{field}": message for field, message in problems.items()})
        if errors:
            raise ValidationError("Không tiếp nhận được hồ sơ: " + "; ".join(errors.values()), errors)
        return matched

    def preview_appointment(
        self, procedure_code: str, channel: int, handover_at: datetime | None = None
    ) -> tuple[datetime, datetime]:
        """(clock start, appointment) that `receive` would store now; writes nothing. Raises ValidationError for an
        unknown procedure, a channel it does not accept, or a missing, naive or future postal handover time."""
        now = self.clock.now()
        procedure = self.procedure(procedure_code)
        errors: dict[str, str] = {}
        if procedure is None:
            errors["procedure_code"] = f"không có thủ tục mã '{procedure_code}' trong danh mục"
        check_channel(procedure, channel, handover_at, now, errors)
        raise_if(errors)
        assert procedure is not None
        return self._dates(procedure, (handover_at or now).astimezone(VN_TZ))

    def _dates(self, procedure: Procedure, received_at: datetime) -> tuple[datetime, datetime]:
        return deadlines.reception_dates(self.calendars.current(), received_at, procedure.time_limit)
