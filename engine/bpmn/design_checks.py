"""The designer's checks of one BPMN file, beyond what parsing and the allotment check find (`motcua check`):

- every user task lies in a lane whose name is a role's lane (`engine.domain.permissions.LANE_ROLES`): the lane is
  who works the task, so a task outside such a lane would be worked by nobody;
- every form a task names (`<spiffworkflow:property name="form" value="..."/>`) exists as processes/forms/<name>.json,
  and every national portal status it sets (`portal_status`) is one of the portal's codes;
- every exclusive gateway with more than one outgoing flow has a default flow or a condition on every outgoing flow
  (otherwise a dossier may stop there with no way on).

Each problem is (file, element id, message), the shape of `ProcessDefinitionError.problems`. Pure lxml: no
SpiffWorkflow, so that the checks run on files SpiffWorkflow refuses too.
"""

from pathlib import Path

from lxml import etree

from engine.domain.permissions import LANE_ROLES
from engine.domain.portal import STATUS_LABELS

_B = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"

Problem = tuple[str, str, str]


def properties(element: etree._Element) -> dict[str, str]:
    """The element's own `spiffworkflow:property` values by name."""
    found = element.find(f"{{{_B}}}extensionElements/{{{_SPIFF}}}properties")
    if found is None:
        return {}
    return {p.get("name", ""): p.get("value", "") for p in found.iter(f"{{{_SPIFF}}}property")}


def design_problems(root: etree._Element, file: str, forms_dir: Path) -> list[Problem]:
    problems: list[Problem] = []
    for process in root.iter(f"{{{_B}}}process"):
        problems += _lane_problems(process, file)
        problems += _gateway_problems(process, file)
    for task in root.iter(f"{{{_B}}}userTask"):
        found = properties(task)
        form = found.get("form", "").strip()
        if form and not (forms_dir / f"{form}.json").is_file():
            problems.append((file, task.get("id", ""), f"biểu mẫu '{form}' không có trong processes/forms"))
        status = found.get("portal_status", "").strip()
        if status and not (status.isdigit() and int(status) in STATUS_LABELS):
            problems.append((file, task.get("id", ""), f"trạng thái Cổng DVC quốc gia '{status}' không có (1-10)"))
    return problems


def _lane_problems(process: etree._Element, file: str) -> list[Problem]:
    lane_of: dict[str, etree._Element] = {}
    for lane in process.iter(f"{{{_B}}}lane"):
        if lane.find(f"{{{_B}}}childLaneSet") is not None:
            continue  # a lane split into lanes: its child lanes say who works the tasks
        for ref in lane.iterfind(f"{{{_B}}}flowNodeRef"):
            lane_of[(ref.text or "").strip()] = lane
    problems = []
    for task in process.iter(f"{{{_B}}}userTask"):
        task_id = task.get("id", "")
        owner = lane_of.get(task_id)
        if owner is None:
            problems.append((file, task_id, "công việc của người dùng không nằm trong làn (lane) nào: không ai xử lý"))
        elif (owner.get("name") or "").strip() not in LANE_ROLES:
            known = ", ".join(LANE_ROLES)
            problems.append(
                (
                    file,
                    task_id,
                    f"làn '{owner.get('name') or owner.get('id')}' không gắn với vai trò nào "
                    f"(các làn có vai trò: {known})",
                )
            )
    return problems


def _gateway_problems(process: etree._Element, file: str) -> list[Problem]:
    flows = {f.get("id"): f for f in process.iter(f"{{{_B}}}sequenceFlow")}
    problems = []
    for gateway in process.iter(f"{{{_B}}}exclusiveGateway"):
        gateway_id = gateway.get("id", "")
        outgoing = [f for f in flows.values() if f.get("sourceRef") == gateway_id]
        if len(outgoing) <= 1 or gateway.get("default"):
            continue
        bare = [f.get("id", "") for f in outgoing if not (f.findtext(f"{{{_B}}}conditionExpression") or "").strip()]
        if bare:
            problems.append(
                (
                    file,
                    gateway_id,
                    "cổng rẽ nhánh không có luồng mặc định và các luồng ra sau không có điều kiện: " + ", ".join(bare),
                )
            )
    return problems
