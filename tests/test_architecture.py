"""Tools that keep the architecture honest: the layer contracts, and every shipped BPMN file surviving save/reload."""

import configparser
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.bpmn.parsing import parse_files
from engine.domain.catalogue_data import load_catalogue
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.persistence.models import Instance, ProcessVersion, Timer

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = ROOT / "processes"
BPMN_FILES = sorted(PROCESSES.rglob("*.bpmn"))
MAX_STEPS = 200  # a process that takes more steps than this is looping, not finishing

# What an officer enters on completing a user task (by task id) so that every gateway takes the main path (the
# default flows), and the fields the apology branch needs if its timer fires during the run (docs/PROCEDURES.md).
MAIN_PATH_DATA: dict[str, dict] = {
    "tiep_nhan": {"reception_result": "accept", "missing_items": [], "refusal_reasons": []},
    "tham_dinh": {"appraisal_result": "approve", "opinion": "Hồ sơ đáp ứng đủ điều kiện"},
    "xem_xet": {"approved": True, "comment": ""},
    "ky_duyet": {"approved": True, "comment": ""},
    "lap_phieu_xin_loi": {
        "delay_reason": "Cần xác minh thêm thông tin với cơ quan liên quan",
        "new_appointment": "2026-12-31T17:00:00+07:00",
    },
    "duyet_phieu_xin_loi": {"approved": True},
}


