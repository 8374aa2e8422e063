"""The step record an audit relies on (inputs and digests, sealed with a key outside the database, anchored), and
`verify` naming each way someone who can write to the database may tamper with a dossier."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine.domain.chain import GENESIS, Seal, event_hash
from engine.domain.digests import state_digest
from engine.domain.errors import ValidationError
from engine.persistence.models import Dossier, HistoryEvent, Instance, ProcessVersion, UserTask
from tests.engine.services.test_dossiers import APPLICANT, all_documents
from tests.engine.services.test_instances import start as start_bare

AGENCY = "H15.50.05.13"
HOP_QUY = "1.000047.000.00.00.H56"
KEY = "khoa-kiem-toan-thu-nghiem"


@pytest.fixture
def app_config(tmp_path):
    return {"agency_code": AGENCY, "audit_key": KEY, "anchor_dir": tmp_path / "anchors"}


def receive(services) -> str:
    from tests.conftest import fixture_files

    services.deploy.deploy(fixture_files("cong_bo_hop_quy.bpmn"), "designer")
    dossier = services.reception.receive(
        procedure_code=HOP_QUY,
        applicant=APPLICANT,
        channel=1,
        result_delivery="counter",
        documents=all_documents(services),
        actor="motcua1",
    )
    return dossier.code


def advance(services, code: str, actor: str = "motcua1", data=None) -> None:
    [task] = services.instances.tasks(code=code)
    services.instances.complete(task.task_id, data or {"ghi_chu": "đủ"}, actor)


@pytest.fixture
def dossier(services) -> str:
    """A received dossier whose first two tasks were done: three steps, about eight events."""
    code = receive(services)
    advance(services, code)
    advance(services, code, "chuyenvien", {"ket_qua": "đạt"})
    assert services.audit.verify(code).intact
    return code


def events(services, code: str) -> list:
    return services.instances.history(code)


def instance_id(services, code: str) -> int:
    with services.db.read() as session:
        return session.scalar(select(Instance.id).where(Instance.code == code))


def run(services, *statements) -> None:
    with services.db.engine.begin() as connection:
        for statement in statements:
            connection.execute(statement)


def rechain(services, code: str, rows: list[dict], set_head: bool = True) -> None:
    """What someone who can write to the database (but has no key) does to hide a change: renumber `rows` from 1,
    recompute every hash with the plain `event_hash`, rewrite the events and the instance's head."""
    iid, prev = instance_id(services, code), GENESIS
    with services.db.engine.begin() as connection:
        connection.execute(HistoryEvent.__table__.delete().where(HistoryEvent.instance_id == iid))
        for seq, row in enumerate(rows, start=1):
            digest = event_hash(prev, code, seq, row["tag"], row["at"], row["actor"], row["payload"], row["step"])
            connection.execute(
                HistoryEvent.__table__.insert().values(
                    instance_id=iid, **{**row, "seq": seq, "prev_hash": prev, "hash": digest}
                )
            )
            prev = digest
        if set_head:
            connection.execute(
                update(Instance).where(Instance.id == iid).values(last_event_seq=len(rows), last_event_hash=prev)
            )


def stored_rows(services, code: str) -> list[dict]:
    keep = ("tag", "at", "actor", "task_id", "payload", "step", "mac")
    return [{k: getattr(e, k) for k in keep} for e in events(services, code)]


def finding(services, code: str, anchors=()):
    report = services.audit.verify(code, list(anchors))
    assert not report.intact, "the tampering went unnoticed"
    return report.findings[0]


# --- 1. the step record ----------------------------------------------------------------------------------------
def test_each_step_records_its_input_and_the_digest_of_the_state_it_left(services, dossier):
    history = events(services, dossier)
    steps = [e for e in history if e.step is not None]
    assert [s.step["input"]["kind"] for s in steps] == ["start", "complete", "complete"]
    started, second = steps[0].step["input"], steps[2].step["input"]
    assert started["data"]["applicant"] == APPLICANT and started["version_hash"] and started["actor"] == "motcua1"
    assert (second["actor"], second["data"]) == ("chuyenvien", {"ket_qua": "đạt"})
    assert second["task_id"] == [e for e in history if e.tag == "dossier:task:completed"][-1].task_id
    assert all(e.step is None for e in history if e not in steps)  # only the last event of each step carries it
    assert history.index(steps[1]) < history.index(steps[2]) == len(history) - 1
    with services.db.read() as session:
        state = session.scalar(select(Instance.state).where(Instance.code == dossier))
    assert steps[-1].step["state"] == state_digest(json.dumps(state))
    assert steps[0].step["state"] != steps[1].step["state"] != steps[2].step["state"]
    assert all(len(s.step["facts"]) == 64 and len(s.step["tasks"]) == 64 for s in steps)


