"""Every task page shows, above its form, what the earlier steps decided, and the dossier page shows the decisions of
each step: the director signs seeing the appraisal opinion, the draft, the division head's comments and the files;
the apology's approver sees the reason, the new date and the drafted letter. Labels are the forms' field titles."""

import io
import re

import pytest

from tests.conftest import deploy_shipped
from tests.engine.services.test_task_forms import PDF, open_task, to_apology
from tests.web.conftest import ensure_account
from tests.web.test_tasks import assign, receive, text


@pytest.fixture
def app_config():
    return {"agency_code": "H15.50.05.13", "session_idle_minutes": 24 * 60, "session_hours": 24}


@pytest.fixture
def services(services):
    return deploy_shipped(services)


def decisions(page: str) -> str:
    """The summary section of a page (empty when it has none)."""
    found = re.search(r'<section class="card" id="decisions">(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


def values(section: str, step: str) -> dict[str, str]:
    """Label -> shown value (tags stripped) of the step `step` in a summary."""
    block = re.search(rf'<li class="decision" data-task="{step}">(.*?)</li>\s*(?:<li class="decision"|</ol>)', section,
                      re.S)  # fmt: skip
    assert block, f"no step {step} in the summary"
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block.group(1), re.S)
    return {label.strip(): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", value)).strip() for label, value in pairs}


def test_the_signing_page_shows_the_appraisal_the_draft_the_comments_and_the_files(services, sign_in):
    code = receive(services, channel=1)
    ensure_account(services, "division_head")
    assign(services, code)
    specialist = sign_in("specialist")
    appraisal = open_task(services, code, "tham_dinh")
    assert decisions(text(specialist.get(f"/viec/{appraisal.task_id}"))) != ""  # the assignment is shown already
    sent = {
        "appraisal_result": "approve",
        "opinion": "Thiết bị đạt yêu cầu an toàn bức xạ",
        "attachment": (io.BytesIO(PDF), "du_thao_giay_phep.pdf"),
    }
    assert specialist.post(f"/viec/{appraisal.task_id}", sent, content_type="multipart/form-data").status_code == 302
    review = open_task(services, code, "xem_xet")
    head = sign_in("division_head")
    assert head.post(f"/viec/{review.task_id}", {"approved": "true", "comment": "Đề nghị ký"}).status_code == 302

    signing = open_task(services, code, "ky_duyet")
    page = text(sign_in("director").get(f"/viec/{signing.task_id}"))
    section = decisions(page)
    assert page.index('id="decisions"') < page.index('id="task-form"')  # above the form
    assert values(section, "phan_cong") == {"Chuyên viên thụ lý": "Trần Văn Minh"}
    appraised = values(section, "tham_dinh")
    assert appraised["Kết quả thẩm định"] == "Đạt: dự thảo kết quả, trình lãnh đạo phòng"
    assert appraised["Ý kiến thẩm định"] == "Thiết bị đạt yêu cầu an toàn bức xạ"
    assert appraised["Tệp đính kèm (dự thảo, biên bản thẩm định)"] == "du_thao_giay_phep.pdf"
    [stored] = services.files.files(code)
    assert f'href="/ho-so/{code}/tep/{stored.id}"' in section
    assert values(section, "xem_xet") == {"Ý kiến": "Đồng ý, trình lãnh đạo Sở ký", "Nhận xét": "Đề nghị ký"}
    assert "Lê Thị Hoa" in section and "appraisal_result" not in section and "opinion<" not in section

    dossier = decisions(text(sign_in("director").get(f"/ho-so/{code}")))
    assert values(dossier, "xem_xet")["Nhận xét"] == "Đề nghị ký"
    assert values(dossier, "tham_dinh")["Ý kiến thẩm định"] == "Thiết bị đạt yêu cầu an toàn bức xạ"


def test_the_apology_approval_page_shows_the_reason_the_new_date_and_the_letter(services, sign_in, clock):
    code = receive(services, channel=1)
    draft = to_apology(services, clock, code)
    sent = {"needed": "true", "delay_reason": "Chờ kết quả kiểm xạ", "new_appointment": "2026-03-20T08:00"}
    assert sign_in("specialist").post(f"/viec/{draft.task_id}", sent).status_code == 302

    approval = open_task(services, code, "duyet_phieu_xin_loi")
    director = sign_in("director")
    section = decisions(text(director.get(f"/viec/{approval.task_id}")))
    shown = values(section, "lap_phieu_xin_loi")
    assert shown["Lý do chậm trả kết quả"] == "Chờ kết quả kiểm xạ"
    assert shown["Ngày hẹn trả mới"] == "08:00 20/03/2026"
    assert shown["Cần gửi phiếu xin lỗi"] == "Có: không kịp trả đúng hẹn"
    link = f"/viec/{approval.task_id}/phieu-du-thao?dinh-dang=pdf"
    assert f'href="{link}"' in section

    letter = director.get(link)
    assert letter.status_code == 200 and letter.mimetype == "application/pdf" and letter.data.startswith(b"%PDF")
    html = text(director.get(f"/viec/{approval.task_id}/phieu-du-thao"))
    assert "Chờ kết quả kiểm xạ" in html and "20/03/2026" in html and code in html


def test_the_summary_speaks_english_when_chosen(services, sign_in):
    code = receive(services, channel=1)
    assign(services, code)
    specialist = sign_in("specialist")
    specialist.post("/ngon-ngu/en", {"next": "/viec"})
    page = text(specialist.get(f"/viec/{open_task(services, code, 'tham_dinh').task_id}"))
    assert "What the earlier steps decided" in page and "<dt>Specialist</dt>" in page


def test_a_step_with_nothing_completed_before_shows_no_summary(services, sign_in):
    code = receive(services)
    page = text(sign_in("one_stop").get(f"/viec/{open_task(services, code, 'tiep_nhan').task_id}"))
    assert 'id="decisions"' not in page
