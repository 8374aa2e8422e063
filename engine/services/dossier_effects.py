"""What a step's effects do to its dossier: extension, supplementation, lateness, status and processing end. Pure.

`apply_effects` takes the dossier's facts before the step and the effects its scripts asked for, and returns the
history events to record (some with an outbox message), the columns that change and whether the workflow's timers
must follow a moved appointment. The rules (docs/PROCEDURES.md lists the helpers; the date arithmetic is in
`engine.domain.deadlines`):
- extension (extend_appointment): once per dossier, to a date later than the current appointment, while the dossier
  is open; otherwise the step fails and nothing is written.
- supplement_requested (request_supplement): supplement_count + 1, the waiting starts now; a second request marks the
  dossier late (it counts as late in the national indicators).
- supplement_received: the appointment moves by the procedure's policy ("restart" or "pause").
- late (mark_late, from the timer at the appointment): an open dossier whose due date has come is marked late once;
  not while a supplementation is pending (its time limit restarts or resumes when the supplement arrives). The due
  date is the appointment as moved by supplementation, not by an extension: an apology letter does not make a late
  dossier on time (engine/domain/timeliness.py).
- portal status 2 on a dossier registered online (status 1, submitted on the portal) is its acceptance at the counter:
  it is received now, and its clock start and appointment are counted from now by its procedure's time limit (the
  workflow's timers follow; the Mẫu 01 of the same step prints the new appointment).
- portal status 4 on an online dossier (from the portal) whose fee is unpaid is recorded as 6 (awaiting the fee):
  the portal's payment confirmation (DossierService.confirm_payment) sets 4.
- a letter (Mẫu 02, 03, 04 by meaning: POSTAL_LETTERS) to a postal applicant is also ordered by post: a pickup order
  through the outbox, recorded as `dossier:postal:letter_ordered` {letter, order_number}.
- portal status 3, 7, 8, 9, 10 sets processing_end_at (the first time); 10 sets returned_at. Ending (3, 8, 9, 10)
  after the due date marks the dossier late, which catches what the timer cannot see.
Every move of the appointment records `dossier:appointment:moved` {from, to, rule, ...} and notifies the one-stop
section. An instance without a dossier (a bare process run) records the events only.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime

from engine.domain import deadlines
from engine.domain.calendar import WorkingCalendar
from engine.domain.clock import VN_TZ
from engine.domain.errors import ValidationError
from engine.domain.legal_basis import FORM_MEANINGS
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.permissions import ONE_STOP_LANE
from engine.domain.portal import (
    AWAITING_FEE,
    JUDGED_END_STATUSES,
    NEW,
    OPEN_STATUSES,
    PROCESSING,
    PROCESSING_END_STATUSES,
    RECEIVED,
    RETURNED,
    status_label,
)
from engine.persistence.dossiers import DossierFacts
from engine.services.effects import Effect

# The letters a postal applicant (channel 3) gets by post, each with its mark in the pickup order's number: Mẫu 02,
# 03 and 04 of the legal bases (processes/legal/*.yaml), addressed by meaning.
POSTAL_LETTERS = {"supplement_request": "BS", "reception_refusal": "TC", "apology": "XL"}

EFFECT_TAGS = {
    "letter": "dossier:letter:queued",
    "portal_status": "dossier:status:changed",
    "reminder": "dossier:reminder:queued",
}


@dataclass(frozen=True)
class EffectEvent:
    """A history event an effect records; `outbox` (kind, payload) is queued with it, keyed by the event."""

    tag: str
    payload: dict
    outbox: tuple[str, dict] | None = None


@dataclass
class EffectOutcome:
    events: list[EffectEvent] = field(default_factory=list)
    changes: dict = field(default_factory=dict)  # dossier columns -> new values
    facts: DossierFacts | None = None  # the dossier after the effects
    rearm_at: datetime | None = None  # the appointment the workflow's timers must follow (a supplementation)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(VN_TZ).isoformat() if moment is not None else None


def is_open(facts: DossierFacts) -> bool:
    return facts.status in OPEN_STATUSES and facts.processing_end_at is None


class _Applying:
    def __init__(
        self, facts: DossierFacts | None, calendar: WorkingCalendar, now: datetime, code: str, time_limit=None
    ):
        self.facts, self.calendar, self.now, self.code = facts, calendar, now, code
        self.time_limit = time_limit
        self.accepted = False
        self.outcome = EffectOutcome(facts=facts)

    def note(self, tag: str, payload: dict, outbox: tuple[str, dict] | None = None) -> None:
        self.outcome.events.append(EffectEvent(tag, payload, outbox))

    def notify_one_stop(self, tag: str, payload: dict, event: str) -> None:
        self.note(tag, payload, ("notification", {"event": event, "lane": ONE_STOP_LANE, **payload}))

    @property
    def dossier(self) -> DossierFacts:
        """The dossier's facts, for the effects that exist only for a dossier (each checks `facts` first)."""
        assert self.facts is not None
        return self.facts

    def set(self, **values) -> None:
        self.facts = replace(self.dossier, **values)
        self.outcome.changes.update(values)

    # -- the effects ---------------------------------------------------------------------------------------------
    def letter(self, payload: dict) -> None:
        if self.accepted and payload.get("form") == "receipt":  # Mẫu 01: the appointment counted from the acceptance
            payload = {**payload, "appointment": _iso(self.dossier.appointment)}
        wire = dict(payload)  # the outbox message: the letter with whom it goes to
        if self.facts is not None:
            wire.update(to=self.facts.applicant_email, applicant_name=self.facts.applicant_name)
        self.note(EFFECT_TAGS["letter"], payload, ("letter", wire))
        if self.facts is not None and self.facts.postal_receiver and payload.get("form") in POSTAL_LETTERS:
            self.letter_by_post(payload["form"], self.facts.postal_receiver)

    def letter_by_post(self, form: str, receiver: dict) -> None:
        """A postal applicant's letter goes by post like the result: a pickup order of its own (its number: the
        dossier code, the letter's mark and the moment), followed by its tracking events."""
        number = f"{self.code}/{POSTAL_LETTERS[form]}{self.now.astimezone(VN_TZ):%y%m%d%H%M%S}"
        order = {
            "order_number": number,
            "letter": form,
            "receiver": {key: receiver.get(key) for key in ("name", "address", "phone", "email")},
            "description": f"{FORM_MEANINGS[form]} - hồ sơ {self.code}",
            "cod_amount": 0,
            "postal_item": receiver.get("item"),
        }
        self.note("dossier:postal:letter_ordered", {"letter": form, "order_number": number}, ("postal_order", order))

    def reminder(self, payload: dict) -> None:
        self.note(EFFECT_TAGS["reminder"], payload, ("notification", payload))

    def portal_status(self, payload: dict) -> None:
        facts = self.facts
        if (
            payload["status"] == PROCESSING
            and facts is not None
            and facts.portal_id
            and facts.fee
            and not facts.fee_paid
        ):
            # an online dossier whose fee is not paid waits for the portal's payment confirmation (then 4)
            payload = {**payload, "status": AWAITING_FEE, "label": status_label(AWAITING_FEE)}
            payload["note"] = payload.get("note") or "Chờ nộp phí, lệ phí trực tuyến"
        wire = dict(payload)  # the outbox message: the status with the dossier's dates after it (DOMAIN.md)
        self.note(EFFECT_TAGS["portal_status"], payload, ("portal_status", wire))
        facts, status = self.facts, payload["status"]
        if facts is None:
            return
        self._portal_status(facts, status)
        after = self.dossier
        wire.update(
            changed_at=_iso(self.now),
            procedure_code=after.procedure_code,
            appointment=_iso(after.appointment),
            processing_end_at=_iso(after.processing_end_at),
            returned_at=_iso(after.returned_at),
            portal_id=after.portal_id,
        )

    def _portal_status(self, facts: DossierFacts, status: int) -> None:
        if facts.status == NEW and status == RECEIVED and self.time_limit is not None:
            self._accept()
        self.set(status=status, status_changed_at=self.now)
        if status == RETURNED and facts.returned_at is None:
            self.set(returned_at=self.now)
        if status in PROCESSING_END_STATUSES and facts.processing_end_at is None:
            self.set(processing_end_at=self.now)
            due = self.due()
            if status in JUDGED_END_STATUSES and not self.dossier.late and self.now > due:
                self.mark_late("processing-end", {"appointment": _iso(due), "processing_end_at": _iso(self.now)})

    def extension(self, payload: dict) -> None:
        facts, to, reason = self.facts, datetime.fromisoformat(payload["to"]), payload["reason"]
        if facts is None:
            moved = {"from": None, "to": _iso(to), "rule": "extension", "reason": reason}
            self.notify_one_stop("dossier:appointment:moved", moved, "appointment_moved")
            return
        if not is_open(facts):
            raise ValidationError(
                f"dossier {self.code} is no longer being processed (status {facts.status}); its return date stays",
                {"new_appointment": "dossier closed"},
            )
        basis = shipped_legal_bases().get(facts.legal_basis)
        rule = basis.rules["max_extensions"]
        problem = deadlines.extension_problem(facts.appointment, to, facts.extension_count, basis.max_extensions)
        if problem == "already_extended":
            raise ValidationError(
                f"dossier {self.code} was already given a new return date ({_iso(facts.appointment)}); the return "
                f"date may be re-set {'only once' if rule.value == 1 else f'at most {rule.value} times'} "
                f"({rule.source})",
                {"new_appointment": f"already extended {facts.extension_count} time(s)"},
            )
        if problem == "not_later":
            raise ValidationError(
                f"the new return date {_iso(to)} of dossier {self.code} must be later than its appointment "
                f"{_iso(facts.appointment)}",
                {"new_appointment": "not later than the appointment"},
            )
        due = self.due()  # an extension does not move the date lateness is judged by
        self.move(to, "extension", {"reason": reason})
        self.set(extension_count=facts.extension_count + 1)
        self.facts = replace(self.dossier, judged_due=due)

    def supplement_requested(self, payload: dict) -> None:
        facts = self.facts
        if facts is None:
            self.note("dossier:supplement:requested", {"count": None})
            return
        count = facts.supplement_count + 1
        self.set(supplement_count=count, supplement_requested_at=self.now)
        self.note("dossier:supplement:requested", {"count": count})
        if count > 1 and not self.dossier.late:
            self.mark_late("supplement-count", {"supplement_count": count})

    def supplement_received(self, payload: dict) -> None:
        facts, policy = self.facts, payload["policy"]
        if facts is None:
            self.note("dossier:supplement:received", {"policy": policy})
            return
        requested = facts.supplement_requested_at
        if requested is None:
            raise ValidationError(
                f"dossier {self.code} has no pending supplementation request: call request_supplement() "
                "when the appraisal asks for it, then supplement_received(...) when it arrives"
            )
        limit = deadlines.parse_allotment(payload["time_limit"])
        to, waited = deadlines.after_supplement(self.calendar, policy, facts.appointment, requested, self.now, limit)
        self.note("dossier:supplement:received", {"policy": policy, "requested_at": _iso(requested), "waited": waited})
        self.set(supplement_requested_at=None)
        if to != facts.appointment:
            extra = {"time_limit": payload["time_limit"]} if policy == "restart" else {"waited": waited}
            self.move(to, f"supplement-{policy}", extra)
        self.facts = replace(self.dossier, judged_due=None)

    def late(self, payload: dict) -> None:
        facts = self.facts
        if facts is None:
            self.note("dossier:late", {"rule": "appointment"})
            return
        if facts.late or not is_open(facts) or facts.supplement_requested_at is not None:
            return  # waiting for a supplement: the time limit restarts or resumes when it arrives
        due = self.due()
        if self.now >= due:
            self.mark_late("appointment", {"appointment": _iso(due)})

    def _accept(self) -> None:
        start, appointment = deadlines.reception_dates(self.calendar, self.now, self.time_limit)
        self.move(appointment, "accepted", {"received_at": _iso(self.now), "clock_start": _iso(start)})
        self.outcome.changes.update(received_at=self.now, clock_start=start, original_appointment=appointment)
        self.outcome.rearm_at, self.accepted = appointment, True

    # -- shared ----------------------------------------------------------------------------------------------------
    def move(self, to: datetime, rule: str, extra: dict) -> None:
        moved = {"from": _iso(self.dossier.appointment), "to": _iso(to), "rule": rule, **extra}
        self.notify_one_stop("dossier:appointment:moved", moved, "appointment_moved")
        self.set(appointment=to)
        if rule.startswith("supplement-"):
            # The workflow's timers at (or counted back from) the appointment follow it; an extension moves only the
            # return date promised in Mẫu 04, not the due date lateness is judged by, so its timers stay.
            self.outcome.rearm_at = to

    def mark_late(self, rule: str, extra: dict) -> None:
        self.set(late=True)
        self.notify_one_stop("dossier:late", {"rule": rule, **extra}, "dossier_late")

    def due(self) -> datetime:
        """The date lateness is judged by: the appointment, or the one an extension moved away from."""
        return self.dossier.judged_due or self.dossier.appointment


_HANDLERS = {
    kind: getattr(_Applying, kind)
    for kind in (
        "letter",
        "reminder",
        "portal_status",
        "extension",
        "supplement_requested",
        "supplement_received",
        "late",
    )
}


def apply_effects(
    facts: DossierFacts | None,
    effects: list[Effect],
    calendar: WorkingCalendar,
    now: datetime,
    code: str,
    time_limit: tuple | None = None,
) -> EffectOutcome:
    """Apply `effects` in order to the dossier `facts` (None for a bare instance); `time_limit` is its procedure's.
    Raises ValidationError when an effect breaks a rule (see the module docstring); nothing is written then."""
    applying = _Applying(facts, calendar, now, code, time_limit)
    for effect in effects:
        _HANDLERS[effect.kind](applying, effect.payload)
    applying.outcome.facts = applying.facts
    return applying.outcome
