"""What the dossier features share besides steps: the officers of each lane, the applicant, and moments written the
way officers write them ("16:55 Thứ Sáu 13/02/2026")."""

import re
from datetime import datetime

from engine.domain.clock import VN_TZ

AGENCY = "H15.50.05.13"
PROCESSES = "processes/"
# Who completes the steps of each lane (the engine assigns by lane; these are the officers of this Department).
OFFICERS = {
    "Bộ phận Một cửa": "motcua1",
    "Lãnh đạo phòng": "truongphong",
    "Chuyên viên thụ lý": "chuyenvien",
    "Lãnh đạo Sở": "giamdoc",
    "Văn thư": "vanthu",
}
APPLICANT = {
    "type": 2,
    "name": "Công ty TNHH Thiết bị y tế Cao Bằng",
    "id_number": "4800123456",
    "address": "Số 5 phố Vườn Cam, phường Hợp Giang, tỉnh Cao Bằng",
    "phone": "0206 3852 123",
    "email": "thietbiyte.cb@gmail.com",
}
# Ends of processing for the national indicators: resolved, returned, stopped, refused (QĐ 766/QĐ-TTg).
PROCESSING_END = {9, 10, 8, 3}
# Known engine defects, by the tag a scenario or a `Dữ liệu` table carries: those examples are expected to fail
# (strictly: they fail the run as soon as the engine is fixed, so the tag is then removed).
KNOWN_DEFECTS = {}

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_MOMENT = re.compile(
    r"(?P<hh>\d{1,2}):(?P<mm>\d{2}) (?:(?P<weekday>Thứ \w+|Chủ Nhật) )?(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
)


def moment(text: str) -> datetime:
    """ "16:55 Thứ Sáu 13/02/2026" in Vietnam time; the weekday, if written, must match the date."""
    match = _MOMENT.fullmatch(text.strip())
    assert match, f"write moments as '16:55 Thứ Sáu 13/02/2026', got {text!r}"
    value = datetime(*(int(match[k]) for k in ("y", "m", "d", "hh", "mm")), tzinfo=VN_TZ)
    assert match["weekday"] in (None, _WEEKDAYS[value.weekday()]), f"{text}: that day is {_WEEKDAYS[value.weekday()]}"
    return value


def written(value: datetime) -> str:
    """A moment as officers write it, for failure messages."""
    value = value.astimezone(VN_TZ)
    return f"{value:%H:%M} {_WEEKDAYS[value.weekday()]} {value:%d/%m/%Y}"
