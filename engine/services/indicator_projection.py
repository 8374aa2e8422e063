"""Keeps `step_fact` and `dossier_fact` up to date from the history, so that the indicators are indexed queries and
never load workflows or replay histories.

`refresh` reads the history events after its mark (by id, in batches) and, per event:
- `dossier:task:ready` / `completed` / `withdrawn`: the step's row (lane, deadline, who completed it and when);
- `dossier:appointment:moved`: the appointment an extension moved away from (lateness is judged by it), cleared by a
  later supplementation's move (engine/persistence/dossiers.py `facts_of` reads the same rule);
- `dossier:status:changed` to a processing end: the dossier's resolution time in office hours, from its clock start
  to its processing end less the time it waited for the applicant's supplementation (QĐ 766: waiting is taken out).
Every write is an upsert, so reading an event twice changes nothing. The mark stops before the first event younger
than `LAG`: a PostgreSQL transaction may commit after one with a higher id, and its events must not be skipped; the
young events are simply read again next time.
"""

from datetime import datetime, timedelta

from engine.domain.clock import Clock
from engine.domain.deadlines import parse_moment
from engine.domain.portal import PROCESSING_END_STATUSES
from engine.persistence.db import Database
from engine.persistence.projections import ProjectedEvent, ProjectionStore
from engine.services.calendars import CalendarService

MARK = "indicators"
LAG = timedelta(minutes=5)
BATCH = 5000


class IndicatorProjection:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService):
        self.db, self.clock, self.calendars = db, clock, calendars

    def refresh(self, max_batches: int | None = None) -> int:
        """Take in the history written since the last refresh; return the number of events read. Each batch is one
        unit of work, so a refresh interrupted half way keeps what it did."""
        with self.db.reading() as uow:  # nothing new (the usual case): no write transaction, no lock
            if not ProjectionStore(uow).has_events_after(MARK):
                return 0
        read = batches = 0
        while max_batches is None or batches < max_batches:
            with self.db.unit_of_work() as uow:
                done = self._batch(ProjectionStore(uow))
            read += done
            batches += 1
            if done < BATCH:
                break
        return read

    def _batch(self, store: ProjectionStore) -> int:
        mark = store.mark(MARK)
        events = store.events_after(mark, BATCH)
        ended: set[int] = set()
        young = self.clock.now() - LAG
        new_mark, blocked = mark, False
        for event in events:
            self._apply(store, event, ended)
            if not blocked and event.at <= young:
                new_mark = event.id
            else:
                blocked = True  # the mark stops before the first young event
        self._resolutions(store, sorted(ended))
        if len(events) == BATCH and new_mark == mark:
            new_mark = events[-1].id  # a whole batch of young events: move on rather than read it forever
        if new_mark != mark:
            store.set_mark(MARK, new_mark)
        return len(events)

    def _apply(self, store: ProjectionStore, event: ProjectedEvent, ended: set[int]) -> None:
        tag, payload = event.tag, event.payload
        if tag == "dossier:task:ready" and event.task_id:
            store.step_ready(event, _moment(payload.get("due_at")))
        elif tag == "dossier:task:completed" and event.task_id:
            store.step_completed(event)
        elif tag == "dossier:task:withdrawn" and event.task_id:
            store.step_withdrawn(event.task_id)
        elif tag == "dossier:appointment:moved":
            extended = payload.get("rule") == "extension"
            store.set_extended_from(event.instance_id, _moment(payload.get("from")) if extended else None)
            if extended:
                store.set_extension(event.instance_id, event.at, str(payload.get("reason") or ""))
        elif tag == "dossier:status:changed" and payload.get("status") in PROCESSING_END_STATUSES:
            ended.add(event.instance_id)

    def _resolutions(self, store: ProjectionStore, instance_ids: list[int]) -> None:
        calendar = self.calendars.current()
        for dossier in store.ended(instance_ids):
            hours = calendar.working_time_between(dossier.clock_start, dossier.processing_end_at)
            for requested, received in store.supplement_waits(dossier.instance_id):
                hours -= calendar.working_time_between(requested, received)
            if dossier.supplement_requested_at is not None:  # ended while waiting (refused, withdrawn, stopped)
                hours -= calendar.working_time_between(dossier.supplement_requested_at, dossier.processing_end_at)
            store.set_resolution(dossier.dossier_id, max(0.0, hours.total_seconds() / 3600))


def _moment(value) -> datetime | None:
    return parse_moment(value) if isinstance(value, str) and value else None
