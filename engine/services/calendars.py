"""The working calendar in force: the holidays package, the shipped override file, and administrators' overrides."""

import threading
import time as _monotonic
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from engine.domain.calendar import Kind, OfficeHours, Override, WorkingCalendar
from engine.domain.calendar_data import load_overrides
from engine.domain.clock import Clock
from engine.domain.deadlines import timer_helpers
from engine.domain.errors import ValidationError
from engine.persistence.calendar import OverrideRecord
from engine.persistence.db import Database


@dataclass(frozen=True)
class CalendarSettings:
    shipped_overrides: Path | None = None
    office_hours: OfficeHours = OfficeHours()
    hours_per_day: float = 8
    cutoff: time | None = None  # a dossier received at or after it starts counting the next working morning
    reload_seconds: float = 60.0


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
        with self.db.reading() as uow:
            admin = [Override(r.day, _kind(r.kind), r.reason, "admin") for r in uow.calendar.all()]
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
        with self.db.unit_of_work() as uow:
            uow.calendar.put(day, kind, reason.strip(), self.clock.now(), actor)
        self.invalidate()
        return Override(day, _kind(kind), reason.strip(), "admin")

    def overrides(self, year: int) -> list[OverrideRecord]:
        """The administrators' overrides in `year`, in date order, with who declared them and when."""
        with self.db.reading() as uow:
            return uow.calendar.in_year(year)

    def remove_override(self, day: date) -> bool:
        with self.db.unit_of_work() as uow:
            removed = uow.calendar.remove(day)
        self.invalidate()
        return removed

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
