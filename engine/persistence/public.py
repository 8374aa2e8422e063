"""What the public side reads and writes: a dossier's status as its receipt holder may see it, the look-ups kept for
the rate limit, and satisfaction ratings (one per dossier, enforced by a unique key)."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class PublicDossier:
    id: int
    code: str
    instance_id: int | None
    procedure_code: str
    phone: str
    status: int
    received_at: datetime
    appointment: datetime
    processing_end_at: datetime | None
    returned_at: datetime | None
    result_delivery: str


class PublicStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow
        self.raw = uow.raw

    def dossier(self, code: str) -> PublicDossier | None:
        row = self.raw.one(
            "SELECT id, code, instance_id, procedure_code, applicant, status, received_at, appointment, "
            "processing_end_at, returned_at, result_delivery FROM dossier WHERE code = ?",
            (code,),
        )
        if row is None:
            return None
        applicant = self.raw.from_json(row[4]) or {}
        phone = str(applicant.get("phone") or "") if isinstance(applicant, dict) else ""
        raw = self.raw
        return PublicDossier(
            row[0],
            row[1],
            row[2],
            row[3],
            phone,
            row[5],
            raw.moment(row[6]),
            raw.moment(row[7]),
            raw.from_dt(row[8]),
            raw.from_dt(row[9]),
            row[10],
        )

    def letters(self, instance_id: int) -> list[dict]:
        """The payloads of the letters queued for the dossier, oldest first."""
        rows = self.raw.all(
            "SELECT payload FROM history_event WHERE instance_id = ? AND tag = 'dossier:letter:queued' ORDER BY seq",
            (instance_id,),
        )
        return [self.raw.from_json(r[0]) or {} for r in rows]

    # --- the rate limit -----------------------------------------------------------------------------------------
    def attempts_since(self, source: str, since: datetime) -> int:
        row = self.raw.row(
            "SELECT COUNT(*) FROM lookup_attempt WHERE source = ? AND at >= ?", (source, self.raw.dt(since))
        )
        return int(row[0])

    def record_attempt(self, source: str, at: datetime, found: bool) -> None:
        self.raw.run(
            "INSERT INTO lookup_attempt (source, at, found) VALUES (?, ?, ?)",
            (source, self.raw.dt(at), self.raw.flag(found)),
        )

    def forget_attempts_before(self, moment: datetime) -> None:
        self.raw.run("DELETE FROM lookup_attempt WHERE at < ?", (self.raw.dt(moment),))

    # --- ratings ------------------------------------------------------------------------------------------------
    def rating(self, dossier_id: int) -> tuple[str, str, datetime] | None:
        row = self.raw.one(
            "SELECT level, source, rated_at FROM satisfaction_rating WHERE dossier_id = ?", (dossier_id,)
        )
        return (row[0], row[1], self.raw.moment(row[2])) if row else None

    def add_rating(
        self, dossier: PublicDossier, level: str, reason: str, source: str, at: datetime, by: str | None
    ) -> bool:
        """Record the rating; False when the dossier already has one (nothing written)."""
        changed = self.raw.run(
            "INSERT INTO satisfaction_rating "
            "(dossier_id, procedure_code, level, reason, source, rated_at, recorded_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_id) DO NOTHING",
            (dossier.id, dossier.procedure_code, level, reason, source, self.raw.dt(at), by),
        )
        return changed == 1