def test_a_timer_firing_is_recorded_with_its_moment(services, clock):
    start_bare(services)  # three_steps: a reminder timer on its second task
    [task] = services.instances.tasks(code="H1")
    services.instances.complete(task.task_id, {}, "motcua")
    clock.advance(days=2)
    fired = services.timers.run_pass("w1")
    assert fired.fired == 1
    last = [e for e in events(services, "H1") if e.step is not None][-1]
    assert last.step["input"] == {"kind": "timers", "at": clock.now().isoformat()}
    assert services.audit.verify("H1").intact


def test_events_and_the_head_are_sealed_with_the_key_which_is_not_in_the_database(services, dossier):
    seal = Seal(KEY.encode())
    history = events(services, dossier)
    for e in history:
        assert e.mac == seal.event_mac(dossier, e.seq, e.tag, e.at, e.actor, e.payload, e.step)
    with services.db.read() as session:
        head = session.execute(
            select(Instance.last_event_seq, Instance.last_event_hash, Instance.head_mac).where(Instance.code == dossier)
        ).one()
    assert head.head_mac == seal.head_mac(dossier, head.last_event_seq, head.last_event_hash)
    with services.db.engine.connect() as connection:  # the key is nowhere in the database
        for table in ("instance", "history_event", "dossier", "process_version"):
            rows = connection.exec_driver_sql(f"SELECT * FROM {table}").all()
            assert KEY not in repr(rows)
    services.audit.seal = Seal(b"another key")  # a verifier with the wrong key trusts nothing
    assert not services.audit.verify(dossier).intact


def test_a_key_file_is_created_once_and_read_after(tmp_path):
    from engine.services.settings import Settings

    settings = Settings(audit_key_file=tmp_path / "keys" / "audit.key")
    key = settings.audit_seal_key()
    assert len(key) == 64 and settings.audit_seal_key() == key
    assert (tmp_path / "keys" / "audit.key").stat().st_mode & 0o077 == 0


def test_an_anchor_is_signed_and_a_forged_one_is_refused(services, dossier, tmp_path):
    path, anchor = services.audit.anchor()
    assert path.parent == tmp_path / "anchors"
    assert [dossier, len(events(services, dossier)), events(services, dossier)[-1].hash] in anchor.heads
    assert services.audit.verify(dossier, [path]).intact
    forged = json.loads(path.read_text())
    forged["heads"][0][1] = 1
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    with pytest.raises(ValidationError, match="chữ ký không khớp"):
        services.audit.verify(dossier, [tmp_path / "forged.json"])


def test_a_rewrite_after_the_anchor_is_found_even_by_someone_holding_the_key(services, dossier):
    path, _ = services.audit.anchor()
    # With the key, an insider truncates the history and reseals every event and the head: no MAC can tell.
    seal, rows = Seal(KEY.encode()), stored_rows(services, dossier)[:4]
    rechain(services, dossier, rows)
    history = events(services, dossier)
    iid = instance_id(services, dossier)
    run(
        services,
        update(Instance).where(Instance.id == iid).values(head_mac=seal.head_mac(dossier, 4, history[-1].hash)),
    )
    report = services.audit.verify(dossier)
    assert all(f.kind != "history_truncated" for f in report.findings)
    anchored = services.audit.verify(dossier, [path])
    assert "anchor_mismatch" in [f.kind for f in anchored.findings]


# --- 2. naming each tampering ----------------------------------------------------------------------------------
def test_an_edited_event(services, dossier):
    iid = instance_id(services, dossier)
    run(services, update(HistoryEvent).where(HistoryEvent.instance_id == iid, HistoryEvent.seq == 3).values(actor="x"))
    found = finding(services, dossier)
    assert (found.kind, found.seq) == ("event_edited", 3) and "sự kiện 3" in found.message


