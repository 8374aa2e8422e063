"""The auditor's pages: searching dossiers (`/kiem-tra`) by every criterion, paged and as CSV; the history with the
old and new values of the fields each task changed; the verify button on the dossier page."""

import csv
import io

import pytest
from sqlalchemy import update

from engine.persistence.models import Dossier, HistoryEvent, Instance
from tests.engine.services.test_audit import AGENCY, HOP_QUY, KEY, advance, receive


@pytest.fixture
def app_config(tmp_path):
    return {"agency_code": AGENCY, "audit_key": KEY, "anchor_dir": tmp_path / "anchors"}


@pytest.fixture
def world(services, clock):
    """Three dossiers: the first moved on by chuyenvien (then marked late and extended), the second received a day
    later by another officer (supplemented), the third untouched."""
    first = receive(services)
    advance(services, first, "motcua1", {"ghi_chu": "đủ"})
    advance(services, first, "chuyenvien", {"ket_qua": "đạt", "ghi_chu": "đã thẩm định"})
    clock.advance(days=1)
    second = services.reception.receive(
        procedure_code=HOP_QUY,
        applicant={
            "type": 1,
            "name": "Nguyễn Văn Bình",
            "id_number": "012345678901",
            "address": "Hà Nội",
            "phone": "0912345678",
        },
        channel=1,
        result_delivery="counter",
        documents=[{"name": d.name} for d in services.dossiers.catalogue.get(HOP_QUY).documents],
        actor="motcua2",
    ).code
    third = services.reception.receive(
        procedure_code=HOP_QUY,
        applicant={
            "type": 1,
            "name": "Trần Thị Cúc",
            "id_number": "012345678902",
            "address": "Huế",
            "phone": "0912345679",
        },
        channel=1,
        result_delivery="counter",
        documents=[{"name": d.name} for d in services.dossiers.catalogue.get(HOP_QUY).documents],
        actor="motcua1",
    ).code
    with services.db.engine.begin() as connection:  # arranged for the filters (the search reads these columns)
        connection.execute(update(Dossier).where(Dossier.code == first).values(late=True, extension_count=1))
        connection.execute(update(Dossier).where(Dossier.code == second).values(supplement_count=2))
    return first, second, third


def codes_on(page) -> list[str]:
    html = page.get_data(as_text=True)
    return [line.split("<code>")[1].split("</code>")[0] for line in html.splitlines() if "<td><a href=" in line]


@pytest.mark.parametrize(
    "criteria, expected",
    [
        ({}, (2, 1, 0)),
        ({"applicant": "bình"}, (1,)),
        ({"officer": "chuyenvien"}, (0,)),
        ({"officer": "motcua2"}, (1,)),
        ({"timeliness": "late"}, (0,)),
        ({"timeliness": "on_time"}, (2, 1)),
        ({"extended": "yes"}, (0,)),
        ({"supplemented": "yes"}, (1,)),
        ({"supplemented": "no", "extended": "no"}, (2,)),
        ({"received_from": "03/03/2026"}, (2, 1)),
        ({"received_to": "02/03/2026"}, (0,)),
        ({"status": "2"}, (2, 1, 0)),
        ({"status": "5"}, ()),
        ({"procedure": HOP_QUY}, (2, 1, 0)),
    ],
)
def test_the_auditor_finds_dossiers_by_each_criterion(world, sign_in, criteria, expected):
    page = sign_in("auditor").get("/kiem-tra", query_string=criteria)
    assert page.status_code == 200
    assert codes_on(page) == [world[i] for i in expected]
    assert f"Tìm thấy <strong>{len(expected)}</strong> hồ sơ" in page.get_data(as_text=True)


def test_search_by_code_and_division(world, services, sign_in):
    auditor = sign_in("auditor")
    assert codes_on(auditor.get("/kiem-tra", query_string={"code": world[1][-11:]})) == [world[1]]
    division = services.dossiers.catalogue.division_of(HOP_QUY)
    assert codes_on(auditor.get("/kiem-tra", query_string={"division": division})) == [world[2], world[1], world[0]]


def test_results_are_paged(world, sign_in, monkeypatch):
    monkeypatch.setattr("engine.services.audit_search.PAGE_SIZE", 2)
    auditor = sign_in("auditor")
    first = auditor.get("/kiem-tra")
    assert codes_on(first) == [world[2], world[1]] and "Trang 1 / 2" in first.get_data(as_text=True)
    assert 'rel="next"' in first.get_data(as_text=True)
    second = auditor.get("/kiem-tra?page=2")
    assert codes_on(second) == [world[0]] and 'rel="next"' not in second.get_data(as_text=True)


