"""The checks a dossier sent by a partner (the portal's online submission, the post's handover) goes through before
it is registered: its documents as files, and the reception rules of its procedure (engine.domain.reception)."""

import base64
import binascii
import hashlib
from datetime import datetime

from engine.domain.catalogue import Catalogue
from engine.domain.errors import ValidationError
from engine.domain.reception import check_reception
from engine.services.dossier_files import Scan


def document_scan(n: int, item: object, problems: dict[str, str]) -> Scan | None:
    """The scan of document `n` of an inbound dossier ({name, filename, media_type, sha256, content as base64}), its
    problems added to `problems` (None then)."""
    where = f"documents[{n}]"
    if not isinstance(item, dict):
        problems[where] = "Phải là một đối tượng {name, filename, media_type, sha256, content}"
        return None
    for name in ("name", "filename", "media_type", "sha256", "content"):
        if not isinstance(item.get(name), str) or not item[name].strip():
            problems[f"{where}.{name}"] = "Bắt buộc"
    if f"{where}.content" in problems:
        return None
    try:
        content = base64.b64decode(item["content"], validate=True)
    except (binascii.Error, ValueError):
        problems[f"{where}.content"] = "Không phải base64"
        return None
    if f"{where}.sha256" not in problems and hashlib.sha256(content).hexdigest() != item["sha256"].strip().lower():
        problems[f"{where}.sha256"] = "Không khớp với nội dung tệp (tệp hỏng hoặc bị thay đổi trên đường truyền)"
    if any(key.startswith(where) for key in problems):
        return None
    return Scan(item["name"], item["filename"], content, item["media_type"])


def document_scans(documents: object, problems: dict[str, str]) -> list[Scan]:
    """The scans of an inbound dossier's `documents` (a non-empty list), their problems added to `problems`."""
    scans: list[Scan] = []
    if not isinstance(documents, list) or not documents:
        problems["documents"] = "Cần danh sách giấy tờ kèm tệp"
        return scans
    for n, item in enumerate(documents, start=1):
        scan = document_scan(n, item, problems)
        if scan is not None:
            scans.append(scan)
    return scans


def reception_problems(
    catalogue: Catalogue,
    payload: dict,
    channel: int,
    result_delivery: str,
    handover_at: datetime | None,
    now: datetime,
    actor: str,
) -> dict[str, str]:
    """What the reception rules of the payload's procedure find wrong with the dossier in `payload` (its
    procedure_code, applicant and named documents), received on `channel`."""
    procedure_code = payload.get("procedure_code")
    procedure = catalogue.get(procedure_code) if isinstance(procedure_code, str) else None
    documents = payload.get("documents")
    named = [{"name": item.get("name")} for item in documents or [] if isinstance(item, dict)]
    try:
        check_reception(
            procedure,
            payload.get("applicant"),
            channel,
            result_delivery,
            named,
            handover_at,
            now,
            procedure_code=str(procedure_code),
            actor=actor,
        )
    except ValidationError as exc:
        return exc.fields
    return {}
