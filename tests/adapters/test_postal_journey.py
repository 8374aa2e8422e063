"""The postal channel (BCCI, QĐ 45/2016) over real HTTP on 127.0.0.1 with the postal sandbox: a dossier a postal
worker took at the applicant's address is registered on channel 3 with its clock starting at the signature of the
handover record; a procedure closed to the postal channel is refused with the reason; when the result is ready and
the applicant chose delivery by post, a pickup order (order number = dossier code, COD when fees are due) reaches the
postal operator once. The PostalService port's contract: the HTTP adapter against the sandbox and the log adapter."""

import threading
from datetime import timedelta

import pytest

from adapters.postal.http_service import HttpPostalService
from adapters.postal.log_service import LogPostalService
from adapters.postal.sandbox import PostalSandbox
from engine.domain.errors import AdapterRejected
from engine.domain.portal_wire import wire_time
from tests.browser.conftest import serving
from tests.conftest import PROCESSES, deploy_shipped
from tests.test_architecture import MAIN_PATH_DATA
from tests.web.test_counter import AGENCY, APPLICANT, PDF, X_RAY

SECRET = "khoá chung với bưu điện"
NOT_POSTAL = "1.002251.000.00.00.H56"  # closed to the postal channel in the catalogue of these tests


@pytest.fixture
def postal(tmp_path, clock):
    sandbox = PostalSandbox(str(tmp_path / "postal.db"), SECRET, now=lambda: clock.now().timestamp())
    server = sandbox.server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sandbox.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield sandbox
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config(postal, tmp_path):
    """The shipped catalogue, with one procedure taking dossiers at the counter only (data: the rule is the
    catalogue's `channels`)."""
    shipped = (PROCESSES / "catalogue.yaml").read_text()
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(shipped.replace("channels: [counter, postal]", "channels: [counter]"))
    return {
        "catalogue": catalogue,
        "agency_code": AGENCY,
        "postal_service": "adapters.postal.http_service:HttpPostalService",
        "postal_url": postal.url,
        "postal_secret": SECRET,
        "adapter_timeout": 5,
    }


@pytest.fixture
def connected(app, services, postal):
    deploy_shipped(services)
    with serving(app) as url:
        postal.app_url = url
        yield postal


def files(services, code=X_RAY):
    documents = [d.name for d in services.dossiers.catalogue.get(code).documents if d.required]
    return [(name, f"tep-{n}.pdf", "application/pdf", PDF) for n, name in enumerate(documents, start=1)]


def test_a_handed_over_dossier_starts_its_clock_at_the_signature(connected, services, clock):
    signed = clock.now() - timedelta(hours=1)  # Monday 07:00, signed at the applicant's address
    body = connected.handover_body(X_RAY, APPLICANT, files(services), 3000000, wire_time(signed))
    status, ack = connected.handover(body)
    assert status == 200 and ack["state"] == "processed", ack
    code = ack["result"]["dossier_code"]
    dossier = services.dossiers.get(code)
    assert dossier.channel == 3 and dossier.received_at == signed and dossier.fee_paid is True
    _start, expected = services.reception.preview_appointment(X_RAY, 3, signed)
    assert dossier.appointment == expected
    with services.db.reading() as uow:
        row = uow.dossiers.row(code)
    assert row.postal_item == body["item_code"] and row.postal["postal_worker"] == "Bưu tá Trần Văn Bình"
    again = connected.handover(body)[1]
    assert again["replayed"] is True and again["result"]["dossier_code"] == code


def test_a_procedure_closed_to_the_postal_channel_is_refused_with_the_reason(connected, services, clock):
    body = connected.handover_body(NOT_POSTAL, APPLICANT, files(services, NOT_POSTAL), 0, wire_time(clock.now()))
    status, answer = connected.handover(body)
    assert status == 422, answer
    assert "không nhận hồ sơ qua kênh 3" in answer["error"]["fields"].get("channel", ""), answer
    assert services.inbox.received("postal") == []


