"""The working calendar in force: the holidays package, the shipped override file, and administrators' overrides."""

import threading
import time as _monotonic
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select

from engine.domain.calendar import Kind, OfficeHours, Override, WorkingCalendar
from engine.domain.calendar_data import load_overrides
from engine.domain.clock import Clock
from engine.domain.deadlines import timer_helpers
from engine.domain.errors import ValidationError
from engine.persistence.db import Database
from engine.persistence.models import CalendarOverride


@dataclass(frozen=True)
class CalendarSettings:
    shipped_overrides: Path | None = None
    office_hours: OfficeHours = OfficeHours()
    hours_per_day: float = 8
    cutoff: time | None = None  # a dossier received at or after it starts counting the next working morning
    reload_seconds: float = 60.0


@dataclass(frozen=True)
class OverrideRecord:
    """An administrator's override as stored: the day, "off" | "work", the reason, who declared it and when."""

    day: date
    kind: str
    reason: str
    created_by: str
    created_at: datetime


class CalendarService:
    """Builds the `WorkingCalendar` and keeps it fresh; other processes' overrides are seen within `reload_seconds`."""

    def __init__(self, db: Database, clock: Clock, settings: CalendarSettings = CalendarSettings()):
        self.db, self.clock, self.settings = db, clock, settings
        self._shipped = load_overrides(settings.shipped_overrides) if settings.shipped_overrides else []
        self._lock = threading.Lock()
        self._cached: WorkingCalendar | None = None
        self._loaded_at = 0.0

    def current(self) -> WorkingCalendar:
        """The calendar to compute with now."""
        with self._lock:
            if self._cached is None or _monotonic.monotonic() - self._loaded_at > self.settings.reload_seconds:
                self._cached = self._build()
                self._loaded_at = _monotonic.monotonic()
            return self._cached

    def _build(self) -> WorkingCalendar:
        with self.db.read() as session:
            admin = [
                Override(r.day, _kind(r.kind), r.reason, "admin") for r in session.scalars(select(CalendarOverride))
            ]
        by_day = {o.day: o for o in self._shipped}
        by_day.update({o.day: o for o in admin})
        return WorkingCalendar(
            by_day.values(), self.settings.office_hours, self.settings.hours_per_day, cutoff=self.settings.cutoff
        )

    def add_override(self, day: date, kind: str, reason: str, actor: str) -> Override:
        """Declare `day` off or worked. Raises ValidationError for a bad kind or an empty reason."""
        if kind not in ("off", "work"):
            raise ValidationError("kind must be 'off' or 'work'", {"kind": "off | work"})
        if not reason.strip():
            raise ValidationError(
                "a reason is required (e.g. the decision that announced the swap)", {"reason": "required"}
            )
        with self.db.transaction() as session:
            row = session.get(CalendarOverride, day)
            if row is None:
                row = CalendarOverride(
                    day=day, kind=kind, reason=reason.strip(), created_at=self.clock.now(), created_by=actor
                )
                session.add(row)
            else:
                row.kind, row.reason, row.created_at, row.created_by = kind, reason.strip(), self.clock.now(), actor
        self.invalidate()
        return Override(day, _kind(kind), reason.strip(), "admin")

    def overrides(self, year: int) -> list[OverrideRecord]:
        """The administrators' overrides in `year`, in date order, with who declared them and when."""
        with self.db.read() as session:
            rows = session.scalars(
                select(CalendarOverride)
                .where(CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31))
                .order_by(CalendarOverride.day)
            )
            return [OverrideRecord(r.day, r.kind, r.reason, r.created_by, r.created_at) for r in rows]

    def remove_override(self, day: date) -> bool:
        with self.db.transaction() as session:
            row = session.get(CalendarOverride, day)
            if row is not None:
                session.delete(row)
        self.invalidate()
        return row is not None

    def invalidate(self) -> None:
        with self._lock:
            self._cached = None


def _kind(kind: str) -> Kind:
    if kind not in ("off", "work"):
        raise ValidationError("kind must be 'off' or 'work'", {"kind": "off | work"})
    return "off" if kind == "off" else "work"


def script_helpers(calendars: CalendarService, clock: Clock) -> dict:
    """The calendar helpers BPMN scripts and timer expressions may call (`engine.domain.deadlines.timer_helpers`),
    on the calendar in force and the engine's clock."""
    return timer_helpers(calendars.current, clock.now)
