"""The `motcua` command line. Every command builds the application through `create_app`."""

import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from engine.domain.clock import VN_TZ
from engine.domain.deadlines import parse_moment
from engine.services.accounts import DEMO_ACCOUNTS, DEMO_DIVISION_ACCOUNTS, DEMO_PASSWORD, ROLES
from engine.services.deploy import read_files
from web.cli_admin import token
from web.cli_base import Group, services_of
from web.cli_demo import demo_dossiers
from web.cli_documents import dossier_form, register, report
from web.cli_dossier import dossier
from web.cli_outbox import outbox, portal
from web.cli_reports import feedback, indicators, report_periodic
from web.cli_sandbox import sandbox

DAY_KIND_LABELS = {"off": "nghỉ", "work": "làm bù"}


@click.group(cls=Group)
def main():
    """motcua: quy trình một cửa của Sở Khoa học và Công nghệ."""


@main.group(cls=Group)
def db():
    """Cơ sở dữ liệu."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx):
    """Tạo hoặc nâng cấp lược đồ cơ sở dữ liệu."""
    services = services_of(ctx)
    click.echo(f"Cơ sở dữ liệu ở phiên bản lược đồ mới nhất ({services.schema_revision()}).")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.pass_context
def check(ctx, files):
    """Kiểm tra các tệp BPMN mà không triển khai: đọc được, mọi biểu thức, thời hạn các bước cộng lại bằng thời hạn
    giải quyết, công việc nằm trong làn có vai trò, biểu mẫu có thật, cổng rẽ nhánh có luồng mặc định."""
    for info in services_of(ctx).designer.check_files(read_files(list(files))):
        click.echo(f"OK  {info.process_id}  «{info.name}»  {info.version_hash[:12]}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--by", default="cli", help="Người triển khai (ghi vào lịch sử).")
@click.pass_context
def deploy(ctx, files, by):
    """Triển khai các tệp BPMN (thư mục: mọi tệp *.bpmn trong đó)."""
    for info in services_of(ctx).deploy.deploy(read_files(list(files)), by):
        state = "mới" if info.created else "không đổi"
        click.echo(f"{info.process_id}  v{info.number}  {info.version_hash[:12]}  ({state})  «{info.name}»")


@main.command("import-steps")
@click.argument("table", type=click.Path(exists=True, dir_okay=False))
@click.option("--procedure", "code", required=True, help="Mã thủ tục trong danh mục, ví dụ 1.004454.000.00.00.H56.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Tệp BPMN sẽ ghi.")
@click.option("--map", "mapping", multiple=True, help='Sửa ánh xạ đơn vị: "Tên đơn vị=Làn" (lặp lại được).')
@click.pass_context
def import_steps(ctx, table, code, output, mapping):
    """Tạo BPMN từ bảng quy trình nội bộ đã phê duyệt (CSV hoặc XLSX: Bước, Nội dung công việc, Trách nhiệm thực
    hiện, Thời gian thực hiện). Dòng không đọc được được liệt kê kèm số dòng; khi đó không ghi tệp."""
    overrides = {}
    for item in mapping:
        actor, sep, lane = item.partition("=")
        if not sep or not actor.strip() or not lane.strip():
            raise click.BadParameter(f"'{item}': viết 'Tên đơn vị=Làn'", param_hint="--map")
        overrides[actor.strip()] = lane.strip()
    path = Path(table)
    result = services_of(ctx).step_import.build(path.name, path.read_bytes(), code, overrides)
    if result.table.problems:
        for problem in result.table.problems:
            where = f"dòng {problem.row}" if problem.row else "bảng"
            click.echo(f"LỖI {path.name}, {where}: {problem.message}", err=True)
        sys.exit(1)
    Path(output).write_text(result.xml, "utf-8")
    lanes = ", ".join(dict.fromkeys(step.lane for step in result.table.steps))
    click.echo(f"Đã ghi {output}: {len(result.table.steps)} bước; làn: {lanes}")
    for problem in result.problems:
        click.echo(f"KIỂM TRA {result.file_name}: phần tử '{problem.element or '-'}': {problem.message}", err=True)
    if result.problems:
        sys.exit(1)


@main.command()
@click.option("--process", "process_id", required=True, help="Mã quy trình BPMN, ví dụ x_quang_y_te.")
@click.option("--from", "number_from", required=True, type=int, help="Phiên bản hồ sơ đang chạy.")
@click.option("--to", "number_to", required=True, type=int, help="Phiên bản chuyển sang.")
@click.option("--dry-run", is_flag=True, help="Chỉ cho biết hồ sơ nào chuyển được, không chuyển.")
@click.option("--by", default="cli", help="Người chuyển (ghi vào lịch sử hồ sơ).")
@click.pass_context
def migrate(ctx, process_id, number_from, number_to, dry_run, by):
    """Chuyển các hồ sơ đang giải quyết của một phiên bản sang phiên bản khác; hồ sơ không chuyển an toàn được thì ở
    lại, kèm lý do. Mỗi hồ sơ là một giao dịch, ghi vào lịch sử với cả hai phiên bản."""
    designer = services_of(ctx).designer
    _target, checks = designer.migration_checks(process_id, number_to)
    codes = [c.code for c in checks if c.number == number_from]
    results = designer.migrate(process_id, codes, number_to, by, dry_run=dry_run) if codes else []
    for result in results:
        verdict = ("chuyển được" if dry_run else "đã chuyển") if result.safe else "ở lại"
        click.echo(f"{result.code}  v{result.number} -> v{number_to}  {verdict}  {'; '.join(result.reasons)}".rstrip())
    moved = sum(r.safe for r in results)
    click.echo(f"{moved}/{len(results)} hồ sơ {'chuyển được' if dry_run else 'đã chuyển'} sang phiên bản {number_to}")


@main.group(cls=Group)
def scenario():
    """Kịch bản thử quy trình với đồng hồ ảo (tệp YAML cạnh tệp BPMN)."""


@scenario.command("run")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def scenario_run(files):
    """Chạy các kịch bản trên một cơ sở dữ liệu tạm; mã thoát khác 0 khi có bước sai."""
    import os

    from engine.services.scenarios import run_scenario
    from engine.services.settings import Settings

    settings = Settings.from_env(os.environ)
    failed = 0
    for file in files:
        result = run_scenario(Path(file), settings)
        click.echo(f"{'ĐẠT' if result.ok else 'SAI'}  {file}  «{result.name}»")
        for step in result.steps:
            mark = "  ✓" if step.ok else "  ✗"
            click.echo(f"{mark} bước {step.number} ({step.kind}): {step.message}", err=not step.ok)
        failed += not result.ok
    if failed:
        click.echo(f"{failed} kịch bản sai", err=True)
        sys.exit(1)


@main.command()
@click.argument("code", required=False)
@click.option("--all", "every", is_flag=True, help="Kiểm tra mọi hồ sơ.")
@click.option("--procedure", default=None, help="Chỉ các hồ sơ của thủ tục này (với --all).")
@click.option("--since", default=None, help="Chỉ các hồ sơ bắt đầu từ ngày này, YYYY-MM-DD (với --all).")
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    type=click.Path(exists=True),
    help="Đối chiếu với bản neo (mặc định: bản mới nhất).",
)
@click.option("--no-replay", is_flag=True, help="Không chạy lại lịch sử (chỉ kiểm tra chuỗi và các dòng dữ liệu).")
@click.option("--file", "export", default=None, type=click.Path(exists=True), help="Kiểm tra một tệp xuất lịch sử.")
@click.pass_context
def verify(ctx, code, every, procedure, since, anchors, no_replay, export):
    """Kiểm tra lịch sử của một hồ sơ (hoặc --all): chuỗi băm, mã xác thực, trạng thái và các dòng dữ liệu, rồi chạy
    lại các bước đã ghi trên phiên bản quy trình đã ghi với đồng hồ ảo và so sánh từng bước."""
    services = services_of(ctx)
    anchor_paths = [Path(a) for a in anchors] if anchors else None  # None: the latest anchor written here
    if export:
        if code or every:
            raise click.UsageError("--file không đi cùng mã hồ sơ hay --all")
        failed = 0
        for document in services.audit.read_export(Path(export)):
            report, sources = services.audit.verify_document(document, anchor_paths or ())
            replayed = (
                None if no_replay or "process" not in document else services.replay.replay_document(document, sources)
            )
            show_report(report, replayed)
            failed += not report.intact or (replayed is not None and not replayed.verified)
        sys.exit(2 if failed else 0)
    if every == bool(code):
        raise click.UsageError("Cho một mã hồ sơ, hoặc --all")
    if not every:
        report = services.audit.verify(code, anchor_paths)
        replayed = None if no_replay else services.replay.replay(code)
        show_report(report, replayed)
        sys.exit(0 if report.intact and (replayed is None or replayed.verified) else 2)
    start = _day_bound(since, "--since")
    counts = {"intact": 0, "tampered": 0, "verified": 0, "diverged": 0, "unreplayable": 0}
    why: dict[str, int] = {}

    def progress(summary):
        click.echo(f"... {summary.checked} hồ sơ đã kiểm tra ({counts['tampered'] + counts['diverged']} lỗi)", err=True)

    for report in services.audit.verify_all(procedure, start, anchor_paths, progress):
        counts["intact" if report.intact else "tampered"] += 1
        replayed = None if no_replay else services.replay.replay(report.code)
        if replayed is not None:
            counts[replayed.outcome] += 1
            if replayed.outcome == "unreplayable":
                reason = replayed.problem.split(": ", 1)[-1]
                why[reason] = why.get(reason, 0) + 1
        if not report.intact or (replayed is not None and replayed.outcome == "diverged"):
            show_report(report, replayed)
    total = counts["intact"] + counts["tampered"]
    click.echo(f"Tổng: {total} hồ sơ; chuỗi và dữ liệu: {counts['intact']} toàn vẹn, {counts['tampered']} bị thay đổi")
    if not no_replay:
        click.echo(
            f"Chạy lại: {counts['verified']} khớp, {counts['diverged']} lệch, "
            f"{counts['unreplayable']} không chạy lại được"
        )
        for reason, n in sorted(why.items(), key=lambda item: -item[1]):
            click.echo(f"  {n} hồ sơ: {reason}")
    sys.exit(2 if counts["tampered"] or counts["diverged"] else 0)


def show_report(report, replayed=None) -> None:
    if report.intact:
        click.echo(f"{report.code}: toàn vẹn ({report.events} sự kiện)")
    else:
        click.echo(f"{report.code}: BỊ THAY ĐỔI: {report.problem}", err=True)
        for finding in report.findings[1:]:
            click.echo(f"{report.code}:   và: {finding.message}", err=True)
    if replayed is None:
        return
    if replayed.verified:
        click.echo(f"{report.code}: chạy lại khớp ({replayed.steps} bước)")
    elif replayed.outcome == "diverged":
        click.echo(f"{report.code}: CHẠY LẠI LỆCH tại {replayed.problem}", err=True)
    else:
        click.echo(f"{report.code}: không chạy lại được: {replayed.problem}", err=True)


@main.command("export-history")
@click.argument("code", required=False)
@click.option("--since", default=None, help="Các hồ sơ bắt đầu từ ngày này, YYYY-MM-DD (khi không cho mã).")
@click.option("--until", default=None, help="... đến hết ngày này, YYYY-MM-DD.")
@click.option("--format", "fmt", default="json", type=click.Choice(["json", "csv"]), show_default=True)
@click.option("--out", required=True, type=click.Path(), help="Tệp ghi ra.")
@click.pass_context
def export_history(ctx, code, since, until, fmt, out):
    """Xuất lịch sử của một hồ sơ (hoặc các hồ sơ trong khoảng ngày) kèm các mã băm, để kiểm tra lại bằng
    `motcua verify --file`."""
    audit = services_of(ctx).audit
    if fmt == "csv":
        if not code:
            raise click.UsageError("Xuất CSV cho từng hồ sơ: cho mã hồ sơ")
        Path(out).write_text(audit.export_csv(code), encoding="utf-8")
        click.echo(f"Đã xuất lịch sử {code} vào {out}")
        return
    if code:
        documents = [audit.export(code)]
    else:
        start, end = _day_bound(since, "--since"), _day_bound(until, "--until", 1)
        documents = list(audit.export_range(start, end))
    body = documents[0] if code else {"format": "motcua-history-set-1", "dossiers": documents}
    Path(out).write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    click.echo(f"Đã xuất lịch sử {len(documents)} hồ sơ vào {out}")


def _day_bound(text, option: str, days: int = 0):
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), VN_TZ) + timedelta(days=days)
    except ValueError:
        raise click.BadParameter("ngày dạng YYYY-MM-DD", param_hint=option) from None


@main.command()
@click.pass_context
def seal(ctx):
    """Niêm phong (ký bằng khoá) đầu chuỗi của các lịch sử ghi trước khi có khoá: chạy một lần khi nâng cấp."""
    sealed, broken = services_of(ctx).audit.seal_unsealed()
    click.echo(f"Đã niêm phong {sealed} lịch sử")
    for code in broken:
        click.echo(f"{code}: chuỗi băm đã hỏng, không niêm phong", err=True)
    sys.exit(2 if broken else 0)


@main.command()
@click.option("--out", default=None, type=click.Path(), help="Tệp ghi bản neo (mặc định: thư mục anchor_dir).")
@click.pass_context
def anchor(ctx, out):
    """Neo đầu chuỗi lịch sử của mọi hồ sơ: ghi bản tóm tắt có chữ ký ra ngoài cơ sở dữ liệu (chạy hằng ngày)."""
    path, written = services_of(ctx).audit.anchor(Path(out) if out else None)
    click.echo(f"Đã neo {len(written.heads)} hồ sơ vào {path} (tóm tắt {written.digest[:16]})")


@main.command()
@click.option("--once", is_flag=True, help="Chạy một lượt rồi dừng.")
@click.option("--batch", default=None, type=click.IntRange(1, 10000))
@click.option("--interval", default=None, type=click.FloatRange(0.05, 3600))
@click.pass_context
def worker(ctx, once, batch, interval):
    """Bộ hẹn giờ: kích hoạt các mốc thời gian đến hạn và gửi thông báo."""
    import logging
    import threading

    from web.worker import configure_logging, run_forever, run_once, worker_id

    configure_logging()
    services = services_of(ctx)
    batch = batch or services.settings.worker_batch
    if once:
        fired, sent = run_once(services, worker_id(), batch)
        click.echo(f"{fired} mốc thời gian đã kích hoạt, {sent} thông báo đã gửi")
        return
    stop = threading.Event()
    interval = interval or services.settings.worker_interval
    logging.getLogger("motcua.worker").info(
        "worker %s started: every %.1f s, batches of %d, leases of %g s",
        worker_id(),
        interval,
        batch,
        services.settings.worker_lease,
    )
    try:
        run_forever(services, stop, batch, interval)
    except KeyboardInterrupt:
        stop.set()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Không chạy bộ hẹn giờ trong tiến trình web.")
@click.pass_context
def serve(ctx, host, port, threads, no_worker):
    """Chạy ứng dụng web (gunicorn) cùng bộ hẹn giờ trong tiến trình."""
    from web.serve import serve as run_server
    from web.worker import configure_logging

    configure_logging()
    services = services_of(ctx)
    run_server(ctx.obj["app"], services, host, port, threads, worker=not no_worker)


@main.command("demo-users")
@click.pass_context
def demo_users(ctx):
    """Tạo một tài khoản mẫu cho mỗi vai trò (và chuyên viên, lãnh đạo của mỗi phòng giải quyết) và in ra."""
    accounts = services_of(ctx).accounts
    click.echo(f"Tài khoản mẫu (mật khẩu: {DEMO_PASSWORD}):")
    for username, full_name, role, division in DEMO_ACCOUNTS + DEMO_DIVISION_ACCOUNTS:
        accounts.create(username, full_name, role, division, DEMO_PASSWORD, exist_ok=True)
        click.echo(f"  {username:<15} {ROLES[role]:<28} {full_name} ({division})")


# --- calendar ---------------------------------------------------------------------------------------------------
@main.group(cls=Group)
def calendar():
    """Lịch làm việc: ngày nghỉ, ngày làm bù, tính hạn."""


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' không phải ngày dạng YYYY-MM-DD (ví dụ 2026-01-02)")


@calendar.command("due")
@click.option("--from", "start", required=True, help="Thời điểm bắt đầu, ISO 8601 (ví dụ 2026-02-13T16:55+07:00).")
@click.option("--working-days", type=float)
@click.option("--working-hours", type=float)
@click.option("--days", type=int, help="Ngày theo lịch (Bộ luật Dân sự, Điều 147-148).")
@click.option("--before", is_flag=True, help="Tính lùi thay vì tính tới.")
@click.pass_context
def calendar_due(ctx, start, working_days, working_hours, days, before):
    """In hạn tính theo lịch làm việc, ISO 8601 với múi giờ +07:00."""
    given = [(v, u) for v, u in ((working_days, "wd"), (working_hours, "wh"), (days, "d")) if v is not None]
    if len(given) != 1:
        raise click.UsageError("cho đúng một trong --working-days, --working-hours, --days")
    if given[0][0] < 0:
        raise click.BadParameter("số lượng phải không âm; dùng --before để tính lùi")
    try:
        moment = parse_moment(start)
    except ValueError:
        raise click.BadParameter(f"'{start}' không phải thời điểm ISO 8601 (ví dụ 2026-02-13T16:55:00+07:00)")
    try:
        result = services_of(ctx).calendars.current().add(moment, given[0][0], given[0][1], before=before)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    click.echo(result.astimezone(VN_TZ).isoformat())


@calendar.command("is-working-day")
@click.argument("day")
@click.pass_context
def calendar_is_working_day(ctx, day):
    """In yes nếu DAY (YYYY-MM-DD) là ngày làm việc, no nếu không."""
    click.echo("yes" if services_of(ctx).calendars.current().is_working_day(_parse_day(day)) else "no")


@calendar.command("show")
@click.argument("year", type=click.IntRange(1990, 2100))
@click.pass_context
def calendar_show(ctx, year):
    """Liệt kê ngày nghỉ (trong tuần) và ngày làm bù của một năm, kèm nguồn."""
    for day, kind, reason, source in services_of(ctx).calendars.current().year_exceptions(year):
        click.echo(f"{day.isoformat()}  {day.strftime('%a')}  {DAY_KIND_LABELS[kind]:<9} {reason}  [{source}]")


@calendar.group("override", cls=Group)
def calendar_override():
    """Ngày nghỉ hoặc làm bù do quản trị viên khai báo."""


@calendar_override.command("add")
@click.argument("day")
@click.option("--off", "kind", flag_value="off", help="Ngày nghỉ.")
@click.option("--work", "kind", flag_value="work", help="Ngày làm việc (làm bù).")
@click.option("--reason", required=True, help="Lý do, ví dụ số văn bản thông báo.")
@click.option("--by", default="cli")
@click.pass_context
def calendar_override_add(ctx, day, kind, reason, by):
    if kind is None:
        raise click.UsageError("cho --off hoặc --work")
    override = services_of(ctx).calendars.add_override(_parse_day(day), kind, reason, by)
    click.echo(f"{override.day.isoformat()}  {DAY_KIND_LABELS[override.kind]}  {override.reason}")


@calendar_override.command("remove")
@click.argument("day")
@click.pass_context
def calendar_override_remove(ctx, day):
    removed = services_of(ctx).calendars.remove_override(_parse_day(day))
    click.echo("đã xoá" if removed else "không có ngày này trong bảng ngoại lệ")


main.add_command(dossier)
main.add_command(demo_dossiers)
dossier.add_command(dossier_form)
main.add_command(register)
main.add_command(report)
report.add_command(report_periodic)
main.add_command(indicators)
main.add_command(feedback)
main.add_command(token)
main.add_command(outbox)
main.add_command(portal)
main.add_command(sandbox)

if __name__ == "__main__":
    main()
