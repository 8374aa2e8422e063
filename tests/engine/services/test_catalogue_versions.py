"""The catalogue entry of a procedure edited with its diagram: validated in Vietnamese, kept in the draft, deployed
as part of the new version's file; each version carries its entry and dossiers are received under the latest one."""

from datetime import datetime

import pytest

from engine.domain.catalogue_entry import entry_form
from engine.domain.clock import VN_TZ
from engine.domain.errors import ProcessDefinitionError, ValidationError
from tests.conftest import PROCESSES, deploy_shipped
from tests.web.test_counter import X_RAY, receive

XRAY = (PROCESSES / "x_quang_y_te.bpmn").read_text("utf-8")
TWELVE_DAYS = XRAY.replace('name="allotment" value="6d"', 'name="allotment" value="7d"')


@pytest.fixture
def deployed(services):
    deploy_shipped(services)
    return services


def form(services, **changes):
    values = entry_form(services.designer.workspace("x_quang_y_te").summary.procedure)
    values.update(changes)
    return values


def test_a_new_version_carries_the_edited_entry_and_the_old_one_keeps_its_own(deployed):
    services = deployed
    entry = form(services, time_limit_amount="12", fee="2.500.000", channels=["counter", "online"])
    number = services.designer.deploy(
        "x_quang_y_te", "x_quang_y_te.bpmn", TWELVE_DAYS, 1, "Thời hạn 12 ngày", "thietke", entry=entry
    )
    assert number == 2
    summary = services.designer.workspace("x_quang_y_te").summary
    procedure = summary.procedure
    assert (procedure.time_limit, procedure.fee, procedure.channels) == ((12.0, "wd"), 2500000, ("counter", "online"))
    assert [v.catalogue_changes for v in summary.versions] == [
        (),
        ("Thời hạn giải quyết", "Phí, lệ phí", "Cách thức nộp"),
    ]
    changes = services.designer.catalogue_diff("x_quang_y_te", 1, 2)
    assert ("Thời hạn giải quyết", "11 ngày làm việc", "12 ngày làm việc") in changes
    assert ("Phí, lệ phí", "3.000.000 đồng", "2.500.000 đồng") in changes
    # version 1 is unchanged: its file is the one deployed, the catalogue file's entry
    assert services.designer.version_xml("x_quang_y_te", 1)[1] == XRAY
    assert 'name="catalogue"' in services.designer.version_xml("x_quang_y_te", 2)[1]


def test_a_change_of_the_entry_alone_is_a_new_version(deployed):
    services = deployed
    entry = form(services, legal_basis=form(services)["legal_basis"] + "\nQuyết định số 1/QĐ-UBND ngày 02/01/2026")
    assert services.designer.deploy("x_quang_y_te", "x_quang_y_te.bpmn", XRAY, 1, "Căn cứ mới", "a", entry=entry) == 2
    assert services.designer.workspace("x_quang_y_te").summary.procedure.legal_basis[-1].startswith("Quyết định số 1")
    with pytest.raises(ValidationError, match="Không có thay đổi"):
        services.designer.deploy("x_quang_y_te", "x_quang_y_te.bpmn", XRAY, 2, "lại", "a", entry=entry)


