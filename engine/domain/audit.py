"""Checking that a dossier's stored history, state and rows are what its steps recorded, and naming what was
tampered with. Pure: `check` gets everything read from the database (`Evidence`) and the seal.

What is checked, in order (the first finding is the first divergence; all findings are listed):
1. the hash chain: an event whose content no longer gives its hash was edited; a gap in the numbers is a deletion;
2. the keyed MACs of the events (someone who can write to the database cannot forge them): an event whose MAC fails
   was inserted, or edited with every hash recomputed; MACs that hold one number off tell a renumbering apart;
3. the keyed MAC of the head: events all genuine but the head not the sealed one means the history was truncated and
   the head reset;
4. the step digests recorded by the last step against the stored state, dossier facts, task projection and timers;
5. the process version the history was started on against the stored BPMN sources.
"""

from dataclasses import dataclass, field
from datetime import datetime

from engine.domain.chain import GENESIS, Seal, event_hash
from engine.domain.digests import facts_digest, moment, state_digest, tasks_digest, timers_digest


@dataclass(frozen=True)
class Finding:
    kind: str  # event_edited | event_deleted | event_inserted | chain_recomputed | history_truncated | head_altered
    # | unsealed
    # | state_altered | dossier_altered | tasks_altered | timers_altered | process_altered | anchor_mismatch
    message: str
    seq: int | None = None


@dataclass(frozen=True)
class TaskEvidence:
    task_id: str
    name: str
    title: str
    lane: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class TimerEvidence:
    name: str
    state: str
    due_at: datetime


@dataclass
class Evidence:
    """What the database holds of one instance."""

    code: str
    head_seq: int
    head_hash: str
    head_mac: str | None
    state_text: str | None
    events: list  # EventRow-like: seq, tag, at, actor, payload, prev_hash, hash, step, mac
    facts: object | None = None  # DossierFacts
    dossier: dict | None = None  # the dossier row's fixed columns: applicant, channel, received_at, ...
    tasks: list[TaskEvidence] = field(default_factory=list)
    timers: dict[str, TimerEvidence] = field(default_factory=dict)
    version_hash: str = ""  # as stored on the version row
    sources_hash: str = ""  # recomputed from the version's stored sources
    process_id: str = ""
    rows: bool = True  # the state, facts, tasks and timers are known (an export of the events alone has none)


@dataclass(frozen=True)
class AuditReport:
    code: str
    events: int
    findings: list[Finding]

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def problem(self) -> str:
        return self.findings[0].message if self.findings else ""


def _content(code: str, event, seq: int | None = None) -> tuple:
    return (code, event.seq if seq is None else seq, event.tag, event.at, event.actor, event.payload, event.step)


def _chain(code: str, events: list) -> Finding | None:
    prev = GENESIS
    for expected, event in enumerate(events, start=1):
        if event_hash(event.prev_hash, *_content(code, event)) != event.hash:
            return Finding("event_edited", f"sự kiện {event.seq} ({event.tag}) bị sửa sau khi ghi", event.seq)
        if event.seq > expected:
            missing = expected if event.seq == expected + 1 else f"{expected}-{event.seq - 1}"
            return Finding("event_deleted", f"sự kiện {missing} bị xoá", expected)
        if event.seq < expected or event.prev_hash != prev:
            return Finding(
                "event_inserted",
                f"sự kiện {event.seq} ({event.tag}) được chèn vào, không nối tiếp sự kiện trước",
                event.seq,
            )
        prev = event.hash
    return None


