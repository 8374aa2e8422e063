"""The quarterly report over a generated quarter (SQLite and PostgreSQL): a hand-made table of dossiers around the
data window (cut-off day 14: 15 December 2025 to 14 March 2026) whose report is written out by hand, and a random
quarter checked line by line against the pure 766 formula applied dossier by dossier."""

import random
from datetime import date, datetime, timedelta

import pytest

from engine.domain.clock import VN_TZ
from engine.domain.indicators import dossier_outcome
from engine.domain.report_periods import ReportPeriod
from engine.persistence.models import Dossier
from engine.persistence.projections import DossierSource, ProjectionStore
from engine.services.indicator_projection import contributions, dossier_fact

X_RAY, HOP_QUY, KHCN = "1.004454.000.00.00.H56", "1.000047.000.00.00.H56", "1.001849.000.00.00.H56"
FIELDS = {
    X_RAY: "An toàn bức xạ và hạt nhân",
    KHCN: "Hoạt động khoa học và công nghệ",
    HOP_QUY: "Tiêu chuẩn, đo lường, chất lượng",
}


def vn(y, m, d, h=10) -> datetime:
    return datetime(y, m, d, h, 0, tzinfo=VN_TZ)


# (procedure, received, channel, status, due, processing end, supplement requests, extended from)
QUARTER = [
    (X_RAY, vn(2025, 12, 1), 1, 10, vn(2025, 12, 16), vn(2025, 12, 12), 0, None),  # ended before the window
    (X_RAY, vn(2025, 12, 5), 1, 10, vn(2025, 12, 20), vn(2026, 1, 5), 0, None),  # carried over, late
    (X_RAY, vn(2025, 12, 10), 2, 4, vn(2025, 12, 25), None, 0, None),  # carried over, still open, over time
    (X_RAY, vn(2026, 1, 5), 2, 10, vn(2026, 1, 20, 17), vn(2026, 1, 15), 0, None),  # new online, early
    (X_RAY, vn(2026, 1, 6), 1, 9, vn(2026, 1, 21, 10), vn(2026, 1, 21, 9), 0, None),  # on time (same day)
    (X_RAY, vn(2026, 1, 7), 3, 10, vn(2026, 1, 22), vn(2026, 1, 20), 2, None),  # postal, two supplementations: late
    (X_RAY, vn(2026, 2, 2), 1, 10, vn(2026, 2, 25), vn(2026, 2, 20), 0, vn(2026, 2, 18)),  # extended: late
    (X_RAY, vn(2026, 2, 3), 2, 7, vn(2026, 2, 18), vn(2026, 2, 10), 0, None),  # withdrawn
    (HOP_QUY, vn(2026, 2, 10), 1, 8, vn(2026, 2, 17), vn(2026, 2, 12), 0, None),  # stopped, early
    (HOP_QUY, vn(2026, 3, 2), 2, 3, vn(2026, 3, 9, 8), vn(2026, 3, 9, 15), 0, None),  # refused after appraisal, late
    (HOP_QUY, vn(2026, 3, 10), 1, 4, vn(2026, 3, 17), None, 0, None),  # open, within time
    (HOP_QUY, vn(2026, 3, 13), 2, 1, vn(2026, 3, 20), None, 0, None),  # online, not yet accepted: not counted
    (KHCN, vn(2026, 3, 14, 16), 1, 10, vn(2026, 3, 20), vn(2026, 3, 16), 0, None),  # ended after the window: open
    (KHCN, vn(2026, 3, 16), 1, 4, vn(2026, 3, 25), None, 0, None),  # received after the window
    (KHCN, vn(2025, 12, 14, 23), 1, 2, vn(2026, 1, 10), None, 0, None),  # carried over (just before), over time
]

# The report written out by hand. Columns: received, carried, new online, new counter/postal, resolved, early,
# on time, late, withdrawn, in progress, within, over.
EXPECTED = {
    X_RAY: [7, 2, 2, 3, 5, 1, 1, 3, 1, 1, 0, 1],
    KHCN: [2, 1, 0, 1, 0, 0, 0, 0, 0, 2, 1, 1],
    HOP_QUY: [3, 0, 1, 2, 2, 1, 0, 1, 0, 1, 1, 0],
}
TOTAL = [12, 3, 3, 6, 7, 2, 1, 4, 1, 4, 2, 2]


@pytest.fixture
def app_config():
    return {"report_cutoff_day": 14, "report_due_day": 18}


