"""The PortalGateway port: the HTTP gateway against the portal sandbox over real HTTP on 127.0.0.1, and the log
gateway (every implementation takes the same calls). The sandbox keeps one delivery per idempotency key, refuses a
bad signature and malformed fields, and its fault switches make the gateway report "unavailable"."""

import base64
import hashlib
import json
import threading
import urllib.request

import pytest

from adapters.portal.http_gateway import HttpPortalGateway
from adapters.portal.log_gateway import LogPortalGateway
from adapters.portal.sandbox import PortalSandbox
from engine.domain.errors import AdapterRejected, AdapterUnavailable
from engine.domain.portal_wire import wire_time

SECRET = "bí mật cổng"
AGENCY = "H15.50.05.13"
STATUS = {
    "code": "H15.50.05.13-260302-0001",
    "status": 2,
    "note": "",
    "changed_at": "2026-03-02T09:00:00+07:00",
    "procedure_code": "1.004454.000.00.00.H56",
    "appointment": "2026-03-17T09:00:00+07:00",
    "processing_end_at": None,
    "returned_at": None,
}
RECORD = {
    "dossier_code": STATUS["code"],
    "officer": "Nguyễn Văn A",
    "title": "Chuyên viên",
    "division": "Phòng Quản lý chuyên ngành",
    "content": "Thẩm định hồ sơ",
    "step_start": "20260302090000",
    "step_due": "20260305090000",
}

LICENCE = b"%PDF-1.4 giay phep 125/GP-SKHCN"
RESULT = {
    "code": STATUS["code"],
    "portal_id": "G0001",
    "document_number": "125/GP-SKHCN",
    "issued_at": "2026-03-16T15:00:00+07:00",
    "file": {
        "filename": "giay-phep.pdf",
        "media_type": "application/pdf",
        "size": len(LICENCE),
        "sha256": hashlib.sha256(LICENCE).hexdigest(),
        "content": base64.b64encode(LICENCE).decode(),
    },
}


@pytest.fixture
def sandbox(tmp_path):
    portal = PortalSandbox(str(tmp_path / "portal.db"), SECRET, seed=7)
    server = portal.server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    portal.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield portal
    server.shutdown()
    server.server_close()


def gateway(sandbox, secret=SECRET):
    return HttpPortalGateway(sandbox.url, secret, AGENCY, timeout=2)


def faults(sandbox, **values):
    request = urllib.request.Request(sandbox.url + "/faults", data=json.dumps(values).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


@pytest.mark.parametrize("make", [gateway, lambda sandbox: LogPortalGateway()], ids=["http", "log"])
def test_every_gateway_takes_a_status_and_a_batch_of_history_once_per_key(sandbox, make):
    portal = make(sandbox)
    for _ in range(2):
        portal.push_status(STATUS, "H1:7")
        portal.push_history([RECORD] * 10, "H1:history:1")
        portal.push_result(RESULT, "H1:result:1")


def test_the_portal_receives_the_status_with_its_dates_as_yyyymmddhhmmss(sandbox):
    gateway(sandbox).push_status(STATUS, "H1:7")
    [got] = sandbox.deliveries("status")
    assert got["dossier_code"] == STATUS["code"] and got["status"] == 2 and got["status_label"] == "Được tiếp nhận"
    assert got["changed_at"] == "20260302090000" and got["appointment"] == "20260317090000"
    assert got["agency_code"] == AGENCY and got["processing_end_at"] is None
    assert wire_time("2026-03-02T02:00:00+00:00") == "20260302090000"
    page = urllib.request.urlopen(sandbox.url + "/", timeout=5).read().decode()
    assert STATUS["code"] in page and "Được tiếp nhận" in page and "20260317090000" in page


def test_a_repeated_key_is_kept_once_and_counted_as_a_duplicate(sandbox):
    portal = gateway(sandbox)
    portal.push_status(STATUS, "H1:7")
    portal.push_status({**STATUS, "status": 4}, "H1:7")
    assert [d["status"] for d in sandbox.deliveries("status")] == [2]
    assert sandbox.counters()["duplicates"] == 1


def test_history_comes_in_batches_of_at_most_ten(sandbox):
    portal = gateway(sandbox)
    portal.push_history([RECORD] * 10, "H1:history:1")
    with pytest.raises(AdapterRejected):
        portal.push_history([RECORD] * 11, "H1:history:2")
    assert len(sandbox.dossiers()[STATUS["code"]]["history"]) == 10


def test_a_wrong_secret_or_a_malformed_status_is_refused_for_good(sandbox):
    with pytest.raises(AdapterRejected, match="401"):
        gateway(sandbox, secret="not ours").push_status(STATUS, "H1:7")
    with pytest.raises(AdapterRejected, match="422"):
        gateway(sandbox).push_status({**STATUS, "changed_at": None, "status": 11}, "H1:8")
    assert sandbox.deliveries() == []


@pytest.mark.parametrize("switch", [{"error_rate": 1}, {"drop_rate": 1}])
def test_the_fault_switches_make_the_portal_unavailable(sandbox, switch):
    faults(sandbox, **switch)
    with pytest.raises(AdapterUnavailable):
        gateway(sandbox).push_status(STATUS, "H1:7")
    faults(sandbox, error_rate=0, drop_rate=0)
    gateway(sandbox).push_status(STATUS, "H1:7")
    assert len(sandbox.deliveries("status")) == 1


def test_a_slow_portal_times_out(sandbox):
    faults(sandbox, delay=3)
    with pytest.raises(AdapterUnavailable, match="no answer"):
        gateway(sandbox).push_status(STATUS, "H1:7")


def test_the_portal_keeps_a_result_whose_checksum_matches_and_refuses_one_that_does_not(sandbox):
    portal = gateway(sandbox)
    portal.push_result(RESULT, "H1:result:1")
    portal.push_result(RESULT, "H1:result:1")
    [kept] = sandbox.results(STATUS["code"])
    assert kept["file"]["sha256"] == RESULT["file"]["sha256"] and kept["issued_at"] == "20260316150000"
    assert sandbox.result_content(kept["key"]) == (kept["file"] | {"content": RESULT["file"]["content"]}, LICENCE)
    altered = {**RESULT, "file": {**RESULT["file"], "content": base64.b64encode(LICENCE + b"!").decode()}}
    with pytest.raises(AdapterRejected, match="file.sha256"):
        portal.push_result(altered, "H1:result:2")
    assert len(sandbox.results()) == 1 and sandbox.counters()["duplicates"] == 1
