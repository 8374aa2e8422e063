"""Settings: read from the environment once, into one typed object. Nothing else reads `os.environ`."""

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///instance/motcua.db"
    secret_key: str = ""
    agency_code: str = "000.00.00.H00"
    processes_dir: Path = PROJECT_ROOT / "processes"
    calendar_overrides: Path | None = PROJECT_ROOT / "processes" / "calendar" / "vn_overrides.yaml"
    catalogue: Path | None = PROJECT_ROOT / "processes" / "catalogue.yaml"
    # The adapters (`package.module:Class`), each built with the keyword options of its partner (web.create_app).
    notification_sender: str = "adapters.notifications.log_sender:LogNotificationSender"
    portal_gateway: str = "adapters.portal.log_gateway:LogPortalGateway"
    portal_url: str = ""  # the portal's (or its sandbox's) base URL, e.g. http://127.0.0.1:8101
    portal_secret: str = ""  # the HMAC secret we share with the portal (both directions)
    postal_service: str = "adapters.postal.log_service:LogPostalService"
    postal_url: str = ""
    postal_secret: str = ""
    smtp_host: str = ""  # the mail server of the e-mail notifier (adapters.notify.smtp:SmtpNotifier)
    smtp_port: int = 25
    mail_from: str = ""  # e.g. "Bộ phận Một cửa <motcua@skhcn.example.gov.vn>"
    smtp_ledger: str = ""  # a SQLite file of the Message-IDs the mail server accepted ("": in memory)
    zalo_url: str = ""  # the Zalo OA message API's base URL (or its sandbox's, e.g. http://127.0.0.1:8103)
    zalo_token: str = ""  # the OA's access token
    adapter_timeout: float = 10.0  # seconds an adapter waits for a partner's answer
    outbox_attempts: int = 8  # attempts before an outbox message is parked as failed
    deadline_notice_hours: float = 4  # officers are told of a step due within this many working hours
    office_hours: str = "07:30-11:30,13:00-17:00"
    # A dossier received at or after this time (HH:MM) starts counting the next working morning; "" for none.
    cutoff: str = "17:00"
    # A postal handover signed more than this many days before its reception needs the officer's confirmation.
    handover_confirm_days: float = 30
    hours_per_day: float = 8
    script_timeout: float = 1.0  # seconds a script, condition or timer expression may run
    script_memory_mb: int = 256  # address space of a sandbox process that runs scripts
    live_workflows: int = 256  # live workflows kept between steps per process (0: restore every step)
    worker_batch: int = 100
    worker_interval: float = 5.0
    worker_lease: float = 60.0  # seconds a batch of due timers is a worker's alone (renewed while it runs)
    language: str = "vi"
    # Session cookies are sent over HTTPS only (browsers also accept them from http://127.0.0.1 and localhost).
    secure_cookies: bool = True
    session_hours: float = 10  # a signed-in session lasts a working day at most
    session_idle_minutes: float = 30  # and ends after this long without a request
    # Failed sign-ins over all accounts and sources in 15 minutes before sources an account never used must wait.
    sign_in_ceiling: int = 200
    # The header of the forms (Mẫu 01-06): the agency under its parent, its name in running text, the place line;
    # the one-stop unit named on Mẫu 01-03; who signs Mẫu 04 (the head of the agency).
    agency_name: str = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    agency_parent: str = "UBND TỈNH"
    agency_title: str = "Sở Khoa học và Công nghệ"
    agency_place: str = ""
    receiving_unit: str = "Bộ phận Tiếp nhận và Trả kết quả"
    signer_title: str = "GIÁM ĐỐC"
    signer_name: str = ""
    contact_phone: str = ""  # the one-stop section's phone, printed on Mẫu 02
    # The address citizens reach the public pages at (the QR on Mẫu 01 links to its status page); "" prints the code.
    public_url: str = ""
    lookup_limit: int = 10  # public status look-ups per client address ...
    lookup_window_minutes: int = 10  # ... in this many minutes
    # Periodic reports: figures close on this day of the month (data from the next day of the month before; 0:
    # calendar months) and the report is sent on `report_due_day` (engine/domain/report_periods.py).
    report_cutoff_day: int = 14
    report_due_day: int = 18
    # The key that seals the history (keyed MACs of events and heads; engine.domain.chain.Seal): never in the
    # database. `audit_key` itself, or else the file `audit_key_file` (created with a random key when missing).
    audit_key: str = ""
    audit_key_file: Path = PROJECT_ROOT / "instance" / "audit.key"
    # Where `motcua anchor` writes the signed digests of all heads (keep copies outside the server).
    anchor_dir: Path = PROJECT_ROOT / "instance" / "anchors"
    anchor_hours: float = 24  # the worker writes an anchor when the latest is this old (0: only `motcua anchor`)
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        """Build settings from MOTCUA_* variables; anything unset keeps its default."""
        base = cls()
        return replace(
            base,
            database_url=env.get("MOTCUA_DATABASE_URL", base.database_url),
            secret_key=env.get("MOTCUA_SECRET_KEY", base.secret_key),
            agency_code=env.get("MOTCUA_AGENCY_CODE", base.agency_code),
            notification_sender=env.get("MOTCUA_NOTIFICATION_SENDER", base.notification_sender),
            portal_gateway=env.get("MOTCUA_PORTAL_GATEWAY", base.portal_gateway),
            portal_url=env.get("MOTCUA_PORTAL_URL", base.portal_url).rstrip("/"),
            portal_secret=env.get("MOTCUA_PORTAL_SECRET", base.portal_secret),
            postal_service=env.get("MOTCUA_POSTAL_SERVICE", base.postal_service),
            postal_url=env.get("MOTCUA_POSTAL_URL", base.postal_url).rstrip("/"),
            postal_secret=env.get("MOTCUA_POSTAL_SECRET", base.postal_secret),
            smtp_host=env.get("MOTCUA_SMTP_HOST", base.smtp_host),
            smtp_port=int(env.get("MOTCUA_SMTP_PORT", base.smtp_port)),
            mail_from=env.get("MOTCUA_MAIL_FROM", base.mail_from),
            smtp_ledger=env.get("MOTCUA_SMTP_LEDGER", base.smtp_ledger),
            zalo_url=env.get("MOTCUA_ZALO_URL", base.zalo_url).rstrip("/"),
            zalo_token=env.get("MOTCUA_ZALO_TOKEN", base.zalo_token),
            adapter_timeout=float(env.get("MOTCUA_ADAPTER_TIMEOUT", base.adapter_timeout)),
            outbox_attempts=int(env.get("MOTCUA_OUTBOX_ATTEMPTS", base.outbox_attempts)),
            deadline_notice_hours=float(env.get("MOTCUA_DEADLINE_NOTICE_HOURS", base.deadline_notice_hours)),
            office_hours=env.get("MOTCUA_OFFICE_HOURS", base.office_hours),
            cutoff=env.get("MOTCUA_CUTOFF", base.cutoff),
            handover_confirm_days=float(env.get("MOTCUA_HANDOVER_CONFIRM_DAYS", base.handover_confirm_days)),
            hours_per_day=float(env.get("MOTCUA_HOURS_PER_DAY", base.hours_per_day)),
            worker_interval=float(env.get("MOTCUA_WORKER_INTERVAL", base.worker_interval)),
            worker_lease=float(env.get("MOTCUA_WORKER_LEASE", base.worker_lease)),
            script_timeout=float(env.get("MOTCUA_SCRIPT_TIMEOUT", base.script_timeout)),
            script_memory_mb=int(env.get("MOTCUA_SCRIPT_MEMORY_MB", base.script_memory_mb)),
            session_idle_minutes=float(env.get("MOTCUA_SESSION_IDLE_MINUTES", base.session_idle_minutes)),
            sign_in_ceiling=int(env.get("MOTCUA_SIGN_IN_CEILING", base.sign_in_ceiling)),
            language=env.get("MOTCUA_LANGUAGE", base.language),
            secure_cookies=env.get("MOTCUA_SECURE_COOKIES", "1").strip().lower() not in ("0", "false", "no", "off"),
            agency_name=env.get("MOTCUA_AGENCY_NAME", base.agency_name),
            agency_parent=env.get("MOTCUA_AGENCY_PARENT", base.agency_parent),
            agency_title=env.get("MOTCUA_AGENCY_TITLE", base.agency_title),
            agency_place=env.get("MOTCUA_AGENCY_PLACE", base.agency_place),
            receiving_unit=env.get("MOTCUA_RECEIVING_UNIT", base.receiving_unit),
            signer_title=env.get("MOTCUA_SIGNER_TITLE", base.signer_title),
            signer_name=env.get("MOTCUA_SIGNER_NAME", base.signer_name),
            contact_phone=env.get("MOTCUA_CONTACT_PHONE", base.contact_phone),
            public_url=env.get("MOTCUA_PUBLIC_URL", base.public_url).rstrip("/"),
            lookup_limit=int(env.get("MOTCUA_LOOKUP_LIMIT", base.lookup_limit)),
            report_cutoff_day=int(env.get("MOTCUA_REPORT_CUTOFF_DAY", base.report_cutoff_day)),
            report_due_day=int(env.get("MOTCUA_REPORT_DUE_DAY", base.report_due_day)),
            audit_key=env.get("MOTCUA_AUDIT_KEY", base.audit_key),
            audit_key_file=Path(env.get("MOTCUA_AUDIT_KEY_FILE", str(base.audit_key_file))),
            anchor_dir=Path(env.get("MOTCUA_ANCHOR_DIR", str(base.anchor_dir))),
            anchor_hours=float(env.get("MOTCUA_ANCHOR_HOURS", base.anchor_hours)),
        )

    def audit_seal_key(self) -> bytes:
        """The key of the history's seal: `audit_key`, or the contents of `audit_key_file`, which is created with a
        random key (readable by its owner only) when it does not exist."""
        if self.audit_key:
            return self.audit_key.encode("utf-8")
        path = Path(self.audit_key_file)
        if not path.exists():  # written aside, then linked in whole: a concurrent reader never sees it half written
            path.parent.mkdir(parents=True, exist_ok=True)
            aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
            descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
            try:
                os.link(aside, path)
            except FileExistsError:
                pass  # another process made it first: theirs is the key
            finally:
                os.unlink(aside)
        key = path.read_text().strip()
        if not key:
            raise ValueError(f"the audit key file {path} is empty (MOTCUA_AUDIT_KEY_FILE)")
        return key.encode("utf-8")

    def with_overrides(self, values: Mapping[str, object]) -> "Settings":
        known: dict[str, Any] = {k: v for k, v in values.items() if k in self.__dataclass_fields__}
        return replace(self, **known)
