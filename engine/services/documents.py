"""The forms of a dossier, addressed by meaning (receipt, supplement_request, ...: FORM_MEANINGS), built from stored
data in the form set of the legal basis the dossier was received under (the register and the late report:
`registers`).

Read-only use cases: each reads the dossier row and the history of its instance in one read transaction, then hands
plain values to the pure renderers of `engine.forms.render` (contexts documented there). A caller may name a form by
meaning or by its template in the dossier's set ("mau_01"), so the addresses of earlier versions keep working.

Where the values come from:
- receipt: the dossier (applicant, documents received with their originals and copies, dates, delivery, the officer
  who received it); the register book is the year of reception, the number the dossier's number of the day.
- supplement_request, reception_refusal, apology, appraisal_refusal, stop_notice: the latest `dossier:letter:queued`
  event of that meaning (letters queued before forms were addressed by meaning name the template, "mau_04", and are
  read through the dossier's set), whose payload has what the BPMN script passed (missing_items, reasons, reason and
  new_appointment), the rest from the dossier. The apology without a letter falls back to the extension recorded on
  the dossier (`dossier:appointment:moved`, rule "extension"); the stop notice to the dossier's stop
  (`dossier:stopped`).
- control_slip: one handover per completed step, from its lane to the lane of the task its completion made ready,
  judged early / on time / late against the step's deadline (engine/domain/timeliness.py).
Officers appear by their full name, from their account; without one the line stays blank (never a username).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from engine.domain.catalogue import Catalogue, Procedure
from engine.domain.clock import VN_TZ, Clock
from engine.domain.deadlines import time_limit_vi
from engine.domain.errors import NotFound, ValidationError
from engine.domain.fees import COUNTER_CHANNEL, COUNTER_PAYMENT, receipt_number
from engine.domain.legal_basis import Form, LegalBases, LegalBasis, LegalBasisError
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.permissions import ONE_STOP_LANE
from engine.forms import render as forms
from engine.persistence.db import Database
from engine.persistence.dossiers import DossierRow
from engine.persistence.history import EventRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.services.calendars import CalendarService
from engine.services.settings import Settings
from engine.services.task_history import actor_before, last_of, steps

# The forms of one dossier, by meaning (the register is RegisterService's).
DOSSIER_FORMS = (
    "receipt",
    "supplement_request",
    "reception_refusal",
    "apology",
    "stop_notice",
    "control_slip",
    "appraisal_refusal",
    "fee_receipt",
)
# What a caller may name a dossier's form by: a meaning, or a template of a shipped set ("mau_01", as before).
DOSSIER_FORM_NAMES = (
    *DOSSIER_FORMS,
    *sorted({f.template for b in shipped_legal_bases().bases for f in b.form_set.forms.values() if f.number}),
)
LETTER = "dossier:letter:queued"
APPLICANT_UNIT = "Tổ chức, cá nhân"


@dataclass
class _Loaded:
    row: DossierRow
    events: list[EventRow]
    names: dict[str, str]
    procedure: Procedure | None


def letterhead(settings: Settings, issued_at: datetime | date) -> dict:
    """The agency's heading of every form and register, issued at `issued_at`."""
    return {
        "agency": {"parent": settings.agency_parent, "name": settings.agency_name, "title": settings.agency_title},
        "place": settings.agency_place,
        "issued_at": issued_at,
    }


