"""The application over HTTP on loopback: gunicorn with 2 workers plus one `motcua worker`, on SQLite and PostgreSQL.

    python bench/http.py            # full run; rewrites the "HTTP" section of bench/RESULTS.md
    python bench/http.py --quick    # smoke run (short runs, SQLite only); writes nothing

Three requests of the REST API, each with a bearer token: complete-task (a division head completes the assignment
step `phan_cong` of a dossier, with its form's data), task-list (the division head's page of open tasks, with the
count) and reception (the one-stop officer receives a complete counter dossier). Each runs closed-loop at 1, 8 and 16
concurrent clients for a few seconds; then an open-loop run sends the three in turn at a fixed rate (50 requests/s),
whatever the answers' speed, and a request's latency counts from the moment it was due to be sent, so that queueing
is measured too. Prints p50 / p95 / p99 latency and throughput per run. Target: p95 < 50 ms in the open-loop run.

The database is prepared in this process first (migrated, processes/ deployed, accounts and tokens made, the
dossiers whose tasks will be completed received); the servers are separate processes on 127.0.0.1.
"""

import sys
from pathlib import Path

# The project root instead of this folder, where this file's own name would hide the standard library's `http`.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import queue  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from datetime import date  # noqa: E402

from bench import report  # noqa: E402
from bench.run import FreshPostgres, postgres_admin_url  # noqa: E402

