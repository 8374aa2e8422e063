"""Deployed process versions: the files of each version, keyed by their hash."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select

from engine.persistence.models import Instance, ProcessVersion

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_T = ProcessVersion.__table__


@dataclass(frozen=True)
class VersionRow:
    id: int
    process_id: str
    number: int
    name: str
    version_hash: str
    deployed_at: datetime
    deployed_by: str
    note: str = ""


_COLUMNS = [
    _T.c.id,
    _T.c.process_id,
    _T.c.number,
    _T.c.name,
    _T.c.version_hash,
    _T.c.deployed_at,
    _T.c.deployed_by,
    _T.c.note,
]


class VersionStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def latest(self, process_id: str) -> VersionRow | None:
        """The latest version of `process_id` (every reception asks: a driver statement on the unique index)."""
        raw = self.uow.raw
        row = raw.one(
            "SELECT id, process_id, number, name, version_hash, deployed_at, deployed_by FROM process_version "
            "WHERE process_id = ? ORDER BY number DESC LIMIT 1",
            (process_id,),
        )
        return VersionRow(row[0], row[1], row[2], row[3], row[4], raw.moment(row[5]), row[6]) if row else None

    def by_hash(self, process_id: str, version_hash: str) -> VersionRow | None:
        row = self.uow.connection.execute(
            select(*_COLUMNS).where(_T.c.process_id == process_id, _T.c.version_hash == version_hash)
        ).first()
        return VersionRow(*row) if row else None

    def of_instance(self, instance_id: int) -> VersionRow:
        instance = Instance.__table__
        row = self.uow.connection.execute(
            select(*_COLUMNS)
            .join(instance, instance.c.process_version_id == _T.c.id)
            .where(instance.c.id == instance_id)
        ).one()
        return VersionRow(*row)

    def sources(self, version_id: int) -> tuple[str, dict[str, str]]:
        """(process id, files) of version `version_id`: the largest column we have, read only on a cache miss."""
        process_id, sources = self.uow.connection.execute(
            select(_T.c.process_id, _T.c.sources).where(_T.c.id == version_id)
        ).one()
        return process_id, dict(sources)

    def latest_sources(self) -> dict[str, str]:
        """The files of the latest version of every process, so that new files may call deployed ones."""
        latest = select(_T.c.process_id, func.max(_T.c.number).label("n")).group_by(_T.c.process_id).subquery()
        rows = self.uow.connection.execute(
            select(_T.c.sources).join(latest, (_T.c.process_id == latest.c.process_id) & (_T.c.number == latest.c.n))
        )
        merged: dict[str, str] = {}
        for (sources,) in rows:
            merged.update(sources)
        return merged

    def next_number(self, process_id: str) -> int:
        current = self.uow.connection.execute(
            select(func.max(_T.c.number)).where(_T.c.process_id == process_id)
        ).scalar()
        return (current or 0) + 1

    def add(
        self,
        process_id: str,
        number: int,
        name: str,
        version_hash: str,
        sources: dict,
        now: datetime,
        actor: str,
        note: str = "",
    ):
        self.uow.connection.execute(
            insert(ProcessVersion).values(
                process_id=process_id,
                number=number,
                name=name,
                version_hash=version_hash,
                sources=sources,
                deployed_at=now,
                deployed_by=actor,
                note=note,
            )
        )

    def all(self) -> list[VersionRow]:
        rows = self.uow.connection.execute(select(*_COLUMNS).order_by(_T.c.process_id, _T.c.number))
        return [VersionRow(*row) for row in rows]

    def count(self, process_id: str) -> int:
        return self.uow.connection.execute(
            select(func.count()).select_from(_T).where(_T.c.process_id == process_id)
        ).scalar_one()

    def of_process(self, process_id: str) -> list[VersionRow]:
        """Every version of `process_id`, oldest first."""
        rows = self.uow.connection.execute(select(*_COLUMNS).where(_T.c.process_id == process_id).order_by(_T.c.number))
        return [VersionRow(*row) for row in rows]

    def by_number(self, process_id: str, number: int) -> VersionRow | None:
        row = self.uow.connection.execute(
            select(*_COLUMNS).where(_T.c.process_id == process_id, _T.c.number == number)
        ).first()
        return VersionRow(*row) if row else None

    def running_counts(self) -> dict[int, int]:
        """Version id -> how many of its instances are still running (open dossiers stay on their version)."""
        instance = Instance.__table__
        rows = self.uow.connection.execute(
            select(instance.c.process_version_id, func.count())
            .where(instance.c.status == "running")
            .group_by(instance.c.process_version_id)
        )
        return {version_id: count for version_id, count in rows}
