"""Dates and times as Vietnamese people read them, in Vietnam time: the one formatter of the project.

`vn_date` 08/10/2026, `vn_stamp` 08/10/2026 08:05 (tables, lists, CSV), `vn_clock` 08:05 08/10/2026 (messages),
`vn_time` 08 giờ 05 phút, `vn_datetime` 08 giờ 05 phút, ngày 08/10/2026 (the wording of the forms), `vn_long_date`
ngày 08 tháng 10 năm 2026 (the place-and-date line of official documents). Each gives "" for None.
"""

from datetime import date, datetime

from engine.domain.clock import VN_TZ


def _local(value: date | datetime, filter_name: str) -> date | datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{filter_name}: naive datetime {value.isoformat()}: give a timezone offset")
        return value.astimezone(VN_TZ)
    if isinstance(value, date):
        return value
    raise TypeError(f"{filter_name}: expected a date or datetime, got {type(value).__name__} {value!r}")


def _local_datetime(value: datetime, filter_name: str) -> datetime:
    moment = _local(value, filter_name)
    if not isinstance(moment, datetime):
        raise TypeError(f"{filter_name}: needs a datetime (it shows the time), got the date {value!r}")
    return moment


def vn_date(value: date | datetime | None) -> str:
    """08/10/2026. None -> ""."""
    return "" if value is None else _local(value, "vn_date").strftime("%d/%m/%Y")


def vn_time(value: datetime | None) -> str:
    """08 giờ 05 phút. None -> ""."""
    if value is None:
        return ""
    moment = _local_datetime(value, "vn_time")
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút"


def vn_datetime(value: datetime | None) -> str:
    """08 giờ 05 phút, ngày 08/10/2026 (the wording of Mẫu 01). None -> ""."""
    if value is None:
        return ""
    moment = _local_datetime(value, "vn_datetime")
    return f"{vn_time(moment)}, ngày {vn_date(moment)}"


def vn_stamp(value: datetime | None) -> str:
    """08/10/2026 08:05, for tables and CSV. None -> ""."""
    return "" if value is None else _local_datetime(value, "vn_stamp").strftime("%d/%m/%Y %H:%M")


def vn_long_date(value: date | datetime | None) -> str:
    """ngày 08 tháng 10 năm 2026; zero-padded as Nghị định 30/2020 Phụ lục I wants: days below 10 and months 1-2."""
    if value is None:
        return ""
    day = _local(value, "vn_long_date")
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_clock(value: datetime | None) -> str:
    """08:05 08/10/2026, for messages that name a moment. None -> ""."""
    return "" if value is None else _local_datetime(value, "vn_clock").strftime("%H:%M %d/%m/%Y")