def test_a_deleted_event(services, dossier):
    iid = instance_id(services, dossier)
    run(services, HistoryEvent.__table__.delete().where(HistoryEvent.instance_id == iid, HistoryEvent.seq == 2))
    found = finding(services, dossier)
    assert (found.kind, found.seq) == ("event_deleted", 2)


def test_a_deleted_event_hidden_by_renumbering_and_rehashing(services, dossier):
    rows = stored_rows(services, dossier)
    rechain(services, dossier, rows[:2] + rows[3:])
    found = finding(services, dossier)
    assert (found.kind, found.seq) == ("event_deleted", 3)


def test_an_inserted_event_at_the_end_with_the_head_moved(services, dossier):
    rows = stored_rows(services, dossier)
    forged = {**rows[-1], "tag": "dossier:task:completed", "actor": "mallory", "payload": {"task": "sign"}}
    rechain(services, dossier, [*rows, {**forged, "step": None, "mac": None}])
    found = finding(services, dossier)
    assert (found.kind, found.seq) == ("event_inserted", len(rows) + 1)


def test_an_inserted_event_in_the_middle(services, dossier):
    rows = stored_rows(services, dossier)
    forged = {**rows[1], "actor": "mallory", "payload": {"note": "đã thẩm định"}, "step": None}
    rechain(services, dossier, [*rows[:2], forged, *rows[2:]])
    found = finding(services, dossier)
    assert (found.kind, found.seq) == ("event_inserted", 3)


def test_an_altered_stored_state(services, dossier):
    with services.db.read() as session:
        state = session.scalar(select(Instance.state).where(Instance.code == dossier))
    text = json.dumps(state, ensure_ascii=False).replace('"đạt"', '"không đạt"')
    assert text != json.dumps(state, ensure_ascii=False)
    run(services, update(Instance).where(Instance.code == dossier).values(state=json.loads(text)))
    found = finding(services, dossier)
    assert found.kind == "state_altered" and "trạng thái" in found.message


@pytest.mark.parametrize("column", ["appointment", "applicant"])
def test_an_altered_dossier_row(services, dossier, column):
    with services.db.read() as session:
        row = session.execute(select(Dossier).where(Dossier.code == dossier)).scalar_one()
        value = row.appointment + timedelta(days=10) if column == "appointment" else {**APPLICANT, "address": "khác"}
    run(services, update(Dossier).where(Dossier.code == dossier).values({column: value}))
    assert finding(services, dossier).kind == "dossier_altered"


def test_a_truncated_history_with_its_head_reset(services, dossier):
    rows = stored_rows(services, dossier)
    iid, kept = instance_id(services, dossier), events(services, dossier)[:3]
    run(
        services,
        HistoryEvent.__table__.delete().where(HistoryEvent.instance_id == iid, HistoryEvent.seq > 3),
        update(Instance).where(Instance.id == iid).values(last_event_seq=3, last_event_hash=kept[-1].hash),
    )
    assert len(rows) > 3
    found = finding(services, dossier)
    assert (found.kind, found.seq) == ("history_truncated", 3)


def test_all_events_deleted_and_the_head_reset(services, dossier):
    iid = instance_id(services, dossier)
    run(
        services,
        HistoryEvent.__table__.delete().where(HistoryEvent.instance_id == iid),
        update(Instance).where(Instance.id == iid).values(last_event_seq=0, last_event_hash=""),
    )
    assert finding(services, dossier).kind == "history_truncated"


def test_an_edited_event_with_the_chain_recomputed(services, dossier):
    rows = stored_rows(services, dossier)
    rows[3] = {**rows[3], "actor": "mallory"}
    rechain(services, dossier, rows)
    found = finding(services, dossier)
    assert (found.kind, found.seq) == ("chain_recomputed", 4) and "tính lại" in found.message


