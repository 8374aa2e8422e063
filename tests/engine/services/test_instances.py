"""Running instances through the services: one step = one transaction, with projection, timers and history."""

import threading
from datetime import datetime
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import func, select, text

from engine.domain.clock import VN_TZ
from engine.domain.errors import Conflict, InvalidTransition, NotFound, ProcessDefinitionError, ScriptError
from engine.persistence.models import HistoryEvent, Instance, OutboxMessage, Timer, UserTask
from tests.conftest import fixture_files


def start(services, code="H1", received=None):
    services.deploy.deploy(fixture_files("three_steps.bpmn"), "designer")
    received = received or services.clock.now()
    return services.instances.start("three_steps", code, {"received_at": received.isoformat()}, "motcua")


def only_task(services, code="H1"):
    tasks = services.instances.tasks(code=code)
    assert len(tasks) == 1, tasks
    return tasks[0]


def count(services, model, *where):
    with services.db.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_start_projects_the_first_task_with_its_step_deadline(services):
    start(services)
    task = only_task(services)
    assert (task.name, task.title, task.lane) == ("receive", "Tiếp nhận", "Bộ phận Một cửa")
    # 0.5 working day from Monday 08:00 = 4 office hours = 13:30 (lunch 11:30-13:00 skipped)
    assert task.due_at == datetime(2026, 3, 2, 13, 30, tzinfo=VN_TZ)
    assert [e.tag for e in services.instances.history("H1")] == ["instance:started", "dossier:task:ready"]


def test_a_dossier_runs_to_completion_and_its_history_chain_is_intact(services, clock):
    start(services)
    services.instances.complete(only_task(services).task_id, {"complete": True}, "motcua")
    appraise = only_task(services)
    assert appraise.name == "appraise"
    assert services.instances.timers("H1") == [("remind", datetime(2026, 3, 3, 8, 0, tzinfo=VN_TZ), "waiting")]
    services.instances.complete(appraise.task_id, {"opinion": "đạt"}, "chuyenvien")
    # completing the task before its reminder cancels the reminder
    assert services.instances.timers("H1")[0][2] == "cancelled"
    services.instances.complete(only_task(services).task_id, {}, "giamdoc")
    info = services.instances.get("H1")
    assert info.status == "completed"
    assert info.data["opinion"] == "đạt" and info.data["complete"] is True
    assert services.instances.tasks(code="H1") == []
    tags = [e.tag for e in services.instances.history("H1")]
    assert tags.count("dossier:task:completed") == 3 and tags[-1] == "instance:completed"
    completed = [e for e in services.instances.history("H1") if e.tag == "dossier:task:completed"]
    assert [(e.actor, e.payload["data"]) for e in completed] == [
        ("motcua", {"complete": True}),
        ("chuyenvien", {"opinion": "đạt"}),
        ("giamdoc", {}),
    ]
    assert services.audit.verify("H1").intact
    assert services.replay.replay("H1").verified, services.replay.replay("H1")


def test_each_ready_task_queues_one_notification_in_the_outbox(services, sender):
    start(services)
    services.instances.complete(only_task(services).task_id, {}, "motcua")
    assert count(services, OutboxMessage) == 2
    assert services.outbox.dispatch() == 2
    assert [p["task"] for _k, p, _key in sender.sent] == ["receive", "appraise"]
    assert services.outbox.dispatch() == 0  # delivered once


def test_completing_a_task_that_is_not_open_is_refused(services):
    start(services)
    task = only_task(services)
    services.instances.complete(task.task_id, {}, "motcua")
    with pytest.raises(Conflict, match="không còn mở.*completed bởi motcua"):
        services.instances.complete(task.task_id, {}, "someone")
    with pytest.raises(NotFound):
        services.instances.complete("00000000-0000-0000-0000-000000000000", {}, "someone")


def test_concurrent_completion_of_one_task_lets_exactly_one_win(services):
    start(services)
    task = only_task(services)
    barrier, outcomes = threading.Barrier(2), []

    def complete(actor):
        barrier.wait()
        try:
            services.instances.complete(task.task_id, {"by": actor}, actor)
            outcomes.append(("ok", actor))
        except Conflict as exc:
            outcomes.append(("conflict", str(exc)))

    threads = [threading.Thread(target=complete, args=(name,)) for name in ("an", "binh")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "ok"]
    winner = next(who for kind, who in outcomes if kind == "ok")
    completed = [e for e in services.instances.history("H1") if e.tag == "dossier:task:completed"]
    assert [(e.actor, e.payload["data"]) for e in completed] == [(winner, {"by": winner})]
    assert only_task(services).name == "appraise"
    assert services.audit.verify("H1").intact
    assert services.replay.replay("H1").verified, services.replay.replay("H1")


