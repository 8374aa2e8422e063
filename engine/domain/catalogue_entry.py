"""A procedure's catalogue entry as the designer edits it on the modeler page and as it travels with the BPMN.

The entry is versioned with the diagram: `engine.bpmn.catalogue_xml` keeps it, as the JSON of `entry_json`, in the
process's own extension properties, so that each deployed version (keyed by the hash of its files) carries the entry
its dossiers were received under. Pure: values in, values or Vietnamese errors out.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from engine.domain.catalogue import (
    CHANNELS,
    CODE_PATTERN,
    SUPPLEMENT_POLICIES,
    CatalogueFieldError,
    Channel,
    Document,
    Procedure,
)
from engine.domain.deadlines import UNIT_NAMES_VI, allotment_text, parse_allotment, time_limit_vi
from engine.domain.errors import ValidationError

CHANNEL_LABELS = {"counter": "Trực tiếp tại Bộ phận Một cửa", "online": "Trực tuyến", "postal": "Qua bưu chính"}
POLICY_LABELS = {
    "restart": "Tính lại thời hạn từ đầu khi nhận đủ hồ sơ bổ sung",
    "pause": "Tạm dừng thời hạn trong lúc chờ bổ sung",
}
# What each part of the entry is called on the page and in the list of changes between two versions.
LABELS = {
    "name": "Tên thủ tục",
    "code": "Mã thủ tục quốc gia",
    "time_limit": "Thời hạn giải quyết",
    "fee": "Phí, lệ phí",
    "channels": "Cách thức nộp",
    "documents": "Thành phần hồ sơ",
    "supplement_policy": "Khi bổ sung hồ sơ",
    "legal_basis": "Căn cứ pháp lý",
}
REQUIRED_WORDS = ("bắt buộc", "có")
OPTIONAL_WORDS = ("không bắt buộc", "không", "tùy chọn", "tuỳ chọn")
MAX_TEXT = 2000
MAX_LINES = 100


def entry_json(procedure: Procedure) -> dict:
    """The entry as JSON values (what is kept in the BPMN and read back by `entry_from_json`)."""
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field,
        "division": procedure.division,
        "time_limit": allotment_text(*procedure.time_limit),
        "fee": procedure.fee,
        "channels": list(procedure.channels),
        "result_by_post": procedure.result_by_post,
        "result_online": procedure.result_online,
        "documents": [
            {"name": d.name, "originals": d.originals, "copies": d.copies, "required": d.required}
            for d in procedure.documents
        ],
        "supplement_policy": procedure.supplement_policy,
        "legal_basis": list(procedure.legal_basis),
        "process": procedure.process,
        "in_force_from": procedure.in_force_from.isoformat() if procedure.in_force_from else None,
        "name_en": procedure.name_en,
    }


def entry_from_json(value: Mapping) -> Procedure:
    """The Procedure of `entry_json`'s values. Raises CatalogueFieldError naming the bad field."""
    if not isinstance(value, Mapping):
        raise CatalogueFieldError("entry", f"expected a mapping, got {value!r}")
    try:
        documents = tuple(
            Document(d["name"], d["originals"], d["copies"], d["required"]) for d in value.get("documents") or ()
        )
        in_force = value.get("in_force_from")
        return Procedure(
            code=value["code"],
            name=value["name"],
            field=value["field"],
            division=value["division"],
            time_limit=parse_allotment(str(value["time_limit"])),
            fee=value["fee"],
            channels=tuple(value.get("channels") or ()),
            result_by_post=value["result_by_post"],
            documents=documents,
            supplement_policy=value["supplement_policy"],
            legal_basis=tuple(value.get("legal_basis") or ()),
            process=value["process"],
            in_force_from=date.fromisoformat(in_force) if in_force else None,
            result_online=bool(value.get("result_online", False)),
            name_en=value.get("name_en") or "",
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, CatalogueFieldError):
            raise
        raise CatalogueFieldError("entry", str(error)) from None


