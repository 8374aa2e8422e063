"""`motcua dossier form`, `register export`, `report late` with CliRunner on a SQLite file (real clock)."""

import csv
import io
import re
from datetime import datetime

import pypdf
import pytest
from click.testing import CliRunner

from engine.domain.clock import VN_TZ
from tests.engine.bpmn.test_procedures import PROCESSES
from tests.web.test_cli import ok
from web.cli import main

AGENCY = "H15.50.05.13"
X_RAY = "1.004454.000.00.00.H56"
APPLICANT = ["--name", "Phòng khám Đa khoa Hồng Nhung", "--id-number", "4800123456", "--address",
             "Số 12 phố Kim Đồng, tỉnh Cao Bằng", "--phone", "0912 345 678", "--type", "2"]  # fmt: skip


@pytest.fixture
def cli(tmp_path):
    runner = CliRunner(
        env={
            "MOTCUA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "MOTCUA_AGENCY_CODE": AGENCY,
            "MOTCUA_AGENCY_PARENT": "UBND TỈNH CAO BẰNG",
            "MOTCUA_AGENCY_PLACE": "Cao Bằng",
        }
    )

    def run(*args):
        return runner.invoke(main, [str(a) for a in args])

    ok(run("deploy", PROCESSES))
    return run


@pytest.fixture
def code(cli):
    output = ok(cli("dossier", "receive", "--procedure", X_RAY, *APPLICANT, "--all-documents", "--by", "motcua1"))
    return re.search(rf"Đã tiếp nhận hồ sơ ({re.escape(AGENCY)}-\d{{6}}-\d{{4}})", output)[1]


def failed(result) -> str:
    assert result.exit_code != 0, result.output
    return result.stderr


def today() -> str:
    return datetime.now(VN_TZ).date().isoformat()


def test_form_writes_the_receipt_as_html_and_pdf(cli, code, tmp_path):
    html = tmp_path / "mau_01.html"
    assert f"vào {html}" in ok(cli("dossier", "form", code, "mau_01", "--html", html))
    text = html.read_text("utf-8")
    assert code in text and "Phòng khám Đa khoa Hồng Nhung" in text and "UBND TỈNH CAO BẰNG" in text

    pdf = tmp_path / "control_slip.pdf"
    ok(cli("dossier", "form", code, "control_slip", "--pdf", pdf))
    assert code in pypdf.PdfReader(pdf).pages[0].extract_text()
    assert code in ok(cli("dossier", "form", code, "mau_01"))  # no file: the HTML on standard output


def test_form_errors_are_in_vietnamese(cli, code, tmp_path):
    assert "không có biểu mẫu 'mau_09'" in failed(cli("dossier", "form", code, "mau_09"))
    assert "không có hồ sơ" in failed(cli("dossier", "form", f"{AGENCY}-260101-9999", "mau_01"))
    assert "chưa có Văn bản xin lỗi" in failed(cli("dossier", "form", code, "mau_04", "--html", tmp_path / "x.html"))
    both = cli("dossier", "form", code, "mau_01", "--html", tmp_path / "a", "--pdf", tmp_path / "b")
    assert "chỉ cho một trong --pdf hoặc --html" in failed(both)


def test_register_export_as_csv_and_pdf(cli, code, tmp_path):
    target = tmp_path / "so.csv"
    assert "(1 hồ sơ)" in ok(cli("register", "export", "--from", today(), "--to", today(), "--csv", target))
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    assert rows[0][:2] == ["STT", "Mã hồ sơ"] and [r[1] for r in rows[1:]] == [code]

    ok(cli("register", "export", "--from", "2020-01-01", "--to", "2020-01-31", "--csv", target))
    assert len(list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))) == 1  # the header only

    pdf = tmp_path / "so.pdf"
    ok(cli("register", "export", "--from", today(), "--to", today(), "--pdf", pdf))
    assert pdf.read_bytes().startswith(b"%PDF")


def test_register_export_refuses_bad_dates_and_targets(cli, tmp_path):
    target = tmp_path / "so.csv"
    assert "không phải ngày dạng YYYY-MM-DD" in failed(
        cli("register", "export", "--from", "2026-02-30", "--to", "2026-03-01", "--csv", target)
    )
    assert "khoảng ngày sai" in failed(
        cli("register", "export", "--from", "2026-03-05", "--to", "2026-03-01", "--csv", target)
    )
    assert "cho đúng một trong --csv hoặc --pdf" in failed(
        cli("register", "export", "--from", "2026-03-01", "--to", "2026-03-05")
    )


def test_report_late(cli, code, tmp_path):
    month = datetime.now(VN_TZ).strftime("%Y-%m")
    assert "không có hồ sơ quá hạn" in ok(cli("report", "late", "--month", month))  # received just now
    target = tmp_path / "late.csv"
    assert "Đã ghi 0 hồ sơ quá hạn" in ok(cli("report", "late", "--month", month, "--csv", target))
    assert target.read_text("utf-8-sig").startswith("STT,Mã hồ sơ")
    assert "không phải tháng dạng YYYY-MM" in failed(cli("report", "late", "--month", "2026-13"))
    assert "chưa bắt đầu" in failed(cli("report", "late", "--month", "2099-01"))
