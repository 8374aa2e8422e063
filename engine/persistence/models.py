"""SQLAlchemy 2 models. Workflow state is stored as data; what the lists and workers query lives in columns."""

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from engine.domain.clock import as_utc


class UtcDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; always returns aware UTC datetimes (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        utc = as_utc(value)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value, dialect):
        if value is None:
            return None

        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Id = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime, dict: JSON}


class ProcessVersion(Base):
    """One deployed version of a process: the files it needs, keyed by their hash."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_id", "version_hash"), UniqueConstraint("process_id", "number"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(500))
    version_hash: Mapped[str] = mapped_column(String(64))
    sources: Mapped[dict]
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(2000), default="", server_default="")  # the designer's change note


class ProcessDraft(Base):
    """A designer's unsaved work on a process, kept on the server: one draft per process and designer."""

    __tablename__ = "process_draft"
    __table_args__ = (UniqueConstraint("process_id", "author"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(100))
    base_number: Mapped[int] = mapped_column(Integer)  # the deployed version the draft started from (0: none)
    xml: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime]


class Instance(Base):
    """A running (or finished) process instance: for a dossier, the code is the dossier code."""

    __tablename__ = "instance"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    status: Mapped[str] = mapped_column(String(20))  # running | completed | cancelled
    state: Mapped[dict]
    # Every write checks the revision it read: a concurrent writer that slipped past the row lock fails loudly.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_event_hash: Mapped[str] = mapped_column(String(64), default="")
    last_event_seq: Mapped[int] = mapped_column(Integer, default=0)
    # The keyed MAC of (code, last_event_seq, last_event_hash): the key is a setting, not in the database.
    head_mac: Mapped[str | None] = mapped_column(String(64))


class UserTask(Base):
    """Projection of ready user tasks: the task list reads only this table."""

    __tablename__ = "user_task"
    __table_args__ = (
        Index("ix_user_task_lane", "lane", "due_at"),
        Index("ix_user_task_assignee", "assignee", "due_at"),
        Index("ix_user_task_instance", "instance_id"),
        Index("ix_user_task_due", "due_at"),
        # The task list (a role's lanes, then filters, a count and one sorted page) with 100,000 open tasks: the
        # count of any filter reads only this index; each sort has its own lane-first index (bench/task_list.py).
        Index("ix_user_task_filters", "lane", "procedure_code", "portal_status", "due_at", "assignee"),
        Index("ix_user_task_lane_appointment", "lane", "appointment"),
        Index("ix_user_task_lane_ready", "lane", "ready_at"),
        Index("ix_user_task_lane_code", "lane", "instance_code"),
    )

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    instance_code: Mapped[str] = mapped_column(String(100))
    process_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    lane: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[str | None] = mapped_column(String(100))
    properties: Mapped[dict]
    ready_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    # Copied from the dossier so that the task list needs no join; the appointment follows the dossier's.
    procedure_code: Mapped[str | None] = mapped_column(String(100))
    applicant_name: Mapped[str | None] = mapped_column(String(300))
    appointment: Mapped[datetime | None]
    portal_status: Mapped[int | None]


