"""Scans of a dossier's documents (bản số hoá): stored with their size and SHA-256, checked when read back.

A file is checked (`check`) before anything is written, then stored inside the unit of work of the use case that
received it (`store_in`): a reception with its scans, a task completed with its files, or a file attached alone.
"""

import hashlib
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from engine.domain.catalogue import Catalogue
from engine.domain.clock import VN_TZ, Clock
from engine.domain.errors import MotcuaError, NotFound, ValidationError
from engine.persistence.db import Database
from engine.persistence.files import FileRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.services.instances import InstanceService
from engine.services.step_record import Event

log = logging.getLogger("motcua.files")

MAX_FILE_SIZE = 20 * 1024 * 1024  # bytes; a larger scan is refused (split it, or scan at a lower resolution)
FILE_MEDIA_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
# What each type's content begins with: a file is taken for what it is, not for what the sender declared (an HTML page
# declared as application/pdf would otherwise be stored and later served as a "scan").
SIGNATURES = {"application/pdf": b"%PDF-", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
MAX_FILENAME = 255


@dataclass(frozen=True)
class FileView:
    """A file received with a dossier, without its content; `uploaded_at` in Vietnam time."""

    id: int
    dossier_code: str
    document: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


@dataclass(frozen=True)
class Scan:
    """A file to store with a dossier: the document it is a scan of, its name, bytes and media type."""

    document: str
    filename: str
    content: bytes
    media_type: str


class FileTampered(MotcuaError):
    """A stored file no longer matches the SHA-256 computed when it was received."""

    code = "file_tampered"


def view_of(row: FileRow, code: str) -> FileView:
    return FileView(
        row.id,
        code,
        row.document,
        row.filename,
        row.media_type,
        row.size,
        row.sha256,
        row.uploaded_at.astimezone(VN_TZ),
        row.uploaded_by,
    )


class DossierFileService:
    def __init__(self, db: Database, clock: Clock, catalogue: Catalogue, instances: InstanceService):
        self.db, self.clock, self.catalogue, self.instances = db, clock, catalogue, instances

    # --- checks ---------------------------------------------------------------------------------------------------
    def check(self, procedure_code: str, scan: Scan, actor: str, task_file: bool = False) -> tuple[str | None, dict]:
        """(the procedure's name of the document, errors by field) for `scan`. `task_file`: a file a task's form
        produced (a draft, say), named freely rather than from the procedure's list."""
        errors: dict[str, str] = {}
        content = scan.content
        if not isinstance(content, bytes | bytearray) or not content:
            errors["content"] = "tệp rỗng; chọn lại tệp đã quét"
        elif len(content) > MAX_FILE_SIZE:
            errors["content"] = (
                f"tệp {len(content):,} byte, vượt quá giới hạn {MAX_FILE_SIZE // (1024 * 1024)} MiB; "
                "chia nhỏ tệp hoặc quét với độ phân giải thấp hơn"
            ).replace(",", ".")
        if not clean_filename(scan.filename):
            errors["filename"] = "cần tên tệp"
        kind = scan.media_type.strip().lower() if isinstance(scan.media_type, str) else ""
        if kind not in FILE_MEDIA_TYPES:
            allowed = ", ".join(f"{v} ({k})" for k, v in FILE_MEDIA_TYPES.items())
            errors["media_type"] = f"không nhận tệp loại '{str(scan.media_type)[:100]}'; chỉ nhận {allowed}"
        elif "content" not in errors and not bytes(content[:16]).startswith(SIGNATURES[kind]):
            errors["content"] = (
                f"nội dung tệp không phải {FILE_MEDIA_TYPES[kind]} như đã khai ({kind}); chọn đúng tệp đã quét"
            )
        if not (actor.strip() if isinstance(actor, str) else ""):
            errors["actor"] = "cần người tải tệp lên"
        procedure = self.catalogue.get(procedure_code)
        wanted = " ".join(scan.document.split()).casefold() if isinstance(scan.document, str) else None
        known = [d.name for d in procedure.documents] if procedure is not None else []
        matched = next((n for n in known if " ".join(n.split()).casefold() == wanted), None)
        if matched is None and task_file and wanted:
            matched = " ".join(scan.document.split())
        if matched is None:
            errors["document"] = (
                f"'{scan.document}' không có trong thành phần hồ sơ của thủ tục; các giấy tờ là: {'; '.join(known)}"
            )
        return matched, errors

    # --- storing ----------------------------------------------------------------------------------------------------
    def store_in(
        self, uow: UnitOfWork, dossier_id: int, code: str, document: str, scan: Scan, actor: str, documents: dict
    ) -> tuple[FileView, Event]:
        """Store `scan` (checked) as a file of dossier `code`'s `document` and mark that document digitised in
        `documents` (the dossier's documents column, updated in place; the caller writes it). Returns the file and
        the history event `dossier:file:attached` {document, file, size, sha256} for the caller's step."""
        content = bytes(scan.content)
        digest = hashlib.sha256(content).hexdigest()
        name = clean_filename(scan.filename)
        row = uow.files.add(
            dossier_id,
            document,
            name,
            scan.media_type.strip().lower(),
            digest,
            content,
            self.clock.now(),
            actor.strip(),
        )
        for item in documents.get("items", []):
            if item.get("name") == document:
                item["digitised"] = True
        payload = {"document": document, "file": name, "size": len(content), "sha256": digest}
        return view_of(row, code), Event("dossier:file:attached", actor.strip(), payload)

    def attach(
        self,
        code: str,
        document: str,
        filename: str,
        content: bytes,
        media_type: str,
        actor: str,
        task_file: bool = False,
    ) -> FileView:
        """Store a file of the dossier's `document` (a name of its procedure's list, case and spacing ignored) and
        mark that document digitised; record `dossier:file:attached` in its history. One unit of work, with the
        instance locked. Raises NotFound for an unknown dossier, ValidationError naming every wrong field (nothing is
        written then)."""
        scan = Scan(document, filename, content, media_type)
        with self.db.unit_of_work() as uow:
            row = uow.dossiers.row(code)
            if row is None:
                raise NotFound(f"không có hồ sơ {code}")
            head = self.instances.lock(uow, code) if row.instance_id is not None else None
            row = uow.dossiers.row(code)  # again, under the instance lock
            assert row is not None
            matched, errors = self.check(row.procedure_code, scan, actor, task_file)
            if errors or matched is None:
                raise ValidationError(f"Không nhận được tệp cho hồ sơ {code}: " + "; ".join(errors.values()), errors)
            documents = {**(row.documents or {}), "items": [dict(i) for i in (row.documents or {}).get("items", [])]}
            view, event = self.store_in(uow, row.id, code, matched, scan, actor, documents)
            uow.dossiers.set_documents(row.id, documents)
            if head is not None:
                self.instances.note(uow, head, event.tag, event.actor, event.payload)
            return view

    # --- reads ------------------------------------------------------------------------------------------------------
    def files(self, code: str) -> list[FileView]:
        """The files of dossier `code`, in the order received (without their content). Raises NotFound."""
        with self.db.reading() as uow:
            dossier_id = uow.dossiers.id_of(code)
            if dossier_id is None:
                raise NotFound(f"không có hồ sơ {code}")
            return [view_of(row, code) for row in uow.files.of_dossier(dossier_id)]

    def file_content(self, code: str, file_id: int) -> tuple[FileView, bytes]:
        """File `file_id` of dossier `code` and its content, after checking the content against the stored size and
        SHA-256. Raises NotFound, or FileTampered when the stored content no longer matches."""
        with self.db.reading() as uow:
            found = uow.files.with_content(code, file_id)
        if found is None:
            raise NotFound(f"hồ sơ {code} không có tệp số {file_id}")
        view, content = view_of(found[0], code), found[1]
        if len(content) != view.size or hashlib.sha256(content).hexdigest() != view.sha256:
            log.error("stored file %s of dossier %s does not match its SHA-256", file_id, code)
            raise FileTampered(
                f"Tệp '{view.filename}' của hồ sơ {code} đã bị thay đổi sau khi tiếp nhận (mã băm SHA-256 không khớp); "
                "báo quản trị hệ thống"
            )
        return view, content


def clean_filename(name: object) -> str:
    """A file name fit to store and to send back in a header: the last part of a path, in NFC, without control or
    invisible formatting characters (bidirectional overrides that make 'gpj.exe' look like 'exe.jpg'), without ':',
    spaces squeezed, at most MAX_FILENAME characters keeping its extension. "" when nothing is left."""
    if not isinstance(name, str):
        return ""
    text = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf" and c != ":")
    text = " ".join(text.split()).strip(" .")
    if len(text) > MAX_FILENAME:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: MAX_FILENAME - len(extension) - 1].rstrip() + "." + extension
        else:
            text = text[:MAX_FILENAME].rstrip()
    return text
