"""Ports: what the engine needs from the outside world. Adapters in `adapters/` implement them."""

from typing import Protocol


class NotificationSender(Protocol):
    """Delivers a notification (task ready, letter queued, ...) to people or systems."""

    def send(self, kind: str, payload: dict, idempotency_key: str) -> None:
        """Deliver once per `idempotency_key` (a repeated key must not deliver twice).

        Raises AdapterUnavailable when a retry may succeed, AdapterRejected when it will not.
        """
        ...
