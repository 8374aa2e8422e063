"""The `motcua` command line, run in-process with click's CliRunner against a SQLite file in tmp_path."""

import json
import re
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from engine.domain.clock import VN_TZ, FakeClock
from engine.persistence.models import Account, HistoryEvent, Instance
from engine.services.accounts import DEMO_ACCOUNTS, DEMO_DIVISION_ACCOUNTS, DEMO_PASSWORD
from tests.conftest import FIXTURES, PROCESSES, RecordingSender, fixture_files
from web import create_app
from web.cli import main

PASSWD_MARKER = "root:"  # what /etc/passwd would leak into the output if an entity were resolved


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def cli(db_url, tmp_path):
    runner = CliRunner(env={"MOTCUA_DATABASE_URL": db_url, **isolated(tmp_path)})

    def run(*args: str):
        return runner.invoke(main, [str(a) for a in args])

    return run


def isolated(tmp_path) -> dict[str, str]:
    """The audit key file and anchors of a test, in its tmp_path (not the developer's instance/ directory)."""
    return {"MOTCUA_AUDIT_KEY_FILE": str(tmp_path / "audit.key"), "MOTCUA_ANCHOR_DIR": str(tmp_path / "anchors")}


@contextmanager
def open_services(db_url, clock=None):
    """The same database the CLI uses, through the composition root, for arranging and checking."""
    tmp = Path(db_url.removeprefix("sqlite:///")).parent
    settings = {"audit_key_file": tmp / "audit.key", "anchor_dir": tmp / "anchors"}
    app = create_app({"database_url": db_url, **settings}, clock=clock, sender=RecordingSender())
    services = app.extensions["motcua"]
    services.migrate()
    try:
        yield services
    finally:
        services.close()


def ok(result) -> str:
    """The standard output of a command that succeeded (logs on stderr are left out)."""
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def versions(db_url):
    with open_services(db_url) as services:
        return services.deploy.versions()


# --- check -----------------------------------------------------------------------------------------------------
def test_check_accepts_the_shipped_processes_without_deploying(cli, db_url):
    output = ok(cli("check", PROCESSES))
    assert re.search(r"^OK  quy_trinh_mau  «Quy trình mẫu năm bước»  [0-9a-f]{12}$", output, re.M)
    assert versions(db_url) == []


def _missing_target(text: str) -> str:
    assert 'targetRef="mark" />' in text
    return text.replace('targetRef="mark" />', 'targetRef="nowhere" />')


