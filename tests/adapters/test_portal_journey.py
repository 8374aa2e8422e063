"""The online channel over real HTTP on 127.0.0.1: the portal sandbox sends a citizen's submission to the application
(signed), which registers it with status 1 and waits for the reception check at the counter; its acceptance gives
status 2 and an appointment counted from the acceptance, and the status goes back to the sandbox with the portal's id
and the dates as yyyyMMddHHmmss."""

import json
import threading
import urllib.parse
import urllib.request

import pytest

from adapters.portal.sandbox import PortalSandbox
from engine.domain.errors import InvalidTransition
from engine.domain.portal_wire import wire_time
from tests.browser.conftest import serving
from tests.conftest import deploy_shipped
from tests.test_architecture import MAIN_PATH_DATA
from tests.web.conftest import ensure_account
from tests.web.test_counter import AGENCY, APPLICANT, PDF, X_RAY

SECRET = "khoá chung với cổng"


@pytest.fixture
def sandbox(tmp_path, clock):
    portal = PortalSandbox(str(tmp_path / "portal.db"), SECRET, now=lambda: clock.now().timestamp())
    server = portal.server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    portal.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield portal
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config(sandbox):
    return {
        "agency_code": AGENCY,
        "portal_gateway": "adapters.portal.http_gateway:HttpPortalGateway",
        "portal_url": sandbox.url,
        "portal_secret": SECRET,
        "adapter_timeout": 5,
    }


@pytest.fixture
def online(app, services, sandbox):
    deploy_shipped(services)
    with serving(app) as url:
        sandbox.app_url = url
        yield sandbox


def files(services):
    documents = [d.name for d in services.dossiers.catalogue.get(X_RAY).documents if d.required]
    return [(name, f"tep-{n}.pdf", "application/pdf", PDF) for n, name in enumerate(documents, start=1)]


def sent_documents(sandbox):
    """The documents of the last submission the sandbox sent (as it sent them)."""
    return sandbox.last_body["documents"]


def test_a_submission_waits_at_the_counter_with_status_1(online, services):
    status, answer = online.submit(X_RAY, APPLICANT, files(services), {"reference": "VNPAY-0001", "amount": 3000000})
    assert status == 200 and answer["state"] == "processed", answer
    code = answer["result"]["dossier_code"]
    assert answer["result"]["status"] == 1 and code.startswith(AGENCY)
    dossier = services.dossiers.get(code)
    assert dossier.status == 1 and dossier.channel == 2
    assert [t.name for t in services.instances.tasks(code=code)] == ["tiep_nhan"]
    with services.db.reading() as uow:
        row = uow.dossiers.row(code)
        stored = uow.files.of_dossier(row.id)
    assert row.portal_id == answer["portal_id"] and row.fee_paid is True
    assert row.payment["reference"] == "VNPAY-0001" and row.payment["amount"] == 3000000
    assert sorted(f.sha256 for f in stored) == sorted(d["sha256"] for d in sent_documents(online))


def test_a_replayed_submission_registers_nothing_more(online, services):
    body = online.submission(X_RAY, APPLICANT, files(services), {})
    first = online.send_to_agency("submission", body)
    again = online.send_to_agency("submission", body)
    assert first[0] == again[0] == 200 and again[1]["replayed"] is True
    assert again[1]["result"] == first[1]["result"]
    with services.db.reading() as uow:
        assert uow.dossiers.code_of_portal_id(body["portal_id"]) == first[1]["result"]["dossier_code"]


def test_a_file_whose_checksum_does_not_match_is_refused_by_field(online, services):
    body = online.submission(X_RAY, {**APPLICANT, "phone": "abc"}, files(services), {"reference": "", "amount": -1})
    body["documents"][1]["sha256"] = "0" * 64
    del body["documents"][2]["content"]
    status, answer = online.send_to_agency("submission", body)
    assert status == 422
    assert {
        "documents[2].sha256",
        "documents[3].content",
        "applicant.phone",
        "payment.reference",
        "payment.amount",
    } <= set(answer["error"]["fields"])
    with services.db.reading() as uow:
        assert uow.dossiers.code_of_portal_id(body["portal_id"]) is None


