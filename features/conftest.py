"""Steps shared by the dossier features: a fresh one-stop section (its own SQLite database, a fake clock, the shipped
procedures deployed) and the officers' wording for receiving a dossier, moving time on, and what they then see.

Steps only translate wording into calls of the engine's services (`web.create_app(...).extensions["motcua"]`).
"""

from datetime import datetime

import pytest
from pytest_bdd import given, parsers, then, when

from engine.domain.clock import VN_TZ, FakeClock
from engine.domain.timeliness import dossier_timeliness
from engine.services.deploy import read_files
from features.support import AGENCY, APPLICANT, KNOWN_DEFECTS, OFFICERS, PROCESSES, PROCESSING_END, moment, written
from tests.test_architecture import MAIN_PATH_DATA
from web import create_app


def pytest_configure(config):
    for tag in KNOWN_DEFECTS:
        config.addinivalue_line("markers", f"{tag}: known engine defect, expected to fail")


def pytest_collection_modifyitems(items):
    for item in items:
        for tag, reason in KNOWN_DEFECTS.items():
            if item.get_closest_marker(tag):
                item.add_marker(pytest.mark.xfail(strict=True, reason=reason))


# --- the one-stop section ------------------------------------------------------------------------------------------
@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ))


class RecordingSender:
    """Keeps what the outbox would send to applicants and officers."""

    def __init__(self):
        self.sent: list[tuple[str, dict, str]] = []

    def send(self, kind, payload, idempotency_key):
        self.sent.append((kind, payload, idempotency_key))


@pytest.fixture
def services(tmp_path, clock):
    app = create_app(
        {"database_url": f"sqlite:///{tmp_path / 'motcua.db'}", "secret_key": "x", "agency_code": AGENCY},
        clock=clock,
        sender=RecordingSender(),
    )
    services = app.extensions["motcua"]
    services.migrate()
    yield services
    services.close()


@pytest.fixture
def dossier():
    """The dossier a scenario talks about: {"code": ...} once received."""
    return {}


def procedure_code(services, text: str) -> str:
    code = text.strip()
    assert services.dossiers.catalogue.get(code), f"no procedure {code} in processes/catalogue.yaml"
    return code


def receive(services, code: str, channel: int = 1, handover_at: datetime | None = None):
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(code).documents]
    delivery = "post" if channel == 3 else "counter"
    return services.reception.receive(code, APPLICANT, channel, delivery, documents, "motcua1", handover_at=handover_at)


def letters(services, code: str) -> list[dict]:
    return [e.payload for e in services.instances.history(code) if e.tag == "dossier:letter:queued"]


def complete(services, code: str, title: str, data: dict):
    """The officer of its lane completes the open task called `title`; return that task."""
    [task] = [t for t in services.instances.tasks(code=code) if t.title == title]
    services.instances.complete(task.task_id, data, OFFICERS[task.lane])
    return task


def processing_end(services, code: str) -> datetime | None:
    """When processing ended: first report of status 9, 10, 8 or 3. If the dossier record stores it, both agree."""
    reported = [
        e.at
        for e in services.instances.history(code)
        if e.tag == "dossier:status:changed" and e.payload["status"] in PROCESSING_END
    ]
    end = reported[0] if reported else None
    stored = services.dossiers.get(code).processing_end_at
    if stored is not None:
        assert stored == end, f"the dossier stores processing end {written(stored)}, its history says {end}"
    return end


# --- steps ---------------------------------------------------------------------------------------------------------
@given("các quy trình nội bộ của danh mục thủ tục đã được triển khai")
def _(services):
    services.deploy.deploy(read_files([PROCESSES]), "thietke")


@given(parsers.parse("bộ phận một cửa tiếp nhận hồ sơ thủ tục {code} tại quầy lúc {at}"))
@when(parsers.parse("bộ phận một cửa tiếp nhận hồ sơ thủ tục {code} tại quầy lúc {at}"))
def _(services, clock, dossier, code, at):
    clock.set(moment(at))
    dossier["code"] = receive(services, procedure_code(services, code)).code


