"""Steps of thu_xin_loi.feature: the apology reminder of the X-ray procedure, fired by the timer worker."""

from pytest_bdd import parsers, scenarios, then, when

from features.support import OFFICERS, moment, written

scenarios("thu_xin_loi.feature")

APOLOGY = "Lập phiếu xin lỗi và hẹn lại"
APPROVAL = "Duyệt, ký phiếu xin lỗi"


def _open(services, dossier, title):
    return [t for t in services.instances.tasks(code=dossier["code"]) if t.title == title]


@when(parsers.parse("đến {at} mà chuyên viên vẫn đang thẩm định, bộ xử lý hạn chạy"), target_fixture="passes")
def _(services, clock, at):
    clock.set(moment(at))
    return [services.timers.run_pass("worker-1", 100)]


@when(parsers.parse("đến {at}, bộ xử lý hạn chạy hai lần"), target_fixture="passes")
def _(services, clock, at):
    clock.set(moment(at))
    return [services.timers.run_pass("worker-1", 100), services.timers.run_pass("worker-2", 100)]


@then(parsers.parse('chưa có việc "{title}"'))
def _(services, dossier, passes, title):
    assert [p.fired for p in passes] == [0]
    assert _open(services, dossier, title) == []


@then(parsers.parse('việc "{title}" xuất hiện đúng một lần cho {lane}'))
def _(services, dossier, passes, title, lane):
    assert [p.fired for p in passes] == [1, 0]
    [task] = _open(services, dossier, title)
    assert task.lane == lane
    ready = [e for e in services.instances.history(dossier["code"]) if e.tag == "dossier:task:ready"]
    assert [e.payload["title"] for e in ready].count(title) == 1


@then(parsers.parse('việc "{title}" vẫn tiếp tục'))
def _(services, dossier, title):
    assert len(_open(services, dossier, title)) == 1


@when(parsers.parse('chuyên viên lập phiếu xin lỗi lúc {at} với lý do "{reason}" và hẹn lại {new}'))
def _(services, clock, dossier, at, reason, new):
    clock.set(moment(at))
    [task] = _open(services, dossier, APOLOGY)
    data = {"delay_reason": reason, "new_appointment": moment(new).isoformat()}
    services.instances.complete(task.task_id, data, OFFICERS[task.lane])


@then(parsers.parse('việc "{title}" chờ {lane}'))
def _(services, dossier, title, lane):
    [task] = _open(services, dossier, title)
    assert task.lane == lane


@then(parsers.parse('phiếu xin lỗi (Mẫu 04) nêu lý do "{reason}" và hẹn lại {new}'))
def _(services, dossier, reason, new):
    [letter] = [e.payload for e in services.instances.history(dossier["code"]) if e.payload.get("form") == "apology"]
    assert (letter["reason"], letter["new_appointment"]) == (reason, moment(new).isoformat())


@then(parsers.parse("nếu hệ thống ghi việc dời ngày hẹn thì ngày hẹn mới là {new}, ngày hẹn ban đầu giữ nguyên"))
def _(services, dossier, new):
    """Moving the stored appointment on an approved apology is being added to the engine; checked once it is."""
    moved = [e for e in services.instances.history(dossier["code"]) if e.tag == "dossier:appointment:moved"]
    if not moved:
        return
    view = services.dossiers.get(dossier["code"])
    assert len(moved) == 1
    assert view.appointment == moment(new), written(view.appointment)
    assert view.original_appointment == moment("08:00 Thứ Ba 17/03/2026")
    assert view.extension_count == 1


@when(parsers.parse("lãnh đạo Sở không duyệt phiếu xin lỗi lúc {at}"))
def _(services, clock, dossier, at):
    clock.set(moment(at))
    [task] = _open(services, dossier, APPROVAL)
    services.instances.complete(
        task.task_id, {"approved": False, "comment": "Ngày hẹn mới chưa hợp lý"}, OFFICERS[task.lane]
    )


@when(parsers.parse('chuyên viên đóng việc "{title}" là không cần xin lỗi lúc {at}'))
def _(services, clock, dossier, title, at):
    clock.set(moment(at))
    [task] = _open(services, dossier, title)
    services.instances.complete(task.task_id, {"needed": False}, OFFICERS[task.lane])


@then(parsers.parse('không có việc "{title}" nào'))
def _(services, dossier, title):
    assert _open(services, dossier, title) == []
