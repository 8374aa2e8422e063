"""Receiving dossiers: code, clock start and appointment, workflow start, validation that changes nothing; reading."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from engine.domain.clock import VN_TZ
from engine.domain.errors import NotFound, ValidationError
from engine.persistence.models import Dossier, Instance
from tests.conftest import RecordingSender, fixture_files

AGENCY = "H15.50.05.13"
HOP_QUY = "1.000047.000.00.00.H56"  # Đăng ký công bố hợp quy: 5 working days, all channels, result by post
TUYEN_CHON = "1.002251.000.00.00.H56"  # counter and postal only, no result by post; its process is not deployed
APPLICANT = {
    "type": 2,
    "name": "Công ty TNHH Thiết bị điện Cao Bằng",
    "id_number": "4800123456",
    "address": "Số 5 phố Vườn Cam, phường Hợp Giang, tỉnh Cao Bằng",
    "phone": "0206 3852 123",
    "email": "thietbidien.cb@gmail.com",
}


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY}


@pytest.fixture
def services(app):
    services = app.extensions["motcua"]
    services.deploy.deploy(fixture_files("cong_bo_hop_quy.bpmn"), "designer")
    return services


def all_documents(services, code=HOP_QUY, **flags):
    return [{"name": d.name, **flags} for d in services.dossiers.catalogue.get(code).documents]


def receive(services, reception=None, **overrides):
    args = {
        "procedure_code": HOP_QUY,
        "applicant": APPLICANT,
        "channel": 1,
        "result_delivery": "counter",
        "documents": all_documents(services),
        "actor": "motcua1",
    }
    args.update(overrides)
    return (reception or services.reception).receive(**args)


def dossier_rows(services) -> int:
    with services.db.read() as session:
        return session.scalar(select(func.count()).select_from(Dossier))


def test_a_counter_reception_registers_the_dossier_and_starts_its_workflow(services):
    view = receive(services)
    assert view.code == f"{AGENCY}-260302-0001"
    assert view.status == 2 and view.status_label == "Được tiếp nhận"
    assert view.received_at == view.clock_start == vn(2026, 3, 2, 8, 0)
    assert view.appointment == view.original_appointment == vn(2026, 3, 9, 8, 0)  # 5 working days, same time
    assert view.applicant == APPLICANT
    assert view.fee == 150000 and view.fee_paid is False
    assert view.received_by == "motcua1" and view.channel == 1 and view.result_delivery == "counter"
    assert [d["received"] for d in view.documents] == [True] * 4
    with services.db.read() as session:
        assert view.instance_id == session.scalar(select(Instance.id).where(Instance.code == view.code))

    started = services.instances.history(view.code)[0]
    assert started.tag == "instance:started" and started.actor == "motcua1"
    assert started.payload["data"] == {
        "dossier_code": view.code,
        "procedure_code": HOP_QUY,
        "received_at": "2026-03-02T08:00:00+07:00",
        "clock_start": "2026-03-02T08:00:00+07:00",
        "appointment": "2026-03-09T08:00:00+07:00",
        "channel": 1,
        "applicant": APPLICANT,
        "supplement_policy": "pause",
        "time_limit": "5d",
        "legal_basis": "nd118-2025",  # in force on 02/03/2026, with its rule for the apology timer
        "apology_notice_days": 1,
    }
    [task] = view.tasks
    assert task.name == "transfer" and task.due_at == vn(2026, 3, 2, 13, 30)  # 0.5 working day


def test_two_receptions_on_one_day_take_consecutive_numbers(services, clock):
    first = receive(services)
    clock.advance(hours=3)
    second = receive(services)
    assert [first.code, second.code] == [f"{AGENCY}-260302-0001", f"{AGENCY}-260302-0002"]


def test_before_the_cutoff_the_clock_starts_at_reception(services, clock):
    clock.set(vn(2026, 2, 13, 16, 55))  # Friday before Tết; the default cutoff is 17:00
    view = receive(services)
    assert view.code == f"{AGENCY}-260213-0001"
    assert view.clock_start == vn(2026, 2, 13, 16, 55)
    assert view.appointment == vn(2026, 2, 27, 16, 55)  # Tết 16/2-20/2 is off: 23, 24, 25, 26, 27 February


def test_after_an_earlier_cutoff_the_clock_starts_the_next_working_morning(services, clock):
    clock.set(vn(2026, 2, 13, 16, 55))
    from web import create_app

    settings = {"database_url": services.settings.database_url, "agency_code": AGENCY, "cutoff": "15:00"}
    earlier = create_app(settings, clock=clock, sender=RecordingSender()).extensions["motcua"]
    view = receive(services, earlier.reception)
    earlier.close()
    assert view.code == f"{AGENCY}-260213-0001"  # numbered on the day received
    assert view.received_at == vn(2026, 2, 13, 16, 55)
    assert view.clock_start == vn(2026, 2, 23, 7, 30)  # Monday after Tết
    # 5 working days from Monday 07:30 is Monday 2/3 07:30, written as the close before it.
    assert view.appointment == vn(2026, 2, 27, 17, 0)


def test_a_postal_dossier_counts_from_the_signing_of_the_handover_record(services):
    handover = vn(2026, 2, 27, 10, 0)  # signed last Friday, registered on Monday
    view = receive(services, channel=3, result_delivery="post", handover_at=handover)
    assert view.code == f"{AGENCY}-260227-0001"
    assert view.received_at == view.clock_start == handover
    assert view.appointment == vn(2026, 3, 6, 10, 0)


def test_preview_shows_what_reception_stores(services, clock):
    clock.set(vn(2026, 3, 4, 17, 20))  # after office hours
    preview = services.reception.preview_appointment(HOP_QUY, 1)
    assert dossier_rows(services) == 0
    view = receive(services)
    assert preview == (view.clock_start, view.appointment) == (vn(2026, 3, 5, 7, 30), vn(2026, 3, 11, 17, 0))
    handover = vn(2026, 3, 4, 9, 0)
    postal = services.reception.preview_appointment(HOP_QUY, 3, handover)
    view = receive(services, channel=3, handover_at=handover)
    assert postal == (view.clock_start, view.appointment) == (handover, vn(2026, 3, 11, 9, 0))


def test_preview_refuses_what_reception_refuses(services):
    with pytest.raises(ValidationError) as error:
        services.reception.preview_appointment("1.999999.000.00.00.H56", 3)
    assert set(error.value.fields) == {"procedure_code", "handover_at"}


def _without(mapping: dict, key: str) -> dict:
    return {k: v for k, v in mapping.items() if k != key}


INVALID = [
    ("procedure_code", {"procedure_code": "1.999999.000.00.00.H56"}),
    ("channel", {"channel": 4}),
    ("channel", {"channel": True}),
    ("channel", {"procedure_code": TUYEN_CHON, "channel": 2, "documents": "tuyen_chon"}),
    ("result_delivery", {"result_delivery": "fax"}),
    ("result_delivery", {"procedure_code": TUYEN_CHON, "result_delivery": "post", "documents": "tuyen_chon"}),
    ("applicant", "not a mapping"),
    ("applicant", {"applicant": {**APPLICANT, "fax": "0206 1234 567"}}),
    ("applicant.type", {"applicant": {**APPLICANT, "type": 5}}),
    ("applicant.type", {"applicant": _without(APPLICANT, "type")}),
    ("applicant.name", {"applicant": {**APPLICANT, "name": "   "}}),
    ("applicant.name", {"applicant": {**APPLICANT, "name": "x" * 201}}),
    ("applicant.id_number", {"applicant": _without(APPLICANT, "id_number")}),
    ("applicant.id_number", {"applicant": {**APPLICANT, "id_number": "12#45"}}),
    ("applicant.address", {"applicant": _without(APPLICANT, "address")}),
    ("applicant.phone", {"applicant": _without(APPLICANT, "phone")}),
    ("applicant.phone", {"applicant": {**APPLICANT, "phone": "0206-385-2123"}}),
    ("applicant.phone", {"applicant": {**APPLICANT, "phone": "0912 345"}}),
    ("applicant.phone", {"applicant": {**APPLICANT, "phone": "+84 912 345 678 123 45"}}),
    ("applicant.phone", {"applicant": {**APPLICANT, "phone": "0912 +345 678"}}),
    ("applicant.email", {"applicant": {**APPLICANT, "email": "thietbidien.cb"}}),
    ("applicant.email", {"applicant": {**APPLICANT, "email": "a b@x.vn"}}),
    ("documents", {"documents": "missing_one"}),
    ("documents", {"documents": "not_received"}),
    ("documents", {"documents": None}),
    ("documents[5]", {"documents": "unknown"}),
    ("documents[5]", {"documents": "twice"}),
    ("documents[1].digitised", {"documents": "bad_flag"}),
    ("handover_at", {"handover_at": vn(2026, 3, 2, 7, 45)}),
    ("handover_at", {"channel": 3}),
    ("handover_at", {"channel": 3, "handover_at": vn(2026, 3, 2, 8, 1)}),
    ("handover_at", {"channel": 3, "handover_at": datetime(2026, 3, 2, 7, 0)}),
    ("actor", {"actor": ""}),
    ("fee_paid", {"fee_paid": "yes"}),
]


def _documents(services, kind: str):
    documents = all_documents(services)
    if kind == "tuyen_chon":
        return all_documents(services, TUYEN_CHON)
    if kind == "missing_one":
        return documents[1:]
    if kind == "not_received":
        return [{**documents[0], "received": False}, *documents[1:]]
    if kind == "unknown":
        return [*documents, {"name": "Giấy phép lái xe"}]
    if kind == "twice":
        return [*documents, {"name": documents[0]["name"].upper()}]
    if kind == "bad_flag":
        return [{**documents[0], "digitised": "có"}, *documents[1:]]
    return kind


@pytest.mark.parametrize(("field", "change"), INVALID, ids=[f"{f}-{i}" for i, (f, _) in enumerate(INVALID)])
def test_an_invalid_field_is_named_and_changes_nothing(services, field, change):
    change = {"applicant": change} if isinstance(change, str) else dict(change)
    if isinstance(change.get("documents"), str):
        change["documents"] = _documents(services, change["documents"])
    with pytest.raises(ValidationError) as error:
        receive(services, **change)
    assert field in error.value.fields, error.value.fields
    assert error.value.fields[field] in str(error.value)
    assert str(error.value).startswith("Chưa tiếp nhận được hồ sơ")
    assert dossier_rows(services) == 0
    with services.db.reading() as uow:
        assert uow.dossiers.last_number(AGENCY, date(2026, 3, 2)) == 0
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Instance)) == 0
    assert receive(services).code == f"{AGENCY}-260302-0001"


def test_every_problem_is_reported_at_once(services):
    with pytest.raises(ValidationError) as error:
        receive(services, applicant={"type": 1, "name": "Nguyễn Văn An"}, channel=3, documents=[])
    assert set(error.value.fields) == {
        "applicant.id_number",
        "applicant.address",
        "applicant.phone",
        "handover_at",
        "documents",
    }


def test_missing_required_documents_are_listed_for_a_supplementation_request(services):
    documents = all_documents(services)
    with pytest.raises(ValidationError) as error:
        receive(services, documents=[documents[0], documents[3]])
    problem = error.value.fields["documents"]
    assert "Giấy chứng nhận phù hợp quy chuẩn kỹ thuật" in problem and "Giấy chứng nhận đăng ký doanh nghiệp" in problem
    assert "Mẫu nhãn" not in problem  # not required
    assert "Mẫu 02" in problem


def test_optional_documents_may_be_missing_and_flags_are_kept(services):
    documents = all_documents(services)[:3]
    documents[0]["digitised"] = True
    documents[1]["name"] = "  giấy chứng nhận phù hợp quy chuẩn kỹ thuật do tổ chức chứng nhận   đã đăng ký cấp "
    view = receive(services, documents=documents, fee_paid=True)
    assert [(d["received"], d["digitised"]) for d in view.documents] == [
        (True, True),
        (True, False),
        (True, False),
        (False, False),
    ]
    assert (
        view.documents[1]["name"] == "Giấy chứng nhận phù hợp quy chuẩn kỹ thuật do tổ chức chứng nhận đã đăng ký cấp"
    )
    assert view.fee_paid is True


def test_applicant_text_is_tidied_and_email_is_optional(services):
    applicant = {**_without(APPLICANT, "email"), "name": "  Nguyễn   Văn An ", "type": 1, "id_number": "0012 3456 7890"}
    view = receive(services, applicant=applicant)
    assert view.applicant["name"] == "Nguyễn Văn An"
    assert view.applicant["id_number"] == "001234567890"
    assert "email" not in view.applicant


def test_a_procedure_without_a_deployed_process_takes_no_number(services):
    with pytest.raises(ValidationError, match="chưa có quy trình nội bộ được triển khai") as error:
        receive(services, procedure_code=TUYEN_CHON, documents=all_documents(services, TUYEN_CHON))
    assert "procedure_code" in error.value.fields
    assert dossier_rows(services) == 0
    assert receive(services).code == f"{AGENCY}-260302-0001"


def test_a_failed_workflow_start_leaves_nothing_half_received(services, monkeypatch):
    def broken_start(*_args, **_kwargs):
        raise RuntimeError("engine down")

    monkeypatch.setattr(services.instances, "run_start", broken_start)
    with pytest.raises(RuntimeError, match="engine down"):
        receive(services)
    assert dossier_rows(services) == 0
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Instance)) == 0
    monkeypatch.undo()
    assert receive(services).code == f"{AGENCY}-260302-0001"  # the number was never used


def test_a_reception_waits_for_one_that_fails_and_takes_the_number_it_leaves(services, monkeypatch):
    """Reception is one transaction: a colleague's reception waits while ours holds the day's counter, and gets the
    number ours gave back when it failed (no gap in the register, no number used twice)."""
    import threading

    original, holding, release = services.instances.run_start, threading.Event(), threading.Event()

    def start_then_fail(*args, **kwargs):
        if threading.current_thread() is threading.main_thread():
            holding.set()
            release.wait(30)
            raise RuntimeError("engine down")
        return original(*args, **kwargs)

    monkeypatch.setattr(services.instances, "run_start", start_then_fail)
    codes = []

    def colleague_receives():
        holding.wait(30)  # ours holds the day's counter now
        release.set()
        codes.append(receive(services).code)

    colleague = threading.Thread(target=colleague_receives)
    colleague.start()
    with pytest.raises(RuntimeError):
        receive(services)
    colleague.join(60)
    assert codes == [f"{AGENCY}-260302-0001"]
    assert [v.code for v in services.dossiers.list()] == [f"{AGENCY}-260302-0001"]


def test_get_and_list(services, clock):
    first = receive(services)
    clock.set(vn(2026, 3, 3, 9, 0))
    second = receive(services, applicant={**APPLICANT, "name": "Hợp tác xã Trà Hoa Vàng"}, channel=2)
    got = services.dossiers.get(second.code)
    assert replace(got, tasks=()) == replace(second, tasks=())
    assert got.procedure_name.startswith("Đăng ký công bố hợp quy")

    assert [v.code for v in services.dossiers.list()] == [second.code, first.code]
    assert services.dossiers.list()[0].tasks == ()
    assert [v.code for v in services.dossiers.list(status=2, procedure_code=HOP_QUY)] == [second.code, first.code]
    assert services.dossiers.list(status=9) == []
    assert services.dossiers.list(procedure_code=TUYEN_CHON) == []
    assert [v.code for v in services.dossiers.list(received_from=date(2026, 3, 3))] == [second.code]
    assert [v.code for v in services.dossiers.list(received_to=date(2026, 3, 2))] == [first.code]
    assert [v.code for v in services.dossiers.list(received_to=vn(2026, 3, 2, 8, 0))] == [first.code]
    assert [v.code for v in services.dossiers.list(received_from=vn(2026, 3, 2, 8, 0) + timedelta(seconds=1))] == [
        second.code
    ]
    assert [v.code for v in services.dossiers.list(limit=1, offset=1)] == [first.code]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"status": 11}, "status"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"received_from": "x"}, "received_from"),
    ],
)
def test_list_refuses_bad_filters(services, kwargs, field):
    with pytest.raises(ValidationError) as error:
        services.dossiers.list(**kwargs)
    assert field is None or field in error.value.fields


def test_get_an_unknown_dossier(services):
    with pytest.raises(NotFound, match="không có hồ sơ"):
        services.dossiers.get(f"{AGENCY}-260302-0001")


def test_a_bad_cutoff_setting_is_refused_with_an_example():
    from engine.services.wiring import parse_cutoff

    assert parse_cutoff("15:00") == time(15, 0)
    assert parse_cutoff("") is None
    with pytest.raises(ValueError, match="17:00"):
        parse_cutoff("5pm")
