"""Side effects that BPMN scripts ask for during a step (a letter to send, a portal status to report).

Scripts cannot reach the outside world. They call helpers such as `send_letter("mau_04")`, which only record an
effect for the step in progress; the step writes each effect as history and as an outbox row in its own transaction,
so an effect exists if and only if the step committed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from engine.domain.errors import ValidationError

PORTAL_STATUSES = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}


@dataclass(frozen=True)
class Effect:
    kind: str  # letter | portal_status
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
    """Script helper: queue the letter or form `form` (e.g. "mau_04") for the applicant, with extra `fields`."""
    if not isinstance(form, str) or not form.strip():
        raise ValidationError("send_letter needs a form name such as 'mau_04'")
    _emit(Effect("letter", {"form": form, **fields}))
    return True


def set_portal_status(code: int, note: str = "") -> int:
    """Script helper: the dossier's national portal status is now `code` (1-10)."""
    if code not in PORTAL_STATUSES:
        raise ValidationError(f"portal status {code!r} is not one of 1-10")
    _emit(Effect("portal_status", {"status": code, "label": PORTAL_STATUSES[code], "note": note}))
    return code


SCRIPT_EFFECT_HELPERS = {"send_letter": send_letter, "set_portal_status": set_portal_status}
