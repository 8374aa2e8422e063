"""The shipped procedures (processes/*.bpmn) against the catalogue and the contract in docs/PROCEDURES.md: one file per
catalogued procedure, allotments and portal statuses on every user task, a complete diagram, the shared activities
(processes/chung_*.bpmn) defined once and called by every procedure, and dossiers run through the services on their
main path, with a refusal, a supplementation and an apology letter."""

from datetime import datetime, timedelta

import pytest
from lxml import etree
from sqlalchemy import select

from engine.bpmn.allotments import check_allotments, main_path_allotment
from engine.bpmn.parsing import parse_files
from engine.domain.catalogue_data import load_catalogue
from engine.domain.clock import VN_TZ, FakeClock
from engine.domain.deadlines import parse_allotment
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.persistence.models import ProcessVersion
from engine.services.deploy import read_files
from tests.conftest import PROCESSES, RecordingSender
from tests.test_architecture import MAIN_PATH_DATA

CATALOGUE = load_catalogue()
PROCEDURES = list(CATALOGUE)
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
# Elements of a process that are drawn; everything else in it (definitions, expressions, extensions) is not.
DRAWN = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "scriptTask",
    "serviceTask",
    "manualTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "sequenceFlow",
    "lane",
    "dataObjectReference",
    "dataStoreReference",
    "textAnnotation",
    "association",
}
START = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)  # Monday 2 March 2026, 08:00
# The shared activities (docs/PROCEDURES.md "Shared activities"): process id -> the call activity of each procedure.
SHARED = {
    "chung_tiep_nhan": "tiep_nhan",
    "chung_bo_sung": "bo_sung_ho_so",
    "chung_xin_loi": "xin_loi_hen_lai",
    "chung_tu_choi": "tu_choi_giai_quyet",
}
SHARED_FILES = sorted(PROCESSES / f"{process_id}.bpmn" for process_id in SHARED)
LANES = {"Bộ phận Một cửa", "Lãnh đạo phòng", "Chuyên viên thụ lý", "Lãnh đạo Sở", "Văn thư"}


def _ids(procedure) -> str:
    return procedure.process


def _xml(procedure) -> etree._Element:
    return etree.parse(str(PROCESSES / f"{procedure.process}.bpmn")).getroot()


def _properties(element) -> dict[str, str]:
    return {
        p.get("name"): p.get("value")
        for p in element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    }


def _local(element) -> str:
    return etree.QName(element).localname


def _user_tasks(procedure) -> dict[str, etree._Element]:
    """The user tasks a procedure runs, by id: its own and those of the shared activities it calls."""
    roots = [_xml(procedure), *(etree.parse(str(path)).getroot() for path in SHARED_FILES)]
    return {t.get("id"): t for root in roots for t in root.iterfind(".//bpmn:userTask", NS)}


# --- the files ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_every_catalogued_procedure_has_a_bpmn_file_with_its_process_id(procedure):
    path = PROCESSES / f"{procedure.process}.bpmn"
    assert path.is_file(), f"{procedure.code} names process '{procedure.process}' but {path.name} is missing"
    processes = _xml(procedure).findall("bpmn:process", NS)
    assert [p.get("id") for p in processes] == [procedure.process]
    assert processes[0].get("isExecutable") == "true"
    assert procedure.process in parse_files(read_files([PROCESSES]))


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_every_user_task_carries_an_allotment_and_a_portal_status(procedure):
    tasks = _xml(procedure).findall(".//bpmn:userTask", NS)
    assert tasks
    for task in tasks:
        properties = _properties(task)
        assert "allotment" in properties and "portal_status" in properties, task.get("id")
        _amount, unit = parse_allotment(properties["allotment"])
        if procedure.time_limit[1] == "d":  # calendar-day procedures count calendar days only
            assert unit == "d", f"{task.get('id')}: {properties['allotment']}"
        else:
            assert unit in ("wd", "wh"), f"{task.get('id')}: {properties['allotment']}"
        assert 1 <= int(properties["portal_status"]) <= 10, task.get("id")
        assert properties.get("main_path", "true") in ("true", "false"), task.get("id")


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_the_main_path_adds_up_to_the_time_limit_and_has_the_portal_statuses_of_its_steps(procedure):
    process = parse_files(read_files([PROCESSES]))[procedure.process]

    assert check_allotments(process, procedure.time_limit) == []
    path = [task_id.split("/")[-1] for task_id, _, _ in main_path_allotment(process.spec, process.subprocess_specs)]
    assert (path[0], path[-1]) == ("tiep_nhan", "tra_ket_qua")
    statuses = {task_id: _properties(task)["portal_status"] for task_id, task in _user_tasks(procedure).items()}
    assert [statuses[t] for t in path] == ["2"] + ["4"] * (len(path) - 2) + ["9"]


