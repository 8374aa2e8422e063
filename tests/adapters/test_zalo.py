"""Officers' notices on a Zalo OA-style message API, over real HTTP on 127.0.0.1 against its sandbox
(`motcua sandbox zalo`): the Vietnamese text from the template files, the access token, one message per idempotency
key, and the sandbox's faults sorted into "try again later" (500, dropped connection) and "will not work" (invalid
token, not a follower) like the other adapters."""

import os
import re
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from adapters.notify.zalo import ZaloNotifier
from adapters.notify.zalo_sandbox import ZaloSandbox
from engine.domain.errors import AdapterRejected, AdapterUnavailable
from engine.domain.permissions import LANE_ROLES
from engine.services.accounts import DEMO_PASSWORD
from tests.conftest import deploy_shipped
from tests.web.conftest import Officer
from tests.web.test_counter import AGENCY, X_RAY, receive
from web import create_app

TOKEN = "oa-access-token-thu-nghiem"


@pytest.fixture
def zalo(tmp_path, clock):
    sandbox = ZaloSandbox(str(tmp_path / "zalo.db"), TOKEN, seed=7, now=lambda: clock.now().timestamp())
    server = sandbox.server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sandbox.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield sandbox
    server.shutdown()
    server.server_close()


@pytest.fixture
def notifying(database_url, clock, zalo):
    config = {
        "database_url": database_url,
        "agency_code": AGENCY,
        "secret_key": "test",
        "audit_key": "test-audit-key",
        "notification_sender": "adapters.notify.channels:ChannelNotifier",
        "zalo_url": zalo.url,
        "zalo_token": TOKEN,
        "public_url": "https://motcua.example.vn",
    }
    app = create_app(config, clock=clock)
    services = deploy_shipped(app.extensions["motcua"])
    services.app = app  # for the pages
    yield services
    services.close()


def dispatch_all(services):
    while services.outbox.dispatch():
        pass


def an_officer_of_the_first_step(services, zalo_id="84987654321"):
    """An officer of the lane of the procedure's first step who chose Zalo; returns the step's title."""
    probe = receive(services).code
    [task] = services.instances.tasks(code=probe)
    dispatch_all(services)
    division = services.dossiers.catalogue.division_of(X_RAY) or ""
    services.accounts.create("ngoc", "Lê Thị Ngọc", LANE_ROLES[task.lane], division, DEMO_PASSWORD)
    services.accounts.set_channels("ngoc", "", zalo_id, ["zalo"])
    return task.title


def test_an_officer_gets_a_new_task_on_zalo_in_vietnamese(notifying, zalo):
    title = an_officer_of_the_first_step(notifying)
    code = receive(notifying).code
    dispatch_all(notifying)
    dispatch_all(notifying)
    [message] = zalo.messages()
    assert message["user_id"] == "84987654321"
    text = message["text"]
    assert text.startswith(f"Việc mới: {title} - hồ sơ {code}")
    assert "Kính gửi Lê Thị Ngọc," in text and f"Hồ sơ {code} có việc mới cần Đồng chí xử lý: {title}" in text
    assert "Hạn xử lý bước: " in text and "https://motcua.example.vn/viec" in text
    with urllib.request.urlopen(zalo.url + "/") as answer:
        page = answer.read().decode()
    assert "Tin nhắn đã gửi tới người quan tâm OA" in page and f"hồ sơ {code}" in page and "84987654321" in page


def test_a_500_or_a_dropped_connection_is_retried_and_delivered_once(notifying, zalo, clock):
    an_officer_of_the_first_step(notifying)
    receive(notifying)
    zalo.faults.set({"error_rate": 1})
    dispatch_all(notifying)
    with notifying.db.reading() as uow:
        [waiting] = [m for m in uow.outbox.in_state("pending") if m.kind == "officer_notice"]
    assert waiting.attempts == 1 and "HTTP 500" in waiting.last_error
    zalo.faults.set({"error_rate": 0, "drop_rate": 1})
    clock.advance(minutes=10)
    dispatch_all(notifying)
    with notifying.db.reading() as uow:
        [waiting] = [m for m in uow.outbox.in_state("pending") if m.kind == "officer_notice"]
    assert waiting.attempts == 2 and zalo.messages() == []
    zalo.faults.set({"drop_rate": 0})
    clock.advance(minutes=30)
    dispatch_all(notifying)
    assert len(zalo.messages()) == 1
    assert zalo.counters()["error"] == 1 and zalo.counters()["drop"] == 1


