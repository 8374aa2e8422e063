"""The fields of the workflow data a step changed (engine/domain/data_changes.py): measured at the step, recorded
with it, and read back for the history, including steps that are not task completions (timers and the scripts they
run, administrative actions); histories written before steps recorded them fall back to the completions' data."""

from dataclasses import dataclass

import pytest

from engine.domain.data_changes import data_changes, diff, step_changes


@dataclass
class E:
    seq: int
    tag: str
    payload: dict
    step: dict | None = None


@pytest.mark.parametrize(
    "before, after, expected",
    [
        ({"a": 1}, {"a": 1}, []),
        ({"a": 1}, {"a": 2}, [["a", 1, 2]]),
        ({}, {"a": "x"}, [["a", None, "x"]]),
        ({}, {"a": "", "b": None}, []),  # a field first given empty is no change
        ({"a": "x"}, {"a": ""}, [["a", "x", ""]]),  # emptied is a change
        ({"a": 1, "b": 2}, {"a": 1}, []),  # a field the data no longer holds was not changed by anyone
        ({"items": [1]}, {"items": [1, 2]}, [["items", [1], [1, 2]]]),
    ],
)
def test_diff(before, after, expected):
    assert diff(before, after) == expected


@pytest.mark.parametrize(
    "case, before, after, ran, expected",
    [
        ("a completion: its form's fields", {"x": 1}, {"x": 1, "ok": True}, [({"x": 1}, {"x": 1, "ok": True})],
         [["ok", None, True]]),
        ("a script on a branch that ended (a timer's warning): seen through the task that ran", {"x": 1}, {"x": 1},
         [({"x": 1}, {"x": 1, "canh_bao_han": True})], [["canh_bao_han", None, True]]),
        ("a task that ran and set what was there already: no change", {"x": 1}, {"x": 1}, [({}, {"x": 1})], []),
        ("an administrative move of the appointment put into the waiting tasks", {"appointment": "2026-03-17"},
         {"appointment": "2026-03-20"}, [], [["appointment", "2026-03-17", "2026-03-20"]]),
        ("the standing data wins over a task's own value", {"x": 1}, {"x": 3}, [({"x": 1}, {"x": 2})],
         [["x", 1, 3]]),
    ],
)  # fmt: skip
def test_step_changes(case, before, after, ran, expected):
    assert step_changes(before, after, ran) == expected, case


def test_recorded_changes_go_to_the_first_event_of_their_step_whatever_made_them():
    events = [
        E(1, "instance:started", {"data": {"a": 1}}, {"input": {"kind": "start"}}),
        E(2, "instance:timer:fired", {"timer": "nhac_han"}),
        E(3, "dossier:task:ready", {}, {"input": {"kind": "timers"},
                                        "changes": {"event": 2, "fields": [["w", None, True]]}}),
        E(4, "dossier:payment:confirmed", {"reference": "VNPAY-1"}),
        E(5, "dossier:status:changed", {}, {"input": {"kind": "payment"}, "changes": {"event": 4, "fields": []}}),
        E(6, "dossier:task:completed", {"data": {"a": 2}}),
        E(7, "dossier:task:ready", {}, {"input": {"kind": "complete"},
                                        "changes": {"event": 6, "fields": [["a", 1, 2], ["portal_status", 4, 9]]}}),
    ]  # fmt: skip
    assert data_changes(events) == {2: [("w", None, True)], 6: [("a", 1, 2), ("portal_status", 4, 9)]}


def test_older_histories_show_what_each_completion_changed():
    events = [
        E(1, "instance:started", {"data": {"a": 1, "b": ""}}),
        E(2, "dossier:task:completed", {"data": {"a": 1, "b": "x"}}),
        E(3, "dossier:task:completed", {"data": {"a": 5}}),
        E(4, "dossier:task:completed", {"data": {"a": 5}}),
    ]
    assert data_changes(events) == {2: [("b", "", "x")], 3: [("a", 1, 5)]}


def test_a_step_that_recorded_no_change_overrides_the_guess_from_its_completion():
    events = [
        E(1, "instance:started", {"data": {}}),
        E(2, "dossier:task:completed", {"data": {"a": 1}}, {"changes": {"event": 2, "fields": []}}),
    ]
    assert 2 not in data_changes(events)
