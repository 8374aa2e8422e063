"""Parse and validate BPMN files safely, with SpiffWorkflow's Spiff parser (so `spiffworkflow:` extensions are kept).

Every problem is reported as (file, element id, message) in a `ProcessDefinitionError`.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.bpmn.script_rules import ScriptRefused, compile_checked
from engine.bpmn.timers import BoundaryEventParser, IntermediateCatchEventParser, StartEventParser
from engine.domain.errors import ProcessDefinitionError

MAX_FILE_BYTES = 4 * 1024 * 1024

# No DTDs, no entities, no network, no huge trees: a BPMN file is data from a designer, not trusted markup.
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False, remove_comments=True
)


class MotcuaBpmnParser(SpiffBpmnParser):
    """Spiff's parser with timer events that read the engine's clock."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (StartEventParser, StartEvent),
        full_tag("boundaryEvent"): (BoundaryEventParser, BoundaryEvent),
        full_tag("intermediateCatchEvent"): (IntermediateCatchEventParser, IntermediateCatchEvent),
    }


@dataclass
class ParsedProcess:
    """One executable process with everything it calls, ready to run."""

    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    sources: dict[str, str]  # file name -> XML text of every file the process needs
    version_hash: str = field(default="")


def read_xml(name: str, content: bytes | str) -> etree._Element:
    """Parse one file's XML with the safe parser; raise ProcessDefinitionError naming the file."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if len(data) > MAX_FILE_BYTES:
        raise ProcessDefinitionError([(name, "", f"file is {len(data)} bytes; the limit is {MAX_FILE_BYTES}")])
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise ProcessDefinitionError([(name, "", "DOCTYPE and ENTITY declarations are not allowed in BPMN files")])
    try:
        return etree.fromstring(data, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ProcessDefinitionError([(name, "", f"not well-formed XML: {exc}")])


_BPMN_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def _dangling_references(root: etree._Element, name: str) -> list[tuple[str, str, str]]:
    """Sequence flows that point at nothing: found here so the message can say exactly that."""
    problems = []
    for proc in root.iterfind(".//bpmn:process", _BPMN_NS):
        ids = {el.get("id") for el in proc.iter() if el.get("id")}
        for flow in proc.iterfind(".//bpmn:sequenceFlow", _BPMN_NS):
            for end in ("sourceRef", "targetRef"):
                ref = flow.get(end)
                if ref not in ids:
                    problems.append(
                        (
                            name,
                            flow.get("id", ""),
                            f"sequence flow {end} '{ref}' is not an element of process '{proc.get('id')}'",
                        )
                    )
    return problems


_SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_B = _BPMN_NS["bpmn"]
# Every element whose text the engine runs as Python: (tag, what it is, mode, stripped as the engine strips it).
_SCRIPTS = (
    (f"{{{_B}}}script", "script", "exec", False),
    (f"{{{_SPIFF}}}preScript", "pre-script", "exec", False),
    (f"{{{_SPIFF}}}postScript", "post-script", "exec", False),
    (f"{{{_B}}}conditionExpression", "condition", "eval", False),
    (f"{{{_B}}}timeDate", "timer date expression", "eval", True),
    (f"{{{_B}}}timeDuration", "timer duration expression", "eval", True),
    (f"{{{_B}}}loopCardinality", "loop cardinality", "eval", False),
    (f"{{{_B}}}completionCondition", "completion condition", "eval", False),
    (f"{{{_SPIFF}}}messagePayload", "message payload", "eval", False),
)


def script_problems(root: etree._Element, name: str) -> list[tuple[str, str, str]]:
    """Every script, condition and timer expression in the file, checked with the rules they run under
    (`engine.bpmn.script_rules`): (file, id of the element that holds it, reason) for each refused one."""
    problems = []
    for tag, what, mode, stripped in _SCRIPTS:
        for element in root.iter(tag):
            text = element.text or ""
            if stripped:
                text = text.strip()
            if not text.strip():
                continue
            try:
                compile_checked(text, mode)
            except ScriptRefused as exc:
                owner = next(
                    (e for e in element.iterancestors() if e.get("id") and not str(e.tag).endswith("EventDefinition")),
                    element,
                )
                problems.append((name, owner.get("id", ""), f"{what}: {exc}"))
    return problems


def _problem(exc: ValidationException, default_file: str) -> tuple[str, str, str]:
    where = f" (line {exc.line_number})" if getattr(exc, "line_number", "") else ""
    message = str(exc).split("\nSource Details")[0].strip() or "invalid"
    if getattr(exc, "name", ""):
        message = f"{message} [{exc.name}]"
    return (getattr(exc, "file_name", "") or default_file, getattr(exc, "id", "") or "", message + where)


def version_hash(sources: dict[str, str]) -> str:
    """The version key of a process: a hash over the names and contents of the files it needs."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name].encode("utf-8") + b"\0")
    return digest.hexdigest()


def parse_files(
    files: Mapping[str, bytes | str], extra: Mapping[str, bytes | str] | None = None
) -> dict[str, ParsedProcess]:
    """Validate `files` and return their executable processes by id.

    `extra` are already-deployed files that `files` may call (shared call activities); their processes are not
    returned. Raises ProcessDefinitionError listing every problem found.
    """
    parser = MotcuaBpmnParser(validator=VALIDATOR)
    texts: dict[str, str] = {}
    problems: list[tuple[str, str, str]] = []
    for name, content in {**(extra or {}), **files}.items():
        try:
            root = read_xml(name, content)
            dangling = _dangling_references(root, name)
            refused = script_problems(root, name)
            if dangling or refused:
                problems.extend(dangling + refused)
                continue
            parser.add_bpmn_xml(root, filename=name)
            texts[name] = content.decode("utf-8") if isinstance(content, bytes) else content
        except ProcessDefinitionError as exc:
            problems.extend(exc.problems)
        except ValidationException as exc:
            problems.append(_problem(exc, name))
    if problems:
        raise ProcessDefinitionError(problems)

    ours = set(files)
    parsed: dict[str, ParsedProcess] = {}
    for process_id in parser.get_process_ids():
        process_parser = parser.get_process_parser(process_id)
        if process_parser.filename not in ours:
            continue
        try:
            spec = parser.get_spec(process_id)
            subspecs = parser.get_subprocess_specs(process_id)
        except ValidationException as exc:
            problems.append(_problem(exc, process_parser.filename))
            continue
        needed = {process_parser.filename} | {parser.get_process_parser(s).filename for s in subspecs}
        sources = {n: texts[n] for n in sorted(needed)}
        parsed[process_id] = ParsedProcess(
            process_id, process_parser.get_name() or process_id, spec, subspecs, sources, version_hash(sources)
        )
    if problems:
        raise ProcessDefinitionError(problems)
    if not parsed:
        raise ProcessDefinitionError([(", ".join(sorted(files)), "", 'no executable process (isExecutable="true")')])
    return parsed
