"""Steps of tra_lai_buoc_truoc.feature: the division head's "Không đồng ý" at the review (`xem_xet`) sends the dossier
back to the specialist's appraisal, the director's "Không ký duyệt" (`ky_duyet`) back to the review; the redone step
is a new task with a deadline of its own. A refusal goes through the task's form (`services.task_forms`), as an
officer's page or API call does, so the form's rule "a refusal needs a comment" is part of the scenario."""

from datetime import datetime

from pytest_bdd import given, parsers, scenarios, then, when

from features.support import OFFICERS, moment, written
from tests.test_architecture import MAIN_PATH_DATA

scenarios("tra_lai_buoc_truoc.feature")

READY, COMPLETED = "dossier:task:ready", "dossier:task:completed"


def _lane(who: str) -> str:
    """'lãnh đạo phòng' -> the lane 'Lãnh đạo phòng'."""
    lane = who[:1].upper() + who[1:]
    assert lane in OFFICERS, who
    return lane


def _open(services, dossier, title):
    return [t for t in services.instances.tasks(code=dossier["code"]) if t.title == title]


def _main_path_task(services, code):
    tasks = [t for t in services.instances.tasks(code=code) if t.properties.get("main_path", "true") != "false"]
    return tasks[0] if tasks else None


def _work_until(services, dossier, title: str | None):
    """The officer of each lane completes the open main-path step with the data of the main path (approved, documents
    complete) until the step called `title` is open, or (None) until no step is left."""
    for _ in range(20):
        task = _main_path_task(services, dossier["code"])
        if task is None or task.title == title:
            assert task is not None or title is None, f'bước "{title}" không xuất hiện'
            return
        services.instances.complete(task.task_id, MAIN_PATH_DATA.get(task.name, {}), OFFICERS[task.lane])
    raise AssertionError("hồ sơ không đi hết các bước sau 20 lần hoàn thành")


@given(parsers.parse('cán bộ các bước đã xử lý hồ sơ đến bước "{title}"'))
@when(parsers.parse('cán bộ các bước xử lý hồ sơ đến bước "{title}"'))
def _(services, dossier, title):
    _work_until(services, dossier, title)


@when("cán bộ các bước xử lý hồ sơ đến hết bước trả kết quả")
def _(services, dossier):
    _work_until(services, dossier, None)


@when(
    parsers.re(
        r'(?P<who>lãnh đạo phòng|lãnh đạo Sở) (?:không đồng ý|không ký duyệt) ở bước "(?P<title>[^"]+)"'
        r'(?: lúc (?P<at>.+?))? với nhận xét "(?P<comment>[^"]+)"'
    )
)
def _(services, clock, dossier, who, title, at, comment):
    if at:
        clock.set(moment(at))
    [task] = _open(services, dossier, title)
    assert task.lane == _lane(who), task.lane
    services.task_forms.complete(task.task_id, {"approved": False, "comment": comment}, OFFICERS[task.lane])


@then(parsers.parse('việc "{title}" trở lại {who} kèm nhận xét "{comment}"'))
def _(services, dossier, title, who, comment):
    """The step is open again for its lane, a step done before, made ready by the refusal: the completion just before
    it in the history carries `approved` False and the comment (which the redone task also has in its data)."""
    [task] = _open(services, dossier, title)
    assert task.lane == _lane(who), task.lane
    history = services.instances.history(dossier["code"])
    [ready] = [e for e in history if e.tag == READY and e.task_id == task.task_id]
    refusal = [e for e in history if e.tag == COMPLETED and e.seq < ready.seq][-1]
    assert refusal.payload["data"] == {"approved": False, "comment": comment}, refusal.payload
    done_before = [e for e in history if e.tag == COMPLETED and e.payload["title"] == title]
    assert done_before, f'bước "{title}" chưa từng được làm: đây không phải một lần trả lại'


@then(parsers.parse('bước "{title}" có hạn mới là {at}'))
def _(services, dossier, title, at):
    ready = [
        e for e in services.instances.history(dossier["code"]) if e.tag == READY and e.payload.get("title") == title
    ]
    assert len(ready) >= 2, [e.payload for e in ready]
    [task] = _open(services, dossier, title)
    assert task.task_id == ready[-1].task_id != ready[-2].task_id  # a new task, not the old one reopened
    assert task.due_at == moment(at), written(task.due_at)
    deadlines = [datetime.fromisoformat(e.payload["due_at"]) for e in ready[-2:]]
    assert deadlines[-1] == task.due_at != deadlines[-2], [written(d) for d in deadlines]
