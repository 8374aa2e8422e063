"""The forms of a dossier (Mẫu 01-05), built from stored data (the register and the late report: `reports`).

Read-only use cases: each reads the dossier row and the history of its instance in one read transaction, then hands
plain values to the pure renderers of `engine.forms.render` (contexts documented there).

Where the values come from:
- Mẫu 01: the dossier (applicant, documents received with their originals and copies, dates, delivery, the officer
  who received it); the register book is the year of reception, the number the dossier's number of the day.
- Mẫu 02, 03, 04: the latest `dossier:letter:queued` event of that form, whose payload has what the BPMN script passed
  (missing_items, reasons, reason and new_appointment), the rest from the dossier. Mẫu 04 without a letter falls back
  to the extension recorded on the dossier (`dossier:appointment:moved`, rule "extension").
- Mẫu 05: one handover per completed step, from its lane to the lane of the task its completion made ready, judged
  early / on time / late against the step's deadline (engine/domain/timeliness.py).
Officers appear by their full name when they have an account, else by the name they acted under.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from engine.domain.catalogue import Catalogue, Procedure
from engine.domain.clock import VN_TZ, Clock
from engine.domain.deadlines import time_limit_vi
from engine.domain.errors import NotFound, ValidationError
from engine.domain.permissions import ONE_STOP_LANE
from engine.forms import render as forms
from engine.persistence.db import Database
from engine.persistence.dossiers import DossierRow
from engine.persistence.history import EventRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.services.calendars import CalendarService
from engine.services.settings import Settings
from engine.services.task_history import actor_before, last_of, steps

DOSSIER_FORMS = ("mau_01", "mau_02", "mau_03", "mau_04", "mau_05")
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
        self, db: Database, clock: Clock, catalogue: Catalogue | None, calendars: CalendarService, settings: Settings
    ):
        self.db, self.clock, self.calendars, self.settings = db, clock, calendars, settings
        self.catalogue = catalogue if catalogue is not None else Catalogue([])

    # --- forms of one dossier ------------------------------------------------------------------------------------
    def form_context(self, code: str, form: str) -> dict:
        """The context of `form` (mau_01 ... mau_05) for dossier `code`, ready for `render_html`."""
        return self._context(code, form)[0]

    def _context(self, code: str, form: str) -> tuple[dict, str]:
        """(the context, the legal basis of the procedure's forms)."""
        builder = _BUILDERS.get(form)
        if builder is None:
            raise ValidationError(
                f"Không có biểu mẫu '{form}' cho một hồ sơ; chọn một trong {', '.join(DOSSIER_FORMS)} "
                "(Mẫu 06 là sổ theo dõi: motcua register export)",
                {"form": "không có biểu mẫu này"},
            )
        with self.db.reading() as uow:
            loaded = self._load(uow, code)
        basis = loaded.procedure.form_set if loaded.procedure else forms.DEFAULT_LEGAL_BASIS
        return builder(self, loaded), basis

    def render(self, code: str, form: str, fmt: str = "html") -> tuple[str | bytes, str]:
        """(the HTML text or the PDF bytes, a file name such as `<code>_mau_01.pdf`)."""
        if fmt not in ("html", "pdf"):
            raise ValidationError(f"định dạng '{fmt}' không hỗ trợ; chọn html hoặc pdf", {"fmt": "html hoặc pdf"})
        context, basis = self._context(code, form)
        html = forms.render_html(form, context, basis)
        name = f"{code}_{form}.{fmt}"
        return (forms.render_pdf(html), name) if fmt == "pdf" else (html, name)

    def preview_mau_04(self, code: str, reason: str, new_appointment: datetime | None) -> str:
        """The HTML of the apology letter (Mẫu 04) dossier `code` would get with a draft `reason` and new date, before
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
            "signer": {"title": self.settings.signer_title, "name": self.settings.signer_name or ""},
        }
        basis = loaded.procedure.form_set if loaded.procedure else forms.DEFAULT_LEGAL_BASIS
        return forms.render_html("mau_04", context, basis)

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
            "applicant": {key: applicant.get(key) or "" for key in ("name", "address", "phone", "email")},
            "procedure": d.procedure.name if d.procedure else d.row.procedure_code,
        }

    def _mau_01(self, d: _Loaded) -> dict:
        row, letter = d.row, last_of(d.events, LETTER, form="mau_01")
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
            "officer": d.names.get(row.received_by, row.received_by),
        }

    def _qr(self, code: str) -> dict:
        """register.qr, what the QR of Mẫu 01 encodes when the public address is set: the dossier's public status
        page (without it, the template prints the code alone)."""
        return {"qr": f"{self.settings.public_url}/tra-cuu?ma={code}"} if self.settings.public_url else {}

    def _letter(self, d: _Loaded, form: str, title: str) -> EventRow:
        letter = last_of(d.events, LETTER, form=form)
        if letter is None:
            raise NotFound(f"Hồ sơ {d.row.code} chưa có {title}: quy trình chưa lập biểu mẫu {form} cho hồ sơ này")
        return letter

    def _officer(self, d: _Loaded, letter: EventRow) -> str:
        actor = actor_before(d.events, letter.seq) or d.row.received_by
        return d.names.get(actor, actor)

    def _mau_02(self, d: _Loaded) -> dict:
        letter = self._letter(d, "mau_02", "Mẫu 02 (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)")
        officer = self._officer(d, letter)
        items = letter.payload.get("missing_items") or letter.payload.get("missing") or []
        return {
            **self._base(d, letter.at),
            "missing": [_missing(item) for item in _as_list(items)],
            "contact": {"name": officer, "phone": self.settings.contact_phone},
            "officer": officer,
        }

    def _mau_03(self, d: _Loaded) -> dict:
        letter = self._letter(d, "mau_03", "Mẫu 03 (phiếu từ chối tiếp nhận giải quyết hồ sơ)")
        given = _as_list(letter.payload.get("reasons"))
        reasons = [str(r.get("reason", r) if isinstance(r, dict) else r) for r in given]
        return {**self._base(d, letter.at), "reasons": reasons, "officer": self._officer(d, letter)}

    def _mau_04(self, d: _Loaded) -> dict:
        row = d.row
        letter = last_of(d.events, LETTER, form="mau_04")
        moved = last_of(d.events, "dossier:appointment:moved", rule="extension")
        payload = dict(letter.payload) if letter else {}
        if letter is None and moved is None:
            raise NotFound(f"Hồ sơ {row.code} chưa có Mẫu 04 (phiếu xin lỗi và hẹn lại ngày trả kết quả)")
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
            "signer": {
                "title": self.settings.signer_title,
                "name": self.settings.signer_name or (d.names.get(approver, approver) if approver else ""),
            },
        }

    def _mau_05(self, d: _Loaded) -> dict:
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
                    "giver": d.names.get(row.received_by, row.received_by),
                    "receiver": d.names.get(first.actor or "", first.actor or ""),
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
            handovers.append(
                {
                    "from_unit": step.lane,
                    "to_unit": to_unit,
                    "at": step.completed_at,
                    "giver": d.names.get(step.actor or "", step.actor or ""),
                    "receiver": d.names.get(receiver, receiver),
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
    "mau_01": DocumentService._mau_01,
    "mau_02": DocumentService._mau_02,
    "mau_03": DocumentService._mau_03,
    "mau_04": DocumentService._mau_04,
    "mau_05": DocumentService._mau_05,
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


def _missing(item: Any) -> dict:
    if isinstance(item, dict):
        return {"item": str(item.get("item") or item.get("name") or ""), "reason": str(item.get("reason") or "")}
    return {"item": str(item), "reason": ""}
