"""Where motcua's time per step goes: wall-clock per engine function and SQL statements per instance.

    python bench/breakdown.py [--n 200] [--database-url URL]

Wraps a few engine functions with timers in this process only (the engine code is not changed) and counts the SQL
statements sent, through SQLAlchemy or the driver. Inner figures are included in outer ones (Stepper.step includes
BpmnRuntime.complete). The step's writes on PostgreSQL go in one pipeline, counted here statement by statement.
"""

import argparse
import collections
import re
import sys
import tempfile
import time
from pathlib import Path

# The project root instead of this folder, whose http.py would hide the standard library's `http`.
sys.path[:] = [str(Path(__file__).resolve().parents[1])] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]

from sqlalchemy import event  # noqa: E402

from bench import approaches  # noqa: E402
from engine.bpmn.runtime import BpmnRuntime, Workflow  # noqa: E402
from engine.domain import chain  # noqa: E402
from engine.persistence import db as db_module  # noqa: E402
from engine.persistence.sql import RawSql  # noqa: E402
from engine.persistence.steps import StepStore  # noqa: E402
from engine.services import instances as instances_module  # noqa: E402
from engine.services import stepping  # noqa: E402

spent: collections.Counter = collections.Counter()
calls: collections.Counter = collections.Counter()
order: list[str] = []


def timed(owner, name: str, label: str) -> None:
    original = getattr(owner, name)
    order.append(label)

    def wrapper(*args, **kwargs):
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - began
            calls[label] += 1

    setattr(owner, name, wrapper)


def instrument() -> None:
    service = instances_module.InstanceService
    timed(service, "start", "InstanceService.start")
    timed(service, "complete", "InstanceService.complete")
    timed(service, "tasks", "InstanceService.tasks (task list read)")
    timed(service, "open_task", "  open_task (find task, lock instance)")
    timed(service, "new_instance", "  new_instance (version, insert)")
    timed(BpmnRuntime, "start", "  BpmnRuntime.start (new workflow + advance)")
    timed(stepping.Stepper, "_finish", "  Stepper._finish (effects, scan, dump, record, write)")
    timed(stepping.Stepper, "step", "  Stepper.step")
    timed(StepStore, "load", "    StepStore.load (cache miss: projection, timers)")
    timed(BpmnRuntime, "restore", "    BpmnRuntime.restore (cache miss: state -> Spiff)")
    timed(BpmnRuntime, "complete", "    BpmnRuntime.complete (run + advance)")
    timed(Workflow, "scan", "    Workflow.scan (one walk)")
    timed(BpmnRuntime, "dump_text", "    BpmnRuntime.dump_text (Spiff -> state)")
    timed(stepping, "build_record", "    build_record (pure)")
    timed(chain.Chain, "append", "      Chain.append (hash an event)")
    timed(StepStore, "write", "    StepStore.write")
    timed(db_module.UnitOfWork, "committed", "  after commit (cache)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--database-url", help="an empty database (default: SQLite in a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="motcua-breakdown-") as tmp:
        services = approaches.motcua_app(args.database_url or f"sqlite:///{tmp}/motcua.db")
        statements: collections.Counter = collections.Counter()

        def tally(statement: str) -> None:
            table = re.search(r"(?:FROM|INTO|UPDATE)\s+(\w+)", statement)
            statements[f"{statement.split()[0]} {table.group(1) if table else ''}".strip()] += 1

        @event.listens_for(services.db.engine, "before_cursor_execute")
        def count(conn, cursor, statement, parameters, context, executemany):
            tally(statement)

        for method in ("one", "all", "run", "many", "send", "send_many"):
            original = getattr(RawSql, method)

            def counted(self, statement, *args, _original=original, **kwargs):
                tally(statement)
                return _original(self, statement, *args, **kwargs)

            setattr(RawSql, method, counted)

        approaches.run_motcua(services, 5, "WARM")
        statements.clear()
        instrument()
        seconds, _cpu = approaches.run_motcua(services, args.n)
        services.close()
    n = args.n
    print(f"{n} instances in {seconds:.2f} s: {n / seconds:.1f} instances/s, {seconds / n * 1000:.2f} ms per instance")
    print(f"\n{'function':48s} {'ms/instance':>11s} {'share':>6s} {'calls/inst':>10s} {'ms/call':>8s}")
    for label in order:
        total = spent[label]
        print(
            f"{label:48s} {total / n * 1000:11.2f} {total / seconds:6.1%} {calls[label] / n:10.1f} "
            f"{total / max(calls[label], 1) * 1000:8.3f}"
        )
    print(f"\nSQL statements per instance: {sum(statements.values()) / n:.1f}")
    for kind, count in statements.most_common():
        print(f"  {kind:30s} {count / n:5.1f}")


if __name__ == "__main__":
    main()