def _truncated(text: str) -> str:
    return text[: len(text) // 2]


def _xxe(_text: str) -> str:
    return (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
        '<bpmn:process id="p" name="&xxe;" isExecutable="true"><bpmn:startEvent id="s" /></bpmn:process>'
        "</bpmn:definitions>\n"
    )


BROKEN = [
    pytest.param(_missing_target, "phần tử 'f2'", "targetRef 'nowhere'", id="missing-target"),
    pytest.param(_truncated, "phần tử '-'", "not well-formed XML", id="not-well-formed"),
    pytest.param(_xxe, "phần tử '-'", "DOCTYPE and ENTITY declarations are not allowed", id="xxe"),
]


@pytest.mark.parametrize(("breaker", "element", "problem"), BROKEN)
def test_check_names_file_element_and_problem_of_a_broken_file(cli, db_url, tmp_path, breaker, element, problem):
    broken = tmp_path / "broken.bpmn"
    broken.write_text(breaker((FIXTURES / "timer_only.bpmn").read_text("utf-8")), "utf-8")

    result = cli("check", broken)

    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # a message, not a traceback
    line = next(line for line in result.stderr.splitlines() if line.startswith("LỖI broken.bpmn:"))
    assert element in line and problem in line
    assert PASSWD_MARKER not in result.output
    assert versions(db_url) == []


def test_deploy_with_one_broken_file_deploys_nothing(cli, db_url, tmp_path):
    (tmp_path / "good.bpmn").write_bytes((FIXTURES / "three_steps.bpmn").read_bytes())
    (tmp_path / "bad.bpmn").write_text(_missing_target((FIXTURES / "timer_only.bpmn").read_text("utf-8")), "utf-8")

    result = cli("deploy", tmp_path)

    assert result.exit_code == 1
    assert "LỖI bad.bpmn: phần tử 'f2'" in result.stderr
    assert versions(db_url) == []


# --- deploy ----------------------------------------------------------------------------------------------------
def test_deploy_prints_versions_and_a_second_deploy_changes_nothing(cli, db_url):
    first = ok(cli("deploy", PROCESSES))
    assert re.search(r"^quy_trinh_mau  v1  [0-9a-f]{12}  \(mới\)  «Quy trình mẫu năm bước»$", first, re.M)

    second = ok(cli("deploy", PROCESSES))
    assert re.search(r"^quy_trinh_mau  v1  [0-9a-f]{12}  \(không đổi\)", second, re.M)
    assert "(mới)" not in second
    deployed = sorted(path.stem for path in PROCESSES.glob("*.bpmn"))
    assert sorted((v.process_id, v.number) for v in versions(db_url)) == [(stem, 1) for stem in deployed]


def test_deploying_a_changed_file_creates_version_2_and_running_dossiers_stay_on_theirs(cli, db_url, tmp_path):
    target = tmp_path / "quy_trinh_mau.bpmn"
    original = (PROCESSES / "quy_trinh_mau.bpmn").read_text("utf-8")
    target.write_text(original, "utf-8")
    ok(cli("deploy", target))
    with open_services(db_url) as services:
        services.instances.start("quy_trinh_mau", "HS-V1", {}, "test")

    target.write_text(original.replace('name="Quy trình mẫu năm bước"', 'name="Quy trình mẫu (sửa đổi)"'), "utf-8")
    output = ok(cli("deploy", target))

    assert re.search(r"^quy_trinh_mau  v2  [0-9a-f]{12}  \(mới\)  «Quy trình mẫu \(sửa đổi\)»$", output, re.M)
    assert [v.number for v in versions(db_url)] == [1, 2]
    with open_services(db_url) as services:
        assert services.instances.get("HS-V1").version == 1


# --- calendar --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # Friday 16:55 before Tết: 5 minutes that day, the next working day is Monday 23/2 (07:30 + 55 min).
        (["--from", "2026-02-13T16:55:00+07:00", "--working-hours", "1"], "2026-02-23T08:25:00+07:00"),
        (["--from", "2026-02-23T10:00:00+07:00", "--working-days", "1", "--before"], "2026-02-13T10:00:00+07:00"),
        (["--from", "2026-03-02T10:00:00+07:00", "--working-days", "1"], "2026-03-03T10:00:00+07:00"),
        # Calendar days end at the close of the last day; a last day off moves to the next working day.
        (["--from", "2026-03-02T09:00:00+07:00", "--days", "10"], "2026-03-12T17:00:00+07:00"),
        (["--from", "2026-02-13T16:55:00+07:00", "--days", "3"], "2026-02-23T17:00:00+07:00"),
        (["--from", "2026-03-12T09:00:00+07:00", "--days", "10", "--before"], "2026-03-02T17:00:00+07:00"),
        # A moment without an offset is Vietnam time.
        (["--from", "2026-03-02T09:00:00", "--working-hours", "2"], "2026-03-02T11:00:00+07:00"),
    ],
)
def test_calendar_due(cli, args, expected):
    assert ok(cli("calendar", "due", *args)) == expected + "\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-45", "--days", "3"], "'2026-13-45' không phải thời điểm ISO 8601"),
        (["--from", "hôm nay", "--working-days", "1"], "không phải thời điểm ISO 8601"),
        (["--from", "2026-03-02T09:00:00+07:00"], "cho đúng một trong --working-days, --working-hours, --days"),
        (["--from", "2026-03-02T09:00:00+07:00", "--days", "1", "--working-days", "1"], "cho đúng một trong"),
        (["--from", "2026-03-02T09:00:00+07:00", "--working-days", "-1"], "dùng --before để tính lùi"),
        (["--from", "2026-03-02T09:00:00+07:00", "--days", "2.5"], "--days"),  # calendar days are whole
    ],
)
def test_calendar_due_refuses_bad_input_clearly(cli, args, message):
    result = cli("calendar", "due", *args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # a usage error, not a traceback
    assert message in result.stderr


@pytest.mark.parametrize(
    ("day", "answer"),
    [
        ("2026-01-10", "yes"),  # Saturday made up for Friday 2/1 (shipped override)
        ("2026-01-02", "no"),  # Friday swapped off
        ("2026-02-17", "no"),  # Tết
        ("2026-03-02", "yes"),  # an ordinary Monday
        ("2026-03-07", "no"),  # an ordinary Saturday
    ],
)
def test_calendar_is_working_day(cli, day, answer):
    assert ok(cli("calendar", "is-working-day", day)) == answer + "\n"


def test_calendar_is_working_day_refuses_a_bad_day(cli):
    result = cli("calendar", "is-working-day", "2026-02-30")
    assert result.exit_code == 2
    assert "không phải ngày dạng YYYY-MM-DD" in result.stderr


def test_calendar_override_add_changes_the_calendar_and_show_lists_it(cli):
    assert ok(cli("calendar", "is-working-day", "2026-03-06")) == "yes\n"

    added = ok(cli("calendar", "override", "add", "2026-03-06", "--off", "--reason", "Quyết định X"))
    assert added == "2026-03-06  nghỉ  Quyết định X\n"

    assert ok(cli("calendar", "is-working-day", "2026-03-06")) == "no\n"
    shown = ok(cli("calendar", "show", "2026")).splitlines()
    assert "2026-03-06  Fri  nghỉ      Quyết định X  [admin]" in shown
    assert any(line.startswith("2026-02-17  Tue  nghỉ") and line.endswith("[holidays]") for line in shown)
    assert any(line.startswith("2026-01-10  Sat  làm bù") and line.endswith("[shipped]") for line in shown)

    ok(cli("calendar", "override", "add", "2026-03-07", "--work", "--reason", "Làm bù theo Quyết định Y"))
    assert ok(cli("calendar", "is-working-day", "2026-03-07")) == "yes\n"
    assert ok(cli("calendar", "override", "remove", "2026-03-06")) == "đã xoá\n"
    assert ok(cli("calendar", "is-working-day", "2026-03-06")) == "yes\n"


def test_calendar_override_add_needs_off_or_work(cli):
    result = cli("calendar", "override", "add", "2026-03-06", "--reason", "Quyết định X")
    assert result.exit_code == 2
    assert "cho --off hoặc --work" in result.stderr
    assert ok(cli("calendar", "is-working-day", "2026-03-06")) == "yes\n"


# --- verify ----------------------------------------------------------------------------------------------------
def test_verify_reports_an_intact_chain_then_a_tampered_one(cli, db_url):
    with open_services(db_url) as services:
        services.deploy.deploy(fixture_files("three_steps.bpmn"), "test")
        services.instances.start("three_steps", "HS-001", {"received_at": "2026-03-02T08:00:00+07:00"}, "test")
        events = len(services.instances.history("HS-001"))

    assert ok(cli("verify", "HS-001")) == f"HS-001: toàn vẹn ({events} sự kiện)\nHS-001: chạy lại khớp (1 bước)\n"

    with open_services(db_url) as services, services.db.transaction() as session:
        instance_id = session.scalar(select(Instance.id).where(Instance.code == "HS-001"))
        session.execute(
            update(HistoryEvent)
            .where(HistoryEvent.instance_id == instance_id, HistoryEvent.seq == 1)
            .values(payload={"process": "three_steps", "data": {"received_at": "2026-01-01T08:00:00+07:00"}})
        )

    result = cli("verify", "HS-001")
    assert result.exit_code == 2
    assert "HS-001: BỊ THAY ĐỔI: sự kiện 1 (instance:started) bị sửa sau khi ghi" in result.stderr


def test_verify_all_shows_progress_and_a_summary_and_anchor_writes_a_signed_file(cli, db_url, tmp_path):
    with open_services(db_url) as services:
        services.deploy.deploy(fixture_files("three_steps.bpmn"), "test")
        for n in range(3):
            services.instances.start("three_steps", f"HS-{n}", {"received_at": "2026-03-02T08:00:00+07:00"}, "test")
    out = ok(cli("anchor", "--out", tmp_path / "neo.json"))
    assert out.startswith(f"Đã neo 3 hồ sơ vào {tmp_path / 'neo.json'}")
    result = cli("verify", "--all", "--anchor", tmp_path / "neo.json")
    assert result.exit_code == 0, result.output
    assert "... 3 hồ sơ đã kiểm tra (0 lỗi)" in result.stderr
    assert result.stdout.splitlines() == [
        "Tổng: 3 hồ sơ; chuỗi và dữ liệu: 3 toàn vẹn, 0 bị thay đổi",
        "Chạy lại: 3 khớp, 0 lệch, 0 không chạy lại được",
    ]
    with open_services(db_url) as services, services.db.transaction() as session:
        session.execute(update(HistoryEvent).where(HistoryEvent.seq == 2).values(actor="mallory"))
    result = cli("verify", "--all", "--since", "2020-01-01")
    assert result.exit_code == 2
    assert "HS-0: BỊ THAY ĐỔI: sự kiện 2 (dossier:task:ready) bị sửa sau khi ghi" in result.stderr
    assert "Tổng: 3 hồ sơ; chuỗi và dữ liệu: 0 toàn vẹn, 3 bị thay đổi" in result.stdout
    assert cli("verify", "--all", "--since", "2030-01-01").stdout.startswith("Tổng: 0 hồ sơ")
    assert cli("verify").exit_code == 2  # neither a code nor --all


def test_an_exported_history_is_verified_from_its_file(cli, db_url, tmp_path):
    with open_services(db_url) as services:
        services.deploy.deploy(fixture_files("three_steps.bpmn"), "test")
        for n in range(2):
            services.instances.start("three_steps", f"HS-{n}", {"received_at": "2026-03-02T08:00:00+07:00"}, "test")
    assert ok(cli("export-history", "HS-1", "--out", tmp_path / "hs1.json")).startswith("Đã xuất lịch sử 1 hồ sơ")
    assert ok(cli("export-history", "--since", "2000-01-01", "--out", tmp_path / "all.json")).startswith(
        "Đã xuất lịch sử 2 hồ sơ"
    )
    ok(cli("export-history", "HS-1", "--format", "csv", "--out", tmp_path / "hs1.csv"))
    assert ok(cli("verify", "--file", tmp_path / "hs1.json")).splitlines() == [
        "HS-1: toàn vẹn (2 sự kiện)",
        "HS-1: chạy lại khớp (1 bước)",
    ]
    assert ok(cli("verify", "--file", tmp_path / "all.json")).count("toàn vẹn") == 2
    assert ok(cli("verify", "--file", tmp_path / "hs1.csv")) == "HS-1: toàn vẹn (2 sự kiện)\n"

    document = json.loads((tmp_path / "hs1.json").read_text(encoding="utf-8"))
    document["events"][1]["payload"]["due_at"] = "2030-01-01T00:00:00+07:00"
    (tmp_path / "hs1.json").write_text(json.dumps(document), encoding="utf-8")
    result = cli("verify", "--file", tmp_path / "hs1.json")
    assert result.exit_code == 2
    assert "HS-1: BỊ THAY ĐỔI: sự kiện 2 (dossier:task:ready) bị sửa sau khi ghi" in result.stderr
    (tmp_path / "junk.json").write_text("{}")
    assert "Tệp xuất không hợp lệ" in cli("verify", "--file", tmp_path / "junk.json").stderr


def test_seal_seals_the_heads_of_histories_written_before_the_seal(cli, db_url):
    with open_services(db_url) as services:
        services.deploy.deploy(fixture_files("three_steps.bpmn"), "test")
        services.instances.start("three_steps", "HS-001", {"received_at": "2026-03-02T08:00:00+07:00"}, "test")
    with open_services(db_url) as services, services.db.transaction() as session:
        session.execute(update(Instance).values(head_mac=None))
    assert "đầu chuỗi không có mã xác thực" in cli("verify", "HS-001").stderr
    assert ok(cli("seal")) == "Đã niêm phong 1 lịch sử\n"
    assert ok(cli("verify", "HS-001")).startswith("HS-001: toàn vẹn")


def test_verify_an_unknown_dossier_is_an_error(cli):
    result = cli("verify", "KHONG-CO")
    assert result.exit_code == 1
    assert "LỖI: Không có hồ sơ KHONG-CO" in result.stderr


# --- accounts, worker ------------------------------------------------------------------------------------------
def test_demo_users_prints_one_account_per_role_and_division_and_is_idempotent(cli, db_url):
    first = ok(cli("demo-users"))
    second = ok(cli("demo-users"))

    assert first == second
    lines = first.splitlines()
    assert lines[0] == f"Tài khoản mẫu (mật khẩu: {DEMO_PASSWORD}):"
    accounts = DEMO_ACCOUNTS + DEMO_DIVISION_ACCOUNTS
    assert [line.split()[0] for line in lines[1:]] == [username for username, *_ in accounts]
    assert len(lines) == 1 + 8 + 4
    with open_services(db_url) as services:
        with services.db.read() as session:
            assert session.scalar(select(func.count()).select_from(Account)) == 12
        # every resolving division of the catalogue has a demo specialist and a demo head
        divisions = {(role, division) for _u, _n, role, division in accounts}
        for division in services.dossiers.catalogue.divisions():
            assert {("specialist", division), ("division_head", division)} <= divisions, division
        assert services.accounts.authenticate("giamdoc", DEMO_PASSWORD).role == "director"


def test_worker_once_fires_due_timers_and_sends_notifications(cli, db_url):
    # Started in 2019 with a timer due in 2020: waiting in the database, and due by the CLI's wall clock.
    with open_services(db_url, FakeClock(datetime(2019, 6, 3, 9, 0, tzinfo=VN_TZ))) as services:
        services.deploy.deploy(fixture_files("timer_only.bpmn", "three_steps.bpmn"), "test")
        services.instances.start("timer_only", "T-1", {"due_at": "2020-01-01T00:00:00+07:00"}, "test")
        # one task ready: one notification; due in 2019, it is overdue by the CLI's wall clock: a second one
        services.instances.start("three_steps", "HS-1", {}, "test")
        assert [state for _n, _d, state in services.instances.timers("T-1")] == ["waiting"]

    assert ok(cli("worker", "--once")) == "1 mốc thời gian đã kích hoạt, 2 thông báo đã gửi\n"
    assert ok(cli("worker", "--once")) == "0 mốc thời gian đã kích hoạt, 0 thông báo đã gửi\n"

    with open_services(db_url) as services:
        assert [state for _n, _d, state in services.instances.timers("T-1")] == ["fired"]
        info = services.instances.get("T-1")
        assert info.status == "completed"
        assert info.data["fired_count"] == 1
        assert [e.tag for e in services.instances.history("T-1")].count("instance:timer:fired") == 1


def test_check_also_runs_the_designers_checks(cli, db_url, tmp_path):
    for path in PROCESSES.glob("*.bpmn"):
        (tmp_path / path.name).write_text(path.read_text("utf-8"), "utf-8")
    broken = tmp_path / "x_quang_y_te.bpmn"
    text = broken.read_text("utf-8")
    broken.write_text(text.replace('name="form" value="xem_xet"', 'name="form" value="khong_co"'), "utf-8")
    result = cli("check", tmp_path)
    assert result.exit_code == 1
    assert (
        "LỖI x_quang_y_te.bpmn: phần tử 'xem_xet': biểu mẫu 'khong_co' không có trong processes/forms" in result.stderr
    )
