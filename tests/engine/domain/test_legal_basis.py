"""Legal bases as data files (processes/legal/*.yaml): the shipped ones, the one in force on a day, and the errors a
broken file gets (naming the file and the field)."""

from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from engine.domain.clock import VN_TZ
from engine.domain.errors import ValidationError
from engine.domain.legal_basis import FORM_MEANINGS, RULES
from engine.domain.legal_basis_data import SHIPPED_LEGAL_DIR, load_legal_bases


def test_the_shipped_bases_are_nd61_then_nd118_from_1_july_2025():
    bases = load_legal_bases()
    assert [(b.id, b.effective_from, b.form_set.id) for b in bases.bases] == [
        ("nd61-2018", date(2018, 6, 21), "tt01-2018"),
        ("nd118-2025", date(2025, 7, 1), "tt03-2025"),
    ]
    assert bases.in_force(datetime(2025, 6, 30, 23, 59, tzinfo=VN_TZ)).id == "nd61-2018"
    # 01/7/2025 00:00 in Vietnam is still 30/6 in UTC: the day is read in Vietnam time
    assert bases.in_force(datetime(2025, 7, 1, 0, 0, tzinfo=VN_TZ)).id == "nd118-2025"
    assert bases.in_force(date(2026, 12, 7)).id == "nd118-2025"


def test_every_rule_of_every_basis_cites_its_source_or_says_it_was_not_found():
    for basis in load_legal_bases().bases:
        assert set(basis.rules) == set(RULES)
        for name, rule in basis.rules.items():
            assert "Điều" in rule.source or "không tìm thấy" in rule.source, (basis.id, name)
        assert set(basis.form_set.forms) == set(FORM_MEANINGS)


def test_the_2025_set_renumbers_the_forms_by_meaning():
    bases = load_legal_bases()
    old, new = bases.get("nd61-2018").form_set, bases.get("nd118-2025").form_set
    assert old.form("control_slip").number == "05" and new.form("control_slip").number == "06"
    assert old.form("register").number == "06" and new.form("register").number == "07"
    assert old.form("stop_notice").number is None and new.form("stop_notice").number == "05"
    assert new.form("apology").title == "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
    assert old.by_name("mau_05").meaning == "control_slip" and new.by_name("mau_05").meaning == "stop_notice"
    assert bases.meaning("mau_04") == "apology"  # the same in both sets: letters named so before keep their meaning
    assert bases.meaning("mau_05") is None  # differs between sets
    assert bases.meaning("apology") == "apology" and bases.meaning("mau_99") is None


def _copy(tmp_path: Path, change) -> Path:
    for source in SHIPPED_LEGAL_DIR.glob("*.yaml"):
        entry = yaml.safe_load(source.read_text(encoding="utf-8"))
        if entry["id"] == "nd118-2025":
            change(entry)
        (tmp_path / source.name).write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "change, named",
    [
        (lambda e: e["rules"]["max_extensions"].pop("source"), r"rules\.max_extensions: .*cites its source"),
        (lambda e: e["rules"].update(channels={"value": ["fax"], "source": "x"}), r"rules\.channels\.value"),
        (lambda e: e["form_set"]["forms"].pop("stop_notice"), r"missing meanings: stop_notice"),
        (lambda e: e["form_set"]["forms"].update(lời_chào={}), r"form_set\.forms\.lời_chào: unknown meaning"),
        (lambda e: e.update(effective_from="01/7/2025"), r"effective_from: expected a date"),
        (lambda e: e.update(effective_from=date(2018, 6, 21)), r"nd\d+-\d+: .*same id or effective date as nd\d+-\d+"),
        (lambda e: e.update(id="nd118"), r"must be the file's name"),
        (lambda e: e.pop("name"), r"name: thiếu / missing"),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_field(tmp_path, change, named):
    folder = _copy(tmp_path, change)
    with pytest.raises(ValidationError, match=named) as caught:
        load_legal_bases(folder)
    assert str(folder) in str(caught.value)


def test_a_day_before_every_basis_and_an_empty_folder_are_refused(tmp_path):
    with pytest.raises(ValidationError, match="no legal basis files"):
        load_legal_bases(tmp_path)
    from engine.domain.legal_basis import LegalBasisError

    with pytest.raises(LegalBasisError, match="trước mọi căn cứ pháp lý"):
        load_legal_bases().in_force(date(2010, 1, 1))