class Timer(Base):
    """A timer the workflow waits on; workers take rows whose `due_at` has passed."""

    __tablename__ = "timer"
    __table_args__ = (
        Index("ix_timer_due", "state", "due_at"),
        UniqueConstraint("instance_id", "task_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    task_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12))  # waiting | fired | cancelled
    fired_at: Mapped[datetime | None]
    # A lease, so that a batch taken by one worker is not taken by another until it expires (crash safety).
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None]


class HistoryEvent(Base):
    """Append-only, hash-chained history of one instance."""

    __tablename__ = "history_event"
    __table_args__ = (UniqueConstraint("instance_id", "seq"), Index("ix_history_task", "task_id"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    seq: Mapped[int]
    tag: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    task_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # On the last event of a step: its input and the digests of the state, facts, tasks and timers it left.
    step: Mapped[dict | None]
    mac: Mapped[str | None] = mapped_column(String(64))  # keyed MAC of the event's content and number


class OutboxMessage(Base):
    """A side effect to deliver after the step's commit, at least once, with an idempotency key."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "state", "next_attempt_at"),
        Index("ix_outbox_stream_order", "instance_id", "stream", "state"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    kind: Mapped[str] = mapped_column(String(50))
    stream: Mapped[str] = mapped_column(String(12), server_default="notify")  # the port: portal | postal | notify
    payload: Mapped[dict]
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(12))  # pending | sent | failed | discarded
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class InboxMessage(Base):
    """A partner's inbound message, stored (deduplicated by its id) before it is processed."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("partner", "message_id", name="uq_inbox_message"),
        Index("ix_inbox_state", "state", "received_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    partner: Mapped[str] = mapped_column(String(20))  # portal | postal
    message_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict]
    state: Mapped[str] = mapped_column(String(12))  # received | processed | refused
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    result: Mapped[dict | None]
    error: Mapped[str | None] = mapped_column(Text)


class CalendarOverride(Base):
    """A day an administrator declared off or worked, beyond the holidays package and the shipped file."""

    __tablename__ = "calendar_override"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(4))  # off | work
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))


class Account(Base):
    """An officer's or system's account. Passwords are stored as argon2 hashes only."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    division: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # Where the officer is told of their tasks and deadlines, and which channels they chose ("email,zalo").
    email: Mapped[str | None] = mapped_column(String(254))
    zalo_id: Mapped[str | None] = mapped_column(String(64))
    notify_channels: Mapped[str] = mapped_column(String(50), default="", server_default="")


class SignInAttempt(Base):
    """One sign-in attempt: failed ones in the recent past slow down guessing (per account and per source)."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_user", "username", "at"),
        Index("ix_sign_in_source", "source", "at"),
        Index("ix_sign_in_at", "at"),  # the ceiling over all accounts and sources
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    succeeded: Mapped[bool]


class WebSession(Base):
    """A signed-in session of the pages. The cookie carries a random token; only its SHA-256 is stored, so the
    server can end the session (sign-out, password change, account locked, an administrator) and idle ones expire."""

    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_account", "account_id", "ended_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    source: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_why: Mapped[str | None] = mapped_column(String(30))  # signed_out | password | locked | admin