def test_acceptance_counts_the_appointment_from_then_and_tells_the_portal(online, services, clock):
    _status, answer = online.submit(X_RAY, APPLICANT, files(services), {"reference": "VNPAY-1", "amount": 3000000})
    code, portal_id = answer["result"]["dossier_code"], answer["portal_id"]
    clock.advance(days=2)  # accepted on Wednesday
    _start, expected = services.reception.preview_appointment(X_RAY, 1)
    [task] = services.instances.tasks(code=code)
    ensure_account(services, "one_stop", "motcua1")
    services.instances.complete(task.task_id, MAIN_PATH_DATA["tiep_nhan"], "motcua1")
    dossier = services.dossiers.get(code)
    assert dossier.status == 4  # accepted (2), then handed to the division in the same step (4)
    assert dossier.appointment == expected and dossier.received_at == clock.now()
    while services.outbox.dispatch():
        pass
    statuses = online.dossiers()[code]["statuses"]
    assert [s["status"] for s in statuses] == [2, 4]
    accepted = next(s for s in statuses if s["status"] == 2)
    assert accepted["portal_id"] == portal_id and accepted["appointment"] == wire_time(expected)
    assert accepted["changed_at"] == wire_time(clock.now())
    [record] = online.dossiers()[code]["history"]  # the completed reception check, as a process-history record
    assert (record["officer"], record["title"]) == ("Nguyễn Thị Lan", "Công chức Bộ phận Một cửa")
    assert record["portal_id"] == portal_id and record["status"] == 4
    assert record["step_start"] == "20260302080000" and record["finished_at"] == wire_time(clock.now())
    assert record["content"] and record["division"]
    letters = [e.payload for e in services.instances.history(code) if e.tag == "dossier:letter:queued"]
    assert letters[0]["form"] == "receipt" and letters[0]["appointment"] == expected.isoformat()
    assert_replayed(services, code)


def test_one_sent_back_at_the_check_goes_to_the_portal_and_stays_out_of_the_register(online, services, clock):
    codes = {}
    for decision in ("accept", "supplement", "refuse", "waiting"):
        _status, answer = online.submit(X_RAY, APPLICANT, files(services), {})
        codes[decision] = answer["result"]["dossier_code"]
        if decision != "waiting":
            data = {**MAIN_PATH_DATA["tiep_nhan"], "reception_result": decision}
            if decision == "supplement":
                data["missing_items"] = ["Bản sao chứng chỉ nhân viên bức xạ còn hiệu lực"]
            if decision == "refuse":
                data["refusal_reasons"] = ["Thủ tục không thuộc thẩm quyền của Sở"]
            [task] = services.instances.tasks(code=codes[decision])
            services.instances.complete(task.task_id, data, "motcua1")
    while services.outbox.dispatch():
        pass
    held = online.dossiers()
    assert [s["status"] for s in held[codes["supplement"]]["statuses"]] == [5]
    assert [s["status"] for s in held[codes["refuse"]]["statuses"]] == [3]
    assert codes["waiting"] not in held
    day = clock.now().date()
    assert [row["code"] for row in services.registers.register(day, day)] == [codes["accept"]]


def test_the_dossier_page_shows_no_appointment_before_acceptance_and_the_payment(online, services, sign_in):
    _status, answer = online.submit(X_RAY, APPLICANT, files(services), {"reference": "VNPAY-0042", "amount": 3000000})
    code = answer["result"]["dossier_code"]
    page = sign_in("one_stop").get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Chưa có: hồ sơ nộp trực tuyến chờ Bộ phận Một cửa kiểm tra, tiếp nhận" in page
    assert "VNPAY-0042" in page and "3.000.000 đ" in page and answer["portal_id"] in page


