"""Domain errors rendered in one place: JSON under /api, an HTML page elsewhere."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from engine.domain.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    MotcuaError,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
    ValidationError,
)

STATUS = {
    NotFound: 404,
    ValidationError: 422,
    Conflict: 409,
    InvalidTransition: 409,
    Forbidden: 403,
    TooManyAttempts: 429,
    Unauthenticated: 401,
}


# What the API says for HTTP errors raised by werkzeug itself (routing, body size), instead of its English.
API_MESSAGES = {
    400: "Yêu cầu không hợp lệ; kiểm tra địa chỉ, tham số và nội dung gửi lên (xem /api/v1/openapi.json)",
    404: "Không có địa chỉ này trong API; các địa chỉ có trong /api/v1/openapi.json",
    405: "Địa chỉ này không nhận phương thức {method}; các phương thức được nhận có trong tiêu đề Allow",
    413: "Nội dung gửi lên quá lớn; gửi tệp nhỏ hơn hoặc từng tệp một",
    415: "Kiểu nội dung không được hỗ trợ; gửi JSON với Content-Type: application/json",
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
        # A 405 lists the methods the resource has (RFC 9110 §15.5.6), as werkzeug's own answer would.
        headers = {"Allow": ", ".join(error.valid_methods)} if isinstance(error, MethodNotAllowed) else {}
        if request.path.startswith("/api/"):
            # A 401 says how to authenticate (RFC 9110 §11.6.1): systems send a bearer token.
            if error.code == 401:
                headers["WWW-Authenticate"] = 'Bearer realm="motcua"'
            message = error.description
            if message == type(error).description:  # werkzeug's own English text: say it in Vietnamese
                message = API_MESSAGES.get(error.code or 0, message).format(method=request.method)
            return (
                jsonify({"error": {"code": error.name.lower().replace(" ", "_"), "message": message}}),
                error.code,
                headers,
            )
        return render_template("error.html", status=error.code, message=error.description), error.code, headers
