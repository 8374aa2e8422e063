"""The national indicators (QĐ 766) of a period, per procedure, division (the procedure's resolving division in the
catalogue), officer and month: counts from `engine.persistence.indicators`, rates and points from the pure formulas
of `engine.domain.indicators`, groups and thresholds from `processes/indicators/qd766.yaml`.

Which dossiers a figure counts: the progress figures (early, on time, late, average time) take the dossiers whose
processing ended in the period; the channel, digitisation and payment figures those received in it; satisfaction
the ratings given in it; "in progress" is seen at the end of the period.

The portal, payment and result figures come from what the channels store on the dossier (issue 12): the national
portal's id (linked: its statuses go to the portal), the payment the portal reported (paid online) and the result
delivery (electronic result). A figure without any dossier to count is "no data", never 0 %.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from engine.domain.catalogue import Catalogue
from engine.domain.clock import VN_TZ, Clock
from engine.domain.errors import ValidationError
from engine.domain.indicator_rules import load_groups
from engine.domain.indicators import (
    GroupScore,
    average,
    early_rate,
    electronic_result_share,
    group_scores,
    on_time_rate,
    online_payment_share,
    portal_synced_share,
    rate,
    satisfaction_rate,
    total_score,
)
from engine.persistence.db import Database
from engine.persistence.indicators import FIGURES, DossierLine, IndicatorStore
from engine.services.indicator_projection import IndicatorProjection

MAX_DAYS = 3 * 366  # the longest period asked for at once
LEVELS = {"very_satisfied": "Rất hài lòng", "satisfied": "Hài lòng", "not_satisfied": "Không hài lòng"}


@dataclass
class Figures:
    """The counts of one group (a procedure, a division, a month or everything)."""

    received: int = 0
    online: int = 0
    fully_online: int = 0
    postal: int = 0
    digitised: int = 0
    fee_due: int = 0
    fee_paid: int = 0
    portal: int = 0
    paid_online: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    withdrawn: int = 0
    resolution_hours: float = 0.0
    resolved_with_time: int = 0
    results: int = 0
    results_online: int = 0
    open_within: int = 0
    open_over: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    not_satisfied: int = 0

    def add(self, other: "Figures") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def judged(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def counter(self) -> int:
        return self.received - self.online - self.postal

    def measures(self, hours_per_day: float) -> dict[str, float | None]:
        """The rates (0-1) and the average time, by the names the groups file uses."""
        return {
            "on_time_rate": on_time_rate(self.early, self.on_time, self.late),
            "early_rate": early_rate(self.early, self.on_time, self.late),
            "online_share": rate(self.online, self.received),
            "fully_online_share": rate(self.fully_online, self.received),
            "digitised_share": rate(self.digitised, self.received),
            "satisfaction_rate": satisfaction_rate(self.very_satisfied, self.satisfied, self.not_satisfied),
            "synced_share": portal_synced_share(self.portal, self.received),
            "online_payment_share": online_payment_share(self.paid_online, self.fee_due),
            "digitised_result_share": electronic_result_share(self.results_online, self.results),
            "average_days": average(self.resolution_hours / hours_per_day, self.resolved_with_time),
        }


@dataclass
class Row:
    key: str
    label: str
    figures: Figures = field(default_factory=Figures)
    procedures: list[str] = field(default_factory=list)


@dataclass
class OfficerRow:
    username: str
    name: str
    division: str
    done: int
    late: int
    open: int
    open_late: int


@dataclass
class Indicators:
    start: date
    end: date  # inclusive
    total: Figures
    measures: dict[str, float | None]
    scores: list[GroupScore]
    score: tuple[float, float]
    procedures: list[Row]
    divisions: list[Row]
    months: list[Row]
    officers: list[OfficerRow]
    due_this_week: list[DossierLine]


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Vietnam time. Raises ValidationError (Vietnamese) for a reversed or
    too long period."""
    if end < start:
        raise ValidationError(
            f"Khoảng thời gian sai: từ ngày {start:%d/%m/%Y} sau đến ngày {end:%d/%m/%Y}", {"from": "sau ngày kết thúc"}
        )
    if (end - start).days > MAX_DAYS:
        raise ValidationError("Khoảng thời gian dài quá 3 năm; chọn một khoảng ngắn hơn", {"to": "quá 3 năm"})
    return datetime.combine(start, time(0), VN_TZ), datetime.combine(end + timedelta(days=1), time(0), VN_TZ)


