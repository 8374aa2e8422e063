"""The fields of the workflow data each step changed, with their old and new values. Pure.

Since the step records them (`diff`, at every step after the start: task completions, timers, administrative
actions, scripts run by any of them), the history says it: the step's `changes` ({event, fields}) names the step's
first event (the command that made them) and the fields. For histories written before that, a task completion's own
data is compared with the data the dossier started with plus the completions before it."""

_MISSING = object()


def diff(before: dict, after: dict) -> list[list]:
    """[[field, old value or None, new value]] of the fields `after` sets to a value other than in `before` (the
    workflow data before and after a step), in the order of `after`; a field first given empty is no change. A field
    missing from `after` is not a change: a cancelled workflow keeps no data, yet nobody removed it."""
    return [
        [name, before.get(name), value]
        for name, value in after.items()
        if before.get(name, _MISSING) != value and not (name not in before and value in ("", None))
    ]


def step_changes(before: dict, after: dict, ran: list[tuple[dict, dict]]) -> list[list]:
    """The fields a step changed: `diff(before, after)` of the data as it stands before and after it, then what each
    task that ran in the step set that is not there (`ran`: (the data the task started with, the data it ended
    with), e.g. a script on a branch that has ended, which the data standing after the step no longer shows), with
    the value before the step as the old one; a value the same as before the step is no change."""
    found = {name: [name, old, new] for name, old, new in diff(before, after)}
    for started, ended in ran:
        for name, old, new in diff(started, ended):
            if name not in found and before.get(name, _MISSING) != new:
                found[name] = [name, before.get(name, old), new]
    return list(found.values())


def data_changes(events) -> dict[int, list[tuple[str, object, object]]]:
    """Event number -> [(field, old value or None, new value)] for the events (in order, each with seq,
    tag, payload and step) whose step changed the workflow data."""
    merged = {**_from_completions(events), **_recorded(events)}
    return {seq: fields for seq, fields in merged.items() if fields}


def _recorded(events) -> dict[int, list[tuple[str, object, object]]]:
    """What the steps recorded (an empty list: the step changed nothing, which overrides the completions' guess)."""
    found: dict[int, list[tuple[str, object, object]]] = {}
    for event in events:
        recorded = event.step.get("changes") if isinstance(getattr(event, "step", None), dict) else None
        if isinstance(recorded, dict) and isinstance(recorded.get("fields"), list):
            fields = [(str(f[0]), f[1], f[2]) for f in recorded["fields"] if isinstance(f, list) and len(f) == 3]
            found[int(recorded.get("event", event.seq))] = fields
    return found


def _from_completions(events) -> dict[int, list[tuple[str, object, object]]]:
    """For histories whose steps did not record their changes: each `dossier:task:completed` event that set a field
    to a new value, against the start's data and the completions before it."""
    data: dict = {}
    changes: dict[int, list[tuple[str, object, object]]] = {}
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        given = payload.get("data")
        if not isinstance(given, dict):
            continue
        if event.tag == "instance:started":
            data = dict(given)
        elif event.tag == "dossier:task:completed":
            changed = [
                (name, data.get(name), value)
                for name, value in given.items()
                if data.get(name, _MISSING) != value and not (name not in data and value in ("", None))
            ]
            if changed:
                changes[event.seq] = changed
            data.update(given)
    return changes
