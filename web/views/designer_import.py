"""Importing an approved step table from the designer's pages (`/thiet-ke/nhap-bang`): upload a CSV or XLSX table,
correct the lanes of the units it names, and open the BPMN built from it in the modeler (as the designer's draft)."""

import base64
import binascii

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from engine.domain.errors import MotcuaError, ValidationError
from engine.domain.permissions import LANE_ROLES
from web.auth import current_user, require
from web.i18n import gettext as _

bp = Blueprint("designer_import", __name__)
TEMPLATE_ROWS = [
    ["Bước", "Nội dung công việc", "Trách nhiệm thực hiện", "Thời gian thực hiện"],
    ["B1", "Tiếp nhận hồ sơ, kiểm tra, chuyển phòng chuyên môn", "Bộ phận Một cửa", "0,5 ngày"],
    ["B2", "Phân công chuyên viên thụ lý", "Lãnh đạo phòng", "04 giờ"],
    ["B3", "Thẩm định hồ sơ, dự thảo kết quả", "Chuyên viên phòng", "02 ngày làm việc"],
    ["B4", "Xem xét, trình ký", "Lãnh đạo phòng", "0,5 ngày"],
    ["B5", "Ký kết quả", "Lãnh đạo Sở", "0,5 ngày"],
    ["B6", "Vào sổ, đóng dấu, phát hành", "Văn thư", "0,5 ngày"],
    ["B7", "Trả kết quả", "Bộ phận Một cửa", "0,5 ngày"],
    ["", "Tổng thời gian", "", "05 ngày làm việc"],
]


def _services():
    return current_app.extensions["motcua"]


def _page(status: int = 200, **values):
    procedures = sorted(_services().dossiers.catalogue, key=lambda p: p.name)
    return render_template("designer/import.html", procedures=procedures, lanes=list(LANE_ROLES), **values), status


@bp.get("/thiet-ke/nhap-bang")
@require("process.deploy")
def form():
    return _page()


@bp.get("/thiet-ke/nhap-bang/mau.csv")
@require("process.deploy")
def template():
    """The table to fill in, with the usual headings and an example [example]."""
    text = "\n".join(",".join(f'"{cell}"' if "," in cell else cell for cell in row) for row in TEMPLATE_ROWS)
    return Response(
        "\ufeff" + text + "\n",
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=bang-quy-trinh-noi-bo.csv"},
    )


@bp.post("/thiet-ke/nhap-bang")
@require("process.deploy")
def upload():
    code = request.form.get("procedure", "")
    name, content = _table()
    if content is None:
        return _page(422, code=code, errors={"table": _("Chọn tệp bảng quy trình (.csv hoặc .xlsx)")})
    overrides = {
        request.form.get(f"actor_{n}", ""): lane
        for n in range(1, 200)
        if (lane := request.form.get(f"lane_{n}", "")) and request.form.get(f"actor_{n}")
    }
    try:
        result = _services().step_import.build(name, content, code, overrides)
    except MotcuaError as error:
        return _page(422, code=code, errors={"table": str(error)})
    kept = {"code": code, "name": name, "data": base64.b64encode(content).decode("ascii"), "result": result}
    if result.table.problems:
        return _page(422, **kept)
    designer = _services().designer
    base = designer.workspace(result.process_id).number
    designer.save_draft(result.process_id, current_user().username, base, result.xml)
    return redirect(url_for("designer.show", process_id=result.process_id))


def _table() -> tuple[str, bytes | None]:
    """The uploaded table, or the one sent back by the page after a correction of the lanes."""
    upload = request.files.get("table")
    if upload is not None and upload.filename:
        return upload.filename, upload.read()
    kept, name = request.form.get("data", ""), request.form.get("name", "")
    if kept and name:
        try:
            return name, base64.b64decode(kept, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(_("Dữ liệu bảng gửi lại không hợp lệ; tải tệp lên lại"))
    return "", None
