"""E-mail notifications over SMTP: letters to applicants by their meaning (receipt: accepted, supplement_request:
supplementation needed, reception_refusal / appraisal_refusal: refused, apology: new appointment, stop_notice) from
the template files in adapters/notify/templates/<meaning>.txt (Vietnamese; the first line is the subject), and the
officers' notices on their e-mail channel (adapters/notify/officer_text.py). Other notifications, and letters to
applicants without an e-mail address, are logged only. Chosen with
MOTCUA_NOTIFICATION_SENDER=adapters.notify.smtp:SmtpNotifier (or adapters.notify.channels:ChannelNotifier beside
Zalo), MOTCUA_SMTP_HOST, MOTCUA_SMTP_PORT and MOTCUA_MAIL_FROM.

Nothing is sent twice: the message's Message-ID is made from the outbox idempotency key, and a ledger of the
Message-IDs the server accepted (MOTCUA_SMTP_LEDGER, a SQLite file; in memory when unset) is checked before each
send, so an outbox row delivered again after a crash or a lapsed lease is not mailed again. (SMTP has no
idempotency of its own: a crash between the server's 250 and the ledger's write, a few milliseconds, can still send
a message twice; its unchanged Message-ID lets mail readers fold the two.)"""

import hashlib
import logging
import smtplib
import sqlite3
import threading
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path

from adapters.notify.officer_text import officer_text
from engine.domain.clock import VN_TZ
from engine.domain.errors import AdapterRejected, AdapterUnavailable

TEMPLATES = Path(__file__).parent / "templates"
log = logging.getLogger("motcua.notify")


def _moment(text: object) -> str:
    """An ISO moment as 17/03/2026 09:00 (Vietnam time); anything else as it is."""
    try:
        return datetime.fromisoformat(str(text)).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(text or "")


def _lines(items: object) -> str:
    """A list of missing items or reasons, one per line ({item, reason} objects as "item: reason")."""
    if not isinstance(items, list):
        return str(items or "")
    out = []
    for entry in items:
        if isinstance(entry, dict):
            text = str(entry.get("item") or "")
            out.append(f"- {text}: {entry['reason']}" if entry.get("reason") else f"- {text}")
        else:
            out.append(f"- {entry}")
    return "\n".join(out)


class SentLedger:
    """The Message-IDs an SMTP server accepted: in a SQLite file shared by the workers of this server, or in memory."""

    def __init__(self, path: str = ""):
        self.path, self.memory, self.lock = path, set[str](), threading.Lock()
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.execute("CREATE TABLE IF NOT EXISTS sent (message_id TEXT PRIMARY KEY, sent_at TEXT NOT NULL)")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def __contains__(self, message_id: str) -> bool:
        if not self.path:
            return message_id in self.memory
        with self._db() as db:
            return db.execute("SELECT 1 FROM sent WHERE message_id = ?", (message_id,)).fetchone() is not None

    def add(self, message_id: str) -> None:
        if not self.path:
            with self.lock:
                self.memory.add(message_id)
            return
        with self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO sent (message_id, sent_at) VALUES (?, ?)",
                (message_id, datetime.now(VN_TZ).isoformat()),
            )


class SmtpNotifier:
    def __init__(self, smtp_host: str = "", smtp_port: int = 25, mail_from: str = "", public_url: str = "", **options):
        if not smtp_host or not mail_from:
            raise ValueError("the e-mail notifier needs MOTCUA_SMTP_HOST and MOTCUA_MAIL_FROM")
        self.host, self.port, self.mail_from = smtp_host, int(smtp_port), mail_from
        self.public_url, self.timeout = public_url.rstrip("/"), float(options.get("timeout") or 10)
        self.agency = parseaddr(mail_from)[0] or "Bộ phận Tiếp nhận và Trả kết quả"
        self.ledger = SentLedger(str(options.get("smtp_ledger") or ""))

    def _mail(self, to: str, name: str, subject: str, body: str, idempotency_key: str) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.mail_from
        mail["To"] = formataddr((name, to))
        mail["Subject"] = subject
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
        mail["Message-ID"] = f"<{digest}@motcua>"
        mail.set_content(body.lstrip("\n"))
        return mail

    def officer_message(self, payload: dict, idempotency_key: str) -> EmailMessage | None:
        """The e-mail of an officer's notice on their e-mail channel, or None when it is not one."""
        if payload.get("channel") != "email" or not payload.get("to"):
            return None
        subject, body = officer_text(payload, self.public_url)
        name = str(payload.get("recipient_name") or "")
        return self._mail(str(payload["to"]), name, subject, body, idempotency_key)

    def message(self, payload: dict, idempotency_key: str) -> EmailMessage | None:
        """The e-mail of a letter payload, or None when it has no template or no recipient."""
        template = TEMPLATES / f"{payload.get('form')}.txt"
        if not payload.get("to") or not template.is_file():
            return None
        values = {
            "code": payload.get("code", ""),
            "applicant_name": payload.get("applicant_name") or "Quý vị",
            "agency": self.agency,
            "appointment": _moment(payload.get("appointment")),
            "new_appointment": _moment(payload.get("new_appointment")),
            "reason": payload.get("reason") or "",
            "reasons": _lines(payload.get("reasons")),
            "missing_items": _lines(payload.get("missing_items")),
            "lookup_link": f"{self.public_url}/tra-cuu" if self.public_url else "trang tra cứu hồ sơ của Sở",
        }
        subject, _, body = template.read_text(encoding="utf-8").format(**values).partition("\n")
        subject = subject.removeprefix("Subject:").strip()
        return self._mail(str(payload["to"]), str(values["applicant_name"]), subject, body, idempotency_key)

    def send(self, kind: str, payload: dict, idempotency_key: str) -> None:
        mail = None
        if kind == "letter":
            mail = self.message(payload, idempotency_key)
        elif kind == "officer_notice":
            mail = self.officer_message(payload, idempotency_key)
        if mail is None:
            log.info("%s %s %s", kind, idempotency_key, payload)
            return
        if mail["Message-ID"] in self.ledger:
            log.info("%s %s already accepted by the mail server as %s", kind, idempotency_key, mail["Message-ID"])
            return
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(mail)
            self.ledger.add(mail["Message-ID"])
        except smtplib.SMTPRecipientsRefused as exc:
            raise AdapterRejected(f"SMTP: địa chỉ bị từ chối {exc.recipients}") from None
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise AdapterUnavailable(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from None
            raise AdapterRejected(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise AdapterUnavailable(f"SMTP {self.host}:{self.port}: {exc}") from None
