"""Keeps `step_fact` and `dossier_fact` up to date from the history, so that the indicators are sums over narrow,
indexed rows and never load workflows, replay histories or read the wide dossier rows.

`refresh` reads the history events after its mark (by id, in batches):
- `dossier:task:ready` / `completed` / `withdrawn`: the step's row (lane, deadline, who completed it and when);
- every event that can change how a dossier counts (its start, a status, a moved appointment, a supplementation, a
  file): the dossier's facts are computed again from its row and history, once per batch: the days it was received
  and ended, its QĐ 766 outcome (`engine.domain.indicators.dossier_outcome`, judged by the appointment before any
  extension: the last move decides, as `engine.persistence.dossiers.DossierStore.facts_of` reads it), the resolution
  time in office hours from the clock start to the processing end less the time waiting for the applicant's
  supplementation (QĐ 766: waiting is taken out), its channel, digitisation, fees, whether the fee was paid online
  and whether it is linked with the national portal (both stored by the channels).
Every write is an upsert, so reading an event twice changes nothing. The mark stops before the first event younger
than `LAG`: a PostgreSQL transaction may commit after one with a higher id, and its events must not be skipped; the
young events are simply read again next time.
"""

from datetime import datetime, timedelta

from engine.domain.clock import Clock
from engine.domain.deadlines import parse_moment
from engine.domain.indicators import dossier_outcome, paid_online
from engine.domain.timeliness import OfficeTime
from engine.persistence.db import Database
from engine.persistence.indicators import day_number
from engine.persistence.projections import DossierSource, ProjectedEvent, ProjectionStore
from engine.services.calendars import CalendarService

MARK = "indicators"
RESULT_STATUSES = frozenset({9, 10})  # resolved, returned: the dossier has a result
LAG = timedelta(minutes=5)
BATCH = 5000
DOSSIER_TAGS = frozenset(
    {
        "instance:started",
        "instance:cancelled",
        "dossier:status:changed",
        "dossier:appointment:moved",
        "dossier:supplement:requested",
        "dossier:supplement:received",
        "dossier:file:attached",
        "dossier:late",
        "dossier:payment:confirmed",
    }
)


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
        dirty: set[int] = set()
        young = self.clock.now() - LAG
        new_mark, blocked = mark, False
        for event in events:
            self._apply(store, event, dirty)
            if not blocked and event.at <= young:
                new_mark = event.id
            else:
                blocked = True  # the mark stops before the first young event
        self._dossiers(store, sorted(dirty))
        if len(events) == BATCH and new_mark == mark:
            new_mark = events[-1].id  # a whole batch of young events: move on rather than read it forever
        if new_mark != mark:
            store.set_mark(MARK, new_mark)
        return len(events)

    def _apply(self, store: ProjectionStore, event: ProjectedEvent, dirty: set[int]) -> None:
        tag = event.tag
        if tag == "dossier:task:ready" and event.task_id:
            store.step_ready(event, _moment(event.payload.get("due_at")))
        elif tag == "dossier:task:completed" and event.task_id:
            store.step_completed(event, day_number(event.at))
        elif tag == "dossier:task:withdrawn" and event.task_id:
            store.step_withdrawn(event.task_id)
        elif tag in DOSSIER_TAGS:
            dirty.add(event.instance_id)

    def _dossiers(self, store: ProjectionStore, instance_ids: list[int]) -> None:
        calendar = self.calendars.current()
        for instance_id in instance_ids:
            source = store.dossier_source(instance_id)
            if source is not None:
                store.put_fact(dossier_fact(source, calendar), contributions)


def dossier_fact(source: DossierSource, calendar: OfficeTime) -> dict:
    """The facts of one dossier (the columns of `dossier_fact`)."""
    end = source.processing_end_at
    due = _moment(source.extended_from) or source.appointment
    outcome = dossier_outcome(source.status, end, due, source.supplement_count)
    hours = None
    if end is not None:
        worked = calendar.working_time_between(source.clock_start, end)
        for requested, received in source.supplement_waits:
            worked -= calendar.working_time_between(requested, received)
        if source.supplement_requested_at is not None:  # ended while waiting (refused, withdrawn, stopped)
            worked -= calendar.working_time_between(source.supplement_requested_at, end)
        hours = max(0.0, worked.total_seconds() / 3600)
    return {
        "dossier_id": source.dossier_id,
        "procedure_code": source.procedure_code,
        "status": source.status,
        "received_day": day_number(source.received_at),
        "end_day": day_number(end) if end is not None else None,
        "outcome": outcome or ("withdrawn" if end is not None and source.status == 7 else None),
        "due_at": due,
        "channel": source.channel,
        "result_online": source.result_delivery == "online",
        "digitised": source.files > 0,
        "fee_due": source.fee > 0,
        "fee_paid": source.fee > 0 and source.fee_paid,
        "extended_from": _moment(source.extended_from),
        "extended_at": source.extension[0] if source.extension else None,
        "extension_reason": source.extension[1] if source.extension else None,
        "resolution_hours": hours,
        "portal_linked": bool(source.portal_id),
        "paid_online": paid_online(source.fee, source.payment),
    }


def contributions(fact: dict) -> dict[tuple[str, int], dict[str, float]]:
    """What one dossier's facts add to the per-day sums (`indicator_day`): its reception on the day it was received
    (once accepted: not status 1), its outcome, resolution time and result (electronic or not) on the day its
    processing ended."""
    if fact["status"] == 1:
        return {}
    procedure, online = fact["procedure_code"], fact["channel"] == 2
    found: dict[tuple[str, int], dict[str, float]] = {
        (procedure, fact["received_day"]): {
            "received": 1,
            "received_online": int(online),
            "received_fully_online": int(online and fact["result_online"]),
            "received_postal": int(fact["channel"] == 3),
            "received_digitised": int(fact["digitised"]),
            "received_fee_due": int(fact["fee_due"]),
            "received_fee_paid": int(fact["fee_paid"]),
            "received_portal": int(bool(fact.get("portal_linked"))),
            "received_paid_online": int(bool(fact.get("paid_online"))),
        }
    }
    if fact["end_day"] is not None and fact["outcome"]:
        ended = found.setdefault((procedure, fact["end_day"]), {})
        ended[f"ended_{fact['outcome']}"] = 1
        if fact["outcome"] != "withdrawn" and fact["resolution_hours"] is not None:
            ended["resolution_hours"] = fact["resolution_hours"]
            ended["resolved_with_time"] = 1
        if fact["status"] in RESULT_STATUSES:  # ended with a result: was it given electronically?
            ended["ended_result"] = 1
            ended["ended_result_online"] = int(fact["result_online"])
    return found


def _moment(value) -> datetime | None:
    return parse_moment(value) if isinstance(value, str) and value else None
