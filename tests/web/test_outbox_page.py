"""The administrators' outbox: the page /quan-tri/hop-thu-di and `motcua outbox list|retry|discard`. A message parked
after the portal refused it is shown with its error; retried, it goes again; discarded with a reason, it lets the
dossier's later messages go; both are recorded in the dossier's history. Nothing changes on a form sent incomplete."""

import pytest
from click.testing import CliRunner

from engine.domain.errors import AdapterRejected
from tests.adapters.partner_server import PartnerServer
from tests.adapters.test_outbox_delivery import SECRET, queue, start, state_of
from tests.conftest import RecordingSender
from web import create_app
from web.cli import main

URL = "/quan-tri/hop-thu-di"


@pytest.fixture
def partner():
    with PartnerServer(SECRET) as server:
        yield server


@pytest.fixture
def app_config(partner):
    return {
        "portal_gateway": "adapters.portal.http_gateway:HttpPortalGateway",
        "portal_url": partner.url,
        "portal_secret": SECRET,
        "adapter_timeout": 2,
    }


def parked(services, partner):
    """Dossier H1 with portal statuses 4 then 9; the portal refuses the first: it is parked and holds back 9."""
    instance_id = start(services, "H1")
    keys = queue(services, instance_id, 4, 9)
    partner.faults = ["400"]
    services.outbox.dispatch()
    [(message_id, _kind, _error)] = [f for f in services.outbox.failed() if f[1] == "portal_status"]
    return message_id, keys


def events(services, tag):
    return [(e.actor, e.payload) for e in services.instances.history("H1") if e.tag == tag]


def test_the_page_shows_a_parked_message_with_its_error_and_retries_it(services, partner, sign_in):
    message_id, keys = parked(services, partner)
    admin = sign_in("admin")
    page = admin.get(URL).get_data(as_text=True)
    assert f'id="message-{message_id}"' in page and "HTTP 400" in page and "Gửi lại" in page
    pending = admin.get(URL + "?trang-thai=pending").get_data(as_text=True)
    assert "Trạng thái lên Cổng DVC · 9" in pending

    answer = admin.post(URL, {"action": "retry", "message": str(message_id)})
    assert answer.status_code == 302
    assert state_of(services, keys[0]) == ("pending", 0)
    [(actor, payload)] = events(services, "outbox:retried")
    assert actor == admin.username and payload["message"] == message_id and "HTTP 400" in payload["error"]
    while services.outbox.dispatch():
        pass
    assert partner.keys() == keys  # 4, then 9
    sent = admin.get(URL + "?trang-thai=sent").get_data(as_text=True)
    assert f'id="message-{message_id}"' in sent


def test_a_discard_needs_a_reason_and_lets_the_later_messages_go(services, partner, sign_in):
    message_id, keys = parked(services, partner)
    admin = sign_in("admin")
    refused = admin.post(URL, {"action": "discard", "message": str(message_id), "reason": " "})
    assert refused.status_code == 422 and "Ghi lý do bỏ tin nhắn" in refused.get_data(as_text=True)
    assert state_of(services, keys[0])[0] == "failed" and events(services, "outbox:discarded") == []

    answer = admin.post(URL, {"action": "discard", "message": str(message_id), "reason": "Cổng đã có trạng thái này"})
    assert answer.status_code == 302
    [(actor, payload)] = events(services, "outbox:discarded")
    assert actor == admin.username and payload["reason"] == "Cổng đã có trạng thái này"
    services.outbox.dispatch()
    assert partner.keys() == [keys[1]]
    assert "Cổng đã có trạng thái này" in admin.get(URL + "?trang-thai=discarded").get_data(as_text=True)


def test_only_a_parked_message_is_retried_or_discarded(services, partner, sign_in):
    message_id, keys = parked(services, partner)
    admin = sign_in("admin")
    admin.post(URL, {"action": "retry", "message": str(message_id)})
    again = admin.post(URL, {"action": "discard", "message": str(message_id), "reason": "x"})
    assert again.status_code == 409
    assert admin.post(URL, {"action": "retry", "message": "999999"}).status_code == 404
    assert admin.post(URL, {"action": "retry", "message": "abc"}).status_code == 422
    assert state_of(services, keys[0]) == ("pending", 0)


def test_the_command_line_lists_retries_and_discards(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    sender = RecordingSender()
    app = create_app({"database_url": url}, clock=clock, sender=sender)
    services = app.extensions["motcua"]
    services.migrate()
    start(services, "H1")
    start(services, "H2")
    sender.fail_with = AdapterRejected("hộp thư không tồn tại")
    services.outbox.dispatch()
    failed = [message_id for message_id, _kind, _error in services.outbox.failed()]
    services.close()
    assert len(failed) == 2

    runner = CliRunner(env={"MOTCUA_DATABASE_URL": url})
    listed = runner.invoke(main, ["outbox", "list"])
    assert listed.exit_code == 0, listed.output
    assert "bị dừng: 2" in listed.stdout and "hộp thư không tồn tại" in listed.stdout
    assert runner.invoke(main, ["outbox", "retry", str(failed[0])]).exit_code == 0
    refused = runner.invoke(main, ["outbox", "discard", str(failed[0]), "--reason", "x"])
    assert refused.exit_code == 1 and "LỖI" in refused.stderr
    assert runner.invoke(main, ["outbox", "discard", str(failed[1]), "--reason", "sai địa chỉ"]).exit_code == 0
    listed = runner.invoke(main, ["outbox", "list", "--state", "discarded"]).stdout
    assert "đã bỏ: 1" in listed and "sai địa chỉ" in listed
    assert "đang chờ: 1" in listed
