"""One dossier's whole life, as the officers live it in Chromium (issue 4, section 6).

The one-stop officer receives an X-ray licence dossier at the counter and prints Mẫu 01; the division head assigns
it, the specialist appraises it, the division head reviews it, the director signs, the clerk issues the result; the
one-stop officer records its return (status 10); the auditor reads the dossier page: every step in the history and
the diagram with the steps done. Each approver sees, above the form, what the earlier steps decided: the
assignment to the named specialist, the appraisal opinion and its draft file, the division head's comments. Lanes
and steps follow processes/x_quang_y_te.bpmn. Between steps the fake clock moves on by working days, as the real
work would.
"""

import re

from engine.domain.dates import vn_stamp
from engine.services.accounts import DEMO_ACCOUNTS
from tests.browser.conftest import USERNAMES, screenshot, sign_in

PROCESS = "x_quang_y_te"
FULL_NAMES = {role: full_name for _username, full_name, role, _division in DEMO_ACCOUNTS}
APPLICANT = {
    "Họ tên người nộp hoặc tên tổ chức": "Phòng khám Đa khoa Hòa Bình",
    "Số CCCD, hộ chiếu hoặc mã số doanh nghiệp": "0312345678",
    "Số điện thoại": "0912345678",
    "Thư điện tử": "hoabinh@example.vn",
    "Địa chỉ": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
}
SCAN = {"name": "don-de-nghi.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% scan\n%%EOF\n"}
DRAFT = {"name": "du-thao-giay-phep.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% draft\n%%EOF\n"}
OPINION = "Hồ sơ đầy đủ; cơ sở đáp ứng điều kiện an toàn bức xạ."
INSTRUCTION = "Đề nghị thẩm định, dự thảo giấy phép."
REVIEW_COMMENT = "Đề nghị Giám đốc ký giấy phép."
# (step id, title, role of its lane) in the order of the BPMN's main path after reception.
STEPS = [
    ("phan_cong", "Phân công thụ lý", "division_head"),
    ("tham_dinh", "Thẩm định hồ sơ, dự thảo giấy phép", "specialist"),
    ("xem_xet", "Xem xét, trình ký", "division_head"),
    ("ky_duyet", "Ký giấy phép", "director"),
    ("ban_hanh", "Vào sổ, đóng dấu, phát hành", "clerk"),
]


def test_a_dossier_from_reception_to_return(open_page, live_server):
    procedure = live_server.services.dossiers.catalogue.by_process(PROCESS)
    _clock_start, appointment = live_server.services.reception.preview_appointment(procedure.code, 1)

    code = receive_at_counter(open_page(), procedure, vn_stamp(appointment))

    # Received Monday 2 March 09:00; each officer finishes within the step's allotment (office hours 07:30-11:30,
    # 13:00-17:00), so every step is early or on time.
    clock = live_server.clock
    clock.advance(hours=1, minutes=30)  # Mon 10:30 (step due Mon 14:30)
    work_on_task(open_page(), "division_head", code, "Phân công thụ lý", assign_specialist, "07-phan-cong")
    clock.advance(days=2)  # Wed 4 March 10:30 (due Tue 10 March)
    work_on_task(open_page(), "specialist", code, "Thẩm định hồ sơ, dự thảo giấy phép", appraise, "10-tham-dinh")
    clock.advance(hours=5)  # Wed 15:30 (due Thu 10:30)
    work_on_task(open_page(), "division_head", code, "Xem xét, trình ký", review, "11-xem-xet")
    clock.advance(hours=19)  # Thu 5 March 10:30 (due Fri 15:30)
    work_on_task(open_page(), "director", code, "Ký giấy phép", sign, "13-ky-duyet")
    clock.advance(hours=3, minutes=30)  # Thu 14:00 (due Thu 16:00)
    work_on_task(open_page(), "clerk", code, "Vào sổ, đóng dấu, phát hành", issue, "14-ban-hanh")
    clock.advance(hours=1)  # Thu 15:00 (due Fri 08:30), well before the appointment
    record_return(open_page(), code)

    audit(open_page(), code)


