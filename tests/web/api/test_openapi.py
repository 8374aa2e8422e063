"""The OpenAPI document: valid OpenAPI 3, generated from the schemas, and covering every route of the blueprint."""

import pytest
from openapi_spec_validator import validate

from web.api.core import OPERATIONS

PREFIX = "/api/v1"


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path):
    """The document does not depend on the database: SQLite only."""
    from engine.persistence.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'motcua.db'}"
    upgrade(url)
    return url


@pytest.fixture
def document(app):
    response = app.test_client().get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def _openapi_path(rule: str) -> str:
    import re

    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix(PREFIX))


def test_the_document_is_valid_openapi_3_without_signing_in(document):
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": PREFIX}]


def test_every_route_of_the_blueprint_is_documented_with_its_method(app, document):
    routes = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert len(routes) >= 15
    for rule in routes:
        path = document["paths"].get(_openapi_path(rule.rule))
        assert path is not None, f"{rule.rule} missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in path, f"{method} {rule.rule} missing"
            assert path[method.lower()]["operationId"] == rule.endpoint.removeprefix("api.")
    assert len(OPERATIONS) == sum(len(rule.methods - {"HEAD", "OPTIONS"}) for rule in routes)


def _resolve(document, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        assert part in node, f"unresolved $ref {ref}"
        node = node[part]
    return node


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_every_reference_resolves(document):
    refs = set(_refs(document))
    assert "#/components/schemas/Dossier" in refs and "#/components/schemas/Error" in refs
    for ref in refs:
        _resolve(document, ref)


def test_request_bodies_parameters_and_responses_come_from_the_schemas(document):
    receive = document["paths"]["/dossiers"]["post"]
    body = _resolve(document, receive["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert set(body["required"]) >= {"procedure_code", "applicant", "channel", "result_delivery", "documents"}
    assert body["additionalProperties"] is False  # unknown fields are refused
    assert body["properties"]["handover_at"]["format"] == "date-time"
    assert set(receive["responses"]) >= {"201", "401", "403", "422"}
    error = receive["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    assert error == "#/components/schemas/Error"

    tasks = document["paths"]["/tasks"]["get"]
    query = {p["name"]: p for p in tasks["parameters"] if p["in"] == "query"}
    assert set(query) == {"scope", "procedure", "code", "status", "deadline", "sort", "desc", "limit", "offset"}
    assert query["scope"]["schema"]["enum"] == ["mine", "role"]
    page = _resolve(document, tasks["responses"]["200"]["content"]["application/json"]["schema"]["$ref"])
    assert "total" in page["required"]

    one = document["paths"]["/tasks/{task_id}/complete"]["post"]
    assert [p["name"] for p in one["parameters"] if p["in"] == "path"] == ["task_id"]
    assert set(one["responses"]) >= {"200", "401", "403", "404", "409", "422"}

    form = document["paths"]["/dossiers/{code}/forms/{form}"]["get"]
    assert set(form["responses"]["200"]["content"]) == {"application/pdf", "text/html"}


def test_bearer_tokens_and_the_session_cookie_are_the_security_schemes(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"]["in"] == "cookie"
    assert document["security"] == [{"bearerAuth": []}, {"sessionCookie": []}]
    assert document["paths"]["/openapi.json"]["get"]["security"] == []
