"""A BPMN process from an approved step table (`engine.domain.step_table`), laid out for bpmn-js.

What it builds, in the lanes of the roles that carry out the steps:

- the reception as the shared call activity `chung_tiep_nhan` (the table's first step when the one-stop section does
  it, with its time), then the channel and reception gateways of the shipped procedures (refused, or waiting for a
  complete dossier, end there);
- every other step as a user task with its allotment and the national status 4 (Đang xử lý), a form chosen by the
  lane and the step's place (division head: first `phan_cong` then `xem_xet`; specialist: `tham_dinh`; director:
  `ky_duyet`; clerk: `ban_hanh`; the last one-stop step: `tra_ket_qua` with status 9), for the designer to review;
- after the first specialist step, the appraisal gateway with the shared supplementation (`chung_bo_sung`, back to
  the step) and refusal (`chung_tu_choi`) call activities off the main path;
- the status updates 9 (Đã xử lý xong) before, and 10 (Đã trả kết quả) after, returning the result.

Layout: one column per element of the main path, left to right, 150 px apart; each lane 200 px high, the main path
on its upper row and the side branches on its lower row, so no shapes overlap; lanes are as wide as the pool.
"""

from dataclasses import dataclass, field

from lxml import etree

from engine.domain.permissions import LANE_ROLES, ONE_STOP_LANE
from engine.domain.step_table import Step

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "spiffworkflow": SPIFF, "xsi": XSI}

COLUMN = 150
LANE_HEIGHT = 200
POOL_X, POOL_Y, POOL_LABEL = 50, 50, 30
SIZES = {"event": (36, 36), "task": (100, 80), "gateway": (50, 50)}
_FORMS = {"Chuyên viên thụ lý": "tham_dinh", "Lãnh đạo Sở": "ky_duyet", "Văn thư": "ban_hanh"}


@dataclass
class Node:
    id: str
    tag: str  # startEvent, userTask, callActivity, ...
    name: str
    lane: str
    column: int
    branch: bool = False  # on the lane's lower row
    attributes: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    script: str = ""

    @property
    def kind(self) -> str:
        return "event" if "Event" in self.tag else "gateway" if "Gateway" in self.tag else "task"


@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str = ""
    condition: str = ""


def build_process(process_id: str, name: str, steps: list[Step]) -> str:
    """The BPMN XML of process `process_id` named `name` for `steps` (see the module docstring)."""
    nodes, flows = _graph(steps)
    return _xml(process_id, name, nodes, flows)


