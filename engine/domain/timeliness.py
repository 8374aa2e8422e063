"""Early, on time or late (trước hạn / đúng hạn / quá hạn): for a dossier against its appointment (national
indicators, QĐ 766/QĐ-TTg) and for a step against its allotment (Mẫu 05, the control slip). Pure functions.

The rules (DOMAIN.md gives the first; the law defines no "early", so the others are motcua's, kept simple):
- late: the end is after the due moment. Ending exactly at the due moment is on time.
- early: the end falls on an earlier day (in Vietnam time) than the due moment: the work was finished before the
  day it was promised for. This is how provincial systems count "trước hạn" for dossiers.
- A period shorter than one working day (a step allotted a few working hours) usually starts and ends on the due day,
  so the day rule would never call it early. When `started` and `calendar` are given and the office time from
  `started` to `due` is less than `calendar.hours_per_day` hours, early instead means that at least half of that
  allotted office time was left unused at the end.
- A dossier for which supplementation was requested more than once counts as late, whatever its dates
  (national indicators, [practice]).
"""

from datetime import datetime, timedelta
from typing import Literal, Protocol

from engine.domain.clock import VN_TZ

Timeliness = Literal["early", "on_time", "late"]
LABELS: dict[str, str] = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}


class OfficeTime(Protocol):
    """What `classify` needs of a `WorkingCalendar`."""

    hours_per_day: float

    def working_time_between(self, start: datetime, end: datetime) -> timedelta: ...


def classify(
    end: datetime, due: datetime, started: datetime | None = None, calendar: OfficeTime | None = None
) -> Timeliness:
    """ "early", "on_time" or "late" for work that ended at `end` and was due at `due` (see the module docstring).
    `started` and `calendar` matter only for periods shorter than one working day. Raises ValueError for a naive
    datetime."""
    for name, moment in (("end", end), ("due", due), ("started", started)):
        if moment is not None and moment.utcoffset() is None:
            raise ValueError(f"{name} {moment.isoformat()} has no time zone; give one, e.g. +07:00")
    if end > due:
        return "late"
    if started is not None and calendar is not None:
        allotted = calendar.working_time_between(started, due)
        if timedelta(0) < allotted < timedelta(hours=calendar.hours_per_day):
            return "early" if 2 * calendar.working_time_between(end, due) >= allotted else "on_time"
    return "early" if end.astimezone(VN_TZ).date() < due.astimezone(VN_TZ).date() else "on_time"


def dossier_timeliness(
    processing_end: datetime | None, appointment: datetime, supplement_count: int
) -> Timeliness | None:
    """A dossier's result for the national indicators, or None while it is still being processed.

    `processing_end` is the first of resolved (9), returned (10), stopped (8) or refused (3). `appointment` is the one
    the time limit gives once waiting for supplementation is taken out (the stored appointment as moved by
    supplementation events); an extension by apology letter does not make a late dossier on time, so pass the
    appointment from before any extension. More than one supplementation request counts as late.
    """
    if processing_end is None:
        return None
    if isinstance(supplement_count, bool) or not isinstance(supplement_count, int) or supplement_count < 0:
        raise ValueError(f"supplement_count must be a whole number >= 0, got {supplement_count!r}")
    if supplement_count > 1:
        return "late"
    return classify(processing_end, appointment)
