"""Steps of rut_ho_so.feature: the applicant withdraws the dossier (status 7), the Department stops it (status 8);
a dossier no longer being processed cannot be withdrawn."""

import io
import re

import pypdf
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import select

from engine.domain.errors import InvalidTransition, ValidationError
from engine.persistence.models import Instance, OutboxMessage
from features.support import APPLICANT, OFFICERS, moment, written
from tests.test_architecture import MAIN_PATH_DATA

scenarios("rut_ho_so.feature")

MAIN_PATH = ["phan_cong", "tham_dinh", "xem_xet", "ky_duyet", "ban_hanh", "tra_ket_qua"]


def _events(services, dossier, tag):
    return [e.payload for e in services.instances.history(dossier["code"]) if e.tag == tag]


def _attempt(action, *args):
    """Call the service; the refusal, if any, is what the scenario then looks at."""
    try:
        action(*args)
    except (InvalidTransition, ValidationError) as refused:
        return refused
    return None


@given(parsers.parse("hồ sơ đã được giải quyết và trả kết quả lúc {at}"))
def _(services, clock, dossier, at):
    clock.set(moment(at))
    for name in MAIN_PATH:
        [task] = [t for t in services.instances.tasks(code=dossier["code"]) if t.name == name]
        services.instances.complete(task.task_id, MAIN_PATH_DATA.get(name, {}), OFFICERS[task.lane])


@when(parsers.parse('người nộp đề nghị rút hồ sơ lúc {at} với lý do "{reason}"'), target_fixture="refusal")
def _(services, clock, dossier, at, reason):
    clock.set(moment(at))
    return _attempt(services.dossiers.withdraw, dossier["code"], reason, OFFICERS["Bộ phận Một cửa"])


@when(parsers.parse("người nộp đề nghị rút hồ sơ lúc {at} mà không ghi lý do"), target_fixture="refusal")
def _(services, clock, dossier, at):
    clock.set(moment(at))
    return _attempt(services.dossiers.withdraw, dossier["code"], "  ", OFFICERS["Bộ phận Một cửa"])


@when(parsers.parse('Sở dừng xử lý hồ sơ lúc {at} với lý do "{reason}"'), target_fixture="refusal")
def _(services, clock, dossier, at, reason):
    clock.set(moment(at))
    return _attempt(services.dossiers.stop, dossier["code"], reason, OFFICERS["Lãnh đạo Sở"])


@then(parsers.parse('hệ thống không cho rút: "{message}"'))
def _(refusal, message):
    assert refusal is not None, "hồ sơ đã được rút"
    assert message in str(refusal), refusal


@then(parsers.parse("hồ sơ kết thúc xử lý lúc {at}"))
def _(services, dossier, refusal, at):
    assert refusal is None, refusal
    view = services.dossiers.get(dossier["code"])
    assert view.processing_end_at == moment(at), view.processing_end_at and written(view.processing_end_at)
    [changed] = [e for e in services.instances.history(dossier["code"]) if e.tag == "dossier:status:changed"][-1:]
    assert (changed.payload["status"], changed.at) == (view.status, moment(at))


@then(parsers.parse('lịch sử hồ sơ ghi việc {what} với lý do "{reason}"'))
def _(services, dossier, what, reason):
    tag = {"rút hồ sơ": "dossier:withdrawn", "dừng xử lý": "dossier:stopped"}[what]
    assert _events(services, dossier, tag) == [{"reason": reason}]
    assert _events(services, dossier, "instance:cancelled") == [{"reason": reason}]


@then("quy trình của hồ sơ đã hủy, không còn việc hay hạn nào chờ xử lý")
def _(services, dossier):
    code = dossier["code"]
    assert services.instances.get(code).status == "cancelled"
    assert services.dossiers.get(code).tasks == ()
    assert [name for name, _due, state in services.instances.timers(code) if state == "waiting"] == []
    assert services.audit.verify(code).intact
    assert services.replay.replay(code).verified, services.replay.replay(code)


@then(parsers.parse("cổng dịch vụ công được báo trạng thái {status:d}"))
def _(services, dossier, status):
    with services.db.read() as session:
        portal = list(
            session.scalars(
                select(OutboxMessage.payload)
                .join(Instance, OutboxMessage.instance_id == Instance.id)
                .where(Instance.code == dossier["code"], OutboxMessage.kind == "portal_status")
                .order_by(OutboxMessage.id)
            )
        )
    assert portal[-1]["status"] == status


@given(
    parsers.parse("bộ phận một cửa đã tiếp nhận một hồ sơ thủ tục {procedure} tại quầy lúc {at}"),
    target_fixture="dossier",
)
def _(services, clock, procedure, at):
    clock.set(moment(at))
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(procedure).documents if d.required]
    view = services.reception.receive(procedure, APPLICANT, 1, "counter", documents, OFFICERS["Bộ phận Một cửa"])
    return {"code": view.code}


@then(parsers.parse('người nộp được gửi thông báo dừng giải quyết hồ sơ ({number}) với lý do "{reason}"'))
def _(services, dossier, number, reason):
    code = dossier["code"]
    with services.db.read() as session:
        letters = list(
            session.scalars(
                select(OutboxMessage.payload)
                .join(Instance, OutboxMessage.instance_id == Instance.id)
                .where(Instance.code == code, OutboxMessage.kind == "letter")
                .order_by(OutboxMessage.id)
            )
        )
    letter = {k: v for k, v in letters[-1].items() if k not in ("to", "applicant_name")}  # the e-mail's addressee
    assert letter == {"code": code, "form": "stop_notice", "reason": reason}, letters
    pdf, _ = services.documents.render(code, "stop_notice", "pdf")
    text = re.sub(r"\s+", " ", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and reason in text and code in text.replace(" ", ""), text
    if number == "không số mẫu":
        assert "Mẫu số" not in text
    else:
        assert text.startswith(number), text[:60]


@then("hồ sơ vẫn đang được giải quyết")
def _(services, dossier):
    view = services.dossiers.get(dossier["code"])
    assert view.processing_end_at is None and view.status not in (7, 8), view.status
    assert services.instances.get(dossier["code"]).status == "running"
    assert _events(services, dossier, "instance:cancelled") == []
