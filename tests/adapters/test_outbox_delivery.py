"""The outbox delivered through the ports to a partner on a real HTTP server: idempotency key and signature with
each request; backoff with jitter on timeouts, dropped connections, 5xx and 429 (its Retry-After); a permanent
refusal or the last attempt parks the message; messages of one dossier to one port go out in order."""

from datetime import timedelta

import pytest

from engine.domain.backoff import compute_backoff, retry_delay
from engine.persistence.outbox import new_message
from tests.adapters.partner_server import PartnerServer
from tests.conftest import fixture_files

SECRET = "bí mật chung"


@pytest.fixture
def partner():
    with PartnerServer(SECRET, slow_seconds=1.0) as server:
        yield server


@pytest.fixture
def app_config(partner):
    return {
        "portal_gateway": "adapters.portal.http_gateway:HttpPortalGateway",
        "portal_url": partner.url,
        "portal_secret": SECRET,
        "adapter_timeout": 0.4,
        "agency_code": "H15.50.05.13",
    }


def start(services, code):
    services.deploy.deploy(fixture_files("three_steps.bpmn"), "designer")
    services.instances.start("three_steps", code, {"received_at": services.clock.now().isoformat()}, "motcua")
    with services.db.reading() as uow:
        return uow.instances.id_of(code)


def queue(services, instance_id, *statuses):
    """Portal status messages for the instance, in this order; their idempotency keys."""
    now = services.clock.now()
    rows = [
        new_message(instance_id, "portal_status", f"{instance_id}:status:{n}:{s}", {"status": s}, now)
        for n, s in enumerate(statuses)
    ]
    with services.db.unit_of_work() as uow:
        uow.outbox.add(rows)
    return [r["idempotency_key"] for r in rows]


def portal_rows(services):
    with services.db.reading() as uow:
        return [
            (m.idempotency_key, m.state, m.attempts)
            for state in ("pending", "failed", "sent")
            for m in uow.outbox.in_state(state)
            if m.kind == "portal_status"
        ]


def state_of(services, key):
    return {k: (s, a) for k, s, a in portal_rows(services)}[key]


def test_jitter_takes_up_to_half_of_the_delay_and_retry_after_wins():
    assert compute_backoff(3, jitter=0.0) == timedelta(seconds=120)
    assert compute_backoff(3, jitter=0.999).total_seconds() == pytest.approx(60.06)
    assert retry_delay(1, 0.5, 600) == timedelta(seconds=600)
    assert retry_delay(1, 0.0, 5) == timedelta(seconds=30)


def test_each_message_goes_once_signed_with_its_idempotency_key(services, partner):
    first = start(services, "H1")
    keys = queue(services, first, 2, 4)
    while services.outbox.dispatch():
        pass
    assert [(path, key, body["status"]) for path, key, body in partner.received] == [
        ("/api/dossiers/status", keys[0], 2),
        ("/api/dossiers/status", keys[1], 4),
    ]
    assert [state_of(services, k) for k in keys] == [("sent", 1), ("sent", 1)]


@pytest.mark.parametrize("fault", ["500", "503", "slow", "drop"])
def test_an_unavailable_partner_is_tried_again_after_a_backoff(services, partner, clock, fault):
    first = start(services, "H1")
    [key] = queue(services, first, 4)
    partner.faults = [fault]
    services.outbox.dispatch()
    assert state_of(services, key) == ("pending", 1)
    with services.db.reading() as uow:
        row = next(m for m in uow.outbox.of_instance(first) if m.idempotency_key == key)
    assert timedelta(seconds=15) <= row.next_attempt_at - clock.now() <= timedelta(seconds=30)
    assert row.last_error
    services.outbox.dispatch()  # not due yet
    assert state_of(services, key) == ("pending", 1)
    clock.advance(seconds=31)
    services.outbox.dispatch()
    assert state_of(services, key) == ("sent", 2)
    assert partner.keys().count(key) == 1


def test_a_429_waits_for_its_retry_after(services, partner, clock):
    first = start(services, "H1")
    [key] = queue(services, first, 4)
    partner.faults = ["429:600"]
    services.outbox.dispatch()
    clock.advance(seconds=400)
    services.outbox.dispatch()
    assert state_of(services, key) == ("pending", 1)
    clock.advance(seconds=201)
    services.outbox.dispatch()
    assert state_of(services, key) == ("sent", 2)


def test_a_refusal_parks_the_message_and_holds_back_the_later_ones_of_its_dossier(services, partner, clock):
    first, second = start(services, "H1"), start(services, "H2")
    held = queue(services, first, 4, 9)
    [other] = queue(services, second, 4)
    partner.faults = ["400"]
    for _ in range(3):
        services.outbox.dispatch()
        clock.advance(hours=1)
    assert state_of(services, held[0])[0] == "failed"
    assert state_of(services, held[1]) == ("pending", 0)  # status 9 never overtakes status 4
    assert state_of(services, other) == ("sent", 1)  # another dossier is not held back
    [(_id, kind, error)] = [f for f in services.outbox.failed() if f[1] == "portal_status"]
    assert "HTTP 400" in error
    assert held[1] not in partner.keys()


def test_a_failing_message_holds_back_the_next_one_until_it_is_sent(services, partner, clock):
    first = start(services, "H1")
    keys = queue(services, first, 4, 9)
    partner.faults = ["500", "500"]
    services.outbox.dispatch()
    clock.advance(seconds=31)
    services.outbox.dispatch()
    assert [state_of(services, k)[0] for k in keys] == ["pending", "pending"]
    assert partner.keys() == []
    clock.advance(minutes=2)
    while services.outbox.dispatch():
        pass
    assert partner.keys() == keys


def test_the_last_attempt_parks_the_message(services, partner, clock):
    first = start(services, "H1")
    [key] = queue(services, first, 4)
    services.outbox.max_attempts = 3
    partner.faults = ["500"] * 3
    for _ in range(3):
        services.outbox.dispatch()
        clock.advance(hours=7)
    assert state_of(services, key) == ("failed", 3)