class DocumentService:
    """Builds and renders the forms of a dossier. Raises NotFound for an unknown dossier and ValidationError (in
    Vietnamese) for an unknown form."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        catalogue: Catalogue | None,
        calendars: CalendarService,
        settings: Settings,
        legal: LegalBases | None = None,
    ):
        self.db, self.clock, self.calendars, self.settings = db, clock, calendars, settings
        self.catalogue = catalogue if catalogue is not None else Catalogue([])
        self.legal = legal if legal is not None else shipped_legal_bases()

    # --- forms of one dossier ------------------------------------------------------------------------------------
    def form_context(self, code: str, form: str) -> dict:
        """The context of `form` (a meaning such as "receipt", or the set's template name) for dossier `code`."""
        return self._context(code, form)[0]

    def form_of(self, code: str, form: str) -> Form:
        """The form `form` (meaning or template name) in the set of dossier `code`'s legal basis. Raises NotFound,
        ValidationError for a form the set does not have."""
        with self.db.reading() as uow:
            loaded = self._load(uow, code)
        return self._form(loaded, form)

    def _context(self, code: str, form: str) -> tuple[dict, Form, str]:
        """(the context, the form, its set's id)."""
        with self.db.reading() as uow:
            loaded = self._load(uow, code)
        found = self._form(loaded, form)
        builder = _BUILDERS.get(found.meaning)
        if builder is None:
            raise ValidationError(
                f"'{form}' ({found.title}) không phải biểu mẫu của một hồ sơ; chọn một trong "
                f"{', '.join(DOSSIER_FORMS)} (sổ theo dõi: motcua register export)",
                {"form": "không phải biểu mẫu của một hồ sơ"},
            )
        return builder(self, loaded), found, self._basis(loaded).form_set.id

    def render(self, code: str, form: str, fmt: str = "html") -> tuple[str | bytes, str]:
        """(the HTML text or the PDF bytes, a file name such as `<code>_mau_01.pdf`: the form's template in the
        dossier's set)."""
        if fmt not in ("html", "pdf"):
            raise ValidationError(f"định dạng '{fmt}' không hỗ trợ; chọn html hoặc pdf", {"fmt": "html hoặc pdf"})
        context, found, set_id = self._context(code, form)
        html = forms.render_html(found.template, context, set_id)
        name = f"{code}_{found.template}.{fmt}"
        return (forms.render_pdf(html), name) if fmt == "pdf" else (html, name)

    def preview_apology(self, code: str, reason: str, new_appointment: datetime | None) -> str:
        """The HTML of the apology letter dossier `code` would get with a draft `reason` and new date, before
        anything is decided or sent (the apology task's page shows it as the specialist writes). Raises NotFound."""
        with self.db.reading() as uow:
            loaded = self._load(uow, code)
        row = loaded.row
        context = {
            **self._base(loaded, self.clock.now()),
            "received_at": row.received_at,
            "appointment": row.appointment,
            "reason": reason,
            "new_appointment": new_appointment,
            "signer": self._signer(None),
        }
        found = self._form(loaded, "apology")
        return forms.render_html(found.template, context, self._basis(loaded).form_set.id)

    def _basis(self, d: _Loaded) -> LegalBasis:
        """The legal basis dossier `d` was received under."""
        try:
            return self.legal.get(d.row.legal_basis)
        except LegalBasisError as error:
            raise ValidationError(f"Hồ sơ {d.row.code}: {error.problem}", {error.field: error.problem})

    def _form(self, d: _Loaded, name: str) -> Form:
        try:
            return self._basis(d).form_set.by_name(name)
        except LegalBasisError as error:
            raise ValidationError(f"Hồ sơ {d.row.code}: {error.problem}", {"form": "không có biểu mẫu này"})

    def _load(self, uow: UnitOfWork, code: str) -> _Loaded:
        row = uow.dossiers.row(code)
        if row is None:
            raise NotFound(f"không có hồ sơ {code}")
        events = uow.history.events(row.instance_id) if row.instance_id else []
        names = uow.accounts.full_names([row.received_by, *(e.actor for e in events)])
        return _Loaded(row, events, names, self.catalogue.get(row.procedure_code))

    def _base(self, d: _Loaded, issued_at: datetime) -> dict:
        applicant = d.row.applicant or {}
        return {
            **letterhead(self.settings, issued_at),
            "dossier_code": d.row.code,
            "receiving_unit": self.settings.receiving_unit,
            "applicant": {
                **{key: applicant.get(key) or "" for key in ("name", "address", "phone", "email", "submitter")},
                "type": applicant.get("type") or 1,
            },
            "procedure": d.procedure.name if d.procedure else d.row.procedure_code,
        }

    def _receipt(self, d: _Loaded) -> dict:
        row, letter = d.row, self._last_letter(d, "receipt")
        wanted = {doc.name: doc for doc in d.procedure.documents} if d.procedure else {}
        documents = []
        for item in (row.documents or {}).get("items", []):
            if not item.get("received", True):
                continue
            asked = wanted.get(item.get("name"))
            documents.append(
                {
                    "name": item.get("name", ""),
                    "originals": asked.originals if asked else int(item.get("originals") or 0),
                    "copies": asked.copies if asked else int(item.get("copies") or 0),
                }
            )
        received = row.received_at.astimezone(VN_TZ)
        return {
            **self._base(d, row.received_at),
            "documents": documents,
            "sets": 1,
            "time_limit": time_limit_vi(*d.procedure.time_limit) if d.procedure else "",
            "received_at": row.received_at,
            "appointment": _moment((letter.payload if letter else {}).get("appointment")) or row.original_appointment,
            "delivery": row.result_delivery,
            "register": {"book": str(received.year), "number": row.code.rsplit("-", 1)[-1], **self._qr(row.code)},
            "officer": _full(d, row.received_by),
        }

    def _fee_receipt(self, d: _Loaded) -> dict:
        """The receipt of a fee paid at the counter: at reception (a counter dossier received with its fee paid) or
        later from the counter's queue (`DossierService.collect_fee`). Raises NotFound for a fee not paid there."""
        row, payment = d.row, d.row.payment or {}
        at_counter = payment.get("method") == COUNTER_PAYMENT or (not payment and row.channel == COUNTER_CHANNEL)
        if not (row.fee > 0 and row.fee_paid and at_counter):
            raise NotFound(f"Hồ sơ {row.code} chưa nộp phí, lệ phí tại Bộ phận Một cửa: chưa có biên lai")
        collected_at = _moment(payment.get("paid_at")) or row.received_at
        return {
            **self._base(d, collected_at),
            "receipt_number": payment.get("reference") or receipt_number(row.code),
            "amount": int(payment.get("amount") or row.fee),
            "method": "Tiền mặt tại Bộ phận Tiếp nhận và Trả kết quả",
            "collected_at": collected_at,
            "collector": _full(d, payment.get("collected_by") or row.received_by),
        }

    def _qr(self, code: str) -> dict:
        """register.qr, what the QR of Mẫu 01 encodes when the public address is set: the dossier's public status
        page (without it, the template prints the code alone)."""
        return {"qr": f"{self.settings.public_url}/tra-cuu?ma={code}"} if self.settings.public_url else {}

    def _last_letter(self, d: _Loaded, meaning: str) -> EventRow | None:
        """The latest letter of `meaning` queued for dossier `d` (a letter names its form by meaning, or, before
        forms were addressed by meaning, by its template in the dossier's set)."""
        form_set = self._basis(d).form_set
        for event in reversed(d.events):
            if event.tag != LETTER or not event.payload:
                continue
            try:
                if form_set.by_name(str(event.payload.get("form"))).meaning == meaning:
                    return event
            except LegalBasisError:
                continue
        return None

    def _letter(self, d: _Loaded, meaning: str) -> EventRow:
        letter = self._last_letter(d, meaning)
        if letter is None:
            form = self._form(d, meaning)
            raise NotFound(
                f"Hồ sơ {d.row.code} chưa có {form.title} ({form.label}): quy trình chưa lập biểu mẫu này cho hồ sơ"
            )
        return letter

    def _signer(self, approver: str | None, names: dict[str, str] | None = None) -> dict:
        """The head who signs a letter of the resolving agency: the one set in settings, else who approved it."""
        name = self.settings.signer_name or ((names or {}).get(approver, "") if approver else "")
        return {"title": self.settings.signer_title, "name": name or ""}

    def _officer(self, d: _Loaded, letter: EventRow) -> str:
        actor = actor_before(d.events, letter.seq) or d.row.received_by
        return _full(d, actor)

    def _supplement_request(self, d: _Loaded) -> dict:
        letter = self._letter(d, "supplement_request")
        officer = self._officer(d, letter)
        items = letter.payload.get("missing_items") or letter.payload.get("missing") or []
        return {
            **self._base(d, letter.at),
            "missing": [_missing(item) for item in _as_list(items)],
            "contact": {"name": officer, "phone": self.settings.contact_phone},
            "officer": officer,
        }

    def _reception_refusal(self, d: _Loaded) -> dict:
        letter = self._letter(d, "reception_refusal")
        return {**self._base(d, letter.at), "reasons": _reasons(letter), "officer": self._officer(d, letter)}

    def _appraisal_refusal(self, d: _Loaded) -> dict:
        """The resolving division's refusal after appraisal, signed by the head (not the reception refusal)."""
        letter = self._letter(d, "appraisal_refusal")
        return {
            **self._base(d, letter.at),
            "received_at": d.row.received_at,
            "division": d.procedure.division if d.procedure else "",
            "reasons": _reasons(letter),
            # signed by the head (settings), never by the specialist whose appraisal refused it
            "signer": self._signer(None),
        }

    def _stop_notice(self, d: _Loaded) -> dict:
        """The notice that the dossier is stopped (status 8): its letter, else the stop recorded on the dossier."""
        letter = self._last_letter(d, "stop_notice")
        stopped = last_of(d.events, "dossier:stopped")
        issued = letter or stopped
        if issued is None:
            form = self._form(d, "stop_notice")
            raise NotFound(f"Hồ sơ {d.row.code} chưa bị dừng giải quyết: chưa có {form.title}")
        reason = (letter.payload.get("reason") if letter else None) or (
            stopped.payload.get("reason") if stopped else ""
        )
        return {
            **self._base(d, issued.at),
            "received_at": d.row.received_at,
            "reason": str(reason or ""),
            "signer": self._signer(stopped.actor if stopped else None, d.names),
        }

    def _apology(self, d: _Loaded) -> dict:
        row = d.row
        letter = self._last_letter(d, "apology")
        moved = last_of(d.events, "dossier:appointment:moved", rule="extension")
        payload = dict(letter.payload) if letter else {}
        if letter is None and moved is None:
            form = self._form(d, "apology")
            raise NotFound(f"Hồ sơ {row.code} chưa có {form.title} ({form.label})")
        reason = payload.get("reason") or (moved.payload.get("reason") if moved else "") or ""
        new = _moment(payload.get("new_appointment")) or (_moment(moved.payload.get("to")) if moved else None)
        original = (_moment(moved.payload.get("from")) if moved else None) or row.appointment
        approver = actor_before(d.events, letter.seq) if letter else None
        issued = letter or moved
        assert issued is not None  # one of the two, checked above
        return {
            **self._base(d, issued.at),
            "received_at": row.received_at,
            "appointment": original,
            "reason": str(reason),
            "new_appointment": new or row.appointment,
            "signer": self._signer(approver, d.names),
        }

    def _control_slip(self, d: _Loaded) -> dict:
        row, calendar = d.row, self.calendars.current()
        found = steps(d.events)
        by_id = {step.task_id: step for step in found}
        applicant = (row.applicant or {}).get("name") or ""
        handovers = []
        first = found[0] if found else None
        if first is not None and first.lane != ONE_STOP_LANE:
            # A counter dossier was checked before it was registered: its first handover is the one-stop section
            # passing it on at reception, with no step of its own (so nothing to be late against).
            handovers.append(
                {
                    "from_unit": ONE_STOP_LANE,
                    "to_unit": first.lane,
                    "at": first.ready_at,
                    "giver": _full(d, row.received_by),
                    "receiver": _full(d, first.actor),
                    "result": "on_time",
                    "note": "Tiếp nhận hồ sơ tại Bộ phận Một cửa",
                }
            )
        for step in found:
            if step.completed_at is None:
                continue
            after = by_id.get(step.next_task_id or "")
            if after is not None:
                to_unit, receiver = after.lane, after.actor or ""
            elif row.returned_at is not None and step.completed_at >= row.returned_at - timedelta(seconds=1):
                to_unit, receiver = APPLICANT_UNIT, applicant  # the result handed back
            else:
                to_unit, receiver = "", ""
            if to_unit != APPLICANT_UNIT:
                receiver = _full(d, receiver)
            handovers.append(
                {
                    "from_unit": step.lane,
                    "to_unit": to_unit,
                    "at": step.completed_at,
                    "giver": _full(d, step.actor),
                    "receiver": receiver,
                    "result": step.result(calendar),
                    "note": step.title,
                }
            )
        return {
            **self._base(d, self.clock.now()),
            "received_at": row.received_at,
            "appointment": row.appointment,
            "resolving_unit": d.procedure.division if d.procedure else "",
            "coordinating_units": [],
            "handovers": handovers,
        }


_BUILDERS = {
    "receipt": DocumentService._receipt,
    "supplement_request": DocumentService._supplement_request,
    "reception_refusal": DocumentService._reception_refusal,
    "apology": DocumentService._apology,
    "stop_notice": DocumentService._stop_notice,
    "control_slip": DocumentService._control_slip,
    "appraisal_refusal": DocumentService._appraisal_refusal,
    "fee_receipt": DocumentService._fee_receipt,
}


# --- helpers ---------------------------------------------------------------------------------------------------------
def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.utcoffset() is not None else None
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None


def _as_list(value: Any) -> list:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _full(d: _Loaded, username: str | None) -> str:
    """The full name of the officer `username`; "" (a line to sign by hand) when no account gives one: a form never
    prints a username."""
    return d.names.get(username or "", "")


def _reasons(letter: EventRow) -> list[str]:
    given = _as_list(letter.payload.get("reasons"))
    return [str(r.get("reason", r) if isinstance(r, dict) else r) for r in given]


def _missing(item: Any) -> dict:
    if isinstance(item, dict):
        return {"item": str(item.get("item") or item.get("name") or ""), "reason": str(item.get("reason") or "")}
    return {"item": str(item), "reason": ""}
