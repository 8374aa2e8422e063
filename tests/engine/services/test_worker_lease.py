"""Worker leases: a setting, renewed while a batch runs, and taken over soon after a killed worker's lease ends."""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from engine.domain.clock import VN_TZ, FakeClock
from engine.persistence.models import Base, Timer
from tests.conftest import RecordingSender, fixture_files
from web import create_app

ROOT = Path(__file__).resolve().parents[3]
DUE = "2026-03-02T09:00:00+07:00"
TIMERS = 600  # enough that a fast machine is still firing them more than a lease after the first


@pytest.fixture
def app_config():
    return {"worker_lease": 60}


def test_the_lease_is_a_setting_and_is_renewed_while_the_batch_runs(services, clock):
    """Each step of the batch takes 30 s: without the heartbeat the last ones' 60 s lease would lapse mid-batch
    and another worker would take them while this one still meant to fire them."""
    assert services.timers.lease == timedelta(seconds=60)
    services.deploy.deploy(fixture_files("timer_only.bpmn"), "test")
    for number in range(5):
        services.instances.start("timer_only", f"T{number}", {"due_at": DUE}, "test")
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=VN_TZ))
    fire, taken_by_other = services.timers.fire, []

    def slow_fire(timer_id):
        done = fire(timer_id)
        clock.advance(seconds=30)
        taken_by_other.extend(services.timers.lease_due("other-worker", 10))
        return done

    services.timers.fire = slow_fire
    result = services.timers.run_pass("this-worker", 10)
    assert (result.leased, result.fired) == (5, 5)
    assert taken_by_other == []
    with services.db.read() as session:
        assert session.scalar(select(func.count()).where(Timer.state == "waiting")) == 0


@pytest.mark.postgres
@pytest.mark.slow
def test_another_worker_takes_a_killed_workers_timers_soon_after_its_lease_ends(postgres_database, tmp_path):
    """A real `motcua worker` with a 1 s lease is killed with SIGKILL in the middle of a batch; a second one, running
    beside it all along, takes the timers left leased no earlier than the lease's end and within a few seconds of it.
    The first worker's lease, taken when it began the batch, had been renewed (it ended later than 1 s after the first
    timer fired)."""
    lease = 1.0
    app = create_app(
        {"database_url": postgres_database},
        clock=FakeClock(datetime(2026, 3, 1, tzinfo=VN_TZ)),
        sender=RecordingSender(),
    )
    services = app.extensions["motcua"]
    with services.db.transaction() as session:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    services.deploy.deploy(fixture_files("timer_only.bpmn"), "test")
    for number in range(TIMERS):
        services.instances.start("timer_only", f"K{number:03d}", {"due_at": DUE}, "test")

    env = {
        **os.environ,
        "MOTCUA_DATABASE_URL": postgres_database,
        "MOTCUA_WORKER_LEASE": str(lease),
        "MOTCUA_WORKER_INTERVAL": "0.2",
        "PYTHONIOENCODING": "utf-8",
    }
    command = [sys.executable, "-m", "web.cli", "worker", "--batch", str(TIMERS)]
    logs = [(tmp_path / f"w{n}.out").open("wb") for n in range(2)]
    # Both workers start together, so that the one left alive has been running beside the other all along (a worker
    # that started late would find the batch nearly done on a fast machine). The one holding the batch is killed.
    workers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs]
    try:
        started = _wait_for(lambda: _fired_times(services) or None, "a worker to fire a timer")
        first_fired = min(started)
        renewed_after = first_fired + timedelta(seconds=lease)
        holders = _wait_for(
            lambda: {by for _id, until, by in _leased(services) if until > renewed_after},
            "the worker holding the batch to renew its lease",
        )
        victim = next(w for w in workers if any(f":{w.pid}:" in by for by in holders))
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        left = [(i, until) for i, until, by in _leased(services) if f":{victim.pid}:" in by]
        assert left, "the killed worker had finished its batch before it was killed; use more timers"
        lease_end = max(until for _id, until in left)
        assert lease_end > renewed_after, "the lease was not renewed during the batch"
        assert all(w.poll() is None for w in workers if w is not victim), "the other worker did not run beside it"

        _wait_for(lambda: not _waiting(services) or None, "the second worker to fire every timer", 120)
        with services.db.read() as session:
            abandoned = select(Timer.id, Timer.fired_at).where(Timer.id.in_([i for i, _ in left]))
            fired_at = {timer_id: moment for timer_id, moment in session.execute(abandoned)}
        taken = min(fired_at.values())
        print(f"lease ended {lease_end.time()}, second worker fired the first abandoned timer at {taken.time()}")
        assert taken >= lease_end - timedelta(seconds=0.01)
        assert taken - lease_end < timedelta(seconds=5)
    finally:
        for process in workers:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()
        for log in logs:
            log.close()
        services.close()


def _wait_for(probe, what: str, seconds: float = 60):
    """Poll the database (the workers are real processes on the wall clock) until `probe()` gives a value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _fired_times(services) -> list[datetime]:
    with services.db.read() as session:
        return list(session.scalars(select(Timer.fired_at).where(Timer.state == "fired")))


def _elapsed_since(services, moment: datetime) -> float:
    with services.db.read() as session:
        now = session.scalar(text("SELECT clock_timestamp()"))
    return (now - moment).total_seconds()


def _leased(services) -> list[tuple[int, datetime, str]]:
    """Waiting timers under a lease: id, lease end, the worker holding it (host:pid:thread)."""
    with services.db.read() as session:
        leased = select(Timer.id, Timer.locked_until, Timer.locked_by).where(
            Timer.state == "waiting", Timer.locked_by.is_not(None)
        )
        return [(i, until, by) for i, until, by in session.execute(leased)]


def _waiting(services) -> int:
    with services.db.read() as session:
        return session.scalar(select(func.count()).where(Timer.state == "waiting"))
