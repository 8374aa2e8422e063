"""Firing due timers. Any number of workers may run this at once: they coordinate only through row locks."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import or_, select, update

from engine.domain.clock import Clock
from engine.domain.errors import MotcuaError
from engine.persistence.db import Database
from engine.persistence.models import Timer
from engine.services.instances import InstanceService

log = logging.getLogger("motcua.timers")


@dataclass(frozen=True)
class TimerPass:
    """What one pass did: timers leased, fired, and the ones whose step failed (id, error)."""

    leased: int
    fired: int
    failed: list[tuple[int, str]] = field(default_factory=list)


class TimerService:
    def __init__(self, db: Database, clock: Clock, instances: InstanceService, lease_seconds: float = 300):
        self.db, self.clock, self.instances = db, clock, instances
        self.lease = timedelta(seconds=lease_seconds)

    def lease_due(self, worker_id: str, batch: int = 100) -> list[int]:
        """Take up to `batch` due timers for `worker_id`: rows no other worker holds a live lease on.

        Uses the (state, due_at) index, so its cost follows the number of due timers, not of waiting ones.
        """
        now = self.clock.now()
        with self.db.transaction() as session:
            query = (
                select(Timer.id)
                .where(
                    Timer.state == "waiting",
                    Timer.due_at <= now,
                    or_(Timer.locked_until.is_(None), Timer.locked_until < now),
                )
                .order_by(Timer.due_at)
                .limit(batch)
            )
            if self.db.skip_locked:
                query = query.with_for_update(skip_locked=True)
            ids = list(session.scalars(query))
            if ids:
                session.execute(
                    update(Timer).where(Timer.id.in_(ids)).values(locked_by=worker_id, locked_until=now + self.lease)
                )
            return ids

    def fire(self, timer_id: int) -> bool:
        """Fire one timer in its own unit of work. A timer already fired, cancelled or held elsewhere is a no-op."""
        with self.instances.step() as session:
            # Lock the instance before the timer row: every writer of an instance's timers holds its instance lock
            # first, so two workers firing two timers of one instance cannot deadlock.
            instance_id = session.scalar(
                select(Timer.instance_id).where(Timer.id == timer_id, Timer.state == "waiting")
            )
            if instance_id is None:
                return False
            instance = self.instances._lock(session, id=instance_id)
            timer = session.scalars(
                select(Timer)
                .where(Timer.id == timer_id, Timer.state == "waiting")
                .execution_options(populate_existing=True)
            ).one_or_none()
            if timer is None:
                return False
            if instance.status != "running":
                timer.state = "cancelled"
                return False
            workflow = self.instances._workflow(session, instance)
            self.instances.runtime.advance(workflow)
            self.instances._save(session, instance, workflow, [], "system")
            return session.scalar(select(Timer.state).where(Timer.id == timer_id)) == "fired"

    def run_pass(self, worker_id: str, batch: int = 100) -> TimerPass:
        """Lease one batch of due timers and fire each in its own unit of work.

        A timer whose step fails (a script error, say) is rolled back and stays leased until its lease expires, so
        it is retried later without holding up the others in its batch.
        """
        leased = self.lease_due(worker_id, batch)
        fired, failed = 0, []
        for timer_id in leased:
            try:
                fired += self.fire(timer_id)
            except MotcuaError as exc:
                log.error("timer %s failed, retried after its lease: %s", timer_id, exc)
                failed.append((timer_id, str(exc)))
        return TimerPass(len(leased), fired, failed)
