"""The step writer: a record written against a stale head changes nothing, and the unit of work fails with Conflict.

On PostgreSQL a step's writes are only queued and go out with the COMMIT (one round trip): the revision check is
then made by the server, so that a stale head aborts the transaction before it commits.
"""

import pytest

from engine.domain.errors import Conflict
from engine.services.step_record import note_record
from tests.conftest import fixture_files


@pytest.fixture
def started(services):
    services.deploy.deploy(fixture_files("three_steps.bpmn"), "designer")
    services.instances.start("three_steps", "H1", {"received_at": services.clock.now().isoformat()}, "motcua")
    return services


def test_a_record_written_against_a_stale_head_changes_nothing(started):
    services = started
    with services.db.reading() as uow:
        stale = uow.instances.head_by_code("H1")
    task = services.instances.tasks(code="H1")[0]
    services.instances.claim(task.task_id, "motcua")  # moves the instance one revision on
    before = services.instances.history("H1")

    with pytest.raises(Conflict, match="vừa được một thao tác khác thay đổi"):
        with services.db.unit_of_work() as uow:
            uow.steps.write(note_record(stale, "dossier:task:claimed", "other", {}, task.task_id, services.clock.now()))

    assert services.instances.history("H1") == before
    assert services.audit.verify("H1").intact


def test_statements_after_a_queued_write_see_it(started):
    """A statement that needs an answer sends the queued writes first (PostgreSQL's pipeline is synced)."""
    services = started
    task = services.instances.tasks(code="H1")[0]
    with services.db.unit_of_work() as uow:
        head = uow.instances.lock_by_code("H1")
        uow.steps.write(note_record(head, "dossier:task:claimed", "motcua", {}, task.task_id, services.clock.now()))
        assert uow.history.last_of_task(task.task_id).tag == "dossier:task:claimed"
        assert uow.instances.head_by_code("H1").revision == head.revision + 1
