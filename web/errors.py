"""Domain errors rendered in one place: JSON under /api, an HTML page elsewhere."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from engine.domain.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    MotcuaError,
    NotFound,
    TooManyAttempts,
    ValidationError,
)

STATUS = {
    NotFound: 404,
    ValidationError: 422,
    Conflict: 409,
    InvalidTransition: 409,
    Forbidden: 403,
    TooManyAttempts: 429,
}


def status_of(error: MotcuaError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(MotcuaError)
    def _domain_error(error: MotcuaError):
        status = status_of(error)
        if request.path.startswith("/api/"):
            body = {"error": {"code": error.code, "message": str(error)}}
            if isinstance(error, ValidationError):
                body["error"]["fields"] = error.fields
            return jsonify(body), status
        return render_template("error.html", status=status, message=str(error)), status

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if request.path.startswith("/api/"):
            # A 401 says how to authenticate (RFC 9110 §11.6.1): systems send a bearer token.
            headers = {"WWW-Authenticate": 'Bearer realm="motcua"'} if error.code == 401 else {}
            return (
                jsonify({"error": {"code": error.name.lower().replace(" ", "_"), "message": error.description}}),
                error.code,
                headers,
            )
        return render_template("error.html", status=error.code, message=error.description), error.code
