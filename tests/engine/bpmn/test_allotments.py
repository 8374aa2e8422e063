"""The deploy-time check that the allotments of a process's main path add up to its procedure's time limit."""

import pytest

from engine.bpmn.allotments import check_allotments, main_path_allotment
from engine.bpmn.parsing import parse_files
from engine.domain.errors import ProcessDefinitionError
from tests.conftest import PROCESSES

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="D" targetNamespace="http://t">'
)


def task(task_id: str, allotment: str | None = None, *, main_path: str | None = None, kind: str = "userTask") -> str:
    properties = "".join(
        f'<spiffworkflow:property name="{name}" value="{value}" />'
        for name, value in (("allotment", allotment), ("main_path", main_path))
        if value is not None
    )
    extensions = (
        f"<bpmn:extensionElements><spiffworkflow:properties>{properties}</spiffworkflow:properties>"
        "</bpmn:extensionElements>"
        if properties
        else ""
    )
    return f'<bpmn:{kind} id="{task_id}">{extensions}</bpmn:{kind}>'


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    body = (
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{condition}</bpmn:conditionExpression>'
    )
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">{body if condition else ""}'
        "</bpmn:sequenceFlow>"
    )


def chain(*ids: str, prefix: str = "f") -> str:
    """Sequence flows start -> ids... -> end."""
    nodes = ("start", *ids, "end")
    return "".join(flow(f"{prefix}{i}", a, b) for i, (a, b) in enumerate(zip(nodes, nodes[1:], strict=False)))


def process(pid: str, *parts: str) -> str:
    body = '<bpmn:startEvent id="start" /><bpmn:endEvent id="end" />' + "".join(parts)
    return f'{HEADER}<bpmn:process id="{pid}" isExecutable="true">{body}</bpmn:process></bpmn:definitions>'


def parsed(pid: str, *parts: str, extra: dict[str, str] | None = None):
    files = {f"{pid}.bpmn": process(pid, *parts).encode()}
    return parse_files(files, {k: v.encode() for k, v in (extra or {}).items()})[pid]


THREE_STEPS = (task("tiep_nhan", "0.5d"), task("tham_dinh", "2d"), task("tra_ket_qua", "0.5d"))


def test_a_three_task_main_path_adding_up_passes():
    three = parsed("ba_buoc", *THREE_STEPS, chain("tiep_nhan", "tham_dinh", "tra_ket_qua"))

    assert main_path_allotment(three.spec) == [
        ("tiep_nhan", 0.5, "wd"),
        ("tham_dinh", 2.0, "wd"),
        ("tra_ket_qua", 0.5, "wd"),
    ]
    assert check_allotments(three, (3, "wd")) == []


def test_a_wrong_sum_is_refused_naming_file_process_and_numbers():
    three = parsed("ba_buoc", *THREE_STEPS, chain("tiep_nhan", "tham_dinh", "tra_ket_qua"))

    assert check_allotments(three, (4, "wd")) == [
        (
            "ba_buoc.bpmn",
            "ba_buoc",
            "allotments on the main path add up to 3 working days (0.5 + 2 + 0.5), but the procedure's time limit "
            "is 4 working days; tasks counted: tiep_nhan, tham_dinh, tra_ket_qua",
        )
    ]


def test_the_message_sums_the_example_split_of_the_x_ray_licence():
    ids = ["mot_cua", "phan_cong", "tham_dinh", "xem_xet", "ky", "van_thu", "tra"]
    amounts = ["0.5d", "0.5d", "6d", "1d", "1.5d", "0.5d", "0.5d"]
    x_ray = parsed("x", *(task(i, a) for i, a in zip(ids, amounts, strict=True)), chain(*ids))

    [(file, element, message)] = check_allotments(x_ray, (11, "wd"))

    assert (file, element) == ("x.bpmn", "x")
    assert message.startswith(
        "allotments on the main path add up to 10.5 working days (0.5 + 0.5 + 6 + 1 + 1.5 + 0.5 + 0.5), "
        "but the procedure's time limit is 11 working days"
    )


def test_no_allotment_at_all_says_so():
    bare = parsed("bare", task("a"), chain("a"))

    [(_, _, message)] = check_allotments(bare, (1, "wd"))

    assert "add up to 0 working days (no task on the main path carries an allotment)" in message


