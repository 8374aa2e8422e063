"""The OpenAPI 3 document, generated from the declared operations and their marshmallow schemas (apispec).

Nothing here is written by hand per route: paths, parameters (path and query), request bodies, responses and
errors all come from `web.api.core.OPERATIONS`; a test checks every route of the blueprint is in the document and
that the document is valid OpenAPI.
"""

import re
from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify
from marshmallow import fields

from web.api.base import ApiSchema
from web.api.core import JSON_MEDIA, OPERATIONS, Operation, operation

PREFIX = "/api/v1"
ERRORS = {
    400: "The request could not be read: a request line longer than 4 KB or a malformed header (code `bad_request`)",
    401: "Not signed in, or the token is missing, unknown or revoked (code `unauthorized`)",
    403: "The caller's role may not do this, or not to this dossier or task (code `forbidden`)",
    404: "No such dossier, task, procedure or form (code `not_found`)",
    409: "The task was completed or claimed by someone else first (code `conflict` / `invalid_transition`)",
    413: "The body is larger than the server accepts (code `request_entity_too_large`)",
    422: "Wrong input: `fields` maps each wrong field to what is wrong and how to fix it (code `validation`)",
}


class ErrorBodySchema(ApiSchema):
    code = fields.Str(required=True, metadata={"description": "stable machine-readable name, e.g. validation"})
    message = fields.Str(required=True, metadata={"description": "what went wrong, in Vietnamese"})
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.Str(),
        values=fields.Str(),
        metadata={"description": "validation errors only: field -> problem"},
    )


class ErrorSchema(ApiSchema):
    error = fields.Nested(ErrorBodySchema, required=True)


def _path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _errors(op: Operation) -> list[int]:
    statuses = [400]
    if not op.public:
        statuses.append(401)
    if op.action:
        statuses.append(403)
    if op.path_parameters:
        statuses.append(404)
    if op.method == "POST" and op.path_parameters:
        statuses.append(409)
    if op.body:
        statuses.append(413)
    if op.query or op.body or op.path_parameters:
        statuses.append(422)
    return statuses


def _success(op: Operation) -> dict:
    if op.media == (JSON_MEDIA,):
        schema = op.response if op.response is not None else {"type": "object"}
        return {"description": "OK", "content": {JSON_MEDIA: {"schema": schema}}}
    content = {
        media: {"schema": {"type": "string", **({"format": "binary"} if not media.startswith("text/") else {})}}
        for media in op.media
    }
    return {"description": "The file", "content": content}


def _operation(op: Operation) -> dict:
    choices = dict(op.path_values)
    parameters: list[dict] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", **({"enum": list(choices[name])} if name in choices else {})},
        }
        for name in op.path_parameters
    ]
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    description = op.description
    if op.action:
        description = f"{description}\n\nPermission: `{op.action}`.".strip()
    spec: dict = {
        "operationId": op.endpoint,
        "tags": [op.tag],
        "summary": op.summary,
        "description": description,
        "parameters": parameters,
        "responses": {
            str(op.status): _success(op),
            **{
                str(status): {"description": text, "content": {JSON_MEDIA: {"schema": ErrorSchema}}}
                for status, text in ERRORS.items()
                if status in _errors(op)
            },
        },
    }
    if op.body is not None:
        spec["requestBody"] = {"required": True, "content": {JSON_MEDIA: {"schema": op.body}}}
    if op.public:
        spec["security"] = []
    return spec


@cache
def document() -> dict:
    """The OpenAPI document of every declared operation (they are fixed once the modules are imported)."""
    spec = APISpec(
        title="motcua API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "Dossiers, tasks, procedures, history, forms and the working-day calendar of the one-stop "
            "section. Systems send `Authorization: Bearer <token>` (tokens are created by an administrator); the "
            "pages' scripts ride on the session cookie and send the `X-CSRF-Token` header on POST."
        },
        servers=[{"url": PREFIX}],
        security=[{"bearerAuth": []}, {"sessionCookie": []}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("sessionCookie", {"type": "apiKey", "in": "cookie", "name": "motcua_session"})
    spec.components.schema("Error", schema=ErrorSchema)
    for op in OPERATIONS:
        spec.path(path=_path(op.rule), operations={op.method.lower(): _operation(op)})
    return spec.to_dict()


@operation("/openapi.json", tag="meta", summary="This OpenAPI 3 document", public=True)
def openapi_document():
    return jsonify(document())
