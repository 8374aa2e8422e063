"""Every deadline of a dossier, in one place: when its clock starts, its appointment, each step's deadline, how an
appointment moves (and by which rule), when a deadline is "due soon", and how time limits are written.

Pure: values in, values out; the arithmetic is the working calendar's (`engine.domain.calendar`), the rules are here.
- Clock start: the reception moment (for a postal dossier, the signature of the handover record, QĐ 45/2016 Điều 7
  k4), moved to the next opening; after the calendar's cut-off, the next working morning [practice; DOMAIN.md].
- Appointment: the procedure's time limit counted from the clock start (ND 61/2018 Điều 15-16; calendar days end on
  a working day, Civil Code 2015 art. 147-148).
- Step deadline: a user task's `allotment` (`6d`, `4h`, `30cd`) counted from the moment it became ready; calendar
  days that end on a day off roll back to the working day before (`WorkingCalendar.step_deadline` says why).
- Appointment moves, each recorded with its rule: `supplement-restart` (the time limit counted again from the day the
  complete dossier arrives, ND 61/2018 Điều 19 k4), `supplement-pause` (moved by the office time spent waiting;
  calendar-day procedures by whole days) [practice], `extension` (a new date given by the apology letter, Điều 19 k9).
- A step that waits for the applicant (property `waits_for: applicant`, "Nhận hồ sơ bổ sung"): no deadline while
  the applicant has the dossier (that time is the applicant's, not the step's); its allotment counts from the moment
  the additions arrived (`waiting_step_deadline`), so the waiting time is not charged to the step.
- Due soon: a step deadline within `SOON_HOURS` working hours from now.
- Timer due moments: BPMN timer expressions compute them with `timer_helpers` ("3 working days after reception":
  `add_working_days(received_at, 3)`; "one working day before the appointment": `working_days_before(appointment, 1)`).
"""

import math
import re
from collections.abc import Callable
from datetime import date, datetime

from engine.domain.calendar import Unit, WorkingCalendar
from engine.domain.clock import VN_TZ

SOON_HOURS = 4  # a deadline within this many working hours shows as "due soon"
DEADLINE_STATES = ("overdue", "soon", "in_time")

ALLOTMENT_SUFFIX: dict[str, str] = {"wd": "d", "wh": "h", "d": "cd"}
UNIT_NAMES: dict[str, tuple[str, str]] = {
    "wd": ("working day", "working days"),
    "wh": ("working hour", "working hours"),
    "d": ("calendar day", "calendar days"),
}
UNIT_NAMES_VI: dict[str, str] = {"wd": "ngày làm việc", "wh": "giờ làm việc", "d": "ngày"}

_ALLOTMENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(cd|d|h)")
_ALLOTMENT_UNITS: dict[str, Unit] = {"d": "wd", "h": "wh", "cd": "d"}


# --- time limits and allotments as written -------------------------------------------------------------------------
def parse_allotment(text: str) -> tuple[float, Unit]:
    """Read a time allotment: "6d" or "0.5d" working days -> (6.0, "wd"), "4h" working hours -> (4.0, "wh"),
    "30cd" calendar days -> (30.0, "d"). Case and surrounding spaces are ignored; "0,5d" is read as 0.5 days.
    Raises ValueError naming the accepted forms."""
    match = _ALLOTMENT.fullmatch(text.strip().lower()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"invalid time allotment {text!r}: write working days as '6d' or '0.5d', "
            "working hours as '4h', calendar days as '30cd'"
        )
    amount, unit = float(match[1].replace(",", ".")), _ALLOTMENT_UNITS[match[2]]
    if unit == "d" and not amount.is_integer():
        raise ValueError(f"invalid time allotment {text!r}: calendar days must be whole, e.g. '30cd'")
    return amount, unit


def parse_time_limit(text: str) -> tuple[float, Unit]:
    """A time limit written as an allotment ("11d") or in the catalogue's words ("11 working days")."""
    if isinstance(text, str):
        amount, _, words = text.strip().partition(" ")
        for unit, names in UNIT_NAMES.items():
            if words in names:
                text = f"{amount}{ALLOTMENT_SUFFIX[unit]}"
    return parse_allotment(text)


def allotment_text(amount: float, unit: str) -> str:
    """(5, "wd") -> "5d", (8, "wh") -> "8h", (30, "d") -> "30cd": the form of allotments and start data."""
    return f"{amount:g}{ALLOTMENT_SUFFIX[unit]}"


def time_limit_words(amount: float, unit: str) -> str:
    """ "11 working days", "0.5 working days", "1 working day", "60 calendar days"."""
    singular, plural = UNIT_NAMES[unit]
    return f"{amount:g} {singular if amount == 1 else plural}"


def time_limit_vi(amount: float, unit: str) -> str:
    """As Mẫu 01 words it: "11 ngày làm việc", "0,5 ngày làm việc", "8 giờ làm việc", "30 ngày"."""
    return f"{amount:g}".replace(".", ",") + f" {UNIT_NAMES_VI[unit]}"


# --- reception -----------------------------------------------------------------------------------------------------
def clock_start(calendar: WorkingCalendar, received_at: datetime) -> datetime:
    """When the processing clock starts for a dossier received at `received_at` (see the module docstring)."""
    return calendar.clock_start(received_at)


