"""What the public postal service (BCCI, QĐ 45/2016) sends us (through engine.services.inbox): dossiers its postal
worker took at the applicant's address, and the tracking events of the results we sent by post.

A handover carries the item code, the moment the handover record was signed (yyyyMMddHHmmss), the postal worker, the
applicant, the procedure code, the documents as files with their SHA-256 and the fees collected on the agency's
behalf. The dossier is registered on channel 3 with its clock starting at the signature (QĐ 45/2016 Điều 7 k4); a
procedure not open to the postal channel is refused with the reason (422 naming `channel`), so nothing is stored.
"""

from engine.domain.catalogue import Catalogue
from engine.domain.errors import InvalidTransition, NotFound
from engine.domain.legal_basis import FORM_MEANINGS
from engine.domain.permissions import ONE_STOP_LANE
from engine.domain.portal import POSTAL
from engine.domain.portal_wire import parse_wire_time
from engine.persistence.db import Database
from engine.persistence.outbox import new_message
from engine.services.inbound_dossier import document_scans, reception_problems
from engine.services.instances import InstanceService
from engine.services.reception import ReceptionService
from engine.services.work_items import WorkItemService

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
        scans = document_scans(payload.get("documents"), problems)
        delivery, now = payload.get("result_delivery", "post"), self.reception.clock.now()
        problems.update(reception_problems(self.catalogue, payload, POSTAL, delivery, signed_at, now, POSTAL_ACTOR))
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


RETURN_TASK = "tra_ket_qua"  # the counter's step that records the result's return (the workflow then sets 10)
EVENTS = ("accepted", "in_transit", "delivered", "failed_attempt")
ATTEMPTS_BEFORE_RETURN = 2
LETTER_MARK = "/"  # a letter's order number: the dossier code, "/", the letter's mark and moment (dossier_effects)


def returned_item_task(code: str, order_number: str, letter: str | None) -> tuple[str, str]:
    """The title and instruction of the work item for the one-stop section when the post brings an item back."""
    if letter is None:
        return (
            f"Kết quả hồ sơ {code} bị bưu điện hoàn trả",
            "Bưu điện phát không thành công hai lần và hoàn trả kết quả. Liên hệ người nộp (điện thoại, thư điện tử) "
            "để hẹn nhận tại Bộ phận Một cửa hoặc gửi lại qua bưu chính; khi trả, hoàn thành việc 'Trả kết quả'.",
        )
    return (
        f"Văn bản gửi người nộp hồ sơ {code} bị bưu điện hoàn trả",
        f"Bưu điện phát không thành công hai lần và hoàn trả văn bản ({letter}, đơn {order_number}). Liên hệ người "
        "nộp để báo nội dung văn bản và hẹn nhận tại Bộ phận Một cửa hoặc gửi lại qua bưu chính.",
    )


class PostalTrackingHandler:
    """Inbound kind `tracking` of partner `postal`: the tracking events of a pickup order: the result's (order number
    = dossier code) or a letter's (the code, "/", the letter's mark). `delivered` of the result completes the dossier's
    return step (status 10, returned to the applicant by post); `delivered` of a letter is recorded. The second
    `failed_attempt` of an order means the item comes back to the agency: recorded in the history, and a work item
    in the one-stop section's task list says what to do (the result's return step stays open for the counter).
    Other events are recorded in the history only."""

    def __init__(self, db: Database, instances: InstanceService, work_items: WorkItemService):
        self.db, self.instances, self.work_items = db, instances, work_items

    def validate(self, payload: dict) -> dict[str, str]:
        problems = {}
        if not isinstance(payload.get("order_number"), str) or not payload["order_number"].strip():
            problems["order_number"] = "Bắt buộc: số đơn (mã hồ sơ)"
        if payload.get("event") not in EVENTS:
            problems["event"] = "Một trong: " + ", ".join(EVENTS)
        try:
            parse_wire_time(str(payload.get("at") or ""))
        except ValueError:
            problems["at"] = "Bắt buộc: thời điểm, dạng yyyyMMddHHmmss"
        return problems

    def process(self, payload: dict, message_id: str) -> dict:
        order, event = payload["order_number"].strip(), payload["event"]
        code, is_letter = order.split(LETTER_MARK, 1)[0], LETTER_MARK in order
        at = parse_wire_time(payload["at"])
        details = {"event": event, "at": at.isoformat(), "note": str(payload.get("note") or "")[:500]}
        details["order_number"] = order
        if event == "delivered" and not is_letter:
            task = next((t for t in self.instances.tasks(code=code) if t.name == RETURN_TASK), None)
            if task is None:
                raise InvalidTransition(f"Hồ sơ {code} không chờ trả kết quả; không ghi nhận được phát thành công")
            data = {"returned_to": "Bưu chính công ích (phát tận tay)", "returned_at": at.isoformat()}
            data["note"] = details["note"] or "Phát thành công"
            self.instances.complete(task.task_id, data, POSTAL_ACTOR)
            return {"dossier_code": code, "status": 10}
        with self.db.unit_of_work() as uow:
            head = self.instances.lock(uow, code)
            earlier = uow.history.events(head.id, ("dossier:postal:failed_attempt",))
            attempts = sum(1 for e in earlier if (e.payload.get("order_number") or code) == order)
            attempts += event == "failed_attempt"
            letter = self._letter(uow, head.id, order) if is_letter else None
            if letter:
                details["letter"] = letter
            self.instances.note(uow, head, f"dossier:postal:{event}", POSTAL_ACTOR, details)
            if event == "failed_attempt" and attempts == ATTEMPTS_BEFORE_RETURN:
                head = self.instances.lock(uow, code)  # the head after the event just recorded
                self.instances.note(uow, head, "dossier:postal:returned", POSTAL_ACTOR, details)
                title, instruction = returned_item_task(code, order, letter)
                key = f"{order}:returned"
                self.work_items.open_in(uow, code, key, ONE_STOP_LANE, title, instruction, POSTAL_ACTOR)
                notice = {**details, "event": "postal_returned", "lane": ONE_STOP_LANE, "code": code}
                uow.outbox.add([new_message(head.id, "notification", key, notice, self.instances.clock.now())])
        return {"dossier_code": code, "event": event, "failed_attempts": attempts}

    @staticmethod
    def _letter(uow, instance_id: int, order: str) -> str | None:
        """The title of the letter ordered as `order` (its meaning's name)."""
        for event in uow.history.events(instance_id, ("dossier:postal:letter_ordered",)):
            if event.payload.get("order_number") == order:
                return FORM_MEANINGS.get(event.payload.get("letter"), event.payload.get("letter"))
        raise NotFound(f"Hồ sơ {order.split(LETTER_MARK, 1)[0]} không có đơn gửi văn bản số {order}")
