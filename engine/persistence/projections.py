"""The tables the indicators read besides the dossiers (`step_fact`, `dossier_fact`), kept up to date from the
history by `engine.services.indicator_projection`: how far it has read, the events after that, and idempotent
upserts (reading an event twice changes nothing)."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

TAGS = (
    "dossier:task:ready",
    "dossier:task:completed",
    "dossier:task:withdrawn",
)


@dataclass(frozen=True)
class ProjectedEvent:
    id: int
    instance_id: int
    tag: str
    at: datetime
    actor: str
    task_id: str | None
    payload: dict


@dataclass(frozen=True)
class DossierSource:
    """A dossier's row and the parts of its history its facts are computed from."""

    dossier_id: int
    procedure_code: str
    status: int
    received_at: datetime
    clock_start: datetime
    appointment: datetime
    supplement_count: int
    processing_end_at: datetime | None
    supplement_requested_at: datetime | None
    channel: int
    result_delivery: str
    fee: int
    fee_paid: bool
    files: int
    extended_from: str | None  # ISO text of the last move's "from" when that move was an extension
    extension: tuple[datetime, str] | None  # when the apology letter moved the date, and its reason
    supplement_waits: list[tuple[datetime, datetime]]
    portal_id: str | None = None  # the national portal's id of the dossier (channels, issue 12)
    payment: dict | None = None  # the payment the portal reported ({reference, amount, ...}); None: none online


FACT_COLUMNS = (
    "dossier_id",
    "procedure_code",
    "status",
    "received_day",
    "end_day",
    "outcome",
    "due_at",
    "channel",
    "result_online",
    "digitised",
    "fee_due",
    "fee_paid",
    "extended_from",
    "extended_at",
    "extension_reason",
    "resolution_hours",
    "portal_linked",
    "paid_online",
)
_FACT_MOMENTS = {"due_at", "extended_from", "extended_at"}
DAY_COUNTERS = (
    "received",
    "received_online",
    "received_fully_online",
    "received_postal",
    "received_digitised",
    "received_fee_due",
    "received_fee_paid",
    "ended_early",
    "ended_on_time",
    "ended_late",
    "ended_withdrawn",
    "resolution_hours",
    "resolved_with_time",
    "received_portal",
    "received_paid_online",
    "ended_result",
    "ended_result_online",
)
_FACT_FLAGS = {"result_online", "digitised", "fee_due", "fee_paid", "portal_linked", "paid_online"}


class ProjectionStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def mark(self, name: str) -> int:
        """The last history id projection `name` has taken in, locked for this unit of work on PostgreSQL (two
        refreshes at once would only do the same work twice; the lock makes the second wait and find little)."""
        raw = self.uow.raw
        raw.run("INSERT INTO projection_mark (name, last_id) VALUES (?, 0) ON CONFLICT DO NOTHING", (name,))
        lock = " FOR UPDATE" if raw.postgres else ""
        return raw.row(f"SELECT last_id FROM projection_mark WHERE name = ?{lock}", (name,))[0]

    def has_events_after(self, name: str) -> bool:
        """Whether history was written after projection `name`'s mark (read-only: no mark row is created)."""
        raw = self.uow.raw
        found = raw.one("SELECT last_id FROM projection_mark WHERE name = ?", (name,))
        return raw.one("SELECT 1 FROM history_event WHERE id > ? LIMIT 1", (found[0] if found else 0,)) is not None

    def set_mark(self, name: str, last_id: int) -> None:
        self.uow.raw.run("UPDATE projection_mark SET last_id = ? WHERE name = ?", (last_id, name))

    def events_after(self, last_id: int, limit: int) -> list[ProjectedEvent]:
        raw = self.uow.raw
        # Every event after the mark (so that the mark moves past the others too), the payload only of those read.
        rows = raw.all(
            f"SELECT id, instance_id, tag, at, actor, task_id, CASE WHEN tag IN ({', '.join('?' for _ in TAGS)}) "
            "THEN payload END FROM history_event WHERE id > ? ORDER BY id LIMIT ?",
            (*TAGS, last_id, limit),
        )
        return [ProjectedEvent(r[0], r[1], r[2], raw.moment(r[3]), r[4], r[5], raw.from_json(r[6]) or {}) for r in rows]

    def step_ready(self, event: ProjectedEvent, due_at: datetime | None) -> None:
        raw, p = self.uow.raw, event.payload
        raw.run(
            "INSERT INTO step_fact (task_id, instance_id, name, title, lane, ready_at, due_at, withdrawn) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_id) DO UPDATE SET name = excluded.name, "
            "title = excluded.title, lane = excluded.lane, ready_at = excluded.ready_at, due_at = excluded.due_at",
            (
                event.task_id,
                event.instance_id,
                str(p.get("task", ""))[:200],
                str(p.get("title") or p.get("task", ""))[:500],
                str(p.get("lane") or "")[:200],
                raw.dt(event.at),
                raw.dt(due_at),
                raw.flag(False),
            ),
        )

    def step_completed(self, event: ProjectedEvent, day: int) -> None:
        """The step's completion, counted once for its officer on `day` (an event read again finds it done)."""
        raw = self.uow.raw
        found = raw.one(
            "UPDATE step_fact SET completed_at = ?, actor = ? WHERE task_id = ? AND completed_at IS NULL "
            "RETURNING due_at",
            (raw.dt(event.at), event.actor, event.task_id),
        )
        if found is None:
            return
        due = raw.from_dt(found[0])
        raw.run(
            "INSERT INTO officer_day (actor, day, done, late) VALUES (?, ?, 1, ?) "
            "ON CONFLICT (actor, day) DO UPDATE SET done = officer_day.done + 1, "
            "late = officer_day.late + excluded.late",
            (event.actor, day, 1 if due is not None and event.at > due else 0),
        )

    def step_withdrawn(self, task_id: str) -> None:
        raw = self.uow.raw
        raw.run("UPDATE step_fact SET withdrawn = ? WHERE task_id = ?", (raw.flag(True), task_id))

    # --- dossier facts ------------------------------------------------------------------------------------------
    def dossier_source(self, instance_id: int) -> DossierSource | None:
        """What the facts of the dossier of `instance_id` are computed from (None: a bare instance)."""
        raw = self.uow.raw
        row = raw.one(
            "SELECT id, procedure_code, status, received_at, clock_start, appointment, supplement_count, "
            "processing_end_at, supplement_requested_at, channel, result_delivery, fee, fee_paid, "
            "(SELECT COUNT(*) FROM dossier_file x WHERE x.dossier_id = dossier.id), portal_id, payment "
            "FROM dossier WHERE instance_id = ?",
            (instance_id,),
        )
        if row is None:
            return None
        moved = raw.all(
            "SELECT at, payload FROM history_event WHERE instance_id = ? AND tag = 'dossier:appointment:moved' "
            "ORDER BY seq",
            (instance_id,),
        )
        extension, last_rule, extended_from = None, None, None
        for at, payload in moved:
            values = raw.from_json(payload) or {}
            last_rule = values.get("rule")
            if last_rule == "extension":
                extension = (raw.moment(at), str(values.get("reason") or ""))
                extended_from = values.get("from")
        return DossierSource(
            dossier_id=row[0],
            procedure_code=row[1],
            status=row[2],
            received_at=raw.moment(row[3]),
            clock_start=raw.moment(row[4]),
            appointment=raw.moment(row[5]),
            supplement_count=row[6],
            processing_end_at=raw.from_dt(row[7]),
            supplement_requested_at=raw.from_dt(row[8]),
            channel=row[9],
            result_delivery=row[10],
            fee=row[11],
            fee_paid=bool(row[12]),
            files=int(row[13]),
            extended_from=extended_from if last_rule == "extension" else None,
            extension=extension,
            supplement_waits=self.supplement_waits(instance_id),
            portal_id=row[14],
            payment=raw.from_json(row[15]),
        )

    def supplement_waits(self, instance_id: int) -> list[tuple[datetime, datetime]]:
        """(requested, received) of each supplementation that arrived, from the history."""
        raw = self.uow.raw
        rows = raw.all(
            "SELECT at, payload FROM history_event WHERE instance_id = ? AND tag = 'dossier:supplement:received'",
            (instance_id,),
        )
        waits = []
        for at, payload in rows:
            requested = (raw.from_json(payload) or {}).get("requested_at")
            if requested:
                waits.append((datetime.fromisoformat(requested), raw.moment(at)))
        return waits

    def put_fact(self, fact: dict, contributions) -> None:
        """Write the facts of one dossier (the keys of `FACT_COLUMNS`) and move the per-day sums by the difference
        between what its old facts and its new ones add to them (`contributions(facts)` says what)."""
        old = self.fact(fact["dossier_id"])
        deltas: dict[tuple[str, int], dict[str, float]] = {}
        for sign, facts in ((-1, old), (1, fact)):
            for key, values in (contributions(facts) if facts is not None else {}).items():
                target = deltas.setdefault(key, {})
                for name, value in values.items():
                    target[name] = target.get(name, 0) + sign * value
        for (procedure, day), values in deltas.items():
            changed = {name: value for name, value in values.items() if value}
            if changed:
                self.add_day(procedure, day, changed)
        self.upsert_fact(fact)

    def fact(self, dossier_id: int) -> dict | None:
        raw = self.uow.raw
        row = raw.one(f"SELECT {', '.join(FACT_COLUMNS)} FROM dossier_fact WHERE dossier_id = ?", (dossier_id,))
        if row is None:
            return None
        values = dict(zip(FACT_COLUMNS, row, strict=True))
        for name in _FACT_FLAGS:
            values[name] = bool(values[name])
        return values

    def add_day(self, procedure: str, day: int, values: dict[str, float]) -> None:
        names = sorted(values)
        raw = self.uow.raw
        raw.run(
            f"INSERT INTO indicator_day (procedure_code, day, {', '.join(DAY_COUNTERS)}) "
            f"VALUES (?, ?, {', '.join('?' for _ in DAY_COUNTERS)}) ON CONFLICT (procedure_code, day) DO UPDATE SET "
            + ", ".join(f"{n} = indicator_day.{n} + excluded.{n}" for n in names),
            (procedure, day, *(values.get(n, 0) for n in DAY_COUNTERS)),
        )

    def upsert_fact(self, fact: dict) -> None:
        """Write the facts of one dossier (the keys of `FACT_COLUMNS`) as they are (`put_fact` keeps the sums)."""
        raw = self.uow.raw
        values = [
            raw.dt(fact[c]) if c in _FACT_MOMENTS else raw.flag(fact[c]) if c in _FACT_FLAGS else fact[c]
            for c in FACT_COLUMNS
        ]
        updates = ", ".join(f"{c} = excluded.{c}" for c in FACT_COLUMNS if c != "dossier_id")
        raw.run(
            f"INSERT INTO dossier_fact ({', '.join(FACT_COLUMNS)}) VALUES ({', '.join('?' for _ in FACT_COLUMNS)}) "
            f"ON CONFLICT (dossier_id) DO UPDATE SET {updates}",
            values,
        )
