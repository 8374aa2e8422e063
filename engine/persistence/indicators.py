"""The queries behind the indicators: per-day sums (`indicator_day` per procedure, `officer_day` per officer), so
that a year is a few hundred rows per procedure whatever the number of dossiers; the narrow per-dossier facts
(`dossier_fact`) for what depends on the moment a period is seen (in progress within or over time) and for the
dossiers behind a figure; the ratings and the open tasks. No workflow is loaded, no history replayed, no wide dossier
row read for a count: each dossier's QĐ 766 outcome was decided once, by `engine.domain.indicators.dossier_outcome`,
when the projection took in its processing end. Days are numbers (days since 1970-01-01 in Vietnam time); a period
[start, end) is a range of them, since periods begin at midnight."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from engine.domain.clock import VN_TZ
from engine.persistence.projections import DAY_COUNTERS

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_OPEN_AT = "f.received_day < ? AND (f.end_day IS NULL OR f.end_day >= ?) AND f.status <> 1"


@dataclass(frozen=True)
class EndedCounts:
    procedure_code: str
    month: str  # YYYY-MM of the processing end
    early: int
    on_time: int
    late: int
    withdrawn: int
    resolution_hours: float
    resolved_with_time: int
    results: int  # ended with a result: resolved (9) or returned (10)
    results_online: int  # ... given electronically


@dataclass(frozen=True)
class ReceivedCounts:
    procedure_code: str
    month: str  # YYYY-MM of the reception
    received: int
    online: int
    fully_online: int
    postal: int
    digitised: int
    fee_due: int
    fee_paid: int
    portal: int  # linked with the national portal
    paid_online: int


@dataclass(frozen=True)
class OfficerCounts:
    actor: str
    done: int
    late: int


@dataclass(frozen=True)
class DossierLine:
    code: str
    procedure_code: str
    applicant: str
    received_at: datetime
    due: datetime
    processing_end_at: datetime | None
    status: int
    late: bool


class IndicatorStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow
        self.raw = uow.raw

    # --- counts -------------------------------------------------------------------------------------------------
    def ended(self, start: datetime, end: datetime) -> list[EndedCounts]:
        """Dossiers whose processing ended in [start, end), by procedure and month of the end."""
        found: dict[tuple[str, str], list[float]] = {}
        for code, day, *values in self._days(start, end, _ENDED):
            counts = found.setdefault((code, _month(day)), [0] * len(_ENDED))
            for index, value in enumerate(values):
                counts[index] += value or 0
        return [
            EndedCounts(
                code, month, int(c[0]), int(c[1]), int(c[2]), int(c[3]), float(c[4]), int(c[5]), int(c[6]), int(c[7])
            )
            for (code, month), c in found.items()
        ]

    def received(self, start: datetime, end: datetime) -> list[ReceivedCounts]:
        """Dossiers received in [start, end) (online ones not yet accepted, status 1, left out), by procedure and
        month of reception."""
        found: dict[tuple[str, str], list[int]] = {}
        for code, day, *values in self._days(start, end, _RECEIVED):
            counts = found.setdefault((code, _month(day)), [0] * len(_RECEIVED))
            for index, value in enumerate(values):
                counts[index] += int(value or 0)
        return [ReceivedCounts(code, month, *c) for (code, month), c in found.items() if any(c)]

    def _days(self, start: datetime, end: datetime, columns: tuple[str, ...]) -> list[tuple]:
        """The per-day sums of `columns` for the days of [start, end) (one row per procedure and day)."""
        return self.raw.all(
            f"SELECT procedure_code, day, {', '.join(columns)} FROM indicator_day WHERE day >= ? AND day < ?",
            (day_number(start), day_number(end)),
        )

    def open_at(self, end: datetime, seen: datetime) -> list[tuple[str, int, int]]:
        """(procedure, within time, over time at `seen`) of the dossiers received before `end` whose processing had
        not ended before it (status 1, not yet accepted, left out). `seen` is `end`, or now for a period not over."""
        rows = self.raw.all(
            "SELECT f.procedure_code, SUM(CASE WHEN f.due_at >= ? THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN f.due_at < ? THEN 1 ELSE 0 END) FROM dossier_fact f WHERE {_OPEN_AT} "
            "GROUP BY f.procedure_code",
            (self.raw.dt(seen), self.raw.dt(seen), day_number(end), day_number(end)),
        )
        return [(r[0], int(r[1] or 0), int(r[2] or 0)) for r in rows]

    def carried_over(self, moment: datetime) -> list[tuple[str, int]]:
        """(procedure, dossiers received before `moment` and not ended before it): the periodic report's "kỳ trước
        chuyển sang", from the per-day sums (received before, less ended before)."""
        ended = " + ".join(_ENDED[:4])
        rows = self.raw.all(
            f"SELECT procedure_code, SUM(received) - SUM({ended}) FROM indicator_day WHERE day < ? "
            "GROUP BY procedure_code",
            (day_number(moment),),
        )
        return [(r[0], int(r[1])) for r in rows if r[1]]

    def ratings(self, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
        """(procedure, level, count) of the ratings given in [start, end)."""
        rows = self.raw.all(
            "SELECT procedure_code, level, COUNT(*) FROM satisfaction_rating "
            "WHERE rated_at >= ? AND rated_at < ? GROUP BY procedure_code, level",
            (self.raw.dt(start), self.raw.dt(end)),
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    def officers(self, start: datetime, end: datetime) -> list[OfficerCounts]:
        """Steps completed in [start, end) by officer, and how many of them after their deadline."""
        rows = self.raw.all(
            "SELECT actor, SUM(done), SUM(late) FROM officer_day WHERE day >= ? AND day < ? GROUP BY actor",
            (day_number(start), day_number(end)),
        )
        return [OfficerCounts(r[0], int(r[1]), int(r[2] or 0)) for r in rows]

    def open_tasks(self, now: datetime) -> list[tuple[str | None, str | None, int, int]]:
        """(assignee, lane, open tasks, of which past their deadline at `now`) from the task projection."""
        rows = self.raw.all(
            "SELECT assignee, lane, COUNT(*), SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END) FROM user_task "
            "GROUP BY assignee, lane",
            (self.raw.dt(now),),
        )
        return [(r[0], r[1], int(r[2]), int(r[3] or 0)) for r in rows]

    def apologies(self, start: datetime, end: datetime) -> list[tuple]:
        """(code, procedure, sent at, appointment before, appointment now, reason) of the apology letters that moved a
        return date in [start, end)."""
        raw = self.raw
        rows = raw.all(
            "SELECT d.code, d.procedure_code, f.extended_at, f.extended_from, d.appointment, f.extension_reason "
            "FROM dossier_fact f JOIN dossier d ON d.id = f.dossier_id "
            "WHERE f.extended_at >= ? AND f.extended_at < ? ORDER BY f.extended_at, d.id",
            (raw.dt(start), raw.dt(end)),
        )
        return [(r[0], r[1], raw.moment(r[2]), raw.from_dt(r[3]), raw.moment(r[4]), r[5] or "") for r in rows]

    def accounts(self) -> dict[str, tuple[str, str]]:
        """username -> (full name, division) of every account."""
        return {r[0]: (r[1], r[2]) for r in self.raw.all("SELECT username, full_name, division FROM account")}

    # --- the dossiers behind a figure ---------------------------------------------------------------------------
    def dossiers(
        self, figure: str, start: datetime, end: datetime, procedures: tuple[str, ...] | None, limit: int
    ) -> list[DossierLine]:
        """The dossiers counted in `figure` (see FIGURES) for the period, latest first, at most `limit`. For
        "open_late", `start` is the moment the due dates are compared with and `end` the end of the period."""
        where, params = _FIGURES[figure](self, start, end)
        if procedures is not None:
            if not procedures:
                return []
            where += f" AND f.procedure_code IN ({', '.join('?' for _ in procedures)})"
            params = (*params, *procedures)
        rows = self.raw.all(
            "SELECT d.code, d.procedure_code, d.applicant, d.received_at, f.due_at, d.processing_end_at, d.status, "
            "f.outcome FROM dossier_fact f JOIN dossier d ON d.id = f.dossier_id "
            f"WHERE {where} ORDER BY d.received_at DESC, d.id DESC LIMIT ?",
            (*params, limit),
        )
        raw = self.raw
        return [
            DossierLine(
                r[0],
                r[1],
                str((raw.from_json(r[2]) or {}).get("name") or ""),
                raw.moment(r[3]),
                raw.moment(r[4]),
                raw.from_dt(r[5]),
                r[6],
                r[7] == "late",
            )
            for r in rows
        ]


_RECEIVED = tuple(c for c in DAY_COUNTERS if c.startswith("received"))  # the order of ReceivedCounts
_ENDED = tuple(c for c in DAY_COUNTERS if not c.startswith("received"))  # the order of EndedCounts
EPOCH = date(1970, 1, 1)


def day_number(moment: datetime) -> int:
    """Days since 1970-01-01 of the day `moment` falls on in Vietnam time (UTC+7 all year)."""
    return (moment.astimezone(VN_TZ).date() - EPOCH).days


def _month(day: int) -> str:
    """YYYY-MM of a day number."""
    return (EPOCH + timedelta(days=int(day))).strftime("%Y-%m")


def _ended(condition: str):
    def where(store: IndicatorStore, start: datetime, end: datetime) -> tuple[str, tuple]:
        return f"f.end_day >= ? AND f.end_day < ? AND {condition}", (day_number(start), day_number(end))

    return where


def _received(condition: str):
    def where(store: IndicatorStore, start: datetime, end: datetime) -> tuple[str, tuple]:
        return f"f.received_day >= ? AND f.received_day < ? AND f.status <> 1 AND {condition}", (
            day_number(start),
            day_number(end),
        )

    return where


def _open_late(store: IndicatorStore, seen: datetime, end: datetime) -> tuple[str, tuple]:
    return f"{_OPEN_AT} AND f.due_at < ?", (day_number(end), day_number(end), store.raw.dt(seen))


_FIGURES = {
    "judged": _ended("f.outcome IN ('early', 'on_time', 'late')"),
    "on_time": _ended("f.outcome IN ('early', 'on_time')"),
    "early": _ended("f.outcome = 'early'"),
    "late": _ended("f.outcome = 'late'"),
    "withdrawn": _ended("f.outcome = 'withdrawn'"),
    "received": _received("1 = 1"),
    "online": _received("f.channel = 2"),
    "fully_online": _received("f.channel = 2 AND f.result_online"),
    "not_digitised": _received("NOT f.digitised"),
    "paid_online": _received("f.paid_online"),
    "not_paid_online": _received("f.fee_due AND NOT f.paid_online"),
    "not_synced": _received("NOT f.portal_linked"),
    "result_not_electronic": _ended("f.status IN (9, 10) AND NOT f.result_online"),
    "open_late": _open_late,
}
FIGURES = tuple(_FIGURES)
