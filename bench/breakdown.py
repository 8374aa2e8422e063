"""Where motcua's time per step goes: wall-clock per engine function and SQL statements per instance.

    python bench/breakdown.py [--n 200] [--database-url URL]

Wraps a few engine functions with timers in this process only (the engine code is not changed) and counts the SQL
statements the database engine sends. Inner figures are included in outer ones (save_step includes runtime.dump).
"""

import argparse
import collections
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench import approaches  # noqa: E402
from engine.bpmn.runtime import BpmnRuntime, Workflow  # noqa: E402
from engine.services import history  # noqa: E402
from engine.services import instances as instances_module  # noqa: E402
from engine.services import step as step_module  # noqa: E402

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
    timed(service, "_open_task", "  _open_task (find task, lock instance)")
    timed(service, "_workflow", "  _workflow (version row + restore)")
    timed(Session, "get", "    Session.get (process_version row)")
    timed(BpmnRuntime, "restore", "    BpmnRuntime.restore (state -> Spiff)")
    timed(BpmnRuntime, "complete", "  BpmnRuntime.complete (run + advance)")
    timed(instances_module, "save_step", "  save_step")
    timed(BpmnRuntime, "dump", "    BpmnRuntime.dump (Spiff -> state)")
    timed(history.Chain, "append", "    Chain.append (hash an event)")
    timed(step_module, "step_deadline", "    step_deadline (calendar)")
    timed(Workflow, "ready_user_tasks", "    Workflow.ready_user_tasks")
    timed(Session, "flush", "Session.flush (incl. autoflush)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--database-url", help="an empty database (default: SQLite in a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="motcua-breakdown-") as tmp:
        services = approaches.motcua_app(args.database_url or f"sqlite:///{tmp}/motcua.db")
        statements: collections.Counter = collections.Counter()

        @event.listens_for(services.db.engine, "before_cursor_execute")
        def count(conn, cursor, statement, parameters, context, executemany):
            table = re.search(r"(?:FROM|INTO|UPDATE)\s+(\w+)", statement)
            statements[f"{statement.split()[0]} {table.group(1) if table else ''}".strip()] += 1

        approaches.run_motcua(services, 5, "WARM")
        statements.clear()
        instrument()
        seconds = approaches.run_motcua(services, args.n)
        services.close()
    n = args.n
    print(f"{n} instances in {seconds:.2f} s: {n / seconds:.1f} instances/s, {seconds / n * 1000:.2f} ms per instance")
    print(f"\n{'function':48s} {'ms/instance':>11s} {'share':>6s} {'calls/inst':>10s} {'ms/call':>8s}")
    for label in order:
        total = spent[label]
        print(
            f"{label:48s} {total / n * 1000:11.2f} {total / seconds:6.1%} {calls[label] / n:10.1f} "
            f"{total / calls[label] * 1000:8.3f}"
        )
    print(f"\nSQL statements per instance: {sum(statements.values()) / n:.1f}")
    for kind, count in statements.most_common():
        print(f"  {kind:30s} {count / n:5.1f}")


if __name__ == "__main__":
    main()
