"""A process designer in Chromium: opens a procedure in the modeler, runs the checks, deploys a new version."""

from playwright.sync_api import expect

from tests.browser.conftest import USERNAMES, screenshot, sign_in


def open_modeler(page, process_id: str) -> None:
    page.goto(f"/thiet-ke/{process_id}")
    page.wait_for_selector("#modeler[data-ready='1']")


def test_a_designer_opens_checks_and_deploys_a_procedure(page, live_server):
    sign_in(page, "designer")
    assert page.get_by_role("heading", name="Thiết kế quy trình").is_visible()
    screenshot(page, "40-thiet-ke-danh-sach")
    page.get_by_role("link", name="Tuyển chọn, giao trực tiếp").first.click()
    page.wait_for_selector("#modeler[data-ready='1']")
    # the diagram is drawn: its tasks are on the canvas
    assert page.locator(".djs-element[data-element-id]").count() > 20
    # the modeler speaks Vietnamese: the panel's groups, the lint button's title
    assert page.locator(".bio-properties-panel-group-header", has_text="Chung").count() == 1
    assert page.locator(".bjsl-button").get_attribute("title") == "Bật/tắt các cảnh báo của bpmnlint"
    # bpmnlint's recommended rules run in the browser as the diagram is drawn: their button counts what they found
    page.wait_for_selector(".bjsl-button:not(.bjsl-button-inactive)")
    assert page.locator(".bjsl-button").inner_text().strip() != ""
    page.get_by_role("button", name="Kiểm tra lỗi").click()
    page.wait_for_selector("#modeler[data-checked]")
    assert page.locator("#status").inner_text() == "Không có lỗi: có thể triển khai."
    screenshot(page, "41-thiet-ke-so-do")

    page.get_by_role("button", name="Triển khai phiên bản mới").click()  # no note yet
    page.wait_for_selector("#status.error")
    assert "ghi chú" in page.locator("#status").inner_text()


