"""`motcua report periodic` (the quarterly, six-monthly, yearly report as XLSX or PDF), `motcua indicators` (the QĐ 766
figures of a period; refreshing the history projections) and `motcua feedback` (PAKN received by e-mail, the list).

Registered by web/cli.py (`periodic` on the `report` group of web/cli_documents.py, the other groups on `main`)."""

from pathlib import Path

import click

from engine.domain.dates import vn_stamp
from engine.domain.report_periods import ReportPeriod
from engine.services.indicator_files import MEASURE_LABELS, percent
from engine.services.report_files import report_pdf, report_xlsx
from web.cli_base import Group, services_of
from web.cli_documents import _day, _one_target, _write


@click.command("periodic")
@click.option("--kind", type=click.Choice(["quarter", "half", "year"]), default="quarter", show_default=True)
@click.option("--number", type=int, default=1, show_default=True, help="Quý 1-4, 6 tháng 1-2; năm: 1.")
@click.option("--year", type=int, required=True)
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False))
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False))
@click.pass_context
def report_periodic(ctx, kind, number, year, xlsx_file, pdf_file):
    """Báo cáo tình hình, kết quả giải quyết TTHC theo kỳ (quý, 6 tháng, năm), ra tệp XLSX hoặc PDF."""
    try:
        period = ReportPeriod(kind, year, number)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--number")
    fmt, path = _one_target(xlsx=xlsx_file, pdf=pdf_file)
    services = services_of(ctx)
    report, settings = services.reports.build(period), services.settings
    if fmt == "xlsx":
        _write(path, report_xlsx(report, settings.agency_name))
    else:
        agency = {"parent": settings.agency_parent, "name": settings.agency_name}
        _write(path, report_pdf(report, agency, settings.agency_place, services.clock.now()))
    t = report.total
    click.echo(
        f"Đã ghi báo cáo {period.title} ({report.first_day:%d/%m/%Y} - {report.last_day:%d/%m/%Y}) vào {path}: "
        f"tiếp nhận {t.received}, đã giải quyết {t.resolved} (quá hạn {t.late}), đang giải quyết {t.in_progress}"
    )


@click.group("indicators", cls=Group)
def indicators():
    """Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)."""


@indicators.command("show")
@click.option("--from", "start", required=True, help="Từ ngày (YYYY-MM-DD).")
@click.option("--to", "end", required=True, help="Đến hết ngày (YYYY-MM-DD).")
@click.pass_context
def indicators_show(ctx, start, end):
    """In các chỉ số và điểm theo nhóm của một khoảng thời gian."""
    result = services_of(ctx).indicators.compute(_day(start, "--from"), _day(end, "--to"))
    for key, value in result.measures.items():
        shown = f"{value:.2f}" if key == "average_days" and value is not None else percent(value)
        click.echo(f"{MEASURE_LABELS.get(key, key)}: {shown}")
    for score in result.scores:
        click.echo(f"{score.name}: {score.points:g}/{score.maximum:g}")
    click.echo(f"Tổng: {result.score[0]:g} điểm trên {result.score[1]:g} điểm có dữ liệu (tối đa 100)")


@indicators.command("refresh")
@click.pass_context
def indicators_refresh(ctx):
    """Cập nhật số liệu chỉ số từ lịch sử hồ sơ (các trang và báo cáo tự làm việc này)."""
    click.echo(f"Đã đọc {services_of(ctx).indicators.projection.refresh()} sự kiện lịch sử mới.")


@click.group("feedback", cls=Group)
def feedback():
    """Phản ánh, kiến nghị (PAKN)."""


@feedback.command("receive")
@click.option("--channel", type=click.Choice(["email", "portal", "web"]), default="email", show_default=True)
@click.option("--kind", type=click.Choice(["rule", "handling"]), default="rule", show_default=True)
@click.option("--name", required=True)
@click.option("--contact", required=True, help="Thư điện tử hoặc số điện thoại để trả lời.")
@click.option("--subject", required=True)
@click.option("--content-file", required=True, type=click.Path(exists=True, dir_okay=False), help="Nội dung (UTF-8).")
@click.option("--dossier", "dossier_code", default="", help="Mã hồ sơ, nếu phản ánh về một hồ sơ.")
@click.option("--by", default="motcua", help="Người nhập (ghi vào lịch sử).")
@click.pass_context
def feedback_receive(ctx, channel, kind, name, contact, subject, content_file, dossier_code, by):
    """Nhận một phản ánh, kiến nghị (ví dụ gửi qua thư điện tử) và bắt đầu quy trình xử lý."""
    content = Path(content_file).read_text(encoding="utf-8")
    row = services_of(ctx).feedback.submit(kind, channel, name, contact, subject, content, dossier_code, by)
    click.echo(f"{row.code}  hạn trả lời {vn_stamp(row.due_at)}")


@feedback.command("list")
@click.pass_context
def feedback_list(ctx):
    """Các phản ánh, kiến nghị, mới nhất trước."""
    for row in services_of(ctx).feedback.all():
        state = "đã trả lời" if row.status == "published" else f"hạn {row.due_at:%d/%m/%Y}"
        click.echo(f"{row.code}  {row.channel:<6} {state:<16} {row.subject}")
