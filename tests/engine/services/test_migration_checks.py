"""Which open dossiers of older versions can move to the new version, and why not (SpiffWorkflow's spec and workflow
diff): a change to a step a dossier has completed or is working on blocks it; changes ahead of it do not."""

import pytest

from tests.conftest import PROCESSES, deploy_shipped
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
    assert event.payload == {"from_version": 1, "to_version": 2}
    timers_after = [(name, state) for name, _due, state in services.instances.timers(waiting)]
    assert [t for t in timers_after if t[1] == "waiting"] and len(timers_after) >= len(timers_before)
    assert services.instances.verify(waiting).intact
    # and it runs on: its steps follow version 2 (the renamed signature step)
    drive_to(services, waiting, "ky_duyet")
    [signing] = [t for t in services.instances.tasks(code=waiting) if t.name == "ky_duyet"]
    assert signing.title == "Ký, đóng dấu giấy phép"


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
