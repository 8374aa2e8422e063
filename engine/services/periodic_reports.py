"""Periodic reports on resolving procedures (quarterly, six-monthly, yearly) in the layout the provinces use, and the
monthly public lists (late dossiers with the units responsible, apology letters sent).

The report's columns, per field (lĩnh vực) and procedure, as provincial reports lay them out [practice]:
received = carried over from the previous period + new online + new at the counter or by post; resolved = early + on
time + late (refusals after appraisal and stops included: the QĐ 766 processing end); withdrawn; in progress =
within time + over time at the end of the window. The columns balance: received = resolved + withdrawn + in progress.
The data window follows the province's cut-off day (`engine.domain.report_periods`, settings).

The late list reuses `DocumentService.late_report` (engine/services/late_report.py, the officers' monthly list): one
computation of lateness. The public version leaves out the applicant's name.
"""

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from engine.domain.catalogue import Catalogue
from engine.domain.clock import Clock
from engine.domain.errors import ValidationError
from engine.domain.report_periods import ReportPeriod, due_date, next_due, window
from engine.persistence.db import Database
from engine.persistence.indicators import IndicatorStore
from engine.services.indicator_projection import IndicatorProjection
from engine.services.indicators import period_bounds
from engine.services.registers import RegisterService


@dataclass
class ReportLine:
    carried: int = 0
    new_online: int = 0
    new_other: int = 0  # at the counter or by public postal service
    early: int = 0
    on_time: int = 0
    late: int = 0
    withdrawn: int = 0
    within: int = 0
    over: int = 0

    @property
    def received(self) -> int:
        return self.carried + self.new_online + self.new_other

    @property
    def resolved(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def in_progress(self) -> int:
        return self.within + self.over

    def add(self, other: "ReportLine") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def cells(self) -> list[int]:
        """In the report's column order."""
        return [
            self.received,
            self.carried,
            self.new_online,
            self.new_other,
            self.resolved,
            self.early,
            self.on_time,
            self.late,
            self.withdrawn,
            self.in_progress,
            self.within,
            self.over,
        ]


COLUMNS = (
    "Tổng số hồ sơ tiếp nhận",
    "Kỳ trước chuyển qua",
    "Mới tiếp nhận trực tuyến",
    "Mới tiếp nhận trực tiếp, bưu chính",
    "Tổng số đã giải quyết",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Rút hồ sơ",
    "Tổng số đang giải quyết",
    "Trong hạn",
    "Quá hạn",
)


@dataclass
class FieldBlock:
    name: str
    total: ReportLine = field(default_factory=ReportLine)
    procedures: list[tuple[str, str, ReportLine]] = field(default_factory=list)  # (code, name, line)


@dataclass
class PeriodicReport:
    period: ReportPeriod
    first_day: date
    last_day: date
    due: date
    seen_at: datetime
    fields: list[FieldBlock]
    total: ReportLine


@dataclass(frozen=True)
class PublicLateLine:
    code: str
    procedure: str
    received_at: datetime
    due: datetime
    processing_end_at: datetime | None
    state: str
    overdue_hours: float
    divisions: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ApologyLine:
    code: str
    procedure: str
    sent_at: datetime
    appointment_before: datetime | None
    new_appointment: datetime
    reason: str


class PeriodicReportService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        catalogue: Catalogue,
        projection: IndicatorProjection,
        registers: RegisterService,
        cutoff_day: int,
        due_day: int,
    ):
        self.db, self.clock, self.catalogue, self.projection = db, clock, catalogue, projection
        self.registers = registers
        self.cutoff_day, self.due_day = cutoff_day, due_day

    def next_due(self) -> tuple[ReportPeriod, date]:
        """The next report to send and its date (shown on the leaders' page)."""
        return next_due(self.clock.now().date(), self.cutoff_day, self.due_day)

    def build(self, period: ReportPeriod) -> PeriodicReport:
        first, last = window(period, self.cutoff_day)
        start, end = period_bounds(first, last)
        now = self.clock.now()
        if start > now:
            raise ValidationError(f"{period.title} chưa bắt đầu (số liệu từ {first:%d/%m/%Y})", {"period": "tương lai"})
        self.projection.refresh()
        lines: dict[str, ReportLine] = defaultdict(ReportLine)
        with self.db.reading() as uow:
            store = IndicatorStore(uow)
            for code, count in store.carried_over(start):
                lines[code].carried += count
            for r in store.received(start, end):
                lines[r.procedure_code].new_online += r.online
                lines[r.procedure_code].new_other += r.received - r.online
            for e in store.ended(start, end):
                line = lines[e.procedure_code]
                line.early, line.on_time = line.early + e.early, line.on_time + e.on_time
                line.late, line.withdrawn = line.late + e.late, line.withdrawn + e.withdrawn
            for code, within, over in store.open_at(end, min(end, now)):
                lines[code].within += within
                lines[code].over += over
        blocks: dict[str, FieldBlock] = {}
        total = ReportLine()
        for code in sorted(lines, key=lambda c: (self._field(c), self._name(c))):
            block = blocks.setdefault(self._field(code), FieldBlock(self._field(code)))
            block.procedures.append((code, self._name(code), lines[code]))
            block.total.add(lines[code])
            total.add(lines[code])
        return PeriodicReport(
            period=period,
            first_day=first,
            last_day=last,
            due=due_date(period, self.cutoff_day, self.due_day),
            seen_at=min(end, now),
            fields=list(blocks.values()),
            total=total,
        )

    def _field(self, code: str) -> str:
        procedure = self.catalogue.get(code)
        return procedure.field if procedure else "Khác"

    def _name(self, code: str) -> str:
        procedure = self.catalogue.get(code)
        return procedure.name if procedure else code

    # --- the monthly public lists -------------------------------------------------------------------------------
    def public_late_list(self, year: int, month: int) -> list[PublicLateLine]:
        """The month's late dossiers for the public: the units responsible and the reason, no applicant names."""
        return [
            PublicLateLine(
                line.code,
                line.procedure,
                line.received_at,
                line.due,
                line.processing_end_at,
                line.state,
                line.overdue_hours,
                line.divisions or self._divisions_of(line.procedure),
                line.reason,
            )
            for line in self.registers.late_report(year, month)
        ]

    def _divisions_of(self, procedure_name: str) -> tuple[str, ...]:
        """The resolving division of a procedure named so (when no step was late: the lateness was the division's)."""
        return tuple({p.division for p in self.catalogue.procedures if p.name == procedure_name})

    def apology_letters(self, year: int, month: int) -> list[ApologyLine]:
        """The apology letters (Mẫu 04) that moved a return date during the month."""
        following = date(year + month // 12, month % 12 + 1, 1)
        start, end = period_bounds(date(year, month, 1), following - timedelta(days=1))
        self.projection.refresh()
        with self.db.reading() as uow:
            rows = IndicatorStore(uow).apologies(start, end)
        return [
            ApologyLine(code, self._name(procedure), at, before, appointment, reason)
            for code, procedure, at, before, appointment, reason in rows
        ]