SIDE_PATHS = (
    task("tiep_nhan", "0.5d"),
    '<bpmn:exclusiveGateway id="du_ho_so" default="f_du" />',
    task("bo_sung", "3d", main_path="false"),
    task("tham_dinh", "2d"),
    '<bpmn:exclusiveGateway id="dat" default="f_dat" />',
    task("tu_choi", "1d", main_path="false"),
    '<bpmn:endEvent id="end_tu_choi" />',
    task("ky", "0.5d"),
    flow("f0", "start", "tiep_nhan"),
    flow("f1", "tiep_nhan", "du_ho_so"),
    # The supplementation loops back to reception; listed first, so only main_path=false keeps it off the path.
    flow("f_thieu", "du_ho_so", "bo_sung", "not du"),
    flow("f_bs", "bo_sung", "tiep_nhan"),
    flow("f_du", "du_ho_so", "tham_dinh"),
    flow("f2", "tham_dinh", "dat"),
    flow("f_khong_dat", "dat", "tu_choi", "not dat"),
    flow("f_tc", "tu_choi", "end_tu_choi"),
    flow("f_dat", "dat", "ky"),
    flow("f3", "ky", "end"),
)


def test_side_path_tasks_marked_main_path_false_are_not_counted():
    with_sides = parsed("co_nhanh_phu", *SIDE_PATHS)

    assert [task_id for task_id, _, _ in main_path_allotment(with_sides.spec)] == ["tiep_nhan", "tham_dinh", "ky"]
    assert check_allotments(with_sides, (3, "wd")) == []


def branches(default: str | None) -> tuple[str, ...]:
    """A gateway with two branches that both reach the end: `nhanh` (1d) listed first, `cham` (2d) second."""
    attribute = f' default="{default}"' if default else ""
    return (
        task("tiep_nhan", "1d"),
        f'<bpmn:exclusiveGateway id="chon"{attribute} />',
        task("nhanh", "1d"),
        task("cham", "2d"),
        '<bpmn:exclusiveGateway id="gop" />',
        flow("f0", "start", "tiep_nhan"),
        flow("f1", "tiep_nhan", "chon"),
        flow("f_nhanh", "chon", "nhanh", "khan" if default != "f_nhanh" else None),
        flow("f_cham", "chon", "cham", "not khan" if default != "f_cham" else None),
        flow("f2", "nhanh", "gop"),
        flow("f3", "cham", "gop"),
        flow("f4", "gop", "end"),
    )


@pytest.mark.parametrize(
    ("default", "counted"),
    [("f_cham", ["tiep_nhan", "cham"]), ("f_nhanh", ["tiep_nhan", "nhanh"]), (None, ["tiep_nhan", "nhanh"])],
    ids=["default-second", "default-first", "no-default-first-flow"],
)
def test_a_gateway_follows_its_default_flow_else_the_first_flow(default, counted):
    gateway = parsed("re_nhanh", *branches(default))

    assert [task_id for task_id, _, _ in main_path_allotment(gateway.spec)] == counted


def test_a_gateway_without_default_skips_a_first_flow_that_cannot_reach_the_end():
    parts = (
        task("tiep_nhan", "1d"),
        '<bpmn:exclusiveGateway id="chon" />',
        task("tu_choi", "1d", main_path="false"),
        '<bpmn:endEvent id="end_tu_choi" />',
        task("tham_dinh", "4d"),
        flow("f0", "start", "tiep_nhan"),
        flow("f1", "tiep_nhan", "chon"),
        flow("f_tc", "chon", "tu_choi", "not dat"),
        flow("f_tc2", "tu_choi", "end_tu_choi"),
        flow("f_td", "chon", "tham_dinh", "dat"),
        flow("f2", "tham_dinh", "end"),
    )

    assert check_allotments(parsed("bo_qua", *parts), (5, "wd")) == []


def test_tasks_after_a_boundary_event_are_not_on_the_main_path():
    demo = parse_files({"quy_trinh_mau.bpmn": (PROCESSES / "quy_trinh_mau.bpmn").read_bytes()})["quy_trinh_mau"]

    assert [task_id for task_id, _, _ in main_path_allotment(demo.spec)] == [
        "tiep_nhan",
        "phan_cong",
        "tham_dinh",
        "ky_duyet",
        "ban_hanh",
    ]
    assert check_allotments(demo, (4.5, "wd")) == []