class ApiToken(Base):
    """A token a system presents to the REST API; only its SHA-256 is stored. It acts as its account."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class DossierSequence(Base):
    """The last sequence number used for dossier codes of one agency on one day (TT 01/2018 Art. 19)."""

    __tablename__ = "dossier_sequence"

    agency_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Dossier(Base):
    """A dossier (hồ sơ): who applied for what, by which channel, and its dates and national status."""

    __tablename__ = "dossier"
    __table_args__ = (
        Index("ix_dossier_received", "received_at"),
        Index("ix_dossier_status", "status"),
        Index("ix_dossier_instance", "instance_id"),  # steps update their dossier by instance
        Index("ix_dossier_processing_end", "processing_end_at"),  # the indicators of dossiers ended in a period
        Index("ix_dossier_portal_id", "portal_id", unique=True),
        Index("ix_dossier_postal_item", "postal_item", unique=True),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    procedure_code: Mapped[str] = mapped_column(String(100))
    applicant: Mapped[dict]
    channel: Mapped[int]
    result_delivery: Mapped[str] = mapped_column(String(10))
    documents: Mapped[dict]
    fee: Mapped[int] = mapped_column(Integer, default=0)
    fee_paid: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime]
    clock_start: Mapped[datetime]
    appointment: Mapped[datetime]
    original_appointment: Mapped[datetime]
    status: Mapped[int]
    status_changed_at: Mapped[datetime]
    supplement_count: Mapped[int] = mapped_column(Integer, default=0)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    processing_end_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    received_by: Mapped[str] = mapped_column(String(100))
    # Quá hạn: still open at its due date, or ended after it (see engine/services/step.py, "Dossier effects").
    late: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When the pending supplementation request was made (None when none is pending); "pause" moves the appointment
    # by the office time from then to the supplement's arrival.
    supplement_requested_at: Mapped[datetime | None]
    # The legal basis in force on the day it was received (processes/legal/<id>.yaml), kept for life.
    legal_basis: Mapped[str] = mapped_column(String(30))
    # What the dossier is found by (engine.domain.dossier_search): folded code, applicant name, ID number, phone.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # An online dossier's id on the national portal (its status updates carry it) and the payment the portal reported
    # ({reference, amount, paid_at}); None for the other channels.
    portal_id: Mapped[str | None] = mapped_column(String(50))
    payment: Mapped[dict | None]
    # A dossier the postal service handed over: its item code and the handover record ({signed_at, postal_worker,
    # fees_collected}); None for the other channels.
    postal_item: Mapped[str | None] = mapped_column(String(50))
    postal: Mapped[dict | None]


class DossierFile(Base):
    """A file received with a dossier (bản số hoá): one of its procedure's documents, stored with its size and SHA-256
    as computed on arrival, so that a later read can tell whether the stored content was changed."""

    __tablename__ = "dossier_file"
    __table_args__ = (Index("ix_dossier_file_dossier", "dossier_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    document: Mapped[str] = mapped_column(String(500))  # the catalogue's name of the document
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[str] = mapped_column(String(100))


# --- indicators, reports and the citizen's side (issue 15) ------------------------------------------------------------
class ProjectionMark(Base):
    """How far a projection built from the history has read it: the last history_event id it has taken in."""

    __tablename__ = "projection_mark"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)


class StepFact(Base):
    """One user task of a dossier as the indicators see it (who, which lane, ready, due, done), projected from the
    history (`engine.services.indicator_projection`) so that officers' figures are indexed queries."""

    __tablename__ = "step_fact"
    __table_args__ = (
        Index("ix_step_fact_completed", "completed_at"),
        Index("ix_step_fact_actor", "actor", "completed_at"),
    )

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    lane: Mapped[str] = mapped_column(String(200))
    ready_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    actor: Mapped[str | None] = mapped_column(String(100))
    withdrawn: Mapped[bool] = mapped_column(default=False, server_default=false())


class DossierFact(Base):
    """A dossier as the indicators count it, one narrow row kept from its row and its history by the projection
    (`engine.services.indicator_projection`): days as numbers (Vietnam time, days since 1970-01-01), its QĐ 766
    outcome once its processing ended (computed by `engine.domain.indicators.dossier_outcome`), the appointment an
    extension moved away from (lateness is judged by it), the resolution time in office hours (waiting for the
    applicant's supplementation taken out). The figures of a year are sums over these rows, never over the wide
    dossier rows."""

    __tablename__ = "dossier_fact"
    __table_args__ = (Index("ix_dossier_fact_received", "received_day"), Index("ix_dossier_fact_end", "end_day"))

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), primary_key=True)
    procedure_code: Mapped[str] = mapped_column(String(100))
    status: Mapped[int]
    received_day: Mapped[int]
    end_day: Mapped[int | None]  # the day processing ended (None: open)
    outcome: Mapped[str | None] = mapped_column(String(10))  # early | on_time | late | withdrawn; None while open
    due_at: Mapped[datetime]  # the date lateness is judged by
    channel: Mapped[int]
    result_online: Mapped[bool]
    digitised: Mapped[bool]
    fee_due: Mapped[bool]
    fee_paid: Mapped[bool]
    extended_from: Mapped[datetime | None]
    # The apology letter (Mẫu 04) that moved the return date: when, and the reason it gave.
    extended_at: Mapped[datetime | None]
    extension_reason: Mapped[str | None] = mapped_column(Text)
    resolution_hours: Mapped[float | None] = mapped_column(Float)
    # Linked with the national portal by its id (the dossier's statuses are synchronised there), and paid online
    # (the portal reported the payment, with its reference).
    portal_linked: Mapped[bool] = mapped_column(default=False, server_default=false())
    paid_online: Mapped[bool] = mapped_column(default=False, server_default=false())


