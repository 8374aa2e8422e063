"""The monthly list of late dossiers (danh sách hồ sơ quá hạn), published by the 5th of the next month with the apology
letters, naming the steps, officers and units that were late. Pure: dossier values and history events in, rows out.

Rules (DOMAIN.md, engine/domain/timeliness.py, engine/services/step.py):
- a dossier is judged against its appointment as moved by supplementation, not by an extension: the apology letter
  (the apology letter) gives a new return date but does not make a late dossier on time;
- ended late in the month: its processing ended (refused 3, stopped 8, resolved 9, returned 10) within the month and
  after that date, or with more than one supplementation request; a withdrawal (7) is not judged;
- still open past the date: not ended by the end of the month (or by now, for the current month) and the date passed.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.domain.dates import vn_stamp
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.timeliness import OfficeTime
from engine.services.task_history import EventLike, Step, last_of, steps

JUDGED_END_STATUSES = frozenset({3, 8, 9, 10})
STATES = {
    "ended_late": "Đã giải quyết quá hạn",
    "supplemented": "Yêu cầu bổ sung hơn một lần",
    "open_late": "Đang giải quyết, đã quá hạn",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class LateStep:
    """A step finished after its deadline, or still open past it: who (`officer`, "" if nobody took it) in which
    lane."""

    name: str
    title: str
    lane: str
    officer: str
    due_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class LateDossier:
    """One line of the report. `due` is the date lateness is judged by, `appointment` the current one (after an
    extension); `overdue_hours` is the office time from `due` to the end (or to the end of the month)."""

    code: str
    procedure: str
    applicant: str
    received_at: datetime
    due: datetime
    appointment: datetime
    processing_end_at: datetime | None
    state: str  # ended_late | supplemented | open_late
    overdue_hours: float
    steps: tuple[LateStep, ...]
    officers: tuple[str, ...]
    divisions: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class DossierFacts:
    """What the report needs of a stored dossier (times aware)."""

    code: str
    procedure: str
    applicant: str
    received_at: datetime
    appointment: datetime
    processing_end_at: datetime | None
    status: int
    supplement_count: int
    extension_count: int


def lateness_due(facts: DossierFacts, events: Sequence[EventLike]) -> datetime:
    """The appointment, or the one the extension moved away from."""
    if facts.extension_count:
        moved = last_of(events, "dossier:appointment:moved", rule="extension")
        if moved is not None and moved.payload.get("from"):
            return datetime.fromisoformat(moved.payload["from"])
    return facts.appointment


def late_dossier(
    facts: DossierFacts,
    events: Sequence[EventLike],
    start: datetime,
    end: datetime,
    now: datetime,
    calendar: OfficeTime,
    names: dict[str, str],
) -> LateDossier | None:
    """The report line of `facts` for the month [start, end) seen at `now`, or None when it was not late then."""
    due, ended, cut = lateness_due(facts, events), facts.processing_end_at, min(end, now)
    if ended is not None and start <= ended < end:
        if facts.status not in JUDGED_END_STATUSES:
            return None
        if ended > due:
            state = "ended_late"
        elif facts.supplement_count > 1:
            state = "supplemented"
        else:
            return None
        until = ended
    elif (ended is None or ended >= end) and due < cut:
        state, until = "open_late", cut
    else:
        return None
    late = tuple(_late_step(step, events, until, names) for step in steps(events) if step.late_at(until))
    overdue = calendar.working_time_between(due, until).total_seconds() / 3600 if until > due else 0.0
    return LateDossier(
        code=facts.code,
        procedure=facts.procedure,
        applicant=facts.applicant,
        received_at=facts.received_at,
        due=due,
        appointment=facts.appointment,
        processing_end_at=ended,
        state=state,
        overdue_hours=round(overdue, 2),
        steps=late,
        officers=tuple(dict.fromkeys(s.officer for s in late if s.officer)),
        divisions=tuple(dict.fromkeys(s.lane for s in late if s.lane)),
        reason=_reason(events),
    )


def _late_step(step: Step, events: Sequence[EventLike], until: datetime, names: dict[str, str]) -> LateStep:
    actor = step.actor
    if actor is None:  # still open: whoever claimed it
        claimed = last_of([e for e in events if e.task_id == step.task_id], "dossier:task:claimed")
        actor = claimed.actor if claimed is not None else ""
    assert step.due_at is not None  # late_at() is False without a deadline
    return LateStep(step.name, step.title, step.lane, names.get(actor, actor), step.due_at, step.completed_at)


def _reason(events: Sequence[EventLike]) -> str:
    legal = shipped_legal_bases()
    letters = [
        e
        for e in events
        if e.tag == "dossier:letter:queued" and legal.meaning((e.payload or {}).get("form")) == "apology"
    ]
    letter = max(letters, key=lambda e: e.seq) if letters else None
    if letter is not None and letter.payload.get("reason"):
        return str(letter.payload["reason"])
    moved = last_of(events, "dossier:appointment:moved", rule="extension")
    return str(moved.payload.get("reason") or "") if moved is not None else ""


def late_report_csv(rows: Iterable[LateDossier]) -> str:
    """The report as CSV text for Excel: a UTF-8 byte-order mark, Vietnamese headers, one line per dossier, times
    dd/mm/yyyy HH:MM in Vietnam time; cells an applicant typed cannot start a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "STT",
            "Mã hồ sơ",
            "Tên thủ tục hành chính",
            "Tên cá nhân, tổ chức",
            "Nhận hồ sơ",
            "Hạn giải quyết",
            "Hẹn lại ngày trả",
            "Kết thúc xử lý",
            "Tình trạng",
            "Quá hạn (giờ làm việc)",
            "Bước quá hạn",
            "Công chức xử lý",
            "Bộ phận",
            "Lý do",
        ]
    )
    for number, row in enumerate(rows, start=1):
        cells = [
            row.code,
            row.procedure,
            row.applicant,
            vn_stamp(row.received_at),
            vn_stamp(row.due),
            vn_stamp(row.appointment) if row.appointment != row.due else "",
            vn_stamp(row.processing_end_at),
            STATES[row.state],
            f"{row.overdue_hours:g}",
            "; ".join(step.title for step in row.steps),
            "; ".join(row.officers),
            "; ".join(row.divisions),
            row.reason,
        ]
        writer.writerow([number, *(_defuse(cell) for cell in cells)])
    return "\ufeff" + out.getvalue()


def _defuse(cell: str) -> str:
    # Applicants type names and reasons; a leading = + - @ would run as a formula in Excel (OWASP "CSV injection").
    return "'" + cell if cell.startswith(_FORMULA_START) else cell
