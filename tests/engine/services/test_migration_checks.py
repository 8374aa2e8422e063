"""Which open dossiers of older versions can move to the new version, and why not (SpiffWorkflow's spec and workflow
diff): a change to a step a dossier has completed or is working on blocks it; changes ahead of it do not."""

import pytest

from tests.conftest import PROCESSES, deploy_shipped, fixture_files
from tests.web.test_counter import drive_to, receive

XRAY = (PROCESSES / "x_quang_y_te.bpmn").read_text("utf-8")


@pytest.fixture
def dossiers(services):
    """Two X-ray dossiers on version 1: one waiting for its assignment, one already in appraisal."""
    deploy_shipped(services)
    waiting = receive(services, channel=1).code
    appraising = receive(services, channel=1).code
    drive_to(services, appraising, "tham_dinh")
    return waiting, appraising


def deploy(services, xml: str, number: int) -> None:
    assert services.designer.deploy("x_quang_y_te", "x_quang_y_te.bpmn", xml, number - 1, "v", "thietke") == number


def started_hash(services, code: str) -> str:
    [started] = [e for e in services.instances.history(code) if e.tag == "instance:started"]
    return started.payload["version_hash"]


def checks(services):
    return {c.code: c for c in services.designer.migration_checks("x_quang_y_te")[1]}


def test_a_change_ahead_of_every_dossier_lets_them_all_move(services, dossiers):
    deploy(services, XRAY.replace('name="Ký giấy phép"', 'name="Ký, đóng dấu giấy phép"'), 2)
    found = checks(services)
    assert set(found) == set(dossiers) and all(c.safe and c.number == 1 for c in found.values())


def test_a_change_to_the_step_a_dossier_is_working_on_blocks_only_that_dossier(services, dossiers):
    waiting, appraising = dossiers
    deploy(services, XRAY.replace('name="allotment" value="6d"', 'name="allotment" value="5.5d"').replace(
        'name="allotment" value="2d"', 'name="allotment" value="2.5d"'), 2)  # fmt: skip
    found = checks(services)
    assert found[waiting].safe
    [reason] = found[appraising].reasons
    assert reason.startswith("bước giai_quyet_x_quang_y_te/tham_dinh đang mở nhưng đã sửa ở phiên bản mới")


def test_a_change_to_a_completed_step_blocks_the_dossiers_that_passed_it(services, dossiers):
    waiting, appraising = dossiers
    deploy(services, XRAY.replace('name="form" value="phan_cong"', 'name="form" value="xem_xet"'), 2)
    found = checks(services)
    assert found[waiting].reasons[0].startswith("bước giai_quyet_x_quang_y_te/phan_cong")
    assert any("phan_cong đã xong nhưng đã sửa" in r for r in found[appraising].reasons)


def test_dossiers_already_on_the_target_version_are_not_listed(services, dossiers):
    assert checks(services) == {}


def test_a_dry_run_changes_nothing_and_the_move_puts_safe_dossiers_on_the_new_version(services, dossiers, clock):
    waiting, appraising = dossiers
    changed = XRAY.replace('name="Ký giấy phép"', 'name="Ký, đóng dấu giấy phép"').replace(
        'name="allotment" value="6d"', 'name="allotment" value="5.5d"').replace(
        'name="allotment" value="2d"', 'name="allotment" value="2.5d"')  # fmt: skip
    deploy(services, changed, 2)
    dry = services.designer.migrate("x_quang_y_te", [waiting, appraising], 2, "thietke", dry_run=True)
    assert [(c.code, c.safe) for c in dry] == [(waiting, True), (appraising, False)]
    before = [t.name for t in services.instances.tasks(code=waiting)]
    timers_before = [(name, state) for name, _due, state in services.instances.timers(waiting)]

    moved = services.designer.migrate("x_quang_y_te", [waiting, appraising], 2, "thietke", dry_run=False)
    assert [(c.code, c.safe) for c in moved] == [(waiting, True), (appraising, False)]
    # the waiting dossier is on version 2: same open step, its timers armed again, history says so
    assert [t.name for t in services.instances.tasks(code=waiting)] == before == ["phan_cong"]
    assert {c.code for c in services.designer.migration_checks("x_quang_y_te")[1]} == {appraising}
    [event] = [e for e in services.instances.history(waiting) if e.tag == "instance:migrated"]
    assert {k: event.payload[k] for k in ("from_version", "to_version")} == {"from_version": 1, "to_version": 2}
    assert len(event.payload["version_hash"]) == 64 and event.payload["version_hash"] != started_hash(services, waiting)
    timers_after = [(name, state) for name, _due, state in services.instances.timers(waiting)]
    assert [t for t in timers_after if t[1] == "waiting"] and len(timers_after) >= len(timers_before)
    assert services.audit.verify(waiting).intact
    # and it runs on: its steps follow version 2 (the renamed signature step)
    drive_to(services, waiting, "ky_duyet")
    [signing] = [t for t in services.instances.tasks(code=waiting) if t.name == "ky_duyet"]
    assert signing.title == "Ký, đóng dấu giấy phép"
    # the history, re-executed on both versions across the move, gives what was recorded (issue 14)
    assert services.audit.verify(waiting).intact
    replayed = services.replay.replay(waiting)
    assert replayed.verified, replayed


