"""Reporting periods of the periodic reports on resolving procedures (quarterly, six-monthly, yearly) and their data
windows. Pure.

A province closes its figures on a cut-off day: with cut-off day D, a period's data run from day D+1 of the month
before the period to day D of its last month (D = 14: 15 December to 14 March for the first quarter, the rule of
Nghị định 09/2019/NĐ-CP Điều 12 k1 as provincial plans quote it — its text was not found in the search tools, so the
day is a setting, MOTCUA_REPORT_CUTOFF_DAY, not a constant; some provinces use 20: 21st to 20th). D = 0 means calendar
periods (1 January to 31 March). The report is due on `due_day` of the period's last month (the month after, when
that day is not after the cut-off).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Kind = Literal["quarter", "half", "year"]
KIND_MONTHS: dict[str, int] = {"quarter": 3, "half": 6, "year": 12}
KIND_LABELS = {"quarter": "Quý", "half": "6 tháng", "year": "Năm"}


@dataclass(frozen=True)
class ReportPeriod:
    kind: Kind
    year: int
    number: int  # the quarter (1-4) or half (1-2); 1 for a year

    def __post_init__(self):
        if self.kind not in KIND_MONTHS:
            raise ValueError(f"kỳ báo cáo '{self.kind}' không có; chọn quarter, half hoặc year")
        count = 12 // KIND_MONTHS[self.kind]
        if isinstance(self.number, bool) or not 1 <= self.number <= count:
            raise ValueError(f"kỳ số {self.number} không có trong một năm ({count} kỳ {KIND_LABELS[self.kind]})")
        if not 2000 <= self.year <= 2100:
            raise ValueError(f"năm {self.year} không hợp lệ (2000-2100)")

    @property
    def first_month(self) -> int:
        return (self.number - 1) * KIND_MONTHS[self.kind] + 1

    @property
    def last_month(self) -> int:
        return self.first_month + KIND_MONTHS[self.kind] - 1

    @property
    def title(self) -> str:
        if self.kind == "quarter":
            return f"Quý {self.number} năm {self.year}"
        if self.kind == "half":
            return f"{'6 tháng đầu' if self.number == 1 else '6 tháng cuối'} năm {self.year}"
        return f"Năm {self.year}"


def window(period: ReportPeriod, cutoff_day: int) -> tuple[date, date]:
    """The first and last day (inclusive) whose figures the report of `period` counts."""
    if not 0 <= cutoff_day <= 28:
        raise ValueError(f"ngày chốt số liệu {cutoff_day} phải từ 0 (theo tháng dương lịch) đến 28")
    if cutoff_day == 0:
        last = date(period.year + period.last_month // 12, period.last_month % 12 + 1, 1) - timedelta(days=1)
        return date(period.year, period.first_month, 1), last
    before = date(period.year, period.first_month, 1) - timedelta(days=1)  # the last day of the month before
    return date(before.year, before.month, cutoff_day + 1), date(period.year, period.last_month, cutoff_day)


def due_date(period: ReportPeriod, cutoff_day: int, due_day: int) -> date:
    """The day the report must be sent: `due_day` of the last month, or of the next month when that would come
    before the data are closed."""
    if not 1 <= due_day <= 28:
        raise ValueError(f"hạn gửi báo cáo ngày {due_day} phải từ 1 đến 28")
    last = window(period, cutoff_day)[1]
    due = date(last.year, last.month, due_day)
    if due <= last:
        due = date(last.year + last.month // 12, last.month % 12 + 1, due_day)
    return due


def periods_of_year(year: int) -> list[ReportPeriod]:
    return [
        *(ReportPeriod("quarter", year, n) for n in range(1, 5)),
        *(ReportPeriod("half", year, n) for n in range(1, 3)),
        ReportPeriod("year", year, 1),
    ]


def next_due(today: date, cutoff_day: int, due_day: int) -> tuple[ReportPeriod, date]:
    """The report due soonest on or after `today` (a quarter when several share a date: it is asked for most)."""
    found = [
        (due_date(p, cutoff_day, due_day), index, p)
        for year in (today.year - 1, today.year, today.year + 1)
        for index, p in enumerate(periods_of_year(year))
    ]
    due, _index, period = min(item for item in found if item[0] >= today)
    return period, due
