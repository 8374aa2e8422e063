"""Letters to postal applicants and items the post brings back, over real HTTP on 127.0.0.1 with the postal sandbox:
the supplementation request (Mẫu 02), the refusal (Mẫu 03) and the apology (Mẫu 04) of a dossier handed over by the
post go back by post, a pickup order each through the outbox, followed by their tracking events; two failed delivery
attempts of an item bring it back and open a work item in the one-stop section's task list, recorded in history."""

from engine.domain.permissions import ONE_STOP_LANE
from engine.domain.portal_wire import wire_time
from tests.adapters.test_portal_journey import assert_replayed
from tests.adapters.test_postal_journey import app_config, connected, files, postal, resolved_by_post  # noqa: F401
from tests.test_architecture import MAIN_PATH_DATA
from tests.web.test_counter import APPLICANT, X_RAY


def handed_over(connected, services, clock) -> str:  # noqa: F811
    body = connected.handover_body(X_RAY, APPLICANT, files(services), 3000000, wire_time(clock.now()))
    return connected.handover(body)[1]["result"]["dossier_code"]


def check_at_reception(services, code: str, decision: str) -> None:
    data = {**MAIN_PATH_DATA["tiep_nhan"], "reception_result": decision}
    if decision == "supplement":
        data["missing_items"] = ["Bản sao chứng chỉ nhân viên bức xạ còn hiệu lực"]
    if decision == "refuse":
        data["refusal_reasons"] = ["Thủ tục không thuộc thẩm quyền của Sở"]
    [task] = services.instances.tasks(code=code)
    services.instances.complete(task.task_id, data, "tester")


def dispatch_all(services) -> None:
    while services.outbox.dispatch():
        pass


def test_the_letters_of_a_postal_applicant_go_by_post_one_order_each(connected, services, clock):  # noqa: F811
    codes = {}
    for decision in ("supplement", "refuse", "accept"):
        codes[decision] = handed_over(connected, services, clock)
        check_at_reception(services, codes[decision], decision)
    dispatch_all(services)
    orders = {o["order_number"]: o for o in connected.orders()}
    [supplement] = [o for number, o in orders.items() if number.startswith(codes["supplement"] + "/BS")]
    [refusal] = [o for number, o in orders.items() if number.startswith(codes["refuse"] + "/TC")]
    assert not [n for n in orders if n.startswith(codes["accept"])]  # Mẫu 01 does not go by post; no result yet
    assert supplement["receiver"]["address"] == APPLICANT["address"] and supplement["cod_amount"] == 0
    assert "Phiếu yêu cầu bổ sung" in supplement["description"] and "Phiếu từ chối" in refusal["description"]
    ordered = [e.payload for e in services.instances.history(codes["refuse"]) if e.tag.endswith("letter_ordered")]
    assert ordered == [{"letter": "reception_refusal", "order_number": refusal["order_number"]}]
    status, ack = connected.track(refusal["order_number"], "delivered", wire_time(clock.now()), "Đã phát")
    assert status == 200 and ack["state"] == "processed", ack
    delivered = [e.payload for e in services.instances.history(codes["refuse"]) if e.tag == "dossier:postal:delivered"]
    assert delivered[0]["order_number"] == refusal["order_number"]
    assert delivered[0]["letter"] == "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
    for code in codes.values():
        assert_replayed(services, code)


def test_the_apology_of_a_postal_dossier_goes_by_post(connected, services, clock):  # noqa: F811
    code = handed_over(connected, services, clock)
    for name in ("tiep_nhan", "phan_cong"):
        [task] = [t for t in services.instances.tasks(code=code) if t.name == name]
        services.instances.complete(task.task_id, MAIN_PATH_DATA.get(name, {}), "tester")
    for _ in range(20):  # the reminder to apologise fires a working day before the appointment
        if "lap_phieu_xin_loi" in [t.name for t in services.instances.tasks(code=code)]:
            break
        clock.advance(days=1)
        services.timers.run_pass("t", 100)
    for name in ("lap_phieu_xin_loi", "duyet_phieu_xin_loi"):
        [task] = [t for t in services.instances.tasks(code=code) if t.name == name]
        services.instances.complete(task.task_id, MAIN_PATH_DATA[name], "tester")
    dispatch_all(services)
    [apology] = [o for o in connected.orders() if o["order_number"].startswith(code + "/XL")]
    assert "Văn bản xin lỗi" in apology["description"]


def test_two_failed_attempts_open_a_work_item_for_the_one_stop_section(connected, services, clock, sign_in):  # noqa: F811
    code = resolved_by_post(connected, services, clock)
    dispatch_all(services)
    for n in (1, 2, 3):  # a third attempt report changes nothing more
        status, ack = connected.track(code, "failed_attempt", wire_time(clock.now()), f"Lần {n}: vắng nhà")
        assert ack["state"] == "processed" and ack["result"]["failed_attempts"] == n, ack
    [item] = services.work_items.open_for([ONE_STOP_LANE])
    assert item.code == code and "bị bưu điện hoàn trả" in item.title and "Trả kết quả" in item.instruction
    tags = [e.tag for e in services.instances.history(code)]
    assert tags.count("dossier:postal:returned") == 1 and tags.count("dossier:work_item:opened") == 1
    officer = sign_in("one_stop")
    page = officer.get("/viec").get_data(as_text=True)
    assert f'data-work-item="{item.id}"' in page and "Kết quả hồ sơ" in page
    assert f'data-work-item="{item.id}"' not in sign_in("specialist").get("/viec").get_data(as_text=True)
    empty = officer.post(f"/viec-phat-sinh/{item.id}/xong", {"note": "  "})
    assert empty.status_code == 302 and services.work_items.open_for([ONE_STOP_LANE]) == [item]
    done = officer.post(f"/viec-phat-sinh/{item.id}/xong", {"note": "Đã gọi điện, người nộp sẽ đến nhận"})
    assert done.status_code == 302 and services.work_items.open_for([ONE_STOP_LANE]) == []
    [closed] = [e for e in services.instances.history(code) if e.tag == "dossier:work_item:done"]
    assert closed.actor == "motcua" and closed.payload["note"] == "Đã gọi điện, người nộp sẽ đến nhận"
    assert officer.post(f"/viec-phat-sinh/{item.id}/xong", {"note": "lần nữa"}).status_code == 409
    history = officer.get(f"/ho-so/{code}").get_data(as_text=True)
    assert f"Bưu điện hoàn trả bưu gửi {code} sau hai lần phát không thành công" in history
    assert "Đã xử lý việc “Kết quả hồ sơ" in history and "Lần 2: vắng nhà" in history
    assert_replayed(services, code)


def test_a_letter_brought_back_opens_its_own_work_item(connected, services, clock):  # noqa: F811
    code = handed_over(connected, services, clock)
    check_at_reception(services, code, "supplement")
    dispatch_all(services)
    [order] = [o for o in connected.orders() if o["order_number"].startswith(code + "/")]
    for n in (1, 2):
        status, ack = connected.track(order["order_number"], "failed_attempt", wire_time(clock.now()), f"Lần {n}")
        assert ack["result"]["failed_attempts"] == n, ack
    [item] = services.work_items.open_for([ONE_STOP_LANE])
    assert item.code == code and "Văn bản gửi người nộp" in item.title
    assert "Phiếu yêu cầu bổ sung" in item.instruction and order["order_number"] in item.instruction
    unknown = connected.track(code + "/XL000000000000", "failed_attempt", wire_time(clock.now()))[1]
    assert unknown["state"] == "refused" and "không có đơn gửi văn bản" in unknown["error"]
