"""The difference between two versions of a BPMN file, element by element, computed on the parsed XML.

Elements are matched by id (bpmn-js keeps ids when a designer edits). For each element of the processes (tasks,
events, gateways, flows, lanes, subprocess contents) it compares what the engine reads: the kind of element, its name
and attributes (default flow, source and target, called process, ...), the `spiffworkflow:property` values (allotment,
form, national status, ...), the texts of conditions, scripts, timers and documentation, and the lane it lies in.
The drawing (BPMN DI: positions and sizes) is not compared: moving a shape changes nothing a dossier sees.
"""

from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn.catalogue_xml import PROPERTY as CATALOGUE_PROPERTY
from engine.bpmn.design_checks import properties
from engine.bpmn.parsing import read_xml

_B = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
# Children that only repeat what the flows say, or that are compared on their own.
_SKIPPED_CHILDREN = {"incoming", "outgoing", "flowNodeRef", "extensionElements", "laneSet", "childLaneSet"}
_TEXT_CHILDREN = {
    "conditionExpression": "điều kiện",
    "script": "kịch bản",
    "documentation": "mô tả",
    "timeDate": "hẹn giờ (thời điểm)",
    "timeDuration": "hẹn giờ (khoảng)",
    "timeCycle": "hẹn giờ (chu kỳ)",
}
_SPIFF_TEXTS = {"preScript": "kịch bản trước", "postScript": "kịch bản sau"}


@dataclass(frozen=True)
class Change:
    """One changed property: what it is, its value before and after ("" when absent)."""

    name: str
    before: str
    after: str


@dataclass(frozen=True)
class ElementDiff:
    element: str
    kind: str  # added | removed | changed
    type: str  # the BPMN element type, e.g. userTask
    name: str
    changes: list[Change] = field(default_factory=list)


def diff_bpmn(before: str, after: str) -> list[ElementDiff]:
    """Elements added, removed and changed from `before` to `after` (XML texts), in document order (the removed
    ones last). Raises ProcessDefinitionError when either is not well-formed XML."""
    old, new = _elements(read_xml("before.bpmn", before)), _elements(read_xml("after.bpmn", after))
    out = []
    for element_id, now in new.items():
        was = old.get(element_id)
        if was is None:
            out.append(ElementDiff(element_id, "added", now["type"], now["name"]))
            continue
        changes = [
            Change(key, was.get(key, ""), now.get(key, ""))
            for key in dict.fromkeys([*was, *now])
            if was.get(key, "") != now.get(key, "")
        ]
        if changes:
            out.append(ElementDiff(element_id, "changed", now["type"], now["name"], changes))
    for element_id, was in old.items():
        if element_id not in new:
            out.append(ElementDiff(element_id, "removed", was["type"], was["name"]))
    return out


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _elements(root: etree._Element) -> dict[str, dict[str, str]]:
    """id -> {property: value} for every element with an id inside the processes (and the participants)."""
    lanes: dict[str, str] = {}
    for lane in root.iter(f"{{{_B}}}lane"):
        for ref in lane.iterfind(f"{{{_B}}}flowNodeRef"):
            lanes[(ref.text or "").strip()] = lane.get("name") or lane.get("id") or ""
    found: dict[str, dict[str, str]] = {}
    for container in [*root.iter(f"{{{_B}}}process"), *root.iter(f"{{{_B}}}collaboration")]:
        for element in container.iter():
            element_id = element.get("id")
            if not element_id or not isinstance(element.tag, str) or not element.tag.startswith(f"{{{_B}}}"):
                continue
            tag = _local(element.tag)
            if tag in _TEXT_CHILDREN or tag.endswith("EventDefinition") or tag in _SKIPPED_CHILDREN:
                continue
            found[element_id] = _describe(element, tag, lanes.get(element_id, ""))
    return found


def _describe(element: etree._Element, tag: str, lane: str) -> dict[str, str]:
    described = {"type": tag, "name": element.get("name", "")}
    for attribute, value in element.attrib.items():
        key = _local(attribute)
        if key not in ("id", "name"):
            described[key] = str(value)
    if lane:
        described["làn"] = lane
    for name, value in properties(element).items():
        if tag == "process" and name == CATALOGUE_PROPERTY:
            continue  # the catalogue entry: compared field by field on its own (DesignerService.catalogue_diff)
        described[f"thuộc tính {name}"] = value
    for child in element:
        child_tag = _local(child.tag)
        if child_tag in _TEXT_CHILDREN:
            described[_TEXT_CHILDREN[child_tag]] = (child.text or "").strip()
        elif child_tag.endswith("EventDefinition"):
            described["sự kiện"] = child_tag
            for timer in child:
                timer_tag = _local(timer.tag)
                if timer_tag in _TEXT_CHILDREN:
                    described[_TEXT_CHILDREN[timer_tag]] = (timer.text or "").strip()
    extensions = element.find(f"{{{_B}}}extensionElements")
    if extensions is not None:
        for tag_name, label in _SPIFF_TEXTS.items():
            text = extensions.findtext(f"{{{_SPIFF}}}{tag_name}")
            if text is not None:
                described[label] = text.strip()
    return described
