"""What one evaluation of a BPMN script, condition or timer expression costs, by the way it runs.

    python bench/scripts.py           # rewrites the "Scripts" section of bench/RESULTS.md
    python bench/scripts.py --quick   # fewer rounds; writes nothing

A script bounded by construction (every shipped condition, timer expression and script) runs in the server's process;
any other runs in a sandbox process (engine/bpmn/sandbox.py), which costs a round trip over a pipe, plus one for each
helper it calls. Compared with a plain `eval` of the compiled code, the floor of any design. Medians of batches.
"""

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path[:] = [str(Path(__file__).resolve().parents[1])] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]

from bench import report  # noqa: E402
from engine.bpmn.script_rules import ALLOWED_BUILTINS, compile_checked  # noqa: E402
from engine.bpmn.scripts import RestrictedEnvironment  # noqa: E402

RESULTS = Path(__file__).with_name("RESULTS.md")
DATA = {"approved": False, "appointment": "2026-03-09T17:00:00+07:00", "items": [1, 2, 3], "reason": "Chờ ý kiến"}
HELPERS = {
    "working_days_before": lambda moment, n: moment,  # the calendar's own cost is not what is measured here
    "set_portal_status": lambda code: code,
}
CASES = [
    ("condition `approved == False`", "eval", "approved == False"),
    ("timer `working_days_before(appointment, 1)`", "eval", "working_days_before(appointment, 1)"),
    ("script `set_portal_status(9)`", "exec", "set_portal_status(9)"),
    ("script `total = sum(items) * 2` (sandbox)", "exec", "total = sum(items) * 2"),
    ("script with a helper call (sandbox)", "exec", "status = set_portal_status(len(items) + 6)"),
    ("condition `len(reason) > 3` (sandbox)", "eval", "len(reason) > 3"),
]


def per_call(run, rounds: int, batch: int) -> float:
    """Median seconds per call over `rounds` batches of `batch` calls."""
    run()  # warm: compile caches, a sandbox process started
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            run()
        times.append((time.perf_counter() - start) / batch)
    return statistics.median(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    rounds, batch = (3, 200) if args.quick else (9, 1000)
    environment = RestrictedEnvironment(HELPERS, timeout=1.0)
    rows = []
    for label, mode, source in CASES:
        code = compile_checked(source, mode)
        namespace = {**HELPERS, **DATA, "__builtins__": ALLOWED_BUILTINS}
        plain = per_call(lambda: eval(code, dict(namespace)), rounds, batch)  # noqa: B023
        if mode == "eval":
            ours = per_call(lambda: environment.evaluate(source, DATA), rounds, batch)  # noqa: B023
        else:
            ours = per_call(lambda: environment.execute(source, dict(DATA)), rounds, batch)  # noqa: B023
        rows.append((label, plain, ours))
    lines = [
        "| evaluation | plain eval (µs) | motcua (µs) | added (µs) |",
        "|---|---:|---:|---:|",
        *(
            f"| {label} | {plain * 1e6:.1f} | {ours * 1e6:.1f} | {(ours - plain) * 1e6:.1f} |"
            for label, plain, ours in rows
        ),
    ]
    print("\n".join(lines))
    if not args.quick:
        info = report.machine(None)
        header = [
            f"Measured on {date.today().isoformat()} with `python bench/scripts.py` ({info['nproc']} CPUs, "
            f"{info['cpu']}; load average at the end {info['load average at the end (1, 5, 15 min)']}; other work "
            "shared the machine, so compare the rows of one run). Medians of batches of 1,000 calls. The first three "
            "are bounded by construction and run in process (every script, condition and timer expression shipped "
            "in processes/ is); the others run in a sandbox process: a round trip over a pipe, one more per helper "
            "call. A step of the shipped procedures evaluates a few conditions and timer expressions, all in "
            "process.",
            "",
        ]
        report.replace_section(RESULTS, "Scripts (bench/scripts.py)", header + lines)
        print(f"\nwrote the Scripts section of {RESULTS}")


if __name__ == "__main__":
    main()