def receive_at_counter(page, procedure, appointment_text: str) -> str:
    """The one-stop officer: choose the procedure, tick the documents, enter the applicant, check the appointment
    shown before saving, save; then the Mẫu 01 link gives a PDF. Returns the new dossier's code."""
    sign_in(page, "one_stop")
    assert page.url.endswith("/mot-cua")
    screenshot(page, "03-mot-cua")
    page.get_by_role("link", name="Tiếp nhận hồ sơ mới").click()
    page.get_by_label("Tìm thủ tục").fill("giay phep x quang")
    page.get_by_role("button", name="Tìm").click()
    row = page.get_by_role("row").filter(has_text=procedure.code)
    screenshot(page, "04-chon-thu-tuc")
    row.get_by_role("link", name="Chọn").click()
    page.wait_for_url(re.compile(r"/mot-cua/tiep-nhan\?procedure="))
    assert procedure.name in page.locator(".procedure-name").inner_text()

    for document in procedure.documents:
        page.get_by_label(f"Đã nhận: {document.name}", exact=True).check()
    first = procedure.documents[0].name
    page.get_by_label(f"Bản quét: {first}", exact=True).set_input_files(SCAN)
    assert page.get_by_label(f"Đã số hoá: {first}", exact=True).is_checked()  # a scan means digitised (counter.js)
    for label, value in APPLICANT.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Trực tiếp").check()
    page.get_by_label("Đã nộp phí, lệ phí").check()
    # The appointment the calendar gives, on the page before anything is saved.
    assert page.locator("#appointment").inner_text().strip() == appointment_text
    screenshot(page, "05-tiep-nhan")

    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.wait_for_url(re.compile(r"/ho-so/[^/?]+\?tiep-nhan=1"))
    code = page.url.split("/ho-so/")[1].split("?")[0]
    banner = page.get_by_role("status").filter(has_text="Đã tiếp nhận hồ sơ")
    assert code in banner.first.inner_text()
    assert appointment_text in page.locator(".received-banner").inner_text()
    screenshot(page, "06-da-tiep-nhan")

    # "In giấy tiếp nhận": the link gives the receipt's PDF (fetched with this officer's session).
    link = page.get_by_role("link", name="In giấy tiếp nhận")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    return code


def open_task(page, role: str, code: str, title: str) -> None:
    """Sign in, find the dossier's step in the role's task list, and open it. The specialist finds it already under
    "Việc của tôi": the division head assigned it to them."""
    sign_in(page, role)
    assert page.url.endswith("/viec")
    row = page.locator("tr.task-row").filter(has_text=code)
    assert row.count() == 1, page.locator("table.tasks").inner_text()
    assert title in row.inner_text() and APPLICANT["Họ tên người nộp hoặc tên tổ chức"] in row.inner_text()
    if role == "specialist":
        assert row.get_by_role("button", name="Nhận việc").count() == 0
        page.get_by_role("link", name=re.compile("^Việc của tôi")).click()
        row = page.locator("tr.task-row").filter(has_text=code)
        assert USERNAMES[role] in row.inner_text()
        screenshot(page, "08-viec-cua-toi")
    row.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, level=1).wait_for()


def work_on_task(page, role: str, code: str, title: str, fill_in, shot: str) -> None:
    open_task(page, role, code, title)
    fill_in(page, shot)
    page.get_by_role("button", name="Hoàn thành").click()
    page.wait_for_url(re.compile(r"/viec$"))
    assert f"Đã hoàn thành việc “{title}” của hồ sơ {code}." in page.get_by_role("status").first.inner_text()
    assert page.locator("tr.task-row").filter(has_text=code).count() == 0


