"""The auditor's search of dossiers (`/kiem-tra`): by code, applicant, procedure, division, officer, reception dates,
status, late or on time, extended, supplemented; a page at a time, or every match as CSV."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from engine.domain.catalogue import Catalogue
from engine.domain.clock import VN_TZ
from engine.domain.errors import ValidationError
from engine.domain.portal import STATUS_LABELS, status_label
from engine.persistence.audit import AuditQuery
from engine.persistence.db import Database
from engine.persistence.dossiers import DossierRow

PAGE_SIZE = 50
CSV_LIMIT = 50_000
TIMELINESS = {"late": True, "on_time": False}


@dataclass(frozen=True)
class AuditRow:
    code: str
    procedure_code: str
    procedure_name: str
    division: str
    applicant_name: str
    received_at: datetime
    appointment: datetime
    status: int
    status_label: str
    late: bool
    extension_count: int
    supplement_count: int
    processing_end_at: datetime | None
    received_by: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


class AuditSearchService:
    def __init__(self, db: Database, catalogue: Catalogue):
        self.db, self.catalogue = db, catalogue

    def query(
        self,
        *,
        code: str = "",
        applicant: str = "",
        procedure: str = "",
        division: str = "",
        officer: str = "",
        received_from: date | None = None,
        received_to: date | None = None,
        status: int | None = None,
        timeliness: str = "",
        extended: bool | None = None,
        supplemented: bool | None = None,
    ) -> AuditQuery:
        """The query for these criteria. Raises ValidationError naming every criterion it cannot use."""
        errors: dict[str, str] = {}
        if procedure and self.catalogue.get(procedure) is None:
            errors["procedure"] = f"không có thủ tục mã '{procedure}' trong danh mục"
        if division and division not in self.catalogue.divisions():
            errors["division"] = f"không có phòng '{division}' trong danh mục"
        if status is not None and status not in STATUS_LABELS:
            errors["status"] = "trạng thái là một số từ 1 đến 10"
        if timeliness and timeliness not in TIMELINESS:
            errors["timeliness"] = "chọn 'late' (trễ hạn) hoặc 'on_time' (đúng hạn)"
        if received_from and received_to and received_to < received_from:
            errors["received_to"] = "ngày kết thúc trước ngày bắt đầu"
        if errors:
            raise ValidationError("Không tìm được hồ sơ: " + "; ".join(errors.values()), errors)
        codes: tuple[str, ...] | None = None
        if procedure:
            codes = (procedure,)
        if division:
            of_division = tuple(self.catalogue.codes_of_division(division))
            codes = tuple(c for c in codes if c in of_division) if codes is not None else of_division
        return AuditQuery(
            code=code.strip(),
            applicant=applicant.strip(),
            procedure_codes=codes,
            officer=officer.strip(),
            received_from=datetime.combine(received_from, time(0), VN_TZ) if received_from else None,
            received_before=datetime.combine(received_to, time(0), VN_TZ) + timedelta(days=1) if received_to else None,
            status=status,
            late=TIMELINESS.get(timeliness),
            extended=extended,
            supplemented=supplemented,
        )

    def search(self, query: AuditQuery, page: int = 1) -> AuditPage:
        if page < 1:
            raise ValidationError("Trang bắt đầu từ 1", {"page": "từ 1"})
        with self.db.reading() as uow:
            rows, total = uow.audit.search(query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        return AuditPage([self._row(r) for r in rows], total, page, max(1, -(-total // PAGE_SIZE)))

    def csv(self, query: AuditQuery) -> str:
        """Every match (up to CSV_LIMIT) as CSV, a header row first."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "Mã hồ sơ",
                "Mã thủ tục",
                "Thủ tục",
                "Phòng giải quyết",
                "Người nộp",
                "Tiếp nhận lúc",
                "Hẹn trả",
                "Trạng thái",
                "Trễ hạn",
                "Số lần gia hạn",
                "Số lần bổ sung",
                "Kết thúc xử lý",
                "Người tiếp nhận",
            ]
        )
        with self.db.reading() as uow:
            for offset in range(0, CSV_LIMIT, 1000):
                rows, _total = uow.audit.search(query, 1000, offset)
                for row in map(self._row, rows):
                    writer.writerow(
                        [
                            row.code,
                            row.procedure_code,
                            row.procedure_name,
                            row.division,
                            row.applicant_name,
                            row.received_at.isoformat(),
                            row.appointment.isoformat(),
                            f"{row.status} {row.status_label}",
                            "có" if row.late else "không",
                            row.extension_count,
                            row.supplement_count,
                            row.processing_end_at.isoformat() if row.processing_end_at else "",
                            row.received_by,
                        ]
                    )
                if len(rows) < 1000:
                    break
        return out.getvalue()

    def _row(self, row: DossierRow) -> AuditRow:
        procedure = self.catalogue.get(row.procedure_code)
        applicant = row.applicant if isinstance(row.applicant, dict) else {}
        return AuditRow(
            row.code,
            row.procedure_code,
            procedure.name if procedure is not None else row.procedure_code,
            procedure.division if procedure is not None else "",
            str(applicant.get("name", "")),
            row.received_at.astimezone(VN_TZ),
            row.appointment.astimezone(VN_TZ),
            row.status,
            status_label(row.status),
            bool(row.late),
            row.extension_count,
            row.supplement_count,
            row.processing_end_at.astimezone(VN_TZ) if row.processing_end_at else None,
            row.received_by,
        )
