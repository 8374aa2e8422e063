"""GET /api/v1/procedures (search) and /api/v1/procedures/<code>."""

from tests.web.api.conftest import HOP_QUY


def test_the_catalogue_is_listed_and_searched_ignoring_diacritics(by_token):
    caller = by_token("one_stop")
    everything = caller.get("/api/v1/procedures").get_json()
    assert everything["total"] == len(everything["items"]) >= 5

    found = caller.get("/api/v1/procedures", query_string={"q": "cong bo hop quy"}).get_json()
    assert [p["code"] for p in found["items"]] == [HOP_QUY]
    assert caller.get("/api/v1/procedures", query_string={"q": "000047"}).get_json()["total"] == 1
    assert caller.get("/api/v1/procedures", query_string={"q": "khong co thu tuc nao"}).get_json() == {
        "items": [],
        "total": 0,
    }


def test_one_procedure_has_its_time_limit_fee_channels_and_documents(by_token):
    response = by_token("designer").get(f"/api/v1/procedures/{HOP_QUY}")
    assert response.status_code == 200
    procedure = response.get_json()
    assert procedure["time_limit"] == {"amount": 5.0, "unit": "wd", "text": "5 working days"}
    assert procedure["fee"] == 150000 and procedure["channels"] == ["counter", "online", "postal"]
    assert procedure["process"] == "cong_bo_hop_quy" and procedure["result_by_post"] is True
    assert all(set(d) == {"name", "originals", "copies", "required"} for d in procedure["documents"])


def test_an_unknown_procedure_is_404_and_an_unknown_parameter_422(by_token):
    caller = by_token("one_stop")
    missing = caller.get("/api/v1/procedures/1.999999.000.00.00.H56")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"

    typo = caller.get("/api/v1/procedures", query_string={"query": "x"})
    assert typo.status_code == 422
    error = typo.get_json()["error"]
    assert error["code"] == "validation"
    assert error["fields"] == {"query": "không có trường này; các trường là: q"}

    long = caller.get("/api/v1/procedures", query_string={"q": "x" * 201})
    assert long.status_code == 422 and long.get_json()["error"]["fields"] == {"q": "tối đa 200 ký tự"}
