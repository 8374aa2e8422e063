"""The difference of two versions of a BPMN file: elements added, removed and changed, with the changed properties."""

from engine.bpmn.diff import Change, diff_bpmn
from tests.conftest import PROCESSES

XRAY = (PROCESSES / "x_quang_y_te.bpmn").read_text("utf-8")


def by_id(diffs):
    return {d.element: d for d in diffs}


def test_the_same_file_has_no_difference_and_moving_shapes_is_not_a_change():
    assert diff_bpmn(XRAY, XRAY) == []
    moved = XRAY.replace('<dc:Bounds x="', '<dc:Bounds x="1', 3)
    assert moved != XRAY and diff_bpmn(XRAY, moved) == []


def test_changed_properties_are_listed_with_before_and_after():
    after = (
        XRAY.replace('name="allotment" value="6d"', 'name="allotment" value="5.5d"')
        .replace('name="Ký giấy phép"', 'name="Ký, đóng dấu giấy phép"')
        .replace("approved == False</bpmn:conditionExpression>", "not approved</bpmn:conditionExpression>", 1)
    )
    diffs = by_id(diff_bpmn(XRAY, after))
    assert set(diffs) == {"tham_dinh", "ky_duyet", "g_xx_tl"}
    assert diffs["tham_dinh"].kind == "changed" and diffs["tham_dinh"].type == "userTask"
    assert diffs["tham_dinh"].changes == [Change("thuộc tính allotment", "6d", "5.5d")]
    assert diffs["ky_duyet"].changes == [Change("name", "Ký giấy phép", "Ký, đóng dấu giấy phép")]
    assert diffs["g_xx_tl"].changes == [Change("điều kiện", "approved == False", "not approved")]


def test_added_and_removed_elements_and_a_task_moved_to_another_lane():
    after = XRAY.replace(
        '<bpmn:sequenceFlow id="g7" sourceRef="ban_hanh" targetRef="gq_end" />',
        '<bpmn:sequenceFlow id="g7" sourceRef="ban_hanh" targetRef="luu_tru" />'
        '<bpmn:userTask id="luu_tru" name="Lưu trữ hồ sơ" />'
        '<bpmn:sequenceFlow id="g8" sourceRef="luu_tru" targetRef="gq_end" />',
    ).replace('<bpmn:sequenceFlow id="g1" sourceRef="gq_start" targetRef="phan_cong" />', "")
    after = after.replace("<bpmn:flowNodeRef>xem_xet</bpmn:flowNodeRef>", "").replace(
        "<bpmn:flowNodeRef>ky_duyet</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>ky_duyet</bpmn:flowNodeRef><bpmn:flowNodeRef>xem_xet</bpmn:flowNodeRef>",
    )
    diffs = by_id(diff_bpmn(XRAY, after))
    assert (diffs["luu_tru"].kind, diffs["luu_tru"].name) == ("added", "Lưu trữ hồ sơ")
    assert diffs["g8"].kind == "added" and diffs["g1"].kind == "removed"
    assert diffs["g7"].changes == [Change("targetRef", "gq_end", "luu_tru")]
    assert diffs["xem_xet"].changes == [Change("làn", "Lãnh đạo phòng", "Lãnh đạo Sở")]
    assert list(diffs)[-1] == "g1"  # the removed ones come last
