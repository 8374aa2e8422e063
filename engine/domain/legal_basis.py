"""Legal bases of one-stop processing (Nghị định 61/2018, Nghị định 118/2025, ...) as validated values.

A legal basis is data (processes/legal/*.yaml, read by `engine.domain.legal_basis_data`): its name, the date it
takes effect, its form set, and the rule parameters this product uses, each with the article it comes from. A dossier
takes the basis in force on the day it is received (Vietnam time) and keeps it for life.

Forms are addressed by meaning (`FORM_MEANINGS`); each form set maps a meaning to its number, title and template.

Pure: no files, no YAML.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from engine.domain.clock import VN_TZ

# What a form is for, whatever its number in a set.
FORM_MEANINGS: dict[str, str] = {
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "supplement_request": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "reception_refusal": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "apology": "Văn bản xin lỗi (và hẹn lại ngày trả kết quả / đề nghị gia hạn)",
    "stop_notice": "Thông báo dừng giải quyết hồ sơ",
    "control_slip": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "register": "Sổ theo dõi hồ sơ",
    "appraisal_refusal": "Văn bản từ chối giải quyết hồ sơ sau thẩm định",
    "fee_receipt": "Biên lai thu phí, lệ phí",
}
# The rule parameters every legal basis must give, and what each means.
RULES: dict[str, str] = {
    "max_extensions": "how many times the return date may be re-set by an apology letter",
    "apology_notice_working_days": "working days before the due date the apology letter is sent at the latest",
    "supplement_notice_working_days": "working days after reception within which a supplementation is asked for",
    "channels": "the channels a dossier may be submitted by",
}
_CHANNELS = ("counter", "online", "postal")


class LegalBasisError(ValueError):
    """A legal basis value is wrong; `field` names it, `problem` says what is expected."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


@dataclass(frozen=True)
class Form:
    meaning: str
    number: str | None  # "01"; None for a letter that is not a numbered form of the annex
    title: str
    template: str  # the template's name in the set's folder, without ".html"

    @property
    def label(self) -> str:
        """ "Mẫu số 01" (or the title when the form has no number)."""
        return f"Mẫu số {self.number}" if self.number else self.title


@dataclass(frozen=True)
class FormSet:
    id: str  # the templates' folder: "tt03-2025"
    name: str
    forms: Mapping[str, Form]

    def form(self, meaning: str) -> Form:
        """The form for `meaning`. Raises LegalBasisError for a meaning the set does not have."""
        found = self.forms.get(meaning)
        if found is None:
            raise LegalBasisError(
                "form", f"bộ mẫu {self.id} không có biểu mẫu '{meaning}'; có: {', '.join(sorted(self.forms))}"
            )
        return found

    def by_name(self, name: str) -> Form:
        """The form a caller names by meaning ("receipt") or by the set's template name ("mau_01")."""
        if name in self.forms:
            return self.forms[name]
        for form in self.forms.values():
            if form.template == name:
                return form
        names = sorted({*self.forms, *(f.template for f in self.forms.values())})
        raise LegalBasisError("form", f"bộ mẫu {self.id} không có biểu mẫu '{name}'; có: {', '.join(names)}")


@dataclass(frozen=True)
class Rule:
    value: int | tuple[str, ...]
    source: str  # the article and clause, or why it could not be found


@dataclass(frozen=True)
class LegalBasis:
    id: str  # "nd118-2025"
    name: str
    short: str  # "NĐ 118/2025", as shown on a dossier's page
    effective_from: date
    effective_source: str
    form_set: FormSet
    rules: Mapping[str, Rule]

    @property
    def max_extensions(self) -> int:
        value = self.rules["max_extensions"].value
        assert isinstance(value, int)  # checked when built
        return value

    @property
    def channels(self) -> tuple[str, ...]:
        value = self.rules["channels"].value
        assert isinstance(value, tuple)  # checked when built
        return value


