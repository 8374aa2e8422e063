"""The machine a run happened on, the printed tables, and bench/RESULTS.md."""

import os
import platform
import sqlite3
from datetime import date
from importlib.metadata import version

# Issue 8's targets, per database: on SQLite c >= 1.5 b and c >= 0.3 a; on PostgreSQL c >= 0.6 b.
TARGETS = {"SQLite": {"c/b": 1.5, "c/a": 0.3}, "PostgreSQL": {"c/b": 0.6}}
TARGET_PASS_MS = 5.0
FLAT_MIB = 10.0  # "flat": the RSS grows by less than this from the first to the last number of waiting dossiers

APPROACHES = """\
- a: SpiffWorkflow alone, in memory (parse once; per instance: new workflow, complete the 5 user tasks).
- b: naive persistence, with the `sqlite3` module: per step BEGIN IMMEDIATE, read the row, `deserialize_json` (spec
  included), complete the task, `serialize_json`, UPDATE the row, COMMIT (WAL, synchronous=NORMAL, as motcua).
- c: motcua's services with full persistence (state, task projection, timers, hash-chained history, outbox);
  per step: read the dossier's task list (`instances.tasks`), then `instances.complete`.

The approaches take turns in rounds (10 by default), each round running every approach on its share of the
instances, so that all of them meet the same load of a shared machine; each call runs one untimed warm-up instance
first (it also checks the boundary timer was scheduled). The ratios are of wall-clock throughput; the one in brackets
compares this process's CPU time per instance, which hardly depends on what else the machine runs (for PostgreSQL it
leaves out the server's work)."""

TIMERS = """\
Waiting dossiers are bulk-inserted (an instance row and one waiting timer due more than a year ahead each). Times are
over the timed passes of `services.timers.run_pass("bench", 100)`, none of which fires anything. RSS (`gc.collect()`,
then psutil) is read after the bulk fill and again after the passes: what the fill leaves behind (insert batches,
SQLite's page cache, at most 2 MiB per connection) is in the first figure; what the passes add is the difference."""


def machine(pg_version: str | None) -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem_kib = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return {
        "date": date.today().isoformat(),
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": cpu,
        "ram": f"{mem_kib / 2**20:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version or "not run",
        "packages": ", ".join(f"{p} {version(p)}" for p in ("SpiffWorkflow", "SQLAlchemy", "psycopg")),
        "load average at the end (1, 5, 15 min)": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def throughput_lines(results: list[tuple[str, int, float, float]]) -> list[str]:
    """`results`: (label, instances, wall seconds, CPU seconds), labels starting with a, b or c; ratios are per c row,
    of wall-clock throughput (the targets) and, in brackets, of this process's CPU time per instance."""
    lines = [
        "| approach | instances | seconds | instances/s | CPU ms per instance (this process) |",
        "|---|---:|---:|---:|---:|",
    ]
    rate: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for label, n, seconds, cpu_seconds in results:
        rate.setdefault(label[0], n / seconds)
        cpu.setdefault(label[0], cpu_seconds / n)
        lines.append(f"| {label} | {n} | {seconds:.2f} | {n / seconds:.1f} | {1000 * cpu_seconds / n:.2f} |")
    lines.append("")
    for label, n, seconds, cpu_seconds in results:
        if label.startswith("c"):
            targets = next((t for db, t in TARGETS.items() if db in label), {})
            for ratio, target in targets.items():
                if ratio[-1] in rate:
                    value = n / seconds / rate[ratio[-1]]
                    by_cpu = cpu[ratio[-1]] / (cpu_seconds / n)
                    lines.append(
                        f"- {ratio} for {label}: {value:.2f} (target >= {target}) {verdict(value >= target)} "
                        f"[by CPU time of this process: {by_cpu:.2f}]"
                    )
    return lines


def timer_lines(series: dict[str, list[dict]]) -> list[str]:
    lines = [
        "| database | waiting dossiers | fill (s) | pass median (ms) | p95 (ms) | max (ms) | RSS before passes (MiB) "
        "| RSS after passes (MiB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for db, rows in series.items():
        for r in rows:
            lines.append(
                f"| {db} | {r['waiting']:,} | {r['fill_s']:.1f} | {r['median']:.3f} | {r['p95']:.3f} | {r['max']:.3f} "
                f"| {r['rss_before_mib']:.1f} | {r['rss_mib']:.1f} |"
            )
    lines.append("")
    for db, rows in series.items():
        first, last = rows[0], rows[-1]
        grown = last["rss_mib"] - first["rss_mib"]
        lines += [
            f"- {db}, (d): a pass with nothing due among {last['waiting']:,} waiting dossiers takes "
            f"{last['median']:.3f} ms (median; target < {TARGET_PASS_MS:g} ms) "
            f"{verdict(last['median'] < TARGET_PASS_MS)}",
            f"- {db}, (e): RSS after passes {first['rss_mib']:.1f} MiB with {first['waiting']:,} waiting, "
            f"{last['rss_mib']:.1f} MiB with {last['waiting']:,}: {grown:+.1f} MiB (flat: < {FLAT_MIB:g} MiB) "
            f"{verdict(grown < FLAT_MIB)}",
        ]
    return lines


def replace_section(path, heading: str, lines: list[str]) -> None:
    """Put `lines` under `## heading` in the markdown file `path`, replacing that section if it is there."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    marker = f"\n## {heading}\n"
    section = marker + "\n" + "\n".join(lines).strip("\n") + "\n"
    if marker in text:
        before, rest = text.split(marker, 1)
        after = rest.split("\n## ", 1)
        text = before + section + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n" + section
    path.write_text(text, encoding="utf-8")


def markdown(info: dict, throughput: list[str], timers: list[str], notes: list[str], command: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured on {info['date']} with `{command.strip()}`.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in info.items() if key != "date"),
        "",
        "## Throughput (a, b, c): a 5-user-task procedure with a boundary timer (`processes/quy_trinh_mau.bpmn`)",
        "",
        APPROACHES,
        "",
        *throughput,
        *notes,
    ]
    if timers:
        lines += ["", "## Timer pass with nothing due (d) and worker memory (e)", "", TIMERS, "", *timers]
    lines += [
        "",
        "## Reproduce",
        "",
        "`.venv/bin/python bench/run.py` (or `python bench/run.py` inside the venv) runs everything and rewrites this",
        "file, keeping its Analysis section; `--quick` is a smoke run that writes nothing; `--postgres URL` (or",
        "`MOTCUA_TEST_POSTGRES_URL`) picks the PostgreSQL server, `--no-postgres` skips it; `--help` for the rest.",
        "`python bench/breakdown.py` shows where motcua's time goes per step (engine functions, SQL statements).",
        "`python bench/http.py` measures the application over HTTP and rewrites its own section below.",
        "",
    ]
    return "\n".join(lines)