def test_the_allotments_are_checked_against_the_time_limit_of_the_entry(deployed):
    services = deployed
    with pytest.raises(ProcessDefinitionError) as refused:
        services.designer.deploy(
            "x_quang_y_te", "x_quang_y_te.bpmn", XRAY, 1, "x", "a", entry=form(services, time_limit_amount="12")
        )
    assert "12 working days" in str(refused.value.problems)
    assert len(services.designer.workspace("x_quang_y_te").summary.versions) == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": "  "}, "name", "Cần nhập tên thủ tục"),
        ({"code": "1.23"}, "code", "không đúng dạng"),
        ({"code": "1.001849.000.00.00.H56"}, "code", "đã là mã của thủ tục khác"),
        ({"time_limit_amount": "mười"}, "time_limit_amount", "phải là một số lớn hơn 0"),
        ({"time_limit_unit": "tuần"}, "time_limit_unit", "Chọn đơn vị thời hạn"),
        ({"fee": "-5"}, "fee", "không âm"),
        ({"channels": []}, "channels", "Chọn ít nhất một cách thức nộp"),
        ({"documents": "Đơn | một | 0 | bắt buộc"}, "documents", "dòng 1: số bản chính"),
        ({"documents": "Đơn | 1 | 0 | bắt buộc\nTờ khai 1 0"}, "documents", "dòng 2: cần 4 phần"),
        ({"supplement_policy": "xoa"}, "supplement_policy", "tính lại từ đầu hoặc tạm dừng"),
        ({"legal_basis": "\n \n"}, "legal_basis", "Cần ít nhất một văn bản"),
    ],
)
def test_a_wrong_entry_is_refused_in_vietnamese_and_nothing_is_saved(deployed, changes, field, words):
    services = deployed
    entry = form(services, **changes)
    with pytest.raises(ValidationError) as refused:
        services.designer.save_draft("x_quang_y_te", "a", 1, XRAY, entry=entry)
    assert words in refused.value.fields[field] and str(refused.value).startswith("Mục danh mục thủ tục chưa đúng")
    with pytest.raises(ValidationError):
        services.designer.deploy("x_quang_y_te", "x_quang_y_te.bpmn", XRAY, 1, "x", "a", entry=entry)
    workspace = services.designer.workspace("x_quang_y_te")
    assert workspace.drafts == [] and len(workspace.summary.versions) == 1


def test_the_draft_keeps_the_entry_and_the_page_opens_it(deployed):
    services = deployed
    services.designer.save_draft("x_quang_y_te", "a", 1, XRAY, entry=form(services, fee="100000"))
    workspace = services.designer.workspace("x_quang_y_te")
    assert workspace.entry_of("a").fee == 100000
    assert workspace.entry_of("b").fee == 3000000  # another designer opens the latest version's entry


def test_dossiers_are_received_under_the_entry_of_the_latest_version_and_keep_theirs(deployed, clock):
    services = deployed
    before = receive(services, channel=1)
    entry = form(services, time_limit_amount="12", fee="0")
    services.designer.deploy("x_quang_y_te", "x_quang_y_te.bpmn", TWELVE_DAYS, 1, "12 ngày", "a", entry=entry)
    after = receive(services, channel=1)
    assert (before.fee, after.fee) == (3000000, 0)
    assert after.procedure_code == before.procedure_code == X_RAY
    # received the same moment (Monday 2 March 2026, 08:00): 11 working days, then 12
    assert before.appointment.date() == datetime(2026, 3, 17, tzinfo=VN_TZ).date()
    assert after.appointment.date() == datetime(2026, 3, 18, tzinfo=VN_TZ).date()
    assert services.dossiers.get(before.code).appointment == before.appointment  # the earlier dossier keeps its own


def test_an_online_dossier_is_accepted_with_the_time_limit_of_its_version(deployed, clock):
    """A dossier submitted on the portal counts its appointment afresh when it is accepted: with the time limit of
    the entry its version carries (12 days here), not the catalogue file's (11); its history replays the same."""
    from engine.domain import deadlines
    from tests.web.test_counter import APPLICANT, MAIN_PATH_DATA

    services = deployed
    entry = form(services, time_limit_amount="12")
    services.designer.deploy("x_quang_y_te", "x_quang_y_te.bpmn", TWELVE_DAYS, 1, "12 ngày", "a", entry=entry)
    documents = [{"name": d.name} for d in services.dossiers.catalogue.get(X_RAY).documents if d.required]
    code = services.reception.receive(X_RAY, APPLICANT, 2, "counter", documents, "portal", portal_id="P-1").code
    clock.advance(days=2)  # accepted on Wednesday
    [task] = services.instances.tasks(code=code)
    services.instances.complete(task.task_id, MAIN_PATH_DATA.get(task.name, {}), "motcua1")
    accepted = services.dossiers.get(code)
    calendar = services.calendars.current()
    assert accepted.appointment == deadlines.reception_dates(calendar, clock.now(), (12.0, "wd"))[1]
    assert accepted.appointment != deadlines.reception_dates(calendar, clock.now(), (11.0, "wd"))[1]
    assert services.replay.replay(code).verified
