"""Importing an approved internal procedure's step table: CSV and XLSX in the layouts the decisions publish (headings
in any order, a total row, half days and hours, an unreadable row), lanes by who carries out each step, and a BPMN
that passes the designer's checks, lays out without overlaps and runs.

The tables are realistic examples [example], not copied from a published decision."""

import io

import pytest
from lxml import etree

from engine.domain.step_table import RowProblem, parse_time
from engine.services.task_list import TaskQuery
from tests.conftest import FIXTURES, deploy_shipped
from tests.web.test_counter import X_RAY, receive

TABLES = FIXTURES / "step_tables"
CONG_BO = "1.000047.000.00.00.H56"  # 5 working days
DC = "{http://www.omg.org/spec/DD/20100524/DC}"


@pytest.fixture
def shipped(services):
    return deploy_shipped(services)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0,5 ngày", (0.5, "wd")), ("04 giờ", (4, "wh")), ("02 ngày làm việc", (2, "wd")), ("1/2 ngày", (0.5, "wd")),
     ("8 giờ làm việc", (8, "wh")), ("  03 Ngày ", (3, "wd"))],
)  # fmt: skip
def test_times_are_read_as_the_decisions_write_them(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["hai ngày", "", "0 ngày", "3 tuần", "1/0 ngày"])
def test_times_that_cannot_be_read_say_how_to_write_them(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_a_csv_table_with_a_total_row_becomes_a_bpmn_that_passes_every_check(shipped):
    result = shipped.step_import.build("x.csv", (TABLES / "x_quang_y_te.csv").read_bytes(), X_RAY)
    assert result.table.problems == [] and result.problems == []
    assert result.table.total == (11, "wd")
    assert [(s.row, s.lane, s.allotment) for s in result.table.steps] == [
        (3, "Bộ phận Một cửa", "0.5d"),
        (4, "Lãnh đạo phòng", "4h"),
        (5, "Chuyên viên thụ lý", "6d"),
        (6, "Lãnh đạo phòng", "1d"),
        (7, "Lãnh đạo Sở", "2d"),
        (8, "Văn thư", "0.5d"),
        (9, "Bộ phận Một cửa", "0.5d"),
    ]
    root = etree.fromstring(result.xml.encode())
    lanes = [lane.get("name") for lane in root.iter("{*}lane")]
    assert lanes == ["Bộ phận Một cửa", "Chuyên viên thụ lý", "Lãnh đạo phòng", "Lãnh đạo Sở", "Văn thư"]
    called = sorted(c.get("calledElement") for c in root.iter("{*}callActivity"))
    assert called == ["chung_bo_sung", "chung_tiep_nhan", "chung_tu_choi"]
    assert_clean_layout(root)


def assert_clean_layout(root) -> None:
    """No two shapes of flow nodes overlap; every shape lies inside its lane; flows run left to right on the main
    path (each flow's first waypoint is left of or at its last, except the flows back to a step)."""
    shapes = {}
    for shape in root.iter("{*}BPMNShape"):
        bounds = shape.find(f"{DC}Bounds")
        shapes[shape.get("bpmnElement")] = tuple(float(bounds.get(k)) for k in ("x", "y", "width", "height"))
    lanes = {lane.get("id"): [r.text for r in lane.iter("{*}flowNodeRef")] for lane in root.iter("{*}lane")}
    nodes = [n for refs in lanes.values() for n in refs]
    for i, a in enumerate(nodes):
        ax, ay, aw, ah = shapes[a]
        for b in nodes[i + 1 :]:
            bx, by, bw, bh = shapes[b]
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, f"{a} overlaps {b}"
    for lane, refs in lanes.items():
        lx, ly, lw, lh = shapes[lane]
        for ref in refs:
            x, y, w, h = shapes[ref]
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, f"{ref} outside {lane}"
    backwards = [e.get("bpmnElement") for e in root.iter("{*}BPMNEdge") if _goes_back(e)]
    targets = {f.get("id"): f.get("targetRef") for f in root.iter("{*}sequenceFlow")}
    assert all(targets[flow].startswith("buoc_") for flow in backwards), backwards


def _goes_back(edge) -> bool:
    points = [float(p.get("x")) for p in edge.iter("{*}waypoint")]
    return points[-1] < points[0]


def test_an_xlsx_table_with_headings_in_another_order_and_words_of_its_own(shipped):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["QUY TRÌNH NỘI BỘ [example]"])
    sheet.append([])
    sheet.append(["TT", "Trình tự thực hiện", "Thời gian\nthực hiện", "Đơn vị/người thực hiện"])
    sheet.append([1, "Tiếp nhận hồ sơ", "04 giờ", "Bộ phận tiếp nhận và trả kết quả"])
    sheet.append([2, "Phân công", "04 giờ", "Trưởng phòng Quản lý chuyên ngành"])
    sheet.append([3, "Kiểm tra hồ sơ, dự thảo thông báo", "2 ngày", "Chuyên viên"])
    sheet.append([4, "Xem xét", "0,5 ngày", "Lãnh đạo phòng"])
    sheet.append([5, "Ký", "0,5 ngày", "Giám đốc Sở"])
    sheet.append([6, "Phát hành", "0,5 ngày", "Văn thư"])
    sheet.append([7, "Trả kết quả", "0,5 ngày", "Bộ phận Một cửa"])
    sheet.append([None, "Tổng cộng", "05 ngày làm việc", None])
    data = io.BytesIO()
    book.save(data)
    result = shipped.step_import.build("bang.xlsx", data.getvalue(), CONG_BO)
    assert result.table.problems == [] and result.problems == []
    assert [s.lane for s in result.table.steps][1:3] == ["Lãnh đạo phòng", "Chuyên viên thụ lý"]
    assert_clean_layout(etree.fromstring(result.xml.encode()))