class IndicatorService:
    """Read-only use cases over the indicators; each refreshes the history projections first (cheap when nothing is
    new), then reads in one read transaction."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        catalogue: Catalogue,
        projection: IndicatorProjection,
        groups_file: Path,
        hours_per_day: float,
    ):
        self.db, self.clock, self.catalogue, self.projection = db, clock, catalogue, projection
        self.groups = load_groups(groups_file)
        self.hours_per_day = hours_per_day

    def division_of(self, procedure_code: str) -> str:
        procedure = self.catalogue.get(procedure_code)
        return procedure.division if procedure else "(không rõ)"

    def procedures_of(self, division: str) -> tuple[str, ...]:
        return tuple(p.code for p in self.catalogue.procedures if p.division == division)

    def compute(self, start: date, end: date) -> Indicators:
        """Every figure of the period [start, end] (whole days, Vietnam time)."""
        begin, stop = period_bounds(start, end)
        now = self.clock.now()
        self.projection.refresh()
        week_end = datetime.combine(now.astimezone(VN_TZ).date() + timedelta(days=7), time(0), VN_TZ)
        # Three read transactions at once on their own connections: the two scans of the dossier table and the
        # officers' steps are the dashboard's whole cost, and the database runs them side by side.
        ended, received, (open_at, ratings, officers, tasks, due, names) = self._parallel(
            lambda store: store.ended(begin, stop),
            lambda store: store.received(begin, stop),
            lambda store: (
                store.open_at(stop, min(stop, now)),
                store.ratings(begin, stop),
                store.officers(begin, stop),
                store.open_tasks(now),
                [line for line in store.dossiers("open_late", week_end, now, None, 200) if line.due >= now],
                store.accounts(),
            ),
        )
        by_procedure: dict[str, Figures] = defaultdict(Figures)
        by_month: dict[str, Figures] = defaultdict(Figures)
        for e in ended:
            counts = Figures(
                early=e.early,
                on_time=e.on_time,
                late=e.late,
                withdrawn=e.withdrawn,
                resolution_hours=e.resolution_hours,
                resolved_with_time=e.resolved_with_time,
                results=e.results,
                results_online=e.results_online,
            )
            by_procedure[e.procedure_code].add(counts)
            by_month[e.month].add(counts)
        for r in received:
            counts = Figures(
                received=r.received,
                online=r.online,
                fully_online=r.fully_online,
                postal=r.postal,
                digitised=r.digitised,
                fee_due=r.fee_due,
                fee_paid=r.fee_paid,
                portal=r.portal,
                paid_online=r.paid_online,
            )
            by_procedure[r.procedure_code].add(counts)
            by_month[r.month].add(counts)
        for code, within, over in open_at:
            by_procedure[code].add(Figures(open_within=within, open_over=over))
        for code, level, count in ratings:
            if level in LEVELS:
                by_procedure[code].add(Figures(**{level: count}))
        total, procedures, divisions = Figures(), [], dict[str, Row]()
        for code in sorted(by_procedure):
            figures = by_procedure[code]
            total.add(figures)
            procedure = self.catalogue.get(code)
            procedures.append(Row(code, procedure.name if procedure else code, figures, [code]))
            division = self.division_of(code)
            row = divisions.setdefault(division, Row(division, division))
            row.figures.add(figures)
            row.procedures.append(code)
        measures = total.measures(self.hours_per_day)
        scores = group_scores(self.groups, measures)
        months = [Row(m, f"{m[5:]}/{m[:4]}", by_month[m]) for m in _months(start, end)]
        return Indicators(
            start=start,
            end=end,
            total=total,
            measures=measures,
            scores=scores,
            score=total_score(scores),
            procedures=procedures,
            divisions=sorted(divisions.values(), key=lambda r: r.key),
            months=months,
            officers=_officers(officers, tasks, names),
            due_this_week=sorted(due, key=lambda line: line.due),
        )

    def _parallel(self, *reads: Callable[[IndicatorStore], Any]) -> list[Any]:
        def run(read: Callable[[IndicatorStore], Any]) -> Any:
            with self.db.reading() as uow:
                return read(IndicatorStore(uow))

        with ThreadPoolExecutor(max_workers=len(reads), thread_name_prefix="indicators") as pool:
            return list(pool.map(run, reads))

    def dossiers(
        self, figure: str, start: date, end: date, procedure: str = "", division: str = "", limit: int = 500
    ) -> list[DossierLine]:
        """The dossiers behind `figure` (one of FIGURES) in the period, for one procedure or division if given."""
        if figure not in FIGURES:
            raise ValidationError(
                f"Không có chỉ tiêu '{figure}'; chọn một trong {', '.join(FIGURES)}", {"figure": "không có"}
            )
        begin, stop = period_bounds(start, end)
        if figure == "open_late":  # still open at the end of the period, past the due moment then (or now)
            begin = min(stop, self.clock.now())
        codes: tuple[str, ...] | None = None
        if procedure:
            codes = (procedure,)
        elif division:
            codes = self.procedures_of(division)
        self.projection.refresh()
        with self.db.reading() as uow:
            return IndicatorStore(uow).dossiers(figure, begin, stop, codes, limit)


def _months(start: date, end: date) -> Iterable[str]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _officers(done, tasks, names: dict[str, tuple[str, str]]) -> list[OfficerRow]:
    rows: dict[str, OfficerRow] = {}

    def row(username: str) -> OfficerRow:
        if username not in rows:
            name, division = names.get(username, (username, ""))
            rows[username] = OfficerRow(username, name, division, 0, 0, 0, 0)
        return rows[username]

    for counts in done:
        found = row(counts.actor)
        found.done, found.late = counts.done, counts.late
    for assignee, lane, count, late in tasks:
        # A task nobody has taken yet waits in its lane: shown as the lane's, so the chart shows all open work.
        found = (
            row(assignee)
            if assignee
            else rows.setdefault(f"lane:{lane}", OfficerRow("", f"Chưa nhận · {lane or '?'}", lane or "", 0, 0, 0, 0))
        )
        found.open += count
        found.open_late += late
    return sorted(rows.values(), key=lambda r: (-r.open - r.done, r.username))
