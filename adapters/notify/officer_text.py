"""The text of a notice to an officer (task ready, deadline near, overdue, other notices of a dossier) from the
template files adapters/notify/templates/officer_<event>.txt (Vietnamese; the first line is the subject), for every
channel: the e-mail's subject and body, the Zalo message's text."""

from datetime import datetime
from pathlib import Path

from engine.domain.clock import VN_TZ

TEMPLATES = Path(__file__).parent / "templates"
# The events of a notice without a template of its own (officer_notice.txt), as the officer reads them.
EVENT_LABELS = {
    "appointment_moved": "ngày hẹn trả kết quả đã thay đổi",
    "dossier_late": "hồ sơ đã quá hạn giải quyết",
    "postal_returned": "bưu chính hoàn trả kết quả không phát được",
}


def _moment(text: object) -> str:
    try:
        return datetime.fromisoformat(str(text)).astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")
    except ValueError:
        return "không đặt hạn"


def officer_text(payload: dict, public_url: str = "") -> tuple[str, str]:
    """(subject, body) of an `officer_notice` payload."""
    event = str(payload.get("event") or "")
    template = TEMPLATES / f"officer_{event}.txt"
    if not template.is_file():
        template = TEMPLATES / "officer_notice.txt"
    values = {
        "recipient_name": payload.get("recipient_name") or payload.get("recipient") or "Đồng chí",
        "code": payload.get("code") or "",
        "title": payload.get("title") or payload.get("task") or "",
        "lane": payload.get("lane") or "",
        "due_at": _moment(payload.get("due_at")),
        "event_label": EVENT_LABELS.get(event, event.replace("_", " ")),
        "task_link": f"{public_url.rstrip('/')}/viec" if public_url else "danh sách việc của Đồng chí trên motcua",
    }
    subject, _, body = template.read_text(encoding="utf-8").format(**values).partition("\n")
    return subject.removeprefix("Subject:").strip(), body.strip("\n") + "\n"
