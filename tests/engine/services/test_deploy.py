"""Deployment refuses a catalogued procedure whose main-path allotments do not add up to its time limit."""

import pytest

from engine.domain.errors import ProcessDefinitionError

XRAY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="D" targetNamespace="http://t">
  <bpmn:process id="x_quang_y_te" name="Cấp giấy phép X-quang" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    {tasks}
    <bpmn:endEvent id="end"><bpmn:incoming>f{n}</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def xray(allotments: list[str]) -> bytes:
    tasks = "".join(
        f'<bpmn:userTask id="t{i}" name="Bước {i}"><bpmn:extensionElements><spiffworkflow:properties>'
        f'<spiffworkflow:property name="allotment" value="{a}" /></spiffworkflow:properties></bpmn:extensionElements>'
        f"<bpmn:incoming>f{i}</bpmn:incoming><bpmn:outgoing>f{i + 1}</bpmn:outgoing></bpmn:userTask>"
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{"start" if i == 0 else f"t{i - 1}"}" targetRef="t{i}" />'
        for i, a in enumerate(allotments)
    )
    n = len(allotments)
    tasks += f'<bpmn:sequenceFlow id="f{n}" sourceRef="t{n - 1}" targetRef="end" />'
    return XRAY.format(tasks=tasks, n=n).encode()


def test_allotments_adding_up_to_the_time_limit_deploy(services):
    steps = ["0.5d", "0.5d", "6d", "1d", "2d", "0.5d", "0.5d"]  # 11 working days, as the catalogue says
    [version] = services.deploy.deploy({"x_quang_y_te.bpmn": xray(steps)}, "designer")
    assert version.created


def test_allotments_that_do_not_add_up_are_refused_and_nothing_is_deployed(services):
    steps = ["0.5d", "0.5d", "6d", "1d", "1.5d", "0.5d", "0.5d"]
    with pytest.raises(ProcessDefinitionError, match="10.5 working days.*11 working days"):
        services.deploy.deploy({"x_quang_y_te.bpmn": xray(steps)}, "designer")
    assert services.deploy.versions() == []
