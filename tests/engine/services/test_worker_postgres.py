"""Several `motcua worker` processes share one PostgreSQL: every due timer fires exactly once.

2,000 dossiers are started with a fake clock in 2019, each waiting on a timer due on 1 January 2020, so the timers
wait in the database. Then four separate OS processes run `python -m web.cli worker --once` at the same time with the
wall clock, for which every one of those timers is due. They coordinate only through row locks.
"""

import os
import random
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import aliased

from engine.domain.chain import GENESIS
from engine.domain.clock import VN_TZ, FakeClock
from engine.persistence.models import Base, HistoryEvent, Instance, Timer
from tests.conftest import RecordingSender, fixture_files
from web import create_app

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
INSTANCES = 2000
WORKERS = 4
BATCH = 50
DUE_AT = "2020-01-01T00:00:00+07:00"
STARTED_AT = datetime(2019, 6, 3, 9, 0, tzinfo=VN_TZ)
TIMEOUT_SECONDS = 300
EVENTS_PER_INSTANCE = ["instance:started", "instance:timer:scheduled", "instance:timer:fired", "instance:completed"]
WORKER_OUTPUT = re.compile(r"^(\d+) mốc thời gian đã kích hoạt, (\d+) thông báo đã gửi$")


@pytest.fixture
def waiting_timers(postgres_database):
    """The session's PostgreSQL database, emptied, with INSTANCES dossiers each waiting on a timer due in 2020."""
    app = create_app({"database_url": postgres_database}, clock=FakeClock(STARTED_AT), sender=RecordingSender())
    services = app.extensions["motcua"]
    with services.db.transaction() as session:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    services.deploy.deploy(fixture_files("timer_only.bpmn"), "test")
    for number in range(INSTANCES):
        services.instances.start("timer_only", f"TIMER-{number:05d}", {"due_at": DUE_AT}, "test")
    yield services
    services.close()


def _count_by(services, column) -> dict:
    with services.db.read() as session:
        return dict(session.execute(select(column, func.count()).group_by(column)).all())


def _run_workers(database_url: str, logs: Path) -> list[tuple[int, int]]:
    """Run WORKERS `worker --once` processes at once; return each one's (timers fired, messages sent).

    Their output goes to files, not pipes: a worker that logs more than a pipe holds would block while we wait for
    another one.
    """
    env = {**os.environ, "MOTCUA_DATABASE_URL": database_url, "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "web.cli", "worker", "--once", "--batch", str(BATCH)]
    outputs = [(logs / f"worker{n}.out", logs / f"worker{n}.err") for n in range(WORKERS)]
    workers = []
    try:
        for out, err in outputs:
            with out.open("wb") as stdout, err.open("wb") as stderr:
                workers.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr))
        deadline = time.monotonic() + TIMEOUT_SECONDS
        for worker in workers:
            worker.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    counts = []
    for worker, (out, err) in zip(workers, outputs, strict=True):
        stdout, stderr = out.read_text("utf-8"), err.read_text("utf-8")
        assert worker.returncode == 0, f"worker exited {worker.returncode}:\n{stdout}\n{stderr[-5000:]}"
        match = WORKER_OUTPUT.match(stdout.strip())
        assert match, f"unexpected worker output:\n{stdout}\n{stderr[-5000:]}"
        counts.append((int(match[1]), int(match[2])))
    return counts


def test_four_worker_processes_fire_every_due_timer_exactly_once(waiting_timers, postgres_database, tmp_path):
    services = waiting_timers
    assert _count_by(services, Timer.state) == {"waiting": INSTANCES}

    counts = _run_workers(postgres_database, tmp_path)

    fired = [f for f, _sent in counts]
    print(f"timers fired per worker process: {fired}")
    assert sum(fired) == INSTANCES
    assert [sent for _f, sent in counts] == [0] * WORKERS  # timer_only has no user task, so nothing to notify
    # Each process takes several seconds for its share of 2,000 steps, far longer than the others take to start.
    assert sum(1 for f in fired if f) >= 2, f"one worker did all the work: {fired}"

    assert _count_by(services, Timer.state) == {"fired": INSTANCES}
    assert _count_by(services, Instance.status) == {"completed": INSTANCES}
    with services.db.read() as session:
        fired_per_instance = dict(
            session.execute(
                select(HistoryEvent.instance_id, func.count())
                .where(HistoryEvent.tag == "instance:timer:fired")
                .group_by(HistoryEvent.instance_id)
            ).all()
        )
        assert len(fired_per_instance) == INSTANCES
        assert set(fired_per_instance.values()) == {1}
        assert sum(fired_per_instance.values()) == INSTANCES
        assert session.scalar(select(func.count()).select_from(Timer).where(Timer.locked_by.is_not(None))) == 0
    assert _count_by(services, HistoryEvent.tag) == {tag: INSTANCES for tag in EVENTS_PER_INSTANCE}
    _assert_chains_are_linked(services)

    for code in random.Random(2020).sample([f"TIMER-{n:05d}" for n in range(INSTANCES)], 50):
        report = services.audit.verify(code)
        assert report.intact and report.events == len(EVENTS_PER_INSTANCE), report
        assert [e.tag for e in services.instances.history(code)] == EVENTS_PER_INSTANCE
        assert services.instances.get(code).data["fired_count"] == 1


def _assert_chains_are_linked(services) -> None:
    """Every chain, checked in SQL: seq 1..n without gaps, each event follows the one before, the head matches."""
    previous = aliased(HistoryEvent)
    with services.db.read() as session:
        first_events = session.scalar(
            select(func.count())
            .select_from(HistoryEvent)
            .where(HistoryEvent.seq == 1, HistoryEvent.prev_hash == GENESIS)
        )
        linked = session.scalar(
            select(func.count())
            .select_from(HistoryEvent)
            .join(
                previous,
                and_(
                    previous.instance_id == HistoryEvent.instance_id,
                    previous.seq == HistoryEvent.seq - 1,
                    previous.hash == HistoryEvent.prev_hash,
                ),
            )
        )
        heads = session.scalar(
            select(func.count())
            .select_from(Instance)
            .join(
                HistoryEvent,
                and_(
                    HistoryEvent.instance_id == Instance.id,
                    HistoryEvent.seq == Instance.last_event_seq,
                    HistoryEvent.hash == Instance.last_event_hash,
                ),
            )
            .where(Instance.last_event_seq == len(EVENTS_PER_INSTANCE))
        )
    assert first_events == INSTANCES
    assert linked == INSTANCES * (len(EVENTS_PER_INSTANCE) - 1)
    assert heads == INSTANCES