def test_an_invalid_token_parks_the_notice_with_the_apis_error(notifying, zalo):
    an_officer_of_the_first_step(notifying)
    notifying.outbox.adapters.notifier.zalo.token = "het-han"
    receive(notifying)
    dispatch_all(notifying)
    failed = [(kind, error) for _id, kind, error in notifying.outbox.failed()]
    assert failed == [("officer_notice", "Zalo POST /v3.0/oa/message/cs: lỗi -216 (Access token is invalid)")]
    assert zalo.messages() == []


def test_the_adapter_sorts_the_apis_answers(zalo):
    notifier = ZaloNotifier(zalo_url=zalo.url, zalo_token=TOKEN, timeout=2)
    first = notifier.send_text("84911111111", "Thông báo thử nghiệm", "k-1")
    assert notifier.send_text("84911111111", "Thông báo thử nghiệm", "k-1") == first  # the same key: kept once
    assert [m["text"] for m in zalo.messages()] == ["Thông báo thử nghiệm"] and zalo.duplicates == 1
    with pytest.raises(AdapterRejected, match="-213"):
        notifier.send_text("khong-phai-so", "Thông báo", "k-2")  # not a follower of the OA
    with pytest.raises(AdapterRejected, match="-201"):
        notifier.send_text("84911111111", "", "k-3")
    with pytest.raises(AdapterUnavailable):
        ZaloNotifier(zalo_url="http://127.0.0.1:1", zalo_token=TOKEN, timeout=2).send_text("84911111111", "x", "k-4")
    zalo.over_quota = True
    with pytest.raises(AdapterUnavailable, match="-32"):  # the OA's quota: later
        notifier.send_text("84911111111", "Thông báo", "k-6")
    zalo.over_quota = False
    zalo.faults.set({"lost_answer_rate": 1})
    with pytest.raises(AdapterUnavailable):
        notifier.send_text("84911111111", "Tin thứ hai", "k-5")  # kept, but the answer was lost
    zalo.faults.set({"lost_answer_rate": 0})
    notifier.send_text("84911111111", "Tin thứ hai", "k-5")
    assert [m["text"] for m in zalo.messages()] == ["Thông báo thử nghiệm", "Tin thứ hai"]


def test_motcua_sandbox_zalo_serves_the_api_and_its_page(tmp_path):
    motcua = Path(sys.executable).with_name("motcua")
    env = {**os.environ, "MOTCUA_ZALO_TOKEN": TOKEN}
    refused = subprocess.run(
        [motcua, "sandbox", "zalo", "--port", "0"], env={**env, "MOTCUA_ZALO_TOKEN": ""}, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "đặt MOTCUA_ZALO_TOKEN" in refused.stderr
    db = tmp_path / "zalo.db"
    process = subprocess.Popen(
        [motcua, "sandbox", "zalo", "--port", "0", "--db", str(db)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline()).group(0)
        ZaloNotifier(zalo_url=url, zalo_token=TOKEN, timeout=5).send_text("84911111111", "Hồ sơ sắp đến hạn", "k")
        with urllib.request.urlopen(url + "/", timeout=5) as answer:
            page = answer.read().decode()
        assert "Hồ sơ sắp đến hạn" in page and "Đã nhận 1 tin nhắn" in page
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert [m["text"] for m in ZaloSandbox(str(db), TOKEN).messages()] == ["Hồ sơ sắp đến hạn"]  # in its own file


def test_a_parked_zalo_notice_shows_on_the_outbox_page_with_its_officer(notifying, zalo):
    an_officer_of_the_first_step(notifying)
    notifying.outbox.adapters.notifier.zalo.token = "het-han"
    receive(notifying)
    dispatch_all(notifying)
    notifying.accounts.create("quantri2", "Quản trị", "admin", "Văn phòng Sở", DEMO_PASSWORD)
    admin = Officer(notifying.app.test_client(), "quantri2", "admin")
    signed_in = admin.post("/dang-nhap", {"username": "quantri2", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    page = admin.get("/quan-tri/hop-thu-di?trang-thai=failed").get_data(as_text=True)
    assert "Thông báo cho cán bộ · ngoc (zalo)" in page and "lỗi -216 (Access token is invalid)" in page
