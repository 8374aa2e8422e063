"""The calendar in force combines the holidays package, the shipped file and administrators' overrides."""

from datetime import date, datetime

import pytest

from engine.domain.clock import VN_TZ
from engine.domain.errors import ValidationError
from engine.services.calendars import script_helpers


def test_shipped_swap_of_january_2026_is_in_force(services):
    calendar = services.calendars.current()
    assert not calendar.is_working_day(date(2026, 1, 2))
    assert calendar.is_working_day(date(2026, 1, 10))


def test_an_administrator_override_takes_effect_at_once(services):
    assert services.calendars.current().is_working_day(date(2026, 3, 6))
    services.calendars.add_override(date(2026, 3, 6), "off", "Quyết định nghỉ bù của UBND tỉnh", "quantri")
    calendar = services.calendars.current()
    assert not calendar.is_working_day(date(2026, 3, 6))
    assert calendar.day_info(date(2026, 3, 6))[2] == "admin"
    # Thursday 5/3 16:00 + 1 working day now skips Friday 6/3
    due = calendar.add(datetime(2026, 3, 5, 16, 0, tzinfo=VN_TZ), 1, "wd")
    assert due == datetime(2026, 3, 9, 16, 0, tzinfo=VN_TZ)
    assert services.calendars.remove_override(date(2026, 3, 6))
    assert services.calendars.current().is_working_day(date(2026, 3, 6))


@pytest.mark.parametrize("kind, reason, field", [("holiday", "x", "kind"), ("off", "  ", "reason")])
def test_bad_overrides_are_refused_and_change_nothing(services, kind, reason, field):
    with pytest.raises(ValidationError) as refused:
        services.calendars.add_override(date(2026, 3, 6), kind, reason, "quantri")
    assert field in refused.value.fields
    assert services.calendars.current().is_working_day(date(2026, 3, 6))


def test_script_helpers_compute_with_the_calendar(services):
    helpers = script_helpers(services.calendars, services.clock)
    assert helpers["add_working_days"]("2026-02-13T16:55:00+07:00", 1) == "2026-02-23T16:55:00+07:00"
    assert helpers["working_days_before"]("2026-02-23T16:55:00+07:00", 1) == "2026-02-13T16:55:00+07:00"
    assert helpers["is_working_day"]("2026-01-02") is False


def test_office_hours_are_configurable(database_url, clock, sender):
    from web import create_app

    app = create_app(
        {"database_url": database_url, "office_hours": "08:00-12:00,13:30-17:30"}, clock=clock, sender=sender
    )
    calendar = app.extensions["motcua"].calendars.current()
    assert calendar.add(datetime(2026, 3, 2, 11, 0, tzinfo=VN_TZ), 2, "wh") == datetime(
        2026, 3, 2, 14, 30, tzinfo=VN_TZ
    )
    app.extensions["motcua"].close()
    with pytest.raises(ValueError, match="07:30-11:30,13:00-17:00"):
        create_app({"database_url": database_url, "office_hours": "morning"}, clock=clock, sender=sender)
