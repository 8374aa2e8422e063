"""The runtime: timers read the engine's clock; state survives a save and reload at every step."""

import json
from datetime import datetime

from engine.bpmn.parsing import parse_files
from engine.bpmn.runtime import BpmnRuntime
from engine.bpmn.scripts import ScriptEngine
from engine.bpmn.state import StateSerializer
from engine.domain.calendar import WorkingCalendar
from engine.domain.clock import VN_TZ, FakeClock
from tests.conftest import fixture_files


def make_runtime(clock):
    calendar = WorkingCalendar()

    def shift(moment, n, unit, before=False):
        return calendar.add(datetime.fromisoformat(moment), n, unit, before=before).isoformat()

    helpers = {
        "add_working_days": lambda m, n: shift(m, n, "wd"),
        "working_days_before": lambda m, n: shift(m, n, "wd", True),
    }
    return BpmnRuntime(ScriptEngine(clock, helpers), StateSerializer())


def roundtrip(runtime, workflow):
    state = runtime.dump(workflow)
    again = runtime.restore(workflow.process, json.loads(json.dumps(state)))
    assert runtime.dump(again) == state
    return again


def test_timers_follow_the_injected_clock_not_the_wall_clock():
    clock = FakeClock(datetime(2030, 6, 3, 9, 0, tzinfo=VN_TZ))  # a Monday years from now
    runtime = make_runtime(clock)
    process = parse_files(fixture_files("three_steps.bpmn"))["three_steps"]
    workflow = runtime.start(process, {"received_at": clock.now().isoformat()})
    runtime.complete(workflow, workflow.ready_user_tasks()[0].task_id, {})
    [timer] = workflow.waiting_timers()
    assert timer.due_at == datetime(2030, 6, 4, 9, 0, tzinfo=VN_TZ)
    clock.advance(hours=23, minutes=59)
    runtime.advance(workflow)
    assert len(workflow.waiting_timers()) == 1
    clock.advance(minutes=1)
    runtime.advance(workflow)
    assert workflow.waiting_timers() == []


def test_state_survives_save_and_reload_at_every_step():
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ))
    runtime = make_runtime(clock)
    process = parse_files(fixture_files("three_steps.bpmn"))["three_steps"]
    workflow = roundtrip(runtime, runtime.start(process, {"received_at": clock.now().isoformat()}))
    steps = 0
    while not workflow.completed:
        [task] = workflow.ready_user_tasks()
        runtime.complete(workflow, task.task_id, {f"step_{steps}": steps})
        workflow = roundtrip(runtime, workflow)
        clock.advance(days=1)
        runtime.advance(workflow)
        workflow = roundtrip(runtime, workflow)
        steps += 1
    assert steps == 3
    assert workflow.data["step_2"] == 2 and workflow.data["reminded"] is True


def test_the_stored_state_holds_no_spec():
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ))
    runtime = make_runtime(clock)
    process = parse_files(fixture_files("three_steps.bpmn"))["three_steps"]
    state = runtime.dump(runtime.start(process, {"received_at": clock.now().isoformat()}))
    assert "spec" not in state and "subprocess_specs" not in state
    assert len(json.dumps(state)) < 20_000
