"""What the dossier page reads beyond the dossier row: steps judged early / on time / late with the officers' names,
history, letters and applicable forms, outbox messages, the diagram of the dossier's own process version with its
marks, and the one-stop section's queues. X-ray dossiers driven through the shipped BPMN with a moving clock."""

from datetime import timedelta

import pytest

from engine.domain.errors import NotFound
from engine.services.deploy import read_files
from tests.conftest import deploy_shipped
from tests.engine.bpmn.test_procedures import PROCESSES
from tests.engine.services.test_documents import AGENCY, PLAN, drive, receive
from tests.test_architecture import MAIN_PATH_DATA

ONE_STOP = "Bộ phận Một cửa"


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY}


@pytest.fixture
def services(services):
    deploy_shipped(services)
    services.accounts.create("chuyenvien", "Lã Thị Thu Hà", "specialist", "Phòng Quản lý chuyên ngành", "matkhau-123")
    return services


def test_steps_are_judged_against_their_deadlines_with_the_officers_names(services, clock):
    view = receive(services)  # online: the reception check is the first step
    drive(services, clock, view.code, PLAN[:4])

    record = services.records.record(view.code)
    # the appraisal ran past the apology reminder, so the apology task opened beside the main path
    assert [(s.name, s.result) for s in record.steps] == [
        ("tiep_nhan", "early"),
        ("phan_cong", "on_time"),
        ("tham_dinh", "late"),
        ("xem_xet", "early"),
        ("lap_phieu_xin_loi", None),
        ("ky_duyet", None),
    ]
    by_name = {s.name: s for s in record.steps}
    assert [by_name[name].actor_name for name, _, _ in PLAN[:4]] == ["motcua1", "ldphong", "Lã Thị Thu Hà", "ldphong"]
    assert [by_name[name].completed_at for name, _, when in PLAN[:4]] == [when for _, _, when in PLAN[:4]]
    assert by_name["tham_dinh"].due_at.utcoffset() == timedelta(hours=7)  # Vietnam time for people
    assert by_name["ky_duyet"].actor_name == "" and not by_name["ky_duyet"].overdue

    clock.set(clock.now() + timedelta(days=10))
    assert {s.name for s in services.records.record(view.code).steps if s.overdue} == {"lap_phieu_xin_loi", "ky_duyet"}


def test_history_letters_forms_and_outbox(services, clock):
    view = receive(services)
    drive(services, clock, view.code, PLAN[:2])
    record = services.records.record(view.code)

    assert record.events[0].tag == "instance:started" and record.events[0].actor == "motcua1"
    assert [e.seq for e in record.events] == sorted(e.seq for e in record.events)
    assert [letter.form for letter in record.letters] == ["receipt"]  # accepted at the reception check
    assert [f.meaning for f in record.forms] == ["receipt", "control_slip"]
    kinds = {
        (m.kind, m.payload.get("form") or m.payload.get("status") or m.payload.get("event")) for m in record.outbox
    }
    assert {("letter", "receipt"), ("portal_status", 2), ("portal_status", 4)} <= kinds
    assert all(m.state == "pending" and m.sent_at is None for m in record.outbox)

    services.outbox.dispatch()
    assert all(m.state == "sent" and m.sent_at is not None for m in services.records.record(view.code).outbox)


def test_an_online_dossier_before_its_reception_check_has_no_letter_yet(services):
    view = receive(services)
    record = services.records.record(view.code)
    assert record.letters == [] and [f.meaning for f in record.forms] == ["control_slip"]
    assert [s.name for s in record.steps] == ["tiep_nhan"]


