"""Codes shared with the national public-service portal (Cổng Dịch vụ công quốc gia) and their Vietnamese labels.

See DOMAIN.md, "National portal statuses": the codes are the portal's; the labels are what officers read.
"""

from typing import Literal

STATUS_LABELS: dict[int, str] = {
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

NEW, RECEIVED, REFUSED, PROCESSING, SUPPLEMENTING, AWAITING_FEE = 1, 2, 3, 4, 5, 6
WITHDRAWN, STOPPED, RESOLVED, RETURNED = 7, 8, 9, 10

# Status groups. A dossier is being processed in one of OPEN_STATUSES. It leaves processing with one of
# PROCESSING_END_STATUSES (processing_end_at is set then); the national indicators take the first of 9, 10, 8, 3
# (QĐ 766, DOMAIN.md), so those are judged early / on time / late, while a withdrawal (7) ends processing unjudged.
OPEN_STATUSES = frozenset({NEW, RECEIVED, PROCESSING, SUPPLEMENTING, AWAITING_FEE})
PROCESSING_END_STATUSES = frozenset({REFUSED, WITHDRAWN, STOPPED, RESOLVED, RETURNED})
JUDGED_END_STATUSES = frozenset({REFUSED, STOPPED, RESOLVED, RETURNED})

# Submission channels (kênh): the portal's number -> the catalogue's name (`Procedure.channels`).
CHANNELS: dict[int, Literal["counter", "online", "postal"]] = {1: "counter", 2: "online", 3: "postal"}
CHANNEL_LABELS: dict[int, str] = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}
POSTAL = 3

# Where the applicant collects the result (as the Mẫu 01 template names them).
DELIVERY_LABELS: dict[str, str] = {
    "counter": "Tại Bộ phận Một cửa",
    "post": "Qua dịch vụ bưu chính công ích",
    "online": "Trực tuyến",
}

APPLICANT_TYPES: dict[int, str] = {
    1: "Công dân",
    2: "Doanh nghiệp",
    3: "Cơ quan nhà nước",
    4: "Tổ chức, đối tượng khác",
}


def status_label(status: int) -> str:
    """The Vietnamese label of a portal status, or "Trạng thái N" for a code the portal does not define."""
    return STATUS_LABELS.get(status, f"Trạng thái {status}")
