"""Reporting periods and their data windows by the province's cut-off day (engine/domain/report_periods.py)."""

from datetime import date

import pytest

from engine.domain.report_periods import ReportPeriod, due_date, next_due, window


@pytest.mark.parametrize(
    "kind, year, number, cutoff, first, last",
    [
        ("quarter", 2026, 1, 0, date(2026, 1, 1), date(2026, 3, 31)),
        ("quarter", 2026, 1, 14, date(2025, 12, 15), date(2026, 3, 14)),
        ("quarter", 2026, 2, 20, date(2026, 3, 21), date(2026, 6, 20)),
        ("quarter", 2026, 4, 0, date(2026, 10, 1), date(2026, 12, 31)),
        ("half", 2026, 1, 14, date(2025, 12, 15), date(2026, 6, 14)),
        ("half", 2026, 2, 0, date(2026, 7, 1), date(2026, 12, 31)),
        ("year", 2026, 1, 14, date(2025, 12, 15), date(2026, 12, 14)),
        ("year", 2024, 1, 0, date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_window(kind, year, number, cutoff, first, last):
    assert window(ReportPeriod(kind, year, number), cutoff) == (first, last)


@pytest.mark.parametrize(
    "period, cutoff, due_day, due",
    [
        (
            ReportPeriod(
                "quarter",
                2026,
                1,
            ),
            14,
            18,
            date(2026, 3, 18),
        ),  # closed on the 14th, sent on the 18th
        (ReportPeriod("quarter", 2026, 1), 20, 18, date(2026, 4, 18)),  # the 18th is before the cut-off: next month
        (ReportPeriod("quarter", 2026, 4), 0, 5, date(2027, 1, 5)),  # calendar quarters: early the next month
    ],
)
def test_due_date(period, cutoff, due_day, due):
    assert due_date(period, cutoff, due_day) == due


def test_next_due_is_the_soonest_report():
    assert next_due(date(2026, 3, 19), 14, 18) == (ReportPeriod("quarter", 2026, 2), date(2026, 6, 18))
    assert next_due(date(2026, 3, 18), 14, 18) == (ReportPeriod("quarter", 2026, 1), date(2026, 3, 18))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: ReportPeriod("quarter", 2026, 5), "kỳ số 5"),
        (lambda: ReportPeriod("half", 2026, 3), "kỳ số 3"),
        (lambda: ReportPeriod("month", 2026, 1), "không có"),
        (lambda: window(ReportPeriod("year", 2026, 1), 31), "ngày chốt"),
    ],
)
def test_bad_periods_are_refused_in_vietnamese(make, message):
    with pytest.raises(ValueError, match=message):
        make()