@pytest.mark.parametrize("rehash", [False, True])
def test_an_altered_process_version(services, dossier, rehash):
    from engine.bpmn.parsing import version_hash

    with services.db.read() as session:
        version = session.execute(
            select(ProcessVersion)
            .join(Instance, Instance.process_version_id == ProcessVersion.id)
            .where(Instance.code == dossier)
        ).scalar_one()
        sources = {name: text.replace("3d", "30d") for name, text in version.sources.items()}
    values = {"sources": sources, **({"version_hash": version_hash(sources)} if rehash else {})}
    run(services, update(ProcessVersion).where(ProcessVersion.id == version.id).values(values))
    assert finding(services, dossier).kind == "process_altered"


@pytest.mark.parametrize("change", ["due_at", "delete", "name"])
def test_an_altered_task_projection_row(services, dossier, change):
    [task] = services.instances.tasks(code=dossier)
    where = UserTask.task_id == task.task_id
    if change == "delete":
        statement = UserTask.__table__.delete().where(where)
    elif change == "due_at":
        statement = update(UserTask).where(where).values(due_at=task.due_at + timedelta(days=30))
    else:
        statement = update(UserTask).where(where).values(name="give_back")
    run(services, statement)
    assert finding(services, dossier).kind == "tasks_altered"


# --- 3. re-execution -------------------------------------------------------------------------------------------
def test_a_history_re_executes_to_the_same_states(services, dossier):
    report = services.replay.replay(dossier)
    assert (report.outcome, report.steps, report.problem) == ("verified", 3, ""), report


def test_a_fired_timer_re_executes_at_its_recorded_moment(services, clock):
    start_bare(services)
    [task] = services.instances.tasks(code="H1")
    services.instances.complete(task.task_id, {}, "motcua")
    clock.advance(days=2)
    assert services.timers.run_pass("w1").fired == 1
    [task] = services.instances.tasks(code="H1")
    services.instances.complete(task.task_id, {"opinion": "đạt"}, "chuyenvien")
    assert services.replay.replay("H1").verified


def test_a_changed_process_version_makes_the_re_execution_diverge_where_it_first_matters(services, dossier):
    with services.db.read() as session:
        version = session.execute(
            select(ProcessVersion)
            .join(Instance, Instance.process_version_id == ProcessVersion.id)
            .where(Instance.code == dossier)
        ).scalar_one()
        sources = {name: text.replace('value="3d"', 'value="30d"') for name, text in version.sources.items()}
    run(services, update(ProcessVersion).where(ProcessVersion.id == version.id).values(sources=sources))
    ready = [e for e in events(services, dossier) if e.tag == "dossier:task:ready" and e.payload["task"] == "appraise"]
    report = services.replay.replay(dossier)
    assert (report.outcome, report.seq) == ("diverged", ready[0].seq)
    assert f"sự kiện {ready[0].seq} (dossier:task:ready)" in report.problem and "due_at" in report.problem


def test_a_changed_step_input_makes_the_re_execution_diverge_at_that_step(services, dossier):
    marker = [e for e in events(services, dossier) if e.step is not None][1]
    forged = {**marker.step, "input": {**marker.step["input"], "data": {"ghi_chu": "thiếu"}}}
    iid = instance_id(services, dossier)
    run(
        services,
        update(HistoryEvent).where(HistoryEvent.instance_id == iid, HistoryEvent.seq == marker.seq).values(step=forged),
    )
    report = services.replay.replay(dossier)
    assert (report.outcome, report.seq) == ("diverged", marker.seq)
    assert "trạng thái quy trình" in report.problem and "'complete'" in report.problem


def test_a_history_without_recorded_inputs_cannot_be_re_executed(services, dossier):
    run(services, update(HistoryEvent).values(step=None))
    report = services.replay.replay(dossier)
    assert report.outcome == "unreplayable" and "đầu vào" in report.problem
    assert services.replay.replay("KHONG-CO").outcome == "unreplayable"


# --- 5. exports verifiable offline ------------------------------------------------------------------------------
def test_an_exported_history_verifies_and_re_executes_without_the_database(services, dossier):
    document = json.loads(json.dumps(services.audit.export(dossier)))  # as written to a file and read back
    report, sources = services.audit.verify_document(document)
    assert report.intact and report.events == len(events(services, dossier))
    assert services.replay.replay_document(document, sources).verified


