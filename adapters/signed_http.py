"""Signed JSON requests to a partner (portal, postal operator) over HTTP, with the partner's failures sorted into
"try again later" (AdapterUnavailable) and "will not work" (AdapterRejected) for the outbox dispatcher."""

import http.client
import json
import time
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime

from engine.domain.errors import AdapterRejected, AdapterUnavailable
from engine.domain.signing import (
    HEADER_IDEMPOTENCY_KEY,
    HEADER_PARTNER,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    sign,
)


class SignedClient:
    """POSTs JSON bodies signed with HMAC-SHA256 (engine.domain.signing) to `url` + path."""

    def __init__(self, url: str, secret: str, partner: str, timeout: float = 10.0):
        if not url:
            raise ValueError("the partner's URL is not set (MOTCUA_PORTAL_URL or MOTCUA_POSTAL_URL)")
        self.url, self.secret, self.partner, self.timeout = url.rstrip("/"), secret, partner, timeout

    def headers(self, body: bytes, idempotency_key: str | None) -> dict[str, str]:
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            HEADER_PARTNER: self.partner,
            HEADER_TIMESTAMP: stamp,
            HEADER_SIGNATURE: sign(self.secret, stamp, body),
        }
        if idempotency_key:
            headers[HEADER_IDEMPOTENCY_KEY] = idempotency_key
        return headers

    def post(self, path: str, payload: object, idempotency_key: str | None = None) -> dict:
        body = json.dumps(payload, ensure_ascii=False).encode()
        return self._send("POST", path, body, self.headers(body, idempotency_key))

    def get(self, path: str) -> dict:
        return self._send("GET", path, None, self.headers(b"", None))

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> dict:
        request = urllib.request.Request(self.url + path, data=body, headers=headers, method=method)
        where = f"{method} {path}"
        text = exchange(request, where, self.timeout)
        try:
            return json.loads(text) if text else {}
        except ValueError:
            raise AdapterUnavailable(f"{where}: the answer is not JSON") from None


def exchange(request: urllib.request.Request, where: str, timeout: float) -> bytes:
    """Send `request`; returns the answer's body. Raises AdapterUnavailable for what a later attempt may get past (a
    timeout, a lost connection, HTTP 429 or 5xx, with the partner's Retry-After) and AdapterRejected for any other HTTP
    error; `where` names the request in their messages."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode(errors="replace")
        if exc.code == 429 or exc.code >= 500:
            raise AdapterUnavailable(
                f"{where}: HTTP {exc.code} {detail}".strip(), retry_after(exc.headers.get("Retry-After"))
            ) from None
        raise AdapterRejected(f"{where}: HTTP {exc.code} {detail}".strip()) from None
    except TimeoutError:
        raise AdapterUnavailable(f"{where}: no answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        raise AdapterUnavailable(f"{where}: {exc.reason}") from None
    except (ConnectionError, http.client.HTTPException, OSError) as exc:
        raise AdapterUnavailable(f"{where}: connection lost ({exc.__class__.__name__})") from None


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
