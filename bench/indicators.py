"""The indicators dashboard for a year with 100,000 dossiers: `services.indicators.compute` (every figure of /chi-so:
per procedure, division, month and officer, the points per group, the dossiers due this week), the dossiers behind a
figure, and the yearly report, on PostgreSQL (and SQLite). Target: the dashboard's figures in under 1 s on PostgreSQL.

    .venv/bin/python bench/indicators.py [--dossiers 100000] [--repeat 7] [--postgres URL | --no-postgres] [--sqlite]

The tables the figures read are bulk-inserted as the steps and the history projection would have left them: one
running or finished instance per dossier, the dossier rows received through 2026 on the three channels (about 86 %
resolved or returned, 3 % refused after appraisal, 1 % stopped, 1 % withdrawn, the rest open; 4 % with two
supplementation requests, 3 % extended), their facts (`dossier_fact`: resolution time, the date an extension moved
away from), six steps each (`step_fact`, 600,000 rows, 30 officers), a rating for half the returned ones, a scan for
40 % of them, and the open tasks of the open ones; then VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite), as autovacuum
would soon do. The history itself is not generated: the projection has nothing new to read, as on a dashboard opened
after the worker's last pass (its incremental cost is measured separately in the tests). Prints Markdown.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path[:] = [str(Path(__file__).resolve().parents[1])] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]

from bench.common import NoopSender, procedure_files  # noqa: E402
from bench.run import FreshPostgres, postgres_admin_url  # noqa: E402
from engine.domain.calendar import WorkingCalendar  # noqa: E402
from engine.domain.calendar_data import load_overrides  # noqa: E402
from engine.domain.clock import VN_TZ, FakeClock  # noqa: E402
from engine.domain.report_periods import ReportPeriod  # noqa: E402
from engine.persistence.indicators import day_number  # noqa: E402
from engine.persistence.models import (  # noqa: E402
    Dossier,
    DossierFact,
    DossierFile,
    IndicatorDay,
    Instance,
    OfficerDay,
    ProcessVersion,
    SatisfactionRating,
    StepFact,
    UserTask,
)
from engine.persistence.projections import DAY_COUNTERS, DossierSource  # noqa: E402
from engine.services.indicator_projection import contributions, dossier_fact  # noqa: E402

CHUNK = 5_000
YEAR_START = datetime(2026, 1, 1, 8, 0, tzinfo=VN_TZ)
NOW = datetime(2027, 1, 5, 9, 0, tzinfo=VN_TZ)
PROCEDURES = ["1.004454.000.00.00.H56", "1.001849.000.00.00.H56", "1.003172.000.00.00.H56", "1.000047.000.00.00.H56",
              "1.002251.000.00.00.H56"]  # fmt: skip
LANES = ["Bộ phận Một cửa", "Lãnh đạo phòng", "Chuyên viên thụ lý", "Lãnh đạo Sở", "Văn thư", "Bộ phận Một cửa"]
OFFICERS = [f"canbo{n:02d}" for n in range(30)]
CALENDAR = WorkingCalendar(load_overrides(Path(__file__).resolve().parents[1] / "processes/calendar/vn_overrides.yaml"))
STATE = {"format": "motcua-state-1", "bench": "indicators only: state never read"}


def _dossier(rnd: random.Random, id_: int) -> tuple[dict, dict, list[dict], dict | None, dict | None, dict | None]:
    received = YEAR_START + timedelta(minutes=rnd.randrange(0, 60 * 24 * 362))
    due = received + timedelta(days=rnd.randrange(3, 21))
    roll = rnd.random()
    # Most end well before their date, about one in twelve after it.
    status, end = (9 if rnd.random() < 0.3 else 10), received + (due - received) * rnd.uniform(0.25, 1.08)
    if roll < 0.03:
        status = 3
    elif roll < 0.04:
        status = 8
    elif roll < 0.05:
        status = 7
    elif roll < 0.14:
        status, end = rnd.choice((2, 4, 5)), None
    if end is not None and end > NOW:
        status, end = 4, None
    extended = due - timedelta(days=2) if rnd.random() < 0.03 else None
    channel = rnd.choices((1, 2, 3), weights=(45, 45, 10))[0]
    dossier = {
        "id": id_, "code": f"H15.50.05.13-26{id_:07d}", "instance_id": id_, "procedure_code": rnd.choice(PROCEDURES),
        "applicant": {"name": f"Công ty số {id_}", "phone": "0912345678"}, "channel": channel,
        "result_delivery": "online" if channel == 2 and rnd.random() < 0.5 else "counter", "documents": {},
        "fee": rnd.choice((0, 150000)), "fee_paid": False, "received_at": received, "clock_start": received,
        "appointment": due + timedelta(days=2) if extended else due, "original_appointment": due, "status": status,
        "status_changed_at": end or received, "supplement_count": 2 if rnd.random() < 0.04 else rnd.choice((0, 0, 1)),
        "extension_count": 1 if extended else 0, "processing_end_at": end,
        "returned_at": end if status == 10 else None, "received_by": rnd.choice(OFFICERS), "late": False,
        "supplement_requested_at": None, "legal_basis": "nd118-2025",
    }  # fmt: skip
    moved = (extended.isoformat(), (extended, "Chờ xác minh")) if extended else (None, None)
    source = DossierSource(id_, dossier["procedure_code"], status, received, received, dossier["appointment"],
                           dossier["supplement_count"], end, None, channel, dossier["result_delivery"], dossier["fee"],
                           False, 0, *moved, [])  # fmt: skip
    fact = dossier_fact(source, CALENDAR)
    steps, at = [], received
    for step in range(6):
        ready, at = at, at + timedelta(hours=rnd.randrange(1, 40))
        done = at if end is not None or step < 3 else None
        steps.append({"task_id": str(uuid.UUID(int=rnd.getrandbits(128))), "instance_id": id_, "name": f"buoc_{step}",
                      "title": f"Bước {step}", "lane": LANES[step], "ready_at": ready,
                      "due_at": ready + timedelta(hours=rnd.randrange(4, 48)), "completed_at": done,
                      "actor": rnd.choice(OFFICERS) if done else None, "withdrawn": False})  # fmt: skip
    rating = None
    if status == 10 and rnd.random() < 0.5:
        level = rnd.choices(("very_satisfied", "satisfied", "not_satisfied"), weights=(60, 35, 5))[0]
        rating = {"dossier_id": id_, "procedure_code": dossier["procedure_code"], "level": level, "reason": "",
                  "source": "public", "rated_at": end, "recorded_by": None}  # fmt: skip
    scan = None
    if rnd.random() < 0.4:
        fact["digitised"] = True
        scan = {"dossier_id": id_, "document": "Đơn", "filename": "don.pdf", "media_type": "application/pdf", "size": 1,
                "sha256": "0" * 64, "content": b"x", "uploaded_at": received, "uploaded_by": "motcua"}  # fmt: skip
    task = None
    if end is None:
        step = steps[3]
        task = {"task_id": step["task_id"], "instance_id": id_, "instance_code": dossier["code"],
                "process_id": "x_quang_y_te", "name": step["name"], "title": step["title"], "lane": step["lane"],
                "assignee": rnd.choice(OFFICERS) if rnd.random() < 0.5 else None, "properties": {},
                "ready_at": step["ready_at"], "due_at": step["due_at"], "procedure_code": dossier["procedure_code"],
                "applicant_name": "x", "appointment": due, "portal_status": 4}  # fmt: skip
        steps[3] = {**step, "completed_at": None, "actor": None}
    return dossier, fact, steps, rating, scan, task


def fill(services, count: int, seed: int = 766) -> float:
    rnd = random.Random(seed)
    services.deploy.deploy(procedure_files(), "bench")
    days: dict[tuple[str, int], dict[str, float]] = defaultdict(lambda: dict.fromkeys(DAY_COUNTERS, 0))
    officers: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: {"done": 0, "late": 0})
    began = time.perf_counter()
    with services.db.engine.begin() as conn:
        version = conn.scalar(select(ProcessVersion.id).order_by(ProcessVersion.id).limit(1))
        first = (conn.scalar(select(func.max(Instance.id))) or 0) + 1
        for low in range(0, count, CHUNK):
            made = [_dossier(rnd, first + i) for i in range(low, min(low + CHUNK, count))]
            conn.execute(insert(Instance), [_instance(d[0], version) for d in made])
            conn.execute(insert(Dossier), [d[0] for d in made])
            conn.execute(insert(DossierFact), [d[1] for d in made])
            conn.execute(insert(StepFact), [s for d in made for s in d[2]])
            for d in made:  # the per-day sums the projection keeps, from the same contributions()
                for key, values in contributions(d[1]).items():
                    for name, value in values.items():
                        days[key][name] += value
                for step in d[2]:
                    if step["completed_at"] is not None:
                        counts = officers[(step["actor"], day_number(step["completed_at"]))]
                        counts["done"] += 1
                        counts["late"] += int(step["completed_at"] > step["due_at"])
            for table, index in ((SatisfactionRating, 3), (DossierFile, 4), (UserTask, 5)):
                rows = [d[index] for d in made if d[index] is not None]
                if rows:
                    conn.execute(insert(table), rows)
            print(f"  {min(low + CHUNK, count):,} dossiers", file=sys.stderr, flush=True)
        conn.execute(insert(IndicatorDay), [{"procedure_code": p, "day": d, **v} for (p, d), v in days.items()])
        conn.execute(insert(OfficerDay), [{"actor": a, "day": d, **v} for (a, d), v in officers.items()])
    seconds = time.perf_counter() - began
    with services.db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")
    return seconds


def _instance(dossier: dict, version: int) -> dict:
    return {"id": dossier["id"], "code": dossier["code"], "process_version_id": version,
            "status": "running" if dossier["processing_end_at"] is None else "completed", "state": STATE,
            "revision": 1, "started_at": dossier["received_at"], "updated_at": dossier["received_at"],
            "last_event_hash": "", "last_event_seq": 0}  # fmt: skip


def timed(action, repeat: int) -> tuple[float, float, object]:
    action()  # warm the plan cache and the pool
    laps, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = action()
        laps.append((time.perf_counter() - began) * 1000)
    return statistics.median(laps), max(laps), result


def run(label: str, url: str, args) -> list[str]:
    from web import create_app

    app = create_app({"database_url": url, "secret_key": "x"}, clock=FakeClock(NOW), sender=NoopSender())
    services = app.extensions["motcua"]
    try:
        services.migrate()
        print(f"{label}: filling {args.dossiers:,} dossiers ...", file=sys.stderr, flush=True)
        seconds = fill(services, args.dossiers)
        year = (date(2026, 1, 1), date(2026, 12, 31))
        cases = [
            ("the dashboard, year 2026 (`indicators.compute`)", lambda: services.indicators.compute(*year)),
            ("the dashboard, March 2026", lambda: services.indicators.compute(date(2026, 3, 1), date(2026, 3, 31))),
            ("late dossiers of the year (500 rows)", lambda: services.indicators.dossiers("late", *year)),
            ("the yearly report (`reports.build`)", lambda: services.reports.build(ReportPeriod("year", 2026, 1))),
        ]  # fmt: skip
        rows = []
        for name, action in cases:
            median, worst, result = timed(action, args.repeat)
            rows.append((name, median, worst, result))
    finally:
        services.close()
    total = rows[0][3].total
    lines = [
        f"{label}: {args.dossiers:,} dossiers of 2026 ({total.received:,} counted as received, {total.judged:,} "
        f"resolved, {total.late:,} late), {6 * args.dossiers:,} steps; filled in {seconds:.0f} s; "
        f"{args.repeat} timed runs each",
        "",
        "| what | median (ms) | slowest (ms) | < 1 s |",
        "|---|---:|---:|---|",
    ]
    for name, median, worst, _result in rows:
        lines.append(f"| {name} | {median:.0f} | {worst:.0f} | {'PASS' if worst < 1000 else 'MISS'} |")
    return [*lines, ""]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server (default: MOTCUA_TEST_POSTGRES_URL)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--sqlite", action="store_true", help="also on SQLite")
    args = parser.parse_args(argv)
    out = []
    admin = postgres_admin_url(args) if not args.no_postgres else None
    if admin:
        with FreshPostgres(admin) as pg:
            out += run(f"PostgreSQL {pg.version}", pg.url, args)
    if args.sqlite:
        with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
            out += run("SQLite", f"sqlite:///{tmp}/indicators.db", args)
    print("\n".join(out))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