def test_the_diagram_marks_the_open_task_and_the_completed_steps(services, clock):
    view = receive(services)
    drive(services, clock, view.code, PLAN[:2])
    diagram = services.records.diagram(view.code)
    assert (diagram.process_id, diagram.version) == ("x_quang_y_te", 1)
    assert '<bpmn:process id="x_quang_y_te"' in diagram.xml
    assert diagram.current == ["tham_dinh"]
    assert diagram.done == ["tiep_nhan", "phan_cong"]

    drive(services, clock, view.code, PLAN[2:4])  # late: the apology task opened too
    diagram = services.records.diagram(view.code)
    # the apology task runs in the shared activity chung_xin_loi: its call activity is marked
    assert sorted(diagram.current) == ["ky_duyet", "xin_loi_hen_lai"]
    assert diagram.done == ["tiep_nhan", "phan_cong", "tham_dinh", "xem_xet"]
    assert '<bpmn:callActivity id="xin_loi_hen_lai"' in diagram.xml and "lap_phieu_xin_loi" not in diagram.xml


def test_the_steps_of_a_shared_activity_are_marked_on_its_call_activity(services, clock):
    """The dossier's diagram is its procedure's file; the shared activities it calls are drawn collapsed there."""
    view = receive(services)
    assert services.records.diagram(view.code).current == ["tiep_nhan"]  # the call activity of chung_tiep_nhan
    drive(services, clock, view.code, PLAN[:2])
    [appraisal] = services.instances.tasks(code=view.code)
    missing = [{"item": "Sơ đồ mặt bằng phòng đặt máy", "reason": "thiếu kích thước"}]
    services.instances.complete(
        appraisal.task_id, {"appraisal_result": "supplement", "missing_items": missing}, "chuyenvien"
    )
    assert [t.name for t in services.instances.tasks(code=view.code)] == ["nhan_bo_sung"]

    diagram = services.records.diagram(view.code)
    assert diagram.current == ["bo_sung_ho_so"]
    assert diagram.done == ["tiep_nhan", "phan_cong", "tham_dinh"]

    [supplement] = services.instances.tasks(code=view.code)
    services.instances.complete(supplement.task_id, {}, "chuyenvien")
    diagram = services.records.diagram(view.code)
    assert (diagram.current, diagram.done) == (["tham_dinh"], ["tiep_nhan", "phan_cong", "tham_dinh", "bo_sung_ho_so"])


def test_a_dossier_keeps_the_diagram_of_the_version_it_runs_on(services):
    old = receive(services, channel=1)
    files = read_files([PROCESSES])
    files["x_quang_y_te.bpmn"] = files["x_quang_y_te.bpmn"].replace(
        'name="Trả kết quả"'.encode(), 'name="Trả kết quả cho người nộp"'.encode()
    )
    services.deploy.deploy(files, "designer")
    new = receive(services, channel=1)

    assert services.records.diagram(old.code).version == 1
    assert "Trả kết quả cho người nộp" not in services.records.diagram(old.code).xml
    assert services.records.diagram(new.code).version == 2
    assert "Trả kết quả cho người nộp" in services.records.diagram(new.code).xml


def test_the_queue_lists_open_tasks_of_one_name_in_one_lane_oldest_first(services, clock):
    first = receive(services, channel=2)
    clock.set(clock.now() + timedelta(minutes=5))
    second = receive(services, channel=2)
    receive(services, channel=1)  # checked at the counter: no reception task

    rows, total = services.records.queue("tiep_nhan", ONE_STOP)
    assert [r.code for r in rows] == [first.code, second.code] and total == 2
    assert all(r.name == "tiep_nhan" and r.lane == ONE_STOP for r in rows)
    rows, total = services.records.queue("tiep_nhan", ONE_STOP, limit=1, offset=1)
    assert [r.code for r in rows] == [second.code] and total == 2
    assert services.records.queue("tiep_nhan", "Lãnh đạo phòng") == ([], 0)

    [check] = [t for t in services.instances.tasks(code=first.code)]
    services.instances.complete(check.task_id, MAIN_PATH_DATA["tiep_nhan"], "motcua1")
    assert [r.code for r in services.records.queue("tiep_nhan", ONE_STOP)[0]] == [second.code]


def test_an_unknown_dossier(services):
    with pytest.raises(NotFound):
        services.records.record("H15.50.05.13-260302-9999")
    with pytest.raises(NotFound):
        services.records.diagram("H15.50.05.13-260302-9999")
