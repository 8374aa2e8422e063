"""The dossier's dates after reception, driven through the shipped procedures (processes/) on SQLite and PostgreSQL:
extension by apology letter (once, later only), late marking by the timer at the appointment and at the processing
end, supplementation during appraisal (count; "restart" and "pause" policies), withdrawal (7) and stop (8)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from engine.domain.clock import VN_TZ
from engine.domain.errors import InvalidTransition, ScriptError, ValidationError
from engine.persistence.models import Dossier, Instance, OutboxMessage
from tests.conftest import deploy_shipped
from tests.test_architecture import MAIN_PATH_DATA

AGENCY = "H15.50.05.13"
X_RAY = "1.004454.000.00.00.H56"  # 11 working days, supplement_policy: restart
HOP_QUY = "1.000047.000.00.00.H56"  # Đăng ký công bố hợp quy: 5 working days, supplement_policy: pause
APPLICANT = {
    "type": 2,
    "name": "Bệnh viện Đa khoa Thử nghiệm",
    "id_number": "4800123456",
    "address": "Số 1 đường Thử, phường Hợp Giang, tỉnh Cao Bằng",
    "phone": "0206 3852 123",
}
REASON = "Chờ kết quả kiểm xạ bổ sung của đơn vị dịch vụ"
MISSING = [{"item": "Kết quả kiểm xạ khu vực đặt thiết bị", "reason": "đã hết hạn"}]


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


def receive(services, procedure_code: str = X_RAY) -> str:
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(procedure_code).documents]
    view = services.reception.receive(procedure_code, APPLICANT, 1, "counter", documents, "motcua1")
    return view.code


def complete(services, code: str, name: str, data: dict | None = None, actor: str = "canbo") -> None:
    tasks = [t for t in services.instances.tasks(code=code) if t.name == name]
    assert len(tasks) == 1, (name, [t.name for t in services.instances.tasks(code=code)])
    services.instances.complete(tasks[0].task_id, MAIN_PATH_DATA.get(name, {}) if data is None else data, actor)


def finish(services, code: str, first: str = "tham_dinh") -> None:
    """Complete the main path from `first` to the return of the result (apology tasks, if any, stay open)."""
    names = ["tham_dinh", "xem_xet", "ky_duyet", "ban_hanh", "tra_ket_qua"]
    for name in names[names.index(first) :]:
        complete(services, code, name)


def events(services, code: str, tag: str) -> list[dict]:
    return [e.payload for e in services.instances.history(code) if e.tag == tag]


def outbox(services, code: str, kind: str) -> list[dict]:
    with services.db.read() as session:
        return list(
            session.scalars(
                select(OutboxMessage.payload)
                .join(Instance, OutboxMessage.instance_id == Instance.id)
                .where(Instance.code == code, OutboxMessage.kind == kind)
                .order_by(OutboxMessage.id)
            )
        )


def to_apology(services, clock, code: str) -> datetime:
    """Assignment (a counter dossier has no reception task: it was checked before it was registered), then the apology
    timer one working day before the appointment; returns the appointment."""
    complete(services, code, "phan_cong")
    appointment = services.dossiers.get(code).appointment
    clock.set(services.calendars.current().add(appointment, 1, "wd", before=True) + timedelta(hours=1))
    assert services.timers.run_pass("t", 100).fired == 1
    return appointment


# --- 1. extension by apology letter -------------------------------------------------------------------------------
def test_the_approved_apology_letter_moves_the_appointment_once_and_tells_the_one_stop_section(services, clock):
    code = receive(services)
    appointment = to_apology(services, clock, code)
    assert appointment == vn(2026, 3, 17, 8, 0)  # Monday 2 March 08:00 + 11 working days
    new = vn(2026, 3, 20, 8, 0)

    complete(services, code, "lap_phieu_xin_loi", {"delay_reason": REASON, "new_appointment": new.isoformat()})
    complete(services, code, "duyet_phieu_xin_loi", {"approved": True}, actor="giamdoc")

    dossier = services.dossiers.get(code)
    assert (dossier.appointment, dossier.original_appointment, dossier.extension_count) == (new, appointment, 1)
    moved = {"from": appointment.isoformat(), "to": new.isoformat(), "rule": "extension", "reason": REASON}
    assert events(services, code, "dossier:appointment:moved") == [moved]
    assert [n for n in outbox(services, code, "notification") if n["event"] == "appointment_moved"] == [
        {"code": code, "event": "appointment_moved", "lane": "Bộ phận Một cửa", **moved}
    ]
    assert [letter["form"] for letter in events(services, code, "dossier:letter:queued")] == ["receipt", "apology"]
    assert services.instances.verify(code).intact


@pytest.mark.parametrize(
    "new_appointment",
    [
        pytest.param(lambda appointment: appointment, id="the-same-date"),
        pytest.param(lambda appointment: appointment - timedelta(days=1), id="an-earlier-date"),
    ],
)
def test_an_extension_to_a_date_not_later_than_the_appointment_fails_and_changes_nothing(
    services, clock, new_appointment
):
    code = receive(services)
    appointment = to_apology(services, clock, code)
    data = {"delay_reason": REASON, "new_appointment": new_appointment(appointment).isoformat()}
    complete(services, code, "lap_phieu_xin_loi", data)
    before = services.instances.history(code)

    with pytest.raises(ValidationError, match="must be later than its appointment"):
        complete(services, code, "duyet_phieu_xin_loi", {"approved": True}, actor="giamdoc")

    dossier = services.dossiers.get(code)
    assert (dossier.appointment, dossier.extension_count) == (appointment, 0)
    assert services.instances.history(code) == before
    assert "duyet_phieu_xin_loi" in {t.name for t in services.instances.tasks(code=code)}


def test_a_second_extension_is_refused_and_changes_nothing(services, clock):
    """The return date may be re-set only once (ND 61/2018 Điều 19 k9). The shipped procedures reach the apology once
    per dossier, so the first extension is recorded on the row here, as a previous one would have left it."""
    code = receive(services)
    appointment = to_apology(services, clock, code)
    with services.db.transaction() as session:
        session.execute(update(Dossier).where(Dossier.code == code).values(extension_count=1))
    new = (appointment + timedelta(days=3)).isoformat()
    complete(services, code, "lap_phieu_xin_loi", {"delay_reason": REASON, "new_appointment": new})
    before = services.instances.history(code)

    with pytest.raises(ValidationError, match="only once"):
        complete(services, code, "duyet_phieu_xin_loi", {"approved": True}, actor="giamdoc")

    dossier = services.dossiers.get(code)
    assert (dossier.appointment, dossier.extension_count) == (appointment, 1)
    assert services.instances.history(code) == before
    assert [letter["form"] for letter in outbox(services, code, "letter")] == ["receipt"]


def test_an_extension_without_a_time_zone_is_a_script_error(services, clock):
    code = receive(services)
    to_apology(services, clock, code)
    complete(services, code, "lap_phieu_xin_loi", {"delay_reason": REASON, "new_appointment": "2026-03-20T08:00"})

    with pytest.raises(ScriptError, match="time zone"):
        complete(services, code, "duyet_phieu_xin_loi", {"approved": True}, actor="giamdoc")
    assert services.dossiers.get(code).extension_count == 0


# --- 2. late marking ------------------------------------------------------------------------------------------------
def test_a_dossier_still_open_at_its_appointment_is_marked_late_once(services, clock):
    code = receive(services)
    complete(services, code, "phan_cong")
    appointment = services.dossiers.get(code).appointment

    clock.set(appointment - timedelta(minutes=1))
    services.timers.run_pass("t", 100)  # the apology reminder only
    assert not services.dossiers.get(code).late
    clock.set(appointment + timedelta(hours=1))
    assert services.timers.run_pass("t", 100).fired == 1
    assert services.timers.run_pass("t", 100).fired == 0

    assert services.dossiers.get(code).late
    assert events(services, code, "dossier:late") == [{"rule": "appointment", "appointment": appointment.isoformat()}]
    assert [n["event"] for n in outbox(services, code, "notification")].count("dossier_late") == 1

    finish(services, code)
    dossier = services.dossiers.get(code)
    assert (dossier.status, dossier.late) == (10, True)
    assert dossier.processing_end_at == dossier.returned_at == clock.now()
    assert len(events(services, code, "dossier:late")) == 1  # not again at the processing end


def test_a_dossier_resolved_before_its_appointment_is_not_late_and_its_processing_end_is_set(services, clock):
    code = receive(services)
    complete(services, code, "phan_cong")
    finish(services, code, "tham_dinh")

    dossier = services.dossiers.get(code)
    assert (dossier.status, dossier.late, dossier.processing_end_at) == (10, False, clock.now())
    assert [name for name, _due, state in services.instances.timers(code) if state == "waiting"] == []
    assert events(services, code, "dossier:late") == []


def test_an_extended_dossier_is_late_at_its_appointment_before_the_extension(services, clock):
    code = receive(services)
    appointment = to_apology(services, clock, code)
    new = appointment + timedelta(days=3)
    complete(services, code, "lap_phieu_xin_loi", {"delay_reason": REASON, "new_appointment": new.isoformat()})
    complete(services, code, "duyet_phieu_xin_loi", {"approved": True}, actor="giamdoc")

    clock.set(appointment + timedelta(minutes=5))
    assert services.timers.run_pass("t", 100).fired == 1

    assert services.dossiers.get(code).late
    assert events(services, code, "dossier:late") == [{"rule": "appointment", "appointment": appointment.isoformat()}]


def test_a_refusal_after_appraisal_sets_the_processing_end(services, clock):
    code = receive(services)
    complete(services, code, "phan_cong")
    clock.advance(hours=2)
    complete(services, code, "tham_dinh", {"appraisal_result": "refuse", "opinion": "Phòng chụp không đạt"})

    dossier = services.dossiers.get(code)
    assert (dossier.status, dossier.processing_end_at, dossier.late) == (3, clock.now(), False)


# --- 3. supplementation during appraisal --------------------------------------------------------------------------
def test_restart_policy_counts_the_time_limit_again_from_the_complete_dossier(services, clock):
    code = receive(services)  # X-ray: restart
    complete(services, code, "phan_cong")
    clock.set(vn(2026, 3, 4, 10, 0))
    complete(services, code, "tham_dinh", {"appraisal_result": "supplement", "missing_items": MISSING})
    dossier = services.dossiers.get(code)
    assert (dossier.status, dossier.supplement_count, dossier.appointment) == (5, 1, vn(2026, 3, 17, 8, 0))

    clock.set(vn(2026, 3, 9, 9, 0))  # Monday
    complete(services, code, "nhan_bo_sung", {})

    dossier = services.dossiers.get(code)
    new = vn(2026, 3, 24, 9, 0)  # 11 working days from Monday 9 March 09:00
    assert services.calendars.current().add(clock.now(), 11, "wd") == new
    assert (dossier.status, dossier.appointment, dossier.original_appointment) == (4, new, vn(2026, 3, 17, 8, 0))
    assert events(services, code, "dossier:supplement:requested") == [{"count": 1}]
    assert events(services, code, "dossier:appointment:moved") == [
        {
            "from": vn(2026, 3, 17, 8, 0).isoformat(),
            "to": new.isoformat(),
            "rule": "supplement-restart",
            "time_limit": "11d",
        }
    ]
    assert [n["rule"] for n in outbox(services, code, "notification") if n["event"] == "appointment_moved"] == [
        "supplement-restart"
    ]

    # A second request counts the dossier as late in the national indicators.
    complete(services, code, "tham_dinh", {"appraisal_result": "supplement", "missing_items": MISSING})
    dossier = services.dossiers.get(code)
    assert (dossier.supplement_count, dossier.late) == (2, True)
    assert events(services, code, "dossier:late") == [{"rule": "supplement-count", "supplement_count": 2}]


def utc(*parts) -> str:
    """The ISO form history uses for a timer's due moment (UTC) of a Vietnam-time moment."""
    return vn(*parts).astimezone(UTC).isoformat()