@pytest.mark.parametrize(
    "tamper, kind",
    [
        (lambda d: d["events"][2].update(actor="mallory"), "event_edited"),
        (lambda d: d.update(state=d["state"].replace('"đạt"', '"không đạt"')), "state_altered"),
        (lambda d: d["facts"].update(late=True), "dossier_altered"),
        (lambda d: d["tasks"].clear(), "tasks_altered"),
        (lambda d: d["process"]["sources"].update({"x.bpmn": "<definitions/>"}), "process_altered"),
    ],
)
def test_a_tampered_export_is_named(services, dossier, tamper, kind):
    document = json.loads(json.dumps(services.audit.export(dossier)))
    tamper(document)
    report, _ = services.audit.verify_document(document)
    assert kind in [f.kind for f in report.findings]


def test_a_truncated_export_with_its_head_reset_is_found(services, dossier):
    document = services.audit.export(dossier)
    document["events"] = document["events"][:3]
    document["head"].update(seq=3, hash=document["events"][-1]["hash"])
    assert services.audit.verify_document(document)[0].findings[0].kind == "history_truncated"


def test_a_csv_export_carries_the_events_and_the_head(services, dossier, tmp_path):
    path = tmp_path / "lich-su.csv"
    path.write_text(services.audit.export_csv(dossier), encoding="utf-8")
    [document] = services.audit.read_export(path)
    report, _ = services.audit.verify_document(document)
    assert report.intact and report.events == len(events(services, dossier))
    path.write_text(path.read_text(encoding="utf-8").replace("motcua1", "mallory", 1), encoding="utf-8")
    [document] = services.audit.read_export(path)
    assert services.audit.verify_document(document)[0].findings[0].kind == "event_edited"
    (tmp_path / "rac.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValidationError, match="Không đọc được tệp xuất"):
        services.audit.read_export(tmp_path / "rac.csv")


def test_a_date_range_exports_the_dossiers_started_in_it(services, clock, dossier):
    clock.advance(days=2)
    later = receive(services)
    start = clock.now() - timedelta(hours=1)
    assert [d["code"] for d in services.audit.export_range(start, None)] == [later]
    assert [d["code"] for d in services.audit.export_range(None, start)] == [dossier]


def test_a_history_written_before_the_seal_is_named_until_sealed_then_sealed_from_its_next_step(services, dossier):
    legacy = [{**row, "step": None, "mac": None} for row in stored_rows(services, dossier)]
    rechain(services, dossier, legacy)  # as the history was before this version
    run(services, update(Instance).where(Instance.code == dossier).values(head_mac=None))
    assert finding(services, dossier).kind == "unsealed"  # also what stripping every seal would look like
    assert services.replay.replay(dossier).outcome == "unreplayable"
    assert services.audit.seal_unsealed() == (1, [])
    assert services.audit.verify(dossier).intact
    assert services.audit.seal_unsealed() == (0, [])
    advance(services, dossier, "truongphong")
    history = events(services, dossier)
    assert history[0].mac is None and history[-1].mac is not None and history[-1].step is not None
    assert services.audit.verify(dossier).intact
    iid = instance_id(services, dossier)
    run(services, update(HistoryEvent).where(HistoryEvent.instance_id == iid, HistoryEvent.seq == 2).values(actor="x"))
    assert finding(services, dossier).kind == "event_edited"


def test_a_broken_legacy_history_is_not_sealed(services, dossier):
    legacy = [{**row, "step": None, "mac": None} for row in stored_rows(services, dossier)]
    rechain(services, dossier, legacy)
    iid = instance_id(services, dossier)
    run(
        services,
        update(Instance).where(Instance.id == iid).values(head_mac=None),
        update(HistoryEvent).where(HistoryEvent.instance_id == iid, HistoryEvent.seq == 2).values(actor="x"),
    )
    assert services.audit.seal_unsealed() == (0, [dossier])


def test_the_worker_anchors_once_a_day(services, dossier, clock, tmp_path):
    day = timedelta(days=1)
    first = services.audit.anchor_if_due(day)
    assert first is not None and first.parent == tmp_path / "anchors"
    clock.advance(hours=23)
    assert services.audit.anchor_if_due(day) is None
    clock.advance(hours=1, seconds=1)
    second = services.audit.anchor_if_due(day)
    assert second is not None and second != first and services.audit.verify(dossier, [second]).intact
    assert services.audit.anchor_if_due(timedelta(0)) is None  # anchoring left to `motcua anchor`


def test_the_worker_loop_writes_the_anchor(services, dossier, tmp_path):
    import threading

    from web.worker import run_forever

    stop = threading.Event()
    worker = threading.Thread(target=run_forever, args=(services, stop, 10, 0.05))
    worker.start()
    try:
        for _ in range(200):
            if list((tmp_path / "anchors").glob("anchor-*.json")):
                break
            stop.wait(0.05)
    finally:
        stop.set()
        worker.join(10)
    [written] = list((tmp_path / "anchors").glob("anchor-*.json"))
    assert dossier in written.read_text(encoding="utf-8")


def test_the_latest_anchor_is_used_when_asked_and_a_forged_one_is_a_finding(services, dossier, tmp_path):
    assert services.audit.verify(dossier, None).intact  # no anchor yet
    path, _ = services.audit.anchor()
    rows = stored_rows(services, dossier)[:4]
    seal = Seal(KEY.encode())
    rechain(services, dossier, rows)
    last = events(services, dossier)[-1]
    run(
        services, update(Instance).where(Instance.code == dossier).values(head_mac=seal.head_mac(dossier, 4, last.hash))
    )
    plain = services.audit.verify(dossier)  # no anchor asked for: the seals hold (the stored state does not)
    assert {f.kind for f in plain.findings} <= {"state_altered", "tasks_altered", "timers_altered", "dossier_altered"}
    assert "anchor_mismatch" in [f.kind for f in services.audit.verify(dossier, None).findings]
    path.write_text(path.read_text().replace('"mac": "', '"mac": "0'))
    assert "anchor_invalid" in [f.kind for f in services.audit.verify(dossier, None).findings]


def test_a_malformed_step_input_is_a_divergence_not_a_crash(services, dossier):
    marker = [e for e in events(services, dossier) if e.step is not None][1]
    iid = instance_id(services, dossier)
    forged = {**marker.step, "input": {"kind": "complete", "data": "không phải đối tượng"}}
    run(
        services,
        update(HistoryEvent).where(HistoryEvent.instance_id == iid, HistoryEvent.seq == marker.seq).values(step=forged),
    )
    report = services.replay.replay(dossier)
    assert (report.outcome, report.seq) == ("diverged", marker.seq) and "chạy lại không được" in report.problem


# --- the fields each step changed ---------------------------------------------------------------------------------
def test_a_timer_s_script_change_is_recorded_with_its_step_shown_on_the_timer_event_and_replayed(services, clock):
    """Not only task completions: the reminder timer fires (a system step) and its script sets `reminded`; the step
    records the field with its old and new values on the timer's event, and re-execution finds the same."""
    from datetime import datetime

    from engine.domain.clock import VN_TZ
    from engine.domain.data_changes import data_changes

    start_bare(services, "H1")
    [task] = services.instances.tasks(code="H1")
    services.instances.complete(task.task_id, {"ghi_chu": "đủ"}, "motcua")
    clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=VN_TZ))
    assert services.timers.run_pass("w1").fired == 1

    history = events(services, "H1")
    changes = data_changes(history)
    fired = next(e for e in history if e.tag == "instance:timer:fired")
    completed = next(e for e in history if e.tag == "dossier:task:completed")
    assert changes[fired.seq] == [("reminded", None, True)]
    assert changes[completed.seq] == [("ghi_chu", None, "đủ")]
    marker = next(e for e in history if e.seq >= fired.seq and e.step is not None)  # the step ends there
    assert marker.step["changes"] == {"event": fired.seq, "fields": [["reminded", None, True]]}
    assert services.replay.replay("H1").verified

    # A step whose recorded changes were altered (with the chain recomputed by someone holding the key) does not
    # re-execute to them: the replay names the step.
    with services.db.engine.begin() as connection:
        connection.execute(
            update(HistoryEvent)
            .where(HistoryEvent.instance_id == instance_id(services, "H1"), HistoryEvent.seq == marker.seq)
            .values(step={**marker.step, "changes": {"event": fired.seq, "fields": [["reminded", None, False]]}})
        )
    report = services.replay.replay("H1")
    assert report.outcome == "diverged" and report.seq == marker.seq
    assert "trường dữ liệu" in report.problem
