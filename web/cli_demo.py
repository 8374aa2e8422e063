"""`motcua demo-dossiers`: a few sample dossiers so that a new installation's pages are not empty.

Registered on the `main` group by web/cli.py. Idempotent: does nothing once the database holds any dossier.
"""

from datetime import timedelta

import click

from engine.domain.catalogue import Catalogue
from engine.domain.clock import FakeClock
from web.cli_base import services_of
from web.demo_history import build_history

CHANNEL_NAMES = {1: "counter", 2: "online", 3: "postal"}
# (procedure process, channel, result delivery, applicant): fictional applicants, one of each kind.
DEMO_DOSSIERS = [
    (
        "x_quang_y_te",
        1,
        "counter",
        {
            "type": 2,
            "name": "Công ty TNHH Thiết bị y tế Hồng Phúc",
            "id_number": "0109876543",
            "address": "Số 12 đường Lê Lợi, phường Hợp Giang",
            "phone": "0206 3850 111",
            "email": "hongphuc.yte@example.vn",
        },
    ),
    (
        "cong_bo_hop_quy",
        2,
        "online",
        {
            "type": 2,
            "name": "Công ty Cổ phần Cơ khí Bắc Sơn",
            "id_number": "4800234567",
            "address": "Khu công nghiệp Đề Thám, xã Đề Thám",
            "phone": "0206 3860 222",
            "email": "bacson.ck@example.vn",
        },
    ),
    (
        "dang_ky_ket_qua_nhiem_vu",
        3,
        "post",
        {
            "type": 3,
            "name": "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ",
            "id_number": "QHNS-1023456",
            "address": "Số 3 phố Xuân Trường, phường Thục Phán",
            "phone": "0206 3870 333",
            "email": "ungdung.khcn@example.vn",
        },
    ),
    (
        "dang_ky_to_chuc_khcn",
        2,
        "counter",
        {
            "type": 1,
            "name": "Nguyễn Văn Bình",
            "id_number": "004090001234",
            "address": "Tổ 5, phường Sông Bằng",
            "phone": "0912 345 678",
            "email": "nvbinh@example.vn",
        },
    ),
]


def _history(services, months: int, now) -> None:
    from web import create_app

    clock = FakeClock(now - timedelta(days=31 * months))
    app = create_app({"database_url": services.settings.database_url}, clock=clock)
    try:
        click.echo(f"Lịch sử {months} tháng (mất khoảng {months * 15} giây)...")
        summary = build_history(app.extensions["motcua"], clock, months, now)
    finally:
        app.extensions["motcua"].close()
    click.echo(
        f"  {summary.received} hồ sơ đã nhận, {summary.returned} đã trả kết quả, {summary.rated} đánh giá, "
        f"{summary.feedback} phản ánh, kiến nghị đã trả lời"
    )


def _procedure(catalogue: Catalogue, process: str):
    procedure = catalogue.by_process(process)
    if procedure is None:
        raise click.ClickException(f"danh mục thủ tục không có thủ tục nào chạy quy trình {process}")
    return procedure


@click.command("demo-dossiers")
@click.option(
    "--months",
    default=3,
    show_default=True,
    type=click.IntRange(0, 24),
    help="Số tháng lịch sử hồ sơ mẫu trước hôm nay.",
)
@click.pass_context
def demo_dossiers(ctx, months):
    """Tạo hồ sơ mẫu nếu cơ sở dữ liệu chưa có hồ sơ nào: lịch sử vài tháng (để trang chỉ số và báo cáo có số liệu)
    và vài hồ sơ đang chờ (tại quầy, trực tuyến, bưu chính)."""
    services = services_of(ctx)
    if services.dossiers.list(limit=1):
        click.echo("Đã có hồ sơ: không tạo hồ sơ mẫu.")
        return
    now = services.clock.now()
    if months:
        _history(services, months, now)
    for process, channel, delivery, applicant in DEMO_DOSSIERS:
        procedure = _procedure(services.dossiers.catalogue, process)
        if CHANNEL_NAMES[channel] not in procedure.channels:
            channel = next(number for number, name in CHANNEL_NAMES.items() if name == procedure.channels[0])
        if delivery == "post" and not procedure.result_by_post:
            delivery = "counter"
        documents = [{"name": d.name, "received": True, "digitised": False} for d in procedure.documents]
        handover = now - timedelta(hours=1) if channel == 3 else None
        view = services.reception.receive(
            procedure.code, applicant, channel, delivery, documents, "motcua", handover_at=handover
        )
        click.echo(f"  {view.code}  {procedure.name[:60]}  (kênh {channel})")
