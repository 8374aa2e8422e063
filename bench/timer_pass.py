"""(d) the cost of a timer pass with nothing due, and (e) the worker's memory, as waiting dossiers grow."""

import gc
import statistics
import time
import uuid
from datetime import timedelta

import psutil
from sqlalchemy import func, insert, select

from bench.common import PROCESS_ID, START
from engine.persistence.models import Instance, ProcessVersion, Timer

CHUNK = 1_000  # the first size is one chunk, so every fill leaves the same allocator residue
# Waiting dossiers never have their state read by a pass with nothing due; a placeholder keeps the rows small.
PLACEHOLDER_STATE = {"format": "motcua-state-1", "bench": "waiting dossier, state not loaded by a timer pass"}


def add_waiting(services, count: int) -> int:
    """Insert `count` running instances, each with one waiting timer due more than a year from now.

    Core executemany in chunks of CHUNK rows, in one transaction. Returns the number of waiting timers afterwards.
    """
    with services.db.engine.begin() as conn:
        version_id = conn.scalar(
            select(ProcessVersion.id).where(ProcessVersion.process_id == PROCESS_ID).order_by(ProcessVersion.number)
        )
        first = (conn.scalar(select(func.max(Instance.id))) or 0) + 1
        for low in range(first, first + count, CHUNK):
            ids = range(low, min(low + CHUNK, first + count))
            conn.execute(
                insert(Instance),
                [
                    {
                        "id": i,
                        "code": f"WAIT-{i:07d}",
                        "process_version_id": version_id,
                        "status": "running",
                        "state": PLACEHOLDER_STATE,
                        "revision": 1,
                        "started_at": START,
                        "updated_at": START,
                        "last_event_hash": "",
                        "last_event_seq": 0,
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Timer),
                [
                    {
                        "instance_id": i,
                        "task_id": str(uuid.uuid4()),
                        "name": "nhac_han",
                        "due_at": START + timedelta(days=400, minutes=i),
                        "state": "waiting",
                        "fired_at": None,
                        "locked_by": None,
                        "locked_until": None,
                    }
                    for i in ids
                ],
            )
        return conn.scalar(select(func.count()).select_from(Timer).where(Timer.state == "waiting"))


def _leased(result) -> int:
    """How many timers a pass took: `run_pass` returns a TimerPass (older versions: the number fired)."""
    return getattr(result, "leased", result)


def time_passes(services, passes: int) -> dict:
    """Run `passes` timer passes (after 5 untimed ones); no pass may find a due timer. Times in milliseconds."""
    for _ in range(5):
        assert _leased(services.timers.run_pass("bench", 100)) == 0
    laps = []
    for _ in range(passes):
        began = time.perf_counter()
        result = services.timers.run_pass("bench", 100)
        laps.append((time.perf_counter() - began) * 1000)
        assert _leased(result) == 0, result
    laps.sort()
    return {"median": statistics.median(laps), "p95": laps[int(0.95 * (len(laps) - 1))], "max": laps[-1]}


def rss_mib() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def waiting_series(services, sizes: tuple[int, ...], passes: int) -> list[dict]:
    """For each total of waiting dossiers in `sizes` (ascending): fill up to it, time passes, then read the RSS."""
    rows, have = [], 0
    for size in sizes:
        began = time.perf_counter()
        have = add_waiting(services, size - have)
        filled = time.perf_counter() - began
        before = rss_mib()
        timing = time_passes(services, passes)
        rows.append({"waiting": have, "fill_s": filled, **timing, "rss_before_mib": before, "rss_mib": rss_mib()})
    return rows
