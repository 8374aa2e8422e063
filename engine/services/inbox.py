"""Inbound messages of partners (the national portal, the postal operator): authenticated, validated, stored, then
processed, each step in this order.

- Authentication: HMAC-SHA256 over the timestamp and the body with the partner's secret (engine.domain.signing); a
  wrong signature or a timestamp more than 5 minutes away raises Unauthenticated and stores nothing.
- Validation: the body is a JSON object with a `message_id` and what the kind's handler asks for; ValidationError
  names every field at fault and stores nothing.
- Storage before processing: the message is committed to the inbox first, so a crash between the two loses nothing
  (`process_waiting`, run by the worker, processes what was stored and not processed).
- Replay: a message id the partner sent before is acknowledged with the first outcome and changes nothing.
A handler's refusal (a MotcuaError, e.g. a procedure closed to the postal channel) is stored with its reason and
given back to the partner, on the first delivery and on every replay.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from engine.domain.clock import Clock
from engine.domain.errors import MotcuaError, NotFound, Unauthenticated, ValidationError
from engine.domain.signing import check
from engine.persistence.db import Database
from engine.persistence.inbox import InboxRow

MESSAGE_ID_LIMIT = 200


class InboundHandler(Protocol):
    def validate(self, payload: dict) -> dict[str, str]:
        """Field -> what is wrong with it (Vietnamese), for every field at fault; empty when the payload is good."""
        ...

    def process(self, payload: dict, message_id: str) -> dict:
        """Do what the message asks (idempotent on `message_id`); return the acknowledgement's content. Raises a
        MotcuaError to refuse it (the reason goes back to the partner)."""
        ...


@dataclass(frozen=True)
class Acknowledgement:
    message_id: str
    state: str  # processed | refused | received (stored; processing will be retried)
    replayed: bool
    result: dict | None
    error: str | None


def _ack(row: InboxRow, replayed: bool) -> Acknowledgement:
    return Acknowledgement(row.message_id, row.state, replayed, row.result, row.error)


class InboxService:
    def __init__(self, db: Database, clock: Clock, secrets: dict[str, str]):
        self.db, self.clock = db, clock
        self.secrets = {partner: secret for partner, secret in secrets.items() if secret}
        self.handlers: dict[tuple[str, str], InboundHandler] = {}

    def register(self, partner: str, kind: str, handler: InboundHandler) -> None:
        self.handlers[(partner, kind)] = handler

    def receive(self, partner: str, kind: str, timestamp: str, signature: str, body: bytes) -> Acknowledgement:
        """Authenticate, validate, store and process one message. Raises NotFound (no such partner or kind),
        Unauthenticated, ValidationError."""
        handler = self.handlers.get((partner, kind))
        secret = self.secrets.get(partner)
        if handler is None or secret is None:
            raise NotFound(f"Đối tác '{partner}' không gửi được loại tin '{kind}' (chưa cấu hình khoá bí mật?)")
        refused = check(secret, timestamp, body, signature, self.clock.now().timestamp())
        if refused is not None:
            raise Unauthenticated(f"Tin nhắn không được xác thực: {refused}")
        payload = self._parse(body)
        message_id = payload.get("message_id")
        fields = {}
        if not isinstance(message_id, str) or not message_id.strip():
            fields["message_id"] = "Bắt buộc: mã tin nhắn (chuỗi) của đối tác"
        elif len(message_id) > MESSAGE_ID_LIMIT:
            fields["message_id"] = f"Dài quá {MESSAGE_ID_LIMIT} ký tự"
        fields.update(handler.validate(payload))
        if fields:
            raise ValidationError("Nội dung tin nhắn không hợp lệ: " + ", ".join(sorted(fields)), fields)
        assert isinstance(message_id, str)
        with self.db.unit_of_work() as uow:
            row, new = uow.inbox.store(partner, message_id, kind, payload, self.clock.now())
        if not new and row.state != "received":
            return _ack(row, replayed=True)
        return self._process(row, handler, replayed=not new)

    @staticmethod
    def _parse(body: bytes) -> dict:
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise ValidationError("Nội dung không phải JSON", {"body": "Phải là một đối tượng JSON (UTF-8)"}) from None
        if not isinstance(payload, dict):
            raise ValidationError("Nội dung không phải đối tượng JSON", {"body": "Phải là một đối tượng JSON"})
        return payload

    def _process(self, row: InboxRow, handler: InboundHandler, replayed: bool) -> Acknowledgement:
        result, error = None, None
        try:
            result = handler.process(row.payload, row.message_id)
        except MotcuaError as exc:
            error = str(exc)
        with self.db.unit_of_work() as uow:
            uow.inbox.finish(row.id, "refused" if error else "processed", self.clock.now(), result, error)
            done = uow.inbox.lock(row.id)
        assert done is not None
        return _ack(done, replayed)

    def process_waiting(self, grace_seconds: float = 60, limit: int = 50) -> int:
        """Process messages stored more than `grace_seconds` ago and never processed (a crash cut them short)."""
        with self.db.reading() as uow:
            ids = uow.inbox.waiting(self.clock.now() - timedelta(seconds=grace_seconds), limit)
        done = 0
        for inbox_id in ids:
            with self.db.reading() as uow:
                row = uow.inbox.lock(inbox_id)
            handler = self.handlers.get((row.partner, row.kind)) if row else None
            if row is not None and row.state == "received" and handler is not None:
                self._process(row, handler, replayed=False)
                done += 1
        return done

    def received(self, partner: str, limit: int = 100) -> list[InboxRow]:
        with self.db.reading() as uow:
            return uow.inbox.of_partner(partner, limit)