def entry_form(procedure: Procedure) -> dict:
    """The values of the page's form for `procedure` (what `entry_from_form` reads back)."""
    return {
        "name": procedure.name,
        "code": procedure.code,
        "time_limit_amount": f"{procedure.time_limit[0]:g}".replace(".", ","),
        "time_limit_unit": procedure.time_limit[1],
        "fee": str(procedure.fee),
        "channels": list(procedure.channels),
        "documents": "\n".join(_document_line(d) for d in procedure.documents),
        "supplement_policy": procedure.supplement_policy,
        "legal_basis": "\n".join(procedure.legal_basis),
    }


def entry_from_form(form: Mapping, base: Procedure) -> Procedure:
    """The entry the designer typed, on top of `base` (the division, field and the rest the page does not edit).

    Raises ValidationError with a Vietnamese message per field of the form (name, code, time_limit_amount,
    time_limit_unit, fee, channels, documents, supplement_policy, legal_basis); nothing is half read."""
    errors: dict[str, str] = {}
    name = _text(form, "name", errors, "Cần nhập tên thủ tục")
    code = _text(form, "code", errors, "Cần nhập mã thủ tục quốc gia")
    if code and not CODE_PATTERN.fullmatch(code):
        errors["code"] = f"Mã thủ tục '{code}' không đúng dạng, ví dụ 1.004454.000.00.00.H56 hoặc 1.013337.H38"
    time_limit = _time_limit(form, errors)
    fee = _fee(form, errors)
    channels = _channels(form, errors)
    documents = _documents(str(form.get("documents") or ""), errors)
    policy = str(form.get("supplement_policy") or "")
    if policy not in SUPPLEMENT_POLICIES:
        errors["supplement_policy"] = "Chọn cách tính thời hạn khi bổ sung hồ sơ: tính lại từ đầu hoặc tạm dừng"
    legal = [line.strip() for line in str(form.get("legal_basis") or "").splitlines() if line.strip()]
    if not legal:
        errors["legal_basis"] = "Cần ít nhất một văn bản căn cứ pháp lý (mỗi văn bản một dòng)"
    elif len(legal) > MAX_LINES or any(len(line) > MAX_TEXT for line in legal):
        errors["legal_basis"] = f"Tối đa {MAX_LINES} văn bản, mỗi văn bản tối đa {MAX_TEXT} ký tự"
    if errors:
        raise ValidationError("Mục danh mục thủ tục chưa đúng: " + "; ".join(errors.values()), errors)
    assert time_limit is not None and fee is not None
    try:
        return replace(
            base,
            name=name,
            code=code,
            time_limit=time_limit,
            fee=fee,
            channels=tuple(channels),
            documents=tuple(documents),
            supplement_policy=policy,  # type: ignore[arg-type]
            legal_basis=tuple(legal),
        )
    except CatalogueFieldError as error:  # what the checks above do not cover
        field = error.field.split("[")[0].split(".")[0]
        label = LABELS.get(field, error.field)
        raise ValidationError(f"Mục danh mục thủ tục chưa đúng: {label}: {error.problem}", {field: error.problem})


def entry_changes(before: Procedure | None, after: Procedure | None) -> list[tuple[str, str, str]]:
    """What changed in the entry between two versions: (label, before, after) in words, in the page's order."""
    if before is None and after is None:
        return []
    old = _words(before) if before else {}
    new = _words(after) if after else {}
    return [(LABELS[k], old.get(k, "—"), new.get(k, "—")) for k in LABELS if old.get(k, "—") != new.get(k, "—")]


def _words(procedure: Procedure) -> dict[str, str]:
    return {
        "name": procedure.name,
        "code": procedure.code,
        "time_limit": time_limit_vi(*procedure.time_limit),
        "fee": f"{procedure.fee:,} đồng".replace(",", "."),
        "channels": ", ".join(CHANNEL_LABELS[c] for c in procedure.channels),
        "documents": "; ".join(_document_line(d) for d in procedure.documents),
        "supplement_policy": POLICY_LABELS[procedure.supplement_policy],
        "legal_basis": "; ".join(procedure.legal_basis),
    }