def test_claim_and_release(services):
    start(services)
    task = only_task(services)
    services.instances.claim(task.task_id, "an")
    assert only_task(services).assignee == "an"
    with pytest.raises(Conflict, match="đã do an nhận trước"):
        services.instances.claim(task.task_id, "binh")
    with pytest.raises(Conflict, match="đang do an nhận xử lý"):
        services.instances.complete(task.task_id, {}, "binh")
    with pytest.raises(InvalidTransition, match="không do binh nhận"):
        services.instances.release(task.task_id, "binh")
    services.instances.release(task.task_id, "an")
    assert only_task(services).assignee is None


def test_duplicate_code_and_unknown_process_are_refused(services):
    start(services)
    with pytest.raises(Conflict, match="đã có"):
        start(services)
    with pytest.raises(NotFound, match="chưa được triển khai"):
        services.instances.start("nope", "H2", {}, "motcua")


def test_cancel_removes_open_tasks_and_timers(services):
    start(services)
    services.instances.complete(only_task(services).task_id, {}, "motcua")
    services.instances.cancel("H1", "admin", "Công dân rút hồ sơ")
    assert services.instances.get("H1").status == "cancelled"
    assert services.instances.tasks(code="H1") == []
    assert [state for _n, _d, state in services.instances.timers("H1")] == ["cancelled"]
    with pytest.raises(InvalidTransition):
        services.instances.cancel("H1", "admin", "again")


# --- timers -----------------------------------------------------------------------------------------------------
def test_a_timer_fires_when_the_clock_reaches_it_and_only_once(services, clock):
    start(services)
    services.instances.complete(only_task(services).task_id, {}, "motcua")
    assert services.timers.run_pass("w1").fired == 0  # not due yet: nothing happens
    clock.set(datetime(2026, 3, 3, 7, 59, tzinfo=VN_TZ))
    assert services.timers.run_pass("w1").fired == 0
    clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=VN_TZ))
    assert services.timers.run_pass("w1").fired == 1
    assert services.timers.run_pass("w1").fired == 0
    assert services.instances.timers("H1")[0][2] == "fired"
    tags = [e.tag for e in services.instances.history("H1")]
    assert tags.count("instance:timer:fired") == 1
    # the reminder is non-interrupting: the appraisal is still open, and the reminder path ran its script
    assert only_task(services).name == "appraise"
    services.instances.complete(only_task(services).task_id, {}, "chuyenvien")
    services.instances.complete(only_task(services).task_id, {}, "giamdoc")
    assert services.instances.get("H1").data["reminded"] is True


def test_firing_a_timer_twice_is_a_no_op(services, clock):
    start(services)
    services.instances.complete(only_task(services).task_id, {}, "motcua")
    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=VN_TZ))
    with services.db.read() as session:
        timer_id = session.scalar(select(Timer.id))
    assert services.timers.fire(timer_id) is True
    before = len(services.instances.history("H1"))
    assert services.timers.fire(timer_id) is False
    assert len(services.instances.history("H1")) == before


def test_timer_due_dates_follow_the_working_calendar(services, clock):
    # received Friday 13/2/2026 (before Tết) at 16:55: two working days later is Tuesday 24/2, one before is Monday 23/2
    clock.set(datetime(2026, 2, 13, 16, 55, tzinfo=VN_TZ))
    start(services, received=clock.now())
    services.instances.complete(only_task(services).task_id, {}, "motcua")
    assert services.instances.timers("H1")[0][1] == datetime(2026, 2, 23, 16, 55, tzinfo=VN_TZ)


# --- scripts ------------------------------------------------------------------------------------------------------
SCRIPT_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://t">
  <bpmn:process id="scripted" name="Có kịch bản" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="fill" name="Nhập">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:scriptTask id="compute" name="Tính"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="after" name="Sau">
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill" />
    <bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="compute" />
    <bpmn:sequenceFlow id="f3" sourceRef="compute" targetRef="after" />
    <bpmn:sequenceFlow id="f4" sourceRef="after" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def snapshot(services, code):
    with services.db.read() as session:
        instance = session.scalars(select(Instance).where(Instance.code == code)).one()
        return (
            instance.state,
            instance.revision,
            instance.last_event_hash,
            session.scalar(select(func.count()).select_from(HistoryEvent)),
            sorted(session.scalars(select(UserTask.task_id))),
            session.scalar(select(func.count()).select_from(OutboxMessage)),
        )


