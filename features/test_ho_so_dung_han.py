"""Steps of ho_so_dung_han.feature: the officers of each lane complete the main path of a dossier, each step after
using a given part of its allotment, with the timer worker running as the clock moves (as it does in production).
When the apology reminder comes while the steps are within their allotments, the specialist closes it as not needed
(`needed` False: no Mẫu 04, the appointment stays)."""

from datetime import timedelta

from pytest_bdd import given, parsers, scenarios, then, when

from engine.bpmn.allotments import main_path_allotment
from engine.bpmn.parsing import parse_files
from engine.services.deploy import read_files
from features.support import OFFICERS, PROCESSES, written
from tests.test_architecture import MAIN_PATH_DATA

scenarios("ho_so_dung_han.feature")

_MARGIN = 10 / 60  # "gần hết": ten working minutes before the step's deadline
APOLOGY = "Lập phiếu xin lỗi và hẹn lại"


def _main_path_task(services, code):
    tasks = [t for t in services.instances.tasks(code=code) if t.properties.get("main_path", "true") != "false"]
    return tasks[0] if tasks else None


@when(
    parsers.parse(
        "cán bộ của từng bước hoàn thành bước đó sau khi dùng {part} thời gian được giao, đến hết bước trả kết quả"
    )
)
def _(services, clock, dossier, part):
    closed = dossier.setdefault("apology_closed", [])
    calendar = services.calendars.current()
    done = []
    while (task := _main_path_task(services, dossier["code"])) is not None:
        assert len(done) < 20, done
        if part == "một nửa":
            used = calendar.working_time_between(task.ready_at, task.due_at) / timedelta(hours=1) / 2
            at = calendar.add(task.ready_at, used, "wh")
        else:
            assert part == "gần hết", part
            at = calendar.add(task.due_at, _MARGIN, "wh", before=True)
        assert task.ready_at <= at <= task.due_at, (task.title, written(at), written(task.due_at))
        clock.set(at)
        services.timers.run_pass("worker", 100)
        if dossier.get("close_apology"):
            for apology in [t for t in services.instances.tasks(code=dossier["code"]) if t.title == APOLOGY]:
                services.instances.complete(apology.task_id, {"needed": False}, OFFICERS[apology.lane])
                closed.append(apology.task_id)
        services.instances.complete(task.task_id, MAIN_PATH_DATA.get(task.name, {}), OFFICERS[task.lane])
        done.append(task.name)
    # The whole main path, from the reception check to the return of the result; a dossier received at the counter
    # was checked there before it was registered, so its workflow starts after the reception check.
    view = services.dossiers.get(dossier["code"])
    process = parse_files(read_files([PROCESSES]))[services.dossiers.catalogue.get(view.procedure_code).process]
    main_path = [t.split("/")[-1] for t, _, _ in main_path_allotment(process.spec, process.subprocess_specs)]
    assert (main_path[0], main_path[-1]) == ("tiep_nhan", "tra_ket_qua"), main_path
    assert done == (main_path[1:] if view.channel == 1 else main_path), done


@given(
    parsers.parse('chuyên viên thụ lý đóng việc "{title}" là không cần xin lỗi ngay khi nhận, vì hồ sơ vẫn trong hạn')
)
def _(dossier, title):
    assert title == APOLOGY, title
    dossier["close_apology"] = True


@then(parsers.parse("việc nhắc lập phiếu xin lỗi {outcome}"))
def _(services, dossier, outcome):
    ready = [
        e
        for e in services.instances.history(dossier["code"])
        if e.tag == "dossier:task:ready" and e.payload.get("title") == APOLOGY
    ]
    if outcome == "không xuất hiện":
        assert ready == [] and dossier["apology_closed"] == []
    else:
        assert outcome == "đã được đóng là không cần", outcome
        assert len(ready) == 1 and len(dossier["apology_closed"]) == 1, (ready, dossier["apology_closed"])
