"""`motcua verify --all` over many completed dossiers: dossiers per second and peak memory, on SQLite and PostgreSQL.

    .venv/bin/python bench/verify_all.py                   # 10,000 dossiers; rewrites its section of RESULTS.md
    .venv/bin/python bench/verify_all.py --quick           # 100 dossiers, SQLite only; writes nothing
    .venv/bin/python bench/verify_all.py --dossiers 2000 --checkpoints 500,2000 [--postgres URL | --no-postgres]

The dossiers are made the way the application makes them: received at the counter or online by the one-stop officer
(`services.reception.receive`, the real procedures of processes/, four of them in turn), then every task each one's
workflow offers completed in order with its form's data (assignment, appraisal approved, review, signature,
issuing, return of the result) until the workflow ends, with a virtual clock two minutes on per action (so no
deadline falls due: each dossier's timers are scheduled and cancelled). Every step records its inputs, digests and
seals as in production.

At each checkpoint (a number of completed dossiers) the real command runs in a child process, as an auditor runs it:
`motcua verify --all` (hash chain, MACs, rows against the digests, then re-execution of every step against the
recorded process version) and `motcua verify --all --no-replay` (the chain and rows only). Timed by wall clock; the
child's CPU time and peak RSS come from `wait4`. The same RSS at 1,000 and 10,000 dossiers shows memory is bounded.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path[:] = [str(Path(__file__).resolve().parents[1])] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]

from bench import report  # noqa: E402
from bench.common import NoopSender  # noqa: E402
from bench.run import FreshPostgres, postgres_admin_url  # noqa: E402
from engine.domain.clock import VN_TZ, FakeClock  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "Verify all (bench/verify_all.py)"
AUDIT_KEY = "bench-verify-all-key"
PROCESSES = ("x_quang_y_te", "cong_bo_hop_quy", "dang_ky_ket_qua_nhiem_vu", "dang_ky_to_chuc_khcn")
START = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)  # a Monday
STEP_MINUTES = 2
APPLICANT = {
    "type": 2,
    "name": "Công ty TNHH Thiết bị y tế Hồng Phúc",
    "id_number": "0109876543",
    "address": "Số 12 đường Lê Lợi, phường Hợp Giang",
    "phone": "0206 3850 111",
}
FORM_DATA = {  # what each officer enters (processes/forms/*.json); a task not listed takes an empty form
    "tiep_nhan": {"reception_result": "accept", "missing_items": [], "refusal_reasons": []},
    "phan_cong": {"specialist": "chuyenvien", "note": ""},
    "tham_dinh": {"appraisal_result": "approve", "opinion": "Hồ sơ đáp ứng đủ điều kiện"},
    "xem_xet": {"approved": True, "comment": ""},
    "ky_duyet": {"approved": True, "comment": ""},
    "ban_hanh": {"document_number": "125/GP-SKHCN", "note": ""},
    "tra_ket_qua": {"returned_to": "Nguyễn Văn Bình", "note": ""},
}


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 100 dossiers, SQLite only, writes nothing")
    parser.add_argument("--dossiers", type=int, help="completed dossiers to verify (default 10,000)")
    parser.add_argument("--checkpoints", help="comma-separated counts to verify at (default 1000,<dossiers>)")
    parser.add_argument("--postgres", metavar="URL", help="admin URL of a PostgreSQL server (see bench/run.py)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--rows-out", type=Path, help="also append each measurement to this file (JSON lines)")
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        help="measure nothing: write the section from these --rows-out files (runs made side by side)",
    )
    args = parser.parse_args(argv)
    args.dossiers = args.dossiers or (100 if args.quick else 10_000)
    marks = [int(x) for x in args.checkpoints.split(",")] if args.checkpoints else [1_000, args.dossiers]
    args.checkpoints = sorted({m for m in marks if 0 < m <= args.dossiers} | {args.dossiers})
    args.no_postgres = args.no_postgres or args.quick
    return args


class Builder:
    """Receives dossiers and runs each to completion through the services, on a clock of its own."""

    def __init__(self, url: str, anchors: Path):
        from engine.services.deploy import read_files
        from web import create_app

        self.clock = FakeClock(START)
        config = {"database_url": url, "secret_key": "bench", "audit_key": AUDIT_KEY, "anchor_dir": anchors}
        self.services = create_app(config, clock=self.clock, sender=NoopSender()).extensions["motcua"]
        self.services.migrate()
        self.services.deploy.deploy(read_files([ROOT / "processes"]), "bench")
        catalogue = self.services.dossiers.catalogue
        self.procedures = [p for p in (catalogue.by_process(name) for name in PROCESSES) if p is not None]
        self.made = 0

    def one(self) -> None:
        procedure = self.procedures[self.made % len(self.procedures)]
        channel = 2 if self.made % 2 and "online" in procedure.channels else 1
        documents = [{"name": d.name, "received": True, "digitised": channel == 2} for d in procedure.documents]
        self.clock.advance(minutes=STEP_MINUTES)
        view = self.services.reception.receive(procedure.code, APPLICANT, channel, "counter", documents, "motcua")
        for _ in range(40):
            tasks = self.services.instances.tasks(code=view.code)
            if not tasks:
                break
            self.clock.advance(minutes=STEP_MINUTES)
            task = tasks[0]
            actor = task.assignee or "bench"  # a task given to someone is theirs to complete
            self.services.instances.complete(task.task_id, dict(FORM_DATA.get(task.name, {})), actor)
        else:
            raise RuntimeError(f"{view.code} did not complete")
        if self.services.instances.get(view.code).status != "completed":
            raise RuntimeError(f"{view.code} ended {self.services.instances.get(view.code).status}")
        self.made += 1

    def up_to(self, count: int) -> float:
        """Complete dossiers until `count` exist; the seconds it took."""
        began = time.perf_counter()
        while self.made < count:
            self.one()
            if self.made % 500 == 0:
                print(f"  ... {self.made} dossiers completed", file=sys.stderr, flush=True)
        return time.perf_counter() - began

    def close(self) -> None:
        self.services.close()


def verify_all(url: str, anchors: Path, replay: bool) -> dict:
    """Run `motcua verify --all` in a child process; wall seconds, CPU seconds, peak RSS (MiB) and its summary."""
    env = {
        **os.environ,
        "MOTCUA_DATABASE_URL": url,
        "MOTCUA_AUDIT_KEY": AUDIT_KEY,
        "MOTCUA_ANCHOR_DIR": str(anchors),
        "MOTCUA_SECRET_KEY": "bench",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-c", "from web.cli import main; main()", "verify", "--all"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        child = subprocess.Popen(
            command + ([] if replay else ["--no-replay"]), cwd=ROOT, env=env, stdout=out, stderr=err
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    summary = [line for line in stdout.splitlines() if line.startswith(("Tổng:", "Chạy lại:"))]
    if child.returncode != 0 or not summary:
        raise RuntimeError(f"verify --all failed ({child.returncode}):\n{stdout[-2000:]}\n{stderr[-2000:]}")
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,
        "summary": "; ".join(summary),
    }


def run_database(label: str, url: str, args, tmp: Path) -> list[dict]:
    """Build up to each checkpoint on `url` and run both commands there; the measurements."""
    anchors = tmp / f"anchors-{label}"
    anchors.mkdir()
    builder = Builder(url, anchors)
    rows = []
    try:
        builder.up_to(1)  # warm: the calendar's tables, the parsed processes
        for mark in args.checkpoints:
            built = builder.up_to(mark)
            print(f"{label}: {builder.made} dossiers ({built:.0f} s to build); verify --all ...", file=sys.stderr)
            for replay in (True, False):
                result = verify_all(url, anchors, replay)
                rows.append({"database": label, "dossiers": builder.made, "replay": replay, **result})
                rows[-1]["load"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
                rows[-1]["build_s"] = built
                print(f"  {rows[-1]}", file=sys.stderr, flush=True)
                if args.rows_out is not None:
                    with args.rows_out.open("a", encoding="utf-8") as out:
                        out.write(json.dumps(rows[-1], ensure_ascii=False) + "\n")
    finally:
        builder.close()
    return rows


def table(rows: list[dict]) -> list[str]:
    lines = [
        "| database | completed dossiers | command | seconds | dossiers/s | CPU s (child) | peak RSS (MiB) "
        "| load (1, 5, 15 min) |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        command = "`verify --all`" if r["replay"] else "`verify --all --no-replay`"
        lines.append(
            f"| {r['database']} | {r['dossiers']:,} | {command} | {r['seconds']:.1f} | "
            f"{r['dossiers'] / r['seconds']:.1f} | {r['cpu']:.1f} | {r['rss_mib']:.1f} | {r.get('load', '')} |"
        )
    return lines


def main(argv=None) -> None:
    args = arguments(argv)
    rows: list[dict] = []
    load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    if args.merge:
        rows = [json.loads(line) for path in args.merge for line in path.read_text(encoding="utf-8").splitlines()]
        load_before = "in the table, at each measurement"
    with tempfile.TemporaryDirectory(prefix="motcua-verify-") as name:
        tmp = Path(name)
        if not args.no_sqlite and not args.merge:
            rows += run_database("SQLite", f"sqlite:///{tmp / 'verify.db'}", args, tmp)
        admin = None if args.merge else postgres_admin_url(args)
        if admin is not None:
            with FreshPostgres(admin) as fresh:
                rows += run_database("PostgreSQL", fresh.url, args, tmp)
    lines = table(rows)
    print("\n".join(lines))
    print("\n".join(f"- {r['database']}, {r['dossiers']:,}: {r['summary']}" for r in rows))
    if args.quick:
        return
    info = report.machine(None)
    header = [
        f"Measured on {date.today().isoformat()} with `python bench/verify_all.py` ({info['nproc']} CPUs, "
        f"{info['cpu']}; load average before the run {load_before}, at the end "
        f"{info['load average at the end (1, 5, 15 min)']}: other engineers' work shared the machine). "
        "The dossiers are received and run to completion through the services on the real procedures (four in "
        "turn, at the counter and online, every task completed with its form's data, a virtual clock two minutes on "
        "per action), then the command runs in a child process as an auditor runs it: `verify --all` checks each "
        "hash chain, MAC and seal, the rows against the recorded digests, and re-executes every step against the "
        "recorded process version; `--no-replay` leaves out the re-execution. CPU time and peak RSS are the "
        "child's (`wait4`); PostgreSQL's own work is not in the CPU figure.",
        "",
    ]
    summary = [f"- {r['database']}, {r['dossiers']:,} dossiers: {r['summary']}" for r in rows if r["replay"]]
    report.replace_section(RESULTS, HEADING, header + lines + [""] + summary)
    print(f"\nwrote the {HEADING} section of {RESULTS}")


if __name__ == "__main__":
    main()