def test_import_contracts_are_kept(tmp_path):
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint_imports, "lint-imports not found: install the test extras (pip install -e .[test])"
    contracts = [s for s in _setup_cfg().sections() if s.startswith("importlinter:contract:")]
    assert contracts, "setup.cfg declares no import-linter contracts"

    result = subprocess.run(
        [lint_imports, "setup.cfg", "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"Contracts: {len(contracts)} kept, 0 broken\.", result.stdout), result.stdout


def _setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return config


# --- every shipped process -------------------------------------------------------------------------------------
def test_processes_folder_has_bpmn_files():
    assert BPMN_FILES, f"no BPMN files in {PROCESSES}"


def _all_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in BPMN_FILES}


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_bpmn_file_parses_and_validates(path):
    others = {name: data for name, data in _all_files().items() if name != path.name}
    parsed = parse_files({path.name: path.read_bytes()}, others)
    assert parsed, f"{path.name} has no executable process"
    for process in parsed.values():
        assert path.name in process.sources
        assert process.name


# A shared activity (processes/chung_*.bpmn) runs alone with what a procedure calling it passes on: the data of an
# X-ray licence dossier, plus what the step before the call produced.
SHARED_CALLER = "x_quang_y_te"
SHARED_INPUT: dict[str, dict] = {
    "chung_bo_sung": {"appraisal_result": "supplement", "missing_items": [{"item": "Đơn", "reason": "chưa ký"}]},
    "chung_tu_choi": {"appraisal_result": "refuse", "opinion": "Không đủ điều kiện"},
    # Not a shared activity: feedback and petitions start with their code and the deadline of their answer.
    "phan_anh_kien_nghi": {"feedback_code": "PAKN-260302-0001", "due_at": "2026-03-20T17:00:00+07:00"},
}


def _start_data(process_id: str, services, channel: int) -> dict:
    """What a dossier of `process_id` brings at reception: for a catalogued procedure also its appointment, the
    reception moment plus the procedure's time limit on the working calendar, and its `channel` (1 counter: checked
    before registration, the workflow skips the reception check; 2 online, 3 postal: through the reception check).
    Add an entry when a process needs more."""
    now = services.clock.now()
    data = {"received_at": now.isoformat(), "clock_start": now.isoformat(), **SHARED_INPUT.get(process_id, {})}
    procedure = load_catalogue().by_process(SHARED_CALLER if process_id.startswith("chung_") else process_id)
    if procedure is not None:
        amount, unit = procedure.time_limit
        data |= {
            "procedure_code": procedure.code,
            "time_limit": procedure.time_limit_text,
            "appointment": services.calendars.current().add(now, amount, unit).isoformat(),
            "supplement_policy": procedure.supplement_policy,
            "apology_notice_days": shipped_legal_bases().in_force(now).rules["apology_notice_working_days"].value,
            "channel": channel,
            "applicant": {"name": "Công ty TNHH Thử nghiệm", "type": 2},
        }
    return data


def _stored(services, code: str) -> tuple[dict, tuple[int, str, dict], list[str], tuple[int, int]]:
    """The instance's stored state, its version (id, process id, sources), its waiting timer rows, (id, revision)."""
    with services.db.read() as session:
        instance = session.scalars(select(Instance).where(Instance.code == code)).one()
        version = session.get(ProcessVersion, instance.process_version_id)
        waiting = session.scalars(
            select(Timer.task_id).where(Timer.instance_id == instance.id, Timer.state == "waiting")
        ).all()
        identity = (instance.id, instance.revision)
        return instance.state, (version.id, version.process_id, dict(version.sources)), sorted(waiting), identity


def _assert_survives_reload(services, code: str) -> None:
    """The stored state restores to a workflow that dumps back to the same state, equals the live workflow the cache
    holds for that revision (the database alone restores the exact state), and agrees with the projections."""
    state, (version_id, process_id, sources), waiting_timer_rows, (instance_id, revision) = _stored(services, code)
    runtime = services.runtime
    process = runtime.process(version_id, lambda: (process_id, sources))

    restored = runtime.restore(process, state)

    # The stored state went through JSON; compare like with like (tuples become lists there).
    assert json.loads(json.dumps(runtime.dump(restored))) == state
    live = services.live.peek(instance_id)
    assert live is not None and live[0] == revision, "the last step left its live workflow in the cache"
    assert json.loads(json.dumps(runtime.dump(live[1]))) == state
    assert sorted(t.task_id for t in restored.ready_user_tasks()) == sorted(
        t.task_id for t in services.instances.tasks(code=code)
    )
    assert sorted(t.task_id for t in restored.waiting_timers()) == waiting_timer_rows


def _run_to_completion(services, clock, process_id: str, code: str, channel: int) -> list[str]:
    """Start `process_id` and complete every ready user task, a day apart (so due timers fire), until it ends.

    Returns the names of the steps taken, for the failure message and a sanity check.
    """
    services.instances.start(process_id, code, _start_data(process_id, services, channel), "tester")
    steps = []
    for _ in range(MAX_STEPS):
        _assert_survives_reload(services, code)
        if services.instances.get(code).status != "running":
            return steps
        tasks = services.instances.tasks(code=code)
        clock.advance(days=1)
        if services.timers.run_pass("architecture-test", 1000).fired:
            steps.append("timer")
            continue
        if not tasks:
            waiting = [due for _name, due, state in services.instances.timers(code) if state == "waiting"]
            assert waiting, f"{process_id} is stuck: no ready task and no waiting timer after {steps}"
            clock.set(max(waiting))
            continue
        task = tasks[0]
        services.instances.complete(task.task_id, MAIN_PATH_DATA.get(task.name, {}), "tester")
        steps.append(task.name)
    pytest.fail(f"{process_id} did not finish in {MAX_STEPS} steps: {steps}")


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_bpmn_file_runs_to_completion_surviving_save_and_reload_at_every_step(path, services, clock):
    services.deploy.deploy(_all_files(), "test")
    for process_id in parse_files({path.name: path.read_bytes()}, _all_files()):
        for channel in (1, 2):  # a counter dossier skips the reception check, an online one goes through it
            code = f"ARCH-{process_id}-{channel}"
            steps = _run_to_completion(services, clock, process_id, code, channel)
            assert services.instances.get(code).status == "completed", steps
            assert services.instances.verify(code).intact
