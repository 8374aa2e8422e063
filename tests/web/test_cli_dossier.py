"""`motcua dossier ...` run in-process with click's CliRunner against a SQLite file in tmp_path (real clock)."""

import json
import re
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from engine.domain.clock import VN_TZ
from tests.conftest import FIXTURES
from tests.web.test_cli import ok, open_services
from web.cli import main

AGENCY = "H15.50.05.13"
HOP_QUY = "1.000047.000.00.00.H56"
APPLICANT = [
    "--name", "Công ty TNHH Thiết bị điện Cao Bằng",
    "--id-number", "4800123456",
    "--address", "Số 5 phố Vườn Cam, tỉnh Cao Bằng",
    "--phone", "0206 3852 123",
    "--type", "2",
]  # fmt: skip
CODE = re.compile(rf"Đã tiếp nhận hồ sơ ({re.escape(AGENCY)}-\d{{6}}-\d{{4}})")


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def cli(db_url):
    runner = CliRunner(env={"MOTCUA_DATABASE_URL": db_url, "MOTCUA_AGENCY_CODE": AGENCY})

    def run(*args: str):
        return runner.invoke(main, [str(a) for a in args])

    ok(run("deploy", FIXTURES / "cong_bo_hop_quy.bpmn"))
    return run


def failed(result, code: int = 1) -> str:
    assert result.exit_code == code, (result.output, result.exception)
    return result.stderr


def received_code(output: str) -> str:
    match = CODE.search(output)
    assert match, output
    return match[1]


def test_receive_prints_the_code_and_the_appointment(cli, db_url):
    output = ok(cli("dossier", "receive", "--procedure", HOP_QUY, *APPLICANT, "--all-documents", "--by", "motcua1"))
    code = received_code(output)
    assert code.startswith(f"{AGENCY}-{datetime.now(VN_TZ):%y%m%d}-0001")
    with open_services(db_url) as services:
        view = services.dossiers.get(code)
    assert f"Hẹn trả kết quả: {view.appointment:%d/%m/%Y %H:%M}" in output
    assert f"Bắt đầu tính thời hạn: {view.clock_start:%d/%m/%Y %H:%M}" in output
    assert view.received_by == "motcua1" and view.applicant["type"] == 2
    assert all(d["received"] and not d["digitised"] for d in view.documents)


def test_named_documents_and_digitised_flags(cli, db_url):
    with open_services(db_url) as services:
        names = [d.name for d in services.dossiers.catalogue.get(HOP_QUY).documents]
    documents = [arg for name in names[:3] for arg in ("--document", name)]
    output = ok(cli("dossier", "receive", "--procedure", HOP_QUY, *APPLICANT, *documents, "--digitised", names[0]))
    with open_services(db_url) as services:
        view = services.dossiers.get(received_code(output))
    assert [(d["received"], d["digitised"]) for d in view.documents] == [
        (True, True),
        (True, False),
        (True, False),
        (False, False),
    ]


def test_a_refused_reception_lists_every_problem_and_writes_nothing(cli):
    stderr = failed(cli("dossier", "receive", "--procedure", HOP_QUY, "--name", "Nguyễn Văn An", "--phone", "12"))
    assert stderr.startswith("LỖI: Chưa tiếp nhận được hồ sơ, cần sửa:")
    for field in ("applicant.id_number", "applicant.address", "applicant.phone", "documents"):
        assert f"  - {field}: " in stderr
    assert "Mẫu 02" in stderr
    assert ok(cli("dossier", "list")) == "Không có hồ sơ nào.\n"


def test_a_postal_dossier_is_numbered_and_counted_from_the_handover(cli, db_url):
    handover = (datetime.now(VN_TZ) - timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    args = ("dossier", "receive", "--procedure", HOP_QUY, *APPLICANT, "--all-documents", "--channel", "3")
    output = ok(cli(*args, "--delivery", "post", "--handover", handover.isoformat()))
    code = received_code(output)
    assert code == f"{AGENCY}-{handover:%y%m%d}-0001"
    with open_services(db_url) as services:
        assert services.dossiers.get(code).received_at == handover
    assert "  - handover_at: " in failed(cli(*args))
    assert "--handover" in failed(cli(*args, "--handover", "hôm qua"), 2)


def test_list_show_and_complete(cli):
    code = received_code(ok(cli("dossier", "receive", "--procedure", HOP_QUY, *APPLICANT, "--all-documents")))
    listing = ok(cli("dossier", "list", "--status", "2"))
    assert re.match(rf"^{re.escape(code)}   2 Được tiếp nhận .* nhận \d\d/\d\d/\d{{4}} \d\d:\d\d  hẹn ", listing)
    assert listing.rstrip().endswith("Công ty TNHH Thiết bị điện Cao Bằng")
    assert ok(cli("dossier", "list", "--status", "9")) == "Không có hồ sơ nào.\n"

    shown = ok(cli("dossier", "show", code))
    assert f"Mã hồ sơ: {code}" in shown
    assert f"Thủ tục: {HOP_QUY} Đăng ký công bố hợp quy" in shown
    assert "Người nộp: Công ty TNHH Thiết bị điện Cao Bằng (Doanh nghiệp)" in shown
    assert "Trạng thái: 2 Được tiếp nhận" in shown
    assert "Phí, lệ phí: 150.000 đồng (chưa nộp)" in shown
    assert "  [x] Bản công bố hợp quy (1 bản chính, 0 bản sao)" in shown
    line = r"^  (\S+)  Chuyển hồ sơ đến phòng chuyên môn  \[Bộ phận Một cửa\]  hạn \d\d/\d\d/\d{4} \d\d:\d\d$"
    task = re.search(line, shown, re.M)
    assert task, shown

    data = json.dumps({"comment": "đủ thành phần"})
    assert (
        ok(cli("dossier", "complete", task[1], "--data", data, "--by", "motcua1")) == f"Đã hoàn thành việc {task[1]}\n"
    )
    assert re.search(r"^  \S+  Thẩm định hồ sơ  \[Chuyên viên thụ lý\]  hạn ", ok(cli("dossier", "show", code)), re.M)
    assert "LỖI: " in failed(cli("dossier", "complete", task[1]))  # no longer open


@pytest.mark.parametrize("data", ["{not json", "[1, 2]"])
def test_complete_refuses_data_that_is_not_a_json_object(cli, data):
    assert "--data" in failed(cli("dossier", "complete", "some-task", "--data", data), 2)


def test_show_an_unknown_dossier(cli):
    assert "LỖI: không có hồ sơ H15.50.05.13-260302-0001" in failed(cli("dossier", "show", f"{AGENCY}-260302-0001"))
