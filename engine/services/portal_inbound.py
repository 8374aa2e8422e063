"""What the national portal sends us (through engine.services.inbox): online submissions, payment confirmations,
withdrawals and the applicant's additions after a Mẫu 02.

A submission carries the portal's id of the dossier, the procedure code, the applicant, the documents as files (each
with its SHA-256, checked against the content) and the payment made on the portal. It is registered as an online
dossier with status 1 (Mới đăng ký) that waits for the reception check at the counter (the workflow's first task);
only its acceptance gives it status 2, Mẫu 01 and an appointment counted from then (engine.services.dossier_effects).
"""

from engine.domain.catalogue import Catalogue
from engine.domain.errors import InvalidTransition, NotFound, ValidationError
from engine.persistence.db import Database
from engine.services.dossier_files import DossierFileService, Scan
from engine.services.dossiers import DossierService
from engine.services.inbound_dossier import document_scan, document_scans, reception_problems
from engine.services.instances import InstanceService
from engine.services.reception import ReceptionService

PORTAL_ACTOR = "cong-dvc"  # who registers what the portal sends (the history says so)
ONLINE = 2


def _payment_problems(payment: object, problems: dict[str, str]) -> dict | None:
    if payment in (None, {}):
        return None
    if not isinstance(payment, dict):
        problems["payment"] = "Phải là {reference, amount}"
        return None
    if not isinstance(payment.get("reference"), str) or not payment["reference"].strip():
        problems["payment.reference"] = "Bắt buộc: mã giao dịch thanh toán"
    amount = payment.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        problems["payment.amount"] = "Số tiền (đồng), số nguyên không âm"
    return {"reference": str(payment.get("reference", "")).strip(), "amount": amount}


class PortalSubmissionHandler:
    """Inbound kind `submission` of partner `portal`."""

    def __init__(self, db: Database, reception: ReceptionService, catalogue: Catalogue):
        self.db, self.reception, self.catalogue = db, reception, catalogue
        self.now = reception.clock.now

    def _read(self, payload: dict) -> tuple[dict[str, str], list[Scan], dict | None]:
        problems: dict[str, str] = {}
        portal_id = payload.get("portal_id")
        if not isinstance(portal_id, str) or not 1 <= len(portal_id.strip()) <= 50:
            problems["portal_id"] = "Bắt buộc: mã hồ sơ trên Cổng (1-50 ký tự)"
        scans = document_scans(payload.get("documents"), problems)
        payment = _payment_problems(payload.get("payment"), problems)
        delivery = payload.get("result_delivery", "online")
        problems.update(reception_problems(self.catalogue, payload, ONLINE, delivery, None, self.now(), PORTAL_ACTOR))
        return problems, scans, payment

    def validate(self, payload: dict) -> dict[str, str]:
        return self._read(payload)[0]

    def process(self, payload: dict, message_id: str) -> dict:
        portal_id = payload["portal_id"].strip()
        with self.db.reading() as uow:
            known = uow.dossiers.code_of_portal_id(portal_id)
        if known is None:
            _problems, scans, payment = self._read(payload)
            procedure = self.catalogue.get(payload["procedure_code"])
            fee_paid = bool(payment and procedure is not None and payment["amount"] >= procedure.fee > 0)
            dossier = self.reception.receive(
                payload["procedure_code"],
                payload["applicant"],
                ONLINE,
                payload.get("result_delivery", "online"),
                [{"name": scan.document} for scan in scans],
                PORTAL_ACTOR,
                fee_paid=fee_paid,
                scans=scans,
                portal_id=portal_id,
                payment={**payment, "received_at": self.now().isoformat()} if payment else None,
            )
            known = dossier.code
        return {"portal_id": portal_id, "dossier_code": known, "status": 1}


class PortalWithdrawalHandler:
    """Inbound kind `withdrawal` of partner `portal`: the applicant withdraws an online dossier (status 7) with a
    reason. A dossier no longer open is refused with the reason (the portal shows it to the applicant)."""

    def __init__(self, db: Database, dossiers: DossierService):
        self.db, self.dossiers = db, dossiers

    def validate(self, payload: dict) -> dict[str, str]:
        problems = {}
        if not isinstance(payload.get("portal_id"), str) or not payload["portal_id"].strip():
            problems["portal_id"] = "Bắt buộc: mã hồ sơ trên Cổng"
        if not isinstance(payload.get("reason"), str) or not payload["reason"].strip():
            problems["reason"] = "Bắt buộc: lý do rút hồ sơ"
        return problems

    def process(self, payload: dict, message_id: str) -> dict:
        with self.db.reading() as uow:
            code = uow.dossiers.code_of_portal_id(payload["portal_id"].strip())
        if code is None:
            raise NotFound(f"Không có hồ sơ nào mang mã {payload['portal_id']} của Cổng")
        dossier = self.dossiers.withdraw(code, payload["reason"], PORTAL_ACTOR)
        return {"portal_id": payload["portal_id"], "dossier_code": code, "status": dossier.status}


