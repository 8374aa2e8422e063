"""The outbox messages to partners that follow a completed step of a dossier, written in the step's unit of work:

- to the portal, a process-history record of the step (DOMAIN.md: the officer's full name, title and division, the
  content, status, step start and due, as yyyyMMddHHmmss), after the statuses the step set; records of steps that
  complete while the dossier's earlier portal messages wait go out together, at most HISTORY_BATCH in one message;
- to the portal, the electronic result (each file the issuing step attached, with its SHA-256) when the step resolved
  the dossier (status 9) and its procedure returns results online;
- to the postal service, a pickup order when the step resolved the dossier (status 9) and the applicant chose to
  receive the result by post: order number = dossier code, receiver = the applicant, COD = the fee when unpaid.
"""

from datetime import datetime

from engine.domain.permissions import ROLES
from engine.domain.portal import RESOLVED
from engine.domain.portal_wire import HISTORY_BATCH, wire_time
from engine.persistence.dossiers import DossierFacts
from engine.persistence.instances import InstanceHead
from engine.persistence.outbox import new_message
from engine.persistence.tasks import TaskRow
from engine.persistence.unit_of_work import UnitOfWork

# Who completed a step without an officer's account: the partners, named as the portal shows them.
PARTNER_OFFICERS = {
    "cong-dvc": ("Cổng Dịch vụ công quốc gia", "Hệ thống", "Cổng Dịch vụ công quốc gia"),
    "buu-dien": ("Bưu chính công ích", "Nhân viên bưu chính", "Bưu chính công ích"),
}
UNKNOWN_OFFICER = ("Hệ thống một cửa điện tử", "Hệ thống", "")


def officer_of(uow: UnitOfWork, actor: str) -> tuple[str, str, str]:
    """(full name, title, division) of who completed a step: the officer's account (the title is the role's name),
    a partner by its name; never a username."""
    account = uow.accounts.get(actor)
    if account is not None:
        return account.full_name or UNKNOWN_OFFICER[0], ROLES.get(account.role, account.role), account.division or ""
    return PARTNER_OFFICERS.get(actor, UNKNOWN_OFFICER)


def portal_history_record(
    code: str, facts: DossierFacts, task: TaskRow, officer: tuple[str, str, str], now: datetime
) -> dict:
    name, title, division = officer
    return {
        "dossier_code": code,
        "portal_id": facts.portal_id,
        "officer": name,
        "title": title,
        "division": division or task.lane or "",
        "content": task.title,
        "status": facts.status,
        "step_start": wire_time(task.ready_at),
        "step_due": wire_time(task.due_at),
        "finished_at": wire_time(now),
    }


def history_messages(uow: UnitOfWork, head: InstanceHead, task: TaskRow, record: dict, now: datetime) -> list[dict]:
    """The record goes into the dossier's last history batch when that one has not been tried yet and holds fewer
    than HISTORY_BATCH records (steps completed while the portal's queue waits go out together, in order); else it
    starts a new batch."""
    if uow.outbox.append_to_open_batch(head.id, "portal_history", [record], HISTORY_BATCH):
        return []
    batch = {"code": head.code, "records": [record]}
    return [new_message(head.id, "portal_history", f"{head.code}:history:{task.task_id}", batch, now)]


def result_messages(uow: UnitOfWork, head: InstanceHead, facts: DossierFacts, data: dict, now: datetime) -> list[dict]:
    """The electronic result to the portal: each file the issuing step attached (its file fields), named by id with
    its SHA-256; the dispatcher adds the content when it sends it (engine.services.outbox), so the row stays small."""
    messages = []
    for value in data.values():
        if not (isinstance(value, dict) and isinstance(value.get("id"), int) and value.get("filename")):
            continue
        found = uow.files.with_content(head.code, value["id"])
        if found is None:
            continue
        stored = found[0]
        result = {
            "code": head.code,
            "portal_id": facts.portal_id,
            "procedure_code": facts.procedure_code,
            "document_number": str(data.get("document_number") or ""),
            "issued_at": now.isoformat(),
            "file": {
                "id": stored.id,
                "filename": stored.filename,
                "media_type": stored.media_type,
                "size": stored.size,
                "sha256": stored.sha256,
            },
        }
        messages.append(new_message(head.id, "portal_result", f"{head.code}:result:{stored.id}", result, now))
    return messages


def after_completion(
    uow: UnitOfWork,
    head: InstanceHead,
    task: TaskRow,
    facts: DossierFacts,
    status_before: int | None,
    actor: str,
    now: datetime,
    data: dict | None = None,
    result_online: bool = False,
) -> list[dict]:
    """The outbox rows (`new_message`) that follow the completion of `task` of dossier `head.code` with `data`;
    `result_online`: the dossier's procedure returns its result online (the catalogue's `result_online`)."""
    code = head.code
    record = portal_history_record(code, facts, task, officer_of(uow, actor), now)
    messages = history_messages(uow, head, task, record, now)
    if facts.status == RESOLVED and status_before != RESOLVED and result_online:
        messages += result_messages(uow, head, facts, data or {}, now)
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
