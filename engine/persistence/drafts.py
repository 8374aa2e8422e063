"""Designers' drafts of a process, kept on the server so that closing the tab loses nothing."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, update

from engine.persistence.models import ProcessDraft

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_T = ProcessDraft.__table__


@dataclass(frozen=True)
class DraftRow:
    process_id: str
    author: str
    base_number: int
    xml: str
    saved_at: datetime


_COLUMNS = [_T.c.process_id, _T.c.author, _T.c.base_number, _T.c.xml, _T.c.saved_at]


class DraftStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def of_process(self, process_id: str) -> list[DraftRow]:
        """Every designer's draft of `process_id`, latest first."""
        rows = self.uow.connection.execute(
            select(*_COLUMNS).where(_T.c.process_id == process_id).order_by(_T.c.saved_at.desc())
        )
        return [DraftRow(*row) for row in rows]

    def save(self, process_id: str, author: str, base_number: int, xml: str, now: datetime) -> None:
        values = {"base_number": base_number, "xml": xml, "saved_at": now}
        changed = self.uow.connection.execute(
            update(ProcessDraft).where(_T.c.process_id == process_id, _T.c.author == author).values(**values)
        ).rowcount
        if not changed:
            self.uow.connection.execute(insert(ProcessDraft).values(process_id=process_id, author=author, **values))

    def discard(self, process_id: str, author: str) -> None:
        self.uow.connection.execute(delete(ProcessDraft).where(_T.c.process_id == process_id, _T.c.author == author))
