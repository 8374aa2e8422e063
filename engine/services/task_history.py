"""The steps of a dossier read back from its history events: when each user task became ready, its deadline, who
completed it and when. Pure functions over rows with `seq`, `tag`, `at`, `actor`, `task_id` and `payload` (history
events or `EventRow`s); the document service builds Mẫu 05, the register and the late report from them.

A step's deadline is the `due_at` its `dossier:task:ready` event recorded (from the task's allotment); a step that
waited for the applicant has none when ready, and its completion records the deadline counted from when the
additions arrived (`clock_from`, `due_at`; `engine.domain.deadlines.waiting_step_deadline`). The step that
follows a completion is the first task made ready by the same unit of work (the ready events written right after the
completion, before the next command), which is how a handover from one lane to the next shows in the history.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from engine.domain.timeliness import OfficeTime, Timeliness, classify

READY = "dossier:task:ready"
COMPLETED = "dossier:task:completed"
# Events that end the step's unit of work: what follows them was made ready by another command.
_COMMANDS = {COMPLETED, "instance:started", "instance:cancelled"}


class EventLike(Protocol):
    @property
    def seq(self) -> int: ...
    @property
    def tag(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def task_id(self) -> str | None: ...
    @property
    def payload(self) -> Any: ...


E = TypeVar("E", bound=EventLike)


@dataclass(frozen=True)
class Step:
    """One user task of the dossier. `completed_at`/`actor` are None while it is open (or was withdrawn);
    `next_task_id` is the task its completion made ready first (None: none, e.g. the last step)."""

    task_id: str
    name: str
    title: str
    lane: str
    ready_at: datetime
    due_at: datetime | None
    completed_at: datetime | None = None
    actor: str | None = None
    withdrawn: bool = False
    next_task_id: str | None = None
    clock_from: datetime | None = None  # when its allotment started counting, if not when it became ready

    def result(self, calendar: OfficeTime | None = None) -> Timeliness | None:
        """early / on_time / late against the step's deadline; None while open; on_time when it had no deadline."""
        if self.completed_at is None:
            return None
        if self.due_at is None:
            return "on_time"
        return classify(self.completed_at, self.due_at, self.clock_from or self.ready_at, calendar)

    def late_at(self, moment: datetime) -> bool:
        """Late as seen at `moment`: completed after its deadline, or still open with the deadline passed."""
        if self.due_at is None or self.withdrawn:
            return False
        end = self.completed_at if self.completed_at is not None else moment
        return end > self.due_at


def _due(payload: dict) -> datetime | None:
    text = (payload or {}).get("due_at")
    return datetime.fromisoformat(text) if text else None


def steps(events: Sequence[EventLike]) -> list[Step]:
    """The user tasks in the order they became ready, with completion and the next task filled in."""
    ordered = sorted(events, key=lambda e: e.seq)
    found: dict[str, dict] = {}
    for index, event in enumerate(ordered):
        payload = event.payload or {}
        if event.tag == READY and event.task_id:
            found[event.task_id] = {
                "task_id": event.task_id,
                "name": payload.get("task", ""),
                "title": payload.get("title") or payload.get("task", ""),
                "lane": payload.get("lane") or "",
                "ready_at": event.at,
                "due_at": _due(payload),
            }
        elif event.tag == COMPLETED and event.task_id in found:
            found[event.task_id].update(
                completed_at=event.at, actor=event.actor, next_task_id=_next_ready(ordered, index)
            )
            if payload.get("clock_from"):  # a step that waited for the applicant: its deadline counts from then
                clock_from = datetime.fromisoformat(payload["clock_from"])
                found[event.task_id].update(clock_from=clock_from, due_at=_due(payload))
        elif event.tag == "dossier:task:withdrawn" and event.task_id in found:
            found[event.task_id]["withdrawn"] = True
    return [Step(**values) for values in found.values()]


def _next_ready(ordered: Sequence[EventLike], index: int) -> str | None:
    done = ordered[index]
    for event in ordered[index + 1 :]:
        if event.tag in _COMMANDS or event.at != done.at:  # a unit of work records all its events at one moment
            return None
        if event.tag == READY:
            return event.task_id
    return None


def first_at(events: Sequence[EventLike], tag: str, **payload: Any) -> datetime | None:
    """When the first event tagged `tag` whose payload has the given values was recorded, or None."""
    for event in sorted(events, key=lambda e: e.seq):
        if event.tag == tag and all((event.payload or {}).get(k) == v for k, v in payload.items()):
            return event.at
    return None


def last_of(events: Sequence[E], tag: str, **payload: Any) -> E | None:
    """The latest event tagged `tag` whose payload has the given values, or None."""
    for event in sorted(events, key=lambda e: e.seq, reverse=True):
        if event.tag == tag and all((event.payload or {}).get(k) == v for k, v in payload.items()):
            return event
    return None


def actor_before(events: Sequence[EventLike], seq: int) -> str | None:
    """Who completed the task whose step recorded the event at `seq` (the completion just before it), or None."""
    for event in sorted(events, key=lambda e: e.seq, reverse=True):
        if event.seq < seq and event.tag in _COMMANDS:
            return event.actor if event.tag == COMPLETED else None
    return None
