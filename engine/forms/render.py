"""Forms and letters of the one-stop section under a legal basis, as HTML, PDF and CSV.

Pure functions: a context of plain values in, text or bytes out; no database, no clock, no settings.

Templates are files, keyed by form set and template: `<templates_dir>/<form set>/<template>.html`, for example
`processes/templates/tt03-2025/mau_04.html`. Names starting with "_" (`_base.html`) are shared layouts, not forms.
What every set prints alike lives once in `<templates_dir>/_common/` (the letters' salutation macros, the refusal after
appraisal, which no annex numbers): a set's own file of the same name wins, and a common form belongs to every set.
Which template of which set serves a meaning ("apology") is data: the legal basis files (processes/legal/*.yaml,
`engine.domain.legal_basis`). A new form set is a new folder and a new legal basis file: no code changes. Every
top-level name a form's templates use is a required key of its context (the value may be None where noted below):
`required_fields()` reads them from the files, and `FORM_FIELDS` documents them by meaning, the same in every set (a
test keeps the two equal for every shipped set).

Values: datetimes must be timezone-aware and are shown in Asia/Ho_Chi_Minh; a `date` is accepted where only the day
is shown. Template filters: `vn_date` 08/10/2026, `vn_time` 08 giờ 05 phút, `vn_datetime` 08 giờ 05 phút, ngày
08/10/2026, `vn_stamp` 08/10/2026 08:05, `vn_long_date` ngày 08 tháng 10 năm 2026 (leading zeros as Nghị định
30/2020 wants them: days 1-9 and months 1-2 only). Each turns None into "". Global: `qr_svg(text)`, an inline SVG QR
code.

Contexts, by meaning (docs/FORMS.md says where each value comes from):

Every form (header, `_base.html`)
    agency      {"parent": "UBND TỈNH CAO BẰNG", "name": "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "title": "Sở Khoa học và
                Công nghệ tỉnh Cao Bằng"}: the issuing agency (on letters of the resolving agency, that agency) under
                its parent; `title` is the name as written in running text.
    place       "Cao Bằng": the place in the "Cao Bằng, ngày 08 tháng 10 năm 2026" line.
    issued_at   date or datetime the form is issued.
Shared shapes
    applicant   {"name", "address", "phone", "email"}; email may be "" or None.
    procedure   the procedure's name (the request, "nội dung yêu cầu giải quyết").
    dossier_code  "H15.50.05.13-261008-0975"; None on a supplementation request or reception refusal issued at the
                counter before registration.
    receiving_unit  "Bộ phận Tiếp nhận và Trả kết quả ..." (receipt, supplementation request, reception refusal).
    officer     full name of the officer who signs (the receiving officer, or the guiding officer).
    signer      {"title": "GIÁM ĐỐC", "name"}: the head who signs a letter of the resolving agency.
receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả)
    dossier_code (printed with its QR code), receiving_unit, applicant, procedure,
    documents   [{"name", "originals": int, "copies": int}], sets (int, number of sets),
    time_limit  "10 ngày làm việc" (statutory, as the catalogue words it), received_at, appointment (datetimes),
    delivery    "counter" | "post" | "online": where the result is collected,
    register    {"book": "05", "number": "0975"}: register book and line, officer.
supplement_request (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)
    dossier_code (or None), receiving_unit, applicant, procedure,
    missing     [{"item", "reason"}]: everything missing, asked for at once,
    contact     {"name", "phone"}: whom to ask, officer.
reception_refusal (Phiếu từ chối tiếp nhận giải quyết hồ sơ)
    dossier_code (or None), receiving_unit, applicant, procedure, reasons (list of str), officer.
apology (the apology letter, issued by the resolving agency)
    applicant, dossier_code, procedure, received_at, appointment (the original one), reason (str),
    new_appointment (datetime), signer.
stop_notice (Thông báo dừng giải quyết hồ sơ)
    applicant, dossier_code, procedure, received_at, reason (str), signer.
control_slip (Phiếu kiểm soát quá trình giải quyết hồ sơ)
    dossier_code, applicant, procedure, received_at, appointment, resolving_unit (str),
    coordinating_units (list of str, may be empty),
    handovers   [{"from_unit", "to_unit", "at": datetime, "giver", "receiver",
                  "result": "early" | "on_time" | "late" (printed Trước hạn / Đúng hạn / Quá hạn), "note": optional}].
register (Sổ theo dõi hồ sơ, A4 landscape)
    book ("05"), period ("Tháng 10 năm 2026"),
    rows        [REGISTER_ROW]: see `register_csv`, which takes the same rows.
appraisal_refusal (the resolving division's refusal after appraisal, not a numbered form)
    applicant, dossier_code, procedure, received_at, division (str), reasons (list of str), signer.
fee_receipt (Biên lai thu phí, lệ phí: a fee paid at the counter, not a numbered form)
    receiving_unit, dossier_code, applicant, procedure, receipt_number (str), amount (int, VND), method (str),
    collected_at (datetime), collector (full name of the officer who collected it).
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
import segno
from jinja2 import meta, nodes
from markupsafe import Markup

from engine.domain.dates import vn_date, vn_datetime, vn_long_date, vn_stamp, vn_time
from engine.domain.errors import ValidationError

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "processes" / "templates"
DEFAULT_LEGAL_BASIS = "tt01-2018"
COMMON_FOLDER = "_common"  # templates every form set shares (see the module docstring)

_HEADER = ["agency", "place", "issued_at"]
# The context keys of each form, by meaning (FORM_MEANINGS), whatever set it is printed in.
FORM_FIELDS: dict[str, list[str]] = {
    "receipt": [
        *_HEADER,
        "dossier_code",
        "receiving_unit",
        "applicant",
        "procedure",
        "documents",
        "sets",
        "time_limit",
        "received_at",
        "appointment",
        "delivery",
        "register",
        "officer",
    ],
    "supplement_request": [
        *_HEADER,
        "dossier_code",
        "receiving_unit",
        "applicant",
        "procedure",
        "missing",
        "contact",
        "officer",
    ],
    "reception_refusal": [*_HEADER, "dossier_code", "receiving_unit", "applicant", "procedure", "reasons", "officer"],
    "apology": [
        *_HEADER,
        "applicant",
        "dossier_code",
        "procedure",
        "received_at",
        "appointment",
        "reason",
        "new_appointment",
        "signer",
    ],
    "stop_notice": [*_HEADER, "applicant", "dossier_code", "procedure", "received_at", "reason", "signer"],
    "control_slip": [
        *_HEADER,
        "dossier_code",
        "applicant",
        "procedure",
        "received_at",
        "appointment",
        "resolving_unit",
        "coordinating_units",
        "handovers",
    ],
    "register": [*_HEADER, "book", "period", "rows"],
    "appraisal_refusal": [
        *_HEADER,
        "applicant",
        "dossier_code",
        "procedure",
        "received_at",
        "division",
        "reasons",
        "signer",
    ],
    "fee_receipt": [
        *_HEADER,
        "receiving_unit",
        "dossier_code",
        "applicant",
        "procedure",
        "receipt_number",
        "amount",
        "method",
        "collected_at",
        "collector",
    ],
}

# (key of a register row, column header of the register). The CSV export and the template share this order.
REGISTER_COLUMNS: list[tuple[str, str]] = [
    ("code", "Mã hồ sơ"),
    ("procedure", "Tên thủ tục hành chính"),
    ("applicant", "Tên cá nhân, tổ chức"),
    ("address", "Địa chỉ, số điện thoại"),
    ("resolving_unit", "Cơ quan chủ trì giải quyết"),
    ("received_at", "Nhận hồ sơ"),
    ("appointment", "Hẹn trả kết quả"),
    ("transferred_at", "Chuyển hồ sơ đến cơ quan giải quyết"),
    ("result_received_at", "Nhận kết quả từ cơ quan giải quyết"),
    ("returned_at", "Trả kết quả cho cá nhân, tổ chức"),
    ("note", "Ghi chú"),
]
_REGISTER_DATES = {"received_at", "appointment", "transferred_at", "result_received_at", "returned_at"}

_BOM = "\ufeff"
# A cell Excel would read as a formula; applicants type these fields, so they are neutralised (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[\d .()]+")


# -- values -----------------------------------------------------------------------------------------------------------


def qr_svg(text: str) -> Markup:
    """An inline SVG QR code of `text` (error correction at least M), sized by CSS through its viewBox."""
    code = segno.make(str(text), error="m", micro=False)
    return Markup(code.svg_inline(scale=1, omitsize=True, border=4, title=str(text)))


_FILTERS = {
    "vn_date": vn_date,
    "vn_time": vn_time,
    "vn_datetime": vn_datetime,
    "vn_stamp": vn_stamp,
    "vn_long_date": vn_long_date,
}
_GLOBALS = {"qr_svg": qr_svg}


# -- templates --------------------------------------------------------------------------------------------------------


def available_legal_bases(templates_dir: Path = TEMPLATES_DIR) -> list[str]:
    """The legal bases with templates: the sub-folders of `templates_dir`, sorted."""
    if not templates_dir.is_dir():
        return []
    return sorted(p.name for p in templates_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def available_forms(legal_basis: str = DEFAULT_LEGAL_BASIS, templates_dir: Path = TEMPLATES_DIR) -> list[str]:
    """The templates of form set `legal_basis`, sorted (`["mau_01", ...]`). Raises ValidationError for an unknown
    form set."""
    folders = _search_path(_folder(legal_basis, templates_dir))
    return sorted({p.stem for folder in folders for p in folder.glob("*.html") if not p.name.startswith("_")})


def required_fields(
    form: str, legal_basis: str = DEFAULT_LEGAL_BASIS, templates_dir: Path = TEMPLATES_DIR
) -> list[str]:
    """The top-level context keys `form` needs, read from its template and the layouts it extends or includes.
    Raises ValidationError for an unknown form or legal basis, or a template that does not parse."""
    env, name = _lookup(form, legal_basis, templates_dir)
    return sorted(_fields(env, name))


def render_html(
    form: str,
    context: Mapping[str, Any],
    legal_basis: str = DEFAULT_LEGAL_BASIS,
    templates_dir: Path = TEMPLATES_DIR,
) -> str:
    """Render template `form` ("mau_01") of form set `legal_basis` ("tt03-2025") with `context` to a complete HTML page.

    Raises ValidationError (naming the form, and the missing keys in `fields`) when the form or legal basis is unknown
    (listing the available ones), a required key is missing, a nested value is missing or of the wrong kind (a naive
    datetime, a date where a time is shown), or the template is broken. Applicant text is HTML-escaped."""
    env, name = _lookup(form, legal_basis, templates_dir)
    label = f"{legal_basis}/{form}"
    missing = [key for key in sorted(_fields(env, name)) if key not in context]
    if missing:
        raise ValidationError(
            f"{label}: thiếu dữ liệu / missing context keys: {', '.join(missing)}",
            {key: "bắt buộc / required" for key in missing},
        )
    try:
        return env.get_template(name).render(dict(context))
    except jinja2.UndefinedError as exc:
        raise ValidationError(
            f"{label}: thiếu dữ liệu / missing value: {exc.message}{_where(exc.__traceback__)}", {form: str(exc)}
        )
    except jinja2.TemplateError as exc:
        raise ValidationError(f"{label}: mẫu lỗi / broken template: {exc}{_where(exc.__traceback__)}", {form: str(exc)})
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"{label}: dữ liệu sai kiểu / wrong value: {exc}{_where(exc.__traceback__)}", {form: str(exc)}
        )


def _folder(legal_basis: str, templates_dir: Path) -> Path:
    bases = available_legal_bases(templates_dir)
    if legal_basis not in bases:
        raise ValidationError(
            f"căn cứ pháp lý không có mẫu / unknown legal basis {legal_basis!r}; "
            f"available: {', '.join(bases) or '(none in ' + str(templates_dir) + ')'}",
            {"legal_basis": "unknown"},
        )
    return templates_dir / legal_basis


def _search_path(folder: Path) -> list[Path]:
    """The folders a set's templates are looked up in, in order: its own, then the common one when it exists."""
    common = folder.parent / COMMON_FOLDER
    return [folder, common] if common.is_dir() else [folder]


