"""The history replayed event by event from the events alone (`engine.domain.moments`)."""

from datetime import datetime
from types import SimpleNamespace

from engine.domain.clock import VN_TZ
from engine.domain.data_changes import data_changes
from engine.domain.moments import moments

AT = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)


def event(seq, tag, payload=None, task_id=None, actor="system"):
    return SimpleNamespace(seq=seq, tag=tag, at=AT, actor=actor, task_id=task_id, payload=payload or {})


HISTORY = [
    event(1, "instance:started", {"data": {"a": 1, "appointment": "2026-03-10T17:00:00+07:00"}}, actor="mc"),
    event(2, "dossier:task:ready", {"task": "review", "due_at": "2026-03-03T08:00:00+07:00"}, "t1"),
    event(3, "instance:timer:scheduled", {"timer": "remind", "due_at": "2026-03-04T08:00:00+07:00"}, "x1"),
    event(4, "instance:timer:fired", {"timer": "remind"}, "x1"),
    event(5, "dossier:task:completed", {"task": "review", "data": {"a": 2, "b": ""}}, "t1", actor="cv"),
    event(6, "dossier:appointment:moved", {"from": "2026-03-10T17:00:00+07:00", "to": "2026-03-20T17:00:00+07:00"}),
    event(7, "dossier:task:ready", {"task": "sign", "due_at": None}, "t2"),
    event(8, "instance:cancelled", {"reason": "rút"}, actor="mc"),
]


def test_each_moment_marks_ready_waiting_and_done_elements_with_the_data_and_appointment_of_then():
    found = moments(HISTORY)
    assert [(m.current, m.waiting, m.done) for m in found] == [
        ([], [], []),
        (["review"], [], []),
        (["review"], ["remind"], []),
        (["review"], [], ["remind"]),
        ([], [], ["remind", "review"]),
        ([], [], ["remind", "review"]),
        (["sign"], [], ["remind", "review"]),
        ([], [], ["remind", "review"]),
    ]
    assert found[1].deadlines == {"review": "2026-03-03T08:00:00+07:00"} and found[4].deadlines == {}
    assert (found[3].data["a"], found[4].data["a"]) == (1, 2)
    assert (found[4].appointment, found[5].appointment) == ("2026-03-10T17:00:00+07:00", "2026-03-20T17:00:00+07:00")
    assert found[4].actor == "cv"


def test_a_completion_shows_the_fields_it_changed_with_old_and_new_values():
    assert data_changes(HISTORY) == {5: [("a", 1, 2)]}  # "b" given empty for the first time is no change
