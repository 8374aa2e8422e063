"""A sandbox of the public postal operator (BCCI): it takes pickup orders (POST /api/orders, signed, one per
Idempotency-Key, with the same fault switches as the portal sandbox at /faults), lists orders and their tracking
events on its page (GET /), hands dossiers its postal workers took over to the agency (`handover`, signed, to
<app>/api/doi-tac/postal/dossier; a person does it on GET/POST /nhan-ho-so) and tells it the tracking events of its
orders (`track`, to .../postal/tracking; on the page: POST /theo-doi). Run it with `motcua sandbox postal --port N`;
its data stay in its own SQLite file.
"""

import base64
import hashlib
import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from adapters.portal.sandbox_pages import multipart
from adapters.postal.sandbox_pages import handover_answer, handover_form, overview, tracking_answer
from adapters.sandbox_faults import Faults
from engine.domain.signing import HEADER_SIGNATURE, HEADER_TIMESTAMP, check, sign

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pickup (
  id INTEGER PRIMARY KEY, idempotency_key TEXT UNIQUE NOT NULL, order_number TEXT NOT NULL, tracking TEXT NOT NULL,
  body TEXT NOT NULL, received_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS handover (
  id INTEGER PRIMARY KEY, item_code TEXT NOT NULL, procedure_code TEXT, answer TEXT, sent_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tracking_event (
  id INTEGER PRIMARY KEY, order_number TEXT NOT NULL, event TEXT NOT NULL, at TEXT NOT NULL, note TEXT,
  answer TEXT);
"""
_REQUIRED = ("order_number", "receiver", "sender")


class PostalSandbox:
    def __init__(self, db_path: str, secret: str, app_url: str = "", seed: int | None = None, now=time.time):
        self.db_path, self.secret, self.app_url, self.now = db_path, secret, app_url.rstrip("/"), now
        self.faults = Faults(seed)
        self.duplicates = 0
        self.lock = threading.Lock()
        with self._db() as db:
            db.executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.db_path, timeout=30)

    def orders(self) -> list[dict]:
        with self._db() as db:
            rows = db.execute("SELECT idempotency_key, tracking, body FROM pickup ORDER BY id").fetchall()
        return [{"key": key, "tracking": tracking, **json.loads(body)} for key, tracking, body in rows]

    def handovers(self) -> list[dict]:
        with self._db() as db:
            rows = db.execute("SELECT item_code, procedure_code, answer FROM handover ORDER BY id").fetchall()
        return [{"item_code": i, "procedure_code": p, "answer": json.loads(a or "null")} for i, p, a in rows]

    def counters(self) -> dict:
        with self._db() as db:
            delivered = db.execute("SELECT COUNT(*) FROM pickup").fetchone()[0]
        return {"delivered": delivered, "duplicates": self.duplicates, **self.faults.state()}

    def receive(self, key: str, body: dict) -> tuple[int, dict]:
        problems = {name: "required" for name in _REQUIRED if not body.get(name)}
        cod = body.get("cod_amount", 0)
        if not isinstance(cod, int) or isinstance(cod, bool) or cod < 0:
            problems["cod_amount"] = "a whole number of VND >= 0"
        if not key:
            problems["Idempotency-Key"] = "required"
        if problems:
            return 422, {"error": "invalid", "fields": problems}
        tracking = "EB" + uuid.uuid4().hex[:9].upper() + "VN"
        with self.lock, self._db() as db:
            try:
                db.execute(
                    "INSERT INTO pickup (idempotency_key, order_number, tracking, body, received_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (key, body["order_number"], tracking, json.dumps(body, ensure_ascii=False), time.time()),
                )
            except sqlite3.IntegrityError:
                self.duplicates += 1
                return 200, {"ok": True, "duplicate": True}
        return 200, {"ok": True, "tracking": tracking}

    def handover_body(
        self, procedure_code: str, applicant: dict, files: list[tuple[str, str, str, bytes]], fees: int, signed_at: str
    ) -> dict:
        """A dossier a postal worker took at the applicant's address (files: document, filename, type, content)."""
        item = "RR" + uuid.uuid4().hex[:9].upper() + "VN"
        return {
            "message_id": f"handover-{item}",
            "item_code": item,
            "signed_at": signed_at,
            "postal_worker": "Bưu tá Trần Văn Bình",
            "procedure_code": procedure_code,
            "applicant": applicant,
            "documents": [
                {
                    "name": document,
                    "filename": filename,
                    "media_type": media_type,
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "content": base64.b64encode(content).decode(),
                }
                for document, filename, media_type, content in files
            ],
            "fees_collected": fees,
        }

    def handover(self, body: dict) -> tuple[int, dict]:
        """Send a handover to the agency (kept with its answer for the page); returns (HTTP status, answer)."""
        status, result = self.send_to_agency("dossier", body)
        answer = json.dumps(result, ensure_ascii=False)
        with self._db() as db:
            db.execute(
                "INSERT INTO handover (item_code, procedure_code, answer, sent_at) VALUES (?, ?, ?, ?)",
                (body.get("item_code"), body.get("procedure_code"), answer, self.now()),
            )
        return status, result

    def track(self, order_number: str, event: str, at: str, note: str = "") -> tuple[int, dict]:
        """Tell the agency a tracking event of its order (delivered, failed_attempt, ...), kept with its answer."""
        body = {"message_id": f"tracking-{uuid.uuid4().hex}", "order_number": order_number, "event": event}
        status, answer = self.send_to_agency("tracking", {**body, "at": at, "note": note})
        with self._db() as db:
            db.execute(
                "INSERT INTO tracking_event (order_number, event, at, note, answer) VALUES (?, ?, ?, ?, ?)",
                (order_number, event, at, note, json.dumps({"http": status, **answer}, ensure_ascii=False)),
            )
        return status, answer

    def events(self) -> list[dict]:
        """The tracking events sent to the agency, with its answers, in order."""
        with self._db() as db:
            rows = db.execute("SELECT order_number, event, at, note, answer FROM tracking_event ORDER BY id").fetchall()
        return [
            {"order_number": o, "event": e, "at": a, "note": n, "answer": json.loads(r or "null")}
            for o, e, a, n, r in rows
        ]

    def wire_now(self) -> str:
        """Now (the sandbox's clock) as yyyyMMddHHmmss in Vietnam time."""
        return time.strftime("%Y%m%d%H%M%S", time.gmtime(self.now() + 7 * 3600))

    def send_to_agency(self, kind: str, body: dict) -> tuple[int, dict]:
        data = json.dumps(body, ensure_ascii=False).encode()
        stamp = str(int(self.now()))
        request = urllib.request.Request(
            f"{self.app_url}/api/doi-tac/postal/{kind}",
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json",
                HEADER_TIMESTAMP: stamp,
                HEADER_SIGNATURE: sign(self.secret, stamp, data),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def server(self, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer((host, port), _handler(self))
        server.daemon_threads = True
        return server


def _handler(sandbox: PostalSandbox):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def handle(self):
            try:
                super().handle()
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _send(self, code: int, body: bytes, content_type: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _html(self, code: int, text: str) -> None:
            self._send(code, text.encode(), "text/html; charset=utf-8")

        def _json(self, code: int, body: object) -> None:
            self._send(code, json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8")

        def _drop(self) -> None:
            self.close_connection = True
            self.connection.shutdown(2)

        def do_GET(self):
            path = urlparse(self.path).path
            if path == "/":
                return self._html(200, overview(sandbox))
            if path == "/nhan-ho-so":
                return self._html(200, handover_form())
            if path == "/faults":
                return self._json(200, sandbox.counters())
            return self._json(404, {"error": "not found"})

        def do_POST(self):
            path = urlparse(self.path).path
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if path == "/faults":
                sandbox.faults.set(json.loads(body or b"{}"))
                return self._json(200, sandbox.counters())
            if path == "/nhan-ho-so":
                return self._handover(body)
            if path == "/theo-doi":
                form = {k: v[0].strip() for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}
                status, answer = sandbox.track(
                    form.get("order_number", ""), form.get("event", ""), sandbox.wire_now(), form.get("note", "")
                )
                return self._html(200 if status == 200 else 422, tracking_answer(status, answer))
            if path != "/api/orders":
                return self._json(404, {"error": "not found"})
            fault = sandbox.faults.draw()
            if sandbox.faults.delay:
                time.sleep(sandbox.faults.delay)
            if fault == "drop":
                return self._drop()
            if fault == "error":
                return self._json(500, {"error": "injected fault"})
            refused = check(
                sandbox.secret,
                self.headers.get(HEADER_TIMESTAMP, ""),
                body,
                self.headers.get(HEADER_SIGNATURE, ""),
                time.time(),
            )
            if refused:
                return self._json(401, {"error": refused})
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            if not isinstance(payload, dict):
                return self._json(422, {"error": "invalid", "fields": {"body": "JSON object"}})
            code, answer = sandbox.receive(self.headers.get("Idempotency-Key", ""), payload)
            if fault == "lost_answer":
                return self._drop()
            return self._json(code, answer)

        def _handover(self, body: bytes):
            fields, files = multipart(self.headers.get("Content-Type", ""), body)
            applicant = {
                "type": int(fields.get("applicant_type") or 1),
                "name": fields.get("name", ""),
                "id_number": fields.get("id_number", ""),
                "address": fields.get("address", ""),
                "phone": fields.get("phone", ""),
            }
            documents = [
                (fields.get(f"document_{n}", ""), *files[f"file_{n}"]) for n in range(1, 9) if f"file_{n}" in files
            ]
            fees = int(fields["fees"]) if fields.get("fees", "").isdigit() else 0
            handover = sandbox.handover_body(
                fields.get("procedure_code", ""), applicant, documents, fees, sandbox.wire_now()
            )
            status, answer = sandbox.handover(handover)
            return self._html(200 if status == 200 else 422, handover_answer(status, answer))

    return Handler


def serve(port: int, db_path: str, secret: str, app_url: str, host: str = "127.0.0.1") -> None:
    """Run the sandbox until interrupted (`motcua sandbox postal`)."""
    server = PostalSandbox(db_path, secret, app_url).server(host, port)
    print(f"Bưu chính công ích thử nghiệm: http://{host}:{server.server_address[1]}/ (dữ liệu: {db_path})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
