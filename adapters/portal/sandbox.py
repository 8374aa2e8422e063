"""A sandbox of the national public-service portal: the same endpoints as the gateway speaks to, its data in its own
SQLite file, pages for people, and fault switches for tests. Run it with `motcua sandbox portal --port N`.

- POST /api/dossiers/status, POST /api/dossiers/history, POST /api/dossiers/result (the electronic result, its content
  checked against its SHA-256: 422 `file.sha256` on a mismatch): signed (engine.domain.signing) with the shared
  secret (401 otherwise), one delivery kept per Idempotency-Key (a repeat is answered 200 and counted as a
  duplicate), 422 naming the fields at fault.
- GET /api/dossiers: what the portal holds per dossier (its last status), for `motcua portal reconcile`.
- GET /: what the portal has received, per dossier (statuses with their dates, history records, results) and the
  submissions; GET /ket-qua?key=K: a result's file as received.
- GET/POST /nop-ho-so: a citizen's page to submit a dossier online with its files; the sandbox sends the submission to
  the agency (POST <app>/api/doi-tac/portal/submission, signed) and shows the answer.
- GET/POST /thanh-toan: a citizen's page to pay the fee of a submitted dossier (sends `payment` to the agency).
- GET/POST /faults: the fault switches (JSON): error_rate (answer 500), drop_rate (close the connection without an
  answer), lost_answer_rate (keep it, close without an answer), delay (seconds before answering), seed, and for what
  the sandbox sends the agency duplicate_callbacks and reorder_callbacks; and the counters (delivered, duplicates,
  faults).
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

from adapters.portal.sandbox_pages import (
    multipart,
    overview,
    payment_answer,
    payment_form,
    submission_answer,
    submission_form,
)
from adapters.sandbox_faults import Faults
from engine.domain.portal import STATUS_LABELS
from engine.domain.portal_wire import HISTORY_BATCH, parse_wire_time
from engine.domain.signing import HEADER_SIGNATURE, HEADER_TIMESTAMP, check, sign

_SCHEMA = """
CREATE TABLE IF NOT EXISTS delivery (
  id INTEGER PRIMARY KEY, idempotency_key TEXT UNIQUE NOT NULL, kind TEXT NOT NULL, dossier_code TEXT,
  status INTEGER, body TEXT NOT NULL, received_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS submission (
  id INTEGER PRIMARY KEY, portal_id TEXT UNIQUE NOT NULL, procedure_code TEXT, applicant TEXT, answer TEXT,
  sent_at REAL NOT NULL);
"""
_STATUS_FIELDS = ("dossier_code", "status", "changed_at")
_DATE_FIELDS = ("changed_at", "appointment", "processing_end_at", "returned_at")


class PortalSandbox:
    def __init__(self, db_path: str, secret: str, app_url: str = "", seed: int | None = None, now=time.time):
        """`now` (seconds since the epoch) stamps what the sandbox signs: tests give the application's clock."""
        self.db_path, self.secret, self.app_url, self.now = db_path, secret, app_url.rstrip("/"), now
        self.faults = Faults(seed)
        self.last_body: dict = {}
        self.held: tuple[str, dict] | None = None  # a callback held back by reorder_callbacks
        self.duplicates = 0
        self.lock = threading.Lock()
        with self._db() as db:
            db.executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30)
        return db

    # -- what the portal holds ----------------------------------------------------------------------------------
    def deliveries(self, kind: str | None = None) -> list[dict]:
        with self._db() as db:
            rows = db.execute(
                "SELECT idempotency_key, kind, body FROM delivery"
                + (" WHERE kind = ?" if kind else "")
                + " ORDER BY id",
                (kind,) if kind else (),
            ).fetchall()
        return [{"key": key, "kind": k, **json.loads(body)} for key, k, body in rows]

    def dossiers(self) -> dict[str, dict]:
        """Dossier code -> its last status update and its history records, in the order received."""
        found: dict[str, dict] = {}
        for item in self.deliveries():
            if item["kind"] in ("status", "result"):
                entry = found.setdefault(item["dossier_code"], {"statuses": [], "history": [], "results": []})
                if item["kind"] == "status":
                    entry["statuses"].append(item)
                else:
                    file = {k: v for k, v in (item.get("file") or {}).items() if k != "content"}
                    entry["results"].append({**item, "file": file})
            else:
                for record in item.get("records", []):
                    entry = found.setdefault(record["dossier_code"], {"statuses": [], "history": [], "results": []})
                    entry["history"].append(record)
        return found

    def submissions(self) -> list[dict]:
        with self._db() as db:
            rows = db.execute(
                "SELECT portal_id, procedure_code, applicant, answer FROM submission ORDER BY id"
            ).fetchall()
        return [
            {"portal_id": p, "procedure_code": c, "applicant": json.loads(a), "answer": json.loads(r or "null")}
            for p, c, a, r in rows
        ]

    def counters(self) -> dict:
        with self._db() as db:
            delivered = db.execute("SELECT COUNT(*) FROM delivery").fetchone()[0]
        return {"delivered": delivered, "duplicates": self.duplicates, **self.faults.state()}

    # -- receiving ----------------------------------------------------------------------------------------------
    def results(self, code: str | None = None) -> list[dict]:
        """The electronic results received (each checked against its SHA-256), without their content."""
        found = []
        for item in self.deliveries("result"):
            if code is None or item.get("dossier_code") == code:
                file = {k: v for k, v in (item.get("file") or {}).items() if k != "content"}
                found.append({**item, "file": file})
        return found

    def result_content(self, key: str) -> tuple[dict, bytes] | None:
        for item in self.deliveries("result"):
            if item["key"] == key:
                return item["file"], base64.b64decode(item["file"]["content"])
        return None

    def receive(self, kind: str, key: str, body: dict) -> tuple[int, dict]:
        checks = {"status": _check_status, "history": _check_history, "result": _check_result}
        problems = checks[kind](body)
        if not key:
            problems["Idempotency-Key"] = "required"
        if problems:
            return 422, {"error": "invalid", "fields": problems}
        code = body.get("dossier_code") if kind in ("status", "result") else None
        with self.lock, self._db() as db:
            try:
                db.execute(
                    "INSERT INTO delivery (idempotency_key, kind, dossier_code, status, body, received_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (key, kind, code, body.get("status"), json.dumps(body, ensure_ascii=False), time.time()),
                )
            except sqlite3.IntegrityError:
                self.duplicates += 1
                return 200, {"ok": True, "duplicate": True}
        return 200, {"ok": True}

    # -- the citizen's submission -------------------------------------------------------------------------------
    def submission(
        self, procedure_code: str, applicant: dict, files: list[tuple[str, str, str, bytes]], payment: dict
    ) -> dict:
        """The body of a submission: files are (document, filename, media type, content)."""
        portal_id = "G" + uuid.uuid4().hex[:12].upper()
        return {
            "message_id": f"submission-{portal_id}",
            "portal_id": portal_id,
            "procedure_code": procedure_code,
            "applicant": applicant,
            "submitted_at": time.strftime("%Y%m%d%H%M%S", time.gmtime(self.now() + 7 * 3600)),
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
            "payment": payment,
        }

    def submit(self, procedure_code: str, applicant: dict, files: list[tuple[str, str, str, bytes]], payment: dict):
        """Send a new submission to the agency; returns (HTTP status, answer with the portal's id)."""
        body = self.last_body = self.submission(procedure_code, applicant, files, payment)
        status, answer = self.send_to_agency("submission", body)
        with self._db() as db:
            db.execute(
                "INSERT INTO submission (portal_id, procedure_code, applicant, answer, sent_at) VALUES (?, ?, ?, ?, ?)",
                (
                    body["portal_id"],
                    procedure_code,
                    json.dumps(applicant, ensure_ascii=False),
                    json.dumps({"http": status, **answer}, ensure_ascii=False),
                    time.time(),
                ),
            )
        return status, {"portal_id": body["portal_id"], **answer}

    def send_to_agency(self, kind: str, body: dict, stamp: str | None = None) -> tuple[int, dict]:
        """Send a message to the agency, as the fault switches say: twice (duplicate_callbacks), or held back and
        sent after the next one (reorder_callbacks: the held one is answered 202 {"held": true})."""
        faults = self.faults
        if faults.reorder_callbacks and self.held is None:
            self.held = (kind, body)
            faults.injected["reordered"] = faults.injected.get("reordered", 0) + 1
            return 202, {"held": True}
        answer = self._post(kind, body, stamp)
        if faults.duplicate_callbacks:
            faults.injected["duplicated"] = faults.injected.get("duplicated", 0) + 1
            answer = self._post(kind, body, stamp)
        if self.held is not None:
            held, self.held = self.held, None
            self._post(*held)
        return answer

    def _post(self, kind: str, body: dict, stamp: str | None = None) -> tuple[int, dict]:
        data = json.dumps(body, ensure_ascii=False).encode()
        stamp = stamp or str(int(self.now()))
        request = urllib.request.Request(
            f"{self.app_url}/api/doi-tac/portal/{kind}",
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
            text = exc.read()
            try:
                return exc.code, json.loads(text)
            except ValueError:
                return exc.code, {"error": text[:300].decode(errors="replace")}
        except OSError as exc:
            return 0, {"error": f"không gửi được tới cơ quan: {exc}"}

    # -- serving ------------------------------------------------------------------------------------------------
    def server(self, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer((host, port), _handler(self))
        server.daemon_threads = True
        return server


def _check_status(body: dict) -> dict[str, str]:
    problems = {name: "required" for name in _STATUS_FIELDS if body.get(name) in (None, "")}
    if "status" not in problems and body.get("status") not in STATUS_LABELS:
        problems["status"] = "one of 1-10"
    for name in _DATE_FIELDS:
        if body.get(name):
            try:
                parse_wire_time(str(body[name]))
            except ValueError:
                problems[name] = "yyyyMMddHHmmss"
    return problems


def _check_history(body: dict) -> dict[str, str]:
    records = body.get("records")
    if not isinstance(records, list) or not records:
        return {"records": "a list of 1 to 10 records"}
    if len(records) > HISTORY_BATCH:
        return {"records": f"at most {HISTORY_BATCH} records in one batch"}
    problems = {}
    for n, record in enumerate(records, start=1):
        for name in ("dossier_code", "officer", "content", "step_start"):
            if not isinstance(record, dict) or not record.get(name):
                problems[f"records[{n}].{name}"] = "required"
    return problems


def _check_result(body: dict) -> dict[str, str]:
    """The electronic result: the dossier, and a file whose content matches its SHA-256."""
    problems = {name: "required" for name in ("dossier_code",) if not body.get(name)}
    file = body.get("file")
    if not isinstance(file, dict):
        return {**problems, "file": "{filename, media_type, sha256, content (base64)}"}
    for name in ("filename", "media_type", "sha256", "content"):
        if not isinstance(file.get(name), str) or not file[name]:
            problems[f"file.{name}"] = "required"
    if "file.content" in problems or "file.sha256" in problems:
        return problems
    try:
        content = base64.b64decode(file["content"], validate=True)
    except ValueError:
        return {**problems, "file.content": "base64"}
    if hashlib.sha256(content).hexdigest() != file["sha256"].lower():
        problems["file.sha256"] = "does not match the content"
    return problems


def _handler(sandbox: PortalSandbox):
    class Handler(BaseHTTPRequestHandler):
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

        def _faulty(self) -> str:
            """Apply the fault switches: "answered" when a fault answered (or dropped) the request, "lost_answer" when
            the request is to be kept without an answer, "" otherwise."""
            fault = sandbox.faults.draw()
            if sandbox.faults.delay:
                time.sleep(sandbox.faults.delay)
            if fault == "drop":
                self._drop()
                return "answered"
            if fault == "error":
                self._json(500, {"error": "injected fault"})
                return "answered"
            return fault

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/":
                return self._html(200, overview(sandbox))
            if url.path == "/nop-ho-so":
                return self._html(200, submission_form())
            if url.path == "/thanh-toan":
                return self._html(200, payment_form(parse_qs(url.query).get("portal_id", [""])[0]))
            if url.path == "/faults":
                return self._json(200, sandbox.counters())
            if url.path == "/ket-qua":
                found = sandbox.result_content(parse_qs(url.query).get("key", [""])[0])
                if found is None:
                    return self._json(404, {"error": "not found"})
                return self._send(200, found[1], found[0].get("media_type") or "application/octet-stream")
            if url.path == "/api/dossiers":
                refused = check(
                    sandbox.secret,
                    self.headers.get(HEADER_TIMESTAMP, ""),
                    b"",
                    self.headers.get(HEADER_SIGNATURE, ""),
                    time.time(),
                )
                if refused:
                    return self._json(401, {"error": refused})
                latest = {
                    code: entry["statuses"][-1] for code, entry in sandbox.dossiers().items() if entry["statuses"]
                }
                return self._json(200, {"dossiers": latest})
            return self._json(404, {"error": "not found"})

        def do_POST(self):
            url = urlparse(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if url.path == "/faults":
                sandbox.faults.set(json.loads(body or b"{}"))
                return self._json(200, sandbox.counters())
            if url.path == "/nop-ho-so":
                return self._citizen(body)
            if url.path == "/thanh-toan":
                return self._pay(body)
            kinds = {
                "/api/dossiers/status": "status",
                "/api/dossiers/history": "history",
                "/api/dossiers/result": "result",
            }
            if url.path not in kinds:
                return self._json(404, {"error": "not found"})
            fault = self._faulty()
            if fault == "answered":
                return None
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
                return self._json(422, {"error": "invalid", "fields": {"body": "JSON object"}})
            if not isinstance(payload, dict):
                return self._json(422, {"error": "invalid", "fields": {"body": "JSON object"}})
            code, answer = sandbox.receive(kinds[url.path], self.headers.get("Idempotency-Key", ""), payload)
            if fault == "lost_answer":
                return self._drop()
            return self._json(code, answer)

        def _pay(self, body: bytes):
            form = {k: v[0].strip() for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}
            amount = int(form["amount"]) if form.get("amount", "").isdigit() else -1
            message = {
                "message_id": f"payment-{uuid.uuid4().hex}",
                "portal_id": form.get("portal_id", ""),
                "reference": form.get("reference", ""),
                "amount": amount,
                "paid_at": time.strftime("%Y%m%d%H%M%S", time.gmtime(sandbox.now() + 7 * 3600)),
            }
            status, answer = sandbox.send_to_agency("payment", message)
            return self._html(200 if status == 200 else 422, payment_answer(status, answer))

        def _citizen(self, body: bytes):
            fields, files = multipart(self.headers.get("Content-Type", ""), body)
            applicant = {
                "type": int(fields.get("applicant_type") or 1),
                "name": fields.get("name", ""),
                "id_number": fields.get("id_number", ""),
                "address": fields.get("address", ""),
                "phone": fields.get("phone", ""),
            }
            if fields.get("email"):
                applicant["email"] = fields["email"]
            payment = {}
            if fields.get("payment_reference"):
                payment = {"reference": fields["payment_reference"], "amount": int(fields.get("payment_amount") or 0)}
            documents = [
                (fields.get(f"document_{n}", ""), *files[f"file_{n}"]) for n in range(1, 9) if f"file_{n}" in files
            ]
            status, answer = sandbox.submit(fields.get("procedure_code", ""), applicant, documents, payment)
            return self._html(200 if status == 200 else 422, submission_answer(status, answer))

    return Handler


def serve(port: int, db_path: str, secret: str, app_url: str, host: str = "127.0.0.1") -> None:
    """Run the sandbox until interrupted (`motcua sandbox portal`)."""
    server = PortalSandbox(db_path, secret, app_url).server(host, port)
    print(f"Cổng DVC thử nghiệm: http://{host}:{server.server_address[1]}/ (dữ liệu: {db_path})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
