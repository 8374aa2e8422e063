"""Officer notices to the officers' own channels. A notification about a step (task ready, deadline near, overdue, or
one for the one-stop section) names its lane and maybe its assignee; once it is delivered, the dispatcher adds one
`officer_notice` outbox row per officer and chosen channel (e-mail, Zalo), in the same unit of work: to the task's
assignee when it has one by then, else to the officers of its lane, and to nobody when the task is closed by then.
Each row's key is the notification's key with the officer and channel, so a notice reaches each officer on each
channel once, and a channel that fails is retried alone without sending again on the others."""

from engine.domain.catalogue import Catalogue
from engine.domain.notify_channels import NotifyChannels, parse_chosen
from engine.domain.permissions import DIVISION_LANES, LANE_ROLES
from engine.persistence.outbox import OutboxRow, new_message
from engine.persistence.unit_of_work import UnitOfWork

OFFICER_NOTICE = "officer_notice"


class OfficerNoticeRouter:
    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue

    def messages(self, uow: UnitOfWork, message: OutboxRow) -> list[dict]:
        """The `officer_notice` rows of a delivered notification ([] for other messages or nobody to tell)."""
        payload = message.payload
        if message.kind != "notification" or not (payload.get("assignee") or payload.get("lane")):
            return []
        assignee = payload.get("assignee")
        if payload.get("task_id"):
            task = uow.tasks.get(str(payload["task_id"]))
            if task is None:  # done (or withdrawn) before the notice went out: nothing to tell
                return []
            assignee = task.assignee or assignee  # claimed meanwhile: its officer alone
        if assignee:
            accounts = uow.accounts.to_notify(username=str(assignee))
        else:
            lane = str(payload["lane"])
            role = LANE_ROLES.get(lane)
            if role is None:
                return []
            division = None
            if lane in DIVISION_LANES:  # only the division that resolves the dossier's procedure
                division = self.catalogue.division_of(payload.get("procedure_code"))
                if division is None:
                    return []
            accounts = uow.accounts.to_notify(role=role, division=division)
        rows = []
        for account in accounts:
            channels = NotifyChannels(account.email or "", account.zalo_id or "", parse_chosen(account.notify_channels))
            for channel, address in channels.addresses().items():
                notice = {
                    **payload,
                    "channel": channel,
                    "to": address,
                    "recipient": account.username,
                    "recipient_name": account.full_name or account.username,
                }
                key = f"{message.idempotency_key}|{account.username}|{channel}"
                rows.append(new_message(None, OFFICER_NOTICE, key, notice, message.created_at))
        return rows
