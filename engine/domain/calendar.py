"""The working-day calendar: which days the offices work, and deadline arithmetic in office time.

Pure: values in, values out; no clock, no files (overrides are loaded by `engine.domain.calendar_data`).

Days off are weekends, the public holidays, substitute days and swaps the `holidays` package knows for Vietnam, and
`Override`s, which win over the package (admin overrides win over shipped ones).

Office time is a line made of the office sessions of working days laid end to end. A close and the next opening
(11:30 and 13:00; 17:00 and the next working day's 07:30) are the same point on that line; such a point is always
*written* as the close, its earliest wall-clock moment. That is the only representation rule, and it holds for
additions and subtractions alike (see `WorkingCalendar.add`).

Every datetime taken must be timezone-aware; results are in the office time zone (Asia/Ho_Chi_Minh by default).
"""

import functools
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

from engine.domain.clock import VN_TZ
from engine.domain.dates import vn_date

Unit = Literal["wd", "wh", "d"]
Kind = Literal["off", "work"]

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
# Higher rank wins when two overrides name the same day.
_SOURCE_RANK = {"shipped": 0, "admin": 1}
# More consecutive days off than this means broken overrides, not a long holiday: fail instead of looping forever.
_MAX_DAYS_OFF = 366
_ZERO = timedelta()


@dataclass(frozen=True)
class Override:
    """One day whose status differs from the `holidays` package: `kind` "off" closes a working day, "work" opens a
    weekend day or holiday (a make-up day). `source` is "shipped" (files in processes/calendar/) or "admin".
    Raises ValueError for an unknown kind or source, a datetime instead of a date, or an empty reason."""

    day: date
    kind: Kind
    reason: str
    source: str = "admin"

    def __post_init__(self):
        if not isinstance(self.day, date) or isinstance(self.day, datetime):
            raise ValueError(f"override day must be a date, got {self.day!r}")
        if self.kind not in ("off", "work"):
            raise ValueError(f"override kind for {self.day} must be 'off' or 'work', got {self.kind!r}")
        if self.source not in _SOURCE_RANK:
            raise ValueError(f"override source for {self.day} must be 'shipped' or 'admin', got {self.source!r}")
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise ValueError(f"override for {self.day} needs a reason (e.g. the announcement that made the swap)")


@dataclass(frozen=True)
class OfficeHours:
    """The office sessions of a working day, as local times in `tz`, in order and not overlapping.
    `tz` is assumed to have no daylight-saving change during office hours (true of Asia/Ho_Chi_Minh)."""

    sessions: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
    tz: ZoneInfo = VN_TZ

    def __post_init__(self):
        if not self.sessions:
            raise ValueError("office hours need at least one session, e.g. ((07:30, 11:30), (13:00, 17:00))")
        previous_close = time.min
        for opening, closing in self.sessions:
            if not previous_close <= opening < closing:
                raise ValueError(f"office sessions must be in order and not overlap: {self.sessions!r}")
            previous_close = closing


DEFAULT_HOURS = OfficeHours()


def parse_office_hours(text: str) -> OfficeHours:
    """Office hours from a setting such as `07:30-11:30,13:00-17:00`. Raises ValueError saying what is expected."""
    sessions = []
    try:
        for part in text.split(","):
            opening, closing = part.strip().split("-")
            sessions.append((time.fromisoformat(opening.strip()), time.fromisoformat(closing.strip())))
    except ValueError:
        raise ValueError(f"office hours '{text}' not understood; write sessions like 07:30-11:30,13:00-17:00")
    return OfficeHours(tuple(sessions))


