"""A dossier's history replayed event by event, from the events alone: after each event, which elements were ready
(tasks waiting for someone), waiting (timers set), completed; the workflow data as it was; the appointment and the
deadlines of the open tasks; who acted. Pure: the replay view on the dossier page steps through these."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Moment:
    seq: int
    tag: str
    at: str  # ISO moment of the event
    actor: str
    payload: dict  # the event's own
    current: list[str]  # element ids of the tasks ready then
    waiting: list[str]  # element ids of the timers set then
    done: list[str]  # element ids completed by then
    data: dict  # the workflow data as the history tells it (start data and every completion's data)
    appointment: str | None
    deadlines: dict[str, str | None] = field(default_factory=dict)  # element id of an open task -> its deadline


def moments(events) -> list[Moment]:
    """One moment after each of `events` (in order; each with seq, tag, at, actor, payload)."""
    ready: dict[str, str] = {}  # task id -> element id
    deadlines: dict[str, str | None] = {}  # task id -> deadline
    timers: dict[str, str] = {}  # task id -> element id
    done: list[str] = []
    data: dict = {}
    appointment: str | None = None
    out: list[Moment] = []
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        key = event.task_id or ""
        element = payload.get("task") or payload.get("timer")
        if event.tag == "instance:started":
            data = dict(payload.get("data") or {})
            appointment = data.get("appointment") if isinstance(data.get("appointment"), str) else None
        elif event.tag == "dossier:task:ready" and element:
            ready[key], deadlines[key] = element, payload.get("due_at")
        elif event.tag in ("dossier:task:completed", "dossier:task:withdrawn"):
            ready.pop(key, None)
            deadlines.pop(key, None)
            if event.tag == "dossier:task:completed" and element:
                done.append(element)
                if isinstance(payload.get("data"), dict):
                    data.update(payload["data"])
        elif event.tag == "instance:timer:scheduled" and element:
            timers[key] = element
        elif event.tag in ("instance:timer:fired", "instance:timer:cancelled"):
            timers.pop(key, None)
            if event.tag == "instance:timer:fired" and element:
                done.append(element)
        elif event.tag == "dossier:appointment:moved" and isinstance(payload.get("to"), str):
            appointment = payload["to"]
        elif event.tag in ("instance:completed", "instance:cancelled"):
            ready.clear()
            deadlines.clear()
            timers.clear()
        out.append(
            Moment(
                event.seq,
                event.tag,
                event.at.isoformat(),
                event.actor,
                payload,
                list(dict.fromkeys(ready.values())),
                list(dict.fromkeys(timers.values())),
                list(dict.fromkeys(done)),
                dict(data),
                appointment,
                {ready[k]: deadlines.get(k) for k in ready},
            )
        )
    return out
