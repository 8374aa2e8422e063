"""A sandbox of a Zalo Official Account's message API: it takes text messages to followers (POST
/v3.0/oa/message/cs with the `access_token` header, one message per Idempotency-Key) and lists them on its page
(GET /). Its fault switches (POST /faults) are those of adapters/sandbox_faults.py and `over_quota` (the OA's sending
quota used up). Its answers are the API's: HTTP 200 with `error` 0 and the message id, or a non-zero `error` (-216
invalid access token, -201 invalid parameter, -213 not a follower, -32 over quota). Run it with `motcua sandbox zalo
--port N`; its data stay in its own SQLite file.
"""

import html
import json
import time
import uuid
from datetime import datetime
from urllib.parse import urlparse

from adapters.notify.zalo import MAX_TEXT, MESSAGE_PATH
from adapters.sandbox_http import SandboxBase, SandboxHandler, run
from engine.domain.clock import VN_TZ
from engine.domain.signing import HEADER_IDEMPOTENCY_KEY

_SCHEMA = """
CREATE TABLE IF NOT EXISTS message (
  id INTEGER PRIMARY KEY, idempotency_key TEXT UNIQUE NOT NULL, message_id TEXT NOT NULL, user_id TEXT NOT NULL,
  text TEXT NOT NULL, received_at REAL NOT NULL);
"""
INVALID_TOKEN, INVALID_PARAMETER, NOT_FOLLOWER, OVER_QUOTA = -216, -201, -213, -32


class ZaloSandbox(SandboxBase):
    counted = "message"

    def __init__(self, db_path: str, token: str, seed: int | None = None, now=time.time):
        super().__init__(db_path, _SCHEMA, seed)
        self.token, self.now = token, now
        self.over_quota = False  # a fault switch of its own (POST /faults {"over_quota": true}): the OA's sending quota

    def messages(self) -> list[dict]:
        with self._db() as db:
            rows = db.execute(
                "SELECT idempotency_key, message_id, user_id, text, received_at FROM message ORDER BY id"
            ).fetchall()
        return [
            {"key": key, "message_id": mid, "user_id": user, "text": text, "received_at": at}
            for key, mid, user, text, at in rows
        ]

    def receive(self, token: str, key: str, body: object) -> dict:
        """The API's answer to a message (HTTP 200 in every case)."""
        if token != self.token:
            return {"error": INVALID_TOKEN, "message": "Access token is invalid"}
        if self.over_quota:
            return {"error": OVER_QUOTA, "message": "Quota exceeded"}
        recipient = body.get("recipient") if isinstance(body, dict) else None
        message = body.get("message") if isinstance(body, dict) else None
        user_id = recipient.get("user_id") if isinstance(recipient, dict) else None
        text = message.get("text") if isinstance(message, dict) else None
        if not key or not isinstance(user_id, str) or not isinstance(text, str) or not text or len(text) > MAX_TEXT:
            return {"error": INVALID_PARAMETER, "message": "Invalid parameter: recipient.user_id, message.text"}
        if not user_id.isdigit():
            return {"error": NOT_FOLLOWER, "message": "User has not followed the OA"}
        message_id = uuid.uuid4().hex
        with self.lock, self._db() as db:
            kept = db.execute("SELECT message_id FROM message WHERE idempotency_key = ?", (key,)).fetchone()
            if kept is not None:
                self.duplicates += 1
                return {"error": 0, "message": "Success", "data": {"message_id": kept[0], "user_id": user_id}}
            db.execute(
                "INSERT INTO message (idempotency_key, message_id, user_id, text, received_at) VALUES (?, ?, ?, ?, ?)",
                (key, message_id, user_id, text, self.now()),
            )
        return {"error": 0, "message": "Success", "data": {"message_id": message_id, "user_id": user_id}}

    def handler(self) -> type[SandboxHandler]:
        return _handler(self)


def _page(sandbox: ZaloSandbox) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{datetime.fromtimestamp(m['received_at'], VN_TZ).strftime('%d/%m/%Y %H:%M:%S')}</td>"
        f"<td>{e(m['user_id'])}</td><td><pre>{e(m['text'])}</pre></td><td><code>{e(m['key'])}</code></td></tr>"
        for m in reversed(sandbox.messages())
    )
    counters = sandbox.counters()
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Zalo OA (thử nghiệm)</title>'
        "<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse;"
        "width:100%}td,th{border:1px solid #d6dde8;padding:4px 8px;text-align:left;vertical-align:top}"
        "pre{white-space:pre-wrap;margin:0;font-family:inherit}code{font-size:12px;color:#555}</style></head><body>"
        "<h1>Zalo Official Account (thử nghiệm)</h1><h2>Tin nhắn đã gửi tới người quan tâm OA</h2>"
        "<table><tr><th>Thời điểm nhận</th><th>Mã người dùng Zalo</th><th>Nội dung</th><th>Khoá chống trùng</th></tr>"
        f"{rows or '<tr><td colspan=4>Chưa có tin nhắn nào.</td></tr>'}</table>"
        f"<p>Đã nhận {counters['delivered']} tin nhắn, {counters['duplicates']} tin trùng (không gửi lại); lỗi giả "
        f"lập: {counters['error']} lỗi 500, {counters['drop']} lần ngắt kết nối, {counters['lost_answer']} lần mất "
        "câu trả lời.</p></body></html>"
    )


def _handler(sandbox: ZaloSandbox):
    class Handler(SandboxHandler):
        def do_GET(self):
            path = urlparse(self.path).path
            if path == "/":
                return self._html(200, _page(sandbox))
            if path == "/faults":
                return self._json(200, sandbox.counters())
            if path == "/api/messages":
                return self._json(200, sandbox.messages())
            return self._json(404, {"error": "not found"})

        def do_POST(self):
            path = urlparse(self.path).path
            body = self._body()
            if path == "/faults":
                switches = json.loads(body or b"{}")
                sandbox.faults.set(switches)
                if "over_quota" in switches:
                    sandbox.over_quota = bool(switches["over_quota"])
                return self._json(200, sandbox.counters())
            if path != MESSAGE_PATH:
                return self._json(404, {"error": "not found"})
            fault = self._faulty(sandbox.faults, {"error": -1, "message": "injected fault"})
            if fault == "answered":
                return None
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            token, key = self.headers.get("access_token", ""), self.headers.get(HEADER_IDEMPOTENCY_KEY, "")
            answer = sandbox.receive(token, key, payload)
            if fault == "lost_answer":
                return self._drop()
            return self._json(200, answer)

    return Handler


def serve(port: int, db_path: str, token: str, host: str = "127.0.0.1") -> None:
    """Run the sandbox until interrupted (`motcua sandbox zalo`)."""
    run(ZaloSandbox(db_path, token).server(host, port), "Zalo OA thử nghiệm", db_path, host)
