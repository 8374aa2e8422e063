"""A partner (portal, postal operator) on a real HTTP server on 127.0.0.1 for the adapters' tests: it checks the
signature, keeps one delivery per idempotency key, and misbehaves on request (`faults`, consumed in order)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from engine.domain.signing import check


class PartnerServer:
    """`faults` holds what the next requests get: "500", "503", "429:<seconds>", "400", "slow" (answers after
    `slow_seconds`), "drop" (closes the connection without answering). An empty list: 200 and the delivery kept."""

    def __init__(self, secret: str, slow_seconds: float = 1.0):
        self.secret, self.slow_seconds = secret, slow_seconds
        self.faults: list[str] = []
        self.received: list[tuple[str, str, dict]] = []  # (path, idempotency key, body) of kept deliveries
        self.requests = 0
        self.duplicates = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def keys(self) -> list[str]:
        return [key for _path, key, _body in self.received]

    def _handler(self):
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, code: int, body: dict, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with partner.lock:
                    partner.requests += 1
                    fault = partner.faults.pop(0) if partner.faults else ""
                refused = check(
                    partner.secret,
                    self.headers.get("X-Timestamp", ""),
                    body,
                    self.headers.get("X-Signature", ""),
                    time.time(),
                )
                if refused:
                    return self._answer(401, {"error": refused})
                if fault == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "slow":
                    time.sleep(partner.slow_seconds)
                if fault.startswith("429"):
                    return self._answer(429, {"error": "slow down"}, {"Retry-After": fault.partition(":")[2] or "1"})
                if fault in ("500", "503", "400"):
                    return self._answer(int(fault), {"error": f"fault {fault}"})
                key = self.headers.get("Idempotency-Key", "")
                with partner.lock:
                    if key in partner.keys():
                        partner.duplicates += 1
                    else:
                        partner.received.append((self.path, key, json.loads(body)))
                return self._answer(200, {"ok": True})

        return Handler
