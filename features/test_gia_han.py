"""Steps of gia_han.feature: the apology letter (Mẫu 04) re-sets the return date once; a second one is refused."""

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import select, update

from engine.domain.errors import ValidationError
from engine.persistence.models import Dossier, Instance, OutboxMessage
from features.support import OFFICERS, moment, written

scenarios("gia_han.feature")

APOLOGY = "Lập phiếu xin lỗi và hẹn lại"
APPROVAL = "Duyệt, ký phiếu xin lỗi"


def _open(services, dossier, title):
    return [t for t in services.instances.tasks(code=dossier["code"]) if t.title == title]


def _outbox(services, dossier, kind):
    with services.db.read() as session:
        return list(
            session.scalars(
                select(OutboxMessage.payload)
                .join(Instance, OutboxMessage.instance_id == Instance.id)
                .where(Instance.code == dossier["code"], OutboxMessage.kind == kind)
                .order_by(OutboxMessage.id)
            )
        )


@given("hồ sơ đã được hẹn lại ngày trả kết quả một lần trước đó")
def _(services, dossier):
    """The shipped procedures reach the apology once per dossier: the earlier extension is set on the row, as it
    would have left it."""
    with services.db.transaction() as session:
        session.execute(update(Dossier).where(Dossier.code == dossier["code"]).values(extension_count=1))


@when(parsers.parse("bộ xử lý hạn chạy lúc {at}"))
def _(services, clock, at):
    clock.set(moment(at))
    assert services.timers.run_pass("worker-1", 100).fired == 1


@then(parsers.parse('chuyên viên thụ lý nhận việc "{title}"'))
def _(services, dossier, title):
    [task] = _open(services, dossier, title)
    assert task.lane == "Chuyên viên thụ lý"


@when(parsers.parse('chuyên viên lập phiếu xin lỗi lúc {at} với lý do "{reason}" và hẹn lại {new}'))
def _(services, clock, dossier, at, reason, new):
    clock.set(moment(at))
    [task] = _open(services, dossier, APOLOGY)
    data = {"delay_reason": reason, "new_appointment": moment(new).isoformat()}
    services.instances.complete(task.task_id, data, OFFICERS[task.lane])


@when(parsers.parse("lãnh đạo Sở ký phiếu xin lỗi lúc {at}"), target_fixture="refusal")
def _(services, clock, dossier, at):
    clock.set(moment(at))
    [task] = _open(services, dossier, APPROVAL)
    dossier["history"] = services.instances.history(dossier["code"])
    with pytest.raises(ValidationError) as refused:
        services.instances.complete(task.task_id, {"approved": True}, OFFICERS[task.lane])
    return refused.value


@then(parsers.parse('hệ thống không cho hẹn lại: "chỉ được hẹn lại một lần"'))
def _(refusal):
    assert "only once" in str(refusal), refusal


@then(parsers.parse("ngày hẹn trả kết quả mới là {new}, ngày hẹn ban đầu {original} giữ nguyên"))
def _(services, dossier, new, original):
    view = services.dossiers.get(dossier["code"])
    assert view.appointment == moment(new), written(view.appointment)
    assert view.original_appointment == moment(original), written(view.original_appointment)


@then(parsers.parse("hồ sơ đã được hẹn lại {count:d} lần"))
def _(services, dossier, count):
    assert services.dossiers.get(dossier["code"]).extension_count == count


@then(parsers.parse("ngày hẹn trả kết quả vẫn là {at}, đã hẹn lại {count:d} lần"))
def _(services, dossier, at, count):
    view = services.dossiers.get(dossier["code"])
    assert view.appointment == view.original_appointment == moment(at), written(view.appointment)
    assert view.extension_count == count


@then(parsers.parse('hệ thống ghi việc dời ngày hẹn từ {old} sang {new} do hẹn lại, lý do "{reason}"'))
def _(services, dossier, old, new, reason):
    moved = [e.payload for e in services.instances.history(dossier["code"]) if e.tag == "dossier:appointment:moved"]
    assert moved == [
        {"from": moment(old).isoformat(), "to": moment(new).isoformat(), "rule": "extension", "reason": reason}
    ]


@then(parsers.parse("bộ phận một cửa được báo ngày hẹn mới {new}"))
def _(services, dossier, new):
    notices = [n for n in _outbox(services, dossier, "notification") if n["event"] == "appointment_moved"]
    expected = [("Bộ phận Một cửa", moment(new).isoformat(), "extension")]
    assert [(n["lane"], n["to"], n["rule"]) for n in notices] == expected


@then(parsers.parse('lịch sử hồ sơ không thay đổi, việc "{title}" vẫn chờ {lane}'))
def _(services, dossier, title, lane):
    assert services.instances.history(dossier["code"]) == dossier["history"]
    [task] = _open(services, dossier, title)
    assert task.lane == lane
