"""Serialise only a workflow's state: its spec comes from the per-version cache, never from the stored JSON."""

import functools
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task

from engine.bpmn.timers import ClockDurationEvent, ClockTimeDateEvent
from engine.bpmn.workflow import SubWorkflow, Workflow
from engine.domain import jsontext

STATE_FORMAT = "motcua-state-1"


class StateWorkflowConverter(BpmnWorkflowConverter):
    """Like Spiff's workflow converter, minus the specs (the largest and never-changing part)."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        dct = dict(dct)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dict(dct["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return workflow


_PLAIN = (str, int, float, bool, type(None))


class StateTaskConverter(TaskConverter):
    """Spiff's task converter (the same dictionary, parents' data as deltas), written for the step's hot path: one
    lookup of the parent instead of four, and the registry's generic walk only for internal data that is not made of
    plain values. A step dumps every task of its workflow."""

    def to_dict(self, task):
        parent_id = task._parent
        parent = task.workflow.tasks.get(parent_id) if parent_id is not None else None
        if parent is None:
            data, delta = task.data, {}
        else:
            before, after = parent.data, task.data
            data = {}
            delta = {
                "updates": {k: v for k, v in after.items() if k not in before or v != before[k]},
                "deletions": [k for k in before if k not in after],
            }
        internal = task.internal_data
        if not all(isinstance(v, _PLAIN) for v in internal.values()):
            internal = self.registry.convert(internal)
        return {
            "id": str(task.id),
            "parent": str(parent_id) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": dict(internal),
            "data": data,
            "delta": delta,
        }


def _registry():
    config = dict(SPIFF_CONFIG)
    config[Task] = StateTaskConverter
    config[BpmnWorkflow] = StateWorkflowConverter
    config[ClockTimeDateEvent] = TimerConditionalEventDefinitionConverter
    config[ClockDurationEvent] = TimerConditionalEventDefinitionConverter
    registry = BpmnWorkflowSerializer.configure(config)
    # Workflows restore as the fast-walking subclasses, stored under SpiffWorkflow's own type names.
    StateWorkflowConverter(Workflow, registry, typename="BpmnWorkflow")
    BpmnSubWorkflowConverter(SubWorkflow, registry, typename="BpmnSubWorkflow")
    return registry


@functools.cache
def spec_registry():
    """The converters of task specs to dictionaries, for comparing two versions' specs (`engine.bpmn.migration`)."""
    return _registry()


class StateSerializer:
    """Turns a workflow into JSON-able state and back, given the (cached) specs."""

    def __init__(self):
        self._serializer = BpmnWorkflowSerializer(_registry())

    def dump(self, workflow: BpmnWorkflow) -> dict:
        state = self._serializer.to_dict(workflow)
        state["format"] = STATE_FORMAT
        return state

    def dump_text(self, workflow: BpmnWorkflow) -> str:
        """The state as compact JSON text. Keys keep SpiffWorkflow's order: it rebuilds each task's data from its
        parent's, so tasks must come parents first (sorting the keys would lose data on restore)."""
        return jsontext.dumps(self.dump(workflow))

    def load(self, state: dict, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
        if state.get("format") != STATE_FORMAT:
            raise ValueError(f"unknown workflow state format {state.get('format')!r}")
        body = {k: v for k, v in state.items() if k != "format"}
        workflow = self._serializer.from_dict(body, spec=spec, subprocess_specs=subprocess_specs)
        workflow.script_engine = script_engine
        return workflow
