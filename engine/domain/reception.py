"""Checking what the one-stop officer enters when receiving a complete dossier (ND 61/2018 Điều 15-16).

Pure: values in, a `Reception` out, or one `ValidationError` whose `fields` name every field that is wrong (so the
counter page can mark them all at once) and whose message lists them, in Vietnamese, with how to fix each.

Field names: `procedure_code`, `channel`, `result_delivery`, `handover_at`, `fee_paid`, `actor`,
`applicant` / `applicant.<key>`, `documents` / `documents[<n>]` / `documents[<n>].<key>` (n from 1).

Rules:
- applicant: a mapping with `type` 1-4 (citizen, company, state body, other), `name`, `id_number` (CCCD, passport or
  enterprise code: 5-30 letters, digits, `.`, `/`, `-`), `address` and `phone` (digits, a leading `+`, spaces; 9 to
  15 digits) required; `email` optional (a simple `x@y.z` check). Other keys are refused, to catch typos.
- channel 1 counter, 2 online, 3 postal, and one the procedure accepts; result delivery `counter`, `post` (only if the
  procedure returns results by post) or `online`.
- documents: items `{name, received=True, digitised=False}` naming documents of the procedure's list (case and
  spacing ignored), each once. Every required document must be received: a dossier missing one is not received, the
  officer issues Mẫu 02 (request for supplementation) instead. The result lists every document of the procedure, in
  catalogue order, with `received` and `digitised` flags and the originals/copies asked for.
- postal dossiers (channel 3) need `handover_at`, the aware moment the handover record with the postal worker was
  signed (the clock starts then, QĐ 45/2016 Điều 7 k4), not in the future; other channels must not give one.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from engine.domain.catalogue import Procedure
from engine.domain.errors import ValidationError
from engine.domain.portal import APPLICANT_TYPES, CHANNELS, DELIVERY_LABELS, POSTAL

# `submitter` is the person who hands the dossier in when it is not the applicant (a company's representative); the
# receipt names them as "người nộp hồ sơ" and they sign it. Optional.
APPLICANT_KEYS = ("type", "name", "id_number", "address", "phone", "email", "submitter")
DOCUMENT_KEYS = ("name", "received", "digitised")
_PHONE = re.compile(r"\+?[0-9 ]+")
_ID_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./-]{4,29}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_LIMITS = {"name": 200, "address": 500, "email": 200, "submitter": 200}


@dataclass(frozen=True)
class Reception:
    """The checked and normalised input: what the dossier row and the workflow's start data are made of."""

    applicant: dict
    channel: int
    result_delivery: str
    documents: list[dict]
    handover_at: datetime | None


def check_reception(
    procedure: Procedure | None,
    applicant: object,
    channel: object,
    result_delivery: object,
    documents: object,
    handover_at: object,
    now: datetime,
    *,
    procedure_code: str = "",
    actor: object = "x",
    fee_paid: object = False,
) -> Reception:
    """Check a reception; `procedure` is None when `procedure_code` is not in the catalogue (everything else is still
    checked, so that every mistake is reported at once). Raises ValidationError listing every wrong field."""
    errors: dict[str, str] = {}
    if procedure is None:
        errors["procedure_code"] = (
            f"không có thủ tục mã '{procedure_code}' trong danh mục; chọn một thủ tục trong danh mục "
            "(mã dạng 1.000047.000.00.00.H56)"
        )
    if not isinstance(actor, str) or not actor.strip() or len(actor) > 100:
        errors["actor"] = "cần tên đăng nhập của công chức tiếp nhận (1-100 ký tự)"
    if not isinstance(fee_paid, bool):
        errors["fee_paid"] = "ghi đúng (true) nếu đã nộp phí, lệ phí, sai (false) nếu chưa"
    person = check_applicant(applicant, errors)
    check_channel(procedure, channel, handover_at, now, errors)
    check_delivery(procedure, result_delivery, errors)
    items = check_documents(procedure, documents, errors) if procedure is not None else []
    raise_if(errors)
    # The checks above passed, so the values have the types they were checked for.
    return Reception(person, cast(int, channel), cast(str, result_delivery), items, cast(datetime | None, handover_at))