def assign_specialist(page, shot: str) -> None:
    # A choice of the division's specialists, each with the open tasks they hold: the appraisal goes to that one.
    page.get_by_role("radio", name=re.compile(rf"^{FULL_NAMES['specialist']} \(\d+ việc đang mở\)")).check()
    page.get_by_label("Ý kiến chỉ đạo").fill(INSTRUCTION)
    screenshot(page, shot)


def decided(page, step: str) -> dict[str, str]:
    """What the summary above the form (or the dossier page's decisions) shows for step `step`: label -> value."""
    block = page.locator(f'#decisions li.decision[data-task="{step}"]')
    assert block.count() >= 1, page.locator("#decisions").inner_text() if page.locator("#decisions").count() else step
    labels = block.last.locator("dt").all_inner_texts()
    values = block.last.locator("dd").all_inner_texts()
    return {label.strip(): value.strip() for label, value in zip(labels, values, strict=True)}


def appraise(page, shot: str) -> None:
    """The specialist (who claimed the task) forgets the opinion once: the error shows next to the field; then
    fills it in."""
    assert page.locator(".claim").get_by_role("button", name="Trả lại việc").is_visible()
    # The assignment, as the division head decided it: the named specialist and the instruction.
    assert decided(page, "phan_cong") == {"Chuyên viên thụ lý": FULL_NAMES["specialist"], "Ý kiến chỉ đạo": INSTRUCTION}
    page.get_by_role("radio", name="Đạt: dự thảo kết quả, trình lãnh đạo phòng").check()
    page.get_by_role("button", name="Hoàn thành").click()
    error = page.locator('[data-field="opinion"] .field-error')
    error.wait_for()
    assert error.inner_text().strip()
    assert page.get_by_label("Ý kiến thẩm định").get_attribute("aria-invalid") == "true"
    assert page.get_by_role("alert").first.is_visible()
    # What was chosen is kept; only the wrong field needs fixing.
    assert page.get_by_role("radio", name="Đạt: dự thảo kết quả, trình lãnh đạo phòng").is_checked()
    screenshot(page, "09-tham-dinh-loi")
    page.get_by_label("Ý kiến thẩm định").fill(OPINION)
    page.get_by_label("Tệp đính kèm (dự thảo, biên bản thẩm định)").set_input_files(DRAFT)
    screenshot(page, shot)


def review(page, shot: str) -> None:
    appraisal = decided(page, "tham_dinh")
    assert appraisal["Ý kiến thẩm định"] == OPINION and appraisal["Kết quả thẩm định"].startswith("Đạt")
    page.get_by_role("radio", name="Đồng ý, trình lãnh đạo Sở ký").check()
    page.get_by_label("Nhận xét").fill(REVIEW_COMMENT)
    screenshot(page, shot)


def sign(page, shot: str) -> None:
    """The director looks at the dossier first (the current step highlighted in the diagram), then signs."""
    task_page = page.url
    page.locator(".task-head").get_by_role("link", name=re.compile(r"\.H00-")).click()
    assert_diagram(page, done=[name for name, *_ in STEPS[:3]], current="ky_duyet")
    screenshot(page, "12-ho-so-dang-xu-ly")
    screenshot(page, "12-ho-so-so-do", "section:has(#diagram)", "#steps")  # for the README: docs/screenshots/
    page.goto(task_page)  # not go_back: the dossier page's replay view keeps its moment in the address
    # Above the form, what the director signs: the assignment, the appraisal with its draft, the review's comments.
    summary = page.locator("#decisions")
    assert summary.bounding_box()["y"] < page.locator("#task-form").bounding_box()["y"]
    assert decided(page, "phan_cong")["Chuyên viên thụ lý"] == FULL_NAMES["specialist"]
    appraisal = decided(page, "tham_dinh")
    assert appraisal["Ý kiến thẩm định"] == OPINION
    assert appraisal["Tệp đính kèm (dự thảo, biên bản thẩm định)"] == DRAFT["name"]
    assert decided(page, "xem_xet") == {"Ý kiến": "Đồng ý, trình lãnh đạo Sở ký", "Nhận xét": REVIEW_COMMENT}
    assert FULL_NAMES["division_head"] in summary.locator('li[data-task="xem_xet"]').inner_text()
    draft = summary.get_by_role("link", name=DRAFT["name"])
    response = page.request.get(draft.get_attribute("href"))
    assert response.status == 200 and response.body() == DRAFT["buffer"]
    screenshot(page, "13-ky-duyet-tom-tat", "#decisions")
    page.get_by_role("radio", name="Ký duyệt", exact=True).check()
    screenshot(page, shot)


