"""Administrators' overrides of the working calendar: extra days off and make-up working days, one row per day."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.persistence.models import CalendarOverride

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class OverrideRecord:
    """An administrator's override as stored: the day, "off" | "work", the reason, who declared it and when."""

    day: date
    kind: str
    reason: str
    created_by: str
    created_at: datetime


def _record(row: CalendarOverride) -> OverrideRecord:
    return OverrideRecord(row.day, row.kind, row.reason, row.created_by, row.created_at)


class CalendarStore:
    def __init__(self, uow: "UnitOfWork"):
        self.session = uow.session

    def all(self) -> list[OverrideRecord]:
        return [_record(row) for row in self.session.scalars(select(CalendarOverride))]

    def in_year(self, year: int) -> list[OverrideRecord]:
        """The overrides of `year`, in date order."""
        rows = self.session.scalars(
            select(CalendarOverride)
            .where(CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31))
            .order_by(CalendarOverride.day)
        )
        return [_record(row) for row in rows]

    def put(self, day: date, kind: str, reason: str, now: datetime, actor: str) -> None:
        """Declare `day` (replacing what was declared for it)."""
        row = self.session.get(CalendarOverride, day)
        if row is None:
            self.session.add(CalendarOverride(day=day, kind=kind, reason=reason, created_at=now, created_by=actor))
        else:
            row.kind, row.reason, row.created_at, row.created_by = kind, reason, now, actor

    def remove(self, day: date) -> bool:
        """Forget what was declared for `day`; False when nothing was."""
        row = self.session.get(CalendarOverride, day)
        if row is not None:
            self.session.delete(row)
        return row is not None