def _macs(code: str, events: list, seal: Seal, head_seq: int, head_hash: str, head_mac: str | None) -> Finding | None:
    def sealed(event, seq: int) -> bool:
        return seal.check(event.mac, seal.event_mac(*_content(code, event, seq)))

    unsealed = 0
    for index, event in enumerate(events):
        if event.mac is None and index == unsealed:  # events written before the seal existed (a legacy prefix)
            unsealed += 1
            continue
        if sealed(event, event.seq):
            continue
        if sealed(event, event.seq + 1):
            return Finding(
                "event_deleted",
                f"sự kiện {event.seq} bị xoá và các sự kiện sau được đánh số lại, chuỗi băm tính lại",
                event.seq,
            )
        rest = events[index + 1 :]
        shifted = rest and all(sealed(e, e.seq - 1) for e in rest)
        at_end = not rest and (
            head_seq < event.seq
            or (index > 0 and seal.check(head_mac, seal.head_mac(code, events[index - 1].seq, events[index - 1].hash)))
        )
        if shifted or at_end:
            return Finding("event_inserted", f"sự kiện {event.seq} ({event.tag}) được chèn thêm", event.seq)
        return Finding(
            "chain_recomputed",
            f"sự kiện {event.seq} ({event.tag}) bị sửa và chuỗi băm được tính lại (mã xác thực không khớp)",
            event.seq,
        )
    return None


def _head(code: str, events: list, seal: Seal, head_seq: int, head_hash: str, head_mac: str | None) -> Finding | None:
    last_seq, last_hash = (events[-1].seq, events[-1].hash) if events else (0, GENESIS)
    if head_seq > last_seq:
        return Finding("event_deleted", f"các sự kiện {last_seq + 1}-{head_seq} cuối lịch sử bị xoá", last_seq + 1)
    if head_seq < last_seq:
        return Finding("event_inserted", f"sự kiện {head_seq + 1} được chèn thêm sau đầu chuỗi", head_seq + 1)
    if head_seq and head_hash != last_hash:
        return Finding("head_altered", "đầu chuỗi không khớp với sự kiện cuối", head_seq)
    if head_mac is None:  # never sealed (written before the seal, and `motcua seal` not run), or its seal removed
        return Finding(
            "unsealed",
            "đầu chuỗi không có mã xác thực: lịch sử ghi trước khi có khoá chưa được niêm phong (motcua seal), "
            "hoặc mã đã bị xoá",
            head_seq,
        )
    if not seal.check(head_mac, seal.head_mac(code, head_seq, head_hash)):
        return Finding(
            "history_truncated",
            f"lịch sử bị cắt ngắn và đầu chuỗi bị đặt lại (còn {last_seq} sự kiện; "
            "mã xác thực của đầu chuỗi không khớp)",
            last_seq,
        )
    return None


def _last_step(events: list):
    for event in reversed(events):
        if event.step is not None:
            return event
    return None


def _started(events: list) -> dict:
    for event in events:
        if event.step is not None and event.step.get("input", {}).get("kind") == "start":
            return event.step["input"]
    return {}


def _dossier(evidence: Evidence, step, started: dict) -> list[Finding]:
    found = []
    recorded = step.step.get("facts")
    if recorded is not None and facts_digest(evidence.facts) != recorded:
        found.append(
            Finding(
                "dossier_altered",
                f"dòng hồ sơ (hạn trả, trạng thái, người nộp...) khác với ghi nhận ở sự kiện {step.seq}",
                step.seq,
            )
        )
    data, row = started.get("data") or {}, evidence.dossier
    if row is not None and data:
        expected: dict[str, object] = {
            "applicant": data.get("applicant"),
            "procedure_code": data.get("procedure_code"),
            "channel": data.get("channel"),
            "received_at": _moment_text(data.get("received_at")),
            "clock_start": _moment_text(data.get("clock_start")),
            "original_appointment": _moment_text(data.get("appointment")),
        }
        for event in evidence.events:  # an online dossier's acceptance counts its time from then (issue 12)
            payload = event.payload if isinstance(event.payload, dict) else {}
            if event.tag == "dossier:appointment:moved" and payload.get("rule") == "accepted":
                expected["received_at"] = _moment_text(payload.get("received_at"))
                expected["clock_start"] = _moment_text(payload.get("clock_start")) or expected["clock_start"]
                expected["original_appointment"] = _moment_text(payload.get("to"))
        for name, value in expected.items():
            if value is not None and name in row and row[name] != value:
                found.append(
                    Finding("dossier_altered", f"trường {name} của hồ sơ khác với lúc tiếp nhận (sự kiện 1)", 1)
                )
    return found


