"""POST /api/v1/dossiers (reception), GET /api/v1/dossiers (list), /<code>, /<code>/history, /<code>/forms/<form>."""

from datetime import datetime

import pytest

from engine.domain.clock import VN_TZ
from tests.web.api.conftest import APPLICANT, HOP_QUY, reception


@pytest.fixture
def one_stop(by_token):
    return by_token("one_stop")


def receive(caller, services, **overrides) -> dict:
    response = caller.post("/api/v1/dossiers", json=reception(services, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_receiving_a_counter_dossier_registers_it_and_starts_its_procedure(deployed, one_stop):
    response = one_stop.post("/api/v1/dossiers", json=reception(deployed))

    assert response.status_code == 201
    dossier = response.get_json()
    assert response.headers["Location"] == f"/api/v1/dossiers/{dossier['code']}"
    assert dossier["code"].endswith("-260302-0001") and dossier["procedure_code"] == HOP_QUY
    assert dossier["received_at"] == dossier["clock_start"] == "2026-03-02T08:00:00+07:00"
    assert dossier["appointment"] == "2026-03-09T08:00:00+07:00"  # 5 working days
    assert dossier["received_by"] == "system-one_stop" and dossier["fee_paid"] is True
    assert dossier["applicant"] == APPLICANT and dossier["channel_label"] == "Trực tiếp"
    assert all(d["received"] for d in dossier["documents"])
    assert [(t["name"], t["lane"]) for t in dossier["tasks"]] == [("phan_cong", "Lãnh đạo phòng")]
    assert deployed.dossiers.get(dossier["code"]).status == dossier["status"]


def test_a_postal_dossier_counts_from_its_handover(deployed, one_stop, clock):
    dossier = receive(one_stop, deployed, channel=3, result_delivery="post", handover_at="2026-02-27T16:30:00+07:00")
    assert dossier["received_at"] == "2026-02-27T16:30:00+07:00" and dossier["channel"] == 3
    assert dossier["result_delivery_label"] == "Qua dịch vụ bưu chính công ích"
    assert [t["name"] for t in dossier["tasks"]] == ["tiep_nhan"]  # the reception check comes first


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (
            {"colour": "red"},
            {
                "colour": "không có trường này; các trường là: procedure_code, applicant, channel, "
                "result_delivery, documents, fee_paid, handover_at"
            },
        ),
        ({"channel": "1"}, {"channel": "phải là số nguyên"}),
        ({"fee_paid": "có"}, {"fee_paid": "phải là đúng (true) hoặc sai (false)"}),
        ({"documents": "tất cả"}, {"documents": "phải là danh sách (mảng JSON)"}),
        ({"applicant": [1]}, {"applicant": "phải là đối tượng JSON"}),
        (
            {"handover_at": "2026-02-27 10:00"},
            {"handover_at": "thiếu múi giờ; ghi kèm múi giờ, ví dụ 2026-03-02T08:00:00+07:00"},
        ),
    ],
)
def test_a_request_of_the_wrong_shape_is_422_naming_the_field_and_changes_nothing(deployed, one_stop, change, fields):
    response = one_stop.post("/api/v1/dossiers", json=reception(deployed, **change))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation" and error["fields"] == fields
    assert error["message"].startswith("Sai dữ liệu gửi lên: ")
    assert deployed.dossiers.list() == []


def test_nested_fields_are_named_by_path_and_list_items_from_1(deployed, one_stop):
    body = reception(deployed)
    del body["applicant"]["name"]
    body["applicant"]["nickname"] = "An"
    body["documents"][1]["received"] = "có"
    del body["procedure_code"]

    fields = one_stop.post("/api/v1/dossiers", json=body).get_json()["error"]["fields"]

    assert fields == {
        "procedure_code": "bắt buộc: thiếu trường này",
        "applicant.name": "bắt buộc: thiếu trường này",
        "applicant.nickname": "không có trường này; các trường là: "
        "type, name, id_number, address, phone, email, submitter",
        "documents[2].received": "phải là đúng (true) hoặc sai (false)",
    }
    assert deployed.dossiers.list() == []


def test_the_domain_s_reception_rules_answer_422_with_their_fields(deployed, one_stop):
    body = reception(deployed, channel=3, procedure_code=HOP_QUY)
    body["applicant"]["phone"] = "abc"
    body["documents"] = body["documents"][1:]  # a required document is missing

    response = one_stop.post("/api/v1/dossiers", json=body)

    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"applicant.phone", "handover_at", "documents"}
    assert "Mẫu 02" in fields["documents"] and "bưu chính" in fields["handover_at"]
    assert deployed.dossiers.list() == []


