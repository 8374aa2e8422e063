"""Feedback and petitions (phản ánh, kiến nghị, PAKN) on administrative rules and on the handling of a dossier.

Received from the public page, by e-mail (`motcua feedback receive --channel email`) or from the national portal
(`POST /api/v1/feedback` with a system's token). Each item gets a code (`PAKN-YYMMDD-NNNN`), its deadline in working
days from `processes/pakn/rules.yaml` (which cites its source), and an instance of its own BPMN process
(`processes/phan_anh_kien_nghi.bpmn`: classify, assign, answer, approve, publish; a reminder timer one working day
before the deadline), started in the same unit of work as its row. The officers work its tasks in their task lists.

When the process has ended (approved and published), the answer (the last "tra_loi" step's `answer`) is copied to
the row and the item joins the public list of answers; `publish_answered` does that, and every read of the public
list calls it first, so nothing else needs to watch the workflows.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from engine.domain.clock import VN_TZ, Clock
from engine.domain.errors import TooManyAttempts, ValidationError
from engine.persistence.db import Database
from engine.persistence.feedback import FeedbackRow, FeedbackStore
from engine.persistence.public import PublicStore
from engine.services.calendars import CalendarService
from engine.services.instances import InstanceService

PROCESS = "phan_anh_kien_nghi"
_EMAIL_OR_PHONE = re.compile(r"^([^@\s]+@[^@\s]+\.[^@\s]+|[+\d][\d .()-]{6,20})$")
LIMITS = {"name": 300, "contact": 300, "subject": 500, "content": 8000}


@dataclass(frozen=True)
class FeedbackRules:
    legal_basis: str
    working_days: float
    source: str
    kinds: dict[str, str]
    channels: dict[str, str]


def load_rules(path: Path) -> FeedbackRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    within = data["answer_within"]
    return FeedbackRules(
        str(data["legal_basis"]), float(within["working_days"]), str(within["source"]), data["kinds"], data["channels"]
    )


class FeedbackService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        calendars: CalendarService,
        instances: InstanceService,
        rules_file: Path,
        limit: int,
        window_minutes: int,
    ):
        self.db, self.clock, self.calendars, self.instances = db, clock, calendars, instances
        self.rules = load_rules(rules_file)
        self.limit, self.window_minutes = limit, window_minutes

    def submit(
        self,
        kind: str,
        channel: str,
        name: str,
        contact: str,
        subject: str,
        content: str,
        dossier_code: str = "",
        actor: str = "cong-dan",
        source: str | None = None,
    ) -> FeedbackRow:
        """Register a feedback item and start its process; return it (with its code and deadline). Raises
        ValidationError naming each field at fault (nothing stored), TooManyAttempts when `source` (the public
        page's client address) sent more than the look-up limit in the window."""
        values = {
            k: (v or "").strip() for k, v in dict(name=name, contact=contact, subject=subject, content=content).items()
        }
        problems = {}
        if kind not in self.rules.kinds:
            problems["kind"] = "Chọn loại phản ánh: về quy định hành chính hoặc về việc giải quyết hồ sơ"
        if channel not in self.rules.channels:
            problems["channel"] = f"kênh '{channel}' không có; chọn {', '.join(self.rules.channels)}"
        for field, label in (("name", "họ tên"), ("subject", "tiêu đề"), ("content", "nội dung")):
            if not values[field]:
                problems[field] = f"Cần {label}"
        for field, most in LIMITS.items():
            if len(values[field]) > most:
                problems[field] = f"Dài quá {most} ký tự; viết ngắn lại"
        if not _EMAIL_OR_PHONE.match(values["contact"]):
            problems["contact"] = "Cần một địa chỉ thư điện tử hoặc số điện thoại để Sở trả lời"
        if problems:
            raise ValidationError("Phản ánh, kiến nghị chưa gửi được: " + "; ".join(problems.values()), problems)
        now = self.clock.now()
        calendar = self.calendars.current()
        due = calendar.add(calendar.clock_start(now), self.rules.working_days, "wd")
        with self.db.unit_of_work() as uow:
            if source is not None:
                self._limit(PublicStore(uow), source, now)
            code = uow.dossiers.next_code("PAKN", now.astimezone(VN_TZ).date())
            row = FeedbackRow(
                code,
                kind,
                channel,
                values["name"],
                values["contact"],
                (dossier_code or "").strip()[:100] or None,
                values["subject"],
                values["content"],
                now,
                due,
                "open",
                None,
                None,
            )
            data = {"feedback_code": code, "kind": kind, "subject": row.subject, "due_at": due.isoformat()}
            done = self.instances.start_in(uow, PROCESS, code, data, actor)
            FeedbackStore(uow).insert(row, done.record.head.id)
        return row

    def _limit(self, store: PublicStore, source: str, now: datetime) -> None:
        window = timedelta(minutes=self.window_minutes)
        key = f"pakn:{source}"[:100]
        if store.attempts_since(key, now - window) >= self.limit:
            raise TooManyAttempts(
                f"Bạn đã gửi {self.limit} phản ánh trong {self.window_minutes} phút; vui lòng thử lại sau.",
                int(window.total_seconds()),
            )
        store.record_attempt(key, now, True)

    def publish_answered(self) -> int:
        """Copy the answers of the items whose process has ended to their rows; return how many were published."""
        with self.db.reading() as uow:  # most views find nothing to publish: no write transaction for them
            if not FeedbackStore(uow).ended_unpublished():
                return 0
        with self.db.unit_of_work() as uow:
            store = FeedbackStore(uow)
            ended = store.ended_unpublished()
            for code, instance_id, at in ended:
                store.publish(code, store.answer_of(instance_id), at)
        return len(ended)

    def published(self, limit: int = 50, offset: int = 0) -> list[FeedbackRow]:
        """The public list of answered items, latest first."""
        self.publish_answered()
        with self.db.reading() as uow:
            return FeedbackStore(uow).rows(published=True, limit=limit, offset=offset)

    def all(self, limit: int = 200) -> list[FeedbackRow]:
        """Every item, latest first (for officers)."""
        self.publish_answered()
        with self.db.reading() as uow:
            return FeedbackStore(uow).rows(published=False, limit=limit)
