"""Reading what an audit checks of an instance (`engine.domain.audit.Evidence`), and the heads an anchor seals."""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, cast, func, or_, select

from engine.domain.audit import Evidence, TaskEvidence, TimerEvidence
from engine.domain.digests import moment
from engine.persistence.dossiers import DossierRow
from engine.persistence.models import Dossier, HistoryEvent

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork


_DOSSIER = Dossier.__table__
DOSSIER_FIELDS = tuple(f.name for f in fields(DossierRow))


@dataclass(frozen=True)
class AuditQuery:
    """What an auditor searches dossiers by; None (or empty) leaves a criterion out."""

    code: str = ""
    applicant: str = ""  # a part of the applicant's name, address, number... (case-insensitive)
    procedure_codes: tuple[str, ...] | None = None  # a procedure, or those of a division
    officer: str = ""  # a username who received it or acted on it
    received_from: datetime | None = None
    received_before: datetime | None = None
    status: int | None = None
    late: bool | None = None
    extended: bool | None = None
    supplemented: bool | None = None


class AuditStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def evidence(self, code: str) -> tuple[Evidence, int] | None:
        """What the database holds of instance `code`, and the id of its process version (whose files
        `uow.versions.sources` reads); None: no such instance."""
        raw = self.uow.raw
        cast = "::text" if raw.postgres else ""
        row = raw.one(
            f"SELECT i.id, i.last_event_seq, i.last_event_hash, i.head_mac, i.state{cast}, v.version_hash, "
            "v.id, v.process_id FROM instance i JOIN process_version v ON v.id = i.process_version_id "
            "WHERE i.code = ?",
            (code,),
        )
        if row is None:
            return None
        instance_id, seq, head_hash, head_mac, state, version_hash, version_id, process_id = row
        evidence = Evidence(
            code,
            seq,
            head_hash,
            head_mac,
            state if isinstance(state, str) else raw.json(state),
            self.uow.history.events(instance_id),
            facts=self.uow.dossiers.facts(instance_id),
            dossier=self._dossier(code),
            tasks=self._tasks(instance_id),
            timers=self._timers(instance_id),
            version_hash=version_hash,
            process_id=process_id,
        )
        return evidence, version_id

    def _dossier(self, code: str) -> dict | None:
        found = self.uow.dossiers.row(code)
        if found is None:
            return None
        return {
            "applicant": found.applicant,
            "procedure_code": found.procedure_code,
            "channel": found.channel,
            "received_at": moment(found.received_at),
            "clock_start": moment(found.clock_start),
            "original_appointment": moment(found.original_appointment),
        }

    def _tasks(self, instance_id: int) -> list[TaskEvidence]:
        raw = self.uow.raw
        rows = raw.all("SELECT task_id, name, title, lane, due_at FROM user_task WHERE instance_id = ?", (instance_id,))
        return [TaskEvidence(t, n, ti, la, raw.from_dt(d)) for t, n, ti, la, d in rows]

    def _timers(self, instance_id: int) -> dict[str, TimerEvidence]:
        raw = self.uow.raw
        rows = raw.all("SELECT task_id, name, state, due_at FROM timer WHERE instance_id = ?", (instance_id,))
        return {t: TimerEvidence(n, s, raw.moment(d)) for t, n, s, d in rows}

    def codes_after(
        self,
        last_id: int,
        procedure: str | None = None,
        since: datetime | None = None,
        limit: int = 500,
        until: datetime | None = None,
    ) -> list[tuple[int, str]]:
        """(id, code) of the next `limit` instances after id `last_id` (of dossiers of `procedure`, started since
        `since`), by id: `verify --all` walks them batch by batch, in bounded memory."""
        raw = self.uow.raw
        where, params = "", list[object]([last_id])
        if procedure:
            where += " AND i.id IN (SELECT instance_id FROM dossier WHERE procedure_code = ?)"
            params.append(procedure)
        if since is not None:
            where += " AND i.started_at >= ?"
            params.append(raw.dt(since))
        if until is not None:
            where += " AND i.started_at < ?"
            params.append(raw.dt(until))
        rows = raw.all(
            f"SELECT i.id, i.code FROM instance i WHERE i.id > ?{where} ORDER BY i.id LIMIT {int(limit)}", params
        )
        return [(i, c) for i, c in rows]

    def unsealed(self, after_id: int, limit: int) -> list[tuple[int, str, int, str]]:
        """(id, code, last event number, last event hash) of instances whose head has no MAC, after id `after_id`."""
        rows = self.uow.raw.all(
            "SELECT id, code, last_event_seq, last_event_hash FROM instance WHERE head_mac IS NULL AND id > ? "
            f"ORDER BY id LIMIT {int(limit)}",
            (after_id,),
        )
        return [(i, c, s, h) for i, c, s, h in rows]

    def seal_head(self, instance_id: int, seq: int, head_hash: str, mac: str) -> bool:
        """Set the head MAC of an instance still at (`seq`, `head_hash`) with none; whether it was set."""
        return (
            self.uow.raw.run(
                "UPDATE instance SET head_mac = ? WHERE id = ? AND head_mac IS NULL AND last_event_seq = ? "
                "AND last_event_hash = ?",
                (mac, instance_id, seq, head_hash),
            )
            == 1
        )

    def heads(self) -> list[tuple[str, int, str]]:
        """(code, last event number, last event hash) of every instance, by code."""
        rows = self.uow.raw.all("SELECT code, last_event_seq, last_event_hash FROM instance ORDER BY code")
        return [(c, s, h) for c, s, h in rows]

    def search(self, query: "AuditQuery", limit: int, offset: int) -> tuple[list[DossierRow], int]:
        """Dossiers matching `query`, latest received first, a page of them and how many match in all."""
        c = _DOSSIER.c
        where = []
        if query.code:
            where.append(c.code.contains(query.code, autoescape=True))
        if query.applicant:
            where.append(func.lower(cast(c.applicant, String)).contains(query.applicant.lower(), autoescape=True))
        if query.procedure_codes is not None:
            where.append(c.procedure_code.in_(query.procedure_codes))
        if query.officer:
            events = HistoryEvent.__table__.c
            acted = select(events.instance_id).where(events.actor == query.officer)
            where.append(or_(c.instance_id.in_(acted), c.received_by == query.officer))
        if query.received_from is not None:
            where.append(c.received_at >= query.received_from)
        if query.received_before is not None:
            where.append(c.received_at < query.received_before)
        if query.status is not None:
            where.append(c.status == query.status)
        if query.late is not None:
            where.append(c.late == query.late)
        if query.extended is not None:
            where.append(c.extension_count > 0 if query.extended else c.extension_count == 0)
        if query.supplemented is not None:
            where.append(c.supplement_count > 0 if query.supplemented else c.supplement_count == 0)
        connection = self.uow.connection
        total = connection.execute(select(func.count()).select_from(_DOSSIER).where(*where)).scalar_one()
        rows = connection.execute(
            select(*[c[name] for name in DOSSIER_FIELDS])
            .where(*where)
            .order_by(c.received_at.desc(), c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [DossierRow(*row) for row in rows], total
