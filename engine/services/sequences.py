"""Daily dossier numbering without duplicates, however many receptions run at once."""

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.domain.dossier_code import format_code
from engine.persistence.models import DossierSequence


def next_dossier_code(session: Session, agency: str, day: date) -> str:
    """Take the next number of `agency` on `day` inside the caller's transaction.

    The counter row is created if missing (ON CONFLICT DO NOTHING, so two first receptions of a day do not clash)
    and then incremented under its row lock, so concurrent transactions get consecutive, distinct numbers.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(DossierSequence).values(agency_code=agency, day=day, last=0).on_conflict_do_nothing())
    number = session.scalar(
        update(DossierSequence)
        .where(DossierSequence.agency_code == agency, DossierSequence.day == day)
        .values(last=DossierSequence.last + 1)
        .returning(DossierSequence.last)
    )
    return format_code(agency, day, number)


def last_number(session: Session, agency: str, day: date) -> int:
    return (
        session.scalar(
            select(DossierSequence.last).where(DossierSequence.agency_code == agency, DossierSequence.day == day)
        )
        or 0
    )
