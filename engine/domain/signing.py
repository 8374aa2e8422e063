"""Signatures of the messages we exchange with partners (portal, postal operator): HMAC-SHA256 with a secret per
partner over the timestamp, a dot and the body, hex-encoded. A message older than `MAX_AGE_SECONDS` (or that far in
the future) is refused even with a good signature, so that a captured request cannot be replayed later."""

import hashlib
import hmac

MAX_AGE_SECONDS = 300
HEADER_PARTNER, HEADER_TIMESTAMP, HEADER_SIGNATURE = "X-Partner", "X-Timestamp", "X-Signature"
HEADER_MESSAGE_ID, HEADER_IDEMPOTENCY_KEY = "X-Message-Id", "Idempotency-Key"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of `timestamp` + "." + `body` under `secret`."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def check(secret: str, timestamp: str, body: bytes, signature: str, now_epoch: float) -> str | None:
    """Why a signed message is refused (in English, for the log), or None when it is genuine and fresh."""
    try:
        sent = float(timestamp)
    except (TypeError, ValueError):
        return "timestamp missing or not a number of seconds"
    if abs(now_epoch - sent) > MAX_AGE_SECONDS:
        return "timestamp more than 5 minutes away"
    if not hmac.compare_digest(sign(secret, timestamp, body), (signature or "").strip().lower()):
        return "bad signature"
    return None