PROCESS = "x_quang_y_te"  # the X-ray licence: its counter dossiers start with the division head's assignment step
TARGET_P95_MS = 50.0
APPLICANT = {
    "type": 1,
    "name": "Nguyễn Văn Kiểm",
    "id_number": "001088012345",
    "address": "12 Lê Lợi, Huế",
    "phone": "0912345678",
}
RESULTS = Path(__file__).with_name("RESULTS.md")


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 s closed loops, 5 s open loop, SQLite only")
    parser.add_argument("--seconds", type=float, help="length of each closed-loop run (default 4)")
    parser.add_argument("--open-seconds", type=float, help="length of the open-loop run (default 20)")
    parser.add_argument("--rate", type=float, default=50.0, help="open-loop requests per second (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--postgres", metavar="URL", help="admin URL of a PostgreSQL server (see bench/run.py)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (1.0 if args.quick else 4.0)
    args.open_seconds = args.open_seconds or (5.0 if args.quick else 20.0)
    args.no_postgres = args.no_postgres or args.quick
    return args


# --- the database and the servers -----------------------------------------------------------------------------
def prepare(url: str, dossiers: int) -> dict:
    """Migrate, deploy, make the two accounts and their tokens, receive `dossiers` dossiers; return the tokens and
    the documents list of a reception."""
    from web import create_app

    app = create_app({"database_url": url, "secret_key": "bench"})
    services = app.extensions["motcua"]
    try:
        services.migrate()
        from engine.services.deploy import read_files

        services.deploy.deploy(read_files([ROOT / "processes"]), "bench")
        services.accounts.create("bench-motcua", "Công chức Một cửa", "one_stop", "Bộ phận Một cửa", "bench-password")
        procedure = services.dossiers.catalogue.by_process(PROCESS)
        # A division head sees the dossiers of the procedures their division resolves (the catalogue's `division`).
        services.accounts.create(
            "bench-lanhdao", "Lãnh đạo phòng", "division_head", procedure.division, "bench-password"
        )
        documents = [{"name": d.name, "received": True} for d in procedure.documents]
        for _ in range(dossiers):
            services.reception.receive(procedure.code, APPLICANT, 1, "counter", documents, "bench-motcua")
        return {
            "procedure": procedure.code,
            "one_stop": services.accounts.create_token("bench-motcua", "bench"),
            "division_head": services.accounts.create_token("bench-lanhdao", "bench"),
            "documents": documents,
        }
    finally:
        services.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def servers(url: str, workers: int, threads: int):
    """gunicorn (`web.wsgi:app`) and one `motcua worker` on `url`; yields the port; both stopped at the end."""
    port = free_port()
    env = {
        **os.environ,
        "MOTCUA_DATABASE_URL": url,
        "MOTCUA_SECRET_KEY": "bench",
        "MOTCUA_WORKER_INTERVAL": "1",
        "PYTHONPATH": str(ROOT),
    }
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "web.wsgi:app"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-c", "from web.cli import main; main()", "worker"],
        cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or web.poll() is not None:
                raise SystemExit("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        for process in (worker, web):
            process.send_signal(signal.SIGTERM)
        for process in (worker, web):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


# --- the requests -------------------------------------------------------------------------------------------------
class Client:
    """One keep-alive connection; `call` returns the status and the decoded JSON body."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {token}"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):  # a keep-alive connection the server closed is opened again once
            try:
                self.connection.request(method, path, payload, headers)
                response = self.connection.getresponse()
                data = response.read()
                return response.status, (json.loads(data) if data else {})
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


class Requests:
    """The three requests, sharing a pool of open assignment tasks to complete."""

    def __init__(self, tokens: dict, tasks: "queue.Queue[str]"):
        self.tokens, self.tasks = tokens, tasks
        self.errors: list[str] = []

    def complete(self, client: Client) -> None:
        task_id = self.tasks.get_nowait()
        status, body = client.call(
            "POST", f"/api/v1/tasks/{task_id}/complete", self.tokens["division_head"], {"data": {"specialist": "Lê B"}}
        )
        self.check("complete-task", status, 200, body)

    def task_list(self, client: Client) -> None:
        status, body = client.call("GET", "/api/v1/tasks?scope=role&limit=50", self.tokens["division_head"])
        self.check("task-list", status, 200, body)

    def receive(self, client: Client) -> None:
        body = {
            "procedure_code": self.tokens["procedure"],
            "applicant": APPLICANT,
            "channel": 1,
            "result_delivery": "counter",
            "documents": self.tokens["documents"],
        }
        status, answer = client.call("POST", "/api/v1/dossiers", self.tokens["one_stop"], body)
        self.check("reception", status, 201, answer)

    def check(self, kind: str, status: int, expected: int, body: dict) -> None:
        if status != expected:
            self.errors.append(f"{kind}: {status} {json.dumps(body, ensure_ascii=False)[:200]}")


def open_tasks(port: int, token: str) -> "queue.Queue[str]":
    """The ids of every open assignment task, read through the API (pages of 200)."""
    found: queue.Queue[str] = queue.Queue()
    client, offset = Client(port), 0
    while True:
        status, page = client.call("GET", f"/api/v1/tasks?scope=role&limit=200&offset={offset}", token)
        assert status == 200, page
        for item in page["items"]:
            if item["name"] == "phan_cong":
                found.put(item["task_id"])
        offset += 200
        if offset >= page["total"]:
            return found


def closed_loop(port: int, request, clients: int, seconds: float) -> dict:
    """`clients` threads, each sending `request` again as soon as the previous answer came, for `seconds`."""
    latencies: list[float] = []
    lock, stop = threading.Lock(), time.monotonic() + seconds

    def run():
        client = Client(port)
        while time.monotonic() < stop:
            began = time.perf_counter()
            try:
                request(client)
            except queue.Empty:
                return
            spent = time.perf_counter() - began
            with lock:
                latencies.append(spent)

    began = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summary(latencies, time.monotonic() - began)


def open_loop(port: int, requests: list, rate: float, seconds: float, pool: int = 48) -> dict:
    """Send `requests` in turn at `rate` per second for `seconds`; latency from each request's due moment."""
    due: queue.Queue = queue.Queue()
    latencies: list[float] = []
    lock = threading.Lock()
    began = time.perf_counter()
    total = int(rate * seconds)

    def run():
        client = Client(port)
        while True:
            item = due.get()
            if item is None:
                return
            moment, request = item
            wait = moment - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                request(client)
            except queue.Empty:
                continue
            with lock:
                latencies.append(time.perf_counter() - moment)

    threads = [threading.Thread(target=run) for _ in range(pool)]
    for thread in threads:
        thread.start()
    for n in range(total):
        due.put((began + n / rate, requests[n % len(requests)]))
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join()
    return summary(latencies, time.perf_counter() - began)


def summary(latencies: list[float], seconds: float) -> dict:
    if not latencies:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "rps": 0.0}
    cuts = statistics.quantiles([x * 1000 for x in latencies], n=100, method="inclusive")
    return {"n": len(latencies), "p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "rps": len(latencies) / seconds}


# --- a run ----------------------------------------------------------------------------------------------------------
def run_database(label: str, url: str, args) -> tuple[list[tuple], list[str]]:
    closed_completes = sum(int(args.seconds * 400) for _ in (1, 8, 16))
    dossiers = closed_completes + int(args.rate * args.open_seconds / 3) + 50
    print(f"{label}: preparing {dossiers} dossiers ...", flush=True)
    tokens = prepare(url, dossiers)
    rows: list[tuple] = []
    with servers(url, args.workers, args.threads) as port:
        tasks = open_tasks(port, tokens["division_head"])
        if tasks.qsize() < closed_completes:
            raise SystemExit(
                f"{label}: the division head sees {tasks.qsize()} open assignment tasks, "
                f"fewer than the {closed_completes} the closed loops may complete"
            )
        requests = Requests(tokens, tasks)
        kinds = {"complete-task": requests.complete, "task-list": requests.task_list, "reception": requests.receive}
        for kind, request in kinds.items():
            for clients in (1, 8, 16):
                print(f"{label}: {kind}, {clients} client(s), {args.seconds:g} s ...", flush=True)
                rows.append((label, kind, f"closed, {clients}", closed_loop(port, request, clients, args.seconds)))
        print(f"{label}: open loop, {args.rate:g} requests/s for {args.open_seconds:g} s ...", flush=True)
        mixed = open_loop(port, list(kinds.values()), args.rate, args.open_seconds)
        rows.append((label, "all three in turn", f"open, {args.rate:g}/s", mixed))
    return rows, requests.errors


def lines_of(rows: list[tuple], errors: list[str], args) -> list[str]:
    lines = [
        "| database | request | load | requests | p50 (ms) | p95 (ms) | p99 (ms) | requests/s |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for label, kind, load, s in rows:
        lines.append(
            f"| {label} | {kind} | {load} | {s['n']} | {s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} | "
            f"{s['rps']:.1f} |"
        )
    lines.append("")
    for label, _kind, load, s in rows:
        if load.startswith("open"):
            ok = s["p95"] < TARGET_P95_MS and s["n"] > 0
            lines.append(
                f"- {label}, open loop at {args.rate:g} requests/s: p95 {s['p95']:.1f} ms "
                f"(target < {TARGET_P95_MS:g} ms) {report.verdict(ok)}"
            )
    lines.append(f"- errors (non-2xx answers): {len(errors)}" + (f"; first: {errors[0]}" if errors else ""))
    return lines


def main(argv=None) -> None:
    args = arguments(argv)
    rows, errors = [], []
    with tempfile.TemporaryDirectory(prefix="motcua-http-") as tmp:
        found, problems = run_database("SQLite", f"sqlite:///{tmp}/motcua.db", args)
        rows += found
        errors += problems
    pg_version = None
    if not args.no_postgres and (admin := postgres_admin_url(args)):
        with FreshPostgres(admin) as pg:
            pg_version = pg.version
            found, problems = run_database("PostgreSQL", pg.url, args)
            rows += found
            errors += problems
    lines = lines_of(rows, errors, args)
    print("\n" + "\n".join(lines))
    if not args.quick:
        info = report.machine(pg_version)
        header = [
            f"Measured on {date.today().isoformat()} with `python bench/http.py`: gunicorn `web.wsgi:app` with "
            f"{args.workers} workers x {args.threads} threads and one `motcua worker`, the load generator in a "
            f"third process, all on this machine ({info['nproc']} CPUs, {info['cpu']}; load average at the end "
            f"{info['load average at the end (1, 5, 15 min)']}). Closed loops run {args.seconds:g} s each; the open "
            f"loop {args.open_seconds:g} s.",
            "",
        ]
        report.replace_section(RESULTS, "HTTP (bench/http.py)", header + lines)
        print(f"\nwrote the HTTP section of {RESULTS}")


if __name__ == "__main__":
    main()
