"""Time as a dependency. Domain code never calls `datetime.now()`: it asks a `Clock`."""

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current moment as a timezone-aware UTC datetime."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that moves only when told to. Used by tests, benchmarks and replay."""

    def __init__(self, start: datetime):
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = as_utc(moment)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


def as_utc(moment: datetime) -> datetime:
    """Return `moment` in UTC; a naive datetime is refused because its meaning is ambiguous."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: give a timezone offset, e.g. +07:00")
    return moment.astimezone(UTC)
