"""A dossier's history as a self-contained document (an export an auditor keeps), and back: its events with their
hashes, MACs and step records, the head and its MAC, the stored state, dossier facts, open tasks and timers, and the
process version's files, so that `motcua verify --file` checks and re-executes it without the database. Pure."""

import json
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from engine.domain.audit import Evidence, TaskEvidence, TimerEvidence

FORMAT = "motcua-history-1"
EVENT_COLUMNS = ("seq", "tag", "at", "actor", "task_id", "payload", "step", "prev_hash", "hash", "mac")
FACT_FIELDS = (
    "code",
    "procedure_code",
    "applicant_name",
    "appointment",
    "status",
    "supplement_count",
    "extension_count",
    "processing_end_at",
    "returned_at",
    "late",
    "supplement_requested_at",
    "status_changed_at",
)
_FACT_MOMENTS = {"appointment", "processing_end_at", "returned_at", "supplement_requested_at", "status_changed_at"}


@dataclass(frozen=True)
class FileEvent:
    seq: int
    tag: str
    at: datetime
    actor: str
    task_id: str | None
    payload: dict
    step: dict | None
    prev_hash: str
    hash: str
    mac: str | None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def event_json(event) -> dict:
    return {name: _moment(event.at) if name == "at" else getattr(event, name) for name in EVENT_COLUMNS}


def event_from_json(item: dict) -> FileEvent:
    at = _parse(item["at"])
    if at is None:
        raise ValueError(f"event {item.get('seq')} has no moment")
    return FileEvent(
        int(item["seq"]),
        str(item["tag"]),
        at,
        str(item["actor"]),
        item.get("task_id"),
        item.get("payload") or {},
        item.get("step"),
        str(item["prev_hash"]),
        str(item["hash"]),
        item.get("mac"),
    )


def to_document(evidence: Evidence, sources: dict[str, str], exported_at: datetime) -> dict:
    facts = evidence.facts
    return {
        "format": FORMAT,
        "code": evidence.code,
        "exported_at": exported_at.isoformat(),
        "head": {"seq": evidence.head_seq, "hash": evidence.head_hash, "mac": evidence.head_mac},
        "events": [event_json(e) for e in evidence.events],
        "state": evidence.state_text,
        "facts": None
        if facts is None
        else {
            name: _moment(getattr(facts, name)) if name in _FACT_MOMENTS else getattr(facts, name)
            for name in FACT_FIELDS
        },
        "dossier": evidence.dossier,
        "tasks": [
            {"task_id": t.task_id, "name": t.name, "title": t.title, "lane": t.lane, "due_at": _moment(t.due_at)}
            for t in evidence.tasks
        ],
        "timers": {
            k: {"name": t.name, "state": t.state, "due_at": _moment(t.due_at)} for k, t in evidence.timers.items()
        },
        "process": {"process_id": evidence.process_id, "version_hash": evidence.version_hash, "sources": sources},
    }


def from_document(document: dict) -> tuple[Evidence, dict[str, str]]:
    """(evidence, the process version's files) from `to_document`'s output, or from `from_csv`'s (events and head
    only: `rows` False). Raises ValueError for anything else."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"not a history export ({FORMAT})")
    try:
        facts = document.get("facts")
        process = document.get("process") or {}
        evidence = Evidence(
            document["code"],
            document["head"]["seq"],
            document["head"]["hash"],
            document["head"].get("mac"),
            document.get("state"),
            [event_from_json(item) for item in document["events"]],
            facts=None
            if facts is None
            else SimpleNamespace(
                **{k: _parse(facts.get(k)) if k in _FACT_MOMENTS else facts.get(k) for k in FACT_FIELDS}
            ),
            dossier=document.get("dossier"),
            tasks=[
                TaskEvidence(t["task_id"], t["name"], t["title"], t.get("lane"), _parse(t.get("due_at")))
                for t in document.get("tasks") or []
            ],
            timers={
                k: TimerEvidence(t["name"], t["state"], datetime.fromisoformat(t["due_at"]))
                for k, t in (document.get("timers") or {}).items()
            },
            version_hash=process.get("version_hash", ""),
            process_id=process.get("process_id", ""),
            rows="state" in document,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"a history export with a missing or malformed part: {exc}") from None
    return evidence, dict(process.get("sources") or {})


HEAD_ROW = "#head"


def csv_rows(evidence: Evidence) -> list[list]:
    """The events as CSV rows (payload and step as JSON text), the head last (tag `#head`)."""
    rows: list[list] = [list(EVENT_COLUMNS)]
    for event in evidence.events:
        item = event_json(event)
        rows.append([_cell(item[name]) for name in EVENT_COLUMNS])
    head = {
        "seq": evidence.head_seq,
        "tag": HEAD_ROW,
        "actor": evidence.code,  # the head row names the dossier (its code is in every hash)
        "hash": evidence.head_hash,
        "mac": evidence.head_mac,
    }
    rows.append([_cell(head.get(name)) for name in EVENT_COLUMNS])
    return rows


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def from_csv(rows: list[list[str]]) -> dict:
    """A document (events and head only) from `csv_rows`' rows. Raises ValueError for anything else."""
    if not rows or tuple(rows[0]) != EVENT_COLUMNS:
        raise ValueError("not a history export in CSV: the first row must name " + ", ".join(EVENT_COLUMNS))
    events, head, code = [], None, ""
    for row in rows[1:]:
        item = dict(zip(EVENT_COLUMNS, row, strict=True))
        if item["tag"] == HEAD_ROW:
            head, code = {"seq": int(item["seq"]), "hash": item["hash"], "mac": item["mac"] or None}, item["actor"]
            continue
        events.append(
            {
                **item,
                "seq": int(item["seq"]),
                "task_id": item["task_id"] or None,
                "payload": json.loads(item["payload"]) if item["payload"] else {},
                "step": json.loads(item["step"]) if item["step"] else None,
                "mac": item["mac"] or None,
            }
        )
    if head is None:
        raise ValueError("a history export in CSV without its head row")
    return {"format": FORMAT, "code": code, "head": head, "events": events}