def _moment_text(text) -> str | None:
    return moment(datetime.fromisoformat(text)) if isinstance(text, str) else None


def _projection(evidence: Evidence, step) -> list[Finding]:
    found = []
    projected = {t.task_id: t.name for t in evidence.tasks}
    if step.step.get("tasks") is not None and tasks_digest(projected) != step.step["tasks"]:
        found.append(
            Finding("tasks_altered", f"danh sách việc đang mở khác với ghi nhận ở sự kiện {step.seq}", step.seq)
        )
    ready = {e.task_id: e for e in evidence.events if e.tag == "dossier:task:ready" and getattr(e, "task_id", None)}
    for task in evidence.tasks:
        event = ready.get(task.task_id)
        if event is None:
            continue
        recorded = (event.payload.get("task"), event.payload.get("title"), event.payload.get("lane"))
        due = _moment_text(event.payload.get("due_at"))
        if recorded != (task.name, task.title, task.lane) or due != moment(task.due_at):
            found.append(
                Finding(
                    "tasks_altered",
                    f"việc '{task.title}' khác với ghi nhận ở sự kiện {event.seq} (tên, bộ phận hoặc hạn xử lý)",
                    event.seq,
                )
            )
    return found


def check(evidence: Evidence, seal: Seal) -> AuditReport:
    """Every finding about `evidence`, the first divergence first."""
    code, events = evidence.code, evidence.events
    findings: list[Finding] = []
    first = (
        _chain(code, events)
        or _macs(code, events, seal, evidence.head_seq, evidence.head_hash, evidence.head_mac)
        or _head(code, events, seal, evidence.head_seq, evidence.head_hash, evidence.head_mac)
    )
    if first is not None:
        findings.append(first)
    step, started = _last_step(events), _started(events)
    if step is not None and evidence.rows:
        if evidence.state_text is not None and state_digest(evidence.state_text) != step.step.get("state"):
            findings.append(
                Finding(
                    "state_altered", f"trạng thái quy trình lưu trữ khác với ghi nhận ở sự kiện {step.seq}", step.seq
                )
            )
        findings += _dossier(evidence, step, started)
        findings += _projection(evidence, step)
        if step.step.get("timers") is not None and timers_digest(evidence.timers) != step.step["timers"]:
            findings.append(
                Finding("timers_altered", f"các mốc hẹn giờ khác với ghi nhận ở sự kiện {step.seq}", step.seq)
            )
    if evidence.sources_hash and evidence.sources_hash != evidence.version_hash:
        findings.append(Finding("process_altered", "tệp BPMN của phiên bản quy trình bị sửa sau khi triển khai"))
    recorded_version = _recorded_version(events)
    if recorded_version and evidence.version_hash and recorded_version != evidence.version_hash:
        findings.append(
            Finding("process_altered", "hồ sơ trỏ tới phiên bản quy trình khác với phiên bản đã ghi trong lịch sử")
        )
    return AuditReport(code, len(events), findings)


def _recorded_version(events: list) -> str:
    """The hash of the process version the history says the instance runs on (its start, or a later migration)."""
    recorded = ""
    for event in events:
        value = event.payload.get("version_hash") if isinstance(event.payload, dict) else None
        if isinstance(value, str) and value:
            recorded = value
    return recorded


def anchored(events: list, seq: int, head_hash: str) -> bool:
    """Whether the history still holds the head (`seq`, `head_hash`) an anchor recorded."""
    if seq == 0:
        return True
    return len(events) >= seq and events[seq - 1].seq == seq and events[seq - 1].hash == head_hash
