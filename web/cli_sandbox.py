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


@sandbox.command("portal")
@click.option("--port", default=8101, show_default=True, type=click.IntRange(min=0, max=65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--db", "db_path", default="instance/portal-sandbox.db", show_default=True, help="Tệp SQLite riêng.")
@click.option("--app-url", default="http://127.0.0.1:5000", show_default=True, help="Địa chỉ của motcua.")
def sandbox_portal(port, host, db_path, app_url):
    """Cổng Dịch vụ công thử nghiệm: nhận trạng thái, trang nộp hồ sơ, công tắc lỗi (khoá: MOTCUA_PORTAL_SECRET)."""
    settings = Settings.from_env(os.environ)
    if not settings.portal_secret:
        raise click.UsageError("đặt MOTCUA_PORTAL_SECRET (khoá bí mật dùng chung với motcua) trước khi chạy cổng thử")
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    load_object(PORTAL_SANDBOX)(port, db_path, settings.portal_secret, app_url, host)


@sandbox.command("postal")
@click.option("--port", default=8102, show_default=True, type=click.IntRange(min=0, max=65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--db", "db_path", default="instance/postal-sandbox.db", show_default=True, help="Tệp SQLite riêng.")
@click.option("--app-url", default="http://127.0.0.1:5000", show_default=True, help="Địa chỉ của motcua.")
def sandbox_postal(port, host, db_path, app_url):
    """Bưu chính công ích thử nghiệm: nhận đơn gửi kết quả, chuyển hồ sơ nhận tại nhà (khoá: MOTCUA_POSTAL_SECRET)."""
    settings = Settings.from_env(os.environ)
    if not settings.postal_secret:
        raise click.UsageError("đặt MOTCUA_POSTAL_SECRET (khoá bí mật dùng chung với motcua) trước khi chạy")
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    load_object(POSTAL_SANDBOX)(port, db_path, settings.postal_secret, app_url, host)


@sandbox.command("zalo")
@click.option("--port", default=8103, show_default=True, type=click.IntRange(min=0, max=65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--db", "db_path", default="instance/zalo-sandbox.db", show_default=True, help="Tệp SQLite riêng.")
def sandbox_zalo(port, host, db_path):
    """Zalo OA thử nghiệm: nhận tin nhắn gửi cán bộ, trang liệt kê tin, công tắc lỗi (mã: MOTCUA_ZALO_TOKEN)."""
    settings = Settings.from_env(os.environ)
    if not settings.zalo_token:
        raise click.UsageError("đặt MOTCUA_ZALO_TOKEN (mã truy cập OA dùng chung với motcua) trước khi chạy")
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    load_object(ZALO_SANDBOX)(port, db_path, settings.zalo_token, host)
