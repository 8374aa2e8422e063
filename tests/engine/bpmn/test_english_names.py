"""English names of the steps, carried in the BPMN as the `name_en` property (engine.bpmn.english_names)."""

import re
from pathlib import Path

from lxml import etree

from engine.bpmn.english_names import english_names

PROCESSES = Path(__file__).resolve().parents[3] / "processes"
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
STEPS = ("userTask", "callActivity", "subProcess", "manualTask")


def _file(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">'
        f'<bpmn:process id="p" isExecutable="true">{body}</bpmn:process></bpmn:definitions>'
    )


def _task(task_id: str, name: str, english: str | None) -> str:
    properties = (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="name_en" value="{english}" />'
        '<spiffworkflow:property name="form" value="tra_ket_qua" />'
        "</spiffworkflow:properties></bpmn:extensionElements>"
        if english is not None
        else ""
    )
    return f'<bpmn:userTask id="{task_id}" name="{name}">{properties}</bpmn:userTask>'


def test_a_step_s_english_name_is_read_by_its_vietnamese_name_as_pages_show_it():
    xml = _file(
        _task("a", "Trả   kết\n quả", "Return  the result")
        + _task("b", "Thẩm định hồ sơ", None)
        + _task("c", "Ký giấy phép", "  ")
    )

    assert english_names({"p.bpmn": xml}) == {"Trả kết quả": "Return the result"}


def test_where_two_files_differ_the_one_read_last_wins():
    first, second = _file(_task("a", "Trả kết quả", "Return the result")), _file(_task("a", "Trả kết quả", "Hand over"))

    assert english_names({"1.bpmn": first, "2.bpmn": second}) == {"Trả kết quả": "Hand over"}


def test_every_step_of_the_shipped_procedures_carries_an_english_name():
    sources = {path.name: path.read_text("utf-8") for path in PROCESSES.glob("*.bpmn")}
    names = english_names(sources)
    steps = {
        " ".join(element.get("name").split())
        for text in sources.values()
        for element in etree.fromstring(text.encode("utf-8")).iter()
        if isinstance(element.tag, str) and etree.QName(element).localname in STEPS and element.get("name")
    }
    assert steps and steps <= set(names), sorted(steps - set(names))
    assert not [english for english in names.values() if VIETNAMESE.search(english)]