@pytest.mark.parametrize(
    "script",
    ["x = __import__('os')", "import os", "data = open('/etc/passwd').read()", "mro = ().__class__.__mro__"],
)
def test_scripts_the_rules_refuse_are_refused_at_deployment_naming_the_task(services, script):
    with pytest.raises(ProcessDefinitionError) as refused:
        services.deploy.deploy({"scripted.bpmn": SCRIPT_PROCESS.format(script=escape(script)).encode()}, "designer")
    assert [(file, element) for file, element, _why in refused.value.problems] == [("scripted.bpmn", "compute")]
    assert services.deploy.versions() == []


@pytest.mark.parametrize("script", ["while True:\n    pass", "e = 9 ** 9\nx = 9 ** e"])
def test_refused_scripts_name_the_task_and_leave_the_instance_unchanged(services, script):
    services.runtime.script_engine.environment.timeout = 0.3
    services.deploy.deploy({"scripted.bpmn": SCRIPT_PROCESS.format(script=escape(script)).encode()}, "designer")
    services.instances.start("scripted", "S1", {}, "motcua")
    before = snapshot(services, "S1")
    with pytest.raises(ScriptError) as refused:
        services.instances.complete(only_task(services, "S1").task_id, {"value": 1}, "motcua")
    assert refused.value.task == "compute" and "compute" in str(refused.value)
    assert snapshot(services, "S1") == before


def test_an_allowed_script_runs_and_its_results_are_kept(services):
    services.deploy.deploy({"scripted.bpmn": SCRIPT_PROCESS.format(script="total = value * 2").encode()}, "d")
    services.instances.start("scripted", "S1", {}, "motcua")
    services.instances.complete(only_task(services, "S1").task_id, {"value": 21}, "motcua")
    after = only_task(services, "S1")
    assert after.name == "after"
    services.instances.complete(after.task_id, {}, "motcua")
    assert services.instances.get("S1").data["total"] == 42


# --- versions -------------------------------------------------------------------------------------------------------
def test_a_running_instance_stays_on_its_version(services):
    start(services, code="OLD")
    original = fixture_files("three_steps.bpmn")["three_steps.bpmn"].decode()
    changed = original.replace('name="Thẩm định"', 'name="Thẩm định lại"').encode()
    versions = services.deploy.deploy({"three_steps.bpmn": changed}, "designer")
    assert [(v.number, v.created) for v in versions] == [(2, True)]
    services.instances.start("three_steps", "NEW", {"received_at": services.clock.now().isoformat()}, "motcua")
    for code in ("OLD", "NEW"):
        services.instances.complete(only_task(services, code).task_id, {}, "motcua")
    assert only_task(services, "OLD").title == "Thẩm định"
    assert only_task(services, "NEW").title == "Thẩm định lại"
    assert services.instances.get("OLD").version == 1 and services.instances.get("NEW").version == 2


# --- history ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "tamper",
    [
        'UPDATE history_event SET payload = \'{"task": "forged"}\' WHERE seq = 2',
        "UPDATE history_event SET actor = 'mallory' WHERE seq = 3",
        "DELETE FROM history_event WHERE seq = 2",
        "DELETE FROM history_event WHERE seq = (SELECT MAX(seq) FROM history_event)",
    ],
)
def test_verify_detects_tampering(services, tamper):
    start(services)
    services.instances.complete(only_task(services).task_id, {"x": 1}, "motcua")
    assert services.audit.verify("H1").intact
    assert services.replay.replay("H1").verified, services.replay.replay("H1")
    with services.db.engine.begin() as connection:
        connection.execute(text(tamper))
    report = services.audit.verify("H1")
    assert not report.intact and report.problem


