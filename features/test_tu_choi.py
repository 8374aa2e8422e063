"""Steps of tu_choi.feature: the specialist's appraisal refuses the dossier with its reasons; the applicant gets the
resolving division's letter, read back from its PDF."""

import io
import re

import pypdf
from pytest_bdd import parsers, scenarios, then, when

from features.support import OFFICERS, moment

scenarios("tu_choi.feature")


@when(parsers.parse('chuyên viên thẩm định lúc {at} kết luận hồ sơ không đủ điều kiện vì "{reasons}"'))
def _(services, clock, dossier, at, reasons):
    clock.set(moment(at))
    [task] = [t for t in services.instances.tasks(code=dossier["code"]) if t.name == "tham_dinh"]
    services.instances.complete(task.task_id, {"appraisal_result": "refuse", "opinion": reasons}, OFFICERS[task.lane])


def letter_text(services, code: str) -> str:
    pdf, _ = services.documents.render(code, "appraisal_refusal", "pdf")
    return re.sub(r"\s+", " ", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))


@then(parsers.parse('văn bản từ chối giải quyết của "{division}" nêu lý do "{reasons}"'))
def _(services, dossier, division, reasons):
    history = services.instances.history(dossier["code"])
    [letter] = [e.payload for e in history if e.payload.get("form") == "appraisal_refusal"]
    assert letter["reasons"] == reasons
    text = letter_text(services, dossier["code"])
    assert "TỪ CHỐI GIẢI QUYẾT HỒ SƠ" in text and division in text and reasons in text, text


@then("văn bản từ chối giải quyết do lãnh đạo ký, không phải người tiếp nhận hồ sơ")
def _(services, dossier):
    text = letter_text(services, dossier["code"])
    context = services.documents.form_context(dossier["code"], "appraisal_refusal")
    assert context["signer"]["title"] in text
    assert "Người tiếp nhận hồ sơ" not in text and "TỪ CHỐI TIẾP NHẬN" not in text
