"""A few months of fictional history for a demo installation (`motcua demo-dossiers --months N`), so that the
indicators dashboard and the reports have something to show: dossiers arriving every working day on each channel and
moving through their real workflows at an uneven pace (some late, with apology letters; a few supplementations,
refusals and withdrawals), results returned and rated, a couple of feedback items answered. The online ones come
from the national portal, with its id and, for most of those with a fee, the payment made there; half of them take
their result electronically.

Driven through the services with a clock of its own that walks the days (`FakeClock`): everything is recorded as it
would have been, history and timers included. Seeded, so a given start day gives the same history."""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from engine.domain.clock import VN_TZ, FakeClock
from engine.domain.errors import MotcuaError
from engine.services.dossier_files import Scan
from engine.services.portal_inbound import PORTAL_ACTOR
from engine.services.wiring import Services

ACTORS = {
    "Bộ phận Một cửa": "motcua",
    "Chuyên viên thụ lý": "chuyenvien",
    "Lãnh đạo phòng": "truongphong",
    "Lãnh đạo Sở": "giamdoc",
    "Văn thư": "vanthu",
}
PROCESSES = ("x_quang_y_te", "cong_bo_hop_quy", "dang_ky_ket_qua_nhiem_vu", "dang_ky_to_chuc_khcn")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Hải", "Ngọc Lan", "Hữu Nghĩa")
COMPANIES = ("Công ty TNHH Thiết bị Y tế", "Công ty Cổ phần Cơ khí", "Bệnh viện Đa khoa", "Trung tâm Kỹ thuật")
PDF = b"%PDF-1.4\n% motcua demo scan\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Summary:
    received: int = 0
    returned: int = 0
    rated: int = 0
    feedback: int = 0


