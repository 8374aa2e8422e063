"""Domain errors rendered in one place: JSON under /api, an HTML page elsewhere.

Pages say werkzeug's own errors (404, 405, 413, 500, ...) in the user's language, never in werkzeug's English, and a
refused form is not lost: the page of a refused POST offers the way back to the form (web/static/forms.js fills in
again what was typed there).
"""

import logging

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

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


# What a page says for HTTP errors raised by werkzeug itself (Vietnamese; English through web/i18n.py).
PAGE_MESSAGES = {
    400: "Yêu cầu không hợp lệ; hãy mở lại trang từ thanh chọn ở trên rồi làm lại.",
    401: "Cần đăng nhập để xem trang này.",
    403: "Tài khoản của bạn không có quyền thực hiện việc này.",
    404: "Không có trang này; kiểm tra lại địa chỉ, hoặc mở trang từ thanh chọn ở trên.",
    405: "Trang này không nhận yêu cầu {method}; hãy dùng các nút và biểu mẫu trên trang thay vì gõ địa chỉ.",
    413: (
        "Nội dung gửi lên quá lớn (mỗi ô chữ tối đa {field_kb} KB, cả biểu mẫu tối đa {body_mb} MB); chưa có gì "
        "được lưu. Quay lại trang trước: nội dung bạn đã nhập vẫn còn đó; rút gọn đoạn văn bản dài hoặc gửi tệp "
        "nhỏ hơn."
    ),
    429: "Có quá nhiều yêu cầu trong thời gian ngắn; đợi một lát rồi thử lại.",
    500: (
        "Máy chủ gặp lỗi ngoài dự kiến; thao tác chưa được thực hiện và không có gì bị thay đổi. Hãy thử lại; nếu "
        "vẫn lỗi, báo quản trị hệ thống kèm thời điểm xảy ra."
    ),
}
OTHER_PAGE_MESSAGE = "Không thực hiện được yêu cầu này."
log = logging.getLogger("motcua.web")


def page_message(error: HTTPException) -> str:
    """What the page of `error` says: our own description if the code gave one, else the status's message."""
    from web.i18n import gettext

    if error.description != type(error).description:  # raised by our code with its own (Vietnamese) text
        return error.description or ""
    template = PAGE_MESSAGES.get(error.code or 0, OTHER_PAGE_MESSAGE)
    config = current_app.config
    return gettext(
        template,
        method=request.method,
        field_kb=(config.get("MAX_FORM_MEMORY_SIZE") or 0) // 1000,
        body_mb=(config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024),
    )


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
        if isinstance(error, InternalServerError) and error.original_exception is not None:
            log.error("%s %s failed", request.method, request.path, exc_info=error.original_exception)
        page = render_template(
            "error.html", status=error.code, message=page_message(error), refused_form=request.method == "POST"
        )
        return page, error.code, headers
