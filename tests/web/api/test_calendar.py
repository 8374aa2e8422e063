"""GET /api/v1/calendar/due and /api/v1/calendar/is-working-day."""

import pytest


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        ("2026-03-02T08:00:00+07:00", "5", "wd", "2026-03-09T08:00:00+07:00"),  # Monday + 5 working days
        ("2026-03-06T16:00:00", "2", "wh", "2026-03-09T08:30:00+07:00"),  # naive: Vietnam time; 1h Fri + 1h Mon
        ("2026-03-02T08:00:00+07:00", "3", "d", "2026-03-05T17:00:00+07:00"),  # calendar days end at the close
    ],
)
def test_due_adds_working_days_hours_or_calendar_days(by_token, start, amount, unit, due):
    response = by_token("clerk").get(
        "/api/v1/calendar/due", query_string={"start": start, "amount": amount, "unit": unit}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["due"] == due
    assert body["unit"] == unit and body["amount"] == float(amount) and body["before"] is False


def test_due_counts_backwards_with_before(by_token):
    response = by_token("designer").get(
        "/api/v1/calendar/due",
        query_string={"start": "2026-03-09T08:00:00+07:00", "amount": "1", "unit": "wd", "before": "true"},
    )
    assert response.get_json()["due"] == "2026-03-06T08:00:00+07:00"


def test_due_with_bad_parameters_names_each_of_them(by_token):
    caller = by_token("clerk")
    response = caller.get("/api/v1/calendar/due", query_string={"start": "hôm nay", "amount": "-1", "unit": "week"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"start", "amount", "unit"}
    assert "ISO 8601" in fields["start"] and "wd" in fields["unit"] and fields["amount"] == "từ 0 đến 3650"

    missing = caller.get("/api/v1/calendar/due").get_json()["error"]["fields"]
    assert missing == {name: "bắt buộc: thiếu trường này" for name in ("start", "amount", "unit")}

    half_day = caller.get(
        "/api/v1/calendar/due", query_string={"start": "2026-03-02T08:00:00+07:00", "amount": "1.5", "unit": "d"}
    )
    assert half_day.status_code == 422 and "số nguyên" in half_day.get_json()["error"]["fields"]["amount"]


@pytest.mark.parametrize(
    ("day", "working", "source", "weekday"),
    [
        ("2026-03-02", True, "", "Thứ Hai"),
        ("2026-03-07", False, "weekend", "Thứ Bảy"),
        ("2026-09-02", False, "holidays", "Thứ Tư"),  # Quốc khánh
    ],
)
def test_is_working_day_says_why(by_token, day, working, source, weekday):
    body = by_token("auditor").get("/api/v1/calendar/is-working-day", query_string={"date": day}).get_json()
    assert body["date"] == day and body["working_day"] is working
    assert body["source"] == source and body["weekday"] == weekday
    assert bool(body["reason"]) is (source != "")


def test_an_administrator_s_day_off_is_reported_with_its_reason(services, by_token):
    from datetime import date

    services.calendars.add_override(date(2026, 3, 4), "off", "Nghỉ bù theo quyết định của UBND tỉnh", "quantri")
    body = by_token("one_stop").get("/api/v1/calendar/is-working-day", query_string={"date": "2026-03-04"}).get_json()
    assert body == {
        "date": "2026-03-04",
        "weekday": "Thứ Tư",
        "working_day": False,
        "reason": "Nghỉ bù theo quyết định của UBND tỉnh",
        "source": "admin",
    }


def test_is_working_day_needs_a_real_date(by_token):
    response = by_token("one_stop").get("/api/v1/calendar/is-working-day", query_string={"date": "31/02/2026"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"date": "phải là ngày dạng YYYY-MM-DD, ví dụ 2026-03-02"}
