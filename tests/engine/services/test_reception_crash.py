"""A reception is one unit of work: a process killed in the middle of one leaves nothing half-written.

The reception runs in a child process that kills itself (SIGKILL: no cleanup, no rollback of ours) once every part
of the reception has been written inside the transaction, just before the commit: the dossier row and its number,
the instance, the workflow's first step (history, tasks, timers, outbox) and the scans. The parent then opens the
database and finds no trace of it; the next reception takes the first number of the day.
"""

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from engine.persistence.models import Dossier, DossierFile, HistoryEvent, Instance, OutboxMessage, UserTask
from tests.conftest import fixture_files
from tests.engine.services.test_dossiers import AGENCY, receive

ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from datetime import datetime
    from engine.domain.clock import VN_TZ, FakeClock
    from engine.persistence import steps
    from engine.services.dossier_files import Scan
    from tests.conftest import RecordingSender
    from tests.engine.services.test_dossiers import AGENCY, APPLICANT, HOP_QUY, all_documents
    from web import create_app

    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ))
    app = create_app({{"database_url": {url!r}, "agency_code": AGENCY}}, clock=clock, sender=RecordingSender())
    services = app.extensions["motcua"]
    written = steps.StepStore.write

    def write_then_die(self, record):
        written(self, record)
        print("written", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # the reception is complete in the transaction, not yet committed

    steps.StepStore.write = write_then_die
    documents = all_documents(services)
    scan = Scan(documents[0]["name"], "ban-quet.pdf", b"%PDF-1.4 scan", "application/pdf")
    services.reception.receive(HOP_QUY, APPLICANT, 1, "counter", documents, "motcua1", scans=[scan])
    print("committed", flush=True)
    """
)


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY}


@pytest.fixture
def deployed(services):
    services.deploy.deploy(fixture_files("cong_bo_hop_quy.bpmn"), "designer")
    return services


def count(url: str, table) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(table))
    finally:
        engine.dispose()


def test_a_reception_killed_before_its_commit_leaves_nothing(deployed, database_url):
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), url=database_url)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout.split() == ["written"], child.stdout  # it died after writing everything, before the commit
    for table in (Dossier, Instance, HistoryEvent, UserTask, OutboxMessage, DossierFile):
        assert count(database_url, table) == 0, table.__tablename__
    assert receive(deployed).code == f"{AGENCY}-260302-0001"