def select_element(page, element_id: str) -> None:
    """Click the element on the canvas, low on its right side: bpmnlint's markers sit on its upper left corner."""
    page.locator("#modeler").scroll_into_view_if_needed()  # the page scrolls: the problems and the entry are below
    box = page.locator(f'g.djs-element[data-element-id="{element_id}"]').first.bounding_box()
    selected = page.locator(".djs-element.selected").first
    for dx, dy in ((0.75, 0.75), (0.5, 0.5), (0.75, 0.4), (0.4, 0.75)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        if selected.count() and selected.get_attribute("data-element-id") == element_id:
            return
    raise AssertionError(f"{element_id} could not be selected on the canvas")


def open_group(page, label: str) -> None:
    header = page.locator(".bio-properties-panel-group-header", has_text=label).first
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def test_a_designer_breaks_the_allotments_sees_the_check_fail_fixes_them_deploys_and_sees_the_diff(page, live_server):
    sign_in(page, "designer")
    open_modeler(page, "x_quang_y_te")
    select_element(page, "bo_sung_ho_so")  # a call activity: the shared process it calls is a choice
    open_group(page, "Một cửa")
    assert page.locator("#bio-properties-panel-motcua-called").input_value() == "chung_bo_sung"
    select_element(page, "tham_dinh")
    open_group(page, "Một cửa")
    amount = page.locator("#bio-properties-panel-motcua-allotment")
    assert amount.input_value() == "6"
    amount.fill("5")
    assert "5 ngày làm việc" in page.locator(".bio-properties-panel-group", has_text="Một cửa").inner_text()
    screenshot(page, "42-thiet-ke-thuoc-tinh")

    page.get_by_role("button", name="Kiểm tra lỗi").click()
    problem = page.locator("#problems button.problem").first
    problem.wait_for()
    assert "10 working days" in problem.inner_text() and "11 working days" in problem.inner_text()
    screenshot(page, "43-thiet-ke-loi-kiem-tra")
    problem.click()  # selects the pool of the process the problem is about
    assert page.locator(".djs-element.selected").first.get_attribute("data-element-id") == "Part_x_quang_y_te"

    # Half a day moves from the appraisal to the signature: the sum is right again.
    select_element(page, "tham_dinh")
    open_group(page, "Một cửa")
    page.locator("#bio-properties-panel-motcua-allotment").fill("5,5")
    select_element(page, "ky_duyet")
    open_group(page, "Một cửa")
    page.locator("#bio-properties-panel-motcua-allotment").fill("2,5")
    page.locator("#bio-properties-panel-motcua-form").select_option("xem_xet")
    page.get_by_role("button", name="Kiểm tra lỗi").click()
    page.wait_for_selector("#status.ok")

    page.get_by_label("Ghi chú thay đổi").fill("Chuyển nửa ngày từ thẩm định sang ký duyệt")
    page.get_by_role("button", name="Triển khai phiên bản mới").click()
    page.wait_for_selector("#modeler[data-deployed='2']")
    page.wait_for_selector("#version-label:has-text('phiên bản 2')")
    assert "Chuyển nửa ngày" in page.locator("#versions").inner_text()

    page.get_by_role("link", name="So sánh với phiên bản 1").click()
    page.wait_for_selector("#diagram-before[data-ready='1']")
    page.wait_for_selector("#diagram-after[data-ready='1']")
    assert page.locator("#diagram-after .djs-element.motcua-changed").count() == 2
    changes = page.locator("#changes").inner_text()
    assert "thuộc tính allotment" in changes and "2.5d" in changes and "thuộc tính form" in changes
    screenshot(page, "44-thiet-ke-so-sanh")
    # The live server is shared: the browser tests after this one (the officers' journey) sign with the shipped form.
    from tests.conftest import PROCESSES

    designer = live_server.services.designer
    shipped = (PROCESSES / "x_quang_y_te.bpmn").read_text("utf-8")
    base = designer.workspace("x_quang_y_te").number
    # A deploy identical to version 1 is refused (nothing new); a note in the file makes it version 3, as shipped.
    restored = shipped.replace("</bpmn:definitions>", "<!-- trở lại bản gốc -->\n</bpmn:definitions>")
    designer.deploy("x_quang_y_te", "x_quang_y_te.bpmn", restored, base, "Trở lại bản gốc", "thietke")


def test_every_shipped_diagram_comes_back_from_the_modeler_unchanged(page, live_server):
    """Opening a diagram in bpmn-js and saving it (a draft) keeps everything the engine reads: the extension
    properties, scripts, conditions, timers, lanes (the diff of the parsed files is empty)."""
    from engine.bpmn.diff import diff_bpmn

    designer = live_server.services.designer
    sign_in(page, "designer")
    username = USERNAMES["designer"]
    changed = {}
    for summary in designer.processes():
        if not summary.versions:
            continue
        workspace = designer.workspace(summary.process_id)
        open_modeler(page, summary.process_id)
        page.get_by_role("button", name="Lưu bản nháp").click()
        page.wait_for_selector("#modeler[data-draft-saved]")
        [draft] = [d for d in designer.workspace(summary.process_id).drafts if d.author == username]
        designer.discard_draft(summary.process_id, username)
        differences = diff_bpmn(workspace.xml, draft.xml)
        if differences:
            changed[summary.process_id] = differences
        assert designer.check(summary.process_id, workspace.file_name, draft.xml) == []
    assert changed == {}


def test_an_imported_step_table_opens_cleanly_in_the_modeler(page, live_server):
    """The BPMN built from a step table (tests/fixtures/step_tables) drawn by bpmn-js: lanes, no overlaps."""
    from tests.conftest import FIXTURES

    services = live_server.services
    table = FIXTURES / "step_tables" / "x_quang_y_te.csv"
    result = services.step_import.build(table.name, table.read_bytes(), "1.004454.000.00.00.H56")
    assert result.problems == []
    username = USERNAMES["designer"]
    base = services.designer.workspace("x_quang_y_te").number
    services.designer.save_draft("x_quang_y_te", username, base, result.xml)
    try:
        sign_in(page, "designer")
        open_modeler(page, "x_quang_y_te")
        assert page.locator('g.djs-element[data-element-id="buoc_3"]').count() == 1
        assert page.locator(".djs-element[data-element-id^='Lane_']").count() == 5
        page.get_by_role("button", name="Kiểm tra lỗi").click()
        page.wait_for_selector("#status.ok")
        screenshot(page, "45-thiet-ke-nhap-bang")
    finally:
        services.designer.discard_draft("x_quang_y_te", username)


def test_a_designer_runs_the_scenarios_of_the_procedure_from_the_modeler(page, live_server):
    sign_in(page, "designer")
    open_modeler(page, "x_quang_y_te")
    page.get_by_role("button", name="Chạy kịch bản").click()
    page.wait_for_selector("#modeler[data-scenarios]", timeout=60_000)
    assert page.locator("#modeler").get_attribute("data-scenarios") == "passed"
    results = page.locator("#scenarios").inner_text()
    assert "ĐẠT · X-quang y tế, đường chính" in results and "ĐẠT · X-quang y tế, trễ hạn có xin lỗi" in results
    screenshot(page, "46-thiet-ke-kich-ban")


def test_a_failing_scenario_marks_its_step_on_the_diagram(page, live_server):
    """The signature step asks for the appraisal's form: the main path's scenario cannot complete it. The run lists
    the failing step in red and marks the task on the canvas; clicking the step selects it."""
    designer, username = live_server.services.designer, USERNAMES["designer"]
    sign_in(page, "designer")
    open_modeler(page, "x_quang_y_te")
    try:
        select_element(page, "ky_duyet")
        open_group(page, "Một cửa")
        page.locator("#bio-properties-panel-motcua-form").select_option("tham_dinh")
        page.get_by_role("button", name="Chạy kịch bản").click()
        page.wait_for_selector("#modeler[data-scenarios]", timeout=60_000)
        assert page.locator("#modeler").get_attribute("data-scenarios") == "failed"
        assert "SAI · X-quang y tế, đường chính" in page.locator("#scenarios").inner_text()
        marked = page.locator("g.djs-element.motcua-failed")
        assert marked.count() >= 1
        assert {marked.nth(i).get_attribute("data-element-id") for i in range(marked.count())} == {"ky_duyet"}
        failed_step = page.locator("#scenarios ol li.error.problem").first
        expect(failed_step).to_be_visible()
        page.mouse.click(5, 5)
        failed_step.click()  # selects the task it failed on
        assert page.locator(".djs-element.selected").first.get_attribute("data-element-id") == "ky_duyet"
        screenshot(page, "52-thiet-ke-kich-ban-sai")
        # run again once fixed: the mark goes away
        select_element(page, "ky_duyet")
        open_group(page, "Một cửa")
        page.locator("#bio-properties-panel-motcua-form").select_option("ky_duyet")
        page.evaluate("document.getElementById('modeler').removeAttribute('data-scenarios')")
        page.get_by_role("button", name="Chạy kịch bản").click()
        page.wait_for_selector("#modeler[data-scenarios]", timeout=60_000)
        assert page.locator("#modeler").get_attribute("data-scenarios") == "passed"
        assert page.locator("g.djs-element.motcua-failed").count() == 0
    finally:
        designer.discard_draft("x_quang_y_te", username)


def test_a_designer_edits_the_catalogue_entry_with_the_diagram_and_deploys_it(page, live_server):
    """The entry is on the modeler page: a wrong fee is refused field by field (nothing saved); the right one is
    deployed with the diagram as a new version, listed with what changed, and shown in the diff."""
    from tests.conftest import PROCESSES

    designer, username = live_server.services.designer, USERNAMES["designer"]
    sign_in(page, "designer")
    open_modeler(page, "x_quang_y_te")
    form = page.locator("#catalogue")
    expect(form.get_by_label("Mã thủ tục quốc gia")).to_have_value("1.004454.000.00.00.H56")
    base = designer.workspace("x_quang_y_te").number
    try:
        form.get_by_label("Phí, lệ phí (đồng)").fill("ba triệu")
        page.get_by_role("button", name="Lưu bản nháp").click()
        expect(form.locator('.field-error[data-for="fee"]')).to_contain_text("nhập 0 nếu không thu phí")
        expect(form.get_by_label("Phí, lệ phí (đồng)")).to_have_attribute("aria-invalid", "true")
        assert [d for d in designer.workspace("x_quang_y_te").drafts if d.author == username] == []
        screenshot(page, "53-thiet-ke-danh-muc-loi", "#catalogue")

        form.get_by_label("Phí, lệ phí (đồng)").fill("2.500.000")
        form.get_by_label("Qua bưu chính").uncheck()
        page.get_by_label("Ghi chú thay đổi").fill("Phí mới, thôi nhận qua bưu chính")
        page.get_by_role("button", name="Triển khai phiên bản mới").click()
        page.wait_for_selector(f"#modeler[data-deployed='{base + 1}']")
        page.wait_for_selector(f"#version-label:has-text('phiên bản {base + 1}')")
        expect(page.locator("#catalogue").get_by_label("Phí, lệ phí (đồng)")).to_have_value("2500000")
        assert "đổi: Phí, lệ phí, Cách thức nộp" in page.locator("#versions tbody tr").first.inner_text()
        entry = designer.workspace("x_quang_y_te").summary.procedure
        assert (entry.fee, entry.channels) == (2500000, ("counter", "online"))
        page.get_by_role("link", name=f"So sánh với phiên bản {base}").first.click()
        changes = page.locator("#catalogue-changes").inner_text()
        assert "2.500.000 đồng" in changes and "Qua bưu chính" in changes
        screenshot(page, "54-thiet-ke-danh-muc-so-sanh", "#catalogue-changes")
    finally:
        designer.discard_draft("x_quang_y_te", username)
        # The live server is shared: the officers' journey after this one receives under the shipped entry.
        workspace = designer.workspace("x_quang_y_te")
        shipped = (PROCESSES / "x_quang_y_te.bpmn").read_text("utf-8")
        restored = shipped.replace("</bpmn:definitions>", "<!-- mục danh mục như danh mục -->\n</bpmn:definitions>")
        if workspace.number > base:
            designer.deploy("x_quang_y_te", workspace.file_name, restored, workspace.number, "Trở lại", "thietke")


def test_a_designer_imports_a_step_table_reviews_it_and_deploys_it(page, live_server):
    """[example] table tests/fixtures/step_tables/cong_bo_hop_quy.csv (STT; Trình tự thực hiện; Đơn vị, người thực
    hiện; Thời gian thực hiện, with a numbering row and a total row)."""
    from tests.conftest import FIXTURES

    sign_in(page, "designer")
    page.goto("/thiet-ke")
    page.get_by_role("link", name="Nhập bảng quy trình nội bộ (CSV, XLSX)").click()
    page.get_by_label("Thủ tục").select_option("1.000047.000.00.00.H56")
    page.get_by_label("Tệp bảng (.csv, .xlsx)").set_input_files(str(FIXTURES / "step_tables" / "cong_bo_hop_quy.csv"))
    screenshot(page, "47-thiet-ke-nhap-bang-tai-len")
    page.get_by_role("button", name="Tạo sơ đồ BPMN").click()
    page.wait_for_url("**/thiet-ke/cong_bo_hop_quy")
    page.wait_for_selector("#modeler[data-ready='1']")
    assert page.locator('g.djs-element[data-element-id="buoc_2"]').count() == 1  # the draft from the table
    page.get_by_role("button", name="Kiểm tra lỗi").click()
    page.wait_for_selector("#status.ok")
    page.get_by_label("Ghi chú thay đổi").fill("Nhập từ bảng quy trình nội bộ")
    page.get_by_role("button", name="Triển khai phiên bản mới").click()
    page.wait_for_selector("#modeler[data-deployed='2']")
    assert live_server.services.designer.workspace("cong_bo_hop_quy").summary.latest.note == (
        "Nhập từ bảng quy trình nội bộ"
    )
    screenshot(page, "48-thiet-ke-nhap-bang-trien-khai")


def test_a_timer_deadline_is_chosen_in_words_not_typed(page, live_server):
    sign_in(page, "designer")
    open_modeler(page, "dang_ky_to_chuc_khcn")
    # The overdue timer fires at the appointment itself; the apology timer's amount is the legal basis's
    # (`apology_notice_days`), so the designer moves the overdue one.
    select_element(page, "qua_han")
    open_group(page, "Một cửa")
    group = page.locator(".bio-properties-panel-group", has_text="Một cửa")
    expect(group).to_contain_text("đúng ngày hẹn trả kết quả")
    page.locator("#bio-properties-panel-motcua-timer-amount").fill("2")
    expect(group).to_contain_text("2 ngày làm việc sau ngày hẹn trả kết quả")
    page.locator("#bio-properties-panel-motcua-timer-direction").select_option("before")
    expect(group).to_contain_text("2 ngày làm việc trước ngày hẹn trả kết quả")
    page.locator("#bio-properties-panel-motcua-timer-unit").select_option("wh")
    expect(group).to_contain_text("2 giờ làm việc trước ngày hẹn trả kết quả")
    screenshot(page, "49-thiet-ke-hen-gio")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_selector("#modeler[data-draft-saved]")
    designer, username = live_server.services.designer, USERNAMES["designer"]
    [draft] = [d for d in designer.workspace("dang_ky_to_chuc_khcn").drafts if d.author == username]
    designer.discard_draft("dang_ky_to_chuc_khcn", username)
    assert "working_hours_before(appointment, 2)</bpmn:timeDate>" in draft.xml


def test_a_designer_moves_a_waiting_dossier_to_the_new_version(page, live_server):
    from tests.web.test_counter import receive

    services = live_server.services
    dossier = receive(services, channel=1, code="1.003172.000.00.00.H56").code  # waits for its assignment
    workspace = services.designer.workspace("dang_ky_to_chuc_khcn")
    renamed = workspace.xml.replace('name="Vào sổ, đóng dấu, phát hành"', 'name="Vào sổ, đóng dấu và phát hành"')
    assert renamed != workspace.xml
    number = services.designer.deploy(
        "dang_ky_to_chuc_khcn", workspace.file_name, renamed, workspace.number, "Đổi tên bước phát hành", "thietke"
    )
    sign_in(page, "designer")
    page.goto("/thiet-ke/dang_ky_to_chuc_khcn")
    page.get_by_role("link", name="Hồ sơ đang mở ở các phiên bản cũ: chuyển sang phiên bản mới được không?").click()
    row = page.locator(f'tr[data-code="{dossier}"]')
    assert "có" in row.inner_text()
    page.get_by_role("button", name="Thử chuyển (không thay đổi gì)").click()
    assert f"{dossier}: chuyển được sang phiên bản {number}" in page.locator("#migration-results").inner_text()
    page.get_by_role("button", name="Chuyển các hồ sơ đã chọn").click()
    assert f"{dossier}: đã chuyển sang phiên bản {number}" in page.locator("#migration-results").inner_text()
    screenshot(page, "50-thiet-ke-chuyen-phien-ban")
    migrated = [e.payload for e in services.instances.history(dossier) if e.tag == "instance:migrated"]
    assert [(m["from_version"], m["to_version"]) for m in migrated] == [(number - 1, number)]


def test_a_designer_adds_a_user_task_and_chooses_its_form_in_the_panel(page, live_server):
    sign_in(page, "designer")
    open_modeler(page, "dang_ky_to_chuc_khcn")
    select_element(page, "da_tra_ket_qua")
    page.locator('.djs-context-pad .entry[data-action="append.append-task"]').click()
    page.keyboard.type("Lưu hồ sơ")  # the new task's name, typed on the canvas
    page.mouse.click(5, 5)  # ends the label editing
    added = page.locator(".djs-element", has_text="Lưu hồ sơ").first.get_attribute("data-element-id")
    select_element(page, added)
    page.locator('.djs-context-pad .entry[data-action="replace"]').click()
    page.locator('.djs-popup [data-id="replace-with-user-task"]').click()
    assert page.locator(".djs-element.selected").first.get_attribute("data-element-id") == added
    open_group(page, "Một cửa")
    page.locator("#bio-properties-panel-motcua-form").select_option("tra_ket_qua")
    page.locator("#bio-properties-panel-motcua-allotment").fill("0,5")
    page.locator("#bio-properties-panel-motcua-status").select_option("10")
    page.locator("#bio-properties-panel-motcua-name-en").fill("File the dossier")
    screenshot(page, "51-thiet-ke-them-viec")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_selector("#modeler[data-draft-saved]")
    designer, username = live_server.services.designer, USERNAMES["designer"]
    [draft] = [d for d in designer.workspace("dang_ky_to_chuc_khcn").drafts if d.author == username]
    designer.discard_draft("dang_ky_to_chuc_khcn", username)
    from engine.bpmn.diff import diff_bpmn

    [change] = [d for d in diff_bpmn(designer.workspace("dang_ky_to_chuc_khcn").xml, draft.xml) if d.element == added]
    assert (change.kind, change.type) == ("added", "userTask")
    assert '<spiffworkflow:property name="form" value="tra_ket_qua"' in draft.xml
    assert '<spiffworkflow:property name="name_en" value="File the dossier"' in draft.xml