def test_a_withdrawal_from_the_portal_closes_the_dossier_once(online, services):
    _status, answer = online.submit(X_RAY, APPLICANT, files(services), {})
    code, portal_id = answer["result"]["dossier_code"], answer["portal_id"]
    body = {"message_id": f"withdraw-{portal_id}", "portal_id": portal_id, "reason": "Công ty đổi thiết bị"}
    status, ack = online.send_to_agency("withdrawal", body)
    assert status == 200 and ack["state"] == "processed" and ack["result"]["status"] == 7
    assert services.dossiers.get(code).status == 7
    again = online.send_to_agency("withdrawal", body)[1]
    assert again["replayed"] is True and again["state"] == "processed"
    late = online.send_to_agency("withdrawal", {**body, "message_id": "withdraw-again"})[1]
    assert late["state"] == "refused" and "Không rút được" in late["error"]
    while services.outbox.dispatch():
        pass
    assert [s["status"] for s in online.dossiers()[code]["statuses"]] == [7]
    assert online.send_to_agency("withdrawal", {"message_id": "x"})[1]["error"]["fields"].keys() == {
        "portal_id",
        "reason",
    }


def test_an_unpaid_fee_holds_the_dossier_in_status_6_until_the_portal_confirms_payment(
    online, services, clock, sign_in
):
    _status, answer = online.submit(X_RAY, APPLICANT, files(services), {})  # 3.000.000 đ, not paid yet
    code, portal_id = answer["result"]["dossier_code"], answer["portal_id"]
    [task] = services.instances.tasks(code=code)
    services.instances.complete(task.task_id, MAIN_PATH_DATA["tiep_nhan"], "motcua1")
    assert services.dossiers.get(code).status == 6
    [waiting] = services.instances.tasks(code=code)
    ensure_account(services, "specialist")
    refused = sign_in("division_head").post(f"/viec/{waiting.task_id}", {"specialist": "chuyenvien"})
    assert refused.status_code == 409
    assert "chờ người nộp thực hiện nghĩa vụ tài chính" in refused.get_data(as_text=True)
    with pytest.raises(InvalidTransition, match="trạng thái 6"):  # the workflow waits for the payment
        services.instances.complete(waiting.task_id, {}, "truongphong")
    assert [t.task_id for t in services.instances.tasks(code=code)] == [waiting.task_id]
    assert services.dossiers.get(code).status == 6
    clock.advance(hours=2)
    body = {"message_id": f"pay-{portal_id}", "portal_id": portal_id, "reference": "VNPAY-77", "amount": 3000000}
    status, ack = online.send_to_agency("payment", {**body, "paid_at": wire_time(clock.now())})
    assert status == 200 and ack["result"] == {"dossier_code": code, "status": 4, "fee_paid": True}, ack
    dossier = services.dossiers.get(code)
    assert dossier.status == 4 and dossier.fee_paid and dossier.payment["reference"] == "VNPAY-77"
    assert online.send_to_agency("payment", body)[1]["replayed"] is True
    services.instances.complete(waiting.task_id, {}, "truongphong")  # paid: the workflow goes on
    assert "tham_dinh" in [t.name for t in services.instances.tasks(code=code)]
    while services.outbox.dispatch():
        pass
    assert [s["status"] for s in online.dossiers()[code]["statuses"]] == [2, 6, 4]
    bad = online.send_to_agency("payment", {"message_id": "p2", "portal_id": portal_id, "amount": -5})
    assert set(bad[1]["error"]["fields"]) == {"reference", "amount"}
    assert_replayed(services, code)


def assert_replayed(services, code: str) -> None:
    """The dossier's history, sealed and re-executed, gives what was recorded (issue 14 over issue 12's steps)."""
    assert services.audit.verify(code).intact
    replayed = services.replay.replay(code)
    assert replayed.verified, replayed


