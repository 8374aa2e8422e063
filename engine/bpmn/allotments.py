"""The deploy-time allotment check: the time allotments of a process's main path must add up to its time limit.

Each step of an approved internal procedure (quy trình nội bộ) has a time allotment, and the allotments add up to the
procedure's statutory time limit (DOMAIN.md, "Lifecycle" 4). In BPMN a task carries its allotment as an extension
property, `<spiffworkflow:property name="allotment" value="6d" />` (read by `engine.domain.deadlines.parse_allotment`:
"0.5d" working days, "4h" working hours, "30cd" calendar days).

The main path is the one sequence of tasks a dossier takes when nothing goes wrong:

- It starts at the start event and is followed along outgoing sequence flows to a normal end event (an end event that
  does not throw an error, an escalation or a cancel). It never visits an element twice, so loops back (after a
  supplementation, say) are not followed.
- A task marked `<spiffworkflow:property name="main_path" value="false" />` is never on it: side paths
  (supplementation, apology letter, refusal) carry main_path=false or no allotment at all. Boundary events and the
  flows leaving them are never on it either.
- At a gateway (exclusive, inclusive, event-based) the default flow is followed when there is one; otherwise, or when
  the default flow cannot reach a normal end without passing a main_path=false task or an element already on the
  path, the first flow that can is taken. "First" is SpiffWorkflow's order of the outgoing flows: top to bottom in
  the diagram (document order when the file has no diagram). Designers should mark the main flow as the default so
  that the choice does not depend on the drawing. Parallel branches are treated the same way: only the first branch
  is followed, so put the allotted work of a parallel section on one branch and mark the others main_path=false.
- Every task on it that carries an allotment counts once (a multi-instance or loop task too). A call activity or
  subprocess counts its own allotment if it carries one, otherwise the allotments of the called process's main path
  (found the same way, in `ParsedProcess.subprocess_specs`); they are reported as "<call activity id>/<task id>".

The allotments must all convert to the time limit's unit: working hours and working days convert at 8 hours a day
(`HOURS_PER_DAY`, or the `hours_per_day` given); calendar days only add up with calendar days. Their sum must equal
the time limit (to within 1e-9). Only this module of the check touches SpiffWorkflow's spec classes.
"""

from collections.abc import Iterator

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    ErrorEventDefinition,
    EscalationEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.simple import CancelEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import EventSubprocess, SubWorkflowTask
from SpiffWorkflow.specs.ExclusiveChoice import ExclusiveChoice

from engine.bpmn.parsing import ParsedProcess
from engine.domain.calendar import Unit
from engine.domain.deadlines import UNIT_NAMES, allotment_text, parse_allotment, time_limit_words
from engine.domain.errors import ProcessDefinitionError

HOURS_PER_DAY = 8.0
TOLERANCE = 1e-9
_ABNORMAL_ENDS = (ErrorEventDefinition, EscalationEventDefinition, CancelEventDefinition)

Problem = tuple[str, str, str]
Allotment = tuple[str, float, Unit]


def main_path_allotment(spec, subprocess_specs: dict | None = None) -> list[Allotment]:
    """The (task id, amount, unit) of every allotment on the main path of process `spec`, in path order.

    `subprocess_specs` maps process ids to the specs of called processes (`ParsedProcess.subprocess_specs`); without
    it a call activity without its own allotment is an error. Raises ProcessDefinitionError listing every problem:
    no main path, an unreadable allotment, a call activity whose process is missing or calls itself.
    """
    problems: list[Problem] = []
    allotments = _collect(spec, subprocess_specs or {}, (), problems)
    if problems:
        raise ProcessDefinitionError(problems)
    return allotments


def check_allotments(
    process: ParsedProcess, time_limit: tuple[float, str], *, hours_per_day: float = HOURS_PER_DAY
) -> list[Problem]:
    """Problems, as (file, element id, message), with `process`'s main-path allotments against `time_limit`, an
    (amount, unit) pair such as `Procedure.time_limit`; empty when they add up. Working hours and working days
    convert at `hours_per_day` (the calendar's setting). See the module docstring."""
    file, process_id = getattr(process.spec, "file", None) or "", process.process_id
    limit, unit = float(time_limit[0]), time_limit[1]
    if unit not in UNIT_NAMES:
        return [(file, process_id, f"unknown time limit unit {unit!r}: use 'wd', 'wh' or 'd'")]
    try:
        allotments = main_path_allotment(process.spec, process.subprocess_specs)
    except ProcessDefinitionError as error:
        return error.problems
    problems, terms, total = [], [], 0.0
    for task_id, amount, task_unit in allotments:
        converted = _convert(amount, task_unit, unit, hours_per_day)
        if converted is None:
            problems.append(
                (
                    file,
                    process_id,
                    f"task '{task_id}' has an allotment of {time_limit_words(amount, task_unit)} but the procedure's "
                    f"time limit is {time_limit_words(limit, unit)}: calendar days only add up with calendar days",
                )
            )
            continue
        total += converted
        terms.append(f"{converted:g}" if task_unit == unit else f"{converted:g} ({allotment_text(amount, task_unit)})")
    if problems or abs(total - limit) <= TOLERANCE:
        return problems
    detail = " + ".join(terms) if terms else "no task on the main path carries an allotment"
    counted = f"; tasks counted: {', '.join(task_id for task_id, _, _ in allotments)}" if allotments else ""
    message = (
        f"allotments on the main path add up to {time_limit_words(round(total, 9), unit)} ({detail}), "
        f"but the procedure's time limit is {time_limit_words(limit, unit)}{counted}"
    )
    return [(file, process_id, message)]


