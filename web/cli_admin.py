"""`motcua token ...`: API tokens for systems (the portal, the postal service), from the command line.

Registered on the `main` group by web/cli.py; the services come from `web.cli_base`.
"""

import click

from engine.domain.dates import vn_stamp
from web.cli_base import services_of


def _vn(moment) -> str:
    return vn_stamp(moment) or "-"


@click.group("token")
def token():
    """Mã truy cập API cho các hệ thống khác."""


@token.command("create")
@click.argument("username")
@click.option("--name", required=True, help="Tên để nhận ra mã sau này, ví dụ 'Cổng dịch vụ công tỉnh'.")
@click.pass_context
def token_create(ctx, username, name):
    """Tạo mã truy cập thay mặt tài khoản USERNAME; mã chỉ in ra một lần."""
    value = services_of(ctx).accounts.create_token(username, name)
    click.echo(value)
    click.echo(
        f"Mã «{name.strip()}» thay mặt {username}. Lưu ngay: mã không xem lại được. "
        "Gửi trong tiêu đề 'Authorization: Bearer <mã>'.",
        err=True,
    )


@token.command("list")
@click.pass_context
def token_list(ctx):
    """Liệt kê các mã truy cập: số, tài khoản, tên, lúc tạo, lần dùng cuối, trạng thái."""
    tokens = services_of(ctx).accounts.tokens()
    if not tokens:
        click.echo("Chưa có mã truy cập nào.")
    for t in tokens:
        state = "đã thu hồi" if t.revoked else "còn hiệu lực"
        click.echo(
            f"{t.id:>4}  {t.username:<16} {t.name:<32} tạo {_vn(t.created_at)}  dùng {_vn(t.last_used_at)}  {state}"
        )


@token.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1))
@click.pass_context
def token_revoke(ctx, token_id):
    """Thu hồi mã truy cập số TOKEN_ID (xem `motcua token list`)."""
    services_of(ctx).accounts.revoke_token(token_id)
    click.echo(f"Đã thu hồi mã truy cập số {token_id}")
