"""Inputs that used to get a 500 (found by fuzzing) get a 4xx that says what is wrong, and change nothing."""

import re

import pytest

from tests.web.api.conftest import MAIN_PATH, reception

HUGE = "9223372036854775808"  # 2**63: one past the largest integer a database column holds


@pytest.mark.parametrize("url", [f"/api/v1/dossiers?offset={HUGE}", f"/api/v1/tasks?offset={HUGE}"])
def test_offsets_past_any_integer_column_are_refused(by_token, url):
    role = "admin" if "dossiers" in url else "specialist"
    response = by_token(role).get(url)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"offset": "số nguyên từ 0 đến 1000000000"}


@pytest.mark.parametrize("page", [HUGE, "¹", "٣", "9" * 5000, "-1"])
def test_page_numbers_of_any_shape_give_a_page(sign_in, page):
    specialist, one_stop = sign_in("specialist"), sign_in("one_stop")
    assert specialist.get(f"/viec?page={page}").status_code == 200
    assert one_stop.get(f"/ho-so?page={page}").status_code in (200, 422)


def test_a_form_field_named_with_a_non_ascii_digit_is_a_validation_error(deployed, by_token, services):
    one_stop = by_token("one_stop")
    code = one_stop.post("/api/v1/dossiers", json=reception(deployed)).get_json()["code"]
    [task] = services.instances.tasks(code=code)
    head = by_token("division_head")
    for data in ({"¹": 1}, {"٣": {"¹": 1}}, {**MAIN_PATH["phan_cong"], "9" * 5000: 1}):
        response = head.post(f"/api/v1/tasks/{task.task_id}/complete", json={"data": data})
        assert response.status_code == 422, response.get_json()
    assert [t.task_id for t in services.instances.tasks(code=code)] == [task.task_id]


@pytest.mark.parametrize(("depth", "where"), [(1000, "body"), (5000, "value")])
def test_deeply_nested_json_is_refused(by_token, deployed, depth, where):
    nested = "[" * depth + "]" * depth
    body = nested if where == "body" else '{"data": {"note": ' + nested + "}}"
    response = by_token("one_stop").api(
        "POST", "/api/v1/dossiers", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "lồng nhau" in response.get_json()["error"]["message"]


def test_moments_before_1906_are_written_in_rfc_3339(by_token):
    """Vietnam's offset was +07:06:30 until 1906: such moments are written in UTC, whole minutes."""
    response = by_token("admin").get("/api/v1/calendar/due?start=1900-03-05T09:00:00%2B07:00&amount=1&unit=wd")
    assert response.status_code == 200, response.get_json()
    for key in ("start", "due"):
        assert re.search(r"(Z|[+-]\d\d:\d\d)$", response.get_json()[key]), response.get_json()[key]


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00%2B07:00", "9999-12-31T23:00:00%2B07:00"])
def test_moments_far_from_the_calendar_are_refused(by_token, start):
    response = by_token("admin").get(f"/api/v1/calendar/due?start={start}&amount=3650&unit=d")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["start"] == "năm phải từ 1900 đến 2199"


def test_an_unsupported_method_gets_405_with_allow(by_token):
    response = by_token("admin").api("TRACE", "/api/v1/dossiers")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert "TRACE" in response.get_json()["error"]["message"]


def test_the_document_lists_the_forms_and_the_business_values(client):
    document = client.get("/api/v1/openapi.json").get_json()
    [form] = [p for p in document["paths"]["/dossiers/{code}/forms/{form}"]["get"]["parameters"] if p["name"] == "form"]
    assert form["schema"]["enum"] == [
        *("receipt", "supplement_request", "reception_refusal", "apology", "stop_notice", "control_slip"),
        *("appraisal_refusal", "fee_receipt"),
        *(f"mau_0{n}" for n in range(1, 8)),  # the numbers of the sets, as addresses of earlier versions
    ]
    receive = document["components"]["schemas"]["Receive"]["properties"]
    assert receive["channel"]["enum"] == [1, 2, 3]
    assert receive["result_delivery"]["enum"] == ["counter", "post", "online"]
    offsets = [p for p in document["paths"]["/tasks"]["get"]["parameters"] if p["name"] == "offset"]
    assert offsets[0]["schema"]["maximum"] == 1_000_000_000


@pytest.fixture
def client(app):
    return app.test_client()
