"""The three ways of running N instances of the procedure to completion (5 user tasks each), each timed alone.

Every function returns the (wall-clock, CPU) seconds spent on `n` instances; set-up (parsing, schema, deployment)
and one warm-up instance, which is also checked for a scheduled-then-cancelled boundary timer, are outside the timing.
"""

import sqlite3
import time
from pathlib import Path

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from bench.common import PROCESS_ID, RECEIVED_AT, START, USER_TASKS, NoopSender, plain_spiff_setup, procedure_files
from engine.bpmn.timers import ClockDurationEvent, ClockTimeDateEvent
from engine.domain.clock import FakeClock

DATA = {"received_at": RECEIVED_AT}


class Clocks:
    """Wall-clock and CPU time from its creation. The CPU time of this process hardly depends on what else the machine
    runs (the wall-clock time does, a lot, on a shared machine), but it leaves out the PostgreSQL server's work."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def spent(self) -> tuple[float, float]:
        """(wall seconds, CPU seconds) since creation."""
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


# --- plain SpiffWorkflow ------------------------------------------------------------------------------------------
def _new_workflow(spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(DATA)
    workflow.do_engine_steps()
    workflow.refresh_waiting_tasks()
    return workflow


def _complete_next(workflow: BpmnWorkflow) -> str:
    """Complete the one ready user task, run the engine until it waits; return the task's BPMN id."""
    (task,) = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if isinstance(t.task_spec, UserTask)]
    task.run()
    workflow.do_engine_steps()
    workflow.refresh_waiting_tasks()
    return task.task_spec.bpmn_id


def _timer_value(workflow: BpmnWorkflow):
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if task.task_spec.bpmn_id == "nhac_han":
            return task._get_internal_data("event_value")
    return None


def check_spiff() -> None:
    """The plain-Spiff set-up evaluates the timer expression and runs the five tasks in order."""
    workflow = _new_workflow(*plain_spiff_setup())
    done = [_complete_next(workflow) for _ in range(2)]
    assert _timer_value(workflow), "the boundary timer on tham_dinh was not evaluated"
    done += [_complete_next(workflow) for _ in range(3)]
    assert tuple(done) == USER_TASKS and workflow.is_completed(), done


def run_spiff(n: int) -> tuple[float, float]:
    """(a) SpiffWorkflow alone, in memory: parse once, then start and complete each instance."""
    spec, subprocess_specs, script_engine = plain_spiff_setup()
    began = Clocks()
    for _ in range(n):
        workflow = _new_workflow(spec, subprocess_specs, script_engine)
        for _ in USER_TASKS:
            _complete_next(workflow)
        assert workflow.is_completed()
    return began.spent()


# --- the naive way: the whole workflow JSON, spec included, per step -------------------------------------------------
def full_serializer() -> BpmnWorkflowSerializer:
    config = {
        **SPIFF_CONFIG,
        ClockTimeDateEvent: TimerConditionalEventDefinitionConverter,
        ClockDurationEvent: TimerConditionalEventDefinitionConverter,
    }
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


def run_naive(n: int, directory: Path) -> tuple[tuple[float, float], int]:
    """(b) Per step: lock, read the row, deserialize_json, complete the task, serialize_json, UPDATE, commit.

    SQLite in WAL mode with synchronous=NORMAL, as motcua configures it. Returns ((wall, CPU) seconds, bytes of the
    stored workflow JSON of a completed instance).
    """
    spec, subprocess_specs, script_engine = plain_spiff_setup()
    serializer = full_serializer()
    directory.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(directory / "naive.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE workflow (id INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL, state TEXT NOT NULL)")

    def one(code: str) -> None:
        db.execute("BEGIN IMMEDIATE")
        state = serializer.serialize_json(_new_workflow(spec, subprocess_specs, script_engine))
        db.execute("INSERT INTO workflow (code, state) VALUES (?, ?)", (code, state))
        db.execute("COMMIT")
        for _ in USER_TASKS:
            db.execute("BEGIN IMMEDIATE")
            (state,) = db.execute("SELECT state FROM workflow WHERE code = ?", (code,)).fetchone()
            workflow = serializer.deserialize_json(state)
            workflow.script_engine = script_engine
            _complete_next(workflow)
            db.execute("UPDATE workflow SET state = ? WHERE code = ?", (serializer.serialize_json(workflow), code))
            db.execute("COMMIT")
        assert workflow.is_completed()

    one("warm-up")
    size = len(db.execute("SELECT state FROM workflow WHERE code = 'warm-up'").fetchone()[0])
    began = Clocks()
    for i in range(n):
        one(f"NAIVE-{i:06d}")
    seconds = began.spent()
    db.close()
    return seconds, size


# --- motcua -------------------------------------------------------------------------------------------------------
def motcua_app(database_url: str):
    """motcua's services on `database_url`, migrated, with the procedure deployed."""
    from web import create_app

    app = create_app({"database_url": database_url, "secret_key": "x"}, clock=FakeClock(START), sender=NoopSender())
    services = app.extensions["motcua"]
    services.migrate()
    services.deploy.deploy(procedure_files(), "bench")
    return services


def _motcua_instance(services, code: str) -> None:
    services.instances.start(PROCESS_ID, code, dict(DATA), "bench")
    for _ in USER_TASKS:
        (row,) = services.instances.tasks(code=code)
        services.instances.complete(row.task_id, {}, "bench")


def run_motcua(services, n: int, prefix: str = "BENCH") -> tuple[float, float]:
    """(c) motcua with full persistence: state, task projection, timers, history, outbox, per step."""
    _motcua_instance(services, f"{prefix}-warm-up")
    assert services.instances.get(f"{prefix}-warm-up").status == "completed"
    assert [(t[0], t[2]) for t in services.instances.timers(f"{prefix}-warm-up")] == [("nhac_han", "cancelled")]
    began = Clocks()
    for i in range(n):
        _motcua_instance(services, f"{prefix}-{i:06d}")
    return began.spent()
