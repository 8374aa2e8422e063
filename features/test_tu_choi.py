"""Steps of tu_choi.feature: the specialist's appraisal refuses the dossier with its reasons."""

from pytest_bdd import parsers, scenarios, then, when

from features.support import OFFICERS, moment

scenarios("tu_choi.feature")


@when(parsers.parse('chuyên viên thẩm định lúc {at} kết luận hồ sơ không đủ điều kiện vì "{reasons}"'))
def _(services, clock, dossier, at, reasons):
    clock.set(moment(at))
    [task] = [t for t in services.instances.tasks(code=dossier["code"]) if t.name == "tham_dinh"]
    services.instances.complete(task.task_id, {"appraisal_result": "refuse", "opinion": reasons}, OFFICERS[task.lane])


@then(parsers.parse('phiếu từ chối (Mẫu 03) nêu lý do "{reasons}"'))
def _(services, dossier, reasons):
    [letter] = [e.payload for e in services.instances.history(dossier["code"]) if e.payload.get("form") == "mau_03"]
    assert letter["reasons"] == reasons
