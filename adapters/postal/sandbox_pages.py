"""The pages of the postal sandbox (adapters/postal/sandbox.py): the orders the agency placed with their tracking
events and a form to report the next one, the dossiers handed over, and a postal worker's handover form."""

import html
import json

from adapters.sandbox_forms import applicant_inputs, document_inputs

EVENT_LABELS = {
    "accepted": "Đã nhận bưu gửi",
    "in_transit": "Đang vận chuyển",
    "delivered": "Phát thành công",
    "failed_attempt": "Phát không thành công",
}
_STYLE = """<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:1100px;color:#1f2933}
table{border-collapse:collapse;width:100%;margin:8px 0 20px}td,th{border:1px solid #d6dde8;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f1f3f6}label{display:block;margin:6px 0}input,select{padding:4px}
form.inline label{display:inline}ul{margin:0;padding-left:18px}</style>"""


def _page(title: str, body: str) -> str:
    nav = '<p><a href="/">Đơn và bưu gửi</a> · <a href="/nhan-ho-so">Nhận hồ sơ tại nhà người nộp</a></p>'
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>{_STYLE}'
        f"</head><body><h1>Bưu chính công ích (thử nghiệm)</h1>{nav}{body}</body></html>"
    )


def _money(amount: object) -> str:
    return f"{amount if isinstance(amount, int) else 0:,}".replace(",", ".") + " đ"


def _tracking_form(order_number: str) -> str:
    e = html.escape
    options = "".join(f'<option value="{k}">{e(v)}</option>' for k, v in EVENT_LABELS.items())
    return (
        f'<form method="post" action="/theo-doi" class="inline"><input type="hidden" name="order_number" '
        f'value="{e(order_number)}"><label>Sự kiện <select name="event">{options}</select></label> '
        '<label>Ghi chú <input name="note"></label> <button type="submit">Báo cơ quan</button></form>'
    )


def overview(sandbox) -> str:
    e = html.escape
    events: dict[str, list[dict]] = {}
    for event in sandbox.events():
        events.setdefault(event["order_number"], []).append(event)
    rows = []
    for o in sandbox.orders():
        receiver = o.get("receiver") or {}
        told = "".join(
            f"<li>{e(x['at'])} · {e(EVENT_LABELS.get(x['event'], x['event']))}"
            f"{' · ' + e(x['note']) if x['note'] else ''}</li>"
            for x in events.get(o["order_number"], [])
        )
        rows.append(
            f'<tr class="order"><td>{e(o["order_number"])}</td><td>{e(o["tracking"])}</td>'
            f"<td>{e(str(o.get('description') or ''))}</td><td>{e(str(receiver.get('name') or ''))}<br>"
            f"{e(str(receiver.get('address') or ''))}</td><td>{_money(o.get('cod_amount'))}</td>"
            f"<td><ul>{told}</ul>{_tracking_form(o['order_number'])}</td></tr>"
        )
    handed = "".join(
        f"<tr><td>{e(h['item_code'] or '')}</td><td>{e(h['procedure_code'] or '')}</td>"
        f"<td>{e(_answer_text(h['answer']))}</td></tr>"
        for h in sandbox.handovers()
    )
    counters = sandbox.counters()
    listed = "".join(rows) or "<tr><td colspan=6>Chưa có đơn nào.</td></tr>"
    body = (
        "<h2>Đơn nhận gửi kết quả và văn bản cho người nộp</h2>"
        "<table><tr><th>Số đơn (mã hồ sơ)</th><th>Mã bưu gửi</th><th>Nội dung</th><th>Người nhận</th>"
        f"<th>Thu hộ (COD)</th><th>Hành trình</th></tr>{listed}"
        "</table><h2>Hồ sơ bưu tá đã nhận tại nhà và chuyển cho cơ quan</h2>"
        f"<table><tr><th>Mã bưu gửi</th><th>Thủ tục</th><th>Trả lời của cơ quan</th></tr>{handed}</table>"
        f"<p>Đã nhận {counters['delivered']} đơn, {counters['duplicates']} đơn trùng; lỗi giả lập: "
        f"{counters['error']} lỗi 500, {counters['drop']} lần ngắt kết nối.</p>"
    )
    return _page("Bưu chính công ích (thử nghiệm)", body)


def _answer_text(answer: dict | None) -> str:
    result = (answer or {}).get("result") or {}
    if result.get("dossier_code"):
        return f"Cơ quan đã nhận: hồ sơ {result['dossier_code']}"
    return f"Cơ quan chưa nhận: {json.dumps(answer, ensure_ascii=False)}"


def handover_form() -> str:
    body = f"""<h2>Nhận hồ sơ tại địa chỉ người nộp</h2>
<p>Bưu tá ký biên bản giao nhận với người nộp; thời điểm ký là lúc gửi biểu mẫu này.</p>
<form method="post" enctype="multipart/form-data">
{applicant_inputs()}
{document_inputs()}
<label>Phí, lệ phí đã thu hộ (đồng) <input name="fees" inputmode="numeric" value="0"></label>
<button type="submit">Chuyển hồ sơ cho cơ quan</button></form>"""
    return _page("Nhận hồ sơ tại nhà người nộp", body)


def handover_answer(status: int, answer: dict) -> str:
    e = html.escape
    result = answer.get("result") or {}
    if status == 200 and answer.get("state") == "processed":
        text = f'<p role="status">Cơ quan đã nhận hồ sơ, mã hồ sơ {e(str(result.get("dossier_code")))}.</p>'
    else:
        text = f'<p role="alert">Cơ quan chưa nhận hồ sơ: {e(json.dumps(answer, ensure_ascii=False))}</p>'
    return _page("Kết quả chuyển hồ sơ", text + '<p><a href="/nhan-ho-so">Nhận hồ sơ khác</a></p>')


def tracking_answer(status: int, answer: dict) -> str:
    e = html.escape
    if status == 200 and answer.get("state") == "processed":
        text = '<p role="status">Cơ quan đã ghi nhận sự kiện.</p>'
    else:
        text = f'<p role="alert">Cơ quan chưa ghi nhận: {e(json.dumps(answer, ensure_ascii=False))}</p>'
    return _page("Báo hành trình bưu gửi", text + '<p><a href="/">Về danh sách đơn</a></p>')
