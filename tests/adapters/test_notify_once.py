"""Nothing is sent twice: a worker that crashes after a notice left (before it could record it as sent) and is
started again, a duplicated delivery, and repeated worker passes send each officer's notice once on each channel.
The Zalo sandbox keeps one message per idempotency key; the SMTP path keeps a ledger of the Message-IDs the server
accepted (MOTCUA_SMTP_LEDGER) and does not mail them again. Real servers on 127.0.0.1 (aiosmtpd, the Zalo sandbox)."""

import pytest

from engine.domain.permissions import LANE_ROLES, ONE_STOP_LANE
from engine.persistence.outbox import new_message
from engine.services.accounts import DEMO_PASSWORD
from tests.adapters.test_email import mailbox  # noqa: F401  (the fixture: an SMTP server on loopback)
from tests.adapters.test_zalo import TOKEN, dispatch_all, notifying, zalo  # noqa: F401  (the Zalo sandbox fixtures)
from tests.conftest import deploy_shipped
from tests.web.test_counter import AGENCY, X_RAY, receive
from web import create_app
from web.worker import run_once


class Crash(BaseException):
    """The worker process dies (not an error it handles)."""


@pytest.fixture
def config(database_url, zalo, mailbox, tmp_path):  # noqa: F811
    return {
        "database_url": database_url,
        "agency_code": AGENCY,
        "secret_key": "test",
        "audit_key": "test-audit-key",
        "anchor_dir": tmp_path / "anchors",
        "notification_sender": "adapters.notify.channels:ChannelNotifier",
        "zalo_url": zalo.url,
        "zalo_token": TOKEN,
        "smtp_host": "127.0.0.1",
        "smtp_port": mailbox.port,
        "mail_from": "Bộ phận Một cửa <motcua@skhcn.example.vn>",
        "smtp_ledger": str(tmp_path / "smtp-sent.db"),
        "deadline_notice_hours": 1,
    }


def start(config, clock):
    return create_app(config, clock=clock).extensions["motcua"]


@pytest.fixture
def first(config, clock, mailbox):  # noqa: F811
    """A dossier whose first step waits, and an officer of its lane who chose e-mail and Zalo (after the first
    dossier's own notice went out)."""
    services = deploy_shipped(start(config, clock))
    probe = receive(services).code
    [task] = services.instances.tasks(code=probe)
    dispatch_all(services)
    division = services.dossiers.catalogue.division_of(X_RAY) or ""
    services.accounts.create("ngoc", "Lê Thị Ngọc", LANE_ROLES[task.lane], division, DEMO_PASSWORD)
    services.accounts.set_channels("ngoc", "ngoc@skhcn.gov.vn", "84987654321", ["email", "zalo"])
    mailbox.messages.clear()
    yield services
    services.close()


def officer_mails(mailbox):  # noqa: F811
    return [m for m in mailbox.messages if m["To"].addresses[0].addr_spec == "ngoc@skhcn.gov.vn"]


def test_a_worker_killed_after_sending_sends_nothing_twice_when_started_again(first, config, clock, zalo, mailbox):  # noqa: F811
    code = receive(first).code
    notifier = first.outbox.adapters.notifier
    to_crash_after = {"email", "zalo"}  # each channel's notice once: it leaves, then the worker dies

    def send_then_die(kind, payload, key):
        type(notifier).send(notifier, kind, payload, key)
        if kind == "officer_notice" and payload["channel"] in to_crash_after:
            to_crash_after.discard(payload["channel"])
            raise Crash

    notifier.send = send_then_die
    for _ in range(2):
        with pytest.raises(Crash):
            dispatch_all(first)
        clock.advance(minutes=5)  # the leases of what the dead worker held run out
    assert to_crash_after == set()
    assert len(zalo.messages()) == 1 and len(officer_mails(mailbox)) == 1
    with first.db.reading() as uow:
        pending = [m for m in uow.outbox.in_state("pending") if m.kind == "officer_notice"]
    assert len(pending) == 1  # the second crash left its notice unrecorded: it will be delivered again

    restarted = start(config, clock)  # a new worker process: nothing of the old one's memory
    try:
        run_once(restarted, "restarted", 100)
        run_once(restarted, "restarted", 100)
        with restarted.db.reading() as uow:
            assert [m for m in uow.outbox.in_state("pending") if m.kind == "officer_notice"] == []
            sent = [m.idempotency_key for m in uow.outbox.in_state("sent") if m.kind == "officer_notice"]
        assert sorted(key.rsplit("|", 1)[1] for key in sent) == ["email", "zalo"]
    finally:
        restarted.close()
    [message] = zalo.messages()
    assert message["text"].startswith("Việc mới:") and f"hồ sơ {code}" in message["text"]
    assert zalo.counters()["duplicates"] == 1
    [mail] = officer_mails(mailbox)
    assert mail["Subject"].startswith("Việc mới:") and mail["Subject"].endswith(f"hồ sơ {code}")
    assert "Kính gửi Lê Thị Ngọc," in mail.get_content()


