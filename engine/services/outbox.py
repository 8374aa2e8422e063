"""Delivering outbox rows after their step committed: at least once, with backoff and jitter, parked as failed at
the end; administrators retry or discard parked rows (recorded in the dossier's history)."""

import base64
import random
from dataclasses import dataclass
from datetime import timedelta

from engine.domain.backoff import retry_delay
from engine.domain.clock import Clock
from engine.domain.errors import AdapterRejected, AdapterUnavailable, InvalidTransition, NotFound, ValidationError
from engine.domain.ports import Adapters
from engine.persistence.db import Database
from engine.persistence.outbox import STATES, OutboxRow
from engine.services.instances import InstanceService
from engine.services.officer_notices import OfficerNoticeRouter


@dataclass(frozen=True)
class OutboxView:
    """What the outbox page and `motcua outbox list` show."""

    counts: dict[str, int]
    rows: list[OutboxRow]


class OutboxService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        adapters: Adapters,
        instances: InstanceService,
        max_attempts: int = 8,
        lease_seconds: float = 120,
        rng: random.Random | None = None,
        officers: OfficerNoticeRouter | None = None,
    ):
        self.db, self.clock, self.adapters, self.instances = db, clock, adapters, instances
        self.officers = officers  # adds the officers' own notices once a notification about a step is delivered
        self.max_attempts, self.lease_seconds = max_attempts, lease_seconds
        self.rng = rng or random.Random()

    def dispatch(self, batch: int = 50) -> int:
        """Send up to `batch` due messages; return how many were delivered. A message sent makes the next one of its
        dossier and port due, so this leases again until the batch is used up or nothing more is due."""
        delivered = leased = 0
        while leased < batch:
            now = self.clock.now()
            with self.db.unit_of_work() as uow:
                messages = uow.outbox.lease_due(now, now + timedelta(seconds=self.lease_seconds), batch - leased)
            if not messages:
                break
            leased += len(messages)
            delivered += sum(self._deliver(message) for message in messages)
        return delivered

    def _deliver(self, message: OutboxRow) -> bool:
        error, permanent, retry_after = None, False, None
        try:
            payload = self._with_file(message)
            self.adapters.deliver(message.kind, payload, message.idempotency_key)
        except AdapterRejected as exc:
            error, permanent = str(exc), True
        except AdapterUnavailable as exc:
            error, retry_after = str(exc), exc.retry_after
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            attempts = uow.outbox.attempts(message.id) + 1
            if error is None:
                uow.outbox.mark_sent(message.id, now)
                if self.officers is not None:
                    uow.outbox.add_once(self.officers.messages(uow, message))
            elif permanent or attempts >= self.max_attempts:
                uow.outbox.mark_failed(message.id, error)
            else:
                delay = retry_delay(attempts, self.rng.random(), retry_after)
                uow.outbox.retry_later(message.id, error, now + delay)
        return error is None

    def _with_file(self, message: OutboxRow) -> dict:
        """The payload to send: a `portal_result` names its file by id; its content (base64) is added now. A file no
        longer stored, or changed since (its SHA-256 differs), is a permanent failure: the row is parked."""
        file = message.payload.get("file")
        if message.kind != "portal_result" or not isinstance(file, dict):
            return message.payload
        with self.db.reading() as uow:
            found = uow.files.with_content(str(message.payload.get("code")), int(file.get("id") or 0))
        if found is None or found[0].sha256 != file.get("sha256"):
            name, number = file.get("filename"), file.get("id")
            raise AdapterRejected(f"tệp kết quả {name} không còn như khi ban hành (mã tệp {number})")
        content = base64.b64encode(found[1]).decode()
        return {**message.payload, "file": {**file, "content": content}}

    def failed(self) -> list[tuple[int, str, str]]:
        with self.db.reading() as uow:
            return [(m.id, m.kind, m.last_error or "") for m in uow.outbox.failed()]

    def view(self, state: str = "pending", limit: int = 200) -> OutboxView:
        """Counts by state and the messages in `state` (pending, failed, sent or discarded)."""
        if state not in STATES:
            raise ValidationError(f"Trạng thái '{state}' không có", {"state": "pending, failed, sent, discarded"})
        with self.db.reading() as uow:
            return OutboxView(uow.outbox.counts(), uow.outbox.in_state(state, limit))

    def retry(self, message_id: int, actor: str) -> OutboxRow:
        """Send a parked (failed) message again, from a fresh count of attempts; recorded in the history."""
        with self.db.unit_of_work() as uow:
            message = self._parked(uow, message_id)
            uow.outbox.requeue(message_id, self.clock.now())
            self._record(uow, message, "outbox:retried", actor, {})
            return message

    def discard(self, message_id: int, reason: str, actor: str) -> OutboxRow:
        """Give up a parked message (it no longer holds back the later ones); the reason goes to the history."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError("Phải nêu lý do bỏ tin nhắn", {"reason": "Bắt buộc"})
        with self.db.unit_of_work() as uow:
            message = self._parked(uow, message_id)
            uow.outbox.discard(message_id, reason)
            self._record(uow, message, "outbox:discarded", actor, {"reason": reason})
            return message

    @staticmethod
    def _parked(uow, message_id: int) -> OutboxRow:
        message = uow.outbox.get(message_id)
        if message is None:
            raise NotFound(f"Không có tin nhắn {message_id} trong hộp thư đi")
        if message.state != "failed":
            raise InvalidTransition(f"Tin nhắn {message_id} đang ở trạng thái {message.state}, không phải failed")
        return message

    def _record(self, uow, message: OutboxRow, tag: str, actor: str, extra: dict) -> None:
        payload = {"message": message.id, "kind": message.kind, "key": message.idempotency_key, **extra}
        payload["error"] = message.last_error
        head = uow.instances.lock(message.instance_id) if message.instance_id is not None else None
        if head is not None:
            self.instances.note(uow, head, tag, actor, payload)
