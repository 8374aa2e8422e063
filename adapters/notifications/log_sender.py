"""Notifications written to the application log: the default until a mail or SMS adapter is configured."""

import logging

log = logging.getLogger("motcua.notifications")


class LogNotificationSender:
    """Logs each notification once per idempotency key (within this process)."""

    def __init__(self, **_options):
        self._seen: set[str] = set()

    def send(self, kind: str, payload: dict, idempotency_key: str) -> None:
        if idempotency_key in self._seen:
            return
        log.info("%s %s %s", kind, idempotency_key, payload)
        self._seen.add(idempotency_key)