def raise_if(errors: dict[str, str]) -> None:
    """Raise one ValidationError for all of `errors` (field -> problem), if there are any."""
    if errors:
        details = "; ".join(f"{field}: {problem}" for field, problem in errors.items())
        raise ValidationError(f"Chưa tiếp nhận được hồ sơ, cần sửa: {details}", errors)


def check_applicant(applicant: object, errors: dict[str, str]) -> dict:
    """The applicant with its text stripped; problems go into `errors`."""
    if not isinstance(applicant, dict):
        errors["applicant"] = "cần thông tin người nộp: loại, họ tên, số giấy tờ, địa chỉ, điện thoại"
        return {}
    if unknown := sorted(str(k) for k in applicant if k not in APPLICANT_KEYS):
        errors["applicant"] = f"không có trường {', '.join(unknown)}; các trường là {', '.join(APPLICANT_KEYS)}"
    kind = applicant.get("type")
    if isinstance(kind, bool) or kind not in APPLICANT_TYPES:
        choices = ", ".join(f"{k} {v.lower()}" for k, v in APPLICANT_TYPES.items())
        errors["applicant.type"] = f"loại người nộp phải là một trong: {choices}"
    person: dict = {"type": kind}
    for key, what in (
        ("name", "họ tên người nộp hoặc tên tổ chức"),
        ("id_number", "số CCCD, hộ chiếu hoặc mã số doanh nghiệp"),
        ("address", "địa chỉ"),
        ("phone", "số điện thoại"),
    ):
        value = applicant.get(key)
        if not isinstance(value, str) or not value.strip():
            errors[f"applicant.{key}"] = f"cần ghi {what}"
            continue
        value = " ".join(value.split())
        if key in _LIMITS and len(value) > _LIMITS[key]:
            errors[f"applicant.{key}"] = f"{what} dài quá {_LIMITS[key]} ký tự; viết gọn lại"
        person[key] = value
    if "id_number" in person and not _ID_NUMBER.fullmatch(person["id_number"].replace(" ", "")):
        errors["applicant.id_number"] = (
            "số giấy tờ gồm 5-30 chữ cái, chữ số, dấu . / - (ví dụ CCCD 12 chữ số 001234567890, "
            "mã số doanh nghiệp 0101234567-001)"
        )
    elif "id_number" in person:
        person["id_number"] = person["id_number"].replace(" ", "")
    if "phone" in person:
        digits = sum(c.isdigit() for c in person["phone"])
        if not _PHONE.fullmatch(person["phone"]) or not 9 <= digits <= 15:
            errors["applicant.phone"] = (
                f"số điện thoại '{person['phone']}' không hợp lệ: chỉ gồm chữ số, dấu + ở đầu và dấu cách, "
                "có từ 9 đến 15 chữ số (ví dụ 0912 345 678 hoặc +84 912 345 678)"
            )
    email = applicant.get("email")
    if email not in (None, ""):
        if not isinstance(email, str) or not _EMAIL.fullmatch(email.strip()) or len(email.strip()) > 200:
            errors["applicant.email"] = f"thư điện tử {email!r} không hợp lệ: viết dạng ten@mien.vn, hoặc để trống"
        else:
            person["email"] = email.strip()
    submitter = applicant.get("submitter")
    if submitter not in (None, ""):
        text = " ".join(submitter.split()) if isinstance(submitter, str) else ""
        if not text or len(text) > _LIMITS["submitter"]:
            errors["applicant.submitter"] = (
                f"họ tên người nộp hồ sơ (người đại diện) là chữ, tối đa {_LIMITS['submitter']} ký tự, hoặc để trống"
            )
        else:
            person["submitter"] = text
    return person


