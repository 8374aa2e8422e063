"""The register of dossiers (Sổ theo dõi hồ sơ, in the form set of the legal basis in force) and the monthly late
report, built from stored data.

Read-only use cases: each reads the dossier rows of a period and the history of their instances in one read
transaction, then hands plain values to the pure renderers (`engine.forms.render`, `engine.services.late_report`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from engine.domain.catalogue import Catalogue
from engine.domain.clock import VN_TZ, Clock
from engine.domain.dates import vn_date
from engine.domain.errors import ValidationError
from engine.domain.legal_basis import LegalBases
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.permissions import ONE_STOP_LANE
from engine.domain.portal import REFUSED, STOPPED, SUPPLEMENTING, WITHDRAWN, status_label
from engine.forms import render as forms
from engine.persistence.db import Database
from engine.persistence.dossiers import DossierRow
from engine.persistence.history import EventRow
from engine.services.calendars import CalendarService
from engine.services.documents import letterhead
from engine.services.late_report import DossierFacts, LateDossier, late_dossier, late_report_csv
from engine.services.settings import Settings
from engine.services.task_history import first_at, steps

# The register notes a dossier in one of these statuses (its status label in the note column).
_NOTED_STATUSES = frozenset({REFUSED, SUPPLEMENTING, WITHDRAWN, STOPPED})


@dataclass(frozen=True)
class Selection:
    """Narrows the register and the late report: one procedure (its code), the procedures a division resolves, one
    status number. None: no narrowing."""

    procedure_code: str | None = None
    division: str | None = None
    status: int | None = None


ALL = Selection()


class RegisterService:
    """The register and the late report. Raises ValidationError (in Vietnamese) for a bad date range or month."""

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

    # --- the register ----------------------------------------------------------------------------------------------
    def register(self, received_from: date, received_to: date, selection: Selection = ALL) -> list[dict]:
        """One row per dossier received (accepted) from `received_from` to `received_to` (whole days, Vietnam time),
        in order of reception, with the keys `register_csv` takes; only those `selection` keeps."""
        start, end = _day_range(received_from, received_to)
        with self.db.reading() as uow:
            rows = uow.dossiers.rows(received_from=start, received_before=end, newest_first=False)
            rows = [row for row in rows if self._selected(row, selection)]
            history = uow.history.of_instances(r.instance_id for r in rows if r.instance_id)
        # A dossier is in the register once accepted (status 2): not an online or postal one still waiting for its
        # reception check, nor one sent back at that check with Mẫu 02 or refused with Mẫu 03.
        events_of = {row.instance_id: history.get(row.instance_id or 0, []) for row in rows}
        return [
            self._register_row(row, events_of[row.instance_id])
            for row in rows
            if first_at(events_of[row.instance_id], "dossier:status:changed", status=2) is not None
        ]

    def _selected(self, row: DossierRow, selection: Selection) -> bool:
        return (
            (selection.procedure_code is None or row.procedure_code == selection.procedure_code)
            and (selection.division is None or self.catalogue.division_of(row.procedure_code) == selection.division)
            and (selection.status is None or row.status == selection.status)
        )

    def _register_row(self, row: DossierRow, events: Sequence[EventRow]) -> dict:
        procedure = self.catalogue.get(row.procedure_code)
        applicant = row.applicant or {}
        transferred = next(
            (s.ready_at for s in steps(events) if s.lane and s.lane != ONE_STOP_LANE), None
        )  # the first step outside the one-stop section
        notes = []
        if row.status in _NOTED_STATUSES:
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

    def register_csv(self, received_from: date, received_to: date, selection: Selection = ALL) -> str:
        """The register for the range as CSV text (with a byte-order mark: write it as UTF-8)."""
        return forms.register_csv(self.register(received_from, received_to, selection))

    def register_pdf(self, received_from: date, received_to: date, selection: Selection = ALL) -> bytes:
        """The register for the range as an A4 landscape PDF, in the form set of the legal basis in force on the
        range's last day (the book is kept under the rules of its day)."""
        form_set = self.legal.in_force(received_to).form_set
        context = {
            **letterhead(self.settings, self.clock.now()),
            "book": str(received_from.year),
            "period": _period(received_from, received_to),
            "rows": self.register(received_from, received_to, selection),
        }
        template = form_set.form("register").template
        return forms.render_pdf(forms.render_html(template, context, form_set.id))

    # --- the monthly late report ---------------------------------------------------------------------------------
    def late_report(self, year: int, month: int, selection: Selection = ALL) -> list[LateDossier]:
        """Dossiers whose processing ended late in the month, or that were still open past their date at its end (at
        now, for the current month), earliest received first, of those `selection` keeps; see
        `engine.services.late_report`."""
        start, end = _month(year, month)
        now = self.clock.now()
        if start > now:
            raise ValidationError(
                f"Tháng {month:02d}/{year} chưa bắt đầu; chọn một tháng đã qua hoặc tháng này", {"month": "tương lai"}
            )
        with self.db.reading() as uow:
            rows = [row for row in uow.dossiers.open_during(start, end) if self._selected(row, selection)]
            history = uow.history.of_instances(r.instance_id for r in rows if r.instance_id)
            names = uow.accounts.full_names(e.actor for events in history.values() for e in events)
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

    def late_report_csv(self, year: int, month: int, selection: Selection = ALL) -> str:
        """The late report as CSV text (with a byte-order mark: write it as UTF-8)."""
        return late_report_csv(self.late_report(year, month, selection))


def _day_range(received_from: date, received_to: date) -> tuple[datetime, datetime]:
    for name, value in (("from", received_from), ("to", received_to)):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ValidationError(f"ngày '{value}' không hợp lệ; cần một ngày (YYYY-MM-DD)", {name: "không phải ngày"})
    if received_from > received_to:
        raise ValidationError(
            f"khoảng ngày sai: từ ngày {vn_date(received_from)} sau đến ngày {vn_date(received_to)}",
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
    return f"Từ ngày {vn_date(received_from)} đến ngày {vn_date(received_to)}"


def _month(year: int, month: int) -> tuple[datetime, datetime]:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError(f"năm '{year}' không hợp lệ (2000-2100)", {"year": "2000-2100"})
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError(f"tháng '{month}' không hợp lệ (1-12)", {"month": "1-12"})
    start = datetime(year, month, 1, tzinfo=VN_TZ)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=VN_TZ)
    return start, end
