"""The catalogue entry carried inside a procedure's BPMN file, so that it is versioned with the diagram.

It is one extension property of the process, `<spiffworkflow:property name="catalogue" value="{json}"/>` (the
properties panel keeps the process's extension properties as they are), holding `engine.domain.catalogue_entry`'s
JSON. A file changed only in its entry is a new version, like any other change of the file.
"""

import json

from lxml import etree

from engine.bpmn.parsing import ParsedProcess, read_xml
from engine.domain.catalogue import CatalogueFieldError, Procedure
from engine.domain.catalogue_entry import entry_from_json, entry_json
from engine.domain.errors import ProcessDefinitionError

PROPERTY = "catalogue"
_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def _process(root: etree._Element, process_id: str) -> etree._Element | None:
    return next((p for p in root.iter(f"{{{_BPMN}}}process") if p.get("id") == process_id), None)


def _property(process: etree._Element) -> etree._Element | None:
    for child in process.findall(f"{{{_BPMN}}}extensionElements/{{{_SPIFF}}}properties/{{{_SPIFF}}}property"):
        if child.get("name") == PROPERTY:
            return child
    return None


def read_entry(file_name: str, xml: str | bytes, process_id: str) -> Procedure | None:
    """The entry kept in the file for `process_id`, or None when it carries none. Raises ProcessDefinitionError
    naming the file and the process when the kept entry cannot be read."""
    process = _process(read_xml(file_name, xml), process_id)
    found = _property(process) if process is not None else None
    if found is None:
        return None
    try:
        return entry_from_json(json.loads(found.get("value") or ""))
    except (ValueError, CatalogueFieldError) as error:
        raise ProcessDefinitionError([(file_name, process_id, f"mục danh mục thủ tục không đọc được: {error}")])


def entry_in_sources(sources: dict[str, str], process_id: str) -> Procedure | None:
    """The entry kept in whichever of a version's files holds `process_id`, or None."""
    for name, text in sources.items():
        root = read_xml(name, text)
        if _process(root, process_id) is not None:
            return read_entry(name, text, process_id)
    return None


def with_entry(file_name: str, xml: str, process_id: str, procedure: Procedure) -> str:
    """`xml` with `procedure` as the entry of `process_id` (replacing the one it carried). Raises
    ProcessDefinitionError when the file has no such process."""
    root = read_xml(file_name, xml)
    process = _process(root, process_id)
    if process is None:
        raise ProcessDefinitionError([(file_name, "", f"tệp không chứa quy trình '{process_id}'")])
    value = json.dumps(entry_json(procedure), ensure_ascii=False, sort_keys=True)
    found = _property(process)
    if found is None:
        extensions = process.find(f"{{{_BPMN}}}extensionElements")
        if extensions is None:
            extensions = etree.Element(f"{{{_BPMN}}}extensionElements")
            documentation = process.findall(f"{{{_BPMN}}}documentation")
            process.insert(process.index(documentation[-1]) + 1 if documentation else 0, extensions)
        properties = extensions.find(f"{{{_SPIFF}}}properties")
        if properties is None:
            properties = etree.SubElement(extensions, f"{{{_SPIFF}}}properties", nsmap={"spiffworkflow": _SPIFF})
        found = etree.SubElement(properties, f"{{{_SPIFF}}}property", name=PROPERTY)
    found.set("value", value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


_TIME_LIMITS: dict[tuple[str, str], tuple | None] = {}


def version_time_limit(process: ParsedProcess) -> tuple | None:
    """The time limit of the entry a parsed process's version carries, or None: what a step of a
    dossier on that version counts with (its acceptance after an online submission). Versions never change, so it is
    read once per version hash."""
    key = (process.process_id, process.version_hash)
    if key not in _TIME_LIMITS:
        if len(_TIME_LIMITS) > 1024:
            _TIME_LIMITS.clear()
        entry = entry_in_sources(process.sources, process.process_id)
        _TIME_LIMITS[key] = entry.time_limit if entry is not None else None
    return _TIME_LIMITS[key]
