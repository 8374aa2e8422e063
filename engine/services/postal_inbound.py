"""What the public postal service (BCCI, QĐ 45/2016) sends us (through engine.services.inbox): dossiers its postal
worker took at the applicant's address.

A handover carries the item code, the moment the handover record was signed (yyyyMMddHHmmss), the postal worker, the
applicant, the procedure code, the documents as files with their SHA-256 and the fees collected on the agency's
behalf. The dossier is registered on channel 3 with its clock starting at the signature (QĐ 45/2016 Điều 7 k4); a
procedure not open to the postal channel is refused with the reason (422 naming `channel`), so nothing is stored.
"""

from engine.domain.catalogue import Catalogue
from engine.domain.errors import ValidationError
from engine.domain.portal import POSTAL
from engine.domain.portal_wire import parse_wire_time
from engine.domain.reception import check_reception
from engine.persistence.db import Database
from engine.services.portal_inbound import document_scan
from engine.services.reception import ReceptionService

POSTAL_ACTOR = "buu-dien"


class PostalHandoverHandler:
    """Inbound kind `dossier` of partner `postal`."""

    def __init__(self, db: Database, reception: ReceptionService, catalogue: Catalogue):
        self.db, self.reception, self.catalogue = db, reception, catalogue

    def _read(self, payload: dict):
        problems: dict[str, str] = {}
        for name, label in (("item_code", "mã bưu gửi"), ("postal_worker", "nhân viên bưu chính")):
            if not isinstance(payload.get(name), str) or not 1 <= len(payload[name].strip()) <= 50:
                problems[name] = f"Bắt buộc: {label} (1-50 ký tự)"
        signed_at = None
        try:
            signed_at = parse_wire_time(str(payload.get("signed_at") or ""))
        except ValueError:
            problems["signed_at"] = "Bắt buộc: thời điểm ký biên bản giao nhận, dạng yyyyMMddHHmmss"
        fees = payload.get("fees_collected", 0)
        if not isinstance(fees, int) or isinstance(fees, bool) or fees < 0:
            problems["fees_collected"] = "Số tiền (đồng) thu hộ, số nguyên không âm"
        documents = payload.get("documents")
        scans = []
        if not isinstance(documents, list) or not documents:
            problems["documents"] = "Cần danh sách giấy tờ kèm tệp"
        else:
            for n, item in enumerate(documents, start=1):
                scan = document_scan(n, item, problems)
                if scan is not None:
                    scans.append(scan)
        procedure_code = payload.get("procedure_code")
        procedure = self.catalogue.get(procedure_code) if isinstance(procedure_code, str) else None
        named = [{"name": item.get("name")} for item in documents or [] if isinstance(item, dict)]
        try:
            check_reception(
                procedure,
                payload.get("applicant"),
                POSTAL,
                payload.get("result_delivery", "post"),
                named,
                signed_at,
                self.reception.clock.now(),
                procedure_code=str(procedure_code),
                actor=POSTAL_ACTOR,
            )
        except ValidationError as exc:
            problems.update(exc.fields)
        return problems, scans, signed_at, fees

    def validate(self, payload: dict) -> dict[str, str]:
        return self._read(payload)[0]

    def process(self, payload: dict, message_id: str) -> dict:
        item = payload["item_code"].strip()
        with self.db.reading() as uow:
            known = uow.dossiers.code_of_postal_item(item)
        if known is None:
            _problems, scans, signed_at, fees = self._read(payload)
            procedure = self.catalogue.get(payload["procedure_code"])
            dossier = self.reception.receive(
                payload["procedure_code"],
                payload["applicant"],
                POSTAL,
                payload.get("result_delivery", "post"),
                [{"name": scan.document} for scan in scans],
                POSTAL_ACTOR,
                handover_at=signed_at,
                fee_paid=bool(procedure is not None and procedure.fee and fees >= procedure.fee),
                scans=scans,
                postal={
                    "item_code": item,
                    "signed_at": signed_at.isoformat() if signed_at else None,
                    "postal_worker": payload["postal_worker"].strip(),
                    "fees_collected": fees,
                },
            )
            known = dossier.code
        return {"item_code": item, "dossier_code": known}