def test_a_body_that_is_not_json_is_422(deployed, one_stop):
    response = one_stop.api("POST", "/api/v1/dossiers", data="procedure_code=x", content_type="text/plain")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "body": "cần một đối tượng JSON, gửi kèm Content-Type: application/json"
    }
    listed = one_stop.post("/api/v1/dossiers", json=[1, 2])
    assert listed.status_code == 422 and listed.get_json()["error"]["fields"] == {"body": "phải là đối tượng JSON"}


def test_the_list_filters_by_status_procedure_and_reception_day(deployed, one_stop, clock):
    first = receive(one_stop, deployed)
    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=VN_TZ))
    second = receive(one_stop, deployed)
    third = receive(
        one_stop,
        deployed,
        procedure_code="1.004454.000.00.00.H56",
        documents=[{"name": d.name} for d in deployed.dossiers.catalogue.get("1.004454.000.00.00.H56").documents],
    )

    def codes(**query):
        response = one_stop.get("/api/v1/dossiers", query_string=query)
        assert response.status_code == 200, response.get_json()
        return [d["code"] for d in response.get_json()["items"]]

    assert codes() == [third["code"], second["code"], first["code"]]  # latest first
    assert codes(procedure=HOP_QUY) == [second["code"], first["code"]]
    assert codes(received_from="2026-03-03") == [third["code"], second["code"]]
    assert codes(received_to="2026-03-02") == [first["code"]]
    assert codes(status=first["status"], limit=1, offset=1) == [second["code"]]
    assert codes(status=10) == []
    page = one_stop.get("/api/v1/dossiers", query_string={"limit": 2}).get_json()
    assert (page["limit"], page["offset"], len(page["items"])) == (2, 0, 2)
    assert "tasks" not in page["items"][0]


def test_bad_list_filters_are_422_naming_each(one_stop):
    response = one_stop.get(
        "/api/v1/dossiers", query_string={"status": "11", "received_from": "03/03/2026", "limit": "0", "sort": "x"}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "status": "trạng thái là một số từ 1 đến 10",
        "received_from": "phải là ngày dạng YYYY-MM-DD, ví dụ 2026-03-02",
        "limit": "từ 1 đến 500",
        "sort": "không có trường này; các trường là: status, procedure, received_from, received_to, limit, offset",
    }


def test_one_dossier_and_an_unknown_one(deployed, one_stop, by_token):
    code = receive(one_stop, deployed)["code"]
    dossier = one_stop.get(f"/api/v1/dossiers/{code}").get_json()
    assert dossier["code"] == code and dossier["tasks"][0]["dossier_code"] == code
    assert dossier["legal_basis"] == "nd118-2025"  # received in 2026: the basis in force since 01/7/2025
    missing = by_token("auditor").get("/api/v1/dossiers/H00-000000-0000")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_the_history_lists_hash_chained_events_and_auditors_get_its_verification(deployed, one_stop, by_token):
    code = receive(one_stop, deployed)["code"]

    mine = one_stop.get(f"/api/v1/dossiers/{code}/history").get_json()
    audited = by_token("auditor").get(f"/api/v1/dossiers/{code}/history").get_json()

    assert mine["code"] == code and mine["verification"] is None  # officers read it, auditors verify it
    events = audited["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["tag"] == "instance:started" and events[0]["actor"] == "system-one_stop"
    assert events[0]["at"] == "2026-03-02T08:00:00+07:00" and len(events[0]["hash"]) == 64
    assert events[0]["payload"]["data"]["dossier_code"] == code
    assert audited["verification"] == {"events": len(events), "intact": True, "problem": ""}
    assert by_token("admin").get(f"/api/v1/dossiers/{code}/history").get_json()["verification"]["intact"]


def test_the_receipt_form_as_pdf_and_html(deployed, one_stop):
    code = receive(one_stop, deployed)["code"]

    pdf = one_stop.get(f"/api/v1/dossiers/{code}/forms/mau_01")
    html = one_stop.get(f"/api/v1/dossiers/{code}/forms/mau_01", query_string={"format": "html"})

    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == f'inline; filename="{code}_mau_01.pdf"'
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert APPLICANT["name"] in html.get_data(as_text=True)


def test_an_unknown_form_or_format_is_422(deployed, one_stop):
    code = receive(one_stop, deployed)["code"]
    form = one_stop.get(f"/api/v1/dossiers/{code}/forms/mau_09")
    assert form.status_code == 422 and form.get_json()["error"]["fields"] == {"form": "không có biểu mẫu này"}
    fmt = one_stop.get(f"/api/v1/dossiers/{code}/forms/mau_01", query_string={"format": "docx"})
    assert fmt.status_code == 422 and fmt.get_json()["error"]["fields"] == {"format": "là pdf hoặc html"}
