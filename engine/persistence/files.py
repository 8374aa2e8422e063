"""Files received with a dossier (bản số hoá), stored with the size and SHA-256 computed on arrival."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_COLUMNS = "f.id, f.document, f.filename, f.media_type, f.size, f.sha256, f.uploaded_at, f.uploaded_by"


@dataclass(frozen=True)
class FileRow:
    """A stored file without its content; `uploaded_at` in UTC."""

    id: int
    document: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


class FileStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow

    def _row(self, values) -> FileRow:
        v = list(values)
        v[6] = self.uow.raw.moment(v[6])
        return FileRow(*v)

    def add(
        self,
        dossier_id: int,
        document: str,
        filename: str,
        media_type: str,
        sha256: str,
        content: bytes,
        now: datetime,
        actor: str,
    ) -> FileRow:
        raw = self.uow.raw
        (new_id,) = raw.row(
            "INSERT INTO dossier_file (dossier_id, document, filename, media_type, size, sha256, content, uploaded_at, "
            "uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (dossier_id, document, filename, media_type, len(content), sha256, content, raw.dt(now), actor),
        )
        return FileRow(new_id, document, filename, media_type, len(content), sha256, now, actor)

    def of_dossier(self, dossier_id: int) -> list[FileRow]:
        rows = self.uow.raw.all(
            f"SELECT {_COLUMNS} FROM dossier_file f WHERE f.dossier_id = ? ORDER BY f.id", (dossier_id,)
        )
        return [self._row(r) for r in rows]

    def with_content(self, code: str, file_id: int) -> tuple[FileRow, bytes] | None:
        row = self.uow.raw.one(
            f"SELECT {_COLUMNS}, f.content FROM dossier_file f JOIN dossier d ON d.id = f.dossier_id "
            "WHERE d.code = ? AND f.id = ?",
            (code, file_id),
        )
        return (self._row(row[:8]), bytes(row[8])) if row else None
