"""Firing due timers. Any number of workers may run this at once: they coordinate only through row locks."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from engine.domain.clock import Clock
from engine.domain.errors import MotcuaError
from engine.persistence.db import Database
from engine.services.stepping import Stepper

log = logging.getLogger("motcua.timers")


@dataclass(frozen=True)
class TimerPass:
    """What one pass did: timers leased, fired, and the ones whose step failed (id, error)."""

    leased: int
    fired: int
    failed: list[tuple[int, str]] = field(default_factory=list)


class TimerService:
    """`lease_seconds`: how long a batch taken by a worker is its alone; the worker renews the lease while the batch
    runs (every third of it), so a lease outlives its worker by at most `lease_seconds` (a worker killed with its
    batch half done), and another worker takes the rest soon after."""

    def __init__(self, db: Database, clock: Clock, stepper: Stepper, lease_seconds: float = 60):
        self.db, self.clock, self.stepper = db, clock, stepper
        self.lease = timedelta(seconds=lease_seconds)

    def lease_due(self, worker_id: str, batch: int = 100) -> list[int]:
        """Take up to `batch` due timers for `worker_id`: rows no other worker holds a live lease on."""
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            return uow.timers.lease_due(worker_id, now, now + self.lease, batch)

    def next_due(self):
        """The earliest due moment of the waiting timers, or None."""
        with self.db.reading() as uow:
            return uow.timers.next_due()

    def fire(self, timer_id: int) -> bool:
        """Fire one timer in its own unit of work. A timer already fired, cancelled or held elsewhere is a no-op."""
        with self.db.unit_of_work() as uow:
            # Lock the instance before the timer row: every writer of an instance's timers holds its instance lock
            # first, so two workers firing two timers of one instance cannot deadlock.
            found = uow.timers.waiting(timer_id)
            if found is None:
                return False
            head = uow.instances.lock(found[0])
            if head is None or uow.timers.waiting(timer_id) is None:  # fired meanwhile, under the lock
                return False
            if head.status != "running":
                uow.timers.cancel(timer_id, self.clock.now())
                return False
            done = self.stepper.step(uow, head, self.stepper.runtime.advance, [], "system")
            return (found[1], "fired") in done.record.timers_ended

    def run_pass(self, worker_id: str, batch: int = 100) -> TimerPass:
        """Lease one batch of due timers and fire each in its own unit of work.

        A timer whose step fails (a script error, say) is rolled back and stays leased until its lease expires (it is
        not renewed), so it is retried later without holding up the others in its batch.
        """
        leased = self.lease_due(worker_id, batch)
        fired, failed = 0, []
        renewed = self.clock.now()
        for position, timer_id in enumerate(leased):
            now = self.clock.now()
            if now - renewed >= self.lease / 3:  # heartbeat: the rest of the batch stays ours
                with self.db.unit_of_work() as uow:
                    uow.timers.extend(leased[position:], worker_id, now + self.lease)
                renewed = now
            try:
                fired += self.fire(timer_id)
            except MotcuaError as exc:
                log.error("timer %s failed, retried after its lease: %s", timer_id, exc)
                failed.append((timer_id, str(exc)))
        return TimerPass(len(leased), fired, failed)
