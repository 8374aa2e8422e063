"""What we send the national portal, in its words: dates as `yyyyMMddHHmmss` (Vietnam time) and the fields DOMAIN.md
lists ("National portal statuses"). Pure; the portal gateway adapters send what these functions build."""

from datetime import datetime

from engine.domain.clock import VN_TZ
from engine.domain.portal import status_label

HISTORY_BATCH = 10  # process-history records in one call at most


def wire_time(moment: datetime | str | None) -> str | None:
    """`moment` (aware, or ISO 8601 with an offset) as yyyyMMddHHmmss in Vietnam time; None stays None."""
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def parse_wire_time(text: str) -> datetime:
    """The moment of a yyyyMMddHHmmss text (Vietnam time). Raises ValueError."""
    if len(text) != 14 or not text.isdigit():
        raise ValueError(f"'{text}' is not yyyyMMddHHmmss")
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)


def status_update(message: dict, agency_code: str) -> dict:
    """The portal's status update for an outbox `portal_status` message (its payload as the step wrote it)."""
    status = int(message["status"])
    return {
        "agency_code": agency_code,
        "dossier_code": message.get("code"),
        "portal_id": message.get("portal_id"),
        "procedure_code": message.get("procedure_code"),
        "status": status,
        "status_label": status_label(status),
        "note": message.get("note") or "",
        "changed_at": wire_time(message.get("changed_at")),
        "appointment": wire_time(message.get("appointment")),
        "processing_end_at": wire_time(message.get("processing_end_at")),
        "returned_at": wire_time(message.get("returned_at")),
    }


def result_message(message: dict, agency_code: str) -> dict:
    """The portal's electronic result for an outbox `portal_result` message (the file's content added by the
    dispatcher, as base64)."""
    file = message.get("file") or {}
    return {
        "agency_code": agency_code,
        "dossier_code": message.get("code"),
        "portal_id": message.get("portal_id"),
        "procedure_code": message.get("procedure_code"),
        "document_number": message.get("document_number") or "",
        "issued_at": wire_time(message.get("issued_at")),
        "file": {name: file.get(name) for name in ("filename", "media_type", "size", "sha256", "content")},
    }