def issue(page, shot: str) -> None:
    page.get_by_label("Số, ký hiệu văn bản").fill("125/GP-SKHCN")
    page.get_by_label("Ngày ban hành").fill("2026-03-05")
    screenshot(page, shot)


def record_return(page, code: str) -> None:
    """The one-stop officer hands the result over and records it on the counter page: status 10."""
    sign_in(page, "one_stop")
    row = page.locator("#ready tr").filter(has_text=code)
    assert row.get_by_label("Người nhận kết quả").input_value() == APPLICANT["Họ tên người nộp hoặc tên tổ chức"]
    row.get_by_label("Ghi chú").fill("Người đại diện theo pháp luật nhận trực tiếp")
    screenshot(page, "15-tra-ket-qua")
    row.get_by_role("button", name="Ghi nhận đã trả kết quả").click()
    assert f"Đã ghi nhận trả kết quả hồ sơ {code}" in page.get_by_role("status").first.inner_text()
    assert page.locator("#ready tr").filter(has_text=code).count() == 0


def audit(page, code: str) -> None:
    """The auditor opens the dossier: status 10, every step done by its officer, the history, the diagram."""
    sign_in(page, "auditor")
    page.goto(f"/ho-so/{code}")
    assert "10" in page.locator("#status").inner_text()
    steps = page.locator("#steps")
    for name, title, role in STEPS:
        step = steps.locator(f'tr[data-task="{name}"]')
        assert step.count() == 1, f"step {name} missing from the steps table"
        assert title in step.inner_text() and FULL_NAMES[role] in step.inner_text()
        assert step.locator(".timeliness-early, .timeliness-on_time").count() == 1, step.inner_text()
    history = page.locator("#history").inner_text()
    for _name, title, _role in STEPS:
        assert f"Hoàn thành bước: {title}" in history
    returned = steps.locator('tr[data-task="tra_ket_qua"]')
    assert returned.locator(".timeliness-early, .timeliness-on_time").count() == 1, returned.inner_text()
    assert "Hoàn thành bước: Trả kết quả" in history
    assert "Trạng thái hồ sơ: Đã trả kết quả" in history
    assert "Kết thúc quy trình" in history

    assert_diagram(page, done=[name for name, *_ in STEPS] + ["tra_ket_qua"], current=None)
    # The decisions of each step, on the dossier page.
    assert decided(page, "ky_duyet") == {"Ý kiến": "Ký duyệt"}
    assert decided(page, "ban_hanh")["Số, ký hiệu văn bản"] == "125/GP-SKHCN"
    assert decided(page, "ban_hanh")["Ngày ban hành"] == "05/03/2026"
    screenshot(page, "16-ho-so")
    screenshot(page, "16-ho-so-quyet-dinh", "#decisions")


def assert_diagram(page, done: list[str], current: str | None) -> None:
    """The dossier page's diagram is drawn, with these steps marked done and `current` highlighted."""
    diagram = page.locator('#diagram[data-ready="1"]')
    diagram.wait_for()
    assert diagram.get_attribute("data-missing") is None
    for name in done:
        assert page.locator(f'.djs-element.motcua-done[data-element-id="{name}"]').count() == 1, name
    highlighted = page.locator(".djs-element.motcua-current")
    if current is None:
        assert highlighted.count() == 0
    else:
        assert highlighted.evaluate_all("nodes => nodes.map(n => n.dataset.elementId)") == [current]
