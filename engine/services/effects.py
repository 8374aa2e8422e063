"""Side effects that BPMN scripts ask for during a step (a letter to send, a portal status to report).

Scripts cannot reach the outside world. They call helpers such as `send_letter("apology")`, which only record an
effect for the step in progress; the step writes each effect as history and as an outbox row in its own transaction,
so an effect exists if and only if the step committed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from engine.domain import deadlines
from engine.domain.errors import ValidationError
from engine.domain.legal_basis import FORM_MEANINGS
from engine.domain.legal_basis_data import shipped_legal_bases
from engine.domain.portal import PROCESSING, STATUS_LABELS, STOPPED


@dataclass(frozen=True)
class Effect:
    kind: str  # letter | portal_status | extension | supplement_requested | supplement_received | late
    payload: dict = field(default_factory=dict)


_current: ContextVar[list[Effect] | None] = ContextVar("motcua_effects", default=None)


@contextmanager
def collecting() -> Iterator[list[Effect]]:
    """Collect the effects scripts ask for while the block runs (one step)."""
    effects: list[Effect] = []
    token = _current.set(effects)
    try:
        yield effects
    finally:
        _current.reset(token)


def _emit(effect: Effect) -> None:
    effects = _current.get()
    if effects is None:
        raise ValidationError("side effects can only be asked for while a dossier step runs")
    effects.append(effect)


def send_letter(form: str, **fields) -> bool:
    """Script helper: queue the letter or form `form` for the applicant, with extra `fields`. `form` is a meaning
    (FORM_MEANINGS: "apology", ...); the letter is printed in the form set of the dossier's legal basis. A template
    name that means the same in every set ("mau_04", as processes deployed before meanings name it) is taken as
    that meaning."""
    meaning = shipped_legal_bases().meaning(form)
    if meaning is None:
        raise ValidationError(
            f"send_letter: không có biểu mẫu {form!r}; chọn một trong {', '.join(FORM_MEANINGS)}", {"form": "unknown"}
        )
    _emit(Effect("letter", {"form": meaning, **fields}))
    return True


def remind_officers(event: str, **fields) -> bool:
    """Script helper: queue a reminder `event` (a short name, e.g. "nhac_han_pakn") to the officers of the task,
    with extra `fields`; it goes out through the outbox as a notification, not as a letter to the applicant."""
    if not isinstance(event, str) or not event.strip() or len(event) > 60:
        raise ValidationError("remind_officers: cần tên lời nhắc ngắn (ví dụ 'nhac_han_pakn')", {"event": "invalid"})
    _emit(Effect("reminder", {"event": event.strip(), **fields}))
    return True


def set_portal_status(code: int, note: str = "") -> int:
    """Script helper: the dossier's national portal status is now `code` (1-10)."""
    if code not in STATUS_LABELS:
        raise ValidationError(f"portal status {code!r} is not one of 1-10")
    _emit(Effect("portal_status", {"status": code, "label": STATUS_LABELS[code], "note": note}))
    return code


def close_dossier(status: int, reason: str) -> None:
    """What closing a dossier asks for (withdrawn, 7, or stopped, 8): its national status, and for a stop the notice
    to the applicant, through the outbox like every letter. The same for a live close and for its replay."""
    set_portal_status(status, reason)
    if status == STOPPED:
        send_letter("stop_notice", reason=reason)


def fee_confirmed(awaiting_fee: bool, paid: bool) -> None:
    """What the portal's payment confirmation asks for: a dossier awaiting its fee (status 6) whose fee is now paid
    goes on to processing (4). The same for the live step and for its replay."""
    if awaiting_fee and paid:
        set_portal_status(PROCESSING, "Đã nộp phí, lệ phí trực tuyến")


def extend_appointment(new_appointment, reason) -> str:
    """Script helper: the return date is re-set to `new_appointment` (ISO 8601 with offset) by the apology letter
    for `reason`. As many times as the dossier's legal basis allows (its max_extensions rule), and only to a later
    date: the step checks both against the dossier and fails, changing nothing, when either is broken. Returns the
    new date (ISO)."""
    moment = _aware(new_appointment, "new_appointment")
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(
            "extend_appointment needs the reason for the delay (delay_reason)", {"reason": "required"}
        )
    _emit(Effect("extension", {"to": moment.isoformat(), "reason": reason.strip()}))
    return moment.isoformat()


def request_supplement() -> bool:
    """Script helper: the appraisal asked the applicant for supplementation (counted on the dossier; the waiting
    starts now)."""
    _emit(Effect("supplement_requested", {}))
    return True


def supplement_received(policy: str, time_limit: str) -> bool:
    """Script helper: the supplemented dossier arrived; move the appointment by `policy` (the start data's
    `supplement_policy`): "restart" = the time limit `time_limit` (e.g. "11d") counted again from now (ND 61/2018
    Điều 19 k4); "pause" = the appointment moves by the office time spent waiting."""
    if policy not in ("restart", "pause"):
        raise ValidationError(
            f"supplement_received: policy must be 'restart' or 'pause', not {policy!r} (pass supplement_policy)"
        )
    _emit(Effect("supplement_received", {"policy": policy, "time_limit": _time_limit(time_limit)}))
    return True


def mark_late() -> bool:
    """Script helper (for the timer at the appointment): a dossier still open at its due date is late (quá hạn).
    Marked once; a dossier whose appointment has moved past now is not marked."""
    _emit(Effect("late", {}))
    return True


def _time_limit(text) -> str:
    """A time limit as an allotment ("11d", "8h", "60cd"), from that form or the catalogue's ("11 working days")."""
    try:
        return deadlines.allotment_text(*deadlines.parse_time_limit(text))
    except ValueError as exc:
        raise ValidationError(f"supplement_received: {exc} (pass time_limit)") from None


def _aware(value, name: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValidationError(
                f"{name} must be an ISO 8601 date-time like 2026-03-20T17:00:00+07:00, not {value!r}", {name: "invalid"}
            ) from None
    if moment.utcoffset() is None:
        raise ValidationError(f"{name} {value!r} has no time zone offset; write it with +07:00", {name: "invalid"})
    return moment


SCRIPT_EFFECT_HELPERS = {
    "send_letter": send_letter,
    "remind_officers": remind_officers,
    "set_portal_status": set_portal_status,
    "extend_appointment": extend_appointment,
    "request_supplement": request_supplement,
    "supplement_received": supplement_received,
    "mark_late": mark_late,
}
