"""`motcua portal reconcile` against the portal sandbox over real HTTP: a dossier the portal lost is sent again, one
in sync is left alone, one with portal messages still waiting is left to the outbox; a second run finds all in sync."""

import sqlite3
import threading

import pytest
from click.testing import CliRunner

from adapters.portal.sandbox import PortalSandbox
from engine.persistence.outbox import new_message
from engine.services.portal_sync import status_message
from tests.conftest import RecordingSender, deploy_shipped
from tests.web.test_counter import AGENCY, receive
from web import create_app
from web.cli import main

SECRET = "khoá đối soát"


@pytest.fixture
def sandbox(tmp_path):
    portal = PortalSandbox(str(tmp_path / "portal.db"), SECRET)
    server = portal.server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    portal.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield portal
    server.shutdown()
    server.server_close()


def test_reconcile_sends_again_what_the_portal_lost_and_nothing_twice(tmp_path, sandbox, clock):
    env = {
        "MOTCUA_DATABASE_URL": f"sqlite:///{tmp_path / 'motcua.db'}",
        "MOTCUA_AGENCY_CODE": AGENCY,
        "MOTCUA_PORTAL_GATEWAY": "adapters.portal.http_gateway:HttpPortalGateway",
        "MOTCUA_PORTAL_URL": sandbox.url,
        "MOTCUA_PORTAL_SECRET": SECRET,
    }
    config = {"database_url": env["MOTCUA_DATABASE_URL"], "agency_code": AGENCY, "portal_url": sandbox.url}
    config |= {"portal_gateway": env["MOTCUA_PORTAL_GATEWAY"], "portal_secret": SECRET}
    services = create_app(config, clock=clock, sender=RecordingSender()).extensions["motcua"]
    services.migrate()
    deploy_shipped(services)
    lost, kept, waiting = (receive(services).code for _ in range(3))
    while services.outbox.dispatch():
        pass
    with sqlite3.connect(sandbox.db_path) as db:  # the portal loses what it had of one dossier
        db.execute("DELETE FROM delivery WHERE dossier_code = ?", (lost,))
    with services.db.unit_of_work() as uow:  # another has a message waiting in the outbox
        row = uow.dossiers.row(waiting)
        uow.outbox.add([new_message(row.instance_id, "portal_status", "w:1", status_message(row), clock.now())])
    services.close()

    runner = CliRunner(env=env)
    first = runner.invoke(main, ["portal", "reconcile"])
    assert first.exit_code == 0, first.output
    assert "Đã so 3 hồ sơ: 1 khớp, 1 lệch đã xếp gửi lại" in first.stdout and "1 còn tin chờ gửi" in first.stdout
    assert f"{lost}\tcổng: chưa có\tSở: 4" in first.stdout
    assert sandbox.dossiers()[lost]["statuses"][-1]["status"] == 4
    second = runner.invoke(main, ["portal", "reconcile", "--since", "2026-03-01"])
    assert "Đã so 3 hồ sơ: 3 khớp, 0 lệch" in second.stdout, second.output
    assert sandbox.counters()["duplicates"] == 0