class WorkingCalendar:
    """Working days and office-time arithmetic.

    `hours_per_day` working hours make one working day when a fraction of a day is counted (0.5 day = 4 hours).
    `cutoff` is the time after which a dossier received today starts counting the next working day (`clock_start`).
    Raises ValueError for two overrides of the same source that disagree about a day, or a bad `hours_per_day`.
    """

    def __init__(
        self,
        overrides: Iterable[Override] = (),
        hours: OfficeHours = DEFAULT_HOURS,
        hours_per_day: float = 8,
        cutoff: time | None = None,
    ):
        if not (isinstance(hours_per_day, int | float) and math.isfinite(hours_per_day) and hours_per_day > 0):
            raise ValueError(f"hours_per_day must be a positive number, got {hours_per_day!r}")
        self.hours = hours
        self.hours_per_day = float(hours_per_day)
        self.cutoff = cutoff
        self._overrides: dict[date, Override] = {}
        for override in sorted(overrides, key=lambda o: _SOURCE_RANK[o.source]):
            known = self._overrides.get(override.day)
            if known and known.source == override.source and known.kind != override.kind:
                raise ValueError(
                    f"two {override.source} overrides disagree about {override.day}: "
                    f"{known.kind!r} ({known.reason}) and {override.kind!r} ({override.reason})"
                )
            self._overrides[override.day] = override
        # day -> day_info(day): every deadline walks days, and a calendar does not change once built.
        self._days: dict[date, tuple[bool, str, str]] = {}

    # -- days -------------------------------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        return self.day_info(day)[0]

    def day_info(self, day: date) -> tuple[bool, str, str]:
        """(working?, reason, source) for `day`. Source is "admin" or "shipped" (an override), "holidays" (the
        package), "weekend", or "" for an ordinary working day (whose reason is "")."""
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"day_info takes a date, got {day!r}; for a moment use moment.astimezone(VN_TZ).date()")
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._day_info(day)
        return known

    def _day_info(self, day: date) -> tuple[bool, str, str]:
        override = self._overrides.get(day)
        if override:
            return override.kind == "work", override.reason, override.source
        days_off, make_up_days = self._package_year(day.year)
        if day in days_off:
            return False, days_off[day], "holidays"
        if day in make_up_days:
            return True, make_up_days[day], "holidays"
        if day.weekday() >= 5:
            return False, _WEEKDAYS[day.weekday()], "weekend"
        return True, "", ""

    def year_exceptions(self, year: int) -> list[tuple[date, str, str, str]]:
        """Every weekday off and every weekend day worked in `year`, in date order, as (day, "off" | "work", reason,
        source). Holidays falling on a weekend are not listed: they change nothing."""
        exceptions = []
        day = date(year, 1, 1)
        while day.year == year:
            working, reason, source = self.day_info(day)
            if working == (day.weekday() >= 5):
                exceptions.append((day, "work" if working else "off", reason, source))
            day += timedelta(days=1)
        return exceptions

    def _package_year(self, year: int) -> tuple[dict[date, str], dict[date, str]]:
        return _package_year(year)

    # -- office time ------------------------------------------------------------------------------------------------

    def add(self, start: datetime, amount: float, unit: Unit, *, before: bool = False) -> datetime:
        """The moment `amount` `unit`s after `start` (before it when `before`).

        Units: "wd" working days, "wh" working hours, "d" calendar days (whole numbers only).
        - Counting from a moment outside office hours starts at the next opening (at the previous close when
          `before`). A close counts as inside: from 17:00 Friday, 1 working day is 17:00 Monday.
        - N working days keep the time of day and move to the N-th following (preceding) working day; a fraction of
          a day is turned into working hours (`hours_per_day`), which are used session by session.
        - A result on an opening is written as the close before it: 17:00 of the previous working day rather than
          07:30, 11:30 rather than 13:00. This is the same rule in both directions, so `before` mirrors addition on
          the office-time line: 1 working day before 10:00 Tuesday is 10:00 Monday; before 17:00 Friday it is
          17:00 Thursday (not the equivalent 07:30 Friday); 2 working hours before 15:00 is 11:30 (= 13:00).
          Hence add then subtract returns to the start for every start inside office hours except an opening,
          which comes back as the close before it.
        - Calendar days: the period starts the day after `start` and ends at the last close of its n-th day; if that
          day is off it ends at the close of the next working day (Civil Code 2015 art. 147-148). With `before`,
          it is the last close of the day n days earlier, or of the working day before that if it is off.
        - An amount of 0 returns `start` unchanged.
        Raises ValueError for a naive datetime, a negative or non-finite amount, fractional calendar days or an
        unknown unit.
        """
        if unit == "wd":
            return self.add_working_days(start, amount, before=before)
        if unit == "wh":
            return self.add_working_hours(start, amount, before=before)
        if unit == "d":
            return self.add_calendar_days(start, amount, before=before)
        raise ValueError(f"unknown unit {unit!r}: use 'wd' (working days), 'wh' (working hours) or 'd' (calendar days)")

    def add_working_days(self, start: datetime, n: float, *, before: bool = False) -> datetime:
        """`add(start, n, "wd", before=before)`."""
        moment, n = self._local(start), _amount(n)
        if n == 0:
            return moment
        step = -1 if before else 1
        position = self._walk(moment, _ZERO, step)
        whole = int(n)
        if whole:
            # The same office-time offset into the target day: the same time of day for any moment in a session.
            offset = self.working_time_between(self._sessions(position.date())[0][0], position)
            target = self._nth_working_day(position.date(), whole, step)
            position = self._walk(self._sessions(target)[0][0], offset, 1)
        if n - whole:
            position = self._walk(position, timedelta(hours=(n - whole) * self.hours_per_day), step)
        return self._as_close(position)

    def add_working_hours(self, start: datetime, h: float, *, before: bool = False) -> datetime:
        """`add(start, h, "wh", before=before)`."""
        moment, h = self._local(start), _amount(h)
        if h == 0:
            return moment
        return self._as_close(self._walk(moment, timedelta(hours=h), -1 if before else 1))

    def add_calendar_days(self, start: datetime, n: float, *, before: bool = False) -> datetime:
        """`add(start, n, "d", before=before)`."""
        moment, n = self._local(start), _amount(n)
        if not float(n).is_integer():
            raise ValueError(f"calendar days must be a whole number, got {n!r}; use working hours for parts of a day")
        if n == 0:
            return moment
        step = -1 if before else 1
        last = moment.date() + timedelta(days=step * int(n))
        if not self.is_working_day(last):
            last = self._nth_working_day(last, 1, step)
        return self._sessions(last)[-1][1]

    def step_deadline(self, start: datetime, amount: float, unit: Unit) -> datetime:
        """The deadline of an internal step of `amount` `unit`s that starts at `start`: as `add`, except that a period
        in calendar days whose last day is off ends at the last close of the working day BEFORE it (never earlier
        than `start`; then the next working day's close, as `add`).

        Why: the law's rollover to the next working day (Civil Code art. 148) applies to the procedure's time limit,
        which `add` computes for the appointment. Applied to every step as well, each weekend a step ends on would
        push the next step later, so a dossier whose every step is on time could end after its appointment; rolling
        step ends back keeps the steps inside the time limit they share.
        """
        if unit != "d":
            return self.add(start, amount, unit)
        moment, n = self._local(start), _amount(amount)
        if not float(n).is_integer():
            raise ValueError(f"calendar days must be a whole number, got {n!r}; use working hours for parts of a day")
        if n == 0:
            return moment
        last = moment.date() + timedelta(days=int(n))
        if not self.is_working_day(last):
            last = self._nth_working_day(last, 1, -1)
        end = self._sessions(last)[-1][1]
        return end if end >= moment else self.add_calendar_days(moment, n)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time elapsed from `start` to `end`; negative when `end` is earlier."""
        start, end = self._local(start), self._local(end)
        if end < start:
            return -self.working_time_between(end, start)
        total, day = _ZERO, start.date()
        while day <= end.date():
            for opening, closing in self._sessions(day):
                total += max(_ZERO, min(closing, end) - max(opening, start))
            day += timedelta(days=1)
        return total

    def next_opening(self, moment: datetime) -> datetime:
        """The first moment at or after `moment` when the office is open: `moment` itself inside a session (a close
        is not open), otherwise the next session's opening."""
        moment = self._local(moment)
        for opening, closing in self._sessions_from(moment.date(), 1):
            if moment < closing:
                return max(moment, opening)
        raise AssertionError("unreachable: _sessions_from never ends")

    def clock_start(self, received: datetime) -> datetime:
        """When the processing clock starts for a dossier `received` at that moment: the next opening (the moment
        itself during office hours) if that is on the day received and before `cutoff`, else the first opening of
        the next working day. A dossier received exactly at the cutoff counts as after it."""
        received = self._local(received)
        start = self.next_opening(received)
        if start.date() != received.date() or self.cutoff is None or start.time() < self.cutoff:
            return start
        return self._sessions(self._nth_working_day(received.date(), 1, 1))[0][0]

    # -- helpers ----------------------------------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime, got {moment!r}")
        if moment.utcoffset() is None:
            raise ValueError(
                f"naive datetime {moment.isoformat()}: give a timezone, e.g. "
                "datetime(2026, 2, 13, 16, 55, tzinfo=VN_TZ) or '2026-02-13T16:55+07:00'"
            )
        return moment.astimezone(self.hours.tz)

    def _sessions(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        tz = self.hours.tz
        return [(datetime.combine(day, a, tz), datetime.combine(day, b, tz)) for a, b in self.hours.sessions]

    def _sessions_from(self, day: date, step: int) -> Iterator[tuple[datetime, datetime]]:
        """Sessions of `day` and the days after it in time order (step 1), or of it and the days before it in
        reverse time order (step -1). Endless, unless the calendar has no working day for `_MAX_DAYS_OFF` days."""
        days_off = 0
        while True:
            sessions = self._sessions(day)
            if sessions:
                days_off = 0
                yield from sessions if step > 0 else reversed(sessions)
            elif (days_off := days_off + 1) > _MAX_DAYS_OFF:
                raise ValueError(f"no working day for {_MAX_DAYS_OFF} days around {day}: check the calendar overrides")
            day += timedelta(days=step)

    def _walk(self, moment: datetime, amount: timedelta, step: int) -> datetime:
        """Use `amount` of office time from `moment`, forwards (step 1) or backwards (step -1). Stops at a close
        rather than moving on to the next opening; with a zero amount, snaps `moment` into office time."""
        for opening, closing in self._sessions_from(moment.date(), step):
            if step > 0 and closing >= moment:
                begin = max(moment, opening)
                if amount <= closing - begin:
                    return begin + amount
                amount -= closing - begin
            elif step < 0 and opening <= moment:
                end = min(moment, closing)
                if amount <= end - opening:
                    return end - amount
                amount -= end - opening
        raise AssertionError("unreachable: _sessions_from never ends")

    def _nth_working_day(self, day: date, n: int, step: int) -> date:
        days_off = 0
        while n:
            day += timedelta(days=step)
            if self.is_working_day(day):
                n, days_off = n - 1, 0
            elif (days_off := days_off + 1) > _MAX_DAYS_OFF:
                raise ValueError(f"no working day for {_MAX_DAYS_OFF} days around {day}: check the calendar overrides")
        return day

    def _as_close(self, moment: datetime) -> datetime:
        """Write an opening as the close before it (the same point of office time)."""
        sessions = self._sessions(moment.date())
        for index, (opening, _) in enumerate(sessions):
            if moment == opening:
                if index:
                    return sessions[index - 1][1]
                return next(self._sessions_from(moment.date() - timedelta(days=1), -1))[1]
        return moment


@functools.lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """(days off, make-up working days) of the holidays package in `year`, each mapping a day to its reason. The same
    for every calendar, and slow to compute (about as slow as a step): computed once per process and year."""
    # Neighbouring years too: a swap can cross New Year (2/1/2015 off was made up on Saturday 27/12/2014).
    vn = holidays.country_holidays("VN", years=range(max(year - 1, 1), year + 2), language="vi")
    days_off = {day: name for day, name in vn.items() if day.year == year}
    make_up = {day: _make_up_reason(day, vn) for day in vn.weekend_workdays if day.year == year}
    return days_off, make_up


def _make_up_reason(day: date, vn: holidays.HolidayBase) -> str:
    # The package names the day off "Ngày nghỉ (thay cho ngày 26/04/2025)"; find it to say what is made up.
    label = vn_date(day)
    for day_off, name in sorted(vn.items()):
        if label in name:
            return f"Làm bù cho ngày nghỉ {vn_date(day_off)}"
    return "Làm bù"


def _amount(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"amount must be a finite number >= 0, got {value!r}; to count backwards pass before=True")
    return value