SHARED = process("ky_ban_hanh", task("ky", "1d"), task("ban_hanh", "0.5d"), chain("ky", "ban_hanh"))


def test_a_call_activity_counts_the_main_path_of_the_called_process():
    caller = parsed(
        "goi",
        task("tiep_nhan", "0.5d"),
        '<bpmn:callActivity id="ky_chung" calledElement="ky_ban_hanh" />',
        chain("tiep_nhan", "ky_chung"),
        extra={"ky_ban_hanh.bpmn": SHARED},
    )

    assert main_path_allotment(caller.spec, caller.subprocess_specs) == [
        ("tiep_nhan", 0.5, "wd"),
        ("ky_chung/ky", 1.0, "wd"),
        ("ky_chung/ban_hanh", 0.5, "wd"),
    ]
    assert check_allotments(caller, (2, "wd")) == []
    [(_, _, message)] = check_allotments(caller, (3, "wd"))
    assert "add up to 2 working days (0.5 + 1 + 0.5)" in message


def test_a_call_activity_with_its_own_allotment_counts_that_instead():
    caller = parsed(
        "goi",
        task("tiep_nhan", "0.5d"),
        task("ky_chung", "2d", kind="callActivity").replace(
            'id="ky_chung"', 'id="ky_chung" calledElement="ky_ban_hanh"'
        ),
        chain("tiep_nhan", "ky_chung"),
        extra={"ky_ban_hanh.bpmn": SHARED},
    )

    assert main_path_allotment(caller.spec, caller.subprocess_specs) == [
        ("tiep_nhan", 0.5, "wd"),
        ("ky_chung", 2, "wd"),
    ]


@pytest.mark.parametrize(
    ("allotments", "limit"),
    [(("4h", "0.5d", "1d"), (2, "wd")), (("1h", "0.5d", "3h"), (8, "wh")), (("20cd", "30cd", "10cd"), (60, "d"))],
    ids=["hours-into-days", "days-into-hours", "calendar-days"],
)
def test_units_convert_at_eight_hours_a_day(allotments, limit):
    ids = ("a", "b", "c")
    mixed = parsed("tron", *(task(i, a) for i, a in zip(ids, allotments, strict=True)), chain(*ids))

    assert check_allotments(mixed, limit) == []


def test_converted_terms_show_their_original_unit():
    mixed = parsed("tron", task("a", "4h"), task("b", "1d"), chain("a", "b"))

    [(_, _, message)] = check_allotments(mixed, (2, "wd"))

    assert "add up to 1.5 working days (0.5 (4h) + 1)" in message


def test_calendar_days_do_not_add_up_with_working_days():
    mixed = parsed("hoi_dong", task("xet_chon", "30cd"), task("ky", "2d"), chain("xet_chon", "ky"))

    problems = check_allotments(mixed, (60, "d"))

    assert problems == [
        (
            "hoi_dong.bpmn",
            "hoi_dong",
            "task 'ky' has an allotment of 2 working days but the procedure's time limit is 60 calendar days: "
            "calendar days only add up with calendar days",
        )
    ]
    assert check_allotments(parsed("hoi_dong", task("xet_chon", "30cd"), chain("xet_chon")), (30, "wd"))


def test_an_unreadable_allotment_names_the_task():
    bad = parsed("sai", task("a", "6 ngay"), chain("a"))

    with pytest.raises(ProcessDefinitionError) as refused:
        main_path_allotment(bad.spec)

    [(file, element, message)] = refused.value.problems
    assert (file, element) == ("sai.bpmn", "a")
    assert "invalid time allotment '6 ngay'" in message
    assert check_allotments(bad, (6, "wd")) == refused.value.problems


def test_no_path_to_a_normal_end_is_a_problem():
    blocked = parsed("chan", task("a", "1d", main_path="false"), chain("a"))

    [(file, element, message)] = check_allotments(blocked, (1, "wd"))

    assert (file, element) == ("chan.bpmn", "chan")
    assert message.startswith("no main path")


def test_hours_per_day_follows_the_calendar_setting():
    mixed = parsed("tron", task("a", "3.75h"), task("b", "0.5d"), chain("a", "b"))

    assert check_allotments(mixed, (1, "wd"), hours_per_day=7.5) == []
