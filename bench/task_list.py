"""The task list page with 100,000 open tasks: `services.task_list.page` (one page of rows plus the total count) for an
officer's role with the list's filters and sorts, on SQLite and PostgreSQL. Target: < 50 ms per page.

    .venv/bin/python bench/task_list.py [--rows 100000] [--repeat 30] [--postgres URL | --no-postgres]

The projection (`user_task`) is bulk-inserted with one running instance per task (placeholder state: the list never
reads it), spread over the five lanes, five procedures, the portal statuses of open steps, and deadlines from five
working days overdue to four weeks ahead; one task in ten is claimed; then the tables are analysed (VACUUM ANALYZE on
PostgreSQL, as autovacuum would soon do). Prints a Markdown table (bench/RESULTS.md).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

# The project root instead of this folder, whose http.py would hide the standard library's `http`.
sys.path[:] = [str(Path(__file__).resolve().parents[1])] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]

from bench.common import START, NoopSender, procedure_files  # noqa: E402
from bench.run import FreshPostgres, postgres_admin_url  # noqa: E402
from engine.domain.clock import FakeClock  # noqa: E402
from engine.domain.permissions import LANE_ROLES, lanes_of  # noqa: E402
from engine.persistence.models import Instance, ProcessVersion, UserTask  # noqa: E402
from engine.services.task_list import TaskQuery  # noqa: E402

CHUNK = 2_000
PROCEDURES = ["1.004454.000.00.00.H56", "1.001849.000.00.00.H56", "1.003172.000.00.00.H56", "1.000047.000.00.00.H56",
              "1.002251.000.00.00.H56"]  # fmt: skip
LANES = {"Chuyên viên thụ lý": 40, "Bộ phận Một cửa": 20, "Lãnh đạo phòng": 15, "Lãnh đạo Sở": 15, "Văn thư": 10}
STEPS = {"tiep_nhan": 2, "tham_dinh": 4, "nhan_bo_sung": 5, "tra_ket_qua": 9}
STATE = {"format": "motcua-state-1", "bench": "task list only: state never read"}


def fill(services, count: int, seed: int = 7) -> float:
    """Insert `count` running instances with one open user task each; returns the seconds it took."""
    rnd = random.Random(seed)
    lanes = rnd.choices(list(LANES), weights=list(LANES.values()), k=count)
    services.deploy.deploy(procedure_files(), "bench")
    began = time.perf_counter()
    with services.db.engine.begin() as conn:
        version = conn.scalar(select(ProcessVersion.id).order_by(ProcessVersion.id).limit(1))
        first = (conn.scalar(select(func.max(Instance.id))) or 0) + 1
        for low in range(0, count, CHUNK):
            ids = range(low, min(low + CHUNK, count))
            conn.execute(insert(Instance), [_instance(first + i, version) for i in ids])
            conn.execute(insert(UserTask), [_task(rnd, first + i, lanes[i]) for i in ids])
    seconds = time.perf_counter() - began
    # What autovacuum (PostgreSQL) and `PRAGMA optimize` (SQLite) reach soon after a bulk load: statistics for the
    # planner, and on PostgreSQL the visibility map, without which counting from an index still reads the table.
    with services.db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE user_task")
        else:
            conn.exec_driver_sql("ANALYZE")
    return seconds


def _instance(id_: int, version: int) -> dict:
    return {"id": id_, "code": f"H15.50.05.13-26{id_:07d}", "process_version_id": version, "status": "running",
            "state": STATE, "revision": 1, "started_at": START, "updated_at": START, "last_event_hash": "",
            "last_event_seq": 0}  # fmt: skip


def _task(rnd: random.Random, id_: int, lane: str) -> dict:
    name = rnd.choice(list(STEPS))
    ready = START - timedelta(minutes=rnd.randrange(0, 60 * 24 * 20))
    due = START + timedelta(minutes=rnd.randrange(-60 * 24 * 7, 60 * 24 * 28))
    return {
        "task_id": str(uuid.UUID(int=rnd.getrandbits(128))),
        "instance_id": id_,
        "instance_code": f"H15.50.05.13-26{id_:07d}",
        "process_id": "x_quang_y_te",
        "name": name,
        "title": name.replace("_", " ").capitalize(),
        "lane": lane,
        "assignee": f"{LANE_ROLES[lane]}{rnd.randrange(5)}" if rnd.random() < 0.1 else None,
        "properties": {"form": name, "allotment": "2d"},
        "ready_at": ready,
        "due_at": due,
        "procedure_code": rnd.choice(PROCEDURES),
        "applicant_name": f"Công ty TNHH số {id_}",
        "appointment": due + timedelta(days=rnd.randrange(0, 15)),
        "portal_status": STEPS[name],
    }


def scenarios() -> list[tuple[str, TaskQuery]]:
    """What officers ask the list for: the largest lane (the specialists', 40 % of all tasks) unless said otherwise."""
    role = tuple(lanes_of("specialist"))
    return [
        ("role, by deadline (the default page)", TaskQuery(lanes=role)),
        ("role, page 40 (offset 975)", TaskQuery(lanes=role, offset=975, limit=25)),
        ("role + procedure", TaskQuery(lanes=role, procedure_code=PROCEDURES[0])),
        ("role + status 4", TaskQuery(lanes=role, portal_status=4)),
        ("role + overdue", TaskQuery(lanes=role, deadline="overdue")),
        ("role + due soon", TaskQuery(lanes=role, deadline="soon")),
        (
            "role + procedure + status + in time",
            TaskQuery(lanes=role, procedure_code=PROCEDURES[1], portal_status=4, deadline="in_time"),
        ),  # fmt: skip
        ("role, by appointment, newest first", TaskQuery(lanes=role, sort="appointment", descending=True)),
        ("role, by dossier code", TaskQuery(lanes=role, sort="code")),
        ("mine (claimed by me)", TaskQuery(lanes=role, assignee="specialist1")),
        ("clerk's role (10 %)", TaskQuery(lanes=tuple(lanes_of("clerk")))),
    ]


def measure(services, repeat: int) -> list[dict]:
    rows = []
    for label, query in scenarios():
        query = TaskQuery(**{**query.__dict__, "limit": query.limit if query.offset else 25})
        for _ in range(3):
            services.task_list.page(query)  # warm caches and the query plan
        laps = []
        for _ in range(repeat):
            began = time.perf_counter()
            page = services.task_list.page(query)
            laps.append((time.perf_counter() - began) * 1000)
        laps.sort()
        rows.append({"query": label, "total": page.total, "rows": len(page.rows), "median": statistics.median(laps),
                     "p95": laps[int(0.95 * (len(laps) - 1))]})  # fmt: skip
    return rows


def run(label: str, url: str, args) -> list[str]:
    from web import create_app

    app = create_app({"database_url": url, "secret_key": "x"}, clock=FakeClock(START), sender=NoopSender())
    services = app.extensions["motcua"]
    try:
        services.migrate()
        print(f"{label}: filling {args.rows:,} open tasks ...", file=sys.stderr, flush=True)
        seconds = fill(services, args.rows)
        results = measure(services, args.repeat)
    finally:
        services.close()
    lines = [
        f"{label}: {args.rows:,} open tasks, filled in {seconds:.1f} s; {args.repeat} timed pages per query",
        "",
        "| query | matching | rows | median (ms) | p95 (ms) | < 50 ms |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        verdict = "PASS" if r["p95"] < 50 else "MISS"
        lines.append(
            f"| {r['query']} | {r['total']:,} | {r['rows']} | {r['median']:.2f} | {r['p95']:.2f} | {verdict} |"
        )
    return [*lines, ""]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="open tasks to fill (default 100,000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed pages per query (default 30)")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server (default: MOTCUA_TEST_POSTGRES_URL)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    out = []
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        out += run("SQLite", f"sqlite:///{tmp}/tasks.db", args)
    admin = postgres_admin_url(args) if not args.no_postgres else None
    if admin:
        with FreshPostgres(admin) as pg:
            out += run(f"PostgreSQL {pg.version}", pg.url, args)
    print("\n".join(out))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
