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
import time
import uuid
from urllib.parse import parse_qs, urlparse

from adapters.portal.sandbox_pages import (
    overview,
    payment_answer,
    payment_form,
    submission_answer,
    submission_form,
)
from adapters.sandbox_forms import applicant, documents, multipart, wire_documents
from adapters.sandbox_http import SandboxBase, SandboxHandler, post_signed, run
from engine.domain.portal import STATUS_LABELS
from engine.domain.portal_wire import HISTORY_BATCH, parse_wire_time

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


class PortalSandbox(SandboxBase):
    counted = "delivery"

    def __init__(self, db_path: str, secret: str, app_url: str = "", seed: int | None = None, now=time.time):
        """`now` (seconds since the epoch) stamps what the sandbox signs: tests give the application's clock."""
        super().__init__(db_path, _SCHEMA, seed)
        self.secret, self.app_url, self.now = secret, app_url.rstrip("/"), now
        self.last_body: dict = {}
        self.held: tuple[str, dict] | None = None  # a callback held back by reorder_callbacks

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
            "documents": wire_documents(files),
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
        url = f"{self.app_url}/api/doi-tac/portal/{kind}"
        return post_signed(url, self.secret, stamp or str(int(self.now())), body)

    def handler(self) -> type[SandboxHandler]:
        return _handler(self)


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
    class Handler(SandboxHandler):
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
                refused = self._refused(sandbox.secret, b"")
                if refused:
                    return self._json(401, {"error": refused})
                latest = {
                    code: entry["statuses"][-1] for code, entry in sandbox.dossiers().items() if entry["statuses"]
                }
                return self._json(200, {"dossiers": latest})
            return self._json(404, {"error": "not found"})

        def do_POST(self):
            url = urlparse(self.path)
            body = self._body()
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
            kind = kinds[url.path]
            return self._receive_signed(
                sandbox.faults, sandbox.secret, body, lambda *sent: sandbox.receive(kind, *sent)
            )

        def _pay(self, body: bytes):
            form = self._form(body)
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
            person = applicant(fields)
            if fields.get("email"):
                person["email"] = fields["email"]
            payment = {}
            if fields.get("payment_reference"):
                payment = {"reference": fields["payment_reference"], "amount": int(fields.get("payment_amount") or 0)}
            sent = documents(fields, files)
            status, answer = sandbox.submit(fields.get("procedure_code", ""), person, sent, payment)
            return self._html(200 if status == 200 else 422, submission_answer(status, answer))

    return Handler


def serve(port: int, db_path: str, secret: str, app_url: str, host: str = "127.0.0.1") -> None:
    """Run the sandbox until interrupted (`motcua sandbox portal`)."""
    run(PortalSandbox(db_path, secret, app_url).server(host, port), "Cổng DVC thử nghiệm", db_path, host)