def test_pause_policy_moves_the_appointment_by_the_office_time_spent_waiting(services, clock):
    code = receive(services, HOP_QUY)  # 5 working days, pause
    assert services.dossiers.get(code).appointment == vn(2026, 3, 9, 8, 0)
    complete(services, code, "phan_cong")
    clock.set(vn(2026, 3, 3, 10, 0))
    complete(services, code, "tham_dinh", {"appraisal_result": "supplement", "missing_items": MISSING})
    clock.set(vn(2026, 3, 5, 10, 0))  # two working days (16 office hours) later
    complete(services, code, "nhan_bo_sung", {})

    dossier = services.dossiers.get(code)
    assert dossier.appointment == vn(2026, 3, 11, 8, 0)
    assert events(services, code, "dossier:appointment:moved") == [
        {
            "from": vn(2026, 3, 9, 8, 0).isoformat(),
            "to": vn(2026, 3, 11, 8, 0).isoformat(),
            "rule": "supplement-pause",
            "waited": "16h",
        }
    ]

    # The timers counted from the appointment follow it: the apology reminder (a working day before) and the late
    # timer (at the appointment) wait for the new date; nothing fires at the old one.
    waiting = {name: due for name, due, state in services.instances.timers(code) if state == "waiting"}
    assert waiting == {"nhac_xin_loi": vn(2026, 3, 10, 8, 0), "qua_han": vn(2026, 3, 11, 8, 0)}
    assert sorted(
        (e["timer"], e["from"], e["due_at"]) for e in events(services, code, "instance:timer:rescheduled")
    ) == [
        ("nhac_xin_loi", utc(2026, 3, 6, 8, 0), utc(2026, 3, 10, 8, 0)),
        ("qua_han", utc(2026, 3, 9, 8, 0), utc(2026, 3, 11, 8, 0)),
    ]
    clock.set(vn(2026, 3, 9, 9, 0))
    assert services.timers.run_pass("t", 100).fired == 0
    assert not services.dossiers.get(code).late
    # Still open at the moved appointment: late, by the timer.
    clock.set(vn(2026, 3, 11, 8, 0))
    services.timers.run_pass("t", 100)
    assert {name for name, _due, state in services.instances.timers(code) if state == "fired"} == {
        "nhac_xin_loi",
        "qua_han",
    }
    assert services.dossiers.get(code).late
    assert events(services, code, "dossier:late") == [
        {"rule": "appointment", "appointment": vn(2026, 3, 11, 8, 0).isoformat()}
    ]


