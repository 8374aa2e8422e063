"""The counter's scans: reception and its files are one unit of work; a scan chosen is never dropped without a word
(the preview without script names it to be chosen again), and a document is never marked digitised without its file."""

import io

import pytest

from engine.persistence import files as file_store
from tests.web.test_counter import PDF, reception_form
from tests.web.test_counter import app_config as app_config  # noqa: F401  (the agency code)
from tests.web.test_counter import services as services  # noqa: F401  (the shipped processes deployed)


def _with_scan(services, name="don-de-nghi.pdf", **overrides):
    data = reception_form(services, doc_1_digitised="1", **overrides)
    data["doc_1_file"] = (io.BytesIO(PDF), name, "application/pdf")
    return data


def test_the_preview_without_script_names_each_chosen_scan_and_unticks_its_digitised_box(services, sign_in):
    officer = sign_in("one_stop")
    page = officer.post(
        "/mot-cua/tiep-nhan", _with_scan(services, action="preview"), content_type="multipart/form-data"
    )
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Chọn lại tệp “don-de-nghi.pdf”" in body
    assert 'name="doc_1_digitised" value="1"' in body
    assert 'aria-label="Đã số hoá: ' in body and not _ticked(body, "doc_1_digitised")
    assert _ticked(body, "doc_1_received")  # the rest of the input is kept
    assert services.dossiers.list() == []


def test_digitised_without_its_file_is_refused_with_the_input_kept(services, sign_in):
    officer = sign_in("one_stop")
    response = officer.post("/mot-cua/tiep-nhan", reception_form(services, doc_2_digitised="1"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "đã đánh dấu Đã số hoá nhưng chưa có tệp bản quét" in body
    assert _ticked(body, "doc_2_digitised") and 'value="Phòng khám Đa khoa Hồng Nhung"' in body
    assert services.dossiers.list() == []


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("a" * 300 + ".pdf", "a" * 251 + ".pdf"), ("ban\x00quet.pdf", "ban quet.pdf")],
    ids=["too-long", "nul"],
)
def test_awkward_scan_names_are_stored_cleaned_with_the_reception(services, sign_in, sent, stored):
    officer = sign_in("one_stop")
    response = officer.post("/mot-cua/tiep-nhan", _with_scan(services, name=sent), content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    [dossier] = services.dossiers.list()
    [file] = services.files.files(dossier.code)
    assert file.filename == stored and services.dossiers.get(dossier.code).documents[0]["digitised"] is True


def test_a_scan_that_cannot_be_stored_refuses_the_whole_reception(services, sign_in, monkeypatch):
    officer = sign_in("one_stop")
    data = _with_scan(services)
    data["doc_2_file"] = (io.BytesIO(PDF), "giay-chung-nhan.pdf", "application/pdf")
    data["doc_2_digitised"] = "1"
    added = file_store.FileStore.add
    calls = []

    def add_then_fail(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return added(self, *args, **kwargs)

    monkeypatch.setattr(file_store.FileStore, "add", add_then_fail)
    with pytest.raises(RuntimeError):
        officer.post("/mot-cua/tiep-nhan", data, content_type="multipart/form-data")
    monkeypatch.undo()
    assert len(calls) == 2
    assert services.dossiers.list() == []  # neither the dossier nor its first scan
    response = officer.post("/mot-cua/tiep-nhan", _with_scan(services), content_type="multipart/form-data")
    assert response.status_code == 302
    [dossier] = services.dossiers.list()
    assert dossier.code.endswith("-0001")  # the failed reception used no number
    assert len(services.files.files(dossier.code)) == 1


def _ticked(body: str, name: str) -> bool:
    import re

    found = re.search(rf'name="{name}" value="1"[^>]*>', body)
    assert found, name
    return "checked" in found.group(0)


def test_an_old_handover_asks_for_confirmation_on_the_page_and_a_date_before_the_catalogue_is_refused(
    services, sign_in
):
    officer = sign_in("one_stop")
    old = reception_form(services, channel="3", handover_at="15/01/2026 09:00")
    asked = officer.post("/mot-cua/tiep-nhan", old)
    assert asked.status_code == 422
    body = asked.get_data(as_text=True)
    assert 'name="handover_confirmed" value="1"' in body and "quá 30 ngày" in body
    assert 'value="15/01/2026 09:00"' in body and services.dossiers.list() == []
    assert officer.post("/mot-cua/tiep-nhan", {**old, "handover_confirmed": "1"}).status_code == 302

    before = reception_form(services, channel="3", handover_at="02/03/2019 09:00", handover_confirmed="1")
    refused = officer.post("/mot-cua/tiep-nhan", before)
    assert refused.status_code == 422
    assert "trước ngày thủ tục có trong danh mục (25/01/2021)" in refused.get_data(as_text=True)
    assert len(services.dossiers.list()) == 1