def appointment(calendar: WorkingCalendar, start: datetime, time_limit: tuple[float, Unit]) -> datetime:
    """The appointment (ngày hẹn trả) of a dossier whose clock started at `start`."""
    return calendar.add(start, *time_limit)


def reception_dates(
    calendar: WorkingCalendar, received_at: datetime, time_limit: tuple[float, Unit]
) -> tuple[datetime, datetime]:
    """(clock start, appointment) of a dossier received at `received_at`."""
    start = clock_start(calendar, received_at)
    return start, appointment(calendar, start, time_limit)


# --- steps -----------------------------------------------------------------------------------------------------------
def step_deadline(calendar: WorkingCalendar, ready_at: datetime, allotment: str | None) -> datetime | None:
    """The deadline of a step that became ready at `ready_at` with `allotment` (None: the step has none)."""
    if not allotment:
        return None
    amount, unit = parse_allotment(str(allotment))
    return calendar.step_deadline(ready_at, amount, unit)


def waits_for_applicant(properties: dict | None) -> bool:
    """Whether a user task with these extension properties waits for the applicant (`waits_for: applicant`)."""
    return str((properties or {}).get("waits_for", "")).strip().lower() == "applicant"


def waiting_step_deadline(
    calendar: WorkingCalendar, ready_at: datetime, arrived: datetime, now: datetime, allotment: str | None
) -> tuple[datetime, datetime | None]:
    """(when the step's clock starts, its deadline) for a step that waited for the applicant from `ready_at` until
    the additions `arrived` (kept between `ready_at` and `now`), completed at `now`."""
    start = min(max(arrived, ready_at), now)
    return start, step_deadline(calendar, start, allotment)


def soon_limit(calendar: WorkingCalendar, now: datetime) -> datetime:
    """Deadlines up to this moment are "due soon" at `now`."""
    return calendar.add(now, SOON_HOURS, "wh")


def deadline_state(due_at: datetime | None, now: datetime, soon: datetime) -> str:
    """The colour of a step deadline: overdue (passed), soon (up to `soon`), in_time, or none (no deadline)."""
    if due_at is None:
        return "none"
    if due_at < now:
        return "overdue"
    if due_at <= soon:
        return "soon"
    return "in_time"


# --- appointment moves -----------------------------------------------------------------------------------------------
def after_supplement(
    calendar: WorkingCalendar,
    policy: str,
    current: datetime,
    requested_at: datetime,
    arrived_at: datetime,
    time_limit: tuple[float, Unit],
) -> tuple[datetime, str | None]:
    """(the new appointment, the waiting time it accounts for as an allotment, or None for a restart) when the
    supplement asked for at `requested_at` arrives at `arrived_at` under `policy` ("restart" or "pause")."""
    amount, unit = time_limit
    if policy == "restart":
        return calendar.add(arrived_at, amount, unit), None
    if unit == "d":  # calendar-day procedures pause by whole calendar days
        days = (arrived_at.astimezone(VN_TZ).date() - requested_at.astimezone(VN_TZ).date()).days
        return calendar.add(current, days, "d"), f"{days}cd"
    hours = calendar.working_time_between(requested_at, arrived_at).total_seconds() / 3600
    return calendar.add(current, hours, "wh"), f"{hours:g}h"


def extension_problem(current: datetime, to: datetime, extensions_so_far: int, max_extensions: int = 1) -> str | None:
    """Why the return date may not be re-set from `current` to `to` (None when it may): at most `max_extensions`
    times (once under ND 61/2018 Điều 19 k9), and only to a later date."""
    if extensions_so_far >= max_extensions:
        return "already_extended"
    if to <= current:
        return "not_later"
    return None


# --- timers in BPMN ------------------------------------------------------------------------------------------------
def parse_moment(value: str | datetime) -> datetime:
    """A datetime from a script or a form: ISO 8601; a naive value is read as Vietnam time."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


MAX_TIMER_AMOUNT = 10_000  # days or hours a timer helper counts: its work is bounded (about 27 years of days)


def timer_helpers(calendar: Callable[[], WorkingCalendar], now: Callable[[], datetime]) -> dict[str, Callable]:
    """The functions BPMN scripts and timer expressions may call, on the calendar `calendar()` gives and the clock
    `now`. They take and return ISO 8601 strings (Vietnam time), the values of task data."""

    def shift(moment, amount, unit: Unit, before: bool = False) -> str:
        try:
            value = float(amount)
        except (TypeError, ValueError, OverflowError):
            value = math.inf
        if isinstance(amount, bool) or not abs(value) <= MAX_TIMER_AMOUNT:
            raise ValueError(f"the amount of time must be a number from 0 to {MAX_TIMER_AMOUNT}")
        return calendar().add(parse_moment(moment), value, unit, before=before).isoformat()

    def is_working_day(day) -> bool:
        if not isinstance(day, date):
            day = parse_moment(day).date() if "T" in str(day) else date.fromisoformat(str(day))
        return calendar().is_working_day(day)

    return {
        "now": lambda: now().astimezone(VN_TZ).isoformat(),
        "add_working_days": lambda moment, n: shift(moment, n, "wd"),
        "add_working_hours": lambda moment, n: shift(moment, n, "wh"),
        "add_days": lambda moment, n: shift(moment, n, "d"),
        "working_days_before": lambda moment, n: shift(moment, n, "wd", before=True),
        "working_hours_before": lambda moment, n: shift(moment, n, "wh", before=True),
        "is_working_day": is_working_day,
    }
