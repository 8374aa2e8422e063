"""The queries behind the indicators: counts grouped by procedure and month over the dossier table (indexes on
`received_at` and `processing_end_at`), the history projections (`dossier_fact`, `step_fact`) and the ratings. No
workflow is loaded and no history replayed; the rules are those of `engine.domain.indicators`, written in SQL:
- judged: processing ended with status 3, 8, 9 or 10 (a withdrawal, 7, is not judged);
- due: the appointment, or the one an extension moved away from (`dossier_fact.extended_from`);
- late: more than one supplementation request, or ended after the due moment;
- early: not late and ended on an earlier day (Vietnam time) than the due moment.
Days and months are taken in Vietnam time (UTC+7 all year: no daylight saving)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_DUE = "COALESCE(f.extended_from, d.appointment)"
_JUDGED = "d.status IN (3, 8, 9, 10)"
_LATE = f"({_JUDGED} AND (d.supplement_count > 1 OR d.processing_end_at > {_DUE}))"


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

    # --- dialect pieces -----------------------------------------------------------------------------------------
    def _day(self, column: str) -> str:
        """The day (in Vietnam time) of `column` as a number of days since 1970-01-01: plain arithmetic, far cheaper
        per row than a time zone conversion (Vietnam keeps UTC+7 all year)."""
        if self.raw.postgres:
            # Integer arithmetic: an integer key lets the planner group in a hash table instead of sorting.
            return f"((CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT) + 25200) / 86400)"
        return f"CAST(julianday({column}) + 7.0 / 24 - 2440587.5 AS INTEGER)"

    # --- counts -------------------------------------------------------------------------------------------------
    def ended(self, start: datetime, end: datetime) -> list[EndedCounts]:
        """Dossiers whose processing ended in [start, end), by procedure and month of the end."""
        rows = self.raw.all(
            "SELECT procedure_code, end_day, SUM(CASE WHEN j = 1 AND l = 0 AND end_day < due_day THEN 1 ELSE 0 END), "
            "SUM(j - l), SUM(l), SUM(w), SUM(CASE WHEN j = 1 THEN h ELSE 0 END), "
            "SUM(CASE WHEN j = 1 AND h IS NOT NULL THEN 1 ELSE 0 END) FROM ("
            f"SELECT d.procedure_code, {self._day('d.processing_end_at')} AS end_day, {self._day(_DUE)} AS due_day, "
            f"CASE WHEN {_JUDGED} THEN 1 ELSE 0 END AS j, CASE WHEN {_LATE} THEN 1 ELSE 0 END AS l, "
            "CASE WHEN d.status = 7 THEN 1 ELSE 0 END AS w, f.resolution_hours AS h "
            "FROM dossier d LEFT JOIN dossier_fact f ON f.dossier_id = d.id "
            "WHERE d.processing_end_at >= ? AND d.processing_end_at < ?) x GROUP BY procedure_code, end_day",
            (self.raw.dt(start), self.raw.dt(end)),
        )
        found: dict[tuple[str, str], list] = {}
        for code, day, early, on_time, late, withdrawn, hours, timed in rows:
            counts = found.setdefault((code, _month(day)), [0, 0, 0, 0, 0.0, 0])
            for index, value in enumerate((early, int(on_time) - int(early), late, withdrawn, hours, timed)):
                counts[index] += value or 0
        return [
            EndedCounts(code, month, int(c[0]), int(c[1]), int(c[2]), int(c[3]), float(c[4]), int(c[5]))
            for (code, month), c in found.items()
        ]

    def received(self, start: datetime, end: datetime) -> list[ReceivedCounts]:
        """Dossiers received in [start, end) (online ones not yet accepted, status 1, left out), by procedure and
        month of reception."""
        rows = self.raw.all(
            f"SELECT d.procedure_code, {self._day('d.received_at')}, COUNT(*), "
            "SUM(CASE WHEN d.channel = 2 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.channel = 2 AND d.result_delivery = 'online' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.channel = 3 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN x.dossier_id IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.fee > 0 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.fee > 0 AND d.fee_paid THEN 1 ELSE 0 END) "
            "FROM dossier d LEFT JOIN (SELECT DISTINCT dossier_id FROM dossier_file) x ON x.dossier_id = d.id "
            "WHERE d.received_at >= ? AND d.received_at < ? AND d.status <> 1 "
            f"GROUP BY d.procedure_code, {self._day('d.received_at')}",
            (self.raw.dt(start), self.raw.dt(end)),
        )
        found: dict[tuple[str, str], list[int]] = {}
        for code, day, *counts in rows:
            total = found.setdefault((code, _month(day)), [0] * 7)
            for index, value in enumerate(counts):
                total[index] += int(value or 0)
        return [ReceivedCounts(code, month, *counts) for (code, month), counts in found.items()]

    def open_at(self, end: datetime, seen: datetime) -> list[tuple[str, int, int]]:
        """(procedure, within time, over time at `seen`) of the dossiers received before `end` whose processing had
        not ended before it (status 1, not yet accepted, left out). `seen` is `end`, or now for a period not over."""
        rows = self.raw.all(
            "SELECT d.procedure_code, "
            f"SUM(CASE WHEN {_DUE} >= ? THEN 1 ELSE 0 END), SUM(CASE WHEN {_DUE} < ? THEN 1 ELSE 0 END) "
            "FROM dossier d LEFT JOIN dossier_fact f ON f.dossier_id = d.id "
            "WHERE d.received_at < ? AND (d.processing_end_at IS NULL OR d.processing_end_at >= ?) AND d.status <> 1 "
            "GROUP BY d.procedure_code",
            (self.raw.dt(seen), self.raw.dt(seen), self.raw.dt(end), self.raw.dt(end)),
        )
        return [(r[0], int(r[1] or 0), int(r[2] or 0)) for r in rows]

    def carried_over(self, moment: datetime) -> list[tuple[str, int]]:
        """(procedure, dossiers received before `moment` and not ended before it): the periodic report's "kỳ trước
        chuyển sang"."""
        rows = self.raw.all(
            "SELECT d.procedure_code, COUNT(*) FROM dossier d WHERE d.received_at < ? AND d.status <> 1 "
            "AND (d.processing_end_at IS NULL OR d.processing_end_at >= ?) GROUP BY d.procedure_code",
            (self.raw.dt(moment), self.raw.dt(moment)),
        )
        return [(r[0], int(r[1])) for r in rows]

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
            "SELECT actor, COUNT(*), SUM(CASE WHEN due_at IS NOT NULL AND completed_at > due_at THEN 1 ELSE 0 END) "
            "FROM step_fact WHERE completed_at >= ? AND completed_at < ? AND actor IS NOT NULL GROUP BY actor",
            (self.raw.dt(start), self.raw.dt(end)),
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
        """The dossiers counted in `figure` (see FIGURES) for the period, latest first, at most `limit`."""
        where, params = _FIGURES[figure](self, start, end)
        if procedures is not None:
            if not procedures:
                return []
            where += f" AND d.procedure_code IN ({', '.join('?' for _ in procedures)})"
            params = (*params, *procedures)
        rows = self.raw.all(
            f"SELECT d.code, d.procedure_code, d.applicant, d.received_at, {_DUE}, d.processing_end_at, d.status, "
            f"CASE WHEN {_LATE} THEN 1 ELSE 0 END FROM dossier d LEFT JOIN dossier_fact f ON f.dossier_id = d.id "
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
                bool(r[7]),
            )
            for r in rows
        ]

    def _ended_where(self, start: datetime, end: datetime, condition: str) -> tuple[str, tuple]:
        return f"d.processing_end_at >= ? AND d.processing_end_at < ? AND {condition}", (
            self.raw.dt(start),
            self.raw.dt(end),
        )

    def _received_where(self, start: datetime, end: datetime, condition: str) -> tuple[str, tuple]:
        return f"d.received_at >= ? AND d.received_at < ? AND d.status <> 1 AND {condition}", (
            self.raw.dt(start),
            self.raw.dt(end),
        )