def _document_line(document: Document) -> str:
    required = REQUIRED_WORDS[0] if document.required else OPTIONAL_WORDS[0]
    return f"{document.name} | {document.originals} | {document.copies} | {required}"


def _text(form: Mapping, field: str, errors: dict[str, str], missing: str) -> str:
    value = form.get(field)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        errors[field] = missing
    elif len(text) > MAX_TEXT:
        errors[field] = f"Tối đa {MAX_TEXT} ký tự"
    return text


def _time_limit(form: Mapping, errors: dict[str, str]):
    unit = str(form.get("time_limit_unit") or "")
    if unit not in UNIT_NAMES_VI:
        errors["time_limit_unit"] = "Chọn đơn vị thời hạn: ngày làm việc, giờ làm việc hoặc ngày"
        return None
    amount = _number(form.get("time_limit_amount"))
    if amount is None or amount <= 0:
        errors["time_limit_amount"] = "Thời hạn giải quyết phải là một số lớn hơn 0, ví dụ 11 hoặc 0,5"
        return None
    if unit == "d" and not amount.is_integer():
        errors["time_limit_amount"] = "Thời hạn tính theo ngày (lịch) phải là số nguyên"
        return None
    return parse_allotment(allotment_text(amount, unit))


def _fee(form: Mapping, errors: dict[str, str]) -> int | None:
    text = re.sub(r"[\s.,]", "", str(form.get("fee") or "")).removesuffix("đồng").removesuffix("đ")
    if not text.isdigit():
        errors["fee"] = "Phí, lệ phí phải là số tiền (đồng) không âm; nhập 0 nếu không thu phí"
        return None
    return int(text)


def _channels(form: Mapping, errors: dict[str, str]) -> list[Channel]:
    value = form.get("channels")
    chosen = [value] if isinstance(value, str) else list(value or [])
    if not chosen or any(c not in CHANNELS for c in chosen):
        errors["channels"] = "Chọn ít nhất một cách thức nộp: trực tiếp, trực tuyến, bưu chính"
        return []
    return [c for c in CHANNELS if c in chosen]


def _documents(text: str, errors: dict[str, str]) -> list[Document]:
    documents, problems = [], []
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    for number, line in lines[:MAX_LINES]:
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 4 or not parts[0]:
            problems.append(f"dòng {number}: cần 4 phần 'tên | số bản chính | số bản sao | bắt buộc/không'")
            continue
        name, originals, copies, required = parts
        if not (originals.isdigit() and copies.isdigit()):
            problems.append(f"dòng {number}: số bản chính và số bản sao phải là số nguyên không âm")
            continue
        if int(originals) + int(copies) == 0:
            problems.append(f"dòng {number}: cần ít nhất một bản chính hoặc một bản sao")
            continue
        if required.lower() not in REQUIRED_WORDS + OPTIONAL_WORDS:
            problems.append(f"dòng {number}: ghi 'bắt buộc' hoặc 'không bắt buộc', không phải '{required}'")
            continue
        if len(name) > MAX_TEXT:
            problems.append(f"dòng {number}: tên tối đa {MAX_TEXT} ký tự")
            continue
        documents.append(Document(name, int(originals), int(copies), required.lower() in REQUIRED_WORDS))
    if len(lines) > MAX_LINES:
        problems.append(f"tối đa {MAX_LINES} giấy tờ")
    if problems:
        errors["documents"] = "Thành phần hồ sơ: " + "; ".join(problems)
    elif not documents:
        errors["documents"] = "Cần ít nhất một giấy tờ trong thành phần hồ sơ"
    return documents


def _number(value: object) -> float | None:
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None
