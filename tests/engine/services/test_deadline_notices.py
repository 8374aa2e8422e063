"""Officers are told, once each, of a step due within N working hours (1 here) and of a step overdue: the worker's
pass queues the notices in the outbox (keyed by the step), and a later pass queues nothing more."""

from datetime import timedelta

import pytest

from tests.conftest import deploy_shipped
from tests.web.test_counter import AGENCY, receive
from web.worker import run_once


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY, "deadline_notice_hours": 1}


def notices(services, code):
    with services.db.reading() as uow:
        rows = uow.outbox.of_instance(uow.instances.id_of(code))
    return [
        (m.payload["event"], m.payload["task"]) for m in rows if m.payload.get("event") in ("deadline_near", "overdue")
    ]


def test_a_step_due_soon_then_overdue_is_notified_once_each(services, clock, sender):
    deploy_shipped(services)
    code = receive(services).code
    [task] = services.instances.tasks(code=code)
    calendar = services.calendars.current()
    assert services.deadline_notices.run() == 0 and notices(services, code) == []

    clock.set(calendar.add_working_hours(task.due_at, 1.5, before=True))
    assert services.deadline_notices.run() == 0
    clock.set(calendar.add_working_hours(task.due_at, 0.5, before=True))
    run_once(services, "test", 10)
    run_once(services, "test", 10)
    assert notices(services, code) == [("deadline_near", task.name)]

    clock.set(task.due_at + timedelta(minutes=1))
    run_once(services, "test", 10)
    run_once(services, "test", 10)
    assert notices(services, code) == [("deadline_near", task.name), ("overdue", task.name)]
    sent = [p for kind, p, _key in sender.sent if kind == "notification" and p["event"] in ("deadline_near", "overdue")]
    assert [(p["event"], p["lane"], p["code"]) for p in sent] == [
        ("deadline_near", task.lane, code),
        ("overdue", task.lane, code),
    ]
