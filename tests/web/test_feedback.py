"""Feedback and petitions (PAKN): received on the public page, from the portal (API, a system's token) and by e-mail
(CLI); their own process (classify, assign, answer, approve, publish) worked through the officers' task list, with
the answer's deadline in working days from processes/pakn/rules.yaml and a reminder the working day before it; the
public list of answers."""

from datetime import timedelta

import pytest
from click.testing import CliRunner

from engine.domain.clock import VN_TZ
from tests.conftest import deploy_shipped
from tests.engine.services.test_extensions import vn
from tests.web.conftest import Officer
from web.cli import main

ITEM = {
    "kind": "rule",
    "name": "Trần Thị Hoa",
    "contact": "hoa.tran@example.vn",
    "subject": "Thành phần hồ sơ cấp phép X-quang còn trùng lặp",
    "content": "Đề nghị bỏ yêu cầu nộp lại bản sao giấy chứng nhận đăng ký doanh nghiệp đã có trên hệ thống.",
}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


def complete(services, code, name, data, actor):
    task = next(t for t in services.instances.tasks(code=code) if t.name == name)
    services.instances.complete(task.task_id, data, actor)


def test_public_feedback_goes_through_its_process_and_its_answer_is_published(app, services, clock, sign_in):
    visitor = Officer(app.test_client(), "", "")
    refused = visitor.post("/phan-anh", {**ITEM, "contact": "không có", "subject": ""})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Cần tiêu đề" in html and "thư điện tử hoặc số điện thoại" in html
    assert services.feedback.all() == []  # nothing stored

    sent = visitor.post("/phan-anh", ITEM)
    assert sent.status_code == 201 and "PAKN-260302-0001" in sent.get_data(as_text=True)
    item = services.feedback.all()[0]
    calendar = services.calendars.current()
    assert item.due_at == calendar.add(calendar.clock_start(clock.now()), 15, "wd")  # rules.yaml: 15 working days
    assert item.due_at.astimezone(VN_TZ) == vn(2026, 3, 23, 8, 0)
    code = item.code

    # The steps are tasks in the lanes' task lists.
    assert [t.lane for t in services.instances.tasks(code=code)] == ["Bộ phận Một cửa"]
    complete(services, code, "phan_loai", {"category": "rule"}, "motcua1")
    complete(services, code, "giao_xu_ly", {"note": "Phòng Quản lý chuyên ngành xem xét"}, "truongphong")
    complete(services, code, "tra_loi", {"answer": "Dự thảo 1"}, "chuyenvien")
    complete(services, code, "duyet_tra_loi", {"approved": False, "comment": "Nêu rõ căn cứ"}, "giamdoc")
    assert services.feedback.published() == []  # not yet approved: nothing published
    answer = "Sở đã kiến nghị bỏ thành phần này; từ 01/7/2026 người nộp không phải nộp lại."
    complete(services, code, "tra_loi", {"answer": answer}, "chuyenvien")
    complete(services, code, "duyet_tra_loi", {"approved": True}, "giamdoc")

    answers = visitor.get("/phan-anh/tra-loi").get_data(as_text=True)
    assert answer in answers and ITEM["subject"] in answers and "Dự thảo 1" not in answers
    assert ITEM["contact"] not in answers and ITEM["name"] not in answers  # no personal data in public
    listed = sign_in("auditor").get("/phan-anh/danh-sach").get_data(as_text=True)
    assert code in listed and "Đã trả lời, công khai" in listed


def test_a_reminder_goes_out_one_working_day_before_the_deadline(services, clock):
    item = services.feedback.submit("handling", "web", "Lê Văn Nam", "0912345678", "Chậm trả kết quả", "Quá hẹn 3 ngày")
    complete(services, item.code, "phan_loai", {"category": "handling"}, "motcua1")
    complete(services, item.code, "giao_xu_ly", {}, "truongphong")  # the reminder watches the handling from here
    calendar = services.calendars.current()
    clock.set(calendar.add(item.due_at, 1, "wd", before=True) + timedelta(minutes=1))
    assert services.timers.run_pass("t", 100).fired == 1
    history = services.instances.history(item.code)
    reminders = [e.payload for e in history if e.tag == "dossier:reminder:queued"]
    assert reminders == [
        {"event": "nhac_han_pakn", "feedback_code": item.code, "due_at": item.due_at.astimezone(VN_TZ).isoformat()}
    ]
    assert not [e for e in history if e.tag == "dossier:letter:queued"]  # officers are reminded, not the applicant


def test_feedback_from_the_portal_with_a_system_token_and_by_email(app, services, api_token, tmp_path, database_url):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {api_token('one_stop')}"}
    created = client.post("/api/v1/feedback", json=ITEM, headers=headers)
    assert created.status_code == 201 and created.json["channel"] == "portal" and created.json["status"] == "open"
    bad = client.post("/api/v1/feedback", json={**ITEM, "kind": "other"}, headers=headers)
    assert bad.status_code == 422 and "loại phản ánh" in bad.json["error"]["message"]
    assert client.post("/api/v1/feedback", json=ITEM).status_code == 401

    body = tmp_path / "thu.txt"
    body.write_text("Đề nghị hướng dẫn thủ tục công bố hợp quy.", encoding="utf-8")
    runner = CliRunner(env={"MOTCUA_DATABASE_URL": database_url})
    result = runner.invoke(
        main,
        [
            "feedback",
            "receive",
            "--name",
            "Công ty Bắc Sơn",
            "--contact",
            "bacson@example.vn",
            "--subject",
            "Hướng dẫn công bố hợp quy",
            "--content-file",
            str(body),
        ],
    )
    assert result.exit_code == 0, result.output
    assert [(row.channel, row.subject) for row in services.feedback.all()][:1] == [
        ("email", "Hướng dẫn công bố hợp quy")
    ]
