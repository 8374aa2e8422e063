"""Scenario files for designers, run in virtual time on a throw-away database: every shipped scenario passes, a
wrong expectation or a task that is not open fails at its step, and `motcua scenario run` exits non-zero then."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.domain.errors import ValidationError
from engine.services.scenarios import load_scenario, run_scenario
from tests.conftest import FIXTURES, PROCESSES
from web.cli import main

SHIPPED = sorted((PROCESSES / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_scenario_passes(path):
    result = run_scenario(path)
    assert result.ok, [s for s in result.steps if not s.ok]
    assert len(result.steps) == len(load_scenario(path)["steps"])


@pytest.mark.parametrize(
    "process_id",
    ["x_quang_y_te", "dang_ky_to_chuc_khcn", "cong_bo_hop_quy", "dang_ky_ket_qua_nhiem_vu", "tuyen_chon_nhiem_vu"],
)
def test_the_shipped_scenarios_cover_main_path_supplementation_refusal_and_lateness(process_id):
    kinds = {p.stem.removeprefix(process_id + "_") for p in SHIPPED if p.stem.startswith(process_id + "_")}
    assert kinds == {"chinh", "bo_sung", "tu_choi", "tre_han"}


def test_a_wrong_expectation_fails_at_its_step_and_stops_the_run():
    result = run_scenario(FIXTURES / "scenarios" / "sai_ngay_hen.yaml")
    assert not result.ok
    assert [(s.number, s.ok) for s in result.steps] == [(1, True), (2, False)]
    assert result.steps[1].message == "appointment: mong đợi '16/03/2026 09:00', thực tế '17/03/2026 09:00'"


def test_completing_a_task_that_is_not_open_names_the_task():
    result = run_scenario(FIXTURES / "scenarios" / "viec_khong_mo.yaml")
    failed = result.steps[-1]
    assert (failed.ok, failed.element) == (False, "ky_duyet")
    assert "đang mở: ['phan_cong']" in failed.message


def test_a_malformed_scenario_is_refused_clearly(tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text("procedure: X\nstart: 2026-03-02T09:00\nsteps:\n  - fly: {}\n", "utf-8")
    with pytest.raises(ValidationError, match="bước 1: mỗi bước là một trong receive"):
        load_scenario(bad)


def test_the_cli_prints_each_step_and_exits_non_zero_on_a_failure():
    runner = CliRunner()
    passed = runner.invoke(main, ["scenario", "run", str(PROCESSES / "scenarios" / "x_quang_y_te_tu_choi.yaml")])
    assert passed.exit_code == 0, passed.output
    assert passed.stdout.startswith("ĐẠT") and "✓ bước 4 (expect)" in passed.stdout
    failed = runner.invoke(main, ["scenario", "run", str(FIXTURES / "scenarios" / "sai_ngay_hen.yaml")])
    assert failed.exit_code == 1
    assert "✗ bước 2 (expect): appointment" in failed.stderr and "1 kịch bản sai" in failed.stderr
    assert not Path("instance/scenario.db").exists()
