"""Scans of a dossier's documents (bản số hoá): stored with their size and SHA-256, checked when read back."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.domain.catalogue import Catalogue
from engine.domain.clock import VN_TZ, Clock
from engine.domain.errors import MotcuaError, NotFound, ValidationError
from engine.persistence.db import Database
from engine.persistence.models import Dossier, DossierFile
from engine.services.instances import InstanceService

log = logging.getLogger("motcua.files")

MAX_FILE_SIZE = 20 * 1024 * 1024  # bytes; a larger scan is refused (split it, or scan at a lower resolution)
FILE_MEDIA_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
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


class FileTampered(MotcuaError):
    """A stored file no longer matches the SHA-256 computed when it was received."""

    code = "file_tampered"


class DossierFileService:
    def __init__(self, db: Database, clock: Clock, catalogue: Catalogue, instances: InstanceService):
        self.db, self.clock, self.catalogue, self.instances = db, clock, catalogue, instances

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
        """Store a file of the dossier's `document` (a name of its procedure's list, case and spacing ignored) and mark
        that document digitised (`task_file`: a file a task's form produced, e.g. a draft, named by `document` freely);
        record `dossier:file:attached` {document, file, size, sha256} in its history. One
        transaction, with the instance locked. Size and SHA-256 are computed here. Raises NotFound for an unknown
        dossier, ValidationError naming every wrong field (nothing is written then)."""
        errors: dict[str, str] = {}
        if not isinstance(content, bytes | bytearray) or not content:
            errors["content"] = "tệp rỗng; chọn lại tệp đã quét"
        elif len(content) > MAX_FILE_SIZE:
            errors["content"] = (
                f"tệp {len(content):,} byte, vượt quá giới hạn {MAX_FILE_SIZE // (1024 * 1024)} MiB; "
                "chia nhỏ tệp hoặc quét với độ phân giải thấp hơn"
            ).replace(",", ".")
        name = filename.strip() if isinstance(filename, str) else ""
        if not name:
            errors["filename"] = "cần tên tệp"
        elif _unsafe_filename(name):
            errors["filename"] = (
                f"tên tệp '{name[:100]}' không hợp lệ: chỉ ghi tên tệp (không có đường dẫn, dấu / \\ :, "
                f"ký tự điều khiển), tối đa {MAX_FILENAME} ký tự"
            )
        kind = media_type.strip().lower() if isinstance(media_type, str) else ""
        if kind not in FILE_MEDIA_TYPES:
            allowed = ", ".join(f"{v} ({k})" for k, v in FILE_MEDIA_TYPES.items())
            errors["media_type"] = f"không nhận tệp loại '{media_type}'; chỉ nhận {allowed}"
        actor = actor.strip() if isinstance(actor, str) else ""
        if not actor:
            errors["actor"] = "cần người tải tệp lên"
        with self.db.transaction() as session:
            row = session.scalars(select(Dossier).where(Dossier.code == code)).one_or_none()
            if row is None:
                raise NotFound(f"không có hồ sơ {code}")
            instance = self.instances._lock(session, id=row.instance_id) if row.instance_id is not None else None
            row = session.scalars(
                select(Dossier).where(Dossier.code == code).execution_options(populate_existing=True)
            ).one()  # again, under the instance lock
            procedure = self.catalogue.get(row.procedure_code)
            wanted = " ".join(document.split()).casefold() if isinstance(document, str) else None
            known = [d.name for d in procedure.documents] if procedure is not None else []
            matched = next((n for n in known if " ".join(n.split()).casefold() == wanted), None)
            if matched is None and task_file and wanted:  # a file a task's form produced, not one of the list
                matched = " ".join(document.split())
            if matched is None:
                errors["document"] = (
                    f"'{document}' không có trong thành phần hồ sơ của thủ tục; các giấy tờ là: {'; '.join(known)}"
                )
            if errors:
                raise ValidationError(f"Không nhận được tệp cho hồ sơ {code}: " + "; ".join(errors.values()), errors)
            content = bytes(content)
            now = self.clock.now()
            digest = hashlib.sha256(content).hexdigest()
            stored = DossierFile(
                dossier_id=row.id,
                document=matched,
                filename=name,
                media_type=kind,
                size=len(content),
                sha256=digest,
                content=content,
                uploaded_at=now,
                uploaded_by=actor,
            )
            session.add(stored)
            items = [dict(item) for item in (row.documents or {}).get("items", [])]
            for item in items:
                if item.get("name") == matched:
                    item["digitised"] = True
            row.documents = {**(row.documents or {}), "items": items}
            if instance is not None:
                payload = {"document": matched, "file": name, "size": len(content), "sha256": digest}
                self.instances.note(session, instance, "dossier:file:attached", actor, payload, now=now)
            session.flush()
            return self._file_view(stored, row.code)

    def files(self, code: str) -> list[FileView]:
        """The files of dossier `code`, in the order received (without their content). Raises NotFound."""
        columns = [c for c in DossierFile.__table__.c if c.name != "content"]
        with self.db.read() as session:
            dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == code))
            if dossier_id is None:
                raise NotFound(f"không có hồ sơ {code}")
            rows = session.execute(
                select(*columns).where(DossierFile.dossier_id == dossier_id).order_by(DossierFile.id)
            ).all()
            return [self._file_view(r, code) for r in rows]

    def file_content(self, code: str, file_id: int) -> tuple[FileView, bytes]:
        """File `file_id` of dossier `code` and its content, after checking the content against the stored size and
        SHA-256. Raises NotFound, or FileTampered when the stored content no longer matches."""
        with self.db.read() as session:
            found = session.execute(
                select(DossierFile)
                .join(Dossier, DossierFile.dossier_id == Dossier.id)
                .where(Dossier.code == code, DossierFile.id == file_id)
            ).scalar_one_or_none()
            if found is None:
                raise NotFound(f"hồ sơ {code} không có tệp số {file_id}")
            view, content = self._file_view(found, code), bytes(found.content)
        if len(content) != view.size or hashlib.sha256(content).hexdigest() != view.sha256:
            log.error("stored file %s of dossier %s does not match its SHA-256", file_id, code)
            raise FileTampered(
                f"Tệp '{view.filename}' của hồ sơ {code} đã bị thay đổi sau khi tiếp nhận (mã băm SHA-256 không khớp); "
                "báo quản trị hệ thống"
            )
        return view, content

    @staticmethod
    def _file_view(row, code: str) -> FileView:
        return FileView(
            id=row.id,
            dossier_code=code,
            document=row.document,
            filename=row.filename,
            media_type=row.media_type,
            size=row.size,
            sha256=row.sha256,
            uploaded_at=row.uploaded_at.astimezone(VN_TZ),
            uploaded_by=row.uploaded_by,
        )

    # --- queries ----------------------------------------------------------------------------------------------


def _unsafe_filename(name: str) -> bool:
    """A file name that is not a bare name: a path, `.` or `..`, control characters, or too long."""
    return (
        any(c in name for c in "/\\:")
        or name in (".", "..")
        or any(ord(c) < 32 or ord(c) == 127 for c in name)
        or len(name) > MAX_FILENAME
    )