def _lookup(form: str, legal_basis: str, templates_dir: Path) -> tuple[jinja2.Environment, str]:
    forms = available_forms(legal_basis, templates_dir)
    if form not in forms:
        raise ValidationError(
            f"không có mẫu / unknown form {form!r} for {legal_basis}; available: {', '.join(forms) or '(none)'}",
            {"form": "unknown"},
        )
    return _environment(templates_dir.resolve() / legal_basis), f"{form}.html"


@lru_cache(maxsize=16)
def _environment(folder: Path) -> jinja2.Environment:
    # One environment per legal-basis folder, so that `{% extends "_base.html" %}` finds that folder's layout, and a
    # common template (`_common/`) extends the layout of the set it is printed in.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_search_path(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(_FILTERS)
    env.globals.update(_GLOBALS)
    return env


def _fields(env: jinja2.Environment, name: str) -> set[str]:
    """Undeclared top-level names of `name` and of every template it extends, includes or imports."""
    fields: set[str] = set()
    seen: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        assert env.loader is not None
        source, filename, _ = env.loader.get_source(env, current)
        try:
            ast = env.parse(source, current, filename)
        except jinja2.TemplateSyntaxError as exc:
            raise ValidationError(f"{current}: mẫu lỗi / broken template: {exc.message} (line {exc.lineno})")
        # Macros a child template imports (`{% from "_letters.html" import you %}`) look undeclared in its blocks.
        imported = {n if isinstance(n, str) else n[1] for node in ast.find_all(nodes.FromImport) for n in node.names}
        fields |= meta.find_undeclared_variables(ast) - imported
        pending.extend(ref for ref in meta.find_referenced_templates(ast) if ref is not None)
    return fields - set(env.globals)


