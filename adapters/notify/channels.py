"""Notifications on every channel: letters to applicants and officers' e-mail notices over SMTP
(adapters/notify/smtp.py), officers' Zalo notices over the Zalo OA-style API (adapters/notify/zalo.py). A channel
whose settings are missing (MOTCUA_SMTP_HOST and MOTCUA_MAIL_FROM; MOTCUA_ZALO_URL and MOTCUA_ZALO_TOKEN) logs its
messages instead. Chosen with MOTCUA_NOTIFICATION_SENDER=adapters.notify.channels:ChannelNotifier."""

import logging

from adapters.notify.smtp import SmtpNotifier
from adapters.notify.zalo import ZaloNotifier

log = logging.getLogger("motcua.notify")


class ChannelNotifier:
    def __init__(self, **options):
        mail_ready = options.get("smtp_host") and options.get("mail_from")
        self.email = SmtpNotifier(**options) if mail_ready else None
        self.zalo = ZaloNotifier(**options) if options.get("zalo_url") and options.get("zalo_token") else None

    def send(self, kind: str, payload: dict, idempotency_key: str) -> None:
        channel = payload.get("channel") if kind == "officer_notice" else "email" if kind == "letter" else None
        adapter = {"email": self.email, "zalo": self.zalo}.get(str(channel))
        if adapter is None:
            log.info("%s %s %s", kind, idempotency_key, payload)
            return
        adapter.send(kind, payload, idempotency_key)
