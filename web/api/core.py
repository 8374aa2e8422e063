"""The API blueprint and `operation`, the one decorator every API view is declared with.

An operation says, once, what the view needs and returns: the permission (`web.auth.require`), the schema of its
query string and of its JSON body (loaded before the view runs: a wrong or unknown field is a 422 ValidationError
and the view never runs), and the schema its result is dumped through. The same declaration feeds the OpenAPI
document (`web.api.openapi`), so the document cannot drift from what the views do.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import marshmallow
from flask import Blueprint, Response, current_app, jsonify, request

from engine.domain.errors import ValidationError
from engine.services.wiring import Services
from web.api.base import ApiSchema, field_errors
from web.auth import require

bp = Blueprint("api", __name__, url_prefix="/api/v1")

JSON_MEDIA = "application/json"


@dataclass(frozen=True)
class Operation:
    """One API route as the OpenAPI document describes it. `media`: what a success returns (JSON by default, dumped
    through `response`; or files, e.g. PDF and HTML)."""

    rule: str
    method: str
    endpoint: str
    tag: str
    summary: str
    description: str
    action: str | None
    public: bool
    query: type[ApiSchema] | None
    body: type[ApiSchema] | None
    response: type[ApiSchema] | None
    status: int
    media: tuple[str, ...] = (JSON_MEDIA,)
    path_values: tuple[tuple[str, tuple[str, ...]], ...] = ()  # path parameters that take one of a few values

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.rule)


OPERATIONS: list[Operation] = []


def services() -> Services:
    return current_app.extensions["motcua"]


def operation(
    rule: str,
    method: str = "GET",
    *,
    tag: str,
    summary: str,
    action: str | None = None,
    public: bool = False,
    query: type[ApiSchema] | None = None,
    body: type[ApiSchema] | None = None,
    response: type[ApiSchema] | None = None,
    status: int = 200,
    media: tuple[str, ...] = (JSON_MEDIA,),
    path_values: dict[str, tuple[str, ...]] | None = None,
) -> Callable:
    """Declare an API view. The view is called with `query=` and/or `body=` (the loaded dicts) when those schemas are
    given, and returns an object to dump through `response` (answered with `status`), or (that object, headers), or
    a ready Response (files).

    `action` (an action of engine.domain.permissions) is checked by `require`; None still needs a signed-in caller
    unless `public`. Further checks on one task or dossier are the view's (authorize_task, authorize_dossier).
    `path_values` names the values a path parameter takes (the document lists them; others are a 404).
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def run(**path):
            if query is not None:
                path["query"] = load(query(), request.args.to_dict(), "query")
            if body is not None:
                path["body"] = load(body(), json_body(), "body")
            result = view(**path)
            if isinstance(result, Response):
                return result
            result, headers = result if isinstance(result, tuple) else (result, {})
            return jsonify(response().dump(result)), status, headers

        guarded = run if public else require(action)(run)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=guarded, methods=[method])
        description = (view.__doc__ or "").strip()
        OPERATIONS.append(
            Operation(
                rule,
                method,
                view.__name__,
                tag,
                summary,
                description,
                action,
                public,
                query,
                body,
                response,
                status,
                media,
                tuple((path_values or {}).items()),
            )
        )
        return view

    return decorate


MAX_JSON_DEPTH = 32  # levels of nesting in a request's JSON: forms nest a few; thousands would exhaust the stack


def json_body() -> object:
    """The request's JSON (any value; the schema says what is wrong with it). A body that is not JSON, or nested
    deeper than MAX_JSON_DEPTH, is a 422."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        data = _TOO_DEEP
    if data is _TOO_DEEP or (data is not None and _depth(data) > MAX_JSON_DEPTH):
        problem = f"JSON lồng nhau quá {MAX_JSON_DEPTH} cấp; gửi dữ liệu phẳng hơn"
        raise ValidationError(f"Nội dung yêu cầu không hợp lệ: {problem}", {"body": problem})
    if data is None:
        raise ValidationError(
            "Nội dung yêu cầu phải là JSON (Content-Type: application/json)",
            {"body": "cần một đối tượng JSON, gửi kèm Content-Type: application/json"},
        )
    return data


_TOO_DEEP = object()


def _depth(value: object) -> int:
    """How deeply `value` nests (a scalar is 0), found without recursion, stopping past MAX_JSON_DEPTH."""
    deepest, stack = 0, [(value, 0)]
    while stack and deepest <= MAX_JSON_DEPTH:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((inner, depth + 1) for inner in item.values())
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
    return deepest


def load(schema: ApiSchema, data: object, where: str) -> dict:
    """`schema.load(data)`, or a ValidationError naming every wrong field (`where` is "query" or "body")."""
    try:
        return schema.load(data)
    except marshmallow.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        fields = field_errors(messages, schema)
        place = "tham số truy vấn" if where == "query" else "dữ liệu gửi lên"
        details = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
        raise ValidationError(f"Sai {place}: {details}", fields) from None