def _month(day) -> str:
    """YYYY-MM of a day number from `IndicatorStore._day`."""
    return (date(1970, 1, 1) + timedelta(days=int(day))).strftime("%Y-%m")


def _early(store: IndicatorStore, start: datetime, end: datetime) -> tuple[str, tuple]:
    day = f"{store._day('d.processing_end_at')} < {store._day(_DUE)}"
    return store._ended_where(start, end, f"{_JUDGED} AND NOT {_LATE} AND {day}")


def _open_late(store: IndicatorStore, start: datetime, end: datetime) -> tuple[str, tuple]:
    """Still open at `end` and past the due moment at `start` (the caller passes now, or the end of the period)."""
    return (
        f"d.received_at < ? AND (d.processing_end_at IS NULL OR d.processing_end_at >= ?) AND d.status <> 1 "
        f"AND {_DUE} < ?",
        (store.raw.dt(end), store.raw.dt(end), store.raw.dt(start)),
    )


_FIGURES = {
    "judged": lambda s, a, b: s._ended_where(a, b, _JUDGED),
    "on_time": lambda s, a, b: s._ended_where(a, b, f"{_JUDGED} AND NOT {_LATE}"),
    "early": _early,
    "late": lambda s, a, b: s._ended_where(a, b, _LATE),
    "withdrawn": lambda s, a, b: s._ended_where(a, b, "d.status = 7"),
    "received": lambda s, a, b: s._received_where(a, b, "1 = 1"),
    "online": lambda s, a, b: s._received_where(a, b, "d.channel = 2"),
    "fully_online": lambda s, a, b: s._received_where(a, b, "d.channel = 2 AND d.result_delivery = 'online'"),
    "not_digitised": lambda s, a, b: s._received_where(
        a, b, "NOT EXISTS (SELECT 1 FROM dossier_file x WHERE x.dossier_id = d.id)"
    ),
    "open_late": _open_late,
}
FIGURES = tuple(_FIGURES)
