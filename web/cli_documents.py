"""`motcua dossier form`, `motcua register export`, `motcua report late`: forms, the register and the monthly
late report as files.

Registered by web/cli.py (`form` on the `dossier` group, the other two groups on `main`). `web.cli` is imported inside
the commands, as in web/cli_dossier.py, so that the modules do not import each other while loading.
"""

import re
from datetime import date
from pathlib import Path

import click

from engine.domain.dates import vn_date, vn_stamp
from engine.services.documents import DOSSIER_FORM_NAMES
from engine.services.late_report import late_report_csv
from web.cli_base import services_of

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' không phải ngày dạng YYYY-MM-DD (ví dụ 2026-03-02)", param_hint=option)


def _write(path: str, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"không ghi được tệp {path}: {exc.strerror or exc}")


def _one_target(**targets: str | None) -> tuple[str, str]:
    given = [(name, path) for name, path in targets.items() if path]
    if len(given) != 1:
        names = " hoặc ".join(f"--{name}" for name in targets)
        raise click.UsageError(f"cho đúng một trong {names} (tệp sẽ ghi)")
    return given[0]


@click.command("form")
@click.argument("code")
@click.argument("form")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False), help="Ghi ra tệp PDF.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="Ghi ra tệp HTML.")
@click.pass_context
def dossier_form(ctx, code, form, pdf_file, html_file):
    """Lập biểu mẫu FORM của hồ sơ CODE, theo công dụng (receipt, supplement_request, reception_refusal, apology,
    stop_notice, control_slip, appraisal_refusal) hoặc số mẫu trong bộ mẫu của hồ sơ (mau_01 ...); không có
    --pdf/--html thì in HTML ra màn hình."""
    if form not in DOSSIER_FORM_NAMES:
        raise click.BadParameter(
            f"không có biểu mẫu '{form}' cho một hồ sơ; chọn một trong {', '.join(DOSSIER_FORM_NAMES)}",
            param_hint="FORM",
        )
    if pdf_file and html_file:
        raise click.UsageError("chỉ cho một trong --pdf hoặc --html")
    documents = services_of(ctx).documents
    if not pdf_file and not html_file:
        click.echo(documents.render(code, form, "html")[0])
        return
    content, _ = documents.render(code, form, "pdf" if pdf_file else "html")
    _write(pdf_file or html_file, content)
    click.echo(f"Đã ghi {form} của hồ sơ {code} vào {pdf_file or html_file}")


@click.group("register")
def register():
    """Sổ theo dõi hồ sơ."""


@register.command("export")
@click.option("--from", "received_from", required=True, help="Nhận từ ngày (YYYY-MM-DD).")
@click.option("--to", "received_to", required=True, help="Nhận đến hết ngày (YYYY-MM-DD).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False), help="Ghi ra tệp CSV (mở được bằng Excel).")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False), help="Ghi ra tệp PDF (A4 ngang).")
@click.pass_context
def register_export(ctx, received_from, received_to, csv_file, pdf_file):
    """Xuất sổ theo dõi các hồ sơ nhận trong khoảng ngày (giờ Việt Nam)."""
    start, end = _day(received_from, "--from"), _day(received_to, "--to")
    kind, path = _one_target(csv=csv_file, pdf=pdf_file)
    registers = services_of(ctx).registers
    rows = len(registers.register(start, end))
    _write(path, registers.register_csv(start, end) if kind == "csv" else registers.register_pdf(start, end))
    click.echo(f"Đã ghi sổ theo dõi {vn_date(start)} - {vn_date(end)} ({rows} hồ sơ) vào {path}")


@click.group("report")
def report():
    """Báo cáo."""


@report.command("late")
@click.option("--month", required=True, help="Tháng báo cáo, YYYY-MM (ví dụ 2026-03).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False), help="Ghi ra tệp CSV thay vì in ra màn hình.")
@click.pass_context
def report_late(ctx, month, csv_file):
    """Danh sách hồ sơ quá hạn trong tháng, kèm bước, công chức và bộ phận để chậm."""
    match = _MONTH.fullmatch(month.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise click.BadParameter(f"'{month}' không phải tháng dạng YYYY-MM (ví dụ 2026-03)", param_hint="--month")
    year, number = int(match[1]), int(match[2])
    lines = services_of(ctx).registers.late_report(year, number)
    if csv_file:
        _write(csv_file, late_report_csv(lines))
        click.echo(f"Đã ghi {len(lines)} hồ sơ quá hạn tháng {number:02d}/{year} vào {csv_file}")
        return
    if not lines:
        click.echo(f"Tháng {number:02d}/{year} không có hồ sơ quá hạn.")
    for line in lines:
        end = line.processing_end_at
        ended = f"xong {vn_stamp(end)}" if end else "chưa xong"
        who = ", ".join(f"{s.title} [{s.lane}{': ' + s.officer if s.officer else ''}]" for s in line.steps) or "-"
        click.echo(
            f"{line.code}  hạn {vn_stamp(line.due)}  {ended}  "
            f"quá {line.overdue_hours:g} giờ  {line.applicant}  bước chậm: {who}"
        )