@pytest.mark.parametrize(
    "path", [PROCESSES / f"{p.process}.bpmn" for p in PROCEDURES] + SHARED_FILES, ids=lambda path: path.stem
)
def test_every_element_has_a_diagram_shape_or_edge_inside_its_lane(path):
    root = etree.parse(str(path)).getroot()
    process = root.find("bpmn:process", NS)
    elements = {e.get("id"): e for e in process.iter(etree.Element) if _local(e) in DRAWN}
    participants = {p.get("id") for p in root.iterfind("bpmn:collaboration/bpmn:participant", NS)}
    shapes_di = {s.get("bpmnElement"): s for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    shapes = {element: s.find("dc:Bounds", NS) for element, s in shapes_di.items()}
    edges = {e.get("bpmnElement"): e.findall("di:waypoint", NS) for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}

    flows = {i for i, e in elements.items() if _local(e) == "sequenceFlow"}
    assert participants, "no participant: the lanes need a pool"
    assert set(elements) - flows | participants == set(shapes)
    assert flows == set(edges)
    assert all(bounds is not None and float(bounds.get("width")) > 0 for bounds in shapes.values())
    assert all(len(points) >= 2 for points in edges.values())

    def box(element_id):
        b = shapes[element_id]
        return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))

    def inside(inner, outer):  # the centre of `inner` lies in `outer`
        x, y, w, h = box(inner)
        ox, oy, ow, oh = box(outer)
        return ox <= x + w / 2 <= ox + ow and oy <= y + h / 2 <= oy + oh

    for lane in process.iterfind("bpmn:laneSet/bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            assert inside(ref.text, lane.get("id")), f"{ref.text} is drawn outside lane '{lane.get('name')}'"
    for sub in process.iter(f"{{{NS['bpmn']}}}subProcess"):
        for child in sub:
            if child.get("id") in shapes:
                assert inside(child.get("id"), sub.get("id")), f"{child.get('id')} is drawn outside {sub.get('id')}"
    for call in process.iter(f"{{{NS['bpmn']}}}callActivity"):  # drawn collapsed: the called file has the detail
        assert shapes_di[call.get("id")].get("isExpanded") == "false", call.get("id")
    lane_names = {lane.get("name") for lane in process.iterfind("bpmn:laneSet/bpmn:lane", NS)}
    if path.stem in SHARED:  # the lanes its steps need, named as the procedures name theirs
        assert lane_names and lane_names <= LANES
    else:
        assert lane_names == LANES


# --- the shared activities --------------------------------------------------------------------------------------
def _task_ids(root) -> set[str]:
    return {t.get("id") for kind in ("userTask", "scriptTask") for t in root.iterfind(f".//bpmn:{kind}", NS)}


@pytest.mark.parametrize("shared", sorted(SHARED))
def test_each_shared_activity_is_defined_once_and_called_by_every_procedure_instead_of_a_copy(shared):
    declaring = [
        path.name
        for path in sorted(PROCESSES.glob("*.bpmn"))
        if etree.parse(str(path)).getroot().find(f"bpmn:process[@id='{shared}']", NS) is not None
    ]
    assert declaring == [f"{shared}.bpmn"]
    steps = _task_ids(etree.parse(str(PROCESSES / f"{shared}.bpmn")).getroot())
    assert steps
    for procedure in PROCEDURES:
        root = _xml(procedure)
        calls = root.findall(f".//bpmn:callActivity[@calledElement='{shared}']", NS)
        assert [c.get("id") for c in calls] == [SHARED[shared]], procedure.process
        assert not steps & _task_ids(root), f"{procedure.process} still has its own copy of {steps & _task_ids(root)}"


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_a_procedure_gives_the_steps_of_the_shared_activities_their_allotments(procedure):
    """A shared activity's user tasks carry no allotment: each call activity gives its own, in the procedure's unit."""
    root = _xml(procedure)
    for shared, call_id in SHARED.items():
        [call] = root.findall(f".//bpmn:callActivity[@id='{call_id}']", NS)
        # only the reception is on the main path; supplementation, apology and refusal are side paths
        assert _properties(call).get("main_path") == (None if call_id == "tiep_nhan" else "false"), call_id
        tasks = etree.parse(str(PROCESSES / f"{shared}.bpmn")).getroot().findall(".//bpmn:userTask", NS)
        assert all("allotment" not in _properties(t) for t in tasks), shared
        if tasks:
            _amount, unit = parse_allotment(_properties(call)["allotment"])
            assert (unit == "d") == (procedure.time_limit[1] == "d"), (call_id, unit)  # calendar days with their kind


# --- dossiers run through the services ---------------------------------------------------------------------------
@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def sender():
    return RecordingSender()


@pytest.fixture
def services(tmp_path, clock, sender):
    from web import create_app

    app = create_app(
        {"database_url": f"sqlite:///{tmp_path / 'motcua.db'}", "secret_key": "x"}, clock=clock, sender=sender
    )
    services = app.extensions["motcua"]
    services.migrate()
    services.deploy.deploy(read_files([PROCESSES]), "t")
    yield services
    services.close()


def start(services, procedure, code: str, channel: int = 2) -> dict:
    """Start a dossier's workflow as reception does; online (2) by default: through the reception check."""
    now = services.clock.now()
    amount, unit = procedure.time_limit
    data = {
        "dossier_code": code,
        "procedure_code": procedure.code,
        "received_at": now.isoformat(),
        "clock_start": now.isoformat(),
        "appointment": services.calendars.current().add(now, amount, unit).isoformat(),
        "channel": channel,
        "applicant": {"name": "Bệnh viện Đa khoa Thử nghiệm", "type": 2},
        "supplement_policy": procedure.supplement_policy,
        "time_limit": procedure.time_limit_text,
        "apology_notice_days": shipped_legal_bases().in_force(now).rules["apology_notice_working_days"].value,
    }
    services.instances.start(procedure.process, code, data, "motcua")
    return data


def complete(services, code: str, name: str, data: dict | None = None, actor: str = "canbo") -> None:
    tasks = [t for t in services.instances.tasks(code=code) if t.name == name]
    assert len(tasks) == 1, (name, [t.name for t in services.instances.tasks(code=code)])
    services.instances.complete(tasks[0].task_id, MAIN_PATH_DATA.get(name, {}) if data is None else data, actor)


def run_main_path(services, code: str, overrides: dict | None = None) -> list[str]:
    """Complete the open task with the soonest deadline, with main-path data, until the dossier stops running."""
    done = []
    for _ in range(50):
        if services.instances.get(code).status != "running":
            return done
        task = services.instances.tasks(code=code)[0]
        complete(services, code, task.name, (overrides or {}).get(task.name))
        done.append(task.name)
    pytest.fail(f"{code} did not finish: {done}")


def events(services, code: str, tag: str) -> list[dict]:
    return [e.payload for e in services.instances.history(code) if e.tag == tag]


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_a_dossier_of_each_procedure_completes_on_its_main_path_with_a_receipt(services, procedure):
    code = f"H56-{procedure.process}"
    data = start(services, procedure, code)

    done = run_main_path(services, code)

    process = parse_files(read_files([PROCESSES]))[procedure.process]
    main_path = [t.split("/")[-1] for t, _, _ in main_path_allotment(process.spec, process.subprocess_specs)]
    assert done == main_path
    assert services.instances.get(code).status == "completed"
    letters = events(services, code, "dossier:letter:queued")
    assert [letter["form"] for letter in letters] == ["receipt"]
    assert letters[0]["appointment"] == data["appointment"]
    assert [e["status"] for e in events(services, code, "dossier:status:changed")] == [2, 4, 9, 10]
    assert services.audit.verify(code).intact
    assert services.replay.replay(code).verified, services.replay.replay(code)


def _main_path(procedure) -> list[str]:
    process = parse_files(read_files([PROCESSES]))[procedure.process]
    return [t.split("/")[-1] for t, _, _ in main_path_allotment(process.spec, process.subprocess_specs)]


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_a_counter_dossier_gets_its_receipt_and_status_2_as_its_workflow_starts(services, procedure):
    """Checked at the counter before it was registered (DOMAIN.md, reception): no reception task can refuse it or ask
    for supplementation any more; Mẫu 01 and status 2 come in the step that starts the workflow."""
    code = f"H56-TT-{procedure.process}"
    data = start(services, procedure, code, channel=1)

    history = services.instances.history(code)
    assert [e.tag for e in history].count("instance:started") == 1
    assert {e.at for e in history} == {services.clock.now()}  # one step: the start
    letters = events(services, code, "dossier:letter:queued")
    assert letters == [{"form": "receipt", "appointment": data["appointment"]}]
    assert [e["status"] for e in events(services, code, "dossier:status:changed")] == [2, 4]
    main_path = _main_path(procedure)
    assert [t.name for t in services.instances.tasks(code=code)] == [main_path[1]]
    assert "tiep_nhan" not in [e["task"] for e in events(services, code, "dossier:task:ready")]

    assert run_main_path(services, code) == main_path[1:]
    assert services.instances.get(code).status == "completed"
    assert [letter["form"] for letter in events(services, code, "dossier:letter:queued")] == ["receipt"]
    assert [e["status"] for e in events(services, code, "dossier:status:changed")] == [2, 4, 9, 10]
    assert services.audit.verify(code).intact
    assert services.replay.replay(code).verified, services.replay.replay(code)


def test_each_shared_activity_is_deployed_once_and_every_procedure_version_runs_that_file(services):
    with services.db.read() as session:
        versions = session.execute(select(ProcessVersion.process_id, ProcessVersion.sources)).all()
    sources = dict(versions)
    assert len(versions) == len(sources)  # one version each: deployed once
    for shared in SHARED:
        [(name, xml)] = sources[shared].items()
        assert name == f"{shared}.bpmn"
        for procedure in PROCEDURES:  # the same file, not a copy of it
            assert sources[procedure.process][name] == xml, (procedure.process, shared)


def _deadline(services, task) -> datetime:
    amount, unit = parse_allotment(task.properties["allotment"])
    return services.calendars.current().step_deadline(task.ready_at, amount, unit)


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_the_reception_check_takes_the_allotment_its_procedure_gives_it(services, procedure):
    start(services, procedure, f"H56-HAN-{procedure.process}", channel=3)

    [task] = services.instances.tasks(code=f"H56-HAN-{procedure.process}")
    [call] = _xml(procedure).findall(".//bpmn:callActivity[@id='tiep_nhan']", NS)
    assert (task.name, task.properties["allotment"]) == ("tiep_nhan", _properties(call)["allotment"])
    assert (task.properties["form"], task.properties["portal_status"]) == ("tiep_nhan", "2")
    assert task.due_at == _deadline(services, task)


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
@pytest.mark.parametrize("channel", [2, 3], ids=["online", "postal"])
def test_an_online_or_postal_dossier_is_checked_at_reception_before_its_receipt(services, procedure, channel):
    if {2: "online", 3: "postal"}[channel] not in procedure.channels:
        pytest.skip(f"{procedure.code} takes no {channel} dossiers")
    code = f"H56-{channel}-{procedure.process}"
    data = start(services, procedure, code, channel=channel)

    assert [(t.name, t.lane) for t in services.instances.tasks(code=code)] == [("tiep_nhan", "Bộ phận Một cửa")]
    assert events(services, code, "dossier:letter:queued") == []
    assert events(services, code, "dossier:status:changed") == []

    complete(services, code, "tiep_nhan")
    assert events(services, code, "dossier:letter:queued") == [{"form": "receipt", "appointment": data["appointment"]}]
    assert [e["status"] for e in events(services, code, "dossier:status:changed")] == [2, 4]
    assert [t.name for t in services.instances.tasks(code=code)] == [_main_path(procedure)[1]]


@pytest.mark.parametrize(
    ("answer", "form", "status"),
    [
        (
            {"reception_result": "supplement", "missing_items": [{"item": "Đơn đề nghị", "reason": "chưa ký"}]},
            "supplement_request",
            5,
        ),
        ({"reception_result": "refuse", "refusal_reasons": ["Không thuộc thẩm quyền của Sở"]}, "reception_refusal", 3),
    ],
    ids=["supplement", "refuse"],
)
def test_the_reception_check_of_an_online_dossier_can_still_ask_for_supplementation_or_refuse(
    services, answer, form, status
):
    procedure = CATALOGUE.by_process("x_quang_y_te")
    start(services, procedure, "H56-TN", channel=2)

    complete(services, "H56-TN", "tiep_nhan", answer)

    assert services.instances.get("H56-TN").status == "completed"
    assert [letter["form"] for letter in events(services, "H56-TN", "dossier:letter:queued")] == [form]
    assert [e["status"] for e in events(services, "H56-TN", "dossier:status:changed")] == [status]
    assert services.instances.tasks(code="H56-TN") == []


def test_a_refusal_after_appraisal_ends_the_dossier_with_its_reason(services):
    procedure = CATALOGUE.by_process("x_quang_y_te")
    start(services, procedure, "H56-TC")
    reason = "Phòng đặt máy X-quang không đạt yêu cầu che chắn"

    done = run_main_path(services, "H56-TC", {"tham_dinh": {"appraisal_result": "refuse", "opinion": reason}})

    info = services.instances.get("H56-TC")
    assert done == ["tiep_nhan", "phan_cong", "tham_dinh"]
    assert info.status == "completed"
    assert (info.data["ket_qua"], info.data["ly_do_tu_choi"]) == ("tu_choi", reason)
    letters = events(services, "H56-TC", "dossier:letter:queued")
    assert [(letter["form"], letter.get("reasons")) for letter in letters] == [
        ("receipt", None),
        ("appraisal_refusal", reason),
    ]
    assert [e["status"] for e in events(services, "H56-TC", "dossier:status:changed")] == [2, 4, 3]


def test_a_supplementation_during_appraisal_returns_the_dossier_to_appraisal(services):
    procedure = CATALOGUE.by_process("dang_ky_to_chuc_khcn")
    start(services, procedure, "H56-BS")
    missing = [{"item": "Điều lệ tổ chức và hoạt động", "reason": "chưa có chữ ký của người đứng đầu"}]
    complete(services, "H56-BS", "tiep_nhan")
    complete(services, "H56-BS", "phan_cong")
    complete(services, "H56-BS", "tham_dinh", {"appraisal_result": "supplement", "missing_items": missing})

    supplement = services.instances.tasks(code="H56-BS")
    assert [(t.name, t.lane, t.properties.get("main_path")) for t in supplement] == [
        ("nhan_bo_sung", "Chuyên viên thụ lý", "false")
    ]
    assert supplement[0].properties["allotment"] == "0.5d"  # the procedure's, from its call activity
    # It waits for the applicant: no deadline until the additions arrive, then the allotment counts from then.
    assert supplement[0].properties["waits_for"] == "applicant" and supplement[0].due_at is None
    complete(services, "H56-BS", "nhan_bo_sung", {})
    [done_step] = [e for e in events(services, "H56-BS", "dossier:task:completed") if e["task"] == "nhan_bo_sung"]
    arrived = datetime.fromisoformat(done_step["clock_from"])
    amount, unit = parse_allotment("0.5d")
    assert datetime.fromisoformat(done_step["due_at"]) == services.calendars.current().step_deadline(
        arrived, amount, unit
    )
    assert run_main_path(services, "H56-BS")[0] == "tham_dinh"

    assert services.instances.get("H56-BS").status == "completed"
    letters = events(services, "H56-BS", "dossier:letter:queued")
    assert [letter["form"] for letter in letters] == ["receipt", "supplement_request"]
    assert letters[1]["missing_items"] == missing
    assert [e["status"] for e in events(services, "H56-BS", "dossier:status:changed")] == [2, 4, 5, 4, 9, 10]


def test_an_x_ray_dossier_still_open_a_working_day_before_its_appointment_gets_one_apology(services, clock):
    procedure = CATALOGUE.by_process("x_quang_y_te")
    data = start(services, procedure, "H56-XL")
    complete(services, "H56-XL", "tiep_nhan")
    complete(services, "H56-XL", "phan_cong")
    calendar = services.calendars.current()
    due = calendar.add(datetime.fromisoformat(data["appointment"]), 1, "wd", before=True)
    assert [(name, at) for name, at, state in services.instances.timers("H56-XL") if state == "waiting"] == [
        ("nhac_xin_loi", due),
        ("qua_han", datetime.fromisoformat(data["appointment"])),  # marks the dossier late if still open then
    ]

    clock.set(due - timedelta(minutes=1))
    assert services.timers.run_pass("t", 100).fired == 0
    clock.set(due + timedelta(hours=1))  # the appraisal is still open
    assert services.timers.run_pass("t", 100).fired == 1
    assert services.timers.run_pass("t", 100).fired == 0

    open_tasks = {t.name: t for t in services.instances.tasks(code="H56-XL")}
    assert set(open_tasks) == {"tham_dinh", "lap_phieu_xin_loi"}
    assert open_tasks["lap_phieu_xin_loi"].lane == "Chuyên viên thụ lý"
    assert open_tasks["lap_phieu_xin_loi"].properties["allotment"] == "0.5d"
    assert open_tasks["lap_phieu_xin_loi"].due_at == _deadline(services, open_tasks["lap_phieu_xin_loi"])
    new_appointment = calendar.add(datetime.fromisoformat(data["appointment"]), 3, "wd").isoformat()
    reason = "Chờ kết quả kiểm xạ bổ sung của đơn vị dịch vụ"
    complete(services, "H56-XL", "lap_phieu_xin_loi", {"delay_reason": reason, "new_appointment": new_appointment})
    assert [(t.name, t.lane) for t in services.instances.tasks(code="H56-XL") if t.name != "tham_dinh"] == [
        ("duyet_phieu_xin_loi", "Lãnh đạo Sở")
    ]
    complete(services, "H56-XL", "duyet_phieu_xin_loi", {"approved": True}, actor="giamdoc")

    letters = events(services, "H56-XL", "dossier:letter:queued")
    assert [letter["form"] for letter in letters] == ["receipt", "apology"]
    assert (letters[1]["reason"], letters[1]["new_appointment"]) == (reason, new_appointment)
    assert [t.name for t in services.instances.tasks(code="H56-XL")] == ["tham_dinh"]

    run_main_path(services, "H56-XL")
    assert services.instances.get("H56-XL").status == "completed"
    assert [letter["form"] for letter in events(services, "H56-XL", "dossier:letter:queued")] == ["receipt", "apology"]
    assert services.audit.verify("H56-XL").intact
    assert services.replay.replay("H56-XL").verified, services.replay.replay("H56-XL")


def _restored_equals_live(services, code: str) -> None:
    """The workflow the cache holds for `code` is the one the database alone restores: same state, same ready tasks
    and timers, same data (the cache is an optimisation only; a restart must change nothing)."""
    with services.db.reading() as uow:
        head = uow.instances.head_by_code(code)
        assert head is not None
        restored = services.runtime.restore(
            services.runtime.process(head.process_version_id, lambda: uow.versions.sources(head.process_version_id)),
            uow.instances.state(head.id),
        )
    held = services.live.peek(head.id)
    assert held is not None, f"{code}: the cache holds no workflow after a step"
    revision, live = held
    assert revision == head.revision, f"{code}: the cache holds revision {revision}, the database {head.revision}"
    assert services.runtime.dump(restored) == services.runtime.dump(live)
    assert restored.scan() == live.scan()
    assert restored.data == live.data


@pytest.mark.parametrize("procedure", PROCEDURES, ids=_ids)
def test_after_every_step_the_database_alone_restores_the_live_workflow(services, procedure, clock):
    """Every step of the main path of every shipped procedure, and the timers of a day's wait between steps."""
    code = f"H56-R-{procedure.process}"
    start(services, procedure, code)
    _restored_equals_live(services, code)
    steps = 0
    while services.instances.get(code).status == "running":
        task = services.instances.tasks(code=code)[0]
        complete(services, code, task.name)
        steps += 1
        if services.instances.get(code).status == "running":
            _restored_equals_live(services, code)
            clock.advance(days=1)
            services.timers.run_pass("test", 100)
            _restored_equals_live(services, code)
        assert steps < 50, f"{code} did not finish"
    assert steps >= 3