@given(
    parsers.re(
        r"bộ phận một cửa tiếp nhận hồ sơ thủ tục (?P<code>\S+) "
        r"(?P<channel>nộp trực tuyến|qua bưu chính) lúc (?P<at>.+)"
    )
)
def _(services, clock, dossier, code, channel, at):
    """An online dossier, or a postal one whose handover record is signed at `at`; the result is collected at the
    counter. Unlike a counter dossier, its workflow starts with the reception check ("Tiếp nhận, kiểm tra hồ sơ")."""
    clock.set(moment(at))
    code = procedure_code(services, code)
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(code).documents]
    number, handover_at = (2, None) if channel == "nộp trực tuyến" else (3, moment(at))
    view = services.reception.receive(code, APPLICANT, number, "counter", documents, "motcua1", handover_at=handover_at)
    dossier["code"] = view.code


@when(parsers.parse("đến {at}"))
def _(clock, at):
    clock.set(moment(at))


@then(parsers.parse("thời hạn giải quyết bắt đầu tính từ {at}"))
def _(services, dossier, at):
    view = services.dossiers.get(dossier["code"])
    assert view.clock_start == moment(at), written(view.clock_start)


@then(parsers.parse("ngày hẹn trả kết quả là {at}"))
def _(services, dossier, at):
    view = services.dossiers.get(dossier["code"])
    assert view.appointment == view.original_appointment == moment(at), written(view.appointment)


@then(parsers.parse("giấy tiếp nhận và hẹn trả kết quả (Mẫu 01) ghi hẹn trả {at}"))
def _(services, dossier, at):
    [receipt] = [letter for letter in letters(services, dossier["code"]) if letter["form"] == "receipt"]
    assert receipt["appointment"] == moment(at).isoformat(), receipt


@then(parsers.parse("giấy tiếp nhận và hẹn trả kết quả (Mẫu 01) được cấp lúc {at}, ghi hẹn trả {appointment}"))
def _(services, dossier, at, appointment):
    [receipt] = [
        e
        for e in services.instances.history(dossier["code"])
        if e.tag == "dossier:letter:queued" and e.payload["form"] == "receipt"
    ]
    assert receipt.at == moment(at), written(receipt.at)
    assert receipt.payload["appointment"] == moment(appointment).isoformat(), receipt.payload


@then(parsers.parse('hồ sơ có trạng thái {status:d} "{label}"'))
def _(services, dossier, status, label):
    view = services.dossiers.get(dossier["code"])
    assert (view.status, view.status_label) == (status, label)


LETTERS_BY_NAME = {
    "văn bản từ chối giải quyết": "appraisal_refusal",
    "thông báo dừng giải quyết": "stop_notice",
}


def letter_meaning(services, code: str, name: str) -> str:
    """ "Mẫu 04" (the number in the dossier's form set) or a letter's name -> the letter's meaning ("apology")."""
    if name.startswith("Mẫu "):
        return services.documents.form_of(code, f"mau_{name.removeprefix('Mẫu ')}").meaning
    return LETTERS_BY_NAME[name]


@then(parsers.parse("các phiếu đã gửi cho người nộp là {forms}"))
def _(services, dossier, forms):
    expected = [letter_meaning(services, dossier["code"], name.strip()) for name in forms.split(",")]
    assert [letter["form"] for letter in letters(services, dossier["code"])] == expected


@then("hồ sơ được giải quyết đúng hạn")
def _(services, dossier):
    view = services.dossiers.get(dossier["code"])
    end = processing_end(services, dossier["code"])
    assert end is not None, "processing has not ended"
    verdict = dossier_timeliness(end, view.appointment, view.supplement_count)
    assert verdict in ("early", "on_time"), f"xử lý xong {written(end)}, hẹn trả {written(view.appointment)}: {verdict}"


@then("không còn việc nào của hồ sơ đang chờ xử lý")
def _(services, dossier):
    open_tasks = [(t.title, t.lane) for t in services.instances.tasks(code=dossier["code"])]
    assert open_tasks == []
    assert services.instances.get(dossier["code"]).status == "completed"


@given(parsers.parse('{who} đã hoàn thành bước "{title}" lúc {at}'))
@when(parsers.parse('{who} hoàn thành bước "{title}" lúc {at}'))
def _(services, clock, dossier, who, title, at):
    """The officer of the step's lane completes it with the data of the main path (documents complete, approved)."""
    clock.set(moment(at))
    task = complete(services, dossier["code"], title, MAIN_PATH_DATA.get(_task_name(services, dossier, title), {}))
    assert task.due_at is None or task.due_at >= clock.now(), f"{title}: hạn của bước là {written(task.due_at)}"


def _task_name(services, dossier, title) -> str:
    [name] = [t.name for t in services.instances.tasks(code=dossier["code"]) if t.title == title]
    return name
