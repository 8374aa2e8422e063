"""The BPMN runtime: the one door to SpiffWorkflow for the services.

It starts, restores, advances and dumps workflows, and describes them in plain values (ready user tasks, waiting
timers) so that no other layer needs to know SpiffWorkflow.
"""

import copy
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.parsing import ParsedProcess, parse_files
from engine.bpmn.scripts import ScriptEngine, script_error_from
from engine.bpmn.state import StateSerializer
from engine.bpmn.timers import ClockDurationEvent, ClockTimeDateEvent, due_at
from engine.bpmn.workflow import Workflow as FastWorkflow
from engine.domain.clock import Clock
from engine.domain.data_changes import step_changes
from engine.domain.errors import InvalidTransition, MotcuaError, NotFound, ScriptError

_MAX_PASSES = 20
_CLOCK_TIMERS = (ClockTimeDateEvent, ClockDurationEvent)


@dataclass(frozen=True)
class UserTaskView:
    """A ready user task, as the projection table stores it."""

    task_id: str
    name: str
    title: str
    lane: str | None
    properties: dict = field(default_factory=dict)
    # Whom the task goes to when it becomes ready: the workflow's value of the variable its `assignee_from`
    # property names (the account an earlier step chose, e.g. the specialist of the assignment).
    assignee: str | None = None


@dataclass(frozen=True)
class TimerView:
    """A timer the workflow is waiting on."""

    task_id: str
    name: str
    due_at: datetime


@dataclass(frozen=True)
class Scan:
    """What a step records of a workflow, from one walk of its task tree: the user tasks ready for a person, the
    timers it waits on, and the timers that have fired (including one that was already due when reached)."""

    ready: list[UserTaskView]
    waiting: list[TimerView]
    fired: list[TimerView]


class Workflow:
    """A live workflow: held for one step, or between steps in the services' cache of live workflows."""

    def __init__(self, process: ParsedProcess, spiff: BpmnWorkflow):
        self.process = process
        self._wf = spiff
        self._scanned: Scan | None = None

    @property
    def data(self) -> dict:
        return dict(self._wf.data if self._wf.is_completed() else self._wf.last_task.data if self._wf.last_task else {})

    def data_mark(self) -> tuple[dict, frozenset]:
        """What `changes_since` compares with: the data as it stands, and the tasks completed so far."""
        return self.data_copy(), frozenset(t.id for t in self._wf.get_tasks(state=TaskState.COMPLETED))

    def changes_since(self, mark: tuple[dict, frozenset]) -> list[list]:
        """The fields of the data changed since `mark` (`engine.domain.data_changes.step_changes`), counting what
        every task completed since then set."""
        before, completed = mark
        ran = [
            (task.parent.data if task.parent is not None else {}, task.data)
            for task in self._wf.get_tasks(state=TaskState.COMPLETED)
            if task.id not in completed
        ]
        return step_changes(before, self.data_copy(), ran)

    def data_copy(self) -> dict:
        """The data as it stands now, copied deeply (what a step's data changes are measured by): the workflow's
        own data once it completed; else what the tasks that are ready or waiting hold, in the order of the task
        tree, so that a value an administrative action put there (a moved appointment) counts at once. Not the last
        completed task's: a workflow restored from its state does not know which task that was."""
        wf = self._wf
        if wf.is_completed():
            return copy.deepcopy(dict(wf.data))
        merged: dict = {}
        for task in wf.get_tasks(state=TaskState.READY | TaskState.WAITING):
            merged.update(task.data)
        return copy.deepcopy(merged)

    @property
    def completed(self) -> bool:
        return self._wf.is_completed()

    def ready_user_tasks(self) -> list[UserTaskView]:
        """User tasks waiting for a person."""
        return self.scan().ready

    def waiting_timers(self) -> list[TimerView]:
        """Timers the workflow waits on."""
        return self.scan().waiting

    def fired_timers(self) -> list[TimerView]:
        """Timers that have fired (including one that was already due when it was reached)."""
        return self.scan().fired

    def _changed(self) -> None:
        self._scanned = None

    def scan(self) -> Scan:
        """One walk of the task tree for everything a step records; kept until the workflow changes."""
        if self._scanned is None:
            ready: list[UserTaskView] = []
            waiting: list[TimerView] = []
            fired: list[TimerView] = []
            for task in self._all_tasks():
                spec = task.task_spec
                if task.state == TaskState.READY and isinstance(spec, UserTask):
                    props = dict((getattr(spec, "extensions", None) or {}).get("properties", {}))
                    props.update(_called_with(task))
                    name = spec.bpmn_id or spec.name
                    chosen = task.data.get(str(props.get("assignee_from") or ""))
                    assignee = chosen.strip() if isinstance(chosen, str) and chosen.strip() else None
                    title = spec.bpmn_name or spec.name
                    ready.append(UserTaskView(str(task.id), name, title, spec.lane, props, assignee))
                elif isinstance(spec, CatchingEvent) and isinstance(spec.event_definition, _CLOCK_TIMERS):
                    value = task._get_internal_data("event_value")
                    if value is not None and task.state in (TaskState.WAITING, TaskState.COMPLETED):
                        timer = TimerView(str(task.id), spec.bpmn_id or spec.name, due_at(value))
                        (waiting if task.state == TaskState.WAITING else fired).append(timer)
            self._scanned = Scan(ready, waiting, fired)
        return self._scanned

    def _all_tasks(self):
        """Every task of the workflow and of its sub-processes (call activities), as SpiffWorkflow holds them: a
        plain walk of its task dictionaries, several times cheaper than its tree iterator."""
        wf = self._wf
        yield from wf.tasks.values()
        for subprocess in wf.subprocesses.values():
            yield from subprocess.tasks.values()

    def _task(self, task_id: str):
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except (ValueError, TypeError, KeyError, SpiffWorkflowException):
            task = None
        if task is None:
            raise NotFound(f"task {task_id} does not exist in this dossier's workflow")
        return task


