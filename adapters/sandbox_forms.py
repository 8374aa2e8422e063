"""The applicant's part of the sandboxes' dossier forms (the portal's online submission, the postal worker's
handover): its inputs, reading them back from the form's multipart body, and its documents as the agency's messages
carry them."""

import base64
import hashlib
from email.parser import BytesParser
from email.policy import default as default_policy

MAX_DOCUMENTS = 8


def multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]]:
    """Fields and files (name -> (filename, media type, content)) of a multipart/form-data body."""
    message = BytesParser(policy=default_policy).parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + body
    )
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    if not message.is_multipart():
        return fields, files
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        content = part.get_payload(decode=True) or b""
        if filename:
            if content:
                files[str(name)] = (filename, part.get_content_type(), content)
        elif name:
            fields[str(name)] = content.decode("utf-8", errors="replace").strip()
    return fields, files


def wire_documents(files: list[tuple[str, str, str, bytes]]) -> list[dict]:
    """Documents (name, filename, media type, content) as the agency's messages carry them: each file's content in
    base64 with its SHA-256."""
    return [
        {
            "name": document,
            "filename": filename,
            "media_type": media_type,
            "sha256": hashlib.sha256(content).hexdigest(),
            "content": base64.b64encode(content).decode(),
        }
        for document, filename, media_type, content in files
    ]


def applicant_inputs() -> str:
    """The procedure and the applicant's inputs (HTML)."""
    return """<label>Mã thủ tục <input name="procedure_code" required></label>
<label>Loại người nộp <select name="applicant_type"><option value="1">Công dân</option>
<option value="2">Doanh nghiệp</option><option value="3">Cơ quan nhà nước</option>
<option value="4">Tổ chức khác</option></select></label>
<label>Họ và tên / tên tổ chức <input name="name" required></label>
<label>Số CCCD / mã số doanh nghiệp <input name="id_number" required></label>
<label>Địa chỉ <input name="address" required></label>
<label>Điện thoại <input name="phone" required></label>"""


def document_inputs() -> str:
    """Inputs for the documents: each one's name and file (HTML)."""
    return "".join(
        f'<label>Tên giấy tờ {n} <input name="document_{n}"></label>'
        f'<label>Tệp {n} <input type="file" name="file_{n}"></label>'
        for n in range(1, MAX_DOCUMENTS + 1)
    )


def applicant(fields: dict[str, str]) -> dict:
    """The applicant as the agency's messages carry it, from the form's fields."""
    return {
        "type": int(fields.get("applicant_type") or 1),
        "name": fields.get("name", ""),
        "id_number": fields.get("id_number", ""),
        "address": fields.get("address", ""),
        "phone": fields.get("phone", ""),
    }


def documents(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> list[tuple[str, str, str, bytes]]:
    """The documents sent with the form: (name, filename, media type, content)."""
    return [
        (fields.get(f"document_{n}", ""), *files[f"file_{n}"])
        for n in range(1, MAX_DOCUMENTS + 1)
        if f"file_{n}" in files
    ]
