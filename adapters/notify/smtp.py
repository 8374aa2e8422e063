"""E-mail notifications over SMTP: letters to applicants by their meaning (receipt: accepted, supplement_request:
supplementation needed, reception_refusal / appraisal_refusal: refused, apology: new appointment, stop_notice) from
the template files in adapters/notify/templates/<meaning>.txt (Vietnamese; the first line is the subject). The message's
Message-ID is made from the outbox idempotency key, so a message sent again after a crash is recognisably the same
one. Other notifications, and letters to applicants without an e-mail address, are logged only. Chosen with
MOTCUA_NOTIFICATION_SENDER=adapters.notify.smtp:SmtpNotifier, MOTCUA_SMTP_HOST, MOTCUA_SMTP_PORT and
MOTCUA_MAIL_FROM."""

import hashlib
import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path

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


class SmtpNotifier:
    def __init__(self, smtp_host: str = "", smtp_port: int = 25, mail_from: str = "", public_url: str = "", **options):
        if not smtp_host or not mail_from:
            raise ValueError("the e-mail notifier needs MOTCUA_SMTP_HOST and MOTCUA_MAIL_FROM")
        self.host, self.port, self.mail_from = smtp_host, int(smtp_port), mail_from
        self.public_url, self.timeout = public_url.rstrip("/"), float(options.get("timeout") or 10)
        self.agency = parseaddr(mail_from)[0] or "Bộ phận Tiếp nhận và Trả kết quả"

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
        mail = EmailMessage()
        mail["From"] = self.mail_from
        mail["To"] = formataddr((str(values["applicant_name"]), str(payload["to"])))
        mail["Subject"] = subject.removeprefix("Subject:").strip()
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
        mail["Message-ID"] = f"<{digest}@motcua>"
        mail.set_content(body.lstrip("\n"))
        return mail

    def send(self, kind: str, payload: dict, idempotency_key: str) -> None:
        mail = self.message(payload, idempotency_key) if kind == "letter" else None
        if mail is None:
            log.info("%s %s %s", kind, idempotency_key, payload)
            return
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise AdapterRejected(f"SMTP: địa chỉ bị từ chối {exc.recipients}") from None
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise AdapterUnavailable(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from None
            raise AdapterRejected(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise AdapterUnavailable(f"SMTP {self.host}:{self.port}: {exc}") from None
