"""The working-day calendar, on real 2025 and 2026 dates. Expected values are worked out by hand from the announced
calendars (DOMAIN.md, "Working-day calendar"), not from the code."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from engine.domain.calendar import OfficeHours, Override, WorkingCalendar
from engine.domain.calendar_data import SHIPPED_OVERRIDES_FILE, load_overrides
from engine.domain.clock import VN_TZ
from engine.domain.deadlines import parse_allotment
from engine.domain.errors import ValidationError


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar(load_overrides(SHIPPED_OVERRIDES_FILE), cutoff=time(15, 0))


# -- which days are worked -------------------------------------------------------------------------------------------

DAYS = [
    # day, working?, reason contains, source
    (date(2025, 1, 1), False, "Tết Dương lịch", "holidays"),
    (date(2025, 1, 24), True, "", ""),
    (date(2025, 1, 25), False, "Thứ Bảy", "weekend"),
    (date(2025, 1, 27), False, "29 Tết", "holidays"),
    (date(2025, 1, 28), False, "Giao thừa", "holidays"),
    (date(2025, 1, 29), False, "Tết Nguyên Đán", "holidays"),
    (date(2025, 1, 31), False, "Mùng ba", "holidays"),
    (date(2025, 2, 1), False, "Mùng bốn", "holidays"),
    (date(2025, 2, 2), False, "Chủ Nhật", "weekend"),
    (date(2025, 2, 3), True, "", ""),
    (date(2025, 4, 7), False, "Giỗ Tổ Hùng Vương", "holidays"),
    (date(2025, 4, 26), True, "Làm bù cho ngày nghỉ 02/05/2025", "holidays"),
    (date(2025, 4, 30), False, "Ngày Chiến thắng", "holidays"),
    (date(2025, 5, 1), False, "Lao động", "holidays"),
    (date(2025, 5, 2), False, "thay cho ngày 26/04/2025", "holidays"),
    (date(2025, 9, 1), False, "Quốc khánh", "holidays"),
    (date(2025, 9, 2), False, "Quốc khánh", "holidays"),
    (date(2025, 9, 3), True, "", ""),
    (date(2026, 1, 1), False, "Tết Dương lịch", "holidays"),
    (date(2026, 1, 2), False, "nghỉ Thứ Sáu 02/01/2026", "shipped"),
    (date(2026, 1, 10), True, "làm bù Thứ Bảy 10/01/2026", "shipped"),
    (date(2026, 2, 13), True, "", ""),
    (date(2026, 2, 14), False, "Thứ Bảy", "weekend"),
    *[(date(2026, 2, d), False, "Tết", "holidays") for d in range(16, 21)],
    (date(2026, 2, 22), False, "Chủ Nhật", "weekend"),
    (date(2026, 2, 23), True, "", ""),
    (date(2026, 4, 26), False, "Giỗ Tổ Hùng Vương", "holidays"),
    (date(2026, 4, 27), False, "nghỉ bù", "holidays"),
    (date(2026, 4, 28), True, "", ""),
    (date(2026, 4, 30), False, "Ngày Chiến thắng", "holidays"),
    (date(2026, 5, 1), False, "Lao động", "holidays"),
    (date(2026, 8, 22), True, "Làm bù cho ngày nghỉ 31/08/2026", "holidays"),
    (date(2026, 8, 31), False, "thay cho ngày 22/08/2026", "holidays"),
    (date(2026, 9, 1), False, "Quốc khánh", "holidays"),
    (date(2026, 9, 2), False, "Quốc khánh", "holidays"),
    (date(2026, 9, 3), True, "", ""),
]


@pytest.mark.parametrize(("day", "working", "reason", "source"), DAYS, ids=[str(row[0]) for row in DAYS])
def test_day_info(cal, day, working, reason, source):
    got_working, got_reason, got_source = cal.day_info(day)
    assert (got_working, got_source) == (working, source)
    assert reason in got_reason
    assert cal.is_working_day(day) is working


def test_year_exceptions_2025(cal):
    got = [(day, kind) for day, kind, _, _ in cal.year_exceptions(2025)]
    off = [(1, 1), (1, 27), (1, 28), (1, 29), (1, 30), (1, 31), (4, 7), (4, 30), (5, 1), (5, 2), (9, 1), (9, 2)]
    expected = sorted([(date(2025, m, d), "off") for m, d in off] + [(date(2025, 4, 26), "work")])
    assert got == expected


def test_year_exceptions_2026_has_the_announced_swaps(cal):
    got = {day: (kind, source) for day, kind, _, source in cal.year_exceptions(2026)}
    assert [day for day, (kind, _) in got.items() if kind == "work"] == [date(2026, 1, 10), date(2026, 8, 22)]
    announced_off = [
        (1, 1),
        (1, 2),
        (2, 16),
        (2, 17),
        (2, 18),
        (2, 19),
        (2, 20),
        (4, 27),
        (4, 30),
        (5, 1),
        (8, 31),
        (9, 1),
        (9, 2),
    ]
    assert all(got[date(2026, m, d)][0] == "off" for m, d in announced_off)
    assert got[date(2026, 1, 2)] == ("off", "shipped")
    assert list(got) == sorted(got)


def test_admin_overrides_win_over_shipped_ones_and_the_package():
    shipped = load_overrides(SHIPPED_OVERRIDES_FILE)
    admin = [
        Override(date(2026, 1, 2), "work", "Tỉnh không áp dụng hoán đổi"),
        Override(date(2026, 4, 27), "work", "Thử nghiệm"),
        Override(date(2026, 3, 4), "off", "Bầu cử"),
    ]
    cal = WorkingCalendar(admin + shipped)  # order must not matter
    assert cal.day_info(date(2026, 1, 2)) == (True, "Tỉnh không áp dụng hoán đổi", "admin")
    assert cal.day_info(date(2026, 4, 27)) == (True, "Thử nghiệm", "admin")
    assert cal.day_info(date(2026, 3, 4)) == (False, "Bầu cử", "admin")
    assert cal.day_info(date(2026, 1, 10))[2] == "shipped"


# -- deadline arithmetic ---------------------------------------------------------------------------------------------

ARITHMETIC = [
    # start, amount, unit, before, expected, why
    (at(2026, 2, 13, 16, 55), 1, "wh", False, at(2026, 2, 23, 8, 25), "Friday before Tết 2026: 5 min, then 55 min"),
    (at(2026, 2, 10, 9), 11, "wd", False, at(2026, 3, 4, 9), "11 days across Tết 2026"),
    (at(2025, 4, 24, 14), 11, "wd", False, at(2025, 5, 13, 14), "across 30/4-2/5/2025, Sat 26/4 worked"),
    (at(2025, 1, 24, 16), 2, "wh", False, at(2025, 2, 3, 8, 30), "across Tết 2025 (25/1-2/2)"),
    (at(2026, 3, 2, 9), 0.5, "wd", False, at(2026, 3, 2, 14, 30), "half a day = 4 working hours"),
    (at(2026, 3, 2, 7, 30), 0.5, "wd", False, at(2026, 3, 2, 11, 30), "a morning"),
    (at(2026, 3, 2, 15), 1.5, "wd", False, at(2026, 3, 4, 9, 30), "a day then 4 hours"),
    (at(2026, 3, 2, 7, 30), 1, "wd", False, at(2026, 3, 2, 17), "Tue 07:30 is written Mon 17:00"),
    (at(2026, 3, 2, 13), 1, "wd", False, at(2026, 3, 3, 11, 30), "Tue 13:00 is written Tue 11:30"),
    (at(2026, 3, 2, 9, 30), 2, "wh", False, at(2026, 3, 2, 11, 30), "11:30, not 13:00"),
    (at(2026, 2, 27, 15), 2, "wh", False, at(2026, 2, 27, 17), "Fri 17:00, not Mon 07:30"),
    (at(2026, 3, 6, 17), 1, "wd", False, at(2026, 3, 9, 17), "from a close"),
    (at(2026, 3, 2, 12), 1, "wh", False, at(2026, 3, 2, 14), "lunch break: counting starts at 13:00"),
    (at(2026, 3, 2, 12), 1, "wd", False, at(2026, 3, 3, 11, 30), "lunch break, one day"),
    (at(2026, 3, 2, 12), 0.5, "wd", False, at(2026, 3, 2, 17), "lunch break, half a day"),
    (at(2026, 2, 28, 10), 1, "wd", False, at(2026, 3, 2, 17), "Saturday: counting starts Monday 07:30"),
    (at(2026, 2, 28, 10), 1, "wh", False, at(2026, 3, 2, 8, 30), "Saturday, one hour"),
    (at(2026, 3, 2, 18), 1, "wh", False, at(2026, 3, 3, 8, 30), "evening"),
    (at(2026, 4, 29, 18), 1, "wh", False, at(2026, 5, 4, 8, 30), "evening before 30/4-1/5/2026"),
    (at(2026, 1, 9, 16, 30), 1, "wh", False, at(2026, 1, 10, 8), "make-up Saturday 10/1/2026 is worked"),
    (at(2026, 1, 2, 9), 1, "wd", False, at(2026, 1, 5, 17), "Fri 2/1/2026 is off"),
    (at(2026, 4, 24, 10), 1, "wd", False, at(2026, 4, 28, 10), "Mon 27/4/2026 substitute day off"),
    (at(2025, 4, 4, 10), 1, "wd", False, at(2025, 4, 8, 10), "Hùng Kings 7/4/2025"),
    (at(2026, 8, 28, 10), 1, "wd", False, at(2026, 9, 3, 10), "31/8, 1/9, 2/9/2026 off"),
    (at(2026, 8, 21, 10), 1, "wd", False, at(2026, 8, 22, 10), "Sat 22/8/2026 is worked"),
    (at(2025, 8, 29, 10), 1, "wd", False, at(2025, 9, 3, 10), "1/9 and 2/9/2025 off"),
    (at(2026, 3, 2, 10), 0, "wd", False, at(2026, 3, 2, 10), "zero keeps the start"),
    (at(2026, 2, 28, 10), 0, "wh", False, at(2026, 2, 28, 10), "zero keeps the start, even off hours"),
    # calendar days: from the day after, to 17:00 of the last day, or of the next working day
    (at(2026, 3, 2, 10), 7, "d", False, at(2026, 3, 9, 17), "a week"),
    (at(2026, 2, 6, 10), 10, "d", False, at(2026, 2, 23, 17), "ends on Tết 16/2/2026"),
    (at(2026, 3, 5, 10), 2, "d", False, at(2026, 3, 9, 17), "ends on a Saturday"),
    (at(2026, 1, 7, 10), 3, "d", False, at(2026, 1, 10, 17), "ends on the worked Saturday 10/1/2026"),
    (at(2026, 4, 1, 10), 30, "d", False, at(2026, 5, 4, 17), "ends on 1/5/2026"),
    (at(2026, 2, 28, 10), 1, "d", False, at(2026, 3, 2, 17), "received on Saturday"),
    # before=True mirrors addition
    (at(2026, 3, 3, 10), 1, "wd", True, at(2026, 3, 2, 10), "same time, previous working day"),
    (at(2026, 3, 6, 17), 1, "wd", True, at(2026, 3, 5, 17), "17:00 Friday -> 17:00 Thursday"),
    (at(2026, 2, 23, 10), 1, "wd", True, at(2026, 2, 13, 10), "back across Tết 2026"),
    (at(2026, 2, 23, 8, 25), 1, "wh", True, at(2026, 2, 13, 16, 55), "mirror of the Friday-before-Tết case"),
    (at(2026, 3, 4, 9), 11, "wd", True, at(2026, 2, 10, 9), "mirror of 11 days across Tết"),
    (at(2026, 3, 2, 7, 30), 1, "wd", True, at(2026, 2, 26, 17), "Mon 07:30 = Fri 17:00, minus a day"),
    (at(2026, 3, 2, 15), 2, "wh", True, at(2026, 3, 2, 11, 30), "13:00 is written 11:30"),
    (at(2026, 3, 2, 17), 0.5, "wd", True, at(2026, 3, 2, 11, 30), "an afternoon"),
    (at(2026, 3, 7, 10), 1, "wh", True, at(2026, 3, 6, 16), "Saturday: counting back starts Friday 17:00"),
    (at(2026, 3, 2, 12), 1, "wh", True, at(2026, 3, 2, 10, 30), "lunch break: counting back starts at 11:30"),
    (at(2026, 1, 12, 10), 1, "wd", True, at(2026, 1, 10, 10), "back onto the worked Saturday"),
    (at(2026, 3, 9, 17), 7, "d", True, at(2026, 3, 2, 17), "calendar days back"),
    (at(2026, 3, 2, 10), 10, "d", True, at(2026, 2, 13, 17), "lands on Tết 20/2/2026: previous working day"),
]


@pytest.mark.parametrize(
    ("start", "amount", "unit", "before", "expected", "why"), ARITHMETIC, ids=[row[-1] for row in ARITHMETIC]
)
def test_add(cal, start, amount, unit, before, expected, why):
    got = cal.add(start, amount, unit, before=before)
    assert got == expected
    assert got.tzinfo == VN_TZ and got.isoformat() == expected.isoformat()


def test_named_helpers_match_add(cal):
    start = at(2026, 3, 2, 9)
    assert cal.add_working_days(start, 2) == cal.add(start, 2, "wd")
    assert cal.add_working_hours(start, 3, before=True) == cal.add(start, 3, "wh", before=True)
    assert cal.add_calendar_days(start, 3) == cal.add(start, 3, "d")


STEP_DEADLINES = [
    # start, amount, unit, expected, why
    (at(2026, 3, 2, 9), 3, "d", at(2026, 3, 5, 17), "Thursday is worked: its close, as add()"),
    (at(2026, 3, 2, 9), 5, "d", at(2026, 3, 6, 17), "Saturday 7/3 is off: back to Friday's close"),
    (at(2026, 3, 2, 9), 6, "d", at(2026, 3, 6, 17), "Sunday 8/3 is off: back to Friday's close"),
    (at(2026, 4, 24, 10), 6, "d", at(2026, 4, 29, 17), "Thu 30/4 is a holiday: back to Wednesday 29/4"),
    (at(2026, 4, 27, 10), 4, "d", at(2026, 4, 29, 17), "Fri 1/5 is off and so is Thu 30/4: back to Wed 29/4"),
    (at(2026, 3, 7, 10), 0, "d", at(2026, 3, 7, 10), "0 days: the start"),
    (at(2026, 3, 2, 9), 2, "wd", at(2026, 3, 4, 9), "working days: as add()"),
]


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected", "why"), STEP_DEADLINES, ids=[r[4] for r in STEP_DEADLINES]
)
def test_step_deadline_rolls_calendar_days_back_to_a_working_day(cal, start, amount, unit, expected, why):
    assert cal.step_deadline(start, amount, unit) == expected, why
    if unit == "d" and amount:
        assert cal.step_deadline(start, amount, unit) <= cal.add(start, amount, unit)


def test_a_step_deadline_is_never_before_its_start(cal):
    # Saturday 9:00 + 1 calendar day is Sunday, off; the working day before it (Friday) is before the start.
    start = at(2026, 3, 7, 9)
    assert cal.step_deadline(start, 1, "d") == cal.add(start, 1, "d") == at(2026, 3, 9, 17)


def test_moments_in_other_time_zones_are_read_and_returned_in_vietnam_time(cal):
    start = datetime(2026, 2, 13, 9, 55, tzinfo=UTC)  # 16:55 in Hà Nội
    assert cal.add(start, 1, "wh").isoformat() == "2026-02-23T08:25:00+07:00"


def _moments_in_office_hours():
    """Moments inside office hours on every third day of 2025-2026, openings excluded (closes included)."""
    day = date(2025, 1, 1)
    while day.year < 2027:
        for hh, mm in ((7, 31), (9, 0), (11, 30), (13, 1), (15, 45), (17, 0)):
            yield at(day.year, day.month, day.day, hh, mm)
        day += timedelta(days=3)


@pytest.mark.parametrize(
    ("amount", "unit"), [(1, "wd"), (11, "wd"), (0.5, "wd"), (1.5, "wd"), (1, "wh"), (3.25, "wh"), (30, "wd")]
)
def test_subtracting_undoes_adding(cal, amount, unit):
    for start in _moments_in_office_hours():
        if not cal.is_working_day(start.date()):
            continue
        later = cal.add(start, amount, unit)
        assert cal.add(later, amount, unit, before=True) == start, (start, later)
        earlier = cal.add(start, amount, unit, before=True)
        assert cal.add(earlier, amount, unit) == start, (start, earlier)
        if unit == "wh":
            assert cal.working_time_between(start, later) == timedelta(hours=amount)


@pytest.mark.parametrize("opening", [at(2026, 3, 2, 7, 30), at(2026, 3, 2, 13), at(2026, 2, 23, 7, 30)])
def test_an_opening_comes_back_as_the_close_before_it(cal, opening):
    back = cal.add(cal.add(opening, 1, "wd"), 1, "wd", before=True)
    assert back < opening and cal.working_time_between(back, opening) == timedelta()


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (at(2026, 2, 13, 16, 55), at(2026, 2, 23, 8, 25), timedelta(hours=1)),
        (at(2026, 2, 23, 8, 25), at(2026, 2, 13, 16, 55), -timedelta(hours=1)),
        (at(2026, 3, 2, 10), at(2026, 3, 2, 14), timedelta(hours=2, minutes=30)),
        (at(2026, 3, 2, 7, 30), at(2026, 3, 6, 17), timedelta(hours=40)),
        (at(2026, 2, 14, 8), at(2026, 2, 22, 16), timedelta()),
    ],
)
def test_working_time_between(cal, start, end, expected):
    assert cal.working_time_between(start, end) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 2, 10), at(2026, 3, 2, 10)),
        (at(2026, 3, 2, 6), at(2026, 3, 2, 7, 30)),
        (at(2026, 3, 2, 11, 30), at(2026, 3, 2, 13)),
        (at(2026, 3, 2, 17), at(2026, 3, 3, 7, 30)),
        (at(2026, 2, 13, 17, 30), at(2026, 2, 23, 7, 30)),
    ],
)
def test_next_opening(cal, moment, expected):
    assert cal.next_opening(moment) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2026, 3, 2, 10), at(2026, 3, 2, 10)),
        (at(2026, 3, 2, 14, 59), at(2026, 3, 2, 14, 59)),
        (at(2026, 3, 2, 15), at(2026, 3, 3, 7, 30)),
        (at(2026, 3, 2, 15, 30), at(2026, 3, 3, 7, 30)),
        (at(2026, 3, 2, 12), at(2026, 3, 2, 13)),
        (at(2026, 3, 2, 6, 45), at(2026, 3, 2, 7, 30)),
        (at(2026, 3, 7, 9), at(2026, 3, 9, 7, 30)),
        (at(2026, 2, 13, 16), at(2026, 2, 23, 7, 30)),
    ],
)
def test_clock_start_with_a_15h_cutoff(cal, received, expected):
    assert cal.clock_start(received) == expected


def test_clock_start_without_cutoff_uses_the_office_hours():
    cal = WorkingCalendar()
    assert cal.clock_start(at(2026, 3, 2, 16, 30)) == at(2026, 3, 2, 16, 30)
    assert cal.clock_start(at(2026, 3, 2, 17)) == at(2026, 3, 3, 7, 30)


def test_custom_office_hours_and_hours_per_day():
    cal = WorkingCalendar(hours=OfficeHours(((time(8), time(12)), (time(13, 30), time(17, 30)))), hours_per_day=8)
    assert cal.add(at(2026, 3, 2, 8), 0.5, "wd") == at(2026, 3, 2, 12)
    assert cal.add(at(2026, 3, 2, 8), 1, "wd") == at(2026, 3, 2, 17, 30)
    assert cal.add(at(2026, 3, 2, 10), 3, "d") == at(2026, 3, 5, 17, 30)


# -- bad input -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.add(datetime(2026, 3, 2, 9), 1, "wd"), "naive datetime"),
        (lambda c: c.working_time_between(datetime(2026, 3, 2, 9), at(2026, 3, 2, 10)), "naive datetime"),
        (lambda c: c.add(at(2026, 3, 2, 9), 1, "days"), "unknown unit"),
        (lambda c: c.add(at(2026, 3, 2, 9), -1, "wd"), "before=True"),
        (lambda c: c.add(at(2026, 3, 2, 9), float("nan"), "wh"), "finite"),
        (lambda c: c.add(at(2026, 3, 2, 9), 1.5, "d"), "whole number"),
        (lambda c: WorkingCalendar(hours_per_day=0), "hours_per_day"),
        (lambda c: OfficeHours(((time(13), time(17)), (time(7, 30), time(11, 30)))), "in order"),
        (lambda c: Override(date(2026, 3, 2), "holiday", "x"), "'off' or 'work'"),
        (lambda c: Override(date(2026, 3, 2), "off", " "), "reason"),
        (lambda c: Override(date(2026, 3, 2), "off", "x", source="province"), "source"),
        (
            lambda c: WorkingCalendar(
                [Override(date(2026, 3, 2), "off", "a"), Override(date(2026, 3, 2), "work", "b")]
            ),
            "disagree",
        ),
    ],
)
def test_bad_input_is_refused_with_a_helpful_message(cal, call, message):
    with pytest.raises(ValueError, match=message):
        call(cal)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6d", (6.0, "wd")),
        ("0.5d", (0.5, "wd")),
        ("0,5d", (0.5, "wd")),
        (" 2D ", (2.0, "wd")),
        ("4h", (4.0, "wh")),
        ("30cd", (30.0, "d")),
        ("12 d", (12.0, "wd")),
    ],
)
def test_parse_allotment(text, expected):
    assert parse_allotment(text) == expected


@pytest.mark.parametrize("text", ["", "6", "d", "-1d", "6 days", "1.5cd", "1.5.2d", "abc", None])
def test_parse_allotment_refuses(text):
    with pytest.raises(ValueError, match=r"'6d'|whole"):
        parse_allotment(text)


# -- override files --------------------------------------------------------------------------------------------------


def test_the_shipped_file_holds_the_new_year_2026_swap():
    overrides = load_overrides(SHIPPED_OVERRIDES_FILE)
    assert {(o.day, o.kind, o.source) for o in overrides} >= {
        (date(2026, 1, 2), "off", "shipped"),
        (date(2026, 1, 10), "work", "shipped"),
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("overrides: [", "not valid YAML"),
        ("- day: 2026-01-02", "'overrides' list"),
        ("overrides:\n  - 2026-01-02", r"entry 1: entry: expected a mapping"),
        (
            "overrides:\n  - {day: 2026-01-02, kind: 'off', reason: x}\n  - {day: 2026-01-03, kind: off, reason: x}",
            r"entry 2: kind: got the boolean False: write \"off\"",
        ),
        ("overrides:\n  - {day: 2026-13-02, kind: 'off', reason: x}", r"entry 1: day: expected a date"),
        ("overrides:\n  - {day: 2026-01-02, kind: 'holiday', reason: x}", r"entry 1: kind: expected 'off' or 'work'"),
        ("overrides:\n  - {day: 2026-01-02, kind: 'off'}", r"entry 1: reason: missing key"),
        ("overrides:\n  - {day: 2026-01-02, kind: 'off', reason: ''}", r"entry 1: reason: a non-empty reason"),
        ("overrides:\n  - {day: 2026-01-02, kind: 'off', reason: x, province: HN}", r"entry 1: province: unknown key"),
        (
            "overrides:\n  - {day: 2026-01-02, kind: 'off', reason: x}\n"
            "  - {day: '2026-01-02', kind: 'work', reason: y}",
            r"entry 2: day: 2026-01-02 is already listed in entry 1",
        ),
    ],
)
def test_a_bad_override_file_names_the_file_entry_and_problem(tmp_path, body, message):
    path = tmp_path / "overrides.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValidationError, match=message) as raised:
        load_overrides(path)
    assert str(raised.value).startswith(str(path))


def test_an_admin_override_file(tmp_path):
    path = tmp_path / "ha_noi.yaml"
    path.write_text(
        "overrides:\n  - day: '2026-10-10'\n    kind: 'off'\n    reason: ' Giải phóng Thủ đô '\n", encoding="utf-8"
    )
    assert load_overrides(path, source="admin") == [Override(date(2026, 10, 10), "off", "Giải phóng Thủ đô", "admin")]