class PortalPaymentHandler:
    """Inbound kind `payment` of partner `portal`: the applicant paid the fee online ({portal_id, reference, amount,
    paid_at}); the payment is stored and a dossier awaiting its fee (status 6) goes on (4)."""

    def __init__(self, db: Database, dossiers: DossierService):
        self.db, self.dossiers = db, dossiers

    def validate(self, payload: dict) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not isinstance(payload.get("portal_id"), str) or not payload["portal_id"].strip():
            problems["portal_id"] = "Bắt buộc: mã hồ sơ trên Cổng"
        _payment_problems({"reference": payload.get("reference"), "amount": payload.get("amount")}, problems)
        return {name.removeprefix("payment."): problem for name, problem in problems.items()}

    def process(self, payload: dict, message_id: str) -> dict:
        with self.db.reading() as uow:
            code = uow.dossiers.code_of_portal_id(payload["portal_id"].strip())
        if code is None:
            raise NotFound(f"Không có hồ sơ nào mang mã {payload['portal_id']} của Cổng")
        payment = {"reference": payload["reference"].strip(), "amount": payload["amount"]}
        payment["paid_at"] = str(payload.get("paid_at") or "")
        dossier = self.dossiers.confirm_payment(code, payment, PORTAL_ACTOR)
        return {"dossier_code": code, "status": dossier.status, "fee_paid": dossier.fee_paid}


SUPPLEMENT_TASK = "nhan_bo_sung"  # the one-stop step that waits for a supplementation (processes/chung_bo_sung.bpmn)


class PortalSupplementHandler:
    """Inbound kind `supplement` of partner `portal`: the applicant's additions after a Mẫu 02 ({portal_id,
    documents, note}). In one unit of work the files are stored with the dossier and its waiting step "Nhận hồ sơ
    bổ sung" is completed (the time limit restarts or resumes by the procedure's policy). A dossier not waiting for
    a supplementation is refused with the reason."""

    def __init__(self, db: Database, instances: InstanceService, files: DossierFileService):
        self.db, self.instances, self.files = db, instances, files

    def validate(self, payload: dict) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not isinstance(payload.get("portal_id"), str) or not payload["portal_id"].strip():
            problems["portal_id"] = "Bắt buộc: mã hồ sơ trên Cổng"
        documents = payload.get("documents")
        if not isinstance(documents, list) or not documents:
            problems["documents"] = "Cần danh sách giấy tờ bổ sung kèm tệp"
        else:
            for n, item in enumerate(documents, start=1):
                document_scan(n, item, problems)
        return problems

    def process(self, payload: dict, message_id: str) -> dict:
        problems: dict[str, str] = {}
        scans = [document_scan(n, item, problems) for n, item in enumerate(payload["documents"], start=1)]
        with self.db.unit_of_work() as uow:
            code = uow.dossiers.code_of_portal_id(payload["portal_id"].strip())
            if code is None:
                raise NotFound(f"Không có hồ sơ nào mang mã {payload['portal_id']} của Cổng")
            task = next((t for t in uow.tasks.of_instance(code) if t.name == SUPPLEMENT_TASK), None)
            if task is None:
                raise InvalidTransition(f"Hồ sơ {code} không chờ bổ sung; không nhận được giấy tờ bổ sung")
            locked = self.instances.open_task(uow, task.task_id)
            row = uow.dossiers.row(code)
            assert row is not None
            documents = {**(row.documents or {}), "items": [dict(i) for i in (row.documents or {}).get("items", [])]}
            events = []
            for n, scan in enumerate(scans, start=1):
                assert scan is not None
                matched, errors = self.files.check(row.procedure_code, scan, PORTAL_ACTOR)
                if errors or matched is None:
                    fields = {f"documents[{n}].{name}": problem for name, problem in errors.items()}
                    raise ValidationError("Giấy tờ bổ sung không hợp lệ: " + "; ".join(errors.values()), fields)
                events.append(self.files.store_in(uow, row.id, code, matched, scan, PORTAL_ACTOR, documents)[1])
            uow.dossiers.set_documents(row.id, documents)
            note = str(payload.get("note") or "Bổ sung qua Cổng Dịch vụ công")[:2000]
            data = {"received": True, "note": note}
            self.instances.complete_in(uow, task.task_id, data, PORTAL_ACTOR, extra_events=events, locked=locked)
        return {"dossier_code": code, "documents": len(scans)}
