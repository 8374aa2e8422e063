"""The step as a value: `build_record` turns what the workflow did into the rows to write, without a database."""

from datetime import datetime

from engine.bpmn.runtime import Scan, TimerView, UserTaskView
from engine.domain.calendar import WorkingCalendar
from engine.domain.chain import GENESIS, event_hash
from engine.domain.clock import VN_TZ
from engine.persistence.instances import InstanceHead
from engine.persistence.steps import Stored, StoredTimer
from engine.services.dossier_effects import EffectOutcome
from engine.services.step_record import After, Event, build_record

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)  # Monday
HEAD = InstanceHead(7, "H1", 3, "running", 4, 0, "")
CALENDAR = WorkingCalendar()


def after(ready=(), waiting=(), fired=(), status="running") -> After:
    return After(Scan(list(ready), list(waiting), list(fired)), status, "p", "{}")


def test_a_new_ready_task_is_projected_with_its_deadline_announced_and_chained():
    task = UserTaskView("t1", "tham_dinh", "Thẩm định", "Phòng", {"allotment": "1d"})
    done = Event("dossier:task:completed", "cv", {"task": "tiep_nhan"}, "t0")

    record, stored = build_record(
        HEAD, Stored({"t0": "tiep_nhan"}, {}), after([task]), [done], EffectOutcome(), CALENDAR, NOW, "cv"
    )

    assert record.tasks_removed == ["t0"]  # explained by the completion: no "withdrawn" event
    [row] = record.tasks_added
    assert (row["task_id"], row["due_at"]) == ("t1", datetime(2026, 3, 3, 8, 0, tzinfo=VN_TZ))
    assert [e["tag"] for e in record.events] == ["dossier:task:completed", "dossier:task:ready"]
    assert [m["idempotency_key"] for m in record.outbox] == ["task-ready:t1"]
    first = record.events[0]
    assert first["prev_hash"] == GENESIS and first["hash"] == event_hash(
        GENESIS, "H1", 1, first["tag"], NOW, "cv", first["payload"]
    )
    assert (record.seq, record.hash) == (2, record.events[-1]["hash"])
    assert stored.projected == {"t1": "tham_dinh"}


def test_timers_scheduled_fired_and_cancelled_are_told_apart():
    due = datetime(2026, 3, 3, 8, 0, tzinfo=VN_TZ)
    stored = Stored({}, {"a": StoredTimer("nhac", "waiting", due), "b": StoredTimer("han", "waiting", due)})
    scan = after(waiting=[TimerView("c", "moi", due)], fired=[TimerView("a", "nhac", due)])

    record, known = build_record(HEAD, stored, scan, [], EffectOutcome(), CALENDAR, NOW, "system")

    assert sorted(record.timers_ended) == [("a", "fired"), ("b", "cancelled")]
    assert [(t["task_id"], t["state"], t["fired_at"]) for t in record.timers_added] == [("c", "waiting", None)]
    assert {k: t.state for k, t in known.timers.items()} == {"a": "fired", "b": "cancelled", "c": "waiting"}


def test_a_timer_already_due_when_reached_is_stored_as_fired():
    due = datetime(2026, 3, 1, 8, 0, tzinfo=VN_TZ)

    record, _ = build_record(
        HEAD, Stored({}, {}), after(fired=[TimerView("x", "qua_han", due)]), [], EffectOutcome(), CALENDAR, NOW, "s"
    )

    assert [(t["state"], t["fired_at"]) for t in record.timers_added] == [("fired", NOW)]
    assert [e["tag"] for e in record.events] == ["instance:timer:fired"]