def test_the_cli_dry_run_then_moves(services, dossiers, database_url):
    from click.testing import CliRunner

    from web.cli import main

    waiting, appraising = dossiers
    deploy(services, XRAY.replace('name="allotment" value="6d"', 'name="allotment" value="5.5d"').replace(
        'name="allotment" value="2d"', 'name="allotment" value="2.5d"'), 2)  # fmt: skip
    runner = CliRunner(env={"MOTCUA_DATABASE_URL": database_url})
    args = ["migrate", "--process", "x_quang_y_te", "--from", "1", "--to", "2"]
    dry = runner.invoke(main, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{waiting}  v1 -> v2  chuyển được" in dry.stdout and f"{appraising}  v1 -> v2  ở lại  bước" in dry.stdout
    assert "1/2 hồ sơ chuyển được" in dry.stdout
    done = runner.invoke(main, [*args, "--by", "thietke"])
    assert f"{waiting}  v1 -> v2  đã chuyển" in done.stdout
    assert {c.code for c in services.designer.migration_checks("x_quang_y_te")[1]} == {appraising}


def test_a_claimed_task_keeps_its_officer_when_the_dossier_moves(services, dossiers):
    waiting, _appraising = dossiers
    [task] = services.instances.tasks(code=waiting)
    services.instances.claim(task.task_id, "chuyenvien")
    deploy(services, XRAY.replace('name="Ký giấy phép"', 'name="Ký, đóng dấu giấy phép"'), 2)
    [moved] = services.designer.migrate("x_quang_y_te", [waiting], 2, "thietke", dry_run=False)
    assert moved.safe
    [after] = services.instances.tasks(code=waiting)
    assert (after.name, after.assignee) == ("phan_cong", "chuyenvien")
    assert services.audit.verify(waiting).intact


def test_a_claimed_task_with_a_boundary_timer_keeps_its_officer_though_it_is_predicted_again(services):
    """A ready task under a boundary event is reset and predicted again on the new version (a new task id): the
    officer who claimed it still holds it, and the history still verifies and replays."""
    services.deploy.deploy(fixture_files("three_steps.bpmn"), "designer")
    services.instances.start("three_steps", "H1", {"received_at": services.clock.now().isoformat()}, "motcua")
    [receive_task] = services.instances.tasks(code="H1")
    services.instances.complete(receive_task.task_id, {"complete": True}, "motcua")
    [appraise] = services.instances.tasks(code="H1")
    services.instances.claim(appraise.task_id, "chuyenvien")
    changed = fixture_files("three_steps.bpmn")["three_steps.bpmn"].decode().replace('name="Ký duyệt"', 'name="Ký"')
    assert services.designer.deploy("three_steps", "three_steps.bpmn", changed, 1, "v2", "thietke") == 2
    [moved] = services.designer.migrate("three_steps", ["H1"], 2, "thietke", dry_run=False)
    assert moved.safe
    [after] = services.instances.tasks(code="H1")
    assert (after.name, after.assignee) == ("appraise", "chuyenvien")
    services.instances.complete(after.task_id, {"opinion": "đạt"}, "chuyenvien")  # the claim holds: they complete it
    assert [t.title for t in services.instances.tasks(code="H1")] == ["Ký"]
    assert services.audit.verify("H1").intact
    assert services.replay.replay("H1").verified
