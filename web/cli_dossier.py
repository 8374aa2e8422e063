"""`motcua dossier ...`: receive, list and show dossiers, complete their tasks, from the command line.

Registered on the `main` group by web/cli.py; the services come from `web.cli_base`.
"""

import json
import sys
from datetime import date, datetime
from pathlib import Path

import click

from engine.domain.dates import vn_stamp
from engine.domain.deadlines import parse_moment
from engine.domain.errors import ValidationError
from engine.domain.portal import APPLICANT_TYPES, CHANNEL_LABELS, DELIVERY_LABELS, status_label
from web.cli_base import services_of


def vn(moment: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time, as on Mẫu 01; "-" for no moment."""
    return vn_stamp(moment) or "-"


class _DossierGroup(click.Group):
    """Prints a validation error one field a line (the officer fixes them all at once) and exits 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ValidationError as exc:
            if not exc.fields:
                raise
            click.echo("LỖI: " + str(exc).split(":", 1)[0] + ":", err=True)
            for field, problem in exc.fields.items():
                click.echo(f"  - {field}: {problem}", err=True)
            sys.exit(1)


@click.group(cls=_DossierGroup)
def dossier():
    """Hồ sơ: tiếp nhận, tra cứu, xử lý."""


def _moment(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_moment(value)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' không phải thời điểm ISO 8601 (ví dụ 2026-02-27T10:00+07:00)", param_hint=option
        )


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' không phải ngày dạng YYYY-MM-DD (ví dụ 2026-03-02)", param_hint=option)


@dossier.command("receive")
@click.option("--procedure", required=True, help="Mã thủ tục, ví dụ 1.000047.000.00.00.H56.")
@click.option("--name", help="Họ tên người nộp hoặc tên tổ chức.")
@click.option("--id-number", help="Số CCCD, hộ chiếu hoặc mã số doanh nghiệp.")
@click.option("--address")
@click.option("--phone")
@click.option("--email")
@click.option(
    "--type",
    "kind",
    default=1,
    show_default=True,
    type=int,
    help="1 công dân, 2 doanh nghiệp, 3 cơ quan nhà nước, 4 khác.",
)
@click.option("--channel", default=1, show_default=True, type=int, help="1 trực tiếp, 2 trực tuyến, 3 bưu chính.")
@click.option("--delivery", default="counter", show_default=True, help="Nơi trả kết quả: counter, post, online.")
@click.option("--document", "documents", multiple=True, help="Tên một giấy tờ đã nhận (lặp lại cho mỗi giấy tờ).")
@click.option("--all-documents", is_flag=True, help="Đã nhận mọi giấy tờ trong thành phần hồ sơ.")
@click.option("--digitised", multiple=True, help="Tên một giấy tờ đã số hoá (lặp lại).")
@click.option("--all-digitised", is_flag=True, help="Mọi giấy tờ đã nhận đều đã số hoá.")
@click.option("--handover", help="Hồ sơ bưu chính: thời điểm ký biên bản giao nhận, ISO 8601.")
@click.option(
    "--confirm-handover",
    is_flag=True,
    help="Xác nhận thời điểm bàn giao đã lâu (quá MOTCUA_HANDOVER_CONFIRM_DAYS ngày).",
)
@click.option("--fee-paid", is_flag=True, help="Người nộp đã nộp phí, lệ phí.")
@click.option("--by", default="cli", show_default=True, help="Công chức tiếp nhận.")
@click.pass_context
def receive(
    ctx,
    procedure,
    name,
    id_number,
    address,
    phone,
    email,
    kind,
    channel,
    delivery,
    documents,
    all_documents,
    digitised,
    all_digitised,
    handover,
    confirm_handover,
    fee_paid,
    by,
):
    """Tiếp nhận một hồ sơ đủ thành phần; in mã hồ sơ và ngày hẹn trả."""
    services = services_of(ctx)
    names = list(documents)
    if all_documents:
        found = services.dossiers.catalogue.get(procedure)
        names += [d.name for d in found.documents] if found else []
    unique = list(dict.fromkeys(names))
    folded = {" ".join(d.split()).casefold() for d in digitised}
    items = [
        {"name": n, "received": True, "digitised": all_digitised or " ".join(n.split()).casefold() in folded}
        for n in unique
    ]
    applicant = {"type": kind, "name": name, "id_number": id_number, "address": address, "phone": phone}
    if email:
        applicant["email"] = email
    view = services.reception.receive(
        procedure,
        applicant,
        channel,
        delivery,
        items,
        by,
        handover_at=_moment(handover, "--handover"),
        fee_paid=fee_paid,
        handover_confirmed=confirm_handover,
    )
    click.echo(f"Đã tiếp nhận hồ sơ {view.code}")
    click.echo(f"Bắt đầu tính thời hạn: {vn(view.clock_start)}")
    click.echo(f"Hẹn trả kết quả: {vn(view.appointment)}")


@dossier.command("list")
@click.option("--status", type=click.IntRange(1, 10), help="Trạng thái (1-10), ví dụ 2: được tiếp nhận.")
@click.option("--procedure", help="Mã thủ tục.")
@click.option("--from", "received_from", help="Nhận từ ngày (YYYY-MM-DD).")
@click.option("--to", "received_to", help="Nhận đến hết ngày (YYYY-MM-DD).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500))
@click.option("--offset", default=0, type=click.IntRange(0))
@click.pass_context
def list_dossiers(ctx, status, procedure, received_from, received_to, limit, offset):
    """Liệt kê hồ sơ, mới nhận trước."""
    rows = services_of(ctx).dossiers.list(
        status=status,
        procedure_code=procedure,
        received_from=_day(received_from, "--from"),
        received_to=_day(received_to, "--to"),
        limit=limit,
        offset=offset,
    )
    if not rows:
        click.echo("Không có hồ sơ nào.")
    for row in rows:
        click.echo(
            f"{row.code}  {row.status:>2} {row.status_label:<24}  nhận {vn(row.received_at)}  "
            f"hẹn {vn(row.appointment)}  {row.applicant.get('name', '')}"
        )


@dossier.command("show")
@click.argument("code")
@click.pass_context
def show(ctx, code):
    """Thông tin một hồ sơ, trạng thái và các việc đang chờ xử lý."""
    view = services_of(ctx).dossiers.get(code)
    person = view.applicant
    click.echo(f"Mã hồ sơ: {view.code}")
    click.echo(f"Thủ tục: {view.procedure_code} {view.procedure_name}".rstrip())
    click.echo(f"Người nộp: {person.get('name')} ({APPLICANT_TYPES.get(person.get('type'), '-')})")
    click.echo(f"  Số giấy tờ: {person.get('id_number')}; địa chỉ: {person.get('address')}")
    contact = person.get("phone", "") + (f"; thư điện tử: {person['email']}" if person.get("email") else "")
    click.echo(f"  Điện thoại: {contact}")
    click.echo(f"Kênh nộp: {view.channel} {CHANNEL_LABELS.get(view.channel, '')}")
    click.echo(f"Trả kết quả: {DELIVERY_LABELS.get(view.result_delivery, view.result_delivery)}")
    click.echo(f"Tiếp nhận: {vn(view.received_at)} bởi {view.received_by}")
    click.echo(f"Bắt đầu tính thời hạn: {vn(view.clock_start)}")
    moved = f" (hẹn ban đầu {vn(view.original_appointment)})" if view.appointment != view.original_appointment else ""
    click.echo(f"Hẹn trả kết quả: {vn(view.appointment)}{moved}")
    click.echo(f"Trạng thái: {view.status} {status_label(view.status)} (từ {vn(view.status_changed_at)})")
    fee = f"{view.fee:,}".replace(",", ".")
    click.echo(f"Phí, lệ phí: {fee} đồng ({'đã nộp' if view.fee_paid else 'chưa nộp'})")
    click.echo("Thành phần hồ sơ:")
    for item in view.documents:
        tick = "x" if item.get("received") else " "
        scanned = ", đã số hoá" if item.get("digitised") else ""
        optional = "" if item.get("required") else ", không bắt buộc"
        click.echo(
            f"  [{tick}] {item['name']} ({item['originals']} bản chính, {item['copies']} bản sao{optional}{scanned})"
        )
    files = services_of(ctx).files.files(code)
    click.echo("Tệp đã nhận:" if files else "Tệp đã nhận: không có")
    for f in files:
        click.echo(
            f"  #{f.id} {f.filename} ({f.document}; {f.media_type}, {_size(f.size)}, "
            f"SHA-256 {f.sha256}) {vn(f.uploaded_at)} bởi {f.uploaded_by}"
        )
    if not view.tasks:
        click.echo("Việc đang chờ: không có")
        return
    click.echo("Việc đang chờ:")
    for task in view.tasks:
        who = f", {task.assignee} đã nhận" if task.assignee else ""
        click.echo(f"  {task.task_id}  {task.title}  [{task.lane or '-'}{who}]  hạn {vn(task.due_at)}")


@dossier.command("complete")
@click.argument("task_id")
@click.option("--data", default="{}", help='Dữ liệu biểu mẫu, JSON, ví dụ {"reception_result": "accept"}.')
@click.option("--by", default="cli", show_default=True, help="Người hoàn thành việc.")
@click.pass_context
def complete(ctx, task_id, data, by):
    """Hoàn thành một việc đang chờ (TASK_ID in bởi `motcua dossier show`)."""
    try:
        values = json.loads(data)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"không phải JSON hợp lệ ({exc.msg}, ký tự {exc.pos})", param_hint="--data")
    if not isinstance(values, dict):
        raise click.BadParameter('cần một đối tượng JSON, ví dụ {"approved": true}', param_hint="--data")
    services_of(ctx).instances.complete(task_id, values, by)
    click.echo(f"Đã hoàn thành việc {task_id}")


def _size(size: int) -> str:
    return f"{size:,} byte".replace(",", ".")


_MEDIA_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dossier.command("attach")
@click.argument("code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--document", required=True, help="Tên giấy tờ trong thành phần hồ sơ mà tệp là bản số hoá.")
@click.option("--media-type", help="Loại tệp (application/pdf, image/jpeg, image/png); mặc định theo đuôi tệp.")
@click.option("--by", default="cli", show_default=True, help="Người tải tệp lên.")
@click.pass_context
def attach(ctx, code, file, document, media_type, by):
    """Lưu tệp FILE (bản số hoá một giấy tờ) vào hồ sơ CODE; in kích thước và mã băm SHA-256."""
    kind = media_type or _MEDIA_TYPES.get(file.suffix.lower(), "application/octet-stream")
    view = services_of(ctx).files.attach(code, document, file.name, file.read_bytes(), kind, by)
    click.echo(f"Đã lưu tệp {view.filename} (#{view.id}) cho giấy tờ '{view.document}' của hồ sơ {view.dossier_code}")
    click.echo(f"Kích thước: {_size(view.size)}")
    click.echo(f"SHA-256: {view.sha256}")