def check_channel(
    procedure: Procedure | None, channel: object, handover_at: object, now: datetime, errors: dict[str, str]
) -> None:
    if isinstance(channel, bool) or channel not in CHANNELS:
        errors["channel"] = "kênh nộp phải là 1 (trực tiếp), 2 (trực tuyến) hoặc 3 (bưu chính công ích)"
        return
    if procedure is not None and CHANNELS[channel] not in procedure.channels:
        allowed = ", ".join(str(n) for n, name in CHANNELS.items() if name in procedure.channels)
        errors["channel"] = f"thủ tục này không nhận hồ sơ qua kênh {channel}; chọn kênh {allowed}"
    if channel != POSTAL:
        if handover_at is not None:
            errors["handover_at"] = "chỉ ghi thời điểm ký biên bản bàn giao với hồ sơ nhận qua bưu chính (kênh 3)"
        return
    if handover_at is None:
        errors["handover_at"] = (
            "hồ sơ qua bưu chính cần thời điểm ký biên bản giao nhận với nhân viên bưu chính "
            "(thời hạn tính từ lúc đó, QĐ 45/2016 Điều 7 khoản 4)"
        )
    elif not isinstance(handover_at, datetime) or handover_at.utcoffset() is None:
        errors["handover_at"] = "ghi thời điểm bàn giao kèm múi giờ, ví dụ 2026-02-27T10:00+07:00"
    elif handover_at > now:
        errors["handover_at"] = "thời điểm bàn giao không thể ở tương lai; ghi đúng giờ ký biên bản giao nhận"


def check_delivery(procedure: Procedure | None, delivery: object, errors: dict[str, str]) -> None:
    if delivery not in DELIVERY_LABELS:
        errors["result_delivery"] = "nơi trả kết quả phải là counter (tại một cửa), post (qua bưu chính) hoặc online"
    elif delivery == "post" and procedure is not None and not procedure.result_by_post:
        errors["result_delivery"] = "thủ tục này không trả kết quả qua bưu chính; chọn counter hoặc online"


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def check_documents(procedure: Procedure, documents: object, errors: dict[str, str]) -> list[dict]:
    """Every document of `procedure`, in catalogue order, with the `received` and `digitised` flags given."""
    if not isinstance(documents, list | tuple):
        errors["documents"] = "cần danh sách giấy tờ đã nhận, mỗi giấy tờ dạng {name, received, digitised}"
        return []
    by_name = {_fold(d.name): d for d in procedure.documents}
    given: dict[str, dict] = {}
    for number, item in enumerate(documents, start=1):
        field = f"documents[{number}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            errors[field] = "mỗi giấy tờ cần tên (name), kèm received và digitised (đúng/sai)"
            continue
        if unknown := sorted(str(k) for k in item if k not in DOCUMENT_KEYS):
            errors[field] = f"không có trường {', '.join(unknown)}; các trường là {', '.join(DOCUMENT_KEYS)}"
        document = by_name.get(_fold(item["name"]))
        if document is None:
            names = "; ".join(d.name for d in procedure.documents)
            errors[field] = f"'{item['name']}' không có trong thành phần hồ sơ của thủ tục; các giấy tờ là: {names}"
            continue
        if document.name in given:
            errors[field] = f"'{document.name}' được ghi hai lần; ghi mỗi giấy tờ một lần"
            continue
        for key, default in (("received", True), ("digitised", False)):
            if not isinstance(item.get(key, default), bool):
                errors[f"{field}.{key}"] = f"{key} phải là đúng (true) hoặc sai (false)"
        given[document.name] = item

    def flag(name: str, key: str, default: bool) -> bool:
        return name in given and given[name].get(key, default) is True

    missing = [d.name for d in procedure.documents if d.required and not flag(d.name, "received", True)]
    if missing:
        errors["documents"] = (
            f"thiếu giấy tờ bắt buộc: {'; '.join(missing)}. Hồ sơ chưa đủ thì không tiếp nhận: "
            "lập Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) ghi đủ các giấy tờ còn thiếu một lần"
        )
    return [
        {
            "name": d.name,
            "originals": d.originals,
            "copies": d.copies,
            "required": d.required,
            "received": flag(d.name, "received", True),
            "digitised": flag(d.name, "digitised", False),
        }
        for d in procedure.documents
    ]
