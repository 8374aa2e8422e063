"""Parsing and validating BPMN: clear errors naming the file, the element and the problem; safe XML."""

import pytest

from engine.bpmn.parsing import MAX_FILE_BYTES, parse_files, version_hash
from engine.domain.errors import ProcessDefinitionError
from tests.conftest import fixture_files

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://t">'
)


def process(body: str, pid: str = "p") -> str:
    return f'{HEADER}<bpmn:process id="{pid}" isExecutable="true">{body}</bpmn:process></bpmn:definitions>'


def problems_of(files):
    with pytest.raises(ProcessDefinitionError) as refused:
        parse_files({k: v.encode() if isinstance(v, str) else v for k, v in files.items()})
    return refused.value.problems


def test_a_valid_file_parses_with_its_extension_properties():
    parsed = parse_files(fixture_files("three_steps.bpmn"))
    spec = parsed["three_steps"].spec
    assert spec.task_specs["appraise"].extensions["properties"] == {"allotment": "2d"}
    assert parsed["three_steps"].name == "Ba bước có hẹn giờ"
    assert parsed["three_steps"].version_hash == version_hash(parsed["three_steps"].sources)


def test_the_version_hash_changes_with_the_content():
    one = parse_files(fixture_files("three_steps.bpmn"))["three_steps"]
    changed = fixture_files("three_steps.bpmn")["three_steps.bpmn"].replace(b"Ba b", b"Bon b")
    two = parse_files({"three_steps.bpmn": changed})["three_steps"]
    assert one.version_hash != two.version_hash


@pytest.mark.parametrize(
    "body, element, message",
    [
        (
            '<bpmn:startEvent id="s"><bpmn:outgoing>f</bpmn:outgoing></bpmn:startEvent>'
            '<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="missing" />',
            "f",
            "missing",
        ),
        ('<bpmn:userTask id="t" name="T" />', "", "start event"),
        (
            '<bpmn:startEvent id="s"><bpmn:outgoing>f</bpmn:outgoing></bpmn:startEvent>'
            '<bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f</bpmn:incoming>'
            "<bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition>"
            '</bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="wait" />',
            "wait",
            "cycle",
        ),
    ],
)
def test_invalid_processes_are_refused_naming_file_element_and_problem(body, element, message):
    [(file, found_element, problem)] = problems_of({"bad.bpmn": process(body)})
    assert file == "bad.bpmn"
    if element:
        assert found_element == element
    assert message.lower() in problem.lower()


def test_schema_errors_name_the_file_and_line():
    [(file, _element, problem)] = problems_of({"schema.bpmn": process('<bpmn:notATask id="x" />')})
    assert file == "schema.bpmn" and "line" in problem


def test_every_bad_file_is_reported_at_once():
    problems = problems_of({"a.bpmn": "<not-closed", "b.bpmn": "also <bad"})
    assert {p[0] for p in problems} == {"a.bpmn", "b.bpmn"}
    assert all("well-formed" in p[2] for p in problems)


def test_external_entities_are_refused_without_being_read():
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + process('<bpmn:startEvent id="s" name="&x;" />').split("?>", 1)[1]
    )
    [(file, _element, problem)] = problems_of({"xxe.bpmn": xxe})
    assert file == "xxe.bpmn" and "DOCTYPE" in problem and "root:" not in problem


def test_oversized_files_are_refused():
    [(_file, _element, problem)] = problems_of({"big.bpmn": b" " * (MAX_FILE_BYTES + 1)})
    assert "limit" in problem


def test_a_file_without_executable_process_is_refused():
    xml = f'{HEADER}<bpmn:process id="p" isExecutable="false" /></bpmn:definitions>'
    [(_file, _element, problem)] = problems_of({"none.bpmn": xml})
    assert "executable" in problem


def test_call_activities_resolve_against_other_files():
    caller = process(
        '<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
        '<bpmn:callActivity id="c" calledElement="shared"><bpmn:incoming>f1</bpmn:incoming>'
        "<bpmn:outgoing>f2</bpmn:outgoing></bpmn:callActivity>"
        '<bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="c" />'
        '<bpmn:sequenceFlow id="f2" sourceRef="c" targetRef="e" />',
        pid="caller",
    )
    shared = process(
        '<bpmn:startEvent id="s2"><bpmn:outgoing>g</bpmn:outgoing></bpmn:startEvent>'
        '<bpmn:endEvent id="e2"><bpmn:incoming>g</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:sequenceFlow id="g" sourceRef="s2" targetRef="e2" />',
        pid="shared",
    )
    parsed = parse_files({"caller.bpmn": caller.encode()}, extra={"shared.bpmn": shared.encode()})
    assert set(parsed) == {"caller"}
    assert set(parsed["caller"].sources) == {"caller.bpmn", "shared.bpmn"}
    assert "shared" in parsed["caller"].subprocess_specs
