"""Reconciling our dossiers with what the national portal holds (`motcua portal reconcile`): a dossier whose last
status on the portal differs from ours gets its current status queued again. Safe to run at any time: a dossier with
portal messages still pending or parked is left to them, and the status queued carries a key made of the dossier,
status and moment of the change, so a second run queues nothing the first one did."""

from dataclasses import dataclass, field
from datetime import datetime

from engine.domain.clock import VN_TZ, Clock
from engine.domain.portal import status_label
from engine.domain.ports import PORTAL, Adapters
from engine.persistence.db import Database
from engine.persistence.dossiers import DossierRow
from engine.persistence.outbox import new_message


@dataclass
class Reconciliation:
    checked: int = 0
    in_sync: int = 0
    waiting: int = 0  # portal messages still pending or parked: left to the outbox
    resent: list[tuple[str, int | None, int]] = field(default_factory=list)  # (code, portal's status, ours)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(VN_TZ).isoformat() if moment is not None else None


def status_message(row: DossierRow) -> dict:
    return {
        "code": row.code,
        "status": row.status,
        "label": status_label(row.status),
        "note": "Đồng bộ lại",
        "changed_at": _iso(row.status_changed_at),
        "procedure_code": row.procedure_code,
        "appointment": _iso(row.appointment),
        "processing_end_at": _iso(row.processing_end_at),
        "returned_at": _iso(row.returned_at),
        "portal_id": row.portal_id,
    }


class PortalSyncService:
    def __init__(self, db: Database, clock: Clock, adapters: Adapters):
        self.db, self.clock, self.adapters = db, clock, adapters

    def reconcile(self, since: datetime | None = None) -> Reconciliation:
        """Compare the dossiers received since `since` (all when None) with the portal's statuses; queue the current
        status of each that differs. Raises AdapterUnavailable / AdapterRejected when the portal cannot be read."""
        held = self.adapters.portal.held_statuses()
        found = Reconciliation()
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            busy = uow.outbox.busy_instances(PORTAL)
            queued = []
            for row in uow.dossiers.rows(received_from=since, newest_first=False):
                found.checked += 1
                if row.instance_id in busy:
                    found.waiting += 1
                elif held.get(row.code) == row.status:
                    found.in_sync += 1
                else:
                    stamp = row.status_changed_at.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")
                    key = f"{row.code}:reconcile:{row.status}:{stamp}"
                    queued.append(new_message(row.instance_id, "portal_status", key, status_message(row), now))
                    found.resent.append((row.code, held.get(row.code), row.status))
            uow.outbox.add_once(queued)
        return found
