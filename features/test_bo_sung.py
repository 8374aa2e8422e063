"""Steps of bo_sung.feature: the specialist asks for a supplement during appraisal, the one-stop section receives it,
and the appointment is counted again by the procedure's supplement policy (restart or pause)."""

from pytest_bdd import parsers, scenarios, then, when

from features.support import OFFICERS, moment, written

scenarios("bo_sung.feature")


def _task(services, dossier, name):
    [task] = [t for t in services.instances.tasks(code=dossier["code"]) if t.name == name]
    return task


def _events(services, dossier, tag):
    return [e.payload for e in services.instances.history(dossier["code"]) if e.tag == tag]


@when(parsers.parse('chuyên viên thẩm định lúc {at} yêu cầu bổ sung "{item}" vì "{reason}"'))
def _(services, clock, dossier, at, item, reason):
    clock.set(moment(at))
    task = _task(services, dossier, "tham_dinh")
    data = {"appraisal_result": "supplement", "missing_items": [{"item": item, "reason": reason}]}
    services.instances.complete(task.task_id, data, OFFICERS[task.lane])


@when(parsers.parse("bộ phận một cửa nhận đủ hồ sơ bổ sung lúc {at}"))
def _(services, clock, dossier, at):
    clock.set(moment(at))
    task = _task(services, dossier, "nhan_bo_sung")
    services.instances.complete(task.task_id, {}, OFFICERS[task.lane])


@then(parsers.parse("hồ sơ đã phải bổ sung {count:d} lần"))
def _(services, dossier, count):
    assert services.dossiers.get(dossier["code"]).supplement_count == count
    assert _events(services, dossier, "dossier:supplement:requested")[-1] == {"count": count}


@then(parsers.parse("ngày hẹn trả kết quả mới là {new}, ngày hẹn ban đầu {original} giữ nguyên"))
def _(services, dossier, new, original):
    view = services.dossiers.get(dossier["code"])
    assert view.appointment == moment(new), written(view.appointment)
    assert view.original_appointment == moment(original), written(view.original_appointment)


@then(parsers.parse("hệ thống ghi việc dời ngày hẹn từ {old} sang {new}, tính lại đủ {days:d} ngày làm việc"))
def _(services, dossier, old, new, days):
    moved = {"from": moment(old).isoformat(), "to": moment(new).isoformat(), "rule": "supplement-restart"}
    assert _events(services, dossier, "dossier:appointment:moved") == [{**moved, "time_limit": f"{days}d"}]


@then(parsers.parse("hệ thống ghi việc dời ngày hẹn từ {old} sang {new}, cộng thêm {hours:d} giờ làm việc chờ bổ sung"))
def _(services, dossier, old, new, hours):
    moved = {"from": moment(old).isoformat(), "to": moment(new).isoformat(), "rule": "supplement-pause"}
    assert _events(services, dossier, "dossier:appointment:moved") == [{**moved, "waited": f"{hours}h"}]


@then("hồ sơ chưa bị tính là trễ hạn")
def _(services, dossier):
    assert not services.dossiers.get(dossier["code"]).late
    assert _events(services, dossier, "dossier:late") == []


@then(parsers.parse("hồ sơ bị tính là trễ hạn vì phải bổ sung {count:d} lần"))
def _(services, dossier, count):
    assert services.dossiers.get(dossier["code"]).late
    assert _events(services, dossier, "dossier:late") == [{"rule": "supplement-count", "supplement_count": count}]
