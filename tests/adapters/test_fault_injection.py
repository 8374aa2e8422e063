"""Fault injection: portal statuses of many dossiers delivered through the portal sandbox while it answers 500, drops
connections, loses answers after keeping a message, and while a worker process is killed with SIGKILL in the middle
of a batch. Every message must be kept by the portal exactly once, in order per dossier, none lost. The figures are
printed (run with -s to see them)."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.portal.sandbox import PortalSandbox
from engine.persistence.outbox import new_message
from tests.adapters.test_outbox_delivery import start

SECRET = "khoá thử lỗi"
DOSSIERS, STATUSES = 12, (2, 4, 9, 10)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandbox(tmp_path):
    portal = PortalSandbox(str(tmp_path / "portal.db"), SECRET, seed=20261207)
    server = portal.server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    portal.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield portal
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config(sandbox):
    return {
        "portal_gateway": "adapters.portal.http_gateway:HttpPortalGateway",
        "portal_url": sandbox.url,
        "portal_secret": SECRET,
        "adapter_timeout": 2,
    }


def queue(services, instance_id, code):
    """The dossier's portal statuses 2, 4, 9, 10, in this order; their idempotency keys."""
    now = services.clock.now()
    rows = [
        new_message(
            instance_id, "portal_status", f"{code}:{s}", {"code": code, "status": s, "changed_at": now.isoformat()}, now
        )
        for s in STATUSES
    ]
    with services.db.unit_of_work() as uow:
        uow.outbox.add(rows)
    return [r["idempotency_key"] for r in rows]


def faults(sandbox, **values):
    request = urllib.request.Request(sandbox.url + "/faults", data=json.dumps(values).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


WORKER = textwrap.dedent(
    """
    import sys
    from web import create_app
    config = {{"database_url": {url!r}, "portal_gateway": "adapters.portal.http_gateway:HttpPortalGateway",
              "portal_url": {portal!r}, "portal_secret": {secret!r}, "adapter_timeout": 2}}
    services = create_app(config).extensions["motcua"]
    print("ready", flush=True)
    while True:
        services.outbox.dispatch(50)
    """
)


def kill_a_worker_mid_batch(database_url, sandbox):
    """A worker process dispatching slowly (the portal delays each answer) is killed with SIGKILL after a few
    deliveries: the rest of its batch stays leased until the lease runs out."""
    faults(sandbox, delay=0.15)
    script = WORKER.format(url=database_url, portal=sandbox.url, secret=SECRET)
    worker = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    assert worker.stdout.readline().strip() == b"ready"
    deadline = time.monotonic() + 30
    while sandbox.counters()["delivered"] < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    worker.stdout.close()
    faults(sandbox, delay=0)
    return worker.returncode


def test_every_message_is_kept_once_in_order_and_none_is_lost(services, sandbox, clock, database_url):
    expected: dict[str, list[str]] = {}
    for n in range(DOSSIERS):
        code = f"FI-{n:03d}"
        expected[code] = queue(services, start(services, code), code)
    total = DOSSIERS * len(STATUSES)

    killed = kill_a_worker_mid_batch(database_url, sandbox)
    assert killed == -signal.SIGKILL
    delivered_by_killed_worker = sandbox.counters()["delivered"]

    faults(sandbox, error_rate=0.2, drop_rate=0.1, lost_answer_rate=0.1, seed=7)
    clock.set(datetime.now(UTC) + timedelta(minutes=5))  # past the killed worker's lease (it used the wall clock)
    services.outbox.max_attempts = 30
    for _ in range(400):
        services.outbox.dispatch(50)
        with services.db.reading() as uow:
            left = [m for m in uow.outbox.in_state("pending") if m.stream == "portal"]
        if not left:
            break
        clock.advance(hours=7)  # past any backoff
    faults(sandbox, error_rate=0, drop_rate=0, lost_answer_rate=0)

    kept = sandbox.deliveries("status")
    keys = [d["key"] for d in kept]
    counters = sandbox.counters()
    with services.db.reading() as uow:
        states = {m.idempotency_key: m.state for m in uow.outbox.in_state("sent") + uow.outbox.in_state("failed")}
    sent = sum(1 for keys_of in expected.values() for k in keys_of if states.get(k) == "sent")
    lost = [k for keys_of in expected.values() for k in keys_of if k not in keys]
    faults_injected = counters["error"] + counters["drop"] + counters["lost_answer"] + 1  # + the SIGKILL
    print(
        f"\nfault injection: {total} messages, {sent} sent, {faults_injected} faults injected "
        f"({counters['error']} HTTP 500, {counters['drop']} dropped connections, {counters['lost_answer']} lost "
        f"answers, 1 worker killed with SIGKILL after {delivered_by_killed_worker} deliveries), "
        f"{counters['duplicates']} repeats absorbed by idempotency keys, {len(keys) - len(set(keys))} duplicates "
        f"kept, {len(lost)} lost"
    )
    assert len(keys) == len(set(keys)) == total and lost == [] and sent == total
    assert counters["error"] and counters["drop"] and counters["lost_answer"] and counters["duplicates"]
    for keys_of in expected.values():  # in order per dossier: 2, 4, 9, 10
        assert [d["key"] for d in kept if d["key"] in keys_of] == keys_of