def _graph(steps: list[Step]) -> tuple[list[Node], list[Flow]]:
    nodes: list[Node] = []
    flows: list[Flow] = []
    column = 0

    def add(node: Node) -> Node:
        nodes.append(node)
        return node

    def link(source: Node, target: Node, name: str = "", condition: str = "") -> None:
        flows.append(Flow(f"f{len(flows) + 1}", source.id, target.id, name, condition))

    rest = list(steps)
    start = add(Node("start", "startEvent", "Hồ sơ nộp đến", ONE_STOP_LANE, column))
    column += 1
    reception = add(
        Node("tiep_nhan", "callActivity", "Tiếp nhận, kiểm tra hồ sơ", ONE_STOP_LANE, column,
             attributes={"calledElement": "chung_tiep_nhan"})
    )  # fmt: skip
    if rest and rest[0].lane == ONE_STOP_LANE:
        first = rest.pop(0)
        reception.name = first.content[:200]
        reception.properties["allotment"] = first.allotment
    link(start, reception)
    column += 1
    channel = add(Node("gw_kenh", "exclusiveGateway", "Nộp trực tiếp tại Bộ phận Một cửa?", ONE_STOP_LANE, column))
    column += 1
    received = add(Node("gw_tiep_nhan", "exclusiveGateway", "Đã tiếp nhận hồ sơ?", ONE_STOP_LANE, column))
    link(reception, channel)
    link(channel, received)
    channel.attributes["default"] = flows[-1].id
    refused = add(Node("end_tu_choi_tn", "endEvent", "Không tiếp nhận", ONE_STOP_LANE, column + 1, branch=True))
    waiting = add(Node("end_bo_sung_tn", "endEvent", "Chờ nộp lại hồ sơ đầy đủ", ONE_STOP_LANE, column + 2, True))
    link(received, refused, "Không tiếp nhận", 'reception_result == "refuse"')
    link(received, waiting, "Cần bổ sung", 'reception_result == "supplement"')

    returning = rest.pop() if rest and rest[-1].lane == ONE_STOP_LANE else None
    previous: list[tuple[Node, str, str]] = [(received, "", ""), (channel, "Nộp trực tiếp", "channel == 1")]

    def connect(target: Node) -> None:
        """Link every open end to `target`; a gateway's flow without a condition is its default flow."""
        for source, label, condition in previous:
            link(source, target, label, condition)
            if source.kind == "gateway" and not condition and "default" not in source.attributes:
                source.attributes["default"] = flows[-1].id

    seen_lanes: set[str] = set()
    appraisal_done = False
    for index, step in enumerate(rest, start=1):
        column += 1
        form = _form(step.lane, seen_lanes)
        seen_lanes.add(step.lane)
        properties = {"allotment": step.allotment, "portal_status": "4"}
        if form:
            properties = {"form": form, **properties}
        task = add(Node(f"buoc_{index}", "userTask", step.content[:200], step.lane, column, properties=properties))
        connect(task)
        previous = [(task, "", "")]
        if form == "tham_dinh" and not appraisal_done:
            appraisal_done = True
            column += 1
            gateway = add(Node(f"gw_buoc_{index}", "exclusiveGateway", "Kết quả thẩm định", step.lane, column))
            link(task, gateway)
            supplement = add(
                Node("bo_sung_ho_so", "callActivity", "Bổ sung hồ sơ (Mẫu 02)", step.lane, column, branch=True,
                     attributes={"calledElement": "chung_bo_sung"}, properties={"main_path": "false"})
            )  # fmt: skip
            refusal = add(
                Node("tu_choi_giai_quyet", "callActivity", "Từ chối giải quyết (Mẫu 03)", step.lane, column + 1,
                     branch=True, attributes={"calledElement": "chung_tu_choi"}, properties={"main_path": "false"})
            )  # fmt: skip
            refused_end = add(Node("end_tu_choi", "endEvent", "Đã từ chối giải quyết", step.lane, column + 2, True))
            link(gateway, supplement, "Cần bổ sung", 'appraisal_result == "supplement"')
            link(supplement, task)
            link(gateway, refusal, "Không đủ điều kiện", 'appraisal_result == "refuse"')
            link(refusal, refused_end)
            previous = [(gateway, "Đạt", "")]
    column += 1
    done = add(Node("bao_da_xu_ly", "scriptTask", "Cập nhật: đã có kết quả", ONE_STOP_LANE, column,
                    script="set_portal_status(9)"))  # fmt: skip
    connect(done)
    last: Node = done
    if returning is not None:
        column += 1
        back = add(
            Node("tra_ket_qua", "userTask", returning.content[:200], ONE_STOP_LANE, column,
                 properties={"form": "tra_ket_qua", "allotment": returning.allotment, "portal_status": "9"})
        )  # fmt: skip
        link(done, back)
        column += 1
        returned = add(Node("da_tra_ket_qua", "scriptTask", "Cập nhật: đã trả kết quả", ONE_STOP_LANE, column,
                            script="set_portal_status(10)"))  # fmt: skip
        link(back, returned)
        last = returned
    column += 1
    end = add(Node("end", "endEvent", "Đã trả kết quả" if returning else "Đã có kết quả", ONE_STOP_LANE, column))
    link(last, end)
    return nodes, flows


def _form(lane: str, seen: set[str]) -> str:
    if lane == "Lãnh đạo phòng":
        return "xem_xet" if lane in seen else "phan_cong"
    return _FORMS.get(lane, "")


