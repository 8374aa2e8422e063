"""Early, on time or late: for dossiers against their appointment, for steps against their allotment."""

from datetime import UTC, datetime

import pytest

from engine.domain.calendar import WorkingCalendar
from engine.domain.clock import VN_TZ
from engine.domain.timeliness import LABELS, classify, dossier_timeliness

CALENDAR = WorkingCalendar()


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


DUE = vn(2026, 3, 9, 8, 0)  # Monday 08:00

CLASSIFY = [
    # (end, due, started, calendar, expected, why)
    (DUE, DUE, None, None, "on_time", "exactly at the appointment"),
    (vn(2026, 3, 9, 8, 1), DUE, None, None, "late", "one minute after"),
    (vn(2026, 3, 9, 7, 30), DUE, None, None, "on_time", "earlier on the due day"),
    (vn(2026, 3, 6, 16, 59), DUE, None, None, "early", "the working day before"),
    (vn(2026, 3, 8, 10, 0), DUE, None, None, "early", "a weekend day before the due day"),
    (vn(2026, 3, 10, 7, 0), DUE, None, None, "late", "the next day"),
    # 06:30 in Vietnam is 23:30 UTC the day before: days are counted in Vietnam time.
    (datetime(2026, 3, 8, 23, 30, tzinfo=UTC), DUE, None, None, "on_time", "same Vietnam day, earlier UTC day"),
    (vn(2026, 3, 9, 9, 0), datetime(2026, 3, 9, 2, 0, tzinfo=UTC), None, None, "on_time", "due given in UTC"),
    # A 4-hour step started Monday 2/3 08:00 is due 13:30 (11:30 + 0.5 h after lunch).
    (vn(2026, 3, 2, 9, 30), vn(2026, 3, 2, 13, 30), vn(2026, 3, 2, 8, 0), CALENDAR, "early", "2.5 of 4 h left"),
    (vn(2026, 3, 2, 10, 0), vn(2026, 3, 2, 13, 30), vn(2026, 3, 2, 8, 0), CALENDAR, "early", "exactly half left"),
    (vn(2026, 3, 2, 10, 30), vn(2026, 3, 2, 13, 30), vn(2026, 3, 2, 8, 0), CALENDAR, "on_time", "1.5 of 4 h left"),
    (vn(2026, 3, 2, 12, 0), vn(2026, 3, 2, 13, 30), vn(2026, 3, 2, 8, 0), CALENDAR, "on_time", "lunch break counts 0"),
    (vn(2026, 3, 2, 13, 31), vn(2026, 3, 2, 13, 30), vn(2026, 3, 2, 8, 0), CALENDAR, "late", "short step, late"),
    (vn(2026, 3, 2, 9, 30), vn(2026, 3, 2, 13, 30), None, None, "on_time", "without a start: the day rule"),
    # A 4-hour step started Friday 15:00 is due Monday 09:30; ending Friday 16:00 leaves 3 h.
    (vn(2026, 3, 6, 16, 0), vn(2026, 3, 9, 9, 30), vn(2026, 3, 6, 15, 0), CALENDAR, "early", "across a weekend"),
    (vn(2026, 3, 9, 8, 0), vn(2026, 3, 9, 9, 30), vn(2026, 3, 6, 15, 0), CALENDAR, "on_time", "1.5 of 4 h left"),
    # A period of a working day or more keeps the day rule even with a calendar.
    (vn(2026, 3, 2, 16, 0), vn(2026, 3, 3, 8, 0), vn(2026, 3, 2, 8, 0), CALENDAR, "early", "1 day, ended day before"),
    (vn(2026, 3, 9, 7, 45), DUE, vn(2026, 3, 2, 8, 0), CALENDAR, "on_time", "5 days, ended on the due day"),
]


@pytest.mark.parametrize(
    ("end", "due", "started", "calendar", "expected", "why"), CLASSIFY, ids=[c[-1] for c in CLASSIFY]
)
def test_classify(end, due, started, calendar, expected, why):
    assert classify(end, due, started, calendar) == expected


@pytest.mark.parametrize(
    ("end", "due", "started"),
    [
        (datetime(2026, 3, 9, 8, 0), DUE, None),
        (DUE, datetime(2026, 3, 9, 8, 0), None),
        (DUE, DUE, datetime(2026, 3, 2, 8, 0)),
    ],
)
def test_naive_datetimes_are_refused(end, due, started):
    with pytest.raises(ValueError, match="time zone"):
        classify(end, due, started, CALENDAR)


DOSSIERS = [
    # (processing end, appointment, supplementation requests, expected)
    (None, DUE, 0, None),
    (vn(2026, 3, 5, 10, 0), DUE, 0, "early"),
    (vn(2026, 3, 9, 8, 0), DUE, 0, "on_time"),
    (vn(2026, 3, 9, 8, 1), DUE, 0, "late"),
    (vn(2026, 3, 5, 10, 0), DUE, 1, "early"),
    (vn(2026, 3, 5, 10, 0), DUE, 2, "late"),
    (vn(2026, 3, 9, 8, 0), DUE, 3, "late"),
]


@pytest.mark.parametrize(("end", "appointment", "supplements", "expected"), DOSSIERS)
def test_dossier_timeliness(end, appointment, supplements, expected):
    assert dossier_timeliness(end, appointment, supplements) == expected


@pytest.mark.parametrize("count", [-1, 1.5, True, None])
def test_dossier_timeliness_refuses_a_bad_count(count):
    with pytest.raises(ValueError, match="supplement_count"):
        dossier_timeliness(DUE, DUE, count)


def test_labels_are_the_control_slip_words():
    assert LABELS == {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
