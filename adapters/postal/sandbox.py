"""A sandbox of the public postal operator (BCCI): it takes pickup orders (POST /api/orders, signed, one per
Idempotency-Key, with the same fault switches as the portal sandbox at /faults), lists orders and their tracking
events on its page (GET /), hands dossiers its postal workers took over to the agency (`handover`, signed, to
<app>/api/doi-tac/postal/dossier; a person does it on GET/POST /nhan-ho-so) and tells it the tracking events of its
orders (`track`, to .../postal/tracking; on the page: POST /theo-doi). Run it with `motcua sandbox postal --port N`;
its data stay in its own SQLite file.
"""

import json
import sqlite3
import time
import uuid
from urllib.parse import urlparse

from adapters.postal.sandbox_pages import handover_answer, handover_form, overview, tracking_answer
from adapters.sandbox_forms import applicant, documents, multipart, wire_documents
from adapters.sandbox_http import SandboxBase, SandboxHandler, post_signed, run

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


class PostalSandbox(SandboxBase):
    counted = "pickup"

    def __init__(self, db_path: str, secret: str, app_url: str = "", seed: int | None = None, now=time.time):
        super().__init__(db_path, _SCHEMA, seed)
        self.secret, self.app_url, self.now = secret, app_url.rstrip("/"), now

    def orders(self) -> list[dict]:
        with self._db() as db:
            rows = db.execute("SELECT idempotency_key, tracking, body FROM pickup ORDER BY id").fetchall()
        return [{"key": key, "tracking": tracking, **json.loads(body)} for key, tracking, body in rows]

    def handovers(self) -> list[dict]:
        with self._db() as db:
            rows = db.execute("SELECT item_code, procedure_code, answer FROM handover ORDER BY id").fetchall()
        return [{"item_code": i, "procedure_code": p, "answer": json.loads(a or "null")} for i, p, a in rows]

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
            "documents": wire_documents(files),
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
        url = f"{self.app_url}/api/doi-tac/postal/{kind}"
        return post_signed(url, self.secret, str(int(self.now())), body)

    def handler(self) -> type[SandboxHandler]:
        return _handler(self)


def _handler(sandbox: PostalSandbox):
    class Handler(SandboxHandler):
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
            body = self._body()
            if path == "/faults":
                sandbox.faults.set(json.loads(body or b"{}"))
                return self._json(200, sandbox.counters())
            if path == "/nhan-ho-so":
                return self._handover(body)
            if path == "/theo-doi":
                form = self._form(body)
                status, answer = sandbox.track(
                    form.get("order_number", ""), form.get("event", ""), sandbox.wire_now(), form.get("note", "")
                )
                return self._html(200 if status == 200 else 422, tracking_answer(status, answer))
            if path != "/api/orders":
                return self._json(404, {"error": "not found"})
            return self._receive_signed(sandbox.faults, sandbox.secret, body, sandbox.receive)

        def _handover(self, body: bytes):
            fields, files = multipart(self.headers.get("Content-Type", ""), body)
            fees = int(fields["fees"]) if fields.get("fees", "").isdigit() else 0
            handover = sandbox.handover_body(
                fields.get("procedure_code", ""), applicant(fields), documents(fields, files), fees, sandbox.wire_now()
            )
            status, answer = sandbox.handover(handover)
            return self._html(200 if status == 200 else 422, handover_answer(status, answer))

    return Handler


def serve(port: int, db_path: str, secret: str, app_url: str, host: str = "127.0.0.1") -> None:
    """Run the sandbox until interrupted (`motcua sandbox postal`)."""
    run(PostalSandbox(db_path, secret, app_url).server(host, port), "Bưu chính công ích thử nghiệm", db_path, host)
