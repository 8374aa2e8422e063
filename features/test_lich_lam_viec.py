"""Steps of lich_lam_viec.feature. They only translate officers' wording and call `WorkingCalendar`."""

import re
from datetime import datetime, time

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine.domain.calendar import OfficeHours, Unit, WorkingCalendar
from engine.domain.calendar_data import SHIPPED_OVERRIDES_FILE, load_overrides
from engine.domain.clock import VN_TZ

scenarios("lich_lam_viec.feature")

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_UNITS: dict[str, Unit] = {"ngày làm việc": "wd", "giờ làm việc": "wh", "ngày": "d"}
_DAY = r"(?:(?P<weekday>Thứ \w+|Chủ Nhật) )?(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"


def _moment(text: str) -> datetime:
    """ "16:55 Thứ Sáu 13/02/2026" in Vietnam time; the weekday, if written, must match the date."""
    match = re.fullmatch(r"(?P<hh>\d{1,2}):(?P<mm>\d{2}) " + _DAY, text.strip())
    assert match, f"write moments as '16:55 Thứ Sáu 13/02/2026', got {text!r}"
    moment = datetime(*(int(match[k]) for k in ("y", "m", "d", "hh", "mm")), tzinfo=VN_TZ)
    assert match["weekday"] in (None, _WEEKDAYS[moment.weekday()]), f"{text}: that day is {_WEEKDAYS[moment.weekday()]}"
    return moment


def _amount(text: str) -> float:
    return float(text.replace(",", "."))  # officers write 0,5


@pytest.fixture
def setting():
    """What the Background and Given steps declare; `_calendar` builds the calendar from it."""
    return {"overrides": [], "hours": OfficeHours(), "cutoff": None}


def _calendar(setting) -> WorkingCalendar:
    return WorkingCalendar(setting["overrides"], setting["hours"], cutoff=setting["cutoff"])


@given("lịch làm việc gồm các ngày hoán đổi đã công bố")
def _(setting):
    setting["overrides"] = load_overrides(SHIPPED_OVERRIDES_FILE)


@given(parsers.parse("giờ làm việc buổi sáng từ {a} đến {b}, buổi chiều từ {c} đến {d}"))
def _(setting, a, b, c, d):
    setting["hours"] = OfficeHours(
        ((time.fromisoformat(a), time.fromisoformat(b)), (time.fromisoformat(c), time.fromisoformat(d)))
    )


@given(parsers.parse("giờ chốt tiếp nhận hồ sơ là {cutoff}"))
def _(setting, cutoff):
    setting["cutoff"] = time.fromisoformat(cutoff)


@when(parsers.parse("hồ sơ được tiếp nhận lúc {moment}"), target_fixture="start")
@when(parsers.parse("mốc là {moment}"), target_fixture="start")
def _(moment):
    return _moment(moment)


@when(parsers.parse("thời hạn giải quyết là {amount} {unit}"), target_fixture="result")
def _(setting, start, amount, unit):
    return _calendar(setting).add(start, _amount(amount), _UNITS[unit])


@when(parsers.parse("việc phải xong trước mốc đó {amount} {unit}"), target_fixture="result")
def _(setting, start, amount, unit):
    return _calendar(setting).add(start, _amount(amount), _UNITS[unit], before=True)


@then(parsers.parse("ngày hẹn trả kết quả là {moment}"))
@then(parsers.parse("hạn chót là {moment}"))
def _(result, moment):
    assert result == _moment(moment)


@then(parsers.parse("thời hạn bắt đầu tính từ {moment}"))
def _(setting, start, moment):
    assert _calendar(setting).clock_start(start) == _moment(moment)


@then(parsers.re(_DAY + r" là (?P<kind>ngày nghỉ|ngày làm việc)"), target_fixture="day_info")
def _(setting, d, m, y, weekday, kind):
    day = datetime(int(y), int(m), int(d)).date()
    assert weekday in (None, _WEEKDAYS[day.weekday()]), f"{d}/{m}/{y} is a {_WEEKDAYS[day.weekday()]}"
    info = _calendar(setting).day_info(day)
    assert info[0] is (kind == "ngày làm việc"), info
    return info


@then(parsers.parse('lý do là "{reason}"'))
def _(day_info, reason):
    assert reason in day_info[1], day_info
