from datetime import date

import pytest

from engine.domain.dossier_code import format_code, parse_code


@pytest.mark.parametrize(
    "agency, day, seq, code",
    [
        ("H15.50.05.13", date(2026, 10, 8), 975, "H15.50.05.13-261008-0975"),
        ("000.00.00.H00", date(2026, 1, 2), 1, "000.00.00.H00-260102-0001"),
        ("H56", date(2025, 12, 31), 12345, "H56-251231-12345"),
    ],
)
def test_codes_round_trip(agency, day, seq, code):
    assert format_code(agency, day, seq) == code
    assert parse_code(code) == (agency, day, seq)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("H15-2610080975", "not a dossier code"),
        ("H15.50-261308-0001", "impossible date"),
        ("h15-261008-0001", "not a dossier code"),
    ],
)
def test_bad_codes_say_what_is_wrong(bad, message):
    with pytest.raises(ValueError, match=message):
        parse_code(bad)


@pytest.mark.parametrize("agency", ["", "H 15", "H15-50", "h15"])
def test_bad_agency_codes_are_refused(agency):
    with pytest.raises(ValueError, match="agency code"):
        format_code(agency, date(2026, 1, 1), 1)
