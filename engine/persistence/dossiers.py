"""Dossier rows, their daily numbering, and the facts a step reads and changes."""

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from engine.domain.dossier_code import format_code
from engine.domain.dossier_search import search_text
from engine.domain.portal import POSTAL
from engine.persistence.models import Dossier

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class DossierRow:
    """A dossier row as stored (datetimes in UTC)."""

    id: int
    code: str
    instance_id: int | None
    procedure_code: str
    applicant: dict
    channel: int
    result_delivery: str
    documents: dict
    fee: int
    fee_paid: bool
    received_at: datetime
    clock_start: datetime
    appointment: datetime
    original_appointment: datetime
    status: int
    status_changed_at: datetime
    supplement_count: int
    extension_count: int
    processing_end_at: datetime | None
    returned_at: datetime | None
    received_by: str
    late: bool
    supplement_requested_at: datetime | None
    legal_basis: str
    portal_id: str | None = None
    payment: dict | None = None
    postal_item: str | None = None
    postal: dict | None = None


_ROW_FIELDS = tuple(f.name for f in fields(DossierRow))
_TABLE = Dossier.__table__
_COLUMNS = [_TABLE.c[name] for name in _ROW_FIELDS]


@dataclass(frozen=True)
class DossierFacts:
    """What a step's effects read and change of the dossier of its instance. `judged_due` is the date lateness is
    judged by when an extension moved the appointment away from it (None: the appointment itself)."""

    id: int
    code: str
    procedure_code: str
    applicant_name: str | None
    appointment: datetime
    status: int
    supplement_count: int
    extension_count: int
    processing_end_at: datetime | None
    returned_at: datetime | None
    late: bool
    supplement_requested_at: datetime | None
    status_changed_at: datetime | None = None
    judged_due: datetime | None = None
    legal_basis: str = ""  # the id of the legal basis it was received under
    portal_id: str | None = None  # an online dossier's id on the national portal
    applicant_email: str | None = None  # where letters to the applicant are e-mailed (None: not given)
    fee: int = 0
    fee_paid: bool = True
    # A postal applicant's (channel 3) address for letters by post: {name, address, phone, email, item} (the item
    # code of the handover); None for the other channels.
    postal_receiver: dict | None = None


_FACT_MOMENTS = {
    "appointment",
    "processing_end_at",
    "returned_at",
    "supplement_requested_at",
    "status_changed_at",
    "judged_due",
}


def facts_to_json(facts: DossierFacts | None) -> dict | None:
    """`facts` as JSON values (moments in ISO 8601), as a step input records them."""
    if facts is None:
        return None
    return {
        f.name: (value.isoformat() if isinstance(value, datetime) else value)
        for f in fields(DossierFacts)
        for value in [getattr(facts, f.name)]
    }


def facts_from_json(document: dict) -> DossierFacts:
    """The facts `facts_to_json` gave (fields it does not know are left out: an older record's)."""
    known = {f.name for f in fields(DossierFacts)}
    values: dict[str, Any] = {
        name: (datetime.fromisoformat(value) if name in _FACT_MOMENTS and isinstance(value, str) else value)
        for name, value in document.items()
        if name in known
    }
    return DossierFacts(**values)


def postal_receiver(applicant: object, item: str | None) -> dict:
    """A postal applicant's address for letters by post (DossierFacts.postal_receiver)."""
    known = applicant if isinstance(applicant, dict) else {}
    return {**{key: known.get(key) for key in ("name", "address", "phone", "email")}, "item": item}


_FACTS = (
    "id, code, procedure_code, applicant, appointment, status, supplement_count, extension_count, processing_end_at, "
    "returned_at, late, supplement_requested_at, status_changed_at, legal_basis, portal_id, fee, fee_paid, channel, "
    "postal_item"
)
FACTS_OF_INSTANCE = f"SELECT {_FACTS} FROM dossier WHERE instance_id = ?"
FACTS_OF_TASK = (
    f"SELECT {_FACTS} FROM dossier WHERE instance_id = (SELECT instance_id FROM user_task WHERE task_id = ?)"
)
# The columns a step may change, and how each is stored.
_DATETIMES = {"appointment", "processing_end_at", "returned_at", "status_changed_at", "supplement_requested_at"} | {
    "received_at",  # these three change once: when an online dossier (status 1) is accepted at the counter
    "clock_start",
    "original_appointment",
}
CHANGEABLE = _DATETIMES | {"status", "supplement_count", "extension_count", "late"}


class DossierStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    # --- numbering ----------------------------------------------------------------------------------------------
    def next_code(self, agency: str, day: date) -> str:
        """Take the next number of `agency` on `day`: the counter row is created if missing (ON CONFLICT DO NOTHING,
        so two first receptions of a day do not clash) and incremented under its row lock, so concurrent units of
        work get consecutive, distinct numbers (TT 01/2018 Điều 19)."""
        raw = self.uow.raw
        raw.run(
            "INSERT INTO dossier_sequence (agency_code, day, last) VALUES (?, ?, 0) ON CONFLICT DO NOTHING",
            (agency, day.isoformat() if not raw.postgres else day),
        )
        (number,) = raw.row(
            "UPDATE dossier_sequence SET last = last + 1 WHERE agency_code = ? AND day = ? RETURNING last",
            (agency, day.isoformat() if not raw.postgres else day),
        )
        return format_code(agency, day, number)

    def last_number(self, agency: str, day: date) -> int:
        raw = self.uow.raw
        row = raw.one(
            "SELECT last FROM dossier_sequence WHERE agency_code = ? AND day = ?",
            (agency, day.isoformat() if not raw.postgres else day),
        )
        return row[0] if row else 0

    # --- writes -------------------------------------------------------------------------------------------------
    def insert(self, **values) -> int:
        """Insert a dossier row (every column of DossierRow but `id`); return its id."""
        raw = self.uow.raw
        names = [name for name in _ROW_FIELDS if name != "id"]
        encoded = []
        for name in names:
            value = values[name]
            if isinstance(value, datetime) or (value is None and name in _DATETIMES):
                value = raw.dt(value)
            elif isinstance(value, dict):
                value = raw.json(value)
            elif isinstance(value, bool):
                value = raw.flag(value)
            encoded.append(value)
        names.append("search_text")
        encoded.append(search_text(values["code"], values["applicant"]))
        (new_id,) = raw.row(
            f"INSERT INTO dossier ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) RETURNING id", encoded
        )
        return new_id

    def change(self, dossier_id: int, changes: dict) -> None:
        """Write a step's changes to the columns in CHANGEABLE."""
        if not changes:
            return
        raw = self.uow.raw
        names = sorted(changes)
        values = [
            raw.dt(changes[n]) if n in _DATETIMES else raw.flag(changes[n]) if n == "late" else changes[n]
            for n in names
        ]
        raw.send(f"UPDATE dossier SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?", (*values, dossier_id))

    def set_payment(self, dossier_id: int, payment: dict, fee_paid: bool) -> None:
        """The payment the portal confirmed, and whether it covers the fee."""
        raw = self.uow.raw
        raw.run(
            "UPDATE dossier SET payment = ?, fee_paid = ? WHERE id = ?",
            (raw.json(payment), raw.flag(fee_paid), dossier_id),
        )

    def set_documents(self, dossier_id: int, documents: dict) -> None:
        raw = self.uow.raw
        raw.run("UPDATE dossier SET documents = ? WHERE id = ?", (raw.json(documents), dossier_id))

    # --- reads --------------------------------------------------------------------------------------------------
    def facts(self, instance_id: int) -> DossierFacts | None:
        """The dossier of instance `instance_id` as its steps see it; None for a bare instance."""
        return self.facts_of(self.uow.raw.one(FACTS_OF_INSTANCE, (instance_id,)), instance_id)

    def facts_of(self, row: tuple | None, instance_id: int) -> DossierFacts | None:
        """The facts from a row of FACTS_OF_INSTANCE or FACTS_OF_TASK (None: no dossier)."""
        if row is None:
            return None
        raw = self.uow.raw
        applicant = raw.from_json(row[3]) or {}
        name = applicant.get("name") if isinstance(applicant, dict) else None
        email = applicant.get("email") if isinstance(applicant, dict) else None
        facts = DossierFacts(
            id=row[0],
            code=row[1],
            procedure_code=row[2],
            applicant_name=str(name)[:300] if name else None,
            appointment=raw.moment(row[4]),
            status=row[5],
            supplement_count=row[6],
            extension_count=row[7],
            processing_end_at=raw.from_dt(row[8]),
            returned_at=raw.from_dt(row[9]),
            late=bool(row[10]),
            supplement_requested_at=raw.from_dt(row[11]),
            status_changed_at=raw.from_dt(row[12]),
            legal_basis=row[13],
            portal_id=row[14],
            applicant_email=str(email) if email else None,
            fee=row[15] or 0,
            fee_paid=bool(row[16]),
            postal_receiver=postal_receiver(applicant, row[18]) if row[17] == POSTAL else None,
        )
        if facts.extension_count:
            moved = self.uow.history.last_payload(instance_id, "dossier:appointment:moved")
            if moved and moved.get("rule") == "extension" and moved.get("from"):
                return replace(facts, judged_due=datetime.fromisoformat(moved["from"]))
        return facts

    def code_of_portal_id(self, portal_id: str) -> str | None:
        found = self.uow.raw.one("SELECT code FROM dossier WHERE portal_id = ?", (portal_id,))
        return found[0] if found else None

    def code_of_postal_item(self, item: str) -> str | None:
        found = self.uow.raw.one("SELECT code FROM dossier WHERE postal_item = ?", (item,))
        return found[0] if found else None

    def row(self, code: str) -> DossierRow | None:
        found = self.uow.connection.execute(select(*_COLUMNS).where(_TABLE.c.code == code)).first()
        return DossierRow(*found) if found else None

    def id_of(self, code: str) -> int | None:
        row = self.uow.raw.one("SELECT id FROM dossier WHERE code = ?", (code,))
        return row[0] if row else None

    def procedure_of(self, code: str) -> str | None:
        """The procedure code of dossier `code` (None: no such dossier)."""
        row = self.uow.raw.one("SELECT procedure_code FROM dossier WHERE code = ?", (code,))
        return row[0] if row else None

    def received_by(self, code: str, username: str) -> bool:
        return (
            self.uow.raw.one("SELECT 1 FROM dossier WHERE code = ? AND received_by = ?", (code, username)) is not None
        )

    def rows(
        self,
        *,
        status: int | None = None,
        procedure_code: str | None = None,
        procedures: Sequence[str] | None = None,
        received_from: datetime | None = None,
        received_before: datetime | None = None,
        words: Sequence[str] = (),
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[DossierRow]:
        """Dossiers by reception time (newest first unless told otherwise), filtered; `words` (folded, see
        engine.domain.dossier_search) must each be in the dossier's search text."""
        c = _TABLE.c
        query = select(*_COLUMNS)
        for word in words:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(c.search_text.like(f"%{escaped}%", escape="\\"))
        if status is not None:
            query = query.where(c.status == status)
        if procedure_code:
            query = query.where(c.procedure_code == procedure_code)
        if procedures is not None:
            query = query.where(c.procedure_code.in_(list(procedures)))
        if received_from is not None:
            query = query.where(c.received_at >= received_from)
        if received_before is not None:
            query = query.where(c.received_at < received_before)
        order = (c.received_at.desc(), c.id.desc()) if newest_first else (c.received_at, c.id)
        query = query.order_by(*order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [DossierRow(*row) for row in self.uow.connection.execute(query)]

    def open_during(self, start: datetime, end: datetime) -> list[DossierRow]:
        """Dossiers received before `end` whose processing had not ended before `start`, oldest first."""
        c = _TABLE.c
        query = (
            select(*_COLUMNS)
            .where(c.received_at < end, or_(c.processing_end_at.is_(None), c.processing_end_at >= start))
            .order_by(c.received_at, c.id)
        )
        return [DossierRow(*row) for row in self.uow.connection.execute(query)]
