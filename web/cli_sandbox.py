"""`motcua sandbox portal|postal|zalo --port N`: the partners' sandboxes, beside the application for the demo and tests.

A sandbox is an adapter's (adapters/portal/sandbox.py, adapters/postal/sandbox.py, adapters/notify/zalo_sandbox.py),
loaded by its dotted path like every adapter: the web layer never imports adapters by name.
"""

import os
from pathlib import Path

import click

from engine.services.settings import Settings
from web import load_object
from web.cli_base import Group

PORTAL_SANDBOX = "adapters.portal.sandbox:serve"
POSTAL_SANDBOX = "adapters.postal.sandbox:serve"
ZALO_SANDBOX = "adapters.notify.zalo_sandbox:serve"


@click.group("sandbox", cls=Group)
def sandbox():
    """Hệ thống thử nghiệm của các đối tác (Cổng DVC quốc gia, bưu chính, Zalo OA)."""


def _options(port: int, db_path: str, app_url: bool = True):
    """The options every sandbox command takes: its port, host and SQLite file, and the application's URL."""
    options = [
        click.option("--port", default=port, show_default=True, type=click.IntRange(min=0, max=65535)),
        click.option("--host", default="127.0.0.1", show_default=True),
        click.option("--db", "db_path", default=db_path, show_default=True, help="Tệp SQLite riêng."),
    ]
    if app_url:
        options.append(
            click.option("--app-url", default="http://127.0.0.1:5000", show_default=True, help="Địa chỉ của motcua.")
        )

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _run(sandbox_path: str, secret: str, missing: str, port: int, db_path: str, *args) -> None:
    """Run the sandbox at `sandbox_path` with its key (`missing` says which to set when it is empty)."""
    if not secret:
        raise click.UsageError(missing)
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    load_object(sandbox_path)(port, db_path, secret, *args)


@sandbox.command("portal")
@_options(8101, "instance/portal-sandbox.db")
def sandbox_portal(port, host, db_path, app_url):
    """Cổng Dịch vụ công thử nghiệm: nhận trạng thái, trang nộp hồ sơ, công tắc lỗi (khoá: MOTCUA_PORTAL_SECRET)."""
    secret = Settings.from_env(os.environ).portal_secret
    missing = "đặt MOTCUA_PORTAL_SECRET (khoá bí mật dùng chung với motcua) trước khi chạy cổng thử"
    _run(PORTAL_SANDBOX, secret, missing, port, db_path, app_url, host)


@sandbox.command("postal")
@_options(8102, "instance/postal-sandbox.db")
def sandbox_postal(port, host, db_path, app_url):
    """Bưu chính công ích thử nghiệm: nhận đơn gửi kết quả, chuyển hồ sơ nhận tại nhà (khoá: MOTCUA_POSTAL_SECRET)."""
    secret = Settings.from_env(os.environ).postal_secret
    missing = "đặt MOTCUA_POSTAL_SECRET (khoá bí mật dùng chung với motcua) trước khi chạy"
    _run(POSTAL_SANDBOX, secret, missing, port, db_path, app_url, host)


@sandbox.command("zalo")
@_options(8103, "instance/zalo-sandbox.db", app_url=False)
def sandbox_zalo(port, host, db_path):
    """Zalo OA thử nghiệm: nhận tin nhắn gửi cán bộ, trang liệt kê tin, công tắc lỗi (mã: MOTCUA_ZALO_TOKEN)."""
    token = Settings.from_env(os.environ).zalo_token
    missing = "đặt MOTCUA_ZALO_TOKEN (mã truy cập OA dùng chung với motcua) trước khi chạy"
    _run(ZALO_SANDBOX, token, missing, port, db_path, host)