def _convert(amount: float, unit: str, target: str, hours_per_day: float) -> float | None:
    if unit == target:
        return amount
    if (unit, target) == ("wh", "wd"):
        return amount / hours_per_day
    if (unit, target) == ("wd", "wh"):
        return amount * hours_per_day
    return None


# -- the walk -------------------------------------------------------------------------------------------------------


def _collect(spec, subprocess_specs: dict, calling: tuple[str, ...], problems: list[Problem]) -> list[Allotment]:
    file = spec.file or ""
    path = _main_path(spec)
    if path is None:
        problems.append(
            (
                file,
                spec.name,
                "no main path: no sequence of flows leads from the start event to a normal end event without "
                "passing a task marked main_path=false",
            )
        )
        return []
    allotments: list[Allotment] = []
    for node in path:
        own = _allotment(node, file, problems)
        if isinstance(node, SubWorkflowTask) and own is None:
            allotments.extend(_called(node, file, subprocess_specs, calling + (spec.name,), problems))
        elif own is not None:
            allotments.append(own)
    return allotments


def _called(node, file: str, subprocess_specs: dict, calling: tuple[str, ...], problems: list[Problem]):
    called = subprocess_specs.get(node.spec)
    if called is None:
        problems.append((file, node.bpmn_id, f"calls process '{node.spec}', which is not among the parsed processes"))
        return []
    if called.name in calling:
        problems.append((file, node.bpmn_id, f"calls process '{node.spec}', which is already being called"))
        return []
    return [
        (f"{node.bpmn_id}/{task_id}", amount, unit)
        for task_id, amount, unit in _collect(called, subprocess_specs, calling, problems)
    ]


def _properties(node) -> dict:
    properties = (getattr(node, "extensions", None) or {}).get("properties") or {}
    child = getattr(node, "task_spec", None)  # loop and multi-instance tasks keep the parsed task as a child spec
    if not properties and isinstance(child, str) and child in node._wf_spec.task_specs:
        properties = (getattr(node._wf_spec.task_specs[child], "extensions", None) or {}).get("properties") or {}
    return properties


def _off_main_path(node) -> bool:
    return str(_properties(node).get("main_path", "")).strip().lower() == "false"


def _allotment(node, file: str, problems: list[Problem]) -> Allotment | None:
    text = _properties(node).get("allotment")
    if text is None:
        return None
    try:
        amount, unit = parse_allotment(text)
    except ValueError as error:
        problems.append((file, node.bpmn_id or node.name, str(error)))
        return None
    return node.bpmn_id or node.name, amount, unit


def _is_normal_end(node) -> bool:
    return isinstance(node, EndEvent) and not isinstance(node.event_definition, _ABNORMAL_ENDS)


def _successors(node) -> Iterator:
    outputs = list(node.outputs)
    if isinstance(node, ExclusiveChoice) and node.default_task_spec is not None:
        default = node._wf_spec.task_specs[node.default_task_spec]
        outputs = [default] + [o for o in outputs if o is not default]
    for target in outputs:
        if isinstance(target, BoundaryEvent | BoundaryEventJoin | EventSubprocess) or _off_main_path(target):
            continue
        yield target


def _main_path(spec) -> list | None:
    """The nodes of the first simple path (no repeated node) from the start to a normal end event, trying the
    successors of each node in `_successors` order; None when there is none."""
    # Nodes that can reach a normal end at all (ignoring repeats): prunes the search so that it stays linear on
    # the sequences and small loops of real procedures.
    edges: dict[str, list] = {}
    stack, seen = [spec.start], {spec.start.name}
    while stack:
        node = stack.pop()
        edges[node.name] = [] if _is_normal_end(node) else list(_successors(node))
        for target in edges[node.name]:
            if target.name not in seen:
                seen.add(target.name)
                stack.append(target)
    reaches = {name for name in edges if _is_normal_end(spec.task_specs[name])}
    changed = True
    while changed:
        changed = False
        for name, targets in edges.items():
            if name not in reaches and any(t.name in reaches for t in targets):
                reaches.add(name)
                changed = True

    def walk(node, path: list, on_path: set) -> list | None:
        if _is_normal_end(node):
            return path
        for target in edges[node.name]:
            if target.name in reaches and target.name not in on_path:
                found = walk(target, path + [target], on_path | {target.name})
                if found is not None:
                    return found
        return None

    if spec.start.name not in reaches:
        return None
    return walk(spec.start, [spec.start], {spec.start.name})
