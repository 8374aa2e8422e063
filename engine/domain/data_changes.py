"""The fields of the workflow data each task completion changed, with their old and new values, read from the history
alone: the data the dossier started with, then each completion's data on top of it. Pure."""

_MISSING = object()


def data_changes(events) -> dict[int, list[tuple[str, object, object]]]:
    """Event number -> [(field, old value or None, new value)] for each `dossier:task:completed` event (events in
    order, each with seq, tag, payload) that set a field to a new value (a field first given empty is no change)."""
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
