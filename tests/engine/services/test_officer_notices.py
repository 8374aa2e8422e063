"""Officers are told on the channels they chose (their profile), once each: a task ready in their lane (only their
division's for a division's lane), a step's deadline near, a step overdue (only its assignee once claimed). Each
officer and channel is one outbox row of its own, so a second worker pass adds and sends nothing."""

from datetime import timedelta

import pytest

from engine.domain.permissions import DIVISION_LANES, LANE_ROLES
from engine.services.accounts import DEMO_PASSWORD
from tests.conftest import deploy_shipped
from tests.web.test_counter import AGENCY, X_RAY, receive
from web.worker import run_once


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY, "deadline_notice_hours": 1}


def officer_notices(sender) -> list[tuple[str, str, str, str]]:
    """(event, recipient, channel, address) of what reached the notifier, in order."""
    return [
        (p["event"], p["recipient"], p["channel"], p["to"]) for kind, p, _key in sender.sent if kind == "officer_notice"
    ]


@pytest.fixture
def first_task(services):
    deploy_shipped(services)
    code = receive(services).code
    [task] = services.instances.tasks(code=code)
    run_once(services, "test", 100)  # its notice went out before anyone chose a channel
    return code, task


def officers_of(services, task, channels: dict[str, tuple[str, str, list[str]]], division=None):
    """Accounts of the task's lane role (in the task's division unless `division`) with the given channels."""
    role = LANE_ROLES[task.lane]
    division = division or services.dossiers.catalogue.division_of(X_RAY) or "Văn phòng"
    for username, (email, zalo_id, chosen) in channels.items():
        services.accounts.create(username, f"Cán bộ {username}", role, division, DEMO_PASSWORD)
        services.accounts.set_channels(username, email, zalo_id, chosen)


def test_a_new_task_reaches_each_officer_of_its_lane_on_the_chosen_channels_only(services, sender):
    deploy_shipped(services)
    probe = receive(services).code  # the lane of the first step, for whom to make the accounts
    [task] = services.instances.tasks(code=probe)
    run_once(services, "test", 100)  # its notice went out before anyone chose a channel
    officers_of(
        services,
        task,
        {
            "an": ("an@skhcn.gov.vn", "", ["email"]),
            "binh": ("binh@skhcn.gov.vn", "84900000002", ["email", "zalo"]),
            "chi": ("chi@skhcn.gov.vn", "84900000003", []),  # addresses, but no channel chosen
            "dung": ("", "84900000004", ["zalo"]),
        },
    )
    code = receive(services).code
    run_once(services, "test", 100)
    run_once(services, "test", 100)
    got = [n for n in officer_notices(sender) if n[0] == "task_ready"]
    assert sorted(got) == [
        ("task_ready", "an", "email", "an@skhcn.gov.vn"),
        ("task_ready", "binh", "email", "binh@skhcn.gov.vn"),
        ("task_ready", "binh", "zalo", "84900000002"),
        ("task_ready", "dung", "zalo", "84900000004"),
    ]
    [payload] = [p for kind, p, _k in sender.sent if kind == "officer_notice" and p["recipient"] == "an"]
    assert payload["code"] == code and payload["title"] == task.title and payload["recipient_name"] == "Cán bộ an"


def test_an_officer_who_changes_their_mind_is_told_on_the_new_channel(services, sender, first_task):
    code, task = first_task
    officers_of(services, task, {"an": ("an@skhcn.gov.vn", "84900000001", ["email"])})
    services.accounts.set_channels("an", "an@skhcn.gov.vn", "84900000001", ["zalo"])
    receive(services)
    run_once(services, "test", 100)
    assert {(n[2], n[3]) for n in officer_notices(sender)} == {("zalo", "84900000001")}


def test_deadline_near_and_overdue_go_to_the_assignee_once_each(services, sender, clock, first_task):
    code, task = first_task
    officers_of(
        services,
        task,
        {"an": ("an@skhcn.gov.vn", "", ["email"]), "binh": ("", "84900000002", ["zalo"])},
    )
    services.instances.claim(task.task_id, "an")
    calendar = services.calendars.current()
    clock.set(calendar.add_working_hours(task.due_at, 0.5, before=True))
    run_once(services, "test", 100)
    run_once(services, "test", 100)
    clock.set(task.due_at + timedelta(minutes=1))
    run_once(services, "test", 100)
    run_once(services, "test", 100)
    deadlines = [n for n in officer_notices(sender) if n[0] != "task_ready"]
    assert deadlines == [
        ("deadline_near", "an", "email", "an@skhcn.gov.vn"),
        ("overdue", "an", "email", "an@skhcn.gov.vn"),
    ]


def test_a_division_lane_task_is_not_sent_to_another_division(services, sender, first_task):
    code, task = first_task
    assert task.lane in DIVISION_LANES
    officers_of(services, task, {"xa": ("xa@skhcn.gov.vn", "", ["email"])}, division="Phòng khác hẳn")
    receive(services)
    run_once(services, "test", 100)
    assert officer_notices(sender) == []


def test_a_task_claimed_or_closed_before_its_notice_goes_out(services, sender, first_task):
    code, task = first_task
    officers_of(
        services, task, {"an": ("an@skhcn.gov.vn", "", ["email"]), "binh": ("binh@skhcn.gov.vn", "", ["email"])}
    )
    claimed = receive(services).code
    [claimed_task] = services.instances.tasks(code=claimed)
    services.instances.claim(claimed_task.task_id, "binh")
    withdrawn = receive(services).code
    services.dossiers.withdraw(withdrawn, "Người nộp xin rút hồ sơ", "motcua1")
    run_once(services, "test", 100)
    told = [(p["code"], p["recipient"]) for kind, p, _k in sender.sent if kind == "officer_notice"]
    assert told == [(claimed, "binh")]
