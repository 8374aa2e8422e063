"""The restricted script environment, exercised through real SpiffWorkflow workflows parsed from small BPMN strings."""

import sys
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.scripts import ScriptEngine, ScriptRefused, check_script, script_error_from
from engine.domain.clock import FakeClock
from engine.domain.errors import ScriptError

HEAD = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://motcua.test">'
    '<bpmn:process id="proc" isExecutable="true">'
    '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
)
TAIL = "</bpmn:process></bpmn:definitions>"


def script_task(task_id: str, script: str, incoming: str, outgoing: str) -> str:
    return (
        f'<bpmn:scriptTask id="{task_id}"><bpmn:incoming>{incoming}</bpmn:incoming>'
        f"<bpmn:outgoing>{outgoing}</bpmn:outgoing><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>"
        f'<bpmn:sequenceFlow id="{outgoing}" sourceRef="{task_id}" targetRef="end_{task_id}"/>'
        f'<bpmn:endEvent id="end_{task_id}"><bpmn:incoming>{outgoing}</bpmn:incoming></bpmn:endEvent>'
    )


def script_process(script: str) -> str:
    """start -> script task 'compute' -> end."""
    return (
        HEAD
        + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute"/>'
        + script_task("compute", script, "f1", "f2")
        + TAIL
    )


def gateway_process(condition: str) -> str:
    """start -> exclusive gateway 'route' -> 'fast' when `condition`, else 'slow'; each sets `lane`."""
    return (
        HEAD
        + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="route"/>'
        + '<bpmn:exclusiveGateway id="route" default="to_slow"><bpmn:incoming>f1</bpmn:incoming>'
        + "<bpmn:outgoing>to_fast</bpmn:outgoing><bpmn:outgoing>to_slow</bpmn:outgoing></bpmn:exclusiveGateway>"
        + '<bpmn:sequenceFlow id="to_fast" sourceRef="route" targetRef="fast">'
        + f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}</bpmn:conditionExpression>'
        + "</bpmn:sequenceFlow>"
        + '<bpmn:sequenceFlow id="to_slow" sourceRef="route" targetRef="slow"/>'
        + script_task("fast", 'lane = "fast"', "to_fast", "f_fast")
        + script_task("slow", 'lane = "slow"', "to_slow", "f_slow")
        + TAIL
    )


def make_workflow(bpmn: str, helpers: dict | None = None, timeout: float = 0.2, **data) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn.encode())
    engine = ScriptEngine(FakeClock(datetime(2024, 1, 1, tzinfo=UTC)), helpers or {}, timeout=timeout)
    workflow = BpmnWorkflow(parser.get_spec("proc"), script_engine=engine)
    workflow.get_tasks(state=TaskState.READY)[0].set_data(**data)
    return workflow


def task_named(workflow: BpmnWorkflow, name: str):
    return next(t for t in workflow.get_tasks() if t.task_spec.name == name)


@pytest.mark.parametrize(
    "script",
    [
        "__import__('os')",
        "import os",
        "from os import path",
        "open('/etc/passwd')",
        "().__class__.__mro__",
        "'{0.__class__}'.format(1)",
        "str.format('{0.__class__}', 1)",
        "getattr(1, '__class__')",
        "eval('1')",
        "f'{(1).__class__}'",
        "g = (i for i in [1])\nframe = g.gi_frame",
        "def f():\n    global x\n    x = 1",
        "x = 'x' * 10**9",
        "x = 2 ** 100000",
        "try:\n    x = 1\nexcept:\n    pass",
        "while True:\n    pass",
        "while True:\n    try:\n        while True:\n            pass\n    except Exception:\n        pass",
    ],
)
def test_dangerous_scripts_are_refused_naming_the_task(script):
    workflow = make_workflow(script_process(script))
    with pytest.raises(ScriptError) as caught:
        workflow.do_engine_steps()
    assert caught.value.task == "compute"
    assert "compute" in str(caught.value)
    assert task_named(workflow, "compute").state == TaskState.ERROR


