"""The outbox: delivered after commit, retried with backoff, parked as failed after the last attempt."""

from datetime import timedelta

from sqlalchemy import select

from engine.domain.backoff import compute_backoff
from engine.domain.errors import AdapterRejected, AdapterUnavailable
from engine.persistence.models import OutboxMessage
from tests.conftest import fixture_files


def start(services):
    services.deploy.deploy(fixture_files("three_steps.bpmn"), "designer")
    services.instances.start("three_steps", "H1", {"received_at": services.clock.now().isoformat()}, "motcua")


def rows(services):
    with services.db.read() as session:
        return [(m.state, m.attempts, m.last_error) for m in session.scalars(select(OutboxMessage))]


def test_backoff_doubles_up_to_a_ceiling():
    assert [compute_backoff(n).total_seconds() for n in range(5)] == [0, 30, 60, 120, 240]
    assert compute_backoff(40) == timedelta(hours=6)


def test_an_unavailable_adapter_is_retried_later(services, sender, clock):
    start(services)
    sender.fail_with = AdapterUnavailable("mail server down")
    assert services.outbox.dispatch() == 0
    assert rows(services) == [("pending", 1, "mail server down")]
    assert services.outbox.dispatch() == 0  # not due again yet
    assert rows(services)[0][1] == 1
    sender.fail_with = None
    clock.advance(seconds=31)
    assert services.outbox.dispatch() == 1
    assert rows(services) == [("sent", 2, None)]


def test_a_rejected_message_is_parked_as_failed(services, sender):
    start(services)
    sender.fail_with = AdapterRejected("no such address")
    services.outbox.dispatch()
    assert rows(services) == [("failed", 1, "no such address")]
    assert [kind for _id, kind, _err in services.outbox.failed()] == ["notification"]


def test_a_message_is_failed_after_its_last_attempt(services, sender, clock):
    start(services)
    services.outbox.max_attempts = 3
    sender.fail_with = AdapterUnavailable("down")
    for _ in range(3):
        services.outbox.dispatch()
        clock.advance(hours=1)
    assert rows(services) == [("failed", 3, "down")]
