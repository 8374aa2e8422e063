"""E-mail notifications over SMTP, against a real SMTP server on 127.0.0.1 (aiosmtpd): the letters to the applicant
(Mẫu 01 accepted, Mẫu 02 supplementation needed) in Vietnamese from the template files, each sent once."""

import email
import socket
from email.policy import default as default_policy

import pytest

from tests.conftest import deploy_shipped
from tests.test_architecture import MAIN_PATH_DATA
from tests.web.test_counter import AGENCY, APPLICANT, X_RAY
from web import create_app

aiosmtpd = pytest.importorskip("aiosmtpd.controller")


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture
def mailbox():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        inbox.port = probe.getsockname()[1]
    controller = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def mailing(database_url, clock, mailbox):
    config = {
        "database_url": database_url,
        "agency_code": AGENCY,
        "notification_sender": "adapters.notify.smtp:SmtpNotifier",
        "smtp_host": "127.0.0.1",
        "smtp_port": mailbox.port,
        "mail_from": "Bộ phận Một cửa Sở KH&CN <motcua@skhcn.example.vn>",
        "public_url": "https://dichvucong.example.vn",
    }
    app = create_app(config, clock=clock)
    services = deploy_shipped(app.extensions["motcua"])
    yield services
    services.close()


APPLICANT_WITH_EMAIL = {**APPLICANT, "email": "hongnhung@example.vn"}


def receive(services, channel):
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(X_RAY).documents if d.required]
    return services.reception.receive(X_RAY, APPLICANT_WITH_EMAIL, channel, "counter", documents, "motcua1")


def dispatch_all(services):
    while services.outbox.dispatch():
        pass


def test_the_applicant_gets_mau_01_once_in_vietnamese(mailing, mailbox):
    dossier = receive(mailing, 1)
    dispatch_all(mailing)
    dispatch_all(mailing)
    [mail] = mailbox.messages
    assert mail["Subject"] == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert mail["To"].addresses[0].addr_spec == "hongnhung@example.vn"
    body = mail.get_content()
    assert f"Mã hồ sơ: {dossier.code}" in body
    assert f"Ngày hẹn trả kết quả: {dossier.appointment.strftime('%d/%m/%Y %H:%M')}" in body
    assert "https://dichvucong.example.vn/tra-cuu" in body and "Kính gửi Phòng khám Đa khoa Hồng Nhung" in body


def test_a_supplementation_request_lists_what_is_missing(mailing, mailbox):
    dossier = receive(mailing, 2)
    [task] = mailing.instances.tasks(code=dossier.code)
    missing = [{"item": "Giấy chứng nhận kiểm định thiết bị X-quang", "reason": "đã hết hạn"}]
    data = {**MAIN_PATH_DATA["tiep_nhan"], "reception_result": "supplement", "missing_items": missing}
    mailing.instances.complete(task.task_id, data, "motcua1")
    dispatch_all(mailing)
    [mail] = mailbox.messages
    assert mail["Subject"] == f"Hồ sơ {dossier.code} cần bổ sung, hoàn thiện"
    assert "- Giấy chứng nhận kiểm định thiết bị X-quang: đã hết hạn" in mail.get_content()


def test_an_smtp_server_that_is_down_means_try_again_later(mailing, mailbox, clock):
    mailing.outbox.adapters.notifier.port = 1  # nothing listens there
    receive(mailing, 1)
    dispatch_all(mailing)
    assert mailbox.messages == []
    with mailing.db.reading() as uow:
        [letter] = [m for m in uow.outbox.in_state("pending") if m.kind == "letter"]
    assert letter.attempts == 1 and "SMTP" in letter.last_error