def test_results_export_as_csv_with_the_same_criteria(world, sign_in):
    response = sign_in("auditor").get("/kiem-tra/xuat.csv", query_string={"timeliness": "on_time"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Mã hồ sơ", "Mã thủ tục", "Thủ tục"]
    assert [r[0] for r in rows[1:]] == [world[2], world[1]]
    assert rows[1][4] == "Trần Thị Cúc" and rows[2][10] == "2"


@pytest.mark.parametrize(
    "criteria, field",
    [
        ({"status": "99"}, "trạng thái"),
        ({"received_from": "31/02/2026"}, "31/02/2026"),
        ({"procedure": "không-có"}, "không-có"),
        ({"division": "Phòng ma"}, "Phòng ma"),
        ({"timeliness": "soon"}, "late"),
        ({"extended": "maybe"}, "có hoặc không"),
        ({"received_from": "05/03/2026", "received_to": "01/03/2026"}, "trước ngày bắt đầu"),
    ],
)
def test_a_bad_criterion_is_named_and_nothing_breaks(world, sign_in, criteria, field):
    auditor = sign_in("auditor")
    page = auditor.get("/kiem-tra", query_string=criteria)
    assert page.status_code == 422 and field in page.get_data(as_text=True)
    assert auditor.get("/kiem-tra/xuat.csv", query_string=criteria).status_code == 422


def test_the_history_shows_the_old_and_new_values_of_the_fields_a_task_changed(world, sign_in):
    html = sign_in("auditor").get(f"/ho-so/{world[0]}").get_data(as_text=True)
    assert html.count('<table class="changes"') == 2
    assert '<td><code>ghi_chu</code></td><td class="old">đủ</td><td class="new">đã thẩm định</td>' in html
    assert '<td><code>ket_qua</code></td><td class="old"></td><td class="new">đạt</td>' in html


def test_the_verify_button_passes_then_names_the_edited_event(world, services, sign_in):
    auditor = sign_in("auditor")
    page = auditor.get(f"/ho-so/{world[0]}").get_data(as_text=True)
    assert "Kiểm tra tính toàn vẹn và chạy lại lịch sử" in page
    passed = auditor.post(f"/ho-so/{world[0]}/kiem-tra")
    assert passed.status_code == 200
    html = passed.get_data(as_text=True)
    # the arranged late / extension flags differ from what the steps recorded: the verification says so
    assert "Bị thay đổi" in html and "dòng hồ sơ" in html
    clean = auditor.post(f"/ho-so/{world[2]}/kiem-tra").get_data(as_text=True)
    assert "<strong>Toàn vẹn</strong>" in clean and "<strong>Chạy lại khớp</strong>: 1 bước" in clean
    with services.db.engine.begin() as connection:
        instance = connection.execute(Instance.__table__.select().where(Instance.code == world[2])).one()
        connection.execute(
            update(HistoryEvent)
            .where(HistoryEvent.instance_id == instance.id, HistoryEvent.seq == 2)
            .values(actor="mallory")
        )
    tampered = auditor.post(f"/ho-so/{world[2]}/kiem-tra").get_data(as_text=True)
    assert "<strong>Bị thay đổi</strong>" in tampered and "sự kiện 2" in tampered
    assert "Kiểm tra tính toàn vẹn" not in sign_in("one_stop").get(f"/ho-so/{world[2]}").get_data(as_text=True)


def test_the_history_downloads_as_json_and_csv_that_verify(world, services, sign_in):
    auditor = sign_in("auditor")
    exported = auditor.get(f"/ho-so/{world[2]}/lich-su.json")
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    assert f'filename="lich-su-{world[2]}.json"' in exported.headers["Content-Disposition"]
    report, sources = services.audit.verify_document(exported.get_json())
    assert report.intact and services.replay.replay_document(exported.get_json(), sources).verified
    table = auditor.get(f"/ho-so/{world[2]}/lich-su.csv")
    assert table.mimetype == "text/csv" and table.get_data(as_text=True).startswith("seq,tag,at,actor")
    assert auditor.get(f"/ho-so/{world[2]}/lich-su.xml").status_code == 404


def test_the_replay_view_gets_each_moment_of_the_history(world, services, sign_in):
    officer = sign_in("one_stop")  # whoever reads the dossier may replay it
    response = officer.get(f"/ho-so/{world[0]}/xem-lai")
    assert response.status_code == 200
    moments = response.get_json()["moments"]
    history = services.instances.history(world[0])
    assert [m["seq"] for m in moments] == [e.seq for e in history]
    first_ready = next(m for m in moments if m["tag"] == "dossier:task:ready")
    assert first_ready["current"] == ["transfer"] and first_ready["done"] == []
    assert first_ready["deadlines"]["transfer"] and first_ready["deadlines_text"]["transfer"].startswith("02/03/2026")
    second = [m for m in moments if m["tag"] == "dossier:task:completed"][1]
    assert second["done"] == ["transfer", "appraise"] and second["actor"] == "chuyenvien"
    assert second["data"]["ghi_chu"] == "đã thẩm định" and second["data"]["ket_qua"] == "đạt"
    assert moments[-1]["current"] == ["sign"] and moments[0]["appointment_text"]
    assert "Xem lại từng bước" in officer.get(f"/ho-so/{world[0]}").get_data(as_text=True)
    assert sign_in("clerk").get(f"/ho-so/{world[0]}/xem-lai").status_code == 403


def test_the_history_shows_the_fields_a_timer_step_changed_on_the_timer_s_event(services, clock, sign_in):
    """Not only task completions: the apology reminder fires one working day before the appointment (a system step,
    no one completed anything) and the fields its step changed show on the timer's event, old and new values."""
    from tests.conftest import deploy_shipped
    from tests.engine.services.test_extensions import complete, vn
    from tests.engine.services.test_extensions import receive as receive_x_ray

    deploy_shipped(services)
    code = receive_x_ray(services)  # Monday 2 March 08:00, appointment Tuesday 17 March 08:00
    complete(services, code, "phan_cong")
    clock.set(vn(2026, 3, 16, 9, 0))
    assert services.timers.run_pass("t", 100).fired >= 1

    html = sign_in("auditor").get(f"/ho-so/{code}").get_data(as_text=True)
    fired = [row.split("</tr>\n    ")[0] for row in html.split('<tr class="event instance-timer-fired">')[1:]]
    assert fired and '<table class="changes"' in fired[0], fired
    assert '<td><code>needed</code></td><td class="old"></td><td class="new">True</td>' in fired[0]