def test_unreadable_rows_are_listed_with_their_number_and_no_bpmn_is_built(shipped):
    result = shipped.step_import.build("loi.csv", (TABLES / "cong_bo_hop_quy_loi.csv").read_bytes(), CONG_BO)
    assert result.xml == ""
    assert result.table.problems == [
        RowProblem(5, "không đọc được thời gian 'hai ngày' (viết như '0,5 ngày', '04 giờ', '02 ngày làm việc')"),
        RowProblem(6, "không biết 'Phòng Kế hoạch - Tài chính' làm việc ở làn nào (sửa bảng ánh xạ đơn vị)"),
    ]
    corrected = shipped.step_import.build(
        "loi.csv",
        (TABLES / "cong_bo_hop_quy_loi.csv").read_bytes().replace("hai ngày".encode(), b"2 ng\xc3\xa0y"),
        CONG_BO,
        {"Phòng Kế hoạch - Tài chính": "Chuyên viên thụ lý"},
    )
    assert corrected.table.problems == []
    # 0.5 + 0.5 + 2 + 0.5 + 0.5 = 4 working days against the procedure's 5: the check says so
    assert [p.element for p in corrected.problems] == ["cong_bo_hop_quy"]
    assert "5 working days" in corrected.problems[0].message


def test_a_total_row_that_does_not_match_the_steps_is_reported(shipped):
    text = (TABLES / "x_quang_y_te.csv").read_text("utf-8").replace("11 ngày làm việc", "12 ngày làm việc")
    result = shipped.step_import.build("x.csv", text.encode(), X_RAY)
    assert result.table.problems == [
        RowProblem(0, "các bước cộng lại 11 ngày làm việc nhưng dòng tổng ghi 12 ngày làm việc")
    ]


def test_the_imported_process_deploys_and_a_dossier_runs_on_it(shipped, clock):
    result = shipped.step_import.build("x.csv", (TABLES / "x_quang_y_te.csv").read_bytes(), X_RAY)
    assert shipped.designer.deploy("x_quang_y_te", result.file_name, result.xml, 1, "Nhập từ bảng", "thietke") == 2
    dossier = receive(shipped, channel=1)
    tasks = shipped.task_list.page(TaskQuery()).rows
    assert [(t.code, t.name) for t in tasks if t.code == dossier.code] == [(dossier.code, "buoc_1")]


def test_an_unknown_procedure_or_file_kind_is_refused(shipped):
    from engine.domain.errors import NotFound, ValidationError

    with pytest.raises(NotFound):
        shipped.step_import.build("x.csv", b"", "9.999999.000.00.00.H56")
    with pytest.raises(ValidationError, match=".csv hoặc .xlsx"):
        shipped.step_import.build("x.pdf", b"%PDF", X_RAY)
    with pytest.raises(ValidationError, match="XLSX"):
        shipped.step_import.build("x.xlsx", b"not a workbook", X_RAY)


def test_the_cli_writes_the_bpmn_or_lists_the_rows_it_cannot_read(shipped, database_url, tmp_path):
    from click.testing import CliRunner

    from web.cli import main

    runner = CliRunner(env={"MOTCUA_DATABASE_URL": database_url})
    out = tmp_path / "x_quang_y_te.bpmn"
    done = runner.invoke(main, ["import-steps", str(TABLES / "x_quang_y_te.csv"), "--procedure", X_RAY, "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "7 bước" in done.stdout
    written = out.read_text("utf-8")
    assert written.startswith("<?xml") and 'calledElement="chung_tiep_nhan"' in written
    failed = runner.invoke(
        main, ["import-steps", str(TABLES / "cong_bo_hop_quy_loi.csv"), "--procedure", CONG_BO, "-o", str(out)]
    )
    assert failed.exit_code == 1
    assert "LỖI cong_bo_hop_quy_loi.csv, dòng 5: không đọc được thời gian 'hai ngày'" in failed.stderr
    assert out.read_text("utf-8") == written  # nothing written over