def test_a_dossier_waiting_for_its_supplement_is_not_marked_late_by_the_timer(services, clock):
    code = receive(services, HOP_QUY)
    complete(services, code, "phan_cong")
    complete(services, code, "tham_dinh", {"appraisal_result": "supplement", "missing_items": MISSING})

    clock.set(vn(2026, 3, 9, 9, 0))  # past the appointment, the supplement still awaited
    services.timers.run_pass("t", 100)

    assert "qua_han" in [name for name, _due, state in services.instances.timers(code) if state == "fired"]
    dossier = services.dossiers.get(code)
    assert (dossier.status, dossier.late) == (5, False)
    assert events(services, code, "dossier:late") == []


# --- 4. withdrawal and stop ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("action", "status", "tag"), [("withdraw", 7, "dossier:withdrawn"), ("stop", 8, "dossier:stopped")]
)
def test_withdrawal_and_stop_cancel_the_workflow_with_their_reason(services, clock, action, status, tag):
    code = receive(services)
    clock.advance(hours=1)
    with pytest.raises(ValidationError):
        getattr(services.dossiers, action)(code, "  ", "motcua1")
    assert services.instances.get(code).status == "running"

    reason = "Tổ chức đề nghị rút hồ sơ để bổ sung thiết bị"
    view = getattr(services.dossiers, action)(code, reason, "motcua1")

    assert (view.status, view.processing_end_at, view.tasks) == (status, clock.now(), ())
    assert services.instances.get(code).status == "cancelled"
    assert [name for name, _due, state in services.instances.timers(code) if state == "waiting"] == []
    assert events(services, code, "instance:cancelled") == [{"reason": reason}]
    assert events(services, code, tag) == [{"reason": reason}]
    assert events(services, code, "dossier:status:changed")[-1]["status"] == status
    assert outbox(services, code, "portal_status")[-1]["status"] == status
    assert services.instances.verify(code).intact

    with pytest.raises(InvalidTransition):
        getattr(services.dossiers, action)(code, reason, "motcua1")


def test_a_dossier_already_resolved_cannot_be_withdrawn_or_stopped(services):
    code = receive(services)
    complete(services, code, "phan_cong")
    finish(services, code)

    for action in (services.dossiers.withdraw, services.dossiers.stop):
        with pytest.raises(InvalidTransition, match="không còn trong quá trình giải quyết"):
            action(code, "Lý do", "motcua1")
    assert services.dossiers.get(code).status == 10