class IndicatorDay(Base):
    """The dossier facts summed per procedure and day (kept with every change of a fact, old values out and new ones
    in): a year of figures is 365 rows per procedure, whatever the number of dossiers. `received*` count on the day a
    dossier was received (accepted: not status 1), `ended_*` on the day its processing ended, by QĐ 766 outcome."""

    __tablename__ = "indicator_day"

    procedure_code: Mapped[str] = mapped_column(String(100), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    received: Mapped[int] = mapped_column(Integer, default=0)
    received_online: Mapped[int] = mapped_column(Integer, default=0)
    received_fully_online: Mapped[int] = mapped_column(Integer, default=0)
    received_postal: Mapped[int] = mapped_column(Integer, default=0)
    received_digitised: Mapped[int] = mapped_column(Integer, default=0)
    received_fee_due: Mapped[int] = mapped_column(Integer, default=0)
    received_fee_paid: Mapped[int] = mapped_column(Integer, default=0)
    ended_early: Mapped[int] = mapped_column(Integer, default=0)
    ended_on_time: Mapped[int] = mapped_column(Integer, default=0)
    ended_late: Mapped[int] = mapped_column(Integer, default=0)
    ended_withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    resolution_hours: Mapped[float] = mapped_column(Float, default=0)
    resolved_with_time: Mapped[int] = mapped_column(Integer, default=0)
    received_portal: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    received_paid_online: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ended_result: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # resolved (9) or returned (10)
    ended_result_online: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # ... electronically


class OfficerDay(Base):
    """Steps an officer completed per day, and how many after their deadline (counted once, when the step's
    completion is first taken in)."""

    __tablename__ = "officer_day"

    actor: Mapped[str] = mapped_column(String(100), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    done: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)


class SatisfactionRating(Base):
    """The applicant's rating of a dossier after its result (once per dossier): on the public page or at the counter."""

    __tablename__ = "satisfaction_rating"
    __table_args__ = (Index("ix_rating_at", "rated_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    procedure_code: Mapped[str] = mapped_column(String(100))  # the dossier's, so that counts need no join
    level: Mapped[str] = mapped_column(String(20))  # very_satisfied | satisfied | not_satisfied
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10))  # public | counter
    rated_at: Mapped[datetime]
    recorded_by: Mapped[str | None] = mapped_column(String(100))


class LookupAttempt(Base):
    """A look-up on the public status page, kept to limit how fast one source can guess codes and phone digits."""

    __tablename__ = "lookup_attempt"
    __table_args__ = (Index("ix_lookup_source", "source", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    found: Mapped[bool]


class Feedback(Base):
    """A feedback or petition (phản ánh, kiến nghị, PAKN) from the public page, e-mail or the portal, handled by its
    own BPMN process (`processes/phan_anh_kien_nghi.bpmn`); answered ones are published."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_published", "published_at"), Index("ix_feedback_due", "status", "due_at"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    kind: Mapped[str] = mapped_column(String(20))  # rule | handling
    channel: Mapped[str] = mapped_column(String(10))  # web | email | portal
    name: Mapped[str] = mapped_column(String(300))
    contact: Mapped[str] = mapped_column(String(300))
    dossier_code: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(500))
    content: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))  # open | published
    answer: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]


class WorkItem(Base):
    """Work no workflow step holds, for the officers of a lane (e.g. an item the post brought back after two failed
    delivery attempts): in their task list until one of them marks it done. Opened once per `key`."""

    __tablename__ = "work_item"
    __table_args__ = (Index("ix_work_item_open", "lane", "done_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    code: Mapped[str] = mapped_column(String(100))
    lane: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    instruction: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(100))
    done_note: Mapped[str | None] = mapped_column(Text)
