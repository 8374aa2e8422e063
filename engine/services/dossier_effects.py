"""What a step's effects do to the dossier: extension, supplementation, lateness, status and processing end.

save_step calls `record_effects` with the effects scripts asked for; the rules are listed below.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.domain.calendar import WorkingCalendar, parse_allotment
from engine.domain.clock import VN_TZ
from engine.domain.errors import ValidationError
from engine.persistence.models import Dossier, HistoryEvent, Instance, UserTask
from engine.services.effects import Effect
from engine.services.history import Chain

EFFECT_TAGS = {"letter": "dossier:letter:queued", "portal_status": "dossier:status:changed"}
OPEN_STATUSES = frozenset({1, 2, 4, 5, 6})
# A dossier leaves processing with one of these (processing_end_at is set then). The national indicators take the
# first of 9, 10, 8, 3 (DOMAIN.md); 7 (withdrawn) also ends processing but is not judged early, on time or late.
PROCESSING_END_STATUSES = frozenset({3, 7, 8, 9, 10})
JUDGED_END_STATUSES = frozenset({3, 8, 9, 10})
RETURNED = 10
ONE_STOP_LANE = "Bộ phận Một cửa"


def outbox_row(instance: Instance, kind: str, key: str, payload: dict, now: datetime) -> dict:
    return {
        "instance_id": instance.id,
        "kind": kind,
        "idempotency_key": key,
        "payload": payload,
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


# --- Dossier effects ------------------------------------------------------------------------------------------------
# Rules (docs/PROCEDURES.md lists the helpers):
# - extension (extend_appointment): once per dossier (extension_count 0 -> 1), to a date later than the current
#   appointment, while the dossier is open; otherwise the step fails and nothing is written.
# - supplement_requested (request_supplement): supplement_count + 1, the waiting starts now; a second request marks
#   the dossier late (it counts as late in the national indicators).
# - supplement_received: "restart" -> appointment = now + the time limit (ND 61/2018 Điều 19 k4); "pause" -> the
#   appointment moves by the office time spent waiting (calendar days for calendar-day procedures).
# - late (mark_late, from the timer at the appointment): an open dossier whose due date has come is marked late once;
#   not while a supplementation is pending (its time limit restarts or resumes when the supplement arrives).
#   The due date is the appointment as moved by supplementation, not by an extension: an apology letter does not make
#   a late dossier on time (engine/domain/timeliness.py).
# - portal status 3, 7, 8, 9, 10 sets processing_end_at (the first time); 10 sets returned_at. Ending (3, 8, 9, 10)
#   after the due date marks the dossier late, which catches what the timer cannot see (a timer is armed once, at the
#   appointment known when the resolution began).
# Every move of the appointment records `dossier:appointment:moved` {from, to, rule, ...} and queues a notification
# to the one-stop section. An instance without a dossier row (a bare process run) records the events only.


@dataclass
class DossierRow:
    """The dossier of the instance a step runs, as the step's effects change it; written back with one UPDATE."""

    id: int
    instance_id: int
    appointment: datetime
    status: int
    supplement_count: int
    extension_count: int
    processing_end_at: datetime | None
    returned_at: datetime | None
    late: bool
    supplement_requested_at: datetime | None
    changes: dict = field(default_factory=dict)
    # The due date for lateness when this step already knows it (after an extension or a supplementation move).
    known_due: datetime | None = None

    @classmethod
    def load(cls, session: Session, instance_id: int) -> "DossierRow | None":
        table = Dossier.__table__
        columns = [table.c[name] for name in cls.__dataclass_fields__ if name not in ("changes", "known_due")]
        row = session.connection().execute(select(*columns).where(table.c.instance_id == instance_id)).first()
        return cls(**row._asdict()) if row is not None else None

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES and self.processing_end_at is None

    def set(self, **values) -> None:
        for name, value in values.items():
            setattr(self, name, value)
        self.changes.update(values)

    def write(self, session: Session) -> None:
        if self.changes:
            table = Dossier.__table__
            session.connection().execute(update(table).where(table.c.id == self.id).values(**self.changes))
        if "appointment" in self.changes:  # the task list shows the dossier's appointment
            tasks = UserTask.__table__
            session.connection().execute(
                update(tasks).where(tasks.c.instance_id == self.instance_id).values(appointment=self.appointment)
            )


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(VN_TZ).isoformat() if moment is not None else None


