"""Files received with a dossier: size and SHA-256 computed on arrival, the document marked digitised, a history event;
refused inputs change nothing; content round-trips and tampering with the stored content is detected."""

import hashlib

import pytest
from sqlalchemy import func, select, update

from engine.domain.errors import NotFound, ValidationError
from engine.persistence.models import DossierFile, HistoryEvent
from engine.services.dossier_files import MAX_FILE_SIZE, FileTampered
from tests.conftest import fixture_files
from tests.engine.services.test_dossiers import AGENCY, receive

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def app_config():
    return {"agency_code": AGENCY}


@pytest.fixture
def services(app):
    services = app.extensions["motcua"]
    services.deploy.deploy(fixture_files("cong_bo_hop_quy.bpmn"), "designer")
    return services


@pytest.fixture
def dossier(services):
    return receive(services)


def first_document(services, view) -> str:
    return view.documents[0]["name"]


def state(services, code):
    """Everything attach may change: the file rows, the documents, the history."""
    with services.db.read() as session:
        files = session.scalar(select(func.count()).select_from(DossierFile))
    history = [(e.seq, e.tag) for e in services.instances.history(code)]
    return files, services.dossiers.get(code).documents, history


def test_attach_stores_size_and_sha256_and_marks_the_document_digitised(services, dossier):
    name = first_document(services, dossier)
    assert dossier.documents[0]["digitised"] is False
    # the name is matched as at reception: case and spacing ignored
    view = services.files.attach(dossier.code, "  " + name.upper() + " ", "don.pdf", PDF, "application/pdf", "mc1")
    assert view.document == name and view.filename == "don.pdf" and view.media_type == "application/pdf"
    assert view.size == len(PDF) and view.sha256 == hashlib.sha256(PDF).hexdigest()
    assert view.uploaded_by == "mc1" and view.dossier_code == dossier.code
    after = services.dossiers.get(dossier.code)
    assert after.documents[0]["digitised"] is True
    assert [d["digitised"] for d in after.documents[1:]] == [d["digitised"] for d in dossier.documents[1:]]
    assert [d["received"] for d in after.documents] == [d["received"] for d in dossier.documents]
    event = services.instances.history(dossier.code)[-1]
    assert event.tag == "dossier:file:attached" and event.actor == "mc1"
    assert event.payload == {"document": name, "file": "don.pdf", "size": len(PDF), "sha256": view.sha256}
    assert services.audit.verify(dossier.code).intact
    assert services.replay.replay(dossier.code).verified, services.replay.replay(dossier.code)
    assert services.files.files(dossier.code) == [view]


def test_content_round_trips(services, dossier):
    name = first_document(services, dossier)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    first = services.files.attach(dossier.code, name, "don.pdf", PDF, "application/pdf", "mc1")
    second = services.files.attach(dossier.code, name, "trang2.png", png, "image/png", "mc1")
    assert [f.id for f in services.files.files(dossier.code)] == [first.id, second.id]
    assert services.files.file_content(dossier.code, first.id) == (first, PDF)
    assert services.files.file_content(dossier.code, second.id) == (second, png)
    with pytest.raises(NotFound):
        services.files.file_content(dossier.code, second.id + 100)


def test_a_changed_stored_content_is_detected(services, dossier):
    view = services.files.attach(
        dossier.code, first_document(services, dossier), "don.pdf", PDF, "application/pdf", "mc1"
    )
    with services.db.transaction() as session:
        session.execute(
            update(DossierFile).where(DossierFile.id == view.id).values(content=PDF.replace(b"1.4", b"1.7"))
        )
    with pytest.raises(FileTampered, match="SHA-256"):
        services.files.file_content(dossier.code, view.id)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"document": "Giấy tờ không có trong danh mục"}, "document"),
        ({"content": b""}, "content"),
        ({"content": b"%PDF-" + b"0" * MAX_FILE_SIZE}, "content"),
        ({"filename": "  "}, "filename"),
        ({"filename": "\x00\u202e\n"}, "filename"),
        ({"content": b"<html><script>alert(1)</script></html>"}, "content"),  # HTML declared as a PDF
        ({"content": PDF, "media_type": "image/png"}, "content"),
        ({"media_type": "application/x-msdownload"}, "media_type"),
        ({"actor": " "}, "actor"),
    ],
)
def test_a_refused_file_changes_nothing(services, dossier, change, field):
    args = {
        "code": dossier.code,
        "document": first_document(services, dossier),
        "filename": "don.pdf",
        "content": PDF,
        "media_type": "application/pdf",
        "actor": "mc1",
    } | change
    before = state(services, dossier.code)
    with pytest.raises(ValidationError) as caught:
        services.files.attach(**args)
    assert list(caught.value.fields) == [field]
    assert state(services, dossier.code) == before


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\scan\\don.pdf", "don.pdf"),
        ("don\x00 de\r\nnghi.pdf", "don de nghi.pdf"),
        ("hoa-don\u202efdp.exe", "hoa-donfdp.exe"),  # a right-to-left override would show it as 'exe.pdf'
        ("  Đơn đề nghị.pdf  ", "Đơn đề nghị.pdf"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_file_names_are_cleaned(services, dossier, sent, stored):
    view = services.files.attach(dossier.code, first_document(services, dossier), sent, PDF, "application/pdf", "mc1")
    assert view.filename == stored and services.files.files(dossier.code)[0].filename == stored


def test_every_problem_is_reported_at_once(services, dossier):
    with pytest.raises(ValidationError) as caught:
        services.files.attach(dossier.code, "không có", "/", b"", "text/html", "mc1")
    assert set(caught.value.fields) == {"document", "filename", "content", "media_type"}


def test_an_unknown_dossier(services, dossier):
    before = state(services, dossier.code)
    with pytest.raises(NotFound):
        services.files.attach(
            "H15-000000-0000", first_document(services, dossier), "a.pdf", PDF, "application/pdf", "x"
        )
    with pytest.raises(NotFound):
        services.files.files("H15-000000-0000")
    assert state(services, dossier.code) == before
    with services.db.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(HistoryEvent).where(HistoryEvent.tag.like("dossier:file%")))
            == 0
        )
