"""`motcua outbox list|retry ID|discard ID`: the outbox from the command line (the page is /quan-tri/hop-thu-di);
`motcua portal reconcile`: what the portal holds compared with our dossiers, the differences sent again.

Registered on the `main` group by web/cli.py; the services come from `web.cli_base`.
"""

import click

from engine.domain.clock import VN_TZ
from engine.domain.dates import vn_stamp
from web.cli_base import Group, services_of

STATE_LABELS = {"pending": "đang chờ", "failed": "bị dừng", "sent": "đã gửi", "discarded": "đã bỏ"}


@click.group("outbox", cls=Group)
def outbox():
    """Hộp thư đi: tin nhắn gửi Cổng DVC, bưu chính và thông báo."""


@outbox.command("list")
@click.option(
    "--state", "state", default="failed", show_default=True, type=click.Choice(list(STATE_LABELS)), help="Trạng thái."
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1, max=1000))
@click.pass_context
def outbox_list(ctx, state, limit):
    """Số tin nhắn theo trạng thái và danh sách tin nhắn ở một trạng thái (mặc định: bị dừng)."""
    view = services_of(ctx).outbox.view(state, limit)
    click.echo("  ".join(f"{label}: {view.counts.get(s, 0)}" for s, label in STATE_LABELS.items()))
    for m in view.rows:
        when = vn_stamp(m.sent_at if state == "sent" else m.created_at)
        detail = f"  {m.last_error}" if m.last_error else ""
        click.echo(f"{m.id}\t{m.payload.get('code', '-')}\t{m.kind}\t{when}\t{m.attempts} lần{detail}")


@outbox.command("retry")
@click.argument("message_id", type=click.IntRange(min=1))
@click.option("--by", default="cli", help="Người thực hiện (ghi vào lịch sử).")
@click.pass_context
def outbox_retry(ctx, message_id, by):
    """Gửi lại một tin nhắn bị dừng (đếm lại số lần thử từ đầu)."""
    services_of(ctx).outbox.retry(message_id, by)
    click.echo(f"Đã đưa tin nhắn {message_id} vào hàng gửi lại.")


@outbox.command("discard")
@click.argument("message_id", type=click.IntRange(min=1))
@click.option("--reason", required=True, help="Lý do bỏ (ghi vào lịch sử hồ sơ).")
@click.option("--by", default="cli", help="Người thực hiện (ghi vào lịch sử).")
@click.pass_context
def outbox_discard(ctx, message_id, reason, by):
    """Bỏ một tin nhắn bị dừng: không gửi nữa, các tin nhắn sau nó của hồ sơ được gửi tiếp."""
    services_of(ctx).outbox.discard(message_id, reason, by)
    click.echo(f"Đã bỏ tin nhắn {message_id}.")


@click.group("portal", cls=Group)
def portal():
    """Cổng Dịch vụ công quốc gia."""


@portal.command("reconcile")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]), help="Hồ sơ tiếp nhận từ ngày này.")
@click.pass_context
def portal_reconcile(ctx, since):
    """So trạng thái cổng đang giữ với hồ sơ của Sở, gửi lại trạng thái của hồ sơ lệch; chạy lúc nào cũng được."""
    services = services_of(ctx)
    moment = since.replace(tzinfo=VN_TZ) if since else None
    found = services.portal_sync.reconcile(moment)
    sent = services.outbox.dispatch(max(50, len(found.resent) * 2)) if found.resent else 0
    for code, theirs, ours in found.resent:
        click.echo(f"{code}\tcổng: {theirs if theirs is not None else 'chưa có'}\tSở: {ours}")
    click.echo(
        f"Đã so {found.checked} hồ sơ: {found.in_sync} khớp, {len(found.resent)} lệch đã xếp gửi lại "
        f"({sent} tin đã gửi), {found.waiting} còn tin chờ gửi trong hộp thư đi."
    )
