"""The catalogue entry as the designer edits it: the form of an entry reads back as the same entry, the JSON kept in
the BPMN reads back as the same entry, and the changes between two entries are said in words."""

from dataclasses import replace

import pytest

from engine.domain.catalogue_data import load_catalogue
from engine.domain.catalogue_entry import entry_changes, entry_form, entry_from_form, entry_from_json, entry_json
from engine.domain.errors import ValidationError

CATALOGUE = load_catalogue()


@pytest.mark.parametrize("procedure", list(CATALOGUE), ids=lambda p: p.process)
def test_every_shipped_entry_reads_back_from_its_form_and_from_its_json(procedure):
    assert entry_from_form(entry_form(procedure), procedure) == procedure
    assert entry_from_json(entry_json(procedure)) == procedure


def test_the_form_reads_vietnamese_numbers_and_words():
    base = CATALOGUE.by_process("x_quang_y_te")
    form = entry_form(base) | {
        "time_limit_amount": "0,5",
        "fee": "1.500.000 đ",
        "documents": "Đơn đề nghị | 1 | 0 | bắt buộc\n\nBản sao giấy phép cũ | 0 | 1 | không bắt buộc",
        "channels": "online",
    }
    read = entry_from_form(form, base)
    assert (read.time_limit, read.fee, read.channels) == ((0.5, "wd"), 1500000, ("online",))
    assert [(d.name, d.originals, d.copies, d.required) for d in read.documents] == [
        ("Đơn đề nghị", 1, 0, True),
        ("Bản sao giấy phép cũ", 0, 1, False),
    ]
    assert (read.division, read.field, read.process) == (base.division, base.field, base.process)


def test_every_wrong_field_is_named_at_once():
    base = CATALOGUE.by_process("x_quang_y_te")
    form = entry_form(base) | {
        "name": "",
        "time_limit_amount": "1,5",
        "time_limit_unit": "d",
        "documents": "x | 0 | 0 | có",
    }
    with pytest.raises(ValidationError) as refused:
        entry_from_form(form, base)
    assert set(refused.value.fields) == {"name", "time_limit_amount", "documents"}
    assert "phải là số nguyên" in refused.value.fields["time_limit_amount"]
    assert "dòng 1: cần ít nhất một bản chính hoặc một bản sao" in refused.value.fields["documents"]


def test_the_changes_are_said_in_words():
    base = CATALOGUE.by_process("x_quang_y_te")
    changed = replace(base, time_limit=(8.0, "wh"), supplement_policy="pause")
    assert entry_changes(base, changed) == [
        ("Thời hạn giải quyết", "11 ngày làm việc", "8 giờ làm việc"),
        (
            "Khi bổ sung hồ sơ",
            "Tính lại thời hạn từ đầu khi nhận đủ hồ sơ bổ sung",
            "Tạm dừng thời hạn trong lúc chờ bổ sung",
        ),
    ]
    assert entry_changes(base, base) == []
