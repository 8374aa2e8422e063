"""Forms of a dossier (Mẫu 01-05), the register (Mẫu 06) and the monthly late report, built from stored data.

Read-only use cases: each reads the dossier rows and the history of their instances in one read transaction, then
hands plain values to the pure renderers of `engine.forms.render` (contexts documented there).

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.domain.catalogue import Catalogue, Procedure
from engine.domain.clock import VN_TZ, Clock
from engine.domain.errors import NotFound, ValidationError
from engine.domain.permissions import ONE_STOP_LANE
from engine.domain.portal import status_label
from engine.forms import render as forms
from engine.persistence.db import Database
from engine.persistence.models import Dossier, HistoryEvent
from engine.services.accounts import full_names
from engine.services.calendars import CalendarService
from engine.services.late_report import DossierFacts, LateDossier, late_dossier, late_report_csv
from engine.services.settings import Settings
from engine.services.task_history import actor_before, first_at, last_of, steps

DOSSIER_FORMS = ("mau_01", "mau_02", "mau_03", "mau_04", "mau_05")
LETTER = "dossier:letter:queued"
APPLICANT_UNIT = "Tổ chức, cá nhân"
_CHUNK = 500  # instance ids per IN (...) when loading the history of many dossiers
_UNITS_VI = {"wd": "ngày làm việc", "wh": "giờ làm việc", "d": "ngày"}


@dataclass
class _Loaded:
    row: Dossier
    events: list[Any]  # rows of _EVENT_COLUMNS
    names: dict[str, str]
    procedure: Procedure | None


def time_limit_vi(limit: tuple[float, str]) -> str:
    """The statutory time limit as Mẫu 01 words it: (11, "wd") -> "11 ngày làm việc", (0.5, "wd") -> "0,5 ngày làm
    việc", (8, "wh") -> "8 giờ làm việc", (30, "d") -> "30 ngày"."""
    return f"{limit[0]:g}".replace(".", ",") + f" {_UNITS_VI[limit[1]]}"


