"""`motcua dossier attach` and the files in `motcua dossier show`, with click's CliRunner on a SQLite file."""

import hashlib

from tests.web.test_cli import ok, open_services
from tests.web.test_cli_dossier import APPLICANT, HOP_QUY, cli, db_url, failed, received_code  # noqa: F401

PDF = b"%PDF-1.4\n%%EOF\n"


def test_attach_prints_size_and_sha256_and_show_lists_the_file(cli, db_url, tmp_path):  # noqa: F811
    code = received_code(ok(cli("dossier", "receive", "--procedure", HOP_QUY, *APPLICANT, "--all-documents")))
    with open_services(db_url) as services:
        name = services.dossiers.get(code).documents[0]["name"]
    scan = tmp_path / "don de nghi.pdf"
    scan.write_bytes(PDF)
    output = ok(cli("dossier", "attach", code, "--document", name, scan, "--by", "motcua1"))
    digest = hashlib.sha256(PDF).hexdigest()
    assert f"Kích thước: {len(PDF)} byte" in output and f"SHA-256: {digest}" in output
    with open_services(db_url) as services:
        [view] = services.files.files(code)
        assert services.files.file_content(code, view.id)[1] == PDF
        assert services.dossiers.get(code).documents[0]["digitised"] is True
    assert (view.filename, view.media_type, view.uploaded_by) == ("don de nghi.pdf", "application/pdf", "motcua1")
    shown = ok(cli("dossier", "show", code))
    assert f"#{view.id} don de nghi.pdf ({name}; application/pdf, {len(PDF)} byte, SHA-256 {digest})" in shown
    assert "đã số hoá" in shown


def test_attach_refuses_a_file_type_and_an_unknown_document(cli, db_url, tmp_path):  # noqa: F811
    code = received_code(ok(cli("dossier", "receive", "--procedure", HOP_QUY, *APPLICANT, "--all-documents")))
    page = tmp_path / "don.html"
    page.write_bytes(b"<html></html>")
    errors = failed(cli("dossier", "attach", code, "--document", "Không có", page))
    assert "media_type" in errors and "document" in errors
    assert "Tệp đã nhận: không có" in ok(cli("dossier", "show", code))
