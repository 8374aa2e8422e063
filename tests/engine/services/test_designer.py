"""The designer's use cases: procedures with their versions and open dossiers, the latest version to edit, checks
before deploy (each problem naming its element), deploying with a change note, refusing stale or failing deploys."""

import pytest

from engine.domain.errors import Conflict, ProcessDefinitionError, ValidationError
from tests.conftest import PROCESSES, deploy_shipped
from tests.web.test_counter import X_RAY, receive

XRAY_FILE = "x_quang_y_te.bpmn"


@pytest.fixture
def shipped(services):
    return deploy_shipped(services)


def xray_xml() -> str:
    return (PROCESSES / XRAY_FILE).read_text("utf-8")


def problems_of(services, xml: str) -> list[tuple[str, str]]:
    return [(p.element, p.message) for p in services.designer.check("x_quang_y_te", XRAY_FILE, xml)]


def test_the_list_shows_each_procedure_with_its_versions_and_open_dossiers_per_version(shipped):
    receive(shipped, channel=1)
    receive(shipped, channel=1)
    summaries = {s.process_id: s for s in shipped.designer.processes()}
    xray = summaries["x_quang_y_te"]
    assert xray.procedure is not None and xray.procedure.code == X_RAY
    assert [(v.number, v.deployed_by, v.open_dossiers) for v in xray.versions] == [(1, "designer", 2)]
    assert summaries["chung_tiep_nhan"].procedure is None  # a shared call activity, not a procedure
    # procedures of the catalogue come first
    kinds = [s.procedure is not None for s in shipped.designer.processes()]
    assert kinds == sorted(kinds, reverse=True)


def test_the_workspace_opens_the_latest_deployed_file_of_the_procedure(shipped):
    workspace = shipped.designer.workspace("x_quang_y_te")
    assert (workspace.file_name, workspace.number) == (XRAY_FILE, 1)
    assert workspace.xml == xray_xml()


def test_the_shipped_procedure_passes_every_check(shipped):
    assert problems_of(shipped, xray_xml()) == []


def test_a_condition_with_a_syntax_error_is_reported_on_its_flow(shipped):
    broken = xray_xml().replace('appraisal_result == "refuse"</bpmn:conditionExpression>', "appraisal_result ==</", 1)
    broken = broken.replace("appraisal_result ==</", "appraisal_result == </bpmn:conditionExpression>", 1)
    problems = problems_of(shipped, broken)
    assert [element for element, _ in problems] == ["g_tc1"]
    assert "condition" in problems[0][1]


def test_an_exclusive_gateway_without_default_and_a_flow_without_condition_is_reported(shipped):
    broken = xray_xml().replace('name="Kết quả thẩm định" default="g4"', 'name="Kết quả thẩm định"')
    assert (
        "gw_tham_dinh",
        "cổng rẽ nhánh không có luồng mặc định và các luồng ra sau không có điều kiện: g4",
    ) in problems_of(shipped, broken)


def test_allotments_that_no_longer_add_up_a_missing_form_and_a_task_outside_any_lane_are_reported(shipped):
    broken = (
        xray_xml()
        .replace('name="allotment" value="6d"', 'name="allotment" value="5d"')
        .replace('name="form" value="xem_xet"', 'name="form" value="khong_co"')
        .replace("<bpmn:flowNodeRef>ky_duyet</bpmn:flowNodeRef>", "")
    )
    problems = problems_of(shipped, broken)
    elements = {element for element, _ in problems}
    assert elements == {"x_quang_y_te", "xem_xet", "ky_duyet"}
    messages = dict(problems)
    assert "10 working days" in messages["x_quang_y_te"] and "11 working days" in messages["x_quang_y_te"]
    assert "khong_co" in messages["xem_xet"]
    assert "làn" in messages["ky_duyet"]


def test_a_deploy_stores_a_new_version_with_who_when_and_the_change_note(shipped, clock):
    changed = xray_xml().replace('name="Ký giấy phép"', 'name="Ký, đóng dấu giấy phép"')
    number = shipped.designer.deploy("x_quang_y_te", XRAY_FILE, changed, 1, "Đổi tên bước ký", "thietke")
    assert number == 2
    latest = shipped.designer.workspace("x_quang_y_te")
    assert latest.number == 2 and latest.xml == changed
    version = latest.summary.latest
    assert (version.deployed_by, version.note, version.deployed_at) == ("thietke", "Đổi tên bước ký", clock.now())


def test_a_deploy_with_problems_is_refused_and_stores_nothing(shipped):
    broken = xray_xml().replace('name="allotment" value="6d"', 'name="allotment" value="5d"')
    with pytest.raises(ProcessDefinitionError, match="10 working days"):
        shipped.designer.deploy("x_quang_y_te", XRAY_FILE, broken, 1, "Rút ngắn thẩm định", "thietke")
    assert shipped.designer.workspace("x_quang_y_te").number == 1