def test_lost_answers_and_repeated_passes_send_each_notice_once(first, clock, zalo, mailbox):  # noqa: F811
    zalo.faults.set({"lost_answer_rate": 1})  # the sandbox keeps each message but the answer never arrives
    receive(first)
    receive(first)
    run_once(first, "w", 100)
    assert len(zalo.messages()) == 2 and zalo.counters()["lost_answer"] == 2
    zalo.faults.set({"lost_answer_rate": 0})
    for _ in range(3):
        clock.advance(minutes=10)
        run_once(first, "w", 100)
    assert len(zalo.messages()) == 2 and zalo.counters()["duplicates"] == 2
    assert len(officer_mails(mailbox)) == 2
    assert len({m["Message-ID"] for m in officer_mails(mailbox)}) == 2


def test_fault_injection_on_zalo_delivers_every_notice_once(notifying, zalo, clock):  # noqa: F811
    """40 notices to the one-stop section, each to 2 officers on Zalo, through 500s, dropped connections and lost
    answers (run with -s for the figures)."""
    for username, zalo_id in (("lan", "84900000011"), ("hue", "84900000012")):
        notifying.accounts.create(username, f"Cán bộ {username}", "one_stop", "Bộ phận Một cửa", DEMO_PASSWORD)
        notifying.accounts.set_channels(username, "", zalo_id, ["zalo"])
    now = clock.now()
    notices = [
        new_message(
            None, "notification", f"fi-{n}", {"event": "dossier_late", "lane": ONE_STOP_LANE, "code": f"FI{n}"}, now
        )
        for n in range(40)
    ]
    with notifying.db.unit_of_work() as uow:
        uow.outbox.add(notices)
    zalo.faults.set({"error_rate": 0.2, "drop_rate": 0.1, "lost_answer_rate": 0.1, "seed": 12})
    notifying.outbox.max_attempts = 30
    for _ in range(200):
        notifying.outbox.dispatch(50)
        with notifying.db.reading() as uow:
            if not uow.outbox.in_state("pending"):
                break
        clock.advance(hours=7)  # past any backoff
    expected = {f"fi-{n}|{u}|zalo" for n in range(40) for u in ("lan", "hue")}
    keys = [m["key"] for m in zalo.messages()]
    counters = zalo.counters()
    with notifying.db.reading() as uow:
        sent = {m.idempotency_key for m in uow.outbox.in_state("sent", limit=1000) if m.kind == "officer_notice"}
    print(
        f"\nzalo fault injection: {len(expected)} notices, {len(sent)} sent, {counters['error']} HTTP 500, "
        f"{counters['drop']} dropped connections, {counters['lost_answer']} lost answers, {counters['duplicates']} "
        f"repeats absorbed by the idempotency key, {len(keys) - len(set(keys))} duplicates kept, "
        f"{len(expected - set(keys))} lost"
    )
    assert sorted(keys) == sorted(expected) and sent == expected
    assert counters["error"] and counters["drop"] and counters["lost_answer"] and counters["duplicates"]
