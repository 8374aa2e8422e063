"""What the partners' sandboxes (portal, postal, Zalo) share: their SQLite file, fault switches and counters
(`SandboxBase`), the HTTP handler's answers and fault handling (`SandboxHandler`), a threaded server, running it
until interrupted, and the signed POST they send the agency (`post_signed`)."""

import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from adapters.sandbox_faults import Faults
from engine.domain.signing import HEADER_SIGNATURE, HEADER_TIMESTAMP, check, sign


class SandboxBase:
    """A sandbox's data (its own SQLite file, created with `schema`), fault switches and duplicate count; `counted`
    is the table whose rows are the deliveries counted on /faults."""

    counted = ""

    def __init__(self, db_path: str, schema: str, seed: int | None = None):
        self.db_path = db_path
        self.faults = Faults(seed)
        self.duplicates = 0
        self.lock = threading.Lock()
        with self._db() as db:
            db.executescript(schema)

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.db_path, timeout=30)

    def counters(self) -> dict:
        with self._db() as db:
            delivered = db.execute(f"SELECT COUNT(*) FROM {self.counted}").fetchone()[0]
        return {"delivered": delivered, "duplicates": self.duplicates, **self.faults.state()}

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class serving this sandbox."""
        raise NotImplementedError

    def server(self, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer((host, port), self.handler())
        server.daemon_threads = True
        return server


class SandboxHandler(BaseHTTPRequestHandler):
    """Quiet, answers JSON or HTML, drops connections, and applies the fault switches."""

    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout): nothing to answer
            pass

    def _send(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, code: int, body: object) -> None:
        self._send(code, json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _html(self, code: int, text: str) -> None:
        self._send(code, text.encode(), "text/html; charset=utf-8")

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.shutdown(2)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _form(self, body: bytes) -> dict[str, str]:
        """The fields of an application/x-www-form-urlencoded body, stripped."""
        return {k: v[0].strip() for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}

    def _faulty(self, faults: Faults, error: object) -> str:
        """Apply the fault switches: "answered" when a fault answered (500 with `error`) or dropped the request,
        "lost_answer" when the request is to be kept without an answer, "" otherwise."""
        fault = faults.draw()
        if faults.delay:
            time.sleep(faults.delay)
        if fault == "drop":
            self._drop()
            return "answered"
        if fault == "error":
            self._json(500, error)
            return "answered"
        return fault

    def _receive_signed(
        self, faults: Faults, secret: str, body: bytes, receive: Callable[[str, dict], tuple[int, dict]]
    ) -> None:
        """Answer a signed request to the partner's API as the fault switches say: 401 for a bad signature, 422 when the
        body is not a JSON object, else what receive(Idempotency-Key, payload) answers (kept but not answered when
        the answer is to be lost)."""
        fault = self._faulty(faults, {"error": "injected fault"})
        if fault == "answered":
            return
        refused = self._refused(secret, body)
        if refused:
            return self._json(401, {"error": refused})
        payload = json_object(body)
        if payload is None:
            return self._json(422, {"error": "invalid", "fields": {"body": "JSON object"}})
        code, answer = receive(self.headers.get("Idempotency-Key", ""), payload)
        if fault == "lost_answer":
            return self._drop()
        return self._json(code, answer)

    def _refused(self, secret: str, body: bytes) -> str:
        """Why the request's signature is refused ("" when it is good)."""
        return check(
            secret, self.headers.get(HEADER_TIMESTAMP, ""), body, self.headers.get(HEADER_SIGNATURE, ""), time.time()
        )


def json_object(body: bytes) -> dict | None:
    """The JSON object in `body`, None when it is not one."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def post_signed(url: str, secret: str, stamp: str, body: dict) -> tuple[int, dict]:
    """POST `body` to the agency signed with `secret` at `stamp`; returns (HTTP status, answer), (0, error) when the
    agency could not be reached."""
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json",
            HEADER_TIMESTAMP: stamp,
            HEADER_SIGNATURE: sign(secret, stamp, data),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as exc:
        text = exc.read()
        try:
            return exc.code, json.loads(text)
        except ValueError:
            return exc.code, {"error": text[:300].decode(errors="replace")}
    except OSError as exc:
        return 0, {"error": f"không gửi được tới cơ quan: {exc}"}


def run(server: ThreadingHTTPServer, title: str, db_path: str, host: str) -> None:
    """Serve until interrupted, after printing where (`motcua sandbox portal|postal|zalo`)."""
    print(f"{title}: http://{host}:{server.server_address[1]}/ (dữ liệu: {db_path})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
