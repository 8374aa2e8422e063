"""Digests of what a step leaves behind, over canonical serialisations (keys sorted, compact, UTC moments), so that
the same content gives the same digest however it was stored (PostgreSQL's JSONB reorders keys). Pure."""

import hashlib
import json
from datetime import UTC, datetime

import orjson


def canonical(value) -> bytes:
    """`value` (plain JSON: dicts, lists, strings, numbers, booleans, None) as canonical JSON bytes."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _parse(text: str | bytes):
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def digest(value) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def state_digest(state_text: str | bytes) -> str:
    """The digest of a workflow state stored as JSON text, independent of the random ids its tasks were given and of
    the wall-clock moments of their state changes (so that a re-execution of the same inputs gives the same digest):
    each task id is replaced by its place in a depth-first walk of the task tree (subprocesses where they start)."""
    state = _parse(state_text)
    return digest(_renamed(state, _task_names(state)) if isinstance(state, dict) else state)


def _task_names(state: dict) -> dict[str, str]:
    names: dict[str, str] = {}
    subprocesses = state.get("subprocesses") or {}

    def walk(tree: dict) -> None:
        tasks = tree.get("tasks") or {}
        stack = [tree.get("root")]
        while stack:
            task_id = stack.pop()
            if not isinstance(task_id, str) or task_id in names or task_id not in tasks:
                continue
            names[task_id] = f"t{len(names)}"
            if isinstance(subprocesses.get(task_id), dict):
                walk(subprocesses[task_id])
            stack.extend(reversed(tasks[task_id].get("children") or []))
        for task_id in sorted(tasks):  # unreachable tasks, if any
            names.setdefault(task_id, f"t{len(names)}")

    walk(state)
    return names


def _renamed(value, names: dict[str, str]):
    """`value` with every task id (a key, a string, or in a list) replaced by its name, and without the wall-clock
    stamps; workflow data (`data`, `delta`) is taken as it is: it holds what people and scripts wrote, not ids."""
    if isinstance(value, dict):
        return {
            names.get(k, k): v if k in _AS_IS else _renamed(v, names)
            for k, v in value.items()
            if k != "last_state_change"
        }
    if isinstance(value, list):
        return [_renamed(v, names) for v in value]
    if isinstance(value, str):
        return names.get(value, value)
    return value


_AS_IS = frozenset({"data", "delta"})


def moment(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def facts_digest(facts) -> str | None:
    """The digest of a dossier's facts as its steps see them (`DossierFacts`; None for a bare instance)."""
    if facts is None:
        return None
    return digest(
        {
            "code": facts.code,
            "procedure_code": facts.procedure_code,
            "applicant_name": facts.applicant_name,
            "appointment": moment(facts.appointment),
            "status": facts.status,
            "supplement_count": facts.supplement_count,
            "extension_count": facts.extension_count,
            "processing_end_at": moment(facts.processing_end_at),
            "returned_at": moment(facts.returned_at),
            "late": bool(facts.late),
            "supplement_requested_at": moment(facts.supplement_requested_at),
            "status_changed_at": moment(facts.status_changed_at),
        }
    )


def tasks_digest(projected: dict[str, str]) -> str:
    """The digest of an instance's open task projection: task id -> element id."""
    return digest(sorted(projected.items()))


def timers_digest(timers: dict) -> str:
    """The digest of an instance's timers: task id -> (name, state, due moment)."""
    return digest(sorted((k, t.name, t.state, moment(t.due_at)) for k, t in timers.items()))