def test_a_timer_already_due_when_reached_fires_at_once_and_is_recorded(services, clock):
    start(services, received=datetime(2026, 2, 2, 8, 0, tzinfo=VN_TZ))  # a month ago: the reminder is overdue
    services.instances.complete(only_task(services).task_id, {}, "motcua")
    assert services.instances.timers("H1") == [("remind", datetime(2026, 2, 3, 8, 0, tzinfo=VN_TZ), "fired")]
    assert [e.tag for e in services.instances.history("H1")].count("instance:timer:fired") == 1
    services.instances.complete(only_task(services).task_id, {}, "chuyenvien")
    assert [e.tag for e in services.instances.history("H1")].count("instance:timer:fired") == 1


def test_a_failing_timer_does_not_hold_up_the_others_in_its_batch(services, clock):
    source = fixture_files("timer_only.bpmn")["timer_only.bpmn"].replace(
        b"fired_count = 1", b"fired_count = 1 / divisor"
    )
    services.deploy.deploy({"timer_only.bpmn": source}, "designer")
    due = "2026-03-02T09:00:00+07:00"
    for code, divisor in (("BAD", 0), ("OK1", 1), ("OK2", 2)):
        services.instances.start("timer_only", code, {"due_at": due, "divisor": divisor}, "motcua")
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=VN_TZ))
    done = services.timers.run_pass("w1", 10)
    assert (done.leased, done.fired) == (3, 2)
    assert len(done.failed) == 1 and "mark" in done.failed[0][1]  # the failure names the script task
    assert services.instances.get("OK1").status == "completed" and services.instances.get("OK2").status == "completed"
    assert services.instances.timers("BAD")[0][2] == "waiting"
    assert services.timers.run_pass("w1", 10).leased == 0  # leased: retried only after the lease expires
    clock.advance(minutes=6)
    assert services.timers.run_pass("w1", 10).leased == 1


def test_letters_and_statuses_asked_for_by_scripts_are_recorded_and_queued(services, sender):
    script = 'send_letter("mau_04", reason=reason)\nstatus = set_portal_status(4)'
    services.deploy.deploy({"scripted.bpmn": SCRIPT_PROCESS.format(script=escape(script)).encode()}, "d")
    services.instances.start("scripted", "S1", {}, "motcua")
    services.instances.complete(only_task(services, "S1").task_id, {"reason": "Chờ ý kiến liên ngành"}, "motcua")
    events = services.instances.history("S1")
    letter = next(e for e in events if e.tag == "dossier:letter:queued")
    assert letter.payload == {"form": "apology", "reason": "Chờ ý kiến liên ngành"}  # the meaning of mau_04
    status = next(e for e in events if e.tag == "dossier:status:changed")
    assert status.payload["status"] == 4 and status.payload["label"] == "Đang xử lý"
    services.outbox.dispatch()
    assert sorted(kind for kind, _p, _k in sender.sent) == ["letter", "notification", "notification"]
    with services.db.reading() as uow:  # the status went to the portal gateway (the log gateway by default)
        assert [(m.kind, m.state) for m in uow.outbox.in_state("sent") if m.stream == "portal"] == [
            ("portal_status", "sent")
        ]


def test_effects_of_a_failed_step_are_not_kept(services):
    script = 'send_letter("mau_04")\nboom = 1 / 0'
    services.deploy.deploy({"scripted.bpmn": SCRIPT_PROCESS.format(script=escape(script)).encode()}, "d")
    services.instances.start("scripted", "S1", {}, "motcua")
    before = snapshot(services, "S1")
    with pytest.raises(ScriptError):
        services.instances.complete(only_task(services, "S1").task_id, {}, "motcua")
    assert snapshot(services, "S1") == before


def test_effect_helpers_refuse_bad_input_outside_and_inside_a_step():
    from engine.domain.errors import ValidationError
    from engine.services.effects import collecting, send_letter, set_portal_status

    with pytest.raises(ValidationError, match="while a dossier step runs"):
        send_letter("mau_01")
    with collecting() as effects, pytest.raises(ValidationError, match="1-10"):
        set_portal_status(11)
    assert effects == []


def test_a_timer_whose_activity_ended_before_a_worker_came_is_recorded_as_cancelled(services, clock):
    start(services)
    services.instances.complete(only_task(services).task_id, {}, "motcua")
    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=VN_TZ))  # the reminder is due (08:00) but no worker has run yet
    services.instances.complete(only_task(services).task_id, {}, "chuyenvien")
    tags = [e.tag for e in services.instances.history("H1")]
    assert "instance:timer:cancelled" in tags and "instance:timer:fired" not in tags
    assert services.instances.timers("H1")[0][2] == "cancelled"
