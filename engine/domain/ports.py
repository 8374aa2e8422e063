"""Ports: what the engine needs from the outside world. Adapters in `adapters/` implement them; `web.create_app`
chooses them by settings (a dotted path each). Steps never call a port: a step writes outbox rows and the dispatcher
(engine.services.outbox) calls the port after the step's commit.

Every method delivers once per `idempotency_key` as far as the partner can tell (the key goes with the request and the
partner drops a repeat). Each raises `AdapterUnavailable` when a retry may succeed (timeout, connection refused or cut,
a 5xx, a 429 with its Retry-After) and `AdapterRejected` when it will not (any other refusal).
"""

from typing import Protocol


class Notifier(Protocol):
    """Notifications to people: officers (task assigned, deadline near, overdue) and applicants (letters)."""

    def send(self, kind: str, payload: dict, idempotency_key: str) -> None:
        """Deliver notification `kind` (notification, letter, officer_notice) with `payload` once per
        `idempotency_key`. An `officer_notice` names its `channel` (email, zalo), the address `to` and the officer
        (`recipient_name`) beside the step's `event` (task_ready, deadline_near, overdue), `code`, `title`, `due_at`."""
        ...


class PortalGateway(Protocol):
    """The national public-service portal (Cổng Dịch vụ công quốc gia): what we tell it about its dossiers."""

    def push_status(self, update: dict, idempotency_key: str) -> None:
        """Send a dossier's status change: the dossier code, the national status code and the dates and fields of
        DOMAIN.md ("National portal statuses"), dates as `yyyyMMddHHmmss`."""
        ...

    def push_history(self, records: list[dict], idempotency_key: str) -> None:
        """Send process-history records of completed steps (officer, title, division, content, step start, step
        due), at most 10 in one call."""
        ...

    def push_result(self, result: dict, idempotency_key: str) -> None:
        """Send the electronic result of a dossier whose procedure returns results online: the dossier code, the
        portal's id, the document number and date, and the file (filename, media type, SHA-256, content as base64);
        the portal checks the SHA-256 against the content and refuses a mismatch."""
        ...

    def held_statuses(self) -> dict[str, int]:
        """What the portal holds: dossier code -> the last status it received (for `motcua portal reconcile`)."""
        ...


class PostalService(Protocol):
    """The public postal service (BCCI, QĐ 45/2016): pickups of results and letters for postal applicants."""

    def order_pickup(self, order: dict, idempotency_key: str) -> None:
        """Order the pickup of an item at the agency: order number (= dossier code), sender, receiver, COD amount."""
        ...


# Which port delivers an outbox message of each kind; messages of one dossier to one port go out in their order.
PORTAL, POSTAL, NOTIFY = "portal", "postal", "notify"
KIND_STREAMS: dict[str, str] = {
    "portal_status": PORTAL,
    "portal_history": PORTAL,
    "portal_result": PORTAL,
    "postal_order": POSTAL,
    "notification": NOTIFY,
    "letter": NOTIFY,
    "officer_notice": NOTIFY,  # one officer, one channel (engine.services.officer_notices)
}


def stream_of(kind: str) -> str:
    """The port (portal, postal or notify) that delivers outbox messages of `kind`; unknown kinds are notifications."""
    return KIND_STREAMS.get(kind, NOTIFY)


class Adapters:
    """The adapters `web.create_app` chose: one per port."""

    def __init__(self, notifier: Notifier, portal: PortalGateway, postal: PostalService):
        self.notifier, self.portal, self.postal = notifier, portal, postal

    def deliver(self, kind: str, payload: dict, idempotency_key: str) -> None:
        """Hand an outbox message to the port of its kind (raises what the port raises)."""
        stream = stream_of(kind)
        if stream == PORTAL and kind == "portal_history":
            self.portal.push_history(list(payload.get("records") or []), idempotency_key)
        elif stream == PORTAL and kind == "portal_result":
            self.portal.push_result(payload, idempotency_key)
        elif stream == PORTAL:
            self.portal.push_status(payload, idempotency_key)
        elif stream == POSTAL:
            self.postal.order_pickup(payload, idempotency_key)
        else:
            self.notifier.send(kind, payload, idempotency_key)
