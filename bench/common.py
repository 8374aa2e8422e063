"""What every approach shares: the procedure, the moment, and a plain-Spiff script engine equivalent to motcua's."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.bpmn.parsing import parse_files
from engine.bpmn.scripts import ScriptEngine
from engine.domain.calendar import WorkingCalendar
from engine.domain.calendar_data import load_overrides
from engine.domain.clock import VN_TZ, FakeClock
from engine.services.calendars import parse_moment

ROOT = Path(__file__).resolve().parents[1]
BPMN = ROOT / "processes" / "quy_trinh_mau.bpmn"
OVERRIDES = ROOT / "processes" / "calendar" / "vn_overrides.yaml"
PROCESS_ID = "quy_trinh_mau"
USER_TASKS = ("tiep_nhan", "phan_cong", "tham_dinh", "ky_duyet", "ban_hanh")
# A Wednesday morning; the boundary timer on tham_dinh falls due days later, so it waits and is cancelled.
START = datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)
RECEIVED_AT = START.isoformat()


@dataclass
class NoopSender:
    """A notification sender that drops everything (the outbox is written but never dispatched here)."""

    def send(self, kind, payload, key):
        return None


def procedure_files() -> dict[str, bytes]:
    return {BPMN.name: BPMN.read_bytes()}


def plain_spiff_setup():
    """(spec, subprocess_specs, script_engine) for plain SpiffWorkflow, with the helpers motcua's scripts see.

    The helpers mirror engine/services/calendars.py:script_helpers, on a `WorkingCalendar` built directly from the
    shipped overrides (motcua's CalendarService adds the administrators' overrides, of which there are none here).
    """
    parsed = parse_files(procedure_files())[PROCESS_ID]
    calendar = WorkingCalendar(load_overrides(OVERRIDES))
    clock = FakeClock(START)

    def _add(moment, amount, unit, before=False):
        return calendar.add(parse_moment(moment), float(amount), unit, before=before).isoformat()

    helpers = {
        "now": lambda: clock.now().astimezone(VN_TZ).isoformat(),
        "add_working_days": lambda moment, n: _add(moment, n, "wd"),
        "add_working_hours": lambda moment, n: _add(moment, n, "wh"),
        "add_days": lambda moment, n: _add(moment, n, "d"),
        "working_days_before": lambda moment, n: _add(moment, n, "wd", before=True),
        "working_hours_before": lambda moment, n: _add(moment, n, "wh", before=True),
        "is_working_day": lambda day: calendar.is_working_day(parse_moment(day).date()),
    }
    return parsed.spec, parsed.subprocess_specs, ScriptEngine(clock=clock, helpers=helpers)