def insert(services, rows) -> None:
    """Dossier rows as the steps would have left them, and their facts and per-day sums as the projection writes them
    (the report reads those only)."""
    calendar = services.calendars.current()
    with services.db.unit_of_work() as uow:
        session, store = uow.session, ProjectionStore(uow)
        for number, (procedure, received, channel, status, due, end, supplements, extended) in enumerate(rows, 1):
            dossier = Dossier(
                code=f"T-{number:05d}",
                instance_id=None,
                procedure_code=procedure,
                applicant={"name": f"Người nộp {number}"},
                channel=channel,
                result_delivery="counter",
                documents={},
                fee=0,
                fee_paid=False,
                received_at=received,
                clock_start=received,
                appointment=due,
                original_appointment=extended or due,
                status=status,
                status_changed_at=end or received,
                supplement_count=supplements,
                extension_count=1 if extended else 0,
                processing_end_at=end,
                returned_at=end if status == 10 else None,
                received_by="motcua1",
                late=False,
                supplement_requested_at=None,
                legal_basis="nd118-2025",
            )
            session.add(dossier)
            session.flush()
            moved = (extended.isoformat(), (extended, "Xin lỗi")) if extended else (None, None)
            source = DossierSource(
                dossier.id, procedure, status, received, received, due, supplements, end, None, channel, "counter",
                0, False, 0, *moved, [],
            )  # fmt: skip
            store.put_fact(dossier_fact(source, calendar), contributions)


def test_the_quarter_report_matches_the_hand_computed_table(services, clock):
    insert(services, QUARTER)
    clock.set(vn(2026, 4, 1))
    report = services.reports.build(ReportPeriod("quarter", 2026, 1))

    assert (report.first_day, report.last_day, report.due) == (date(2025, 12, 15), date(2026, 3, 14), date(2026, 3, 18))
    assert [block.name for block in report.fields] == sorted(FIELDS.values())
    got = {code: line.cells() for block in report.fields for code, _name, line in block.procedures}
    assert got == EXPECTED
    assert report.total.cells() == TOTAL
    t = report.total
    assert t.received == t.resolved + t.withdrawn + t.in_progress  # the columns balance


def test_a_random_quarter_agrees_with_the_766_formula_dossier_by_dossier(services, clock):
    rng = random.Random(766)
    rows = []
    for _ in range(240):
        received = vn(2025, 12, 1) + timedelta(hours=rng.randrange(0, 24 * 110))
        due = received + timedelta(days=rng.randrange(1, 20), hours=rng.randrange(0, 9))
        status = rng.choice([2, 4, 5, 9, 10, 10, 10, 3, 7, 8])
        end = (
            received + timedelta(days=rng.randrange(0, 30), hours=rng.randrange(0, 9))
            if status not in (2, 4, 5)
            else None
        )
        extended = due - timedelta(days=3) if status in (9, 10) and rng.random() < 0.1 else None
        rows.append(
            (
                rng.choice(list(FIELDS)),
                received,
                rng.choice([1, 2, 3]),
                status,
                due,
                end,
                rng.choice([0, 0, 1, 2]),
                extended,
            )
        )
    insert(services, rows)
    clock.set(vn(2026, 4, 1))
    report = services.reports.build(ReportPeriod("quarter", 2026, 1))

    start, end = vn(2025, 12, 15, 0), vn(2026, 3, 15, 0)
    expected: dict[str, list[int]] = {code: [0] * 12 for code in FIELDS}
    for procedure, received, channel, status, due, ended, supplements, extended in rows:
        counts = expected[procedure]
        if received >= end or (ended is not None and ended < start):
            continue
        if received < start:
            counts[1] += 1
        else:
            counts[2 if channel == 2 else 3] += 1
        if ended is not None and ended < end:
            outcome = dossier_outcome(status, ended, extended or due, supplements)
            if outcome is None:
                counts[8] += 1
            else:
                counts[{"early": 5, "on_time": 6, "late": 7}[outcome]] += 1
        else:
            counts[11 if (extended or due) < end else 10] += 1
    for counts in expected.values():
        counts[0], counts[4], counts[9] = counts[1] + counts[2] + counts[3], sum(counts[5:8]), counts[10] + counts[11]
    got = {code: line.cells() for block in report.fields for code, _name, line in block.procedures}
    assert got == {code: counts for code, counts in expected.items() if counts[0]}