class _Effects:
    """Applies one step's effects: history events, outbox rows, and the dossier's columns."""

    def __init__(self, session, instance, chain, calendar, now, dossier: DossierRow | None):
        self.session, self.instance, self.chain = session, instance, chain
        self.calendar, self.now, self.dossier = calendar, now, dossier
        self.outbox: list[dict] = []
        self.rearm_at: datetime | None = None

    def note(self, tag: str, payload: dict) -> int:
        return self.chain.append(tag, self.now, "system", payload)

    def queue(self, kind: str, seq: int, payload: dict) -> None:
        code = self.instance.code
        self.outbox.append(outbox_row(self.instance, kind, f"{code}:{seq}", {"code": code, **payload}, self.now))

    def notify_one_stop(self, seq: int, event: str, payload: dict) -> None:
        self.queue("notification", seq, {"event": event, "lane": ONE_STOP_LANE, **payload})

    # -- the effects ---------------------------------------------------------------------------------------------
    def letter(self, payload: dict) -> None:
        self.queue("letter", self.note(EFFECT_TAGS["letter"], payload), payload)

    def portal_status(self, payload: dict) -> None:
        self.queue("portal_status", self.note(EFFECT_TAGS["portal_status"], payload), payload)
        dossier, status = self.dossier, payload["status"]
        if dossier is None:
            return
        dossier.set(status=status, status_changed_at=self.now)
        if status == RETURNED and dossier.returned_at is None:
            dossier.set(returned_at=self.now)
        if status in PROCESSING_END_STATUSES and dossier.processing_end_at is None:
            dossier.set(processing_end_at=self.now)
            due = self.due()
            if status in JUDGED_END_STATUSES and not dossier.late and self.now > due:
                self.mark_late("processing-end", {"appointment": _iso(due), "processing_end_at": _iso(self.now)})

    def extension(self, payload: dict) -> None:
        dossier, to, reason = self.dossier, datetime.fromisoformat(payload["to"]), payload["reason"]
        if dossier is None:
            seq = self.note(
                "dossier:appointment:moved", {"from": None, "to": _iso(to), "rule": "extension", "reason": reason}
            )
            self.notify_one_stop(seq, "appointment_moved", {"to": _iso(to), "rule": "extension", "reason": reason})
            return
        code = self.instance.code
        if dossier.extension_count:
            raise ValidationError(
                f"dossier {code} was already given a new return date ({_iso(dossier.appointment)}); the return date "
                "may be re-set only once (ND 61/2018 Điều 19 k9)",
                {"new_appointment": "already extended once"},
            )
        if not dossier.open:
            raise ValidationError(
                f"dossier {code} is no longer being processed (status {dossier.status}); its return date stays",
                {"new_appointment": "dossier closed"},
            )
        if to <= dossier.appointment:
            raise ValidationError(
                f"the new return date {_iso(to)} of dossier {code} must be later than its appointment "
                f"{_iso(dossier.appointment)}",
                {"new_appointment": "not later than the appointment"},
            )
        due = self.due()  # an extension does not move the date lateness is judged by
        self.move(to, "extension", {"reason": reason})
        dossier.set(extension_count=dossier.extension_count + 1)
        dossier.known_due = due

    def supplement_requested(self, payload: dict) -> None:
        dossier = self.dossier
        if dossier is None:
            self.note("dossier:supplement:requested", {"count": None})
            return
        count = dossier.supplement_count + 1
        dossier.set(supplement_count=count, supplement_requested_at=self.now)
        self.note("dossier:supplement:requested", {"count": count})
        if count > 1 and not dossier.late:
            self.mark_late("supplement-count", {"supplement_count": count})

    def supplement_received(self, payload: dict) -> None:
        dossier, policy = self.dossier, payload["policy"]
        if dossier is None:
            self.note("dossier:supplement:received", {"policy": policy})
            return
        requested = dossier.supplement_requested_at
        if requested is None:
            raise ValidationError(
                f"dossier {self.instance.code} has no pending supplementation request: call request_supplement() "
                "when the appraisal asks for it, then supplement_received(...) when it arrives"
            )
        amount, unit = parse_allotment(payload["time_limit"])
        if policy == "restart":
            to, waited = self.calendar.add(self.now, amount, unit), None
        elif unit == "d":  # calendar-day procedures pause by whole calendar days
            days = (self.now.astimezone(VN_TZ).date() - requested.astimezone(VN_TZ).date()).days
            to, waited = self.calendar.add(dossier.appointment, days, "d"), f"{days}cd"
        else:
            office = self.calendar.working_time_between(requested, self.now)
            hours = office.total_seconds() / 3600
            to, waited = self.calendar.add(dossier.appointment, hours, "wh"), f"{hours:g}h"
        self.note("dossier:supplement:received", {"policy": policy, "requested_at": _iso(requested), "waited": waited})
        dossier.set(supplement_requested_at=None)
        if to != dossier.appointment:
            extra = {"time_limit": payload["time_limit"]} if policy == "restart" else {"waited": waited}
            self.move(to, f"supplement-{policy}", extra)
        dossier.known_due = to

    def late(self, payload: dict) -> None:
        dossier = self.dossier
        if dossier is None:
            self.note("dossier:late", {"rule": "appointment"})
            return
        if dossier.late or not dossier.open or dossier.supplement_requested_at is not None:
            return  # waiting for a supplement: the time limit restarts or resumes when it arrives
        due = self.due()
        if self.now >= due:
            self.mark_late("appointment", {"appointment": _iso(due)})

    # -- shared ----------------------------------------------------------------------------------------------------
    def move(self, to: datetime, rule: str, extra: dict) -> None:
        moved = {"from": _iso(self.dossier.appointment), "to": _iso(to), "rule": rule, **extra}
        self.notify_one_stop(self.note("dossier:appointment:moved", moved), "appointment_moved", moved)
        self.dossier.set(appointment=to)
        if rule.startswith("supplement-"):
            # The workflow's timers at (or counted back from) the appointment follow it; an extension moves only the
            # return date promised in Mẫu 04, not the due date lateness is judged by, so its timers stay.
            self.rearm_at = to

    def mark_late(self, rule: str, extra: dict) -> None:
        self.dossier.set(late=True)
        payload = {"rule": rule, **extra}
        self.notify_one_stop(self.note("dossier:late", payload), "dossier_late", payload)

    def due(self) -> datetime:
        """The date lateness is judged by: the appointment, or the one an extension moved away from."""
        dossier = self.dossier
        if dossier.known_due is not None:
            return dossier.known_due
        if dossier.extension_count:
            table = HistoryEvent.__table__
            last_move = self.session.connection().scalar(
                select(table.c.payload)
                .where(table.c.instance_id == self.instance.id, table.c.tag == "dossier:appointment:moved")
                .order_by(table.c.seq.desc())
                .limit(1)
            )
            if last_move and last_move.get("rule") == "extension" and last_move.get("from"):
                dossier.known_due = datetime.fromisoformat(last_move["from"])
                return dossier.known_due
        return dossier.appointment


_HANDLERS = {
    kind: getattr(_Effects, kind)
    for kind in ("letter", "portal_status", "extension", "supplement_requested", "supplement_received", "late")
}


@dataclass(frozen=True)
class Recorded:
    """What `record_effects` leaves to its caller: outbox rows to insert, and the appointment the workflow's timers
    must be re-armed for when a supplementation moved it (None otherwise)."""

    outbox: list[dict]
    rearm_at: datetime | None = None


def record_effects(
    session: Session,
    instance: Instance,
    chain: Chain,
    effects: list[Effect],
    calendar: WorkingCalendar,
    now: datetime,
) -> Recorded:
    """Record `effects` in order: history events on `chain`, changes to the instance's dossier (written here).
    Raises ValidationError when an effect breaks a rule (see above)."""
    applied = _Effects(session, instance, chain, calendar, now, DossierRow.load(session, instance.id))
    for effect in effects:
        _HANDLERS[effect.kind](applied, effect.payload)
    if applied.dossier is not None:
        applied.dossier.write(session)
    return Recorded(applied.outbox, applied.rearm_at)