def sandbox_faults(sandbox, **values):
    request = urllib.request.Request(sandbox.url + "/faults", data=json.dumps(values).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def test_the_citizen_pays_on_the_sandbox_page_and_duplicated_callbacks_change_nothing(online, services):
    _status, answer = online.submit(X_RAY, APPLICANT, files(services), {})
    code, portal_id = answer["result"]["dossier_code"], answer["portal_id"]
    [task] = services.instances.tasks(code=code)
    services.instances.complete(task.task_id, MAIN_PATH_DATA["tiep_nhan"], "motcua1")
    sandbox_faults(online, duplicate_callbacks=True)
    form = urllib.parse.urlencode({"portal_id": portal_id, "reference": "MOMO-9", "amount": "3000000"}).encode()
    with urllib.request.urlopen(urllib.request.Request(online.url + "/thanh-toan", data=form), timeout=10) as page:
        assert f"Cơ quan đã ghi nhận thanh toán cho hồ sơ {code}" in page.read().decode()
    assert sandbox_faults(online, duplicate_callbacks=False)["duplicated"] == 1
    payments = [e for e in services.instances.history(code) if e.tag == "dossier:payment:confirmed"]
    assert len(payments) == 1 and services.dossiers.get(code).status == 4


def test_callbacks_out_of_order_are_each_processed_once(online, services):
    sandbox_faults(online, reorder_callbacks=True)
    first = online.submit(X_RAY, APPLICANT, files(services), {})[1]  # held back
    sandbox_faults(online, reorder_callbacks=False)
    second = online.submit(X_RAY, APPLICANT, files(services), {})[1]  # sent, then the held one
    assert first["held"] is True and second["state"] == "processed"
    registered = {r.message_id: r.state for r in services.inbox.received("portal")}
    assert registered == {
        f"submission-{first['portal_id']}": "processed",
        f"submission-{second['portal_id']}": "processed",
    }
    with services.db.reading() as uow:
        assert uow.dossiers.code_of_portal_id(first["portal_id"]) and uow.dossiers.code_of_portal_id(
            second["portal_id"]
        )


def test_the_applicants_additions_after_a_mau_02_come_through_the_portal(online, services, clock):
    _status, answer = online.submit(X_RAY, APPLICANT, files(services), {"reference": "VNPAY-2", "amount": 3000000})
    code, portal_id = answer["result"]["dossier_code"], answer["portal_id"]
    missing = [{"item": "Kết quả kiểm xạ khu vực đặt thiết bị", "reason": "đã hết hạn"}]
    for name, data in (
        ("tiep_nhan", MAIN_PATH_DATA["tiep_nhan"]),
        ("phan_cong", MAIN_PATH_DATA.get("phan_cong", {})),
        ("tham_dinh", {"appraisal_result": "supplement", "missing_items": missing}),
    ):
        [task] = [t for t in services.instances.tasks(code=code) if t.name == name]
        services.instances.complete(task.task_id, data, "canbo")
    assert services.dossiers.get(code).status == 5
    clock.advance(days=3)
    extra = online.submission(
        X_RAY, APPLICANT, [("Kết quả kiểm xạ khu vực đặt thiết bị", "kiem-xa.pdf", "application/pdf", PDF)], {}
    )
    body = {"message_id": f"supplement-{portal_id}", "portal_id": portal_id, "documents": extra["documents"]}
    status, ack = online.send_to_agency("supplement", body)
    assert status == 200 and ack["state"] == "processed" and ack["result"]["documents"] == 1, ack
    assert "nhan_bo_sung" not in [t.name for t in services.instances.tasks(code=code)]
    assert services.dossiers.get(code).status == 4
    tags = [e.tag for e in services.instances.history(code)]
    assert "dossier:supplement:received" in tags and tags.count("dossier:file:attached") == len(files(services)) + 1
    late = online.send_to_agency("supplement", {**body, "message_id": "supplement-again"})[1]
    assert late["state"] == "refused" and "không chờ bổ sung" in late["error"]
    assert_replayed(services, code)