class DocumentService:
    """Builds and renders the forms, the register and the late report. Raises NotFound for an unknown dossier and
    ValidationError (in Vietnamese) for an unknown form, a bad date range or month."""

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
        with self.db.read() as session:
            loaded = self._load(session, code)
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
        with self.db.read() as session:
            loaded = self._load(session, code)
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

    def _load(self, session: Session, code: str) -> _Loaded:
        row = session.scalars(select(Dossier).where(Dossier.code == code)).one_or_none()
        if row is None:
            raise NotFound(f"không có hồ sơ {code}")
        events = _events(session, [row.instance_id]).get(row.instance_id, []) if row.instance_id else []
        names = full_names(session, [row.received_by, *(e.actor for e in events)])
        session.expunge(row)  # keep its loaded values: the read transaction's rollback would expire them
        return _Loaded(row, events, names, self.catalogue.get(row.procedure_code))

    def _header(self, issued_at: datetime | date) -> dict:
        s = self.settings
        return {
            "agency": {"parent": s.agency_parent, "name": s.agency_name, "title": s.agency_title},
            "place": s.agency_place,
            "issued_at": issued_at,
        }

    def _base(self, d: _Loaded, issued_at: datetime) -> dict:
        applicant = d.row.applicant or {}
        return {
            **self._header(issued_at),
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
            "time_limit": time_limit_vi(d.procedure.time_limit) if d.procedure else "",
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

    def _letter(self, d: _Loaded, form: str, title: str) -> Any:
        letter = last_of(d.events, LETTER, form=form)
        if letter is None:
            raise NotFound(f"Hồ sơ {d.row.code} chưa có {title}: quy trình chưa lập biểu mẫu {form} cho hồ sơ này")
        return letter

    def _officer(self, d: _Loaded, letter: Any) -> str:
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

    # --- the register (Mẫu 06) -----------------------------------------------------------------------------------
    def register(self, received_from: date, received_to: date) -> list[dict]:
        """One row per dossier received from `received_from` to `received_to` (whole days, Vietnam time), in order of
        reception, with the keys `register_csv` takes."""
        start, end = _day_range(received_from, received_to)
        with self.db.read() as session:
            rows = list(
                session.scalars(
                    select(Dossier)
                    .where(Dossier.received_at >= start, Dossier.received_at < end)
                    .order_by(Dossier.received_at, Dossier.id)
                )
            )
            history = _events(session, [r.instance_id for r in rows if r.instance_id])
            session.expunge_all()
        return [self._register_row(row, history.get(row.instance_id or 0, [])) for row in rows]

    def _register_row(self, row: Dossier, events: Sequence[Any]) -> dict:
        procedure = self.catalogue.get(row.procedure_code)
        applicant = row.applicant or {}
        transferred = next(
            (s.ready_at for s in steps(events) if s.lane and s.lane != ONE_STOP_LANE), None
        )  # the first step outside the one-stop section
        notes = []
        if row.status in (3, 5, 7, 8):
            notes.append(status_label(row.status))
        if row.extension_count:
            notes.append(f"Hẹn lại ngày trả (hẹn ban đầu {forms.vn_stamp(row.original_appointment)})")
        return {
            "code": row.code,
            "procedure": procedure.name if procedure else row.procedure_code,
            "applicant": applicant.get("name") or "",
            "address": applicant.get("address") or "",
            "phone": applicant.get("phone") or "",
            "resolving_unit": procedure.division if procedure else "",
            "received_at": row.received_at,
            "appointment": row.appointment,
            "transferred_at": transferred,
            "result_received_at": first_at(events, "dossier:status:changed", status=9),
            "returned_at": row.returned_at,
            "note": "; ".join(notes),
        }

    def register_csv(self, received_from: date, received_to: date) -> str:
        """Mẫu 06 for the range as CSV text (with a byte-order mark: write it as UTF-8)."""
        return forms.register_csv(self.register(received_from, received_to))

    def register_pdf(self, received_from: date, received_to: date) -> bytes:
        """Mẫu 06 for the range as an A4 landscape PDF."""
        context = {
            **self._header(self.clock.now()),
            "book": str(received_from.year),
            "period": _period(received_from, received_to),
            "rows": self.register(received_from, received_to),
        }
        return forms.render_pdf(forms.render_html("mau_06", context))

    # --- the monthly late report ---------------------------------------------------------------------------------
    def late_report(self, year: int, month: int) -> list[LateDossier]:
        """Dossiers whose processing ended late in the month, or that were still open past their date at its end (at
        now, for the current month), earliest received first; see `engine.services.late_report`."""
        start, end = _month(year, month)
        now = self.clock.now()
        if start > now:
            raise ValidationError(
                f"Tháng {month:02d}/{year} chưa bắt đầu; chọn một tháng đã qua hoặc tháng này", {"month": "tương lai"}
            )
        with self.db.read() as session:
            rows = list(
                session.scalars(
                    select(Dossier)
                    .where(
                        Dossier.received_at < end,
                        or_(Dossier.processing_end_at.is_(None), Dossier.processing_end_at >= start),
                    )
                    .order_by(Dossier.received_at, Dossier.id)
                )
            )
            history = _events(session, [r.instance_id for r in rows if r.instance_id])
            names = full_names(session, [e.actor for events in history.values() for e in events])
            session.expunge_all()
        calendar, report = self.calendars.current(), []
        for row in rows:
            procedure = self.catalogue.get(row.procedure_code)
            facts = DossierFacts(
                row.code,
                procedure.name if procedure else row.procedure_code,
                (row.applicant or {}).get("name") or "",
                row.received_at,
                row.appointment,
                row.processing_end_at,
                row.status,
                row.supplement_count,
                row.extension_count,
            )
            line = late_dossier(facts, history.get(row.instance_id or 0, []), start, end, now, calendar, names)
            if line is not None:
                report.append(line)
        return report

    def late_report_csv(self, year: int, month: int) -> str:
        """The late report as CSV text (with a byte-order mark: write it as UTF-8)."""
        return late_report_csv(self.late_report(year, month))


_BUILDERS = {
    "mau_01": DocumentService._mau_01,
    "mau_02": DocumentService._mau_02,
    "mau_03": DocumentService._mau_03,
    "mau_04": DocumentService._mau_04,
    "mau_05": DocumentService._mau_05,
}


# --- helpers ---------------------------------------------------------------------------------------------------------
_EVENT_COLUMNS = (
    HistoryEvent.instance_id,
    HistoryEvent.seq,
    HistoryEvent.tag,
    HistoryEvent.at,
    HistoryEvent.actor,
    HistoryEvent.task_id,
    HistoryEvent.payload,
)


def _events(session: Session, instance_ids: Iterable[int]) -> dict[int, list[Any]]:
    ids = sorted(set(instance_ids))
    found: dict[int, list[Any]] = {}
    for first in range(0, len(ids), _CHUNK):
        query = (
            select(*_EVENT_COLUMNS)
            .where(HistoryEvent.instance_id.in_(ids[first : first + _CHUNK]))
            .order_by(HistoryEvent.instance_id, HistoryEvent.seq)
        )
        for event in session.execute(query):  # plain rows: they outlive the read transaction
            found.setdefault(event.instance_id, []).append(event)
    return found


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


def _day_range(received_from: date, received_to: date) -> tuple[datetime, datetime]:
    for name, value in (("from", received_from), ("to", received_to)):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ValidationError(f"ngày '{value}' không hợp lệ; cần một ngày (YYYY-MM-DD)", {name: "không phải ngày"})
    if received_from > received_to:
        raise ValidationError(
            f"khoảng ngày sai: từ ngày {received_from:%d/%m/%Y} sau đến ngày {received_to:%d/%m/%Y}",
            {"from": "sau ngày kết thúc"},
        )
    start = datetime.combine(received_from, time(0), VN_TZ)
    return start, datetime.combine(received_to + timedelta(days=1), time(0), VN_TZ)


def _period(received_from: date, received_to: date) -> str:
    following = (received_to + timedelta(days=1)).day == 1
    if (
        received_from.day == 1
        and following
        and (received_from.year, received_from.month)
        == (
            received_to.year,
            received_to.month,
        )
    ):
        return f"Tháng {received_from.month} năm {received_from.year}"
    return f"Từ ngày {received_from:%d/%m/%Y} đến ngày {received_to:%d/%m/%Y}"


def _month(year: int, month: int) -> tuple[datetime, datetime]:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError(f"năm '{year}' không hợp lệ (2000-2100)", {"year": "2000-2100"})
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError(f"tháng '{month}' không hợp lệ (1-12)", {"month": "1-12"})
    start = datetime(year, month, 1, tzinfo=VN_TZ)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=VN_TZ)
    return start, end
