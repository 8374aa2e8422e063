"""What every approach shares: the procedure, the moment, and a plain-Spiff script engine equivalent to motcua's."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.bpmn.parsing import parse_files
from engine.bpmn.scripts import ScriptEngine
from engine.domain.calendar import WorkingCalendar
from engine.domain.calendar_data import load_overrides
from engine.domain.clock import VN_TZ, FakeClock
from engine.domain.deadlines import timer_helpers

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
    """(spec, subprocess_specs, script_engine) for plain SpiffWorkflow, with the helpers motcua's scripts see: the
    same `timer_helpers`, on a `WorkingCalendar` built directly from the shipped overrides (motcua's CalendarService
    adds the administrators' overrides, of which there are none here)."""
    parsed = parse_files(procedure_files())[PROCESS_ID]
    calendar = WorkingCalendar(load_overrides(OVERRIDES))
    calendar.add(START, 30, "wd")  # the holiday tables, computed once, outside the scripts' time limit
    clock = FakeClock(START)
    return (
        parsed.spec,
        parsed.subprocess_specs,
        ScriptEngine(clock=clock, helpers=timer_helpers(lambda: calendar, clock.now)),
    )
