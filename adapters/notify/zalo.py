"""Officers' notices over a Zalo Official Account-style message API (or its sandbox, `motcua sandbox zalo`).

POST <url>/v3.0/oa/message/cs with the OA's access token in the `access_token` header, the outbox idempotency key
in `Idempotency-Key`, and the JSON body {"recipient": {"user_id": "<id>"}, "message": {"text": "<text>"}}. The API
answers HTTP 200 with {"error": 0, "message": "Success", "data": {"message_id": ...}}, or a non-zero `error` code
when it refuses the message (invalid token, not a follower, bad request): those are permanent except the rate limit
(RETRYABLE), which is tried again later like a timeout, a dropped connection, a 5xx or a 429. Chosen through
adapters.notify.channels:ChannelNotifier with MOTCUA_ZALO_URL and MOTCUA_ZALO_TOKEN.
"""

import json
import logging
import urllib.request

from adapters.notify.officer_text import officer_text
from adapters.signed_http import exchange
from engine.domain.errors import AdapterRejected, AdapterUnavailable
from engine.domain.signing import HEADER_IDEMPOTENCY_KEY

MESSAGE_PATH = "/v3.0/oa/message/cs"
MAX_TEXT = 2000  # the API's limit on a text message
# Refusals in the answer's body that a later attempt may get past: the OA's sending quota.
RETRYABLE = {-32: "vượt hạn mức gửi tin của OA"}
log = logging.getLogger("motcua.notify")


class ZaloNotifier:
    def __init__(self, zalo_url: str = "", zalo_token: str = "", public_url: str = "", **options):
        if not zalo_url or not zalo_token:
            raise ValueError("the Zalo notifier needs MOTCUA_ZALO_URL and MOTCUA_ZALO_TOKEN")
        self.url, self.token = zalo_url.rstrip("/"), zalo_token
        self.public_url, self.timeout = public_url.rstrip("/"), float(options.get("timeout") or 10)

    def send(self, kind: str, payload: dict, idempotency_key: str) -> None:
        if kind != "officer_notice" or payload.get("channel") != "zalo" or not payload.get("to"):
            log.info("%s %s %s", kind, idempotency_key, payload)
            return
        subject, body = officer_text(payload, self.public_url)
        self.send_text(str(payload["to"]), f"{subject}\n\n{body}".strip(), idempotency_key)

    def send_text(self, user_id: str, text: str, idempotency_key: str) -> str:
        """Send `text` to follower `user_id`; return the API's message id."""
        body = json.dumps({"recipient": {"user_id": user_id}, "message": {"text": text[:MAX_TEXT]}}, ensure_ascii=False)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "access_token": self.token,
            HEADER_IDEMPOTENCY_KEY: idempotency_key,
        }
        request = urllib.request.Request(self.url + MESSAGE_PATH, data=body.encode(), headers=headers, method="POST")
        where = f"Zalo POST {MESSAGE_PATH}"
        text_answer = exchange(request, where, self.timeout)
        try:
            answer_body = json.loads(text_answer)
            error = int(answer_body.get("error", 0))
        except (ValueError, TypeError, AttributeError):
            raise AdapterUnavailable(f"{where}: the answer is not the API's JSON") from None
        if error in RETRYABLE:
            raise AdapterUnavailable(f"{where}: lỗi {error} ({RETRYABLE[error]})")
        if error:
            raise AdapterRejected(f"{where}: lỗi {error} ({answer_body.get('message') or 'bị từ chối'})")
        return str((answer_body.get("data") or {}).get("message_id") or "")