def test_a_deploy_based_on_an_outdated_version_is_refused_clearly(shipped):
    first = xray_xml().replace('name="Ký giấy phép"', 'name="Ký giấy phép (1)"')
    second = xray_xml().replace('name="Ký giấy phép"', 'name="Ký giấy phép (2)"')
    assert shipped.designer.deploy("x_quang_y_te", XRAY_FILE, first, 1, "Người thứ nhất", "thietke") == 2
    with pytest.raises(Conflict, match="dựa trên phiên bản 1 nhưng phiên bản mới nhất là 2"):
        shipped.designer.deploy("x_quang_y_te", XRAY_FILE, second, 1, "Người thứ hai", "thietke2")
    assert shipped.designer.workspace("x_quang_y_te").xml == first


def test_a_deploy_without_a_note_or_without_a_change_is_refused(shipped):
    changed = xray_xml().replace('name="Ký giấy phép"', 'name="Ký giấy phép (1)"')
    with pytest.raises(ValidationError, match="ghi chú"):
        shipped.designer.deploy("x_quang_y_te", XRAY_FILE, changed, 1, "  ", "thietke")
    with pytest.raises(ValidationError, match="Không có thay đổi"):
        shipped.designer.deploy("x_quang_y_te", XRAY_FILE, xray_xml(), 1, "Không đổi gì", "thietke")
    assert shipped.designer.workspace("x_quang_y_te").number == 1


def test_a_draft_is_kept_per_designer_and_discarded_by_their_deploy(shipped):
    changed = xray_xml().replace('name="Ký giấy phép"', 'name="Ký giấy phép (nháp)"')
    shipped.designer.save_draft("x_quang_y_te", "thietke", 1, changed)
    shipped.designer.save_draft("x_quang_y_te", "thietke2", 1, xray_xml())
    shipped.designer.save_draft("x_quang_y_te", "thietke", 1, changed + "\n")  # replaces the first
    drafts = shipped.designer.workspace("x_quang_y_te").drafts
    assert sorted((d.author, d.xml == changed + "\n") for d in drafts) == [("thietke", True), ("thietke2", False)]
    with pytest.raises(ProcessDefinitionError, match="not well-formed"):
        shipped.designer.save_draft("x_quang_y_te", "thietke", 1, "<bpmn:definitions")
    shipped.designer.deploy("x_quang_y_te", XRAY_FILE, changed, 1, "Nháp thành phiên bản", "thietke")
    assert [d.author for d in shipped.designer.workspace("x_quang_y_te").drafts] == ["thietke2"]


def test_the_diff_of_two_deployed_versions(shipped):
    changed = (
        xray_xml()
        .replace('name="allotment" value="6d"', 'name="allotment" value="5.5d"')
        .replace('name="allotment" value="2d"', 'name="allotment" value="2.5d"')
    )
    shipped.designer.deploy("x_quang_y_te", XRAY_FILE, changed, 1, "Chuyển nửa ngày sang ký", "thietke")
    diffs = {d.element: d for d in shipped.designer.diff("x_quang_y_te", 1, 2)}
    assert set(diffs) == {"tham_dinh", "ky_duyet"}
    assert [(c.before, c.after) for c in diffs["ky_duyet"].changes] == [("2d", "2.5d")]


def test_an_unknown_national_status_is_reported_on_its_task(shipped):
    broken = xray_xml().replace(
        '<spiffworkflow:property name="portal_status" value="9" />',
        '<spiffworkflow:property name="portal_status" value="11" />',
    )
    assert broken != xray_xml()
    assert problems_of(shipped, broken) == [("tra_ket_qua", "trạng thái Cổng DVC quốc gia '11' không có (1-10)")]


def test_the_panel_offers_the_lanes_with_a_role_the_forms_and_the_national_statuses(shipped):
    choices = shipped.designer.choices()
    assert {"value": "Lãnh đạo Sở", "label": "Lãnh đạo Sở (Lãnh đạo Sở)"} in choices["roles"]
    assert {"value": "tham_dinh", "label": "Thẩm định hồ sơ (tham_dinh)"} in choices["forms"]
    assert len(choices["forms"]) == len(list((PROCESSES / "forms").glob("*.json")))
    assert choices["statuses"][8] == {"value": "9", "label": "9 · Đã xử lý xong"}


def test_a_procedure_not_designed_yet_opens_on_a_template_calling_the_shared_activities(services):
    workspace = services.designer.workspace("x_quang_y_te")  # nothing deployed
    assert (workspace.number, workspace.file_name) == (0, "x_quang_y_te.bpmn")
    assert 'calledElement="chung_tiep_nhan"' in workspace.xml and 'id="x_quang_y_te"' in workspace.xml
    deploy_shipped(services)
    assert {"value": "chung_bo_sung", "label": "Bổ sung hồ sơ trong khi thẩm định (dùng chung) (chung_bo_sung)"} in (
        services.designer.choices()["called"]
    )
