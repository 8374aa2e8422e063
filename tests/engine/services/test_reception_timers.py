"""Dossiers started at every position of their waiting timers: none due, some due, all due when they are accepted.

A postal dossier counts from the signing of its handover record, which may be days before the one-stop officer
accepts it; by then the apology reminder (`nhac_xin_loi`, one working day or two hours before the appointment) and the
overdue timer (`qua_han`, at the appointment) may already be due. Accepting it arms both in one step: a due timer
fires within that step and is recorded as fired, the other waits, and the worker fires it later. (Mixing the two in
one step once failed with `A value is required for bind parameter 'fired_at'` and a 500.)
"""

from datetime import date, datetime, timedelta

import pytest

from engine.domain.clock import VN_TZ
from tests.conftest import deploy_shipped
from tests.engine.services.test_dossiers import APPLICANT
from tests.test_architecture import MAIN_PATH_DATA

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)  # the clock fixture's Monday 08:00
POSTAL = [  # procedures accepting postal dossiers, with the reminder's lead before the appointment
    ("1.004454.000.00.00.H56", "x_quang_y_te"),
    ("1.001849.000.00.00.H56", "dang_ky_ket_qua_nhiem_vu"),
    ("1.003172.000.00.00.H56", "dang_ky_to_chuc_khcn"),
    ("1.000047.000.00.00.H56", "cong_bo_hop_quy"),
    ("1.002251.000.00.00.H56", "tuyen_chon_nhiem_vu"),
]
# When the officer accepts the dossier, relative to its appointment: at once (nothing due), a minute before the
# appointment (the reminder is due, the overdue timer is not), a minute after it (both due).
POSITIONS = {"none": None, "some": timedelta(minutes=-1), "all": timedelta(minutes=1)}


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13"}


@pytest.fixture
def services(app):
    return deploy_shipped(app.extensions["motcua"])


def _receive_postal(services, code: str, handover: datetime):
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(code).documents if d.required]
    return services.reception.receive(code, APPLICANT, 3, "counter", documents, "motcua1", handover_at=handover)


def _accept(services, code: str) -> None:
    [check] = services.instances.tasks(code=code)
    assert check.name == "tiep_nhan"
    services.instances.complete(check.task_id, MAIN_PATH_DATA["tiep_nhan"], "motcua1")


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize(("code", "process"), POSTAL, ids=[p for _, p in POSTAL])
def test_accepting_a_postal_dossier_arms_its_timers_whatever_is_already_due(services, clock, code, process, position):
    view = _receive_postal(services, code, NOW - timedelta(minutes=5))
    offset = POSITIONS[position]
    accepted_at = NOW if offset is None else view.appointment + offset
    clock.set(accepted_at)
    _accept(services, view.code)
    timers = {name: (due, state) for name, due, state in services.instances.timers(view.code)}
    assert set(timers) == {"nhac_xin_loi", "qua_han"}
    for name, (due, state) in timers.items():
        assert state == ("fired" if due <= accepted_at else "waiting"), name
    due_now = sorted(name for name, (due, _) in timers.items() if due <= accepted_at)
    assert due_now == {"none": [], "some": ["nhac_xin_loi"], "all": ["nhac_xin_loi", "qua_han"]}[position]
    assert timers["qua_han"][0] == view.appointment

    fired = [e.payload["timer"] for e in services.instances.history(view.code) if e.tag == "instance:timer:fired"]
    assert fired == due_now  # recorded once each, in the acceptance's own step
    assert "tiep_nhan" not in [t.name for t in services.instances.tasks(code=view.code)]

    # The worker fires what is left when it falls due, and nothing twice.
    clock.set(view.appointment + timedelta(minutes=1))
    services.timers.run_pass("w1")
    states = {name: state for name, _, state in services.instances.timers(view.code)}
    assert states == {"nhac_xin_loi": "fired", "qua_han": "fired"}
    fired = [e.payload["timer"] for e in services.instances.history(view.code) if e.tag == "instance:timer:fired"]
    assert sorted(fired) == ["nhac_xin_loi", "qua_han"]
    assert services.audit.verify(view.code).intact


HOP_QUY = POSTAL[3][0]
A_WEEK_AGO = datetime(2026, 2, 23, 14, 0, tzinfo=VN_TZ)  # appointment Monday 2 March 14:00, reminder Friday 14:00


def test_a_postal_dossier_handed_over_a_week_ago_is_accepted_with_its_reminder_fired(services):
    view = _receive_postal(services, HOP_QUY, A_WEEK_AGO)
    _accept(services, view.code)
    assert [(n, s) for n, _, s in services.instances.timers(view.code)] == [
        ("nhac_xin_loi", "fired"),
        ("qua_han", "waiting"),
    ]
    tasks = sorted(t.name for t in services.instances.tasks(code=view.code))
    assert tasks == ["lap_phieu_xin_loi", "phan_cong"]  # the reminder asks for the apology letter at once


def _broken_write(self, record):
    raise RuntimeError("the database went away")


def test_a_failed_reception_leaves_no_register_line_and_a_failed_acceptance_changes_nothing(services, monkeypatch):
    from engine.persistence import steps

    with monkeypatch.context() as patch:
        patch.setattr(steps.StepStore, "write", _broken_write)
        with pytest.raises(RuntimeError):
            _receive_postal(services, HOP_QUY, A_WEEK_AGO)
    assert services.registers.register(date(2026, 2, 1), date(2026, 3, 2)) == []

    view = _receive_postal(services, HOP_QUY, A_WEEK_AGO)
    assert view.code.endswith("-0001")  # the failed reception used no number
    before = services.instances.history(view.code)
    with monkeypatch.context() as patch:
        patch.setattr(steps.StepStore, "write", _broken_write)
        with pytest.raises(RuntimeError):
            _accept(services, view.code)
    assert services.instances.history(view.code) == before
    assert services.instances.timers(view.code) == []
    assert [t.name for t in services.instances.tasks(code=view.code)] == ["tiep_nhan"]