def test_refusal_message_says_what_is_not_allowed():
    with pytest.raises(ScriptError, match="imports are not allowed in BPMN scripts; use the provided helpers"):
        make_workflow(script_process("import os")).do_engine_steps()
    with pytest.raises(ScriptError, match="'open' is not available"):
        make_workflow(script_process("open('/etc/passwd')")).do_engine_steps()
    with pytest.raises(ScriptError, match="ran longer than 0.2 s"):
        make_workflow(script_process("while True:\n    pass")).do_engine_steps()


def test_a_normal_script_sets_task_data():
    workflow = make_workflow(script_process("total = sum([1, 2, 3])\nok = total > 5"))
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert task_named(workflow, "compute").data == {"total": 6, "ok": True}


def test_functions_helpers_and_iterators_are_not_left_in_task_data():
    script = (
        "def double(x):\n    return x * 2\nresult = double(add(20, 1))\nsquare = lambda v: v * v\ngen = map(str, [1])"
    )
    workflow = make_workflow(script_process(script), helpers={"add": lambda a, b: a + b})
    workflow.do_engine_steps()
    assert task_named(workflow, "compute").data == {"result": 42}


@pytest.mark.parametrize(("days", "lane"), [(3, "fast"), (10, "slow")])
def test_a_gateway_condition_can_use_a_helper(days, lane):
    workflow = make_workflow(gateway_process("is_urgent(days)"), helpers={"is_urgent": lambda d: d <= 5}, days=days)
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert task_named(workflow, lane).data["lane"] == lane


def test_a_gateway_condition_that_runs_too_long_is_stopped_naming_the_gateway():
    workflow = make_workflow(gateway_process("any(x < 0 for x in range(10**6) for y in range(10**6))"))
    with pytest.raises(ScriptError) as caught:
        workflow.do_engine_steps()
    assert caught.value.task == "route"


@pytest.mark.parametrize("script", ["total = 1", "while True:\n    pass", "import os"])
def test_the_previous_trace_function_is_restored(script):
    def dummy_tracer(frame, event, arg):
        return None

    previous = sys.gettrace()
    sys.settrace(dummy_tracer)
    try:
        try:
            make_workflow(script_process(script)).do_engine_steps()
        except ScriptError:
            pass
        assert sys.gettrace() is dummy_tracer
    finally:
        sys.settrace(previous)


def test_a_failing_script_leaves_task_data_unchanged():
    workflow = make_workflow(script_process("n = 2\nitems.append(3)\nadded = True\nx = 1 / 0"), n=1, items=[1, 2])
    with pytest.raises(ScriptError, match="ZeroDivisionError"):
        workflow.do_engine_steps()
    assert task_named(workflow, "compute").data == {"n": 1, "items": [1, 2]}


def test_task_data_hiding_a_helper_is_refused():
    workflow = make_workflow(script_process("x = add(1, 2)"), helpers={"add": lambda a, b: a + b}, add=5)
    with pytest.raises(ScriptError, match="hides helpers"):
        workflow.do_engine_steps()


def test_the_engine_exposes_its_clock():
    clock = FakeClock(datetime(2024, 5, 1, tzinfo=UTC))
    assert ScriptEngine(clock, {}).clock is clock


def test_check_script_refuses_without_running():
    check_script("ok = sum([1, 2]) > 2")
    with pytest.raises(ScriptRefused, match="imports"):
        check_script("import os")


def test_script_error_from_finds_the_error_in_a_chain():
    error = ScriptError("compute", "boom")
    try:
        try:
            raise error
        except ScriptError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert script_error_from(outer) is error
    assert script_error_from(ValueError("plain")) is None
    mapped = script_error_from(ScriptRefused("line 1: imports are not allowed"))
    assert mapped is not None and mapped.task == "unknown" and "imports" in mapped.detail
