"""A portal gateway that only logs: the default until a portal URL is configured."""

import logging

log = logging.getLogger("motcua.portal")


class LogPortalGateway:
    """Logs each status update and history batch once per idempotency key (within this process)."""

    def __init__(self, **_options):
        self._seen: set[str] = set()

    def _log(self, what: str, body: object, idempotency_key: str) -> None:
        if idempotency_key not in self._seen:
            log.info("portal %s %s %s", what, idempotency_key, body)
            self._seen.add(idempotency_key)

    def push_status(self, update: dict, idempotency_key: str) -> None:
        self._log("status", update, idempotency_key)

    def push_history(self, records: list[dict], idempotency_key: str) -> None:
        self._log("history", records, idempotency_key)

    def push_result(self, result: dict, idempotency_key: str) -> None:
        file = result.get("file") or {}
        self._log("result", {**result, "file": {k: v for k, v in file.items() if k != "content"}}, idempotency_key)

    def held_statuses(self) -> dict[str, int]:
        return {}  # a log keeps nothing: every dossier differs
