"""The pages of the portal sandbox (adapters/portal/sandbox.py): what the portal received, the citizen's submission
form and its answer."""

import html
import json

from adapters.sandbox_forms import applicant_inputs, document_inputs

_STYLE = """<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:1100px;color:#1f2933}
h1{color:#b3261e}table{border-collapse:collapse;width:100%;margin:8px 0 20px}td,th{border:1px solid #d6dde8;
padding:4px 8px;text-align:left;vertical-align:top}th{background:#f1f3f6}label{display:block;margin:6px 0}
input,select{padding:4px;min-width:24em}.muted{color:#66788a}</style>"""


def _page(title: str, body: str) -> str:
    nav = (
        '<p><a href="/">Hồ sơ cổng đã nhận</a> · <a href="/nop-ho-so">Nộp hồ sơ trực tuyến</a> · '
        '<a href="/thanh-toan">Nộp phí, lệ phí</a></p>'
    )
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>{_STYLE}'
        f"</head><body><h1>Cổng Dịch vụ công (thử nghiệm)</h1>{nav}{body}</body></html>"
    )


def overview(sandbox) -> str:
    e = html.escape
    parts = ["<h2>Hồ sơ và trạng thái cổng đã nhận</h2>"]
    dossiers = sandbox.dossiers()
    if not dossiers:
        parts.append("<p>Cổng chưa nhận trạng thái nào.</p>")
    for code, entry in dossiers.items():
        parts.append(
            f'<h3 id="{e(code)}">{e(code)}</h3><table><tr><th>Trạng thái</th><th>Thời điểm</th>'
            "<th>Hẹn trả</th><th>Kết thúc xử lý</th><th>Ghi chú</th></tr>"
        )
        for s in entry["statuses"]:
            parts.append(
                f'<tr class="status"><td>{e(str(s["status"]))} · {e(s.get("status_label") or "")}</td>'
                f"<td>{e(s.get('changed_at') or '')}</td><td>{e(s.get('appointment') or '')}</td>"
                f"<td>{e(s.get('processing_end_at') or '')}</td><td>{e(s.get('note') or '')}</td></tr>"
            )
        parts.append("</table>")
        if entry["history"]:
            parts.append(
                "<table><tr><th>Cán bộ</th><th>Chức danh</th><th>Đơn vị</th><th>Nội dung</th><th>Bắt đầu</th>"
                "<th>Hạn bước</th></tr>"
            )
            for h in entry["history"]:
                parts.append(
                    f'<tr class="history"><td>{e(h.get("officer", ""))}</td><td>{e(h.get("title") or "")}</td>'
                    f"<td>{e(h.get('division') or '')}</td><td>{e(h.get('content', ''))}</td>"
                    f"<td>{e(h.get('step_start', ''))}</td><td>{e(h.get('step_due') or '')}</td></tr>"
                )
            parts.append("</table>")
        for r in entry.get("results", []):
            file = r.get("file") or {}
            name, size, number = file.get("filename") or "", str(file.get("size") or ""), r.get("document_number")
            parts.append(
                f'<p class="result">Kết quả điện tử: <a href="/ket-qua?key={e(r["key"])}">{e(name)}</a> '
                f"({e(size)} byte), số {e(number or '')}, SHA-256 {e(file.get('sha256') or '')}: đã kiểm tra, "
                "khớp với nội dung tệp.</p>"
            )
    subs = sandbox.submissions()
    parts.append("<h2>Hồ sơ công dân đã nộp qua cổng</h2>")
    if subs:
        parts.append(
            "<table><tr><th>Mã trên cổng</th><th>Thủ tục</th><th>Người nộp</th><th>Trả lời của cơ quan</th></tr>"
        )
        for s in subs:
            parts.append(
                f"<tr><td>{e(s['portal_id'])}</td><td>{e(s['procedure_code'] or '')}</td>"
                f"<td>{e(str(s['applicant'].get('name', '')))}</td>"
                f"<td>{e(_answer_text(s['answer']))}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>Chưa có hồ sơ nào.</p>")
    counters = sandbox.counters()
    parts.append(
        f'<p class="muted">Đã nhận {counters["delivered"]} tin, {counters["duplicates"]} tin trùng; '
        f"lỗi giả lập: {counters['error']} lỗi 500, {counters['drop']} lần ngắt kết nối.</p>"
    )
    return _page("Cổng DVC thử nghiệm", "".join(parts))


def _answer_text(answer: dict | None) -> str:
    """The agency's answer to a submission, for people: the dossier code and status, or the reason it failed."""
    result = (answer or {}).get("result") or {}
    if result.get("dossier_code"):
        return f"Mã hồ sơ tại cơ quan {result['dossier_code']} · trạng thái {result.get('status')}"
    return f"Chưa nhận (HTTP {(answer or {}).get('http')}): {json.dumps(answer, ensure_ascii=False)}"


def submission_form() -> str:
    body = f"""<h2>Nộp hồ sơ trực tuyến</h2>
<form method="post" enctype="multipart/form-data">
{applicant_inputs()}
<label>Thư điện tử <input name="email" type="email"></label>
{document_inputs()}
<label>Mã giao dịch thanh toán (nếu đã nộp phí) <input name="payment_reference"></label>
<label>Số tiền đã nộp (đồng) <input name="payment_amount" inputmode="numeric"></label>
<button type="submit">Nộp hồ sơ</button></form>"""
    return _page("Nộp hồ sơ trực tuyến", body)


def submission_answer(status: int, answer: dict) -> str:
    e = html.escape
    if status == 200 and answer.get("state") == "processed":
        text = (
            f'<p role="status">Cơ quan đã nhận hồ sơ <strong>{e(answer["portal_id"])}</strong> '
            "(trạng thái 1 · Mới đăng ký). Hồ sơ chờ Bộ phận Một cửa kiểm tra và tiếp nhận.</p>"
            f'<p><a href="/thanh-toan?portal_id={e(answer["portal_id"])}">Nộp phí, lệ phí cho hồ sơ này</a></p>'
        )
    else:
        text = f'<p role="alert">Cơ quan chưa nhận hồ sơ: {e(json.dumps(answer, ensure_ascii=False))}</p>'
    return _page("Kết quả nộp hồ sơ", text + '<p><a href="/nop-ho-so">Nộp hồ sơ khác</a></p>')


def payment_form(portal_id: str) -> str:
    e = html.escape
    body = f"""<h2>Nộp phí, lệ phí trực tuyến</h2>
<form method="post">
<label>Mã hồ sơ trên cổng <input name="portal_id" value="{e(portal_id)}" required></label>
<label>Mã giao dịch thanh toán <input name="reference" required></label>
<label>Số tiền (đồng) <input name="amount" inputmode="numeric" required></label>
<button type="submit">Thanh toán</button></form>"""
    return _page("Nộp phí, lệ phí", body)


def payment_answer(status: int, answer: dict) -> str:
    e = html.escape
    result = answer.get("result") or {}
    if status == 200 and answer.get("state") == "processed":
        text = f'<p role="status">Cơ quan đã ghi nhận thanh toán cho hồ sơ {e(str(result.get("dossier_code")))}.</p>'
    else:
        text = f'<p role="alert">Cơ quan chưa ghi nhận thanh toán: {e(json.dumps(answer, ensure_ascii=False))}</p>'
    return _page("Kết quả thanh toán", text)