class LegalBases:
    """The legal bases known, by effective date."""

    def __init__(self, bases: Iterable[LegalBasis]):
        self.bases = sorted(bases, key=lambda b: b.effective_from)
        if not self.bases:
            raise LegalBasisError("legal bases", "không có căn cứ pháp lý nào / no legal basis given")
        seen: dict[object, str] = {}
        for basis in self.bases:
            for key in (basis.id, basis.effective_from):
                if key in seen:
                    raise LegalBasisError(basis.id, f"trùng với {seen[key]} / same id or effective date as {seen[key]}")
                seen[key] = basis.id

    def get(self, basis_id: str) -> LegalBasis:
        """The basis `basis_id`. Raises LegalBasisError naming the known ones."""
        for basis in self.bases:
            if basis.id == basis_id:
                return basis
        known = ", ".join(b.id for b in self.bases)
        raise LegalBasisError("legal_basis", f"không có căn cứ pháp lý '{basis_id}'; có: {known}")

    def meaning(self, name: object) -> str | None:
        """The meaning of a form named `name` in a stored letter: a meaning names itself; a template name ("mau_02",
        as letters were named before forms were addressed by meaning) gives its meaning when every set that has it
        agrees on it; None otherwise (unknown, or a number whose meaning differs between sets)."""
        if not isinstance(name, str):
            return None
        if name in FORM_MEANINGS:
            return name
        found = {f.meaning for b in self.bases for f in b.form_set.forms.values() if f.template == name}
        return found.pop() if len(found) == 1 else None

    def in_force(self, moment: datetime | date) -> LegalBasis:
        """The basis in force on the day of `moment` (a datetime is read in Vietnam time): the latest to have taken
        effect by then. Raises LegalBasisError for a day before every basis."""
        day = moment.astimezone(VN_TZ).date() if isinstance(moment, datetime) else moment
        found = [b for b in self.bases if b.effective_from <= day]
        if not found:
            raise LegalBasisError(
                "received_at", f"ngày {day:%d/%m/%Y} trước mọi căn cứ pháp lý (sớm nhất {self.bases[0].id})"
            )
        return found[-1]


def build_legal_basis(entry: Mapping) -> LegalBasis:
    """A LegalBasis from a parsed data file. Raises LegalBasisError naming the field that is wrong."""
    keys = ("id", "name", "short", "effective_from", "effective_source", "form_set", "rules")
    if unknown := sorted(set(map(str, entry)) - set(keys)):
        raise LegalBasisError(unknown[0], f"khoá không biết / unknown key; allowed: {', '.join(keys)}")
    if missing := [k for k in keys if k not in entry]:
        raise LegalBasisError(missing[0], "thiếu / missing")
    for key in ("id", "name", "short", "effective_source"):
        _text(key, entry[key])
    if not isinstance(entry["effective_from"], date) or isinstance(entry["effective_from"], datetime):
        raise LegalBasisError("effective_from", f"expected a date such as 2025-07-01, got {entry['effective_from']!r}")
    return LegalBasis(
        id=entry["id"],
        name=entry["name"],
        short=entry["short"],
        effective_from=entry["effective_from"],
        effective_source=entry["effective_source"],
        form_set=_form_set(entry["form_set"]),
        rules=_rules(entry["rules"]),
    )


def _text(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LegalBasisError(field, f"expected non-empty text, got {value!r}")
    return value


def _form_set(value: object) -> FormSet:
    if not isinstance(value, Mapping) or not isinstance(value.get("forms"), Mapping):
        raise LegalBasisError("form_set", "expected a mapping with id, name and forms")
    set_id, name = _text("form_set.id", value.get("id")), _text("form_set.name", value.get("name"))
    forms: dict[str, Form] = {}
    for meaning, form in value["forms"].items():
        field = f"form_set.forms.{meaning}"
        if meaning not in FORM_MEANINGS:
            raise LegalBasisError(field, f"unknown meaning; known: {', '.join(FORM_MEANINGS)}")
        if not isinstance(form, Mapping) or set(form) != {"number", "template", "title"}:
            raise LegalBasisError(field, "expected {number, template, title}")
        number = form["number"]
        if number is not None and not (isinstance(number, str) and number.isdigit()):
            raise LegalBasisError(f"{field}.number", f'expected a quoted number such as "01" or null, got {number!r}')
        forms[meaning] = Form(
            meaning, number, _text(f"{field}.title", form["title"]), _text(f"{field}.template", form["template"])
        )
    if missing := [m for m in FORM_MEANINGS if m not in forms]:
        raise LegalBasisError("form_set.forms", f"thiếu biểu mẫu / missing meanings: {', '.join(missing)}")
    return FormSet(set_id, name, forms)


def _rules(value: object) -> dict[str, Rule]:
    if not isinstance(value, Mapping):
        raise LegalBasisError("rules", f"expected a mapping of {', '.join(RULES)}")
    if unknown := sorted(set(value) - set(RULES)):
        raise LegalBasisError(f"rules.{unknown[0]}", f"unknown rule; known: {', '.join(RULES)}")
    rules: dict[str, Rule] = {}
    for name in RULES:
        rule = value.get(name)
        if not isinstance(rule, Mapping) or set(rule) != {"value", "source"}:
            raise LegalBasisError(f"rules.{name}", "expected {value, source}: every parameter cites its source")
        source = _text(f"rules.{name}.source", rule["source"])
        rules[name] = Rule(_rule_value(name, rule["value"]), source)
    return rules


def _rule_value(name: str, value: object) -> int | tuple[str, ...]:
    if name == "channels":
        if not isinstance(value, list) or not value or any(c not in _CHANNELS for c in value):
            raise LegalBasisError(f"rules.{name}.value", f"expected a list of {', '.join(_CHANNELS)}, got {value!r}")
        return tuple(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LegalBasisError(f"rules.{name}.value", f"expected a whole number >= 0, got {value!r}")
    return value