class BpmnRuntime:
    """Runs workflows with the engine's clock and the restricted script environment.

    Its parts come through the constructor (the composition root builds them): the script engine (which carries the
    clock that timers read), the state serializer, and the parser. Parsed specs are cached per version key; only
    state is (de)serialised.
    """

    def __init__(
        self,
        script_engine: ScriptEngine,
        serializer: StateSerializer,
        parse: Callable[[dict[str, bytes | str]], dict[str, ParsedProcess]] = parse_files,
        cache_size: int = 256,
    ):
        self.script_engine = script_engine
        self.clock: Clock = script_engine.clock
        self._serializer = serializer
        self._parse = parse
        self._cache: OrderedDict[object, ParsedProcess] = OrderedDict()
        self._cache_size = cache_size

    # --- specs -------------------------------------------------------------------------------------------------
    def process(self, key: object, load: Callable[[], tuple[str, dict[str, str]]]) -> ParsedProcess:
        """The parsed process for a version `key`; `load()` gives (process id, sources) and runs only on a miss."""
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        process_id, sources = load()
        parsed = self._parse(dict(sources))[process_id]
        self._cache[key] = parsed
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return parsed

    # --- workflows ---------------------------------------------------------------------------------------------
    def start(self, process: ParsedProcess, data: dict) -> Workflow:
        """A new workflow of `process` with `data`, advanced until it waits."""
        spiff = FastWorkflow(process.spec, process.subprocess_specs, script_engine=self.script_engine)
        spiff.task_tree.data.update(data)
        for task in spiff.get_tasks(state=TaskState.READY):
            task.data.update(data)
        workflow = Workflow(process, spiff)
        self.advance(workflow)
        return workflow

    def restore(self, process: ParsedProcess, state: dict) -> Workflow:
        return Workflow(
            process, self._serializer.load(state, process.spec, process.subprocess_specs, self.script_engine)
        )

    def dump(self, workflow: Workflow) -> dict:
        return self._serializer.dump(workflow._wf)

    def dump_text(self, workflow: Workflow) -> str:
        """The state as compact JSON text, as it is stored."""
        return self._serializer.dump_text(workflow._wf)

    def advance(self, workflow: Workflow) -> None:
        """Run engine steps and due timers until the workflow waits for a person or a later time.

        `do_engine_steps` ends by refreshing the timers, which makes a due one ready without running it; so run
        again while a timer that was waiting before a round is ready after it (a fired timer may lead to another
        that is already due). Watching the event manager's waiting tasks costs no walk of the task tree.
        """
        wf = workflow._wf
        waiting_events = wf.event_manager.tasks
        with mapped_errors():
            for _ in range(_MAX_PASSES):
                before = list(waiting_events.values())
                wf.do_engine_steps()
                if not any(task.state == TaskState.READY for task in before):
                    break
        workflow._changed()

    def complete(self, workflow: Workflow, task_id: str, data: dict) -> None:
        """Complete the ready user task `task_id` with `data`; raise InvalidTransition if it is not ready."""
        task = workflow._task(task_id)
        if task.state != TaskState.READY or not isinstance(task.task_spec, UserTask):
            raise InvalidTransition(
                f"Việc '{task.task_spec.bpmn_name or task.task_spec.name}' chưa sẵn sàng để hoàn thành "
                f"(trạng thái {TaskState.get_name(task.state)})"
            )
        with mapped_errors():
            task.data.update(data)
            task.run()
        workflow._changed()
        self.advance(workflow)

    def rearm(self, workflow: Workflow, values: dict) -> None:
        """Put `values` into the data of the tasks that are waiting or ready (e.g. a moved `appointment`) and
        evaluate the date timers that are waiting again with it. Nothing fires here: the next `advance` (or a
        worker) fires what is due."""
        wf = workflow._wf
        with mapped_errors():
            for task in wf.get_tasks(state=TaskState.WAITING | TaskState.READY):
                task.data.update(values)
                definition = getattr(task.task_spec, "event_definition", None)
                if task.state == TaskState.WAITING and isinstance(definition, ClockTimeDateEvent):
                    task.internal_data.pop("event_value", None)
                    task.internal_data.pop("event_fired", None)
                    definition.has_fired(task)
        workflow._changed()

    def cancel(self, workflow: Workflow) -> None:
        workflow._wf.cancel()
        workflow._changed()


def _called_with(task) -> dict:
    """What a user task of a called process takes from the call activity that called it: the `allotment` (each
    procedure gives the steps of a shared definition its own time; docs/PROCEDURES.md "Shared activities")."""
    workflow = task.workflow
    while workflow.parent_task_id is not None:
        caller = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        if isinstance(caller.task_spec, CallActivity):
            allotment = ((getattr(caller.task_spec, "extensions", None) or {}).get("properties") or {}).get("allotment")
            return {"allotment": allotment} if allotment else {}
        workflow = caller.workflow  # an embedded sub-process: look further out
    return {}


@contextmanager
def mapped_errors():
    """Turn SpiffWorkflow's exceptions into domain errors, keeping a ScriptError with its task name."""
    try:
        yield
    except MotcuaError:
        raise
    except Exception as exc:
        script_error = script_error_from(exc)
        if script_error is not None:
            raise script_error from exc
        if isinstance(exc, SpiffWorkflowException):
            spec = getattr(getattr(exc, "task", None), "task_spec", None)
            raise ScriptError(getattr(spec, "bpmn_id", None) or getattr(spec, "name", None) or "?", str(exc)) from exc
        raise
