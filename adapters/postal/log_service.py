"""A postal service that only logs: the default until a postal operator URL is configured."""

import logging

log = logging.getLogger("motcua.postal")


class LogPostalService:
    """Logs each pickup order once per idempotency key (within this process)."""

    def __init__(self, **_options):
        self._seen: set[str] = set()

    def order_pickup(self, order: dict, idempotency_key: str) -> None:
        if idempotency_key not in self._seen:
            log.info("postal order %s %s", idempotency_key, order)
            self._seen.add(idempotency_key)
