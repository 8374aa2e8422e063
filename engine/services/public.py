"""The citizen's side, without sign-in: a dossier's status for the holder of its receipt, and the satisfaction rating
after the result (once per dossier; also taken at the counter by the one-stop officer).

Look-up: the dossier code (typed, or from the QR printed on Mẫu 01) and the last digits of the applicant's phone
number, which the receipt's holder knows and a stranger guessing codes does not. A wrong code and wrong digits get the
same answer, so the page does not tell which codes exist. Each source (the client's address) may try `limit` times in
`window`; the attempts are kept in the database, so every web process shares the count.

What is shown: the procedure, the status, the dates (received, appointment, processing end, returned), what is missing
while supplementation is asked for (the items of the latest Mẫu 02), whether the result is ready. No name, address or
document of the applicant.
"""

import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.domain.catalogue import Catalogue
from engine.domain.clock import Clock
from engine.domain.errors import InvalidTransition, NotFound, TooManyAttempts, ValidationError
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.portal import RESOLVED, RETURNED, SUPPLEMENTING, status_label
from engine.persistence.db import Database
from engine.persistence.public import PublicDossier, PublicStore

DIGITS = 4  # the last digits of the phone number asked for
LEVELS = {"very_satisfied": "Rất hài lòng", "satisfied": "Hài lòng", "not_satisfied": "Không hài lòng"}
RATED_STATUSES = (RESOLVED, RETURNED)
NOT_FOUND = (
    "Không tìm thấy hồ sơ có mã và số điện thoại này. Kiểm tra lại mã hồ sơ trên Giấy tiếp nhận và hẹn trả kết quả "
    f"và {DIGITS} số cuối của số điện thoại đã khai khi nộp hồ sơ."
)


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure: str
    status: int
    status_label: str
    received_at: datetime
    appointment: datetime
    processing_end_at: datetime | None
    returned_at: datetime | None
    missing: tuple[dict, ...]
    result_ready: bool
    result_delivery: str
    rating: tuple[str, str, datetime] | None  # (level, source, when)

    @property
    def may_rate(self) -> bool:
        return self.status in RATED_STATUSES and self.rating is None


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


class PublicService:
    def __init__(self, db: Database, clock: Clock, catalogue: Catalogue, limit: int = 10, window_minutes: int = 10):
        self.db, self.clock, self.catalogue = db, clock, catalogue
        self.legal = shipped_legal_bases()
        self.limit, self.window = limit, timedelta(minutes=window_minutes)

    def lookup(self, code: str, phone_digits: str, source: str) -> PublicStatus:
        """The status of dossier `code` for someone who knows the last digits of its phone number. Raises
        ValidationError for an empty or malformed entry (not counted), TooManyAttempts once `source` has tried
        `limit` times in the window (nothing looked up), NotFound for a wrong code or wrong digits (counted)."""
        code, digits = (code or "").strip().upper(), _digits(phone_digits)
        problems = {}
        if not code or len(code) > 100:
            problems["code"] = "Nhập mã hồ sơ in trên Giấy tiếp nhận (ví dụ H15.50.05.13-260302-0001)"
        if len(digits) != DIGITS:
            problems["phone"] = f"Nhập đúng {DIGITS} chữ số cuối của số điện thoại đã khai khi nộp hồ sơ"
        if problems:
            raise ValidationError("; ".join(problems.values()), problems)
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            store = PublicStore(uow)
            store.forget_attempts_before(now - self.window)
            if store.attempts_since(source[:100], now - self.window) >= self.limit:
                raise TooManyAttempts(
                    f"Bạn đã tra cứu {self.limit} lần trong {int(self.window.total_seconds() // 60)} phút. "
                    "Vui lòng thử lại sau ít phút, hoặc liên hệ Bộ phận Một cửa.",
                    int(self.window.total_seconds()),
                )
            found = store.dossier(code)
            phone = _digits(found.phone) if found is not None else ""
            matches = len(phone) >= DIGITS and hmac.compare_digest(phone[-DIGITS:], digits)
            store.record_attempt(source[:100], now, matches)
            status = self._status(store, found) if found is not None and matches else None
        if status is None:  # raised after the commit: the failed attempt stays counted
            raise NotFound(NOT_FOUND)
        return status

    def status_of(self, code: str) -> PublicStatus:
        """The status of `code` for a session that has already looked it up (code and phone digits). Raises NotFound."""
        with self.db.reading() as uow:
            store = PublicStore(uow)
            found = store.dossier(code)
            if found is None:
                raise NotFound(NOT_FOUND)
            return self._status(store, found)

    def _status(self, store: PublicStore, found: PublicDossier) -> PublicStatus:
        procedure = self.catalogue.get(found.procedure_code)
        missing: tuple[dict, ...] = ()
        if found.status == SUPPLEMENTING and found.instance_id is not None:
            asked = [
                p for p in store.letters(found.instance_id) if self.legal.meaning(p.get("form")) == "supplement_request"
            ]
            items = (asked[-1].get("missing_items") or asked[-1].get("missing") or []) if asked else []
            missing = tuple(
                {"item": str(i.get("item") or i.get("name") or ""), "reason": str(i.get("reason") or "")}
                if isinstance(i, dict)
                else {"item": str(i), "reason": ""}
                for i in (items if isinstance(items, list) else [items])
            )
        return PublicStatus(
            code=found.code,
            procedure=procedure.name if procedure else found.procedure_code,
            status=found.status,
            status_label=status_label(found.status),
            received_at=found.received_at,
            appointment=found.appointment,
            processing_end_at=found.processing_end_at,
            returned_at=found.returned_at,
            missing=missing,
            result_ready=found.status in RATED_STATUSES,
            result_delivery=found.result_delivery,
            rating=store.rating(found.id),
        )

    def rate(self, code: str, level: str, reason: str, source: str, by: str | None = None) -> PublicStatus:
        """Record the applicant's rating of dossier `code` (`source` "public" after a look-up, "counter" by the
        officer `by`). Raises ValidationError for an unknown level or a "not satisfied" without a reason, NotFound,
        InvalidTransition before the result or when the dossier was already rated (nothing changes)."""
        reason = (reason or "").strip()
        if level not in LEVELS:
            raise ValidationError("Chọn một mức đánh giá: rất hài lòng, hài lòng hoặc không hài lòng", {"level": "?"})
        if level == "not_satisfied" and not reason:
            raise ValidationError("Cho biết lý do chưa hài lòng để Sở khắc phục", {"reason": "bắt buộc"})
        if len(reason) > 2000:
            raise ValidationError("Lý do dài quá 2.000 ký tự; viết ngắn lại", {"reason": "quá dài"})
        with self.db.unit_of_work() as uow:
            store = PublicStore(uow)
            found = store.dossier((code or "").strip().upper())
            if found is None:
                raise NotFound(f"Không có hồ sơ {code}")
            if found.status not in RATED_STATUSES:
                raise InvalidTransition(
                    f"Hồ sơ {found.code} chưa có kết quả ({status_label(found.status)}); đánh giá sau khi nhận kết quả"
                )
            if not store.add_rating(found, level, reason, source, self.clock.now(), by):
                raise InvalidTransition(f"Hồ sơ {found.code} đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần")
            return self._status(store, found)