def _where(tb: TracebackType | None) -> str:
    """' (mau_01.html line 12)': the innermost template frame, which jinja2 maps back to the template's lines."""
    where = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            where = f" ({Path(filename).name} line {tb.tb_lineno})"
        tb = tb.tb_next
    return where


# -- PDF and CSV ------------------------------------------------------------------------------------------------------


def render_pdf(html: str) -> bytes:
    """Typeset an HTML page from `render_html` to PDF bytes. The page size and margins come from the template's CSS
    `@page`; fonts are the system's (Times New Roman, else Liberation Serif 2, which covers Vietnamese): none are
    embedded in the repository, only subset into the PDF. Nothing is fetched: only `data:` URLs load, so a template
    can neither reach the network nor attach a local file to the PDF."""
    # Imported here: WeasyPrint loads Pango at import time, and HTML-only callers should not need it.
    from weasyprint import HTML, URLFetcher  # type: ignore[import-untyped]  # WeasyPrint ships no type information

    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
    if not isinstance(pdf, bytes):  # write_pdf returns the bytes when given no target
        raise TypeError(f"WeasyPrint returned {type(pdf).__name__}, not the PDF bytes")
    return pdf


def register_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """The register (Sổ theo dõi hồ sơ) as CSV text: a UTF-8 byte-order mark (write it encoded as UTF-8, so Excel
    reads the Vietnamese right), a header row in Vietnamese ("STT" then `REGISTER_COLUMNS`), one row per dossier.

    A row has the keys of `REGISTER_COLUMNS` plus "phone": `address` and `phone` share one column; the five dates are
    aware datetimes or None (not yet), written dd/mm/yyyy HH:MM in Vietnam time; `note` may be absent.
    Raises ValidationError for a missing key or a naive datetime, naming the row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["STT", *(header for _, header in REGISTER_COLUMNS)])
    for number, row in enumerate(rows, start=1):
        try:
            cells = [_register_cell(key, row) for key, _ in REGISTER_COLUMNS]
        except KeyError as exc:
            raise ValidationError(f"Sổ theo dõi hồ sơ, dòng {number}: thiếu / missing {exc}", {str(exc): "required"})
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"Sổ theo dõi hồ sơ, dòng {number}: {exc}")
        writer.writerow([number, *(_defuse(cell) for cell in cells)])
    return _BOM + out.getvalue()


def _register_cell(key: str, row: Mapping[str, Any]) -> str:
    if key in _REGISTER_DATES:
        return vn_stamp(row[key])
    if key == "address":
        return " - ĐT: ".join(part for part in (row["address"], row["phone"]) if part)
    if key == "note":
        return row.get("note") or ""
    return str(row[key])


def _defuse(cell: str) -> str:
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
