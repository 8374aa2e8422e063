"""Process-history records to the portal over real HTTP on 127.0.0.1: each completed step is one record naming the
officer (full name, title, division; never a username); steps completed while the dossier's portal messages wait go
out together in batches of at most 10, in the order they were completed, none lost or sent twice."""

from adapters.portal.sandbox import PortalSandbox
from engine.domain.permissions import ROLES
from tests.adapters.test_portal_journey import app_config, files, online, sandbox, sandbox_faults  # noqa: F401
from tests.test_architecture import MAIN_PATH_DATA
from tests.web.conftest import DEMO_BY_ROLE, ensure_account
from tests.web.test_counter import APPLICANT, X_RAY

# The officer who works each step of the X-quang workflow (tests/web/conftest.py's demo accounts).
WORKER = {
    "tiep_nhan": "one_stop",
    "phan_cong": "division_head",
    "tham_dinh": "specialist",
    "xem_xet": "division_head",
    "ky_duyet": "director",
    "ban_hanh": "clerk",
    "tra_ket_qua": "one_stop",
}
SENT_BACK = {"approved": False, "comment": "Dự thảo giấy phép cần sửa phần phạm vi"}


def complete(services, code: str, name: str, data: dict) -> None:
    [task] = [t for t in services.instances.tasks(code=code) if t.name == name]
    services.instances.complete(task.task_id, data, DEMO_BY_ROLE[WORKER[name]][0])


def dispatch_all(services) -> None:
    while services.outbox.dispatch():
        pass


def history_batches(portal: PortalSandbox, code: str) -> list[list[dict]]:
    return [
        [r for r in d["records"] if r["dossier_code"] == code]
        for d in portal.deliveries("history")
        if any(r["dossier_code"] == code for r in d["records"])
    ]


def test_seventeen_steps_waiting_go_to_the_portal_in_batches_of_ten_in_order(online, services):  # noqa: F811
    for role in set(WORKER.values()):
        ensure_account(services, role)
    _status, answer = online.submit(X_RAY, APPLICANT, files(services), {"reference": "VNPAY-5", "amount": 3000000})
    code = answer["result"]["dossier_code"]
    steps = [("tiep_nhan", MAIN_PATH_DATA["tiep_nhan"]), ("phan_cong", {})]
    for _ in range(5):  # the head of division sends the draft back five times
        steps += [("tham_dinh", MAIN_PATH_DATA["tham_dinh"]), ("xem_xet", SENT_BACK)]
    steps += [(name, MAIN_PATH_DATA.get(name, {})) for name in ("tham_dinh", "xem_xet", "ky_duyet", "ban_hanh")]
    steps.append(("tra_ket_qua", {}))
    for name, data in steps:  # the portal hears nothing meanwhile (no dispatcher runs)
        complete(services, code, name, data)
    assert services.dossiers.get(code).status == 10
    dispatch_all(services)

    batches = history_batches(online, code)
    # 15 steps before the result (10 + 5), then the statuses 9 and 10 each come before the record of their step
    assert [len(batch) for batch in batches] == [10, 5, 1, 1]
    records = [record for batch in batches for record in batch]
    completed = [e.payload["title"] for e in services.instances.history(code) if e.tag == "dossier:task:completed"]
    assert [r["content"] for r in records] == completed and len(records) == len(steps)
    for record, (name, _data) in zip(records, steps, strict=True):
        username, full_name, role, division = DEMO_BY_ROLE[WORKER[name]]
        assert (record["officer"], record["title"], record["division"]) == (full_name, ROLES[role], division)
        assert username not in record.values()
    assert len({d["key"] for d in online.deliveries("history")}) == len(online.deliveries("history"))
    assert online.counters()["duplicates"] == 0
    statuses = [s["status"] for s in online.dossiers()[code]["statuses"]]
    assert statuses == [2, 4, 9, 10]


def test_a_batch_already_tried_takes_no_more_records(online, services, clock):  # noqa: F811
    for role in set(WORKER.values()):
        ensure_account(services, role)
    _status, answer = online.submit(X_RAY, APPLICANT, files(services), {"reference": "VNPAY-6", "amount": 3000000})
    code = answer["result"]["dossier_code"]
    complete(services, code, "tiep_nhan", MAIN_PATH_DATA["tiep_nhan"])
    sandbox_faults(online, error_rate=1.0)
    services.outbox.dispatch()  # the portal answers 500: the first status waits for a retry, the rest behind it
    complete(services, code, "phan_cong", {})
    complete(services, code, "tham_dinh", MAIN_PATH_DATA["tham_dinh"])
    sandbox_faults(online, error_rate=0.0)
    clock.advance(hours=1)
    dispatch_all(services)
    # the first record's batch was never tried (held behind the status), so the next two joined it
    assert [[r["content"] for r in batch] for batch in history_batches(online, code)] == [
        ["Tiếp nhận, kiểm tra hồ sơ", "Phân công thụ lý", "Thẩm định hồ sơ, dự thảo giấy phép"]
    ]
    complete(services, code, "xem_xet", SENT_BACK)
    sandbox_faults(online, drop_rate=1.0)
    services.outbox.dispatch()  # tried and cut off: the batch is fixed from now on
    complete(services, code, "tham_dinh", MAIN_PATH_DATA["tham_dinh"])
    sandbox_faults(online, drop_rate=0.0)
    clock.advance(hours=1)
    dispatch_all(services)
    assert [[r["content"] for r in batch] for batch in history_batches(online, code)][1:] == [
        ["Xem xét, trình ký"],
        ["Thẩm định hồ sơ, dự thảo giấy phép"],
    ]
