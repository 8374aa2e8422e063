"""The working-day calendar: GET /api/v1/calendar/due and GET /api/v1/calendar/is-working-day."""

from marshmallow import fields, validate

from engine.domain.clock import VN_TZ
from engine.domain.errors import ValidationError
from web.api.base import ApiSchema, Day, Moment
from web.api.core import operation, services

UNITS = ("wd", "wh", "d")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


class DueQuery(ApiSchema):
    start = Moment(
        required=True,
        default_timezone=VN_TZ,
        metadata={"description": "ISO 8601; without an offset it is Vietnam time"},
    )
    amount = fields.Float(
        required=True,
        validate=validate.Range(min=0, max=3650, error="từ 0 đến 3650"),
        metadata={"description": "how many units; calendar days must be whole"},
    )
    unit = fields.Str(
        required=True,
        validate=validate.OneOf(UNITS, error="là wd (ngày làm việc), wh (giờ làm việc) hoặc d (ngày)"),
        metadata={"description": "wd working days, wh working hours, d calendar days"},
    )
    before = fields.Bool(load_default=False, metadata={"description": "count backwards from start"})


class DueSchema(ApiSchema):
    start = Moment(required=True)
    amount = fields.Float(required=True)
    unit = fields.Str(required=True)
    before = fields.Bool(required=True)
    due = Moment(required=True, metadata={"description": "the moment, by the office hours and days off"})


class DayQuery(ApiSchema):
    date = Day(required=True, metadata={"description": "YYYY-MM-DD"})


class DaySchema(ApiSchema):
    date = fields.Date(required=True)
    weekday = fields.Str(required=True, metadata={"description": "in Vietnamese, e.g. Thứ Hai"})
    working_day = fields.Bool(required=True)
    reason = fields.Str(required=True, metadata={"description": "why it is off or worked ('' for an ordinary day)"})
    source = fields.Str(
        required=True,
        metadata={"description": "admin, shipped (overrides), holidays, weekend, or '' for an ordinary day"},
    )


@operation(
    "/calendar/due",
    tag="calendar",
    summary="The moment an amount of working days, working hours or calendar days after (or before) start",
    action="calendar.read",
    query=DueQuery,
    response=DueSchema,
)
def due(query):
    if query["unit"] == "d" and not float(query["amount"]).is_integer():
        problem = "số ngày lịch phải là số nguyên; phần lẻ của ngày tính bằng giờ làm việc (unit=wh)"
        raise ValidationError(f"Sai tham số truy vấn: amount: {problem}", {"amount": problem})
    try:
        moment = (
            services().calendars.current().add(query["start"], query["amount"], query["unit"], before=query["before"])
        )
    except ValueError as exc:  # e.g. a fraction of a calendar day
        raise ValidationError(f"Không tính được hạn: {exc}", {"amount": str(exc)}) from None
    except OverflowError:  # counted past the years a date can have
        problem = "hạn tính ra nằm ngoài lịch; chọn thời điểm bắt đầu hoặc số lượng nhỏ hơn"
        raise ValidationError(f"Không tính được hạn: {problem}", {"amount": problem}) from None
    return {**query, "due": moment}


@operation(
    "/calendar/is-working-day",
    tag="calendar",
    summary="Whether a date is a working day, and why not (weekend, holiday, day off) or why (make-up day)",
    action="calendar.read",
    query=DayQuery,
    response=DaySchema,
)
def is_working_day(query):
    day = query["date"]
    working, reason, source = services().calendars.current().day_info(day)
    return {"date": day, "weekday": WEEKDAYS[day.weekday()], "working_day": working, "reason": reason, "source": source}