class History:
    def __init__(self, services: Services, clock: FakeClock, seed: int):
        self.services, self.clock, self.rng = services, clock, random.Random(seed)
        self.open: dict[str, float] = {}  # dossier code -> its pace (chance of a step a day)
        self.waiting: dict[str, datetime] = {}  # dossier code -> when supplementation was asked
        self.portal_number = 0
        self.summary = Summary()

    def run(self, first: datetime, last: datetime) -> Summary:
        calendar = self.services.calendars.current()
        day = first.astimezone(VN_TZ).date()
        while day <= last.astimezone(VN_TZ).date():
            if calendar.is_working_day(day):
                self._day(day)
            day += timedelta(days=1)
        return self.summary

    def _at(self, day, hour: int, minute: int = 0) -> None:
        self.clock.set(datetime.combine(day, time(hour, minute), VN_TZ))

    def _day(self, day) -> None:
        self._at(day, 7, 40)
        self.services.timers.run_pass("demo", 500)  # apology reminders, late marks
        for number in range(self.rng.choice((1, 1, 2, 2, 3))):
            self._at(day, 8 + 2 * number, self.rng.randrange(0, 50))
            self._receive()
        self._at(day, 15, 30)
        self.services.timers.run_pass("demo", 500)
        for code in list(self.open):
            self._advance(code)
        if self.rng.random() < 0.05:
            self._feedback(day)

    def _receive(self) -> None:
        services, rng = self.services, self.rng
        procedure = services.dossiers.catalogue.by_process(rng.choice(PROCESSES))
        if procedure is None:
            return
        channel = rng.choices((1, 2, 3), weights=(40, 45, 15))[0]
        channel = channel if {1: "counter", 2: "online", 3: "postal"}[channel] in procedure.channels else 1
        delivery = "online" if channel == 2 and rng.random() < 0.5 else "counter"
        person = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        applicant = {
            "type": 1 if rng.random() < 0.4 else 2,
            "name": person if rng.random() < 0.4 else f"{rng.choice(COMPANIES)} {rng.choice(GIVEN).split()[-1]}",
            "id_number": f"{rng.randrange(10**9, 10**10)}",
            "address": f"Số {rng.randrange(1, 200)} đường Hoàng Đình Giong, phường Hợp Giang",
            "phone": f"09{rng.randrange(10**7, 10**8)}",
        }
        documents = [{"name": d.name, "received": True, "digitised": channel == 2} for d in procedure.documents]
        scans = [Scan(d.name, "scan.pdf", PDF, "application/pdf") for d in procedure.documents] if channel == 2 else []
        handover = self.clock.now() - timedelta(hours=1) if channel == 3 else None
        online = {}
        if channel == 2:  # submitted on the national portal: its id, and most fees paid there (issue 12's channel)
            self.portal_number += 1
            online["portal_id"] = f"G22.DEMO-{self.clock.now():%y%m%d}-{self.portal_number:05d}"
            if procedure.fee > 0 and rng.random() < 0.8:
                reference = f"VNPAY-{rng.randrange(10**9, 10**10)}"
                online["payment"] = {"reference": reference, "amount": procedure.fee}
                online["fee_paid"] = True
        view = services.reception.receive(
            procedure.code,
            applicant,
            channel,
            delivery,
            documents,
            PORTAL_ACTOR if channel == 2 else "motcua",
            handover_at=handover,
            scans=scans,
            **online,
        )
        self.open[view.code] = rng.choice((1.0, 0.95, 0.9, 0.85, 0.45))
        self.summary.received += 1

    def _advance(self, code: str) -> None:
        services, rng = self.services, self.rng
        if rng.random() < 0.004:
            try:
                services.dossiers.withdraw(code, "Người nộp đề nghị rút hồ sơ", "motcua")
            except MotcuaError:  # already resolved, waiting at the counter
                pass
            else:
                self.open.pop(code)
                return
        hours = self.services.dossiers.catalogue.get(self.services.dossiers.get(code).procedure_code)
        steps = 8 if hours is not None and hours.time_limit[1] == "wh" else 2  # "within the day" procedures
        for _step in range(steps):  # up to two steps a day (all of them for a procedure of a few hours)
            if not self._step(code):
                break
        if not services.instances.tasks(code=code):
            self._closed(code)

    def _step(self, code: str) -> bool:
        """Complete one of the dossier's open tasks, or none at this dossier's pace; whether one was completed."""
        services, rng = self.services, self.rng
        for task in services.instances.tasks(code=code):
            if task.name == "nhan_bo_sung" and self.clock.now() - self.waiting.get(code, self.clock.now()) < timedelta(
                days=2
            ):
                continue
            if task.name not in ("lap_phieu_xin_loi", "duyet_phieu_xin_loi") and rng.random() > self.open[code]:
                continue
            try:
                services.instances.complete(
                    task.task_id, self._data(code, task.name), ACTORS.get(task.lane or "", "motcua")
                )
            except MotcuaError:
                continue
            return True
        return False

    def _data(self, code: str, name: str) -> dict:
        rng = self.rng
        if name == "tiep_nhan":
            return {"reception_result": "accept", "missing_items": [], "refusal_reasons": []}
        if name == "phan_cong":  # the appraisal goes to the demo specialist's own list
            return {"specialist": ACTORS["Chuyên viên thụ lý"], "note": ""}
        if name == "tham_dinh":
            roll = rng.random()
            if roll < 0.06 and code not in self.waiting:
                self.waiting[code] = self.clock.now()
                missing = [{"item": "Bản sao chứng chỉ nhân viên bức xạ", "reason": "đã hết hạn"}]
                return {"appraisal_result": "supplement", "missing_items": missing}
            if roll < 0.09:
                return {"appraisal_result": "refuse", "opinion": "Hồ sơ không đáp ứng điều kiện theo quy định"}
            return {"appraisal_result": "approve", "opinion": "Hồ sơ đáp ứng đủ điều kiện"}
        if name in ("xem_xet", "ky_duyet", "duyet_phieu_xin_loi"):
            return {"approved": True, "comment": ""}
        if name == "lap_phieu_xin_loi":
            appointment = self.services.dossiers.get(code).appointment
            new = self.services.calendars.current().add(appointment, 3, "wd")
            return {
                "needed": True,
                "delay_reason": "Cần xác minh thêm với cơ quan liên quan",
                "new_appointment": new.isoformat(),
            }
        return {}

    def _closed(self, code: str) -> None:
        self.open.pop(code, None)
        dossier = self.services.dossiers.get(code)
        if dossier.status != 10:
            return
        self.summary.returned += 1
        if self.rng.random() < 0.6:
            level = self.rng.choices(("very_satisfied", "satisfied", "not_satisfied"), weights=(55, 38, 7))[0]
            reason = "Phải đi lại nhiều lần" if level == "not_satisfied" else ""
            self.services.public.rate(code, level, reason, self.rng.choice(("public", "counter")), "motcua")
            self.summary.rated += 1

    def _feedback(self, day) -> None:
        services = self.services
        item = services.feedback.submit(
            "rule",
            "web",
            f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}",
            "nguoidan@example.vn",
            "Đề nghị đơn giản hoá thành phần hồ sơ",
            "Đề nghị không yêu cầu nộp lại giấy tờ đã có trong cơ sở dữ liệu quốc gia.",
        )
        steps = (
            ("phan_loai", {"category": "rule"}, "motcua"),
            ("giao_xu_ly", {"note": "Phòng Quản lý chuyên ngành xem xét, trả lời"}, "truongphong"),
            (
                "tra_loi",
                {"answer": "Sở ghi nhận và đã kiến nghị Bộ Khoa học và Công nghệ sửa đổi quy định."},
                "chuyenvien",
            ),
            ("duyet_tra_loi", {"approved": True}, "giamdoc"),
        )
        for name, data, actor in steps:
            task = next(t for t in services.instances.tasks(code=item.code) if t.name == name)
            services.instances.complete(task.task_id, data, actor)
        self.summary.feedback += 1


def build_history(services: Services, clock: FakeClock, months: int, end: datetime, seed: int = 766) -> Summary:
    """Walk the working days of the `months` months before `end` (services must run on `clock`)."""
    return History(services, clock, seed).run(end - timedelta(days=30 * months), end - timedelta(days=1))
