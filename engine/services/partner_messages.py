"""The outbox messages to partners that follow a completed step of a dossier, written in the step's unit of work:

- to the portal, a process-history record of the step (DOMAIN.md: officer, title, division, content, status, step
  start and due, as yyyyMMddHHmmss), after the statuses the step set;
- to the postal service, a pickup order when the step resolved the dossier (status 9) and the applicant chose to
  receive the result by post: order number = dossier code, receiver = the applicant, COD = the fee when unpaid.
"""

from datetime import datetime

from engine.domain.portal import RESOLVED
from engine.domain.portal_wire import wire_time
from engine.persistence.dossiers import DossierFacts
from engine.persistence.instances import InstanceHead
from engine.persistence.outbox import new_message
from engine.persistence.tasks import TaskRow
from engine.persistence.unit_of_work import UnitOfWork


def portal_history_record(code: str, facts: DossierFacts, task: TaskRow, actor: str, now: datetime) -> dict:
    return {
        "dossier_code": code,
        "portal_id": facts.portal_id,
        "officer": actor,
        "title": task.title,
        "division": task.lane or "",
        "content": task.title,
        "status": facts.status,
        "step_start": wire_time(task.ready_at),
        "step_due": wire_time(task.due_at),
        "finished_at": wire_time(now),
    }


def after_completion(
    uow: UnitOfWork,
    head: InstanceHead,
    task: TaskRow,
    facts: DossierFacts,
    status_before: int | None,
    actor: str,
    now: datetime,
) -> list[dict]:
    """The outbox rows (`new_message`) that follow the completion of `task` of dossier `head.code`."""
    code = head.code
    history = {"code": code, "records": [portal_history_record(code, facts, task, actor, now)]}
    messages = [new_message(head.id, "portal_history", f"{code}:history:{task.task_id}", history, now)]
    if facts.status == RESOLVED and status_before != RESOLVED:
        row = uow.dossiers.row(code)
        if row is not None and row.result_delivery == "post":
            applicant = row.applicant or {}
            order = {
                "code": code,
                "order_number": code,
                "receiver": {key: applicant.get(key) for key in ("name", "address", "phone", "email")},
                "description": f"Kết quả giải quyết hồ sơ {code} (thủ tục {row.procedure_code})",
                "cod_amount": 0 if row.fee_paid else row.fee,
                "postal_item": row.postal_item,
            }
            messages.append(new_message(head.id, "postal_order", f"{code}:postal-order", order, now))
    return messages