# --- XML and layout --------------------------------------------------------------------------------------------------
def _xml(process_id: str, name: str, nodes: list[Node], flows: list[Flow]) -> str:
    used = {n.lane for n in nodes}
    lanes = [lane for lane in LANE_ROLES if lane in used]
    columns = max(n.column for n in nodes) + 1
    width = POOL_LABEL + 60 + columns * COLUMN
    top = {lane: POOL_Y + i * LANE_HEIGHT for i, lane in enumerate(lanes)}

    def box(node: Node) -> tuple[float, float, float, float]:
        w, h = SIZES[node.kind]
        cx = POOL_X + POOL_LABEL + 40 + node.column * COLUMN + 50
        cy = top[node.lane] + (150 if node.branch else 60)
        return cx - w / 2, cy - h / 2, w, h

    root = etree.Element(f"{{{BPMN}}}definitions", nsmap=NSMAP, id=f"Defs_{process_id}")
    root.set("targetNamespace", "http://motcua.vn/bpmn")
    collaboration = etree.SubElement(root, f"{{{BPMN}}}collaboration", id=f"Collab_{process_id}")
    etree.SubElement(
        collaboration, f"{{{BPMN}}}participant", id=f"Part_{process_id}", name="Sở Khoa học và Công nghệ",
        processRef=process_id,
    )  # fmt: skip
    process = etree.SubElement(root, f"{{{BPMN}}}process", id=process_id, name=name, isExecutable="true")
    documentation = etree.SubElement(process, f"{{{BPMN}}}documentation")
    documentation.text = (
        "Nhập từ bảng quy trình nội bộ (motcua import-steps); người thiết kế xem lại trước khi triển khai."
    )
    lane_set = etree.SubElement(process, f"{{{BPMN}}}laneSet", id=f"LaneSet_{process_id}")
    lane_ids = {lane: f"Lane_{i + 1}" for i, lane in enumerate(lanes)}
    for lane in lanes:
        element = etree.SubElement(lane_set, f"{{{BPMN}}}lane", id=lane_ids[lane], name=lane)
        for node in nodes:
            if node.lane == lane:
                etree.SubElement(element, f"{{{BPMN}}}flowNodeRef").text = node.id
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for flow in flows:
        outgoing.setdefault(flow.source, []).append(flow.id)
        incoming.setdefault(flow.target, []).append(flow.id)
    for node in nodes:
        element = etree.SubElement(
            process, f"{{{BPMN}}}{node.tag}", {"id": node.id, "name": node.name, **node.attributes}
        )
        if node.properties:
            extensions = etree.SubElement(element, f"{{{BPMN}}}extensionElements")
            container = etree.SubElement(extensions, f"{{{SPIFF}}}properties")
            for key, value in node.properties.items():
                etree.SubElement(container, f"{{{SPIFF}}}property", name=key, value=value)
        for flow_id in incoming.get(node.id, []):
            etree.SubElement(element, f"{{{BPMN}}}incoming").text = flow_id
        for flow_id in outgoing.get(node.id, []):
            etree.SubElement(element, f"{{{BPMN}}}outgoing").text = flow_id
        if node.script:
            etree.SubElement(element, f"{{{BPMN}}}script").text = node.script
    for flow in flows:
        element = etree.SubElement(process, f"{{{BPMN}}}sequenceFlow", id=flow.id, sourceRef=flow.source,
                                   targetRef=flow.target)  # fmt: skip
        if flow.name:
            element.set("name", flow.name)
        if flow.condition:
            condition = etree.SubElement(element, f"{{{BPMN}}}conditionExpression")
            condition.set(f"{{{XSI}}}type", "bpmn:tFormalExpression")
            condition.text = flow.condition

    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"Diagram_{process_id}")
    plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"Plane_{process_id}",
                             bpmnElement=f"Collab_{process_id}")  # fmt: skip
    _shape(plane, f"Part_{process_id}", (POOL_X, POOL_Y, width, LANE_HEIGHT * len(lanes)), horizontal=True)
    for lane in lanes:
        _shape(plane, lane_ids[lane], (POOL_X + POOL_LABEL, top[lane], width - POOL_LABEL, LANE_HEIGHT), True)
    boxes = {node.id: box(node) for node in nodes}
    for node in nodes:
        _shape(plane, node.id, boxes[node.id])
    for flow in flows:
        edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{flow.id}_di", bpmnElement=flow.id)
        for x, y in _waypoints(boxes[flow.source], boxes[flow.target]):
            etree.SubElement(edge, f"{{{DI}}}waypoint", x=f"{x:g}", y=f"{y:g}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _shape(plane, element_id: str, bounds, horizontal: bool = False) -> None:
    shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{element_id}_di", bpmnElement=element_id)
    if horizontal:
        shape.set("isHorizontal", "true")
    x, y, w, h = bounds
    etree.SubElement(shape, f"{{{DC}}}Bounds", x=f"{x:g}", y=f"{y:g}", width=f"{w:g}", height=f"{h:g}")


def _waypoints(source, target) -> list[tuple[float, float]]:
    """Right angles only: forward flows leave on the right and enter on the left; a flow back (to the left) leaves on
    the left and enters the target from below."""
    sx, sy, sw, sh = source
    tx, ty, tw, th = target
    s_mid, t_mid = sy + sh / 2, ty + th / 2
    if tx >= sx + sw:
        if abs(s_mid - t_mid) < 1e-9:
            return [(sx + sw, s_mid), (tx, t_mid)]
        if ty > sy + sh or ty + th < sy:  # into another row: down or up from the source's side, then across
            return [(sx + sw / 2, sy + sh if ty > sy else sy), (sx + sw / 2, t_mid), (tx, t_mid)]
        middle = (sx + sw + tx) / 2
        return [(sx + sw, s_mid), (middle, s_mid), (middle, t_mid), (tx, t_mid)]
    if tx + tw <= sx or abs(tx - sx) < 1e-9:  # backwards or straight up
        centre = tx + tw / 2
        return (
            [(sx, s_mid), (centre, s_mid), (centre, ty + th)]
            if tx + tw <= sx
            else [(sx + sw / 2, sy), (centre, ty + th)]
        )
    centre = tx + tw / 2
    return [(sx + sw / 2, sy + sh), (sx + sw / 2, ty - 20), (centre, ty - 20), (centre, ty)]
