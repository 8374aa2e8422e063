"""Benchmarks of motcua against SpiffWorkflow alone and against the naive way of persisting it.

    python bench/run.py             # full run; writes bench/RESULTS.md
    python bench/run.py --quick     # smoke run (small N, 10,000 waiting dossiers); writes nothing

(a) SpiffWorkflow in memory, (b) naive whole-JSON-per-step persistence on SQLite, (c) motcua on SQLite and, when a
server is available, on PostgreSQL (a fresh database, dropped at the end); (d) a timer pass with nothing due among
many waiting dossiers and (e) the process's RSS as they grow. See bench/RESULTS.md.
"""

import argparse
import contextlib
import os
import sys
import tempfile
import uuid
from pathlib import Path

# The project root instead of this folder, whose http.py would hide the standard library's `http`.
sys.path[:] = [str(Path(__file__).resolve().parents[1])] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench import approaches, report  # noqa: E402
from bench.timer_pass import waiting_series  # noqa: E402

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
RESULTS = Path(__file__).with_name("RESULTS.md")
# Sections of RESULTS.md that a new run keeps: the hand-written analysis and bench/http.py's own section.
KEPT_HEADINGS = (
    "## Analysis",
    "## HTTP (bench/http.py)",
    "## Scripts (bench/scripts.py)",
    "## Verify all (bench/verify_all.py)",
)


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: N=20, 1,000 and 10,000 waiting dossiers")
    parser.add_argument("--n", type=int, help="instances per approach (default 200, 20 with --quick)")
    parser.add_argument("--passes", type=int, help="timed timer passes per size (default 50, 20 with --quick)")
    parser.add_argument("--only", default="abcd", help="which parts to run, e.g. 'c' or 'ab' (d includes e)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="admin URL of a PostgreSQL server (else the environment's"
        " MOTCUA_TEST_POSTGRES_URL, else a local server if it lets user postgres in)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--rounds", type=int, default=10, help="rounds the approaches take turns in (default 10)")
    parser.add_argument("--output", type=Path, help=f"write the results here (default {RESULTS} on a full run)")
    args = parser.parse_args(argv)
    args.n = args.n or (20 if args.quick else 200)
    args.passes = args.passes or (20 if args.quick else 50)
    args.sizes = (1_000, 10_000) if args.quick else (1_000, 100_000)
    if args.output is None and not args.quick and args.only == "abcd":
        args.output = RESULTS
    return args


def postgres_admin_url(args) -> str | None:
    """The PostgreSQL server to use, or None (with a message) when there is none."""
    if args.no_postgres:
        return None
    url = args.postgres or os.environ.get("MOTCUA_TEST_POSTGRES_URL")
    try:
        engine = create_engine(url or LOCAL_POSTGRES, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return url or LOCAL_POSTGRES
    except Exception as exc:
        if url:
            raise SystemExit(f"PostgreSQL at {url} is unreachable: {exc}")
        print(f"PostgreSQL skipped: no --postgres or MOTCUA_TEST_POSTGRES_URL, and {LOCAL_POSTGRES} did not answer")
        return None


class FreshPostgres:
    """A database created for this run on the server at `admin_url`, dropped on exit."""

    def __init__(self, admin_url: str):
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.name = f"motcua_bench_{uuid.uuid4().hex[:10]}"
        self.url = make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> "FreshPostgres":
        with self.admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE \"{self.name}\" ENCODING 'UTF8' TEMPLATE template0"))
            self.version = conn.scalar(text("SHOW server_version"))
        return self

    def __exit__(self, *exc) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def kept_sections(path: Path | None) -> list[str]:
    """The lines of the sections of `path` that a run keeps (each from its heading on), in the order listed."""
    if path is None or not path.exists():
        return []
    text_ = path.read_text(encoding="utf-8")
    kept: list[str] = []
    for heading in KEPT_HEADINGS:
        if f"\n{heading}\n" not in text_:  # whole lines: "## HTTP" is not "## HTTP (bench/http.py)"
            continue
        section = text_.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
        kept += ["", heading, "", *section.strip("\n").splitlines()]
    return kept


def throughput(args, tmp: Path, databases: dict, notes: list[str]) -> list[tuple[str, int, float, float]]:
    """(a), (b) and (c) on each database in `databases` (label -> services), interleaved: `args.rounds` rounds, each
    running every approach on its share of the instances, so that all of them meet the same load of a shared
    machine (run one after the other, a ratio would also measure how that load changed meanwhile)."""
    runs: list[tuple[str, object]] = []
    if "a" in args.only:
        approaches.check_spiff()
        runs.append(("a (Spiff in memory)", lambda k, _r: approaches.run_spiff(k)))
    sizes: list[int] = []

    def naive(k: int, r: int) -> tuple[float, float]:
        spent, size = approaches.run_naive(k, tmp / f"naive-{r}")
        sizes.append(size)
        return spent

    if "b" in args.only:
        runs.append(("b (naive JSON, SQLite)", naive))
    if "c" in args.only:
        for label, services in databases.items():
            runs.append(
                (f"c (motcua, {label})", lambda k, r, s=services: approaches.run_motcua(s, k, prefix=f"BENCH{r}"))
            )
    wall = dict.fromkeys((label for label, _run in runs), 0.0)
    cpu = dict(wall)
    share = max(1, args.n // args.rounds)
    for r in range(args.rounds):
        print(f"round {r + 1}/{args.rounds}: {share} instances per approach ...", flush=True)
        for label, run in runs:
            spent_wall, spent_cpu = run(share, r)  # type: ignore[operator]
            wall[label] += spent_wall
            cpu[label] += spent_cpu
    if sizes:
        notes.append(f"- b stores {sizes[0]:,} bytes of workflow JSON per completed dossier (spec included).")
    return [(label, share * args.rounds, wall[label], cpu[label]) for label in wall]


def main(argv=None) -> None:
    args = arguments(argv)
    timers: dict[str, list[dict]] = {}
    notes: list[str] = []
    pg_version = None
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp, contextlib.ExitStack() as stack:
        databases = {"SQLite": approaches.motcua_app(f"sqlite:///{tmp}/motcua.db")}
        stack.callback(databases["SQLite"].close)
        if ("c" in args.only or "d" in args.only) and (admin := postgres_admin_url(args)):
            pg = stack.enter_context(FreshPostgres(admin))
            pg_version = pg.version
            databases["PostgreSQL"] = approaches.motcua_app(pg.url)
            stack.callback(databases["PostgreSQL"].close)
        results = throughput(args, Path(tmp), databases, notes)
        if "d" in args.only:
            for label, services in databases.items():
                print(f"(d, e) timer passes on {label}, waiting dossiers {args.sizes} ...", flush=True)
                timers[label] = waiting_series(services, args.sizes, args.passes)

    lines = report.throughput_lines(results) + [""] + (report.timer_lines(timers) if timers else [])
    print("\n" + "\n".join(lines))
    if args.output:
        command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
        info = report.machine(pg_version)
        sections = kept_sections(args.output)
        body = report.markdown(info, report.throughput_lines(results), report.timer_lines(timers), notes, command)
        if sections:
            body = body.rstrip("\n") + "\n" + "\n".join(sections) + "\n"
        args.output.write_text(body, encoding="utf-8")
        print(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
