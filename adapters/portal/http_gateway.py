"""The portal gateway over HTTP: signed JSON to the national portal (or its sandbox, `motcua sandbox portal`).

Endpoints (docs/adapters.md): POST /api/dossiers/status (one status change), POST /api/dossiers/history (at most 10
process-history records), POST /api/dossiers/result (the electronic result: its file and SHA-256), GET /api/dossiers
(the last status the portal holds per dossier). The idempotency key goes in the Idempotency-Key header; the portal
drops a repeat.
"""

from adapters.signed_http import SignedClient
from engine.domain.errors import AdapterRejected
from engine.domain.portal_wire import HISTORY_BATCH, result_message, status_update


class HttpPortalGateway:
    def __init__(self, url: str, secret: str, partner: str, timeout: float = 10.0):
        self.client = SignedClient(url, secret, partner, timeout)
        self.agency_code = partner

    def push_status(self, update: dict, idempotency_key: str) -> None:
        self.client.post("/api/dossiers/status", status_update(update, self.agency_code), idempotency_key)

    def push_history(self, records: list[dict], idempotency_key: str) -> None:
        if len(records) > HISTORY_BATCH:
            raise AdapterRejected(f"{len(records)} history records in one batch; the portal takes {HISTORY_BATCH}")
        self.client.post("/api/dossiers/history", {"records": records}, idempotency_key)

    def push_result(self, result: dict, idempotency_key: str) -> None:
        self.client.post("/api/dossiers/result", result_message(result, self.agency_code), idempotency_key)

    def held_statuses(self) -> dict[str, int]:
        held = self.client.get("/api/dossiers").get("dossiers") or {}
        return {code: int(update["status"]) for code, update in held.items()}
