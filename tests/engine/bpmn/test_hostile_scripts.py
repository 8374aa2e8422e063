"""Hostile scripts, conditions and timer expressions, each through both doors: `check`/deploy and execution.

What the rules can see (imports, dunders, forbidden builtins, format tricks, literal bombs, syntax errors) is refused
by `motcua check` and deployment with (file, element id, reason), and by the runtime with the same reason if such a
file got in some other way. What only running can show (a power of a computed exponent, allocations sized by
variables, endless loops, recursion) passes the check and is stopped by the sandbox: the step fails with ScriptError
naming the task and the instance stays exactly as it was, and the server keeps answering meanwhile.
"""

import threading
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.bpmn.parsing import parse_files
from engine.bpmn.scripts import ScriptEngine
from engine.domain.errors import ProcessDefinitionError, ScriptError
from tests.engine.services.test_instances import only_task, snapshot

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="http://t">
  <bpmn:process id="hostile" name="Kịch bản độc hại" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="fill" name="Nhập">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill" />
    <bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="{first}" />
    <bpmn:userTask id="after" name="Sau">
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming><bpmn:incoming>other</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="after" targetRef="end" />
"""
TAIL = "</bpmn:process></bpmn:definitions>"
BODIES = {
    # kind: (element that holds the text at check, task named at run time, body)
    "script": (
        "compute",
        "compute",
        """<bpmn:scriptTask id="compute" name="Tính"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{text}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="compute" targetRef="after" />
    <bpmn:sequenceFlow id="other" sourceRef="start" targetRef="end" />""",
    ),
    "condition": (
        "risky",
        "route",
        """<bpmn:exclusiveGateway id="route" default="other"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>risky</bpmn:outgoing><bpmn:outgoing>other</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="risky" sourceRef="route" targetRef="mid">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{text}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="other" sourceRef="route" targetRef="end" />
    <bpmn:scriptTask id="mid"><bpmn:incoming>risky</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>ok = True</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="mid" targetRef="after" />""",
    ),
    "timer": (
        "wait",
        "wait",
        """<bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">{text}</bpmn:timeDate>
      </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="after" />
    <bpmn:sequenceFlow id="other" sourceRef="start" targetRef="end" />""",
    ),
}


def bpmn(kind: str, text: str) -> bytes:
    first = {"script": "compute", "condition": "route", "timer": "wait"}[kind]
    return (HEAD.format(first=first) + BODIES[kind][2].format(text=escape(text)) + TAIL).encode()


# (kind, text, what the reason says). Refused by the rules, at check and at run time alike:
REFUSED_BY_CHECK = [
    ("script", "import os", "imports are not allowed"),
    ("script", "from os import path", "imports are not allowed"),
    ("script", "x = __import__('os')", "the name '__import__' is not allowed"),
    ("script", "mro = ().__class__.__mro__", "the attribute '__"),
    ("script", "f = lambda: 0\ncode = f.__code__", "the attribute '__code__'"),
    ("script", "g = (i for i in [1])\nframe = g.gi_frame", "the attribute 'gi_frame'"),
    ("script", "x = getattr(1, 'real')", "'getattr' is not available"),
    ("script", "t = type(1)", "'type' is not available"),
    ("script", "x = vars()", "'vars' is not available"),
    ("script", "x = eval('1')", "'eval' is not available"),
    ("script", "x = open('/etc/passwd').read()", "'open' is not available"),
    ("script", "x = '{0.__class__}'.format(1)", "'.format(...)' is not allowed"),
    ("script", "x = str.format_map('{a}', {'a': 1})", "'.format_map(...)' is not allowed"),
    ("script", "x = f'{(1).__class__}'", "the attribute '__class__'"),
    ("script", "x = 2 ** 100000", "too large"),
    ("script", "x = 10 ** 10 ** 6", "too large"),
    ("script", "x = 'x' * 10**9", "repeating a sequence"),
    ("script", "x = 1 << 10**6", "the shift"),
    ("script", "def f():\n    global y\n    y = 1", "'global'/'nonlocal' is not allowed"),
    ("script", "x = (", "syntax error on line 1"),
    ("condition", "__import__('os').system('true')", "the name '__import__' is not allowed"),
    ("condition", "approved ==", "syntax error"),
    ("timer", "getattr(appointment, 'x')", "'getattr' is not available"),
]
# Accepted by the rules (nothing shows before running), stopped by the sandbox's limits at run time:
STOPPED_AT_RUN = [
    ("script", "e = 9 ** 9\nx = 9 ** e", "ran longer than"),
    ("script", "n = 10 ** 5\nx = 'x' * n * n", "more memory"),
    ("script", "n = 10 ** 9\nx = [0] * n", "more memory"),
    ("script", "s = 'ab'\nwhile True:\n    s = s + s", "stopped"),
    ("script", "x = f'{1:>{10**9}}'", "more memory"),
    ("script", "x = '%*d' % (10 ** 9, 1)", "more memory"),
    ("script", "rows = [[0] * 2000] * 2000\nflat = sum(rows, [])", "ran longer than"),
    ("script", "while True:\n    pass", "ran longer than"),
    ("script", "def f(n):\n    return f(n + 1)\nx = f(0)", "RecursionError"),
    ("script", "x = []\nfor i in range(1000):\n    x = [x]", "nested deeper"),
    ("script", "x = int('9' * 5000)", "ValueError"),
    ("condition", "9 ** e > 0", "ran longer than"),
    ("timer", "str(2 ** e)[:3]", "ran longer than"),
]


def _case_id(case) -> str:
    return f"{case[0]}:{case[1][:30]}"


@pytest.mark.parametrize("case", REFUSED_BY_CHECK, ids=_case_id)
def test_check_refuses_naming_file_element_and_reason(case):
    kind, text, reason = case
    with pytest.raises(ProcessDefinitionError) as refused:
        parse_files({"hostile.bpmn": bpmn(kind, text)})
    [(file, element, message)] = refused.value.problems
    assert (file, element) == ("hostile.bpmn", BODIES[kind][0])
    assert reason in message


@pytest.mark.parametrize("case", REFUSED_BY_CHECK, ids=_case_id)
def test_the_runtime_refuses_the_same_for_the_same_reason(case):
    """As if the file had got past the check (parsed by SpiffWorkflow alone): the step fails the same way."""
    kind, text, reason = case
    workflow = _unchecked_workflow(kind, text)
    with pytest.raises(ScriptError) as refused:
        _run_past_fill(workflow)
    assert refused.value.task == BODIES[kind][1]
    assert reason in refused.value.detail


def _unchecked_workflow(kind: str, text: str) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn(kind, text))
    from engine.domain.clock import FakeClock, SystemClock

    engine = ScriptEngine(FakeClock(SystemClock().now()), {}, timeout=0.5)
    return BpmnWorkflow(parser.get_spec("hostile"), script_engine=engine)


def _run_past_fill(workflow: BpmnWorkflow) -> None:
    workflow.do_engine_steps()
    [fill] = workflow.get_tasks(spec_name="fill")
    fill.run()
    workflow.do_engine_steps()


@pytest.mark.parametrize("case", STOPPED_AT_RUN, ids=_case_id)
def test_what_only_running_shows_is_stopped_and_the_instance_stays_unchanged(services, case):
    kind, text, reason = case
    services.runtime.script_engine.environment.timeout = 0.5
    assert services.deploy.check({"hostile.bpmn": bpmn(kind, text)})  # nothing to see before running
    services.deploy.deploy({"hostile.bpmn": bpmn(kind, text)}, "designer")
    services.instances.start("hostile", "H1", {"appointment": "2026-03-09T17:00:00+07:00", "e": 9**9}, "motcua")
    before = snapshot(services, "H1")
    with pytest.raises(ScriptError) as stopped:
        services.instances.complete(only_task(services, "H1").task_id, {}, "motcua")
    assert stopped.value.task == BODIES[kind][1]
    assert reason in stopped.value.detail, stopped.value.detail
    assert snapshot(services, "H1") == before
    # The sandbox that was killed or ran out of memory was replaced: the next script runs normally.
    services.deploy.deploy({"hostile.bpmn": bpmn("script", "x = sum([i * i for i in range(10)])")}, "designer")
    services.instances.start("hostile", "H2", {}, "motcua")
    services.instances.complete(only_task(services, "H2").task_id, {}, "motcua")
    services.instances.complete(only_task(services, "H2").task_id, {}, "motcua")  # 'after'
    assert services.instances.get("H2").data["x"] == 285


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_server_answers_while_a_hostile_script_runs(app, services):
    """The script runs in another process: /healthz answers while a step waits for it (it held the process before)."""
    services.runtime.script_engine.environment.timeout = 1.0
    services.deploy.deploy({"hostile.bpmn": bpmn("script", "e = 9 ** 9\nx = 9 ** e")}, "designer")
    services.instances.start("hostile", "H1", {}, "motcua")
    task_id = only_task(services, "H1").task_id
    failures = []

    def complete():
        try:
            services.instances.complete(task_id, {}, "motcua")
        except ScriptError as exc:
            failures.append(exc)

    worker = threading.Thread(target=complete)
    client = app.test_client()
    worker.start()
    answered = 0
    while worker.is_alive():
        assert client.get("/healthz").status_code == 200
        answered += 1
    worker.join()
    assert answered > 1 and len(failures) == 1