def test_a_result_for_delivery_by_post_is_ordered_once_with_its_cod(connected, services, clock):
    body = connected.handover_body(X_RAY, APPLICANT, files(services), 0, wire_time(clock.now()))
    code = connected.handover(body)[1]["result"]["dossier_code"]
    data = {**MAIN_PATH_DATA, "tiep_nhan": MAIN_PATH_DATA["tiep_nhan"]}
    for _ in range(12):
        tasks = services.instances.tasks(code=code)
        if not tasks or services.dossiers.get(code).status == 9:
            break
        services.instances.complete(tasks[0].task_id, data.get(tasks[0].name, {}), "tester")
    assert services.dossiers.get(code).status == 9
    for _ in range(3):
        services.outbox.dispatch()
    [order] = connected.orders()
    assert order["order_number"] == code and order["cod_amount"] == 3000000
    assert order["receiver"]["name"] == APPLICANT["name"] and order["sender"] == {"agency_code": AGENCY}
    assert order["postal_item"] == body["item_code"]


@pytest.mark.parametrize("make", ["http", "log"])
def test_every_postal_service_takes_an_order_once_per_key(postal, make):
    service = HttpPostalService(postal.url, SECRET, AGENCY, 2) if make == "http" else LogPostalService()
    order = {"code": "H1", "order_number": "H1", "receiver": {"name": "A"}, "cod_amount": 0}
    service.order_pickup(order, "H1:postal-order")
    service.order_pickup(order, "H1:postal-order")
    if make == "http":
        assert len(postal.orders()) == 1 and postal.counters()["duplicates"] == 1
        with pytest.raises(AdapterRejected):
            HttpPostalService(postal.url, "wrong", AGENCY, 2).order_pickup(order, "H1:other")


def resolved_by_post(connected, services, clock):
    """A postal dossier driven to status 9 (result ready, to be delivered by post); its code."""
    body = connected.handover_body(X_RAY, APPLICANT, files(services), 3000000, wire_time(clock.now()))
    code = connected.handover(body)[1]["result"]["dossier_code"]
    for _ in range(12):
        if services.dossiers.get(code).status == 9:
            break
        [task, *_rest] = services.instances.tasks(code=code)
        services.instances.complete(task.task_id, MAIN_PATH_DATA.get(task.name, {}), "tester")
    return code


def test_the_delivery_confirmation_closes_the_dossier_as_returned(connected, services, clock):
    code = resolved_by_post(connected, services, clock)
    clock.advance(days=2)
    status, ack = connected.track(code, "delivered", wire_time(clock.now()), "Người nhận ký: Nguyễn Hồng Nhung")
    assert status == 200 and ack["state"] == "processed", ack
    dossier = services.dossiers.get(code)
    assert dossier.status == 10 and dossier.returned_at == clock.now()
    again = connected.track(code, "delivered", wire_time(clock.now()))[1]
    assert again["state"] == "refused" and "không chờ trả kết quả" in again["error"]


def test_two_failed_attempts_bring_the_item_back_to_the_counter(connected, services, clock):
    code = resolved_by_post(connected, services, clock)
    for n in (1, 2):
        status, ack = connected.track(code, "failed_attempt", wire_time(clock.now()), f"Lần {n}: vắng nhà")
        assert ack["result"]["failed_attempts"] == n
    tags = [e.tag for e in services.instances.history(code)]
    assert tags.count("dossier:postal:failed_attempt") == 2
    with services.db.reading() as uow:
        notices = [m.payload for m in uow.outbox.of_instance(uow.instances.id_of(code)) if m.kind == "notification"]
    assert [n["lane"] for n in notices if n.get("event") == "postal_returned"] == ["Bộ phận Một cửa"]
    assert [t.name for t in services.instances.tasks(code=code)] == ["tra_ket_qua"]  # at the counter
    assert connected.track(code, "teleported", "x")[0] == 422
