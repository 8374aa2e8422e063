"""Feedback and petitions (PAKN) rows: insert, the open ones whose process has ended (to publish their answer), the
published list."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.persistence.unit_of_work import UnitOfWork

_COLUMNS = (
    "code, kind, channel, name, contact, dossier_code, subject, content, received_at, due_at, status, answer, "
    "published_at"
)


@dataclass(frozen=True)
class FeedbackRow:
    code: str
    kind: str
    channel: str
    name: str
    contact: str
    dossier_code: str | None
    subject: str
    content: str
    received_at: datetime
    due_at: datetime
    status: str  # open | published
    answer: str | None
    published_at: datetime | None


class FeedbackStore:
    def __init__(self, uow: "UnitOfWork"):
        self.uow = uow
        self.raw = uow.raw

    def _row(self, r) -> FeedbackRow:
        raw = self.raw
        return FeedbackRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            raw.moment(r[8]),
            raw.moment(r[9]),
            r[10],
            r[11],
            raw.from_dt(r[12]),
        )

    def insert(self, row: FeedbackRow, instance_id: int | None) -> None:
        raw = self.raw
        raw.run(
            f"INSERT INTO feedback ({_COLUMNS}, instance_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.code,
                row.kind,
                row.channel,
                row.name,
                row.contact,
                row.dossier_code,
                row.subject,
                row.content,
                raw.dt(row.received_at),
                raw.dt(row.due_at),
                row.status,
                row.answer,
                raw.dt(row.published_at),
                instance_id,
            ),
        )

    def get(self, code: str) -> FeedbackRow | None:
        found = self.raw.one(f"SELECT {_COLUMNS} FROM feedback WHERE code = ?", (code,))
        return self._row(found) if found else None

    def ended_unpublished(self) -> list[tuple[str, int, datetime]]:
        """(code, instance id, when the process ended) of open feedback whose process has completed."""
        rows = self.raw.all(
            "SELECT f.code, f.instance_id, i.updated_at FROM feedback f JOIN instance i ON i.id = f.instance_id "
            "WHERE f.status = 'open' AND i.status = 'completed'"
        )
        return [(r[0], r[1], self.raw.moment(r[2])) for r in rows]

    def answer_of(self, instance_id: int) -> str:
        """The answer of the last completed drafting step (`tra_loi`) of the feedback's process."""
        rows = self.raw.all(
            "SELECT payload FROM history_event WHERE instance_id = ? AND tag = 'dossier:task:completed' ORDER BY seq",
            (instance_id,),
        )
        answer = ""
        for (payload,) in rows:
            event = self.raw.from_json(payload) or {}
            if event.get("task") == "tra_loi":
                answer = str((event.get("data") or {}).get("answer") or "")
        return answer

    def publish(self, code: str, answer: str, at: datetime) -> None:
        self.raw.run(
            "UPDATE feedback SET status = 'published', answer = ?, published_at = ? WHERE code = ?",
            (answer, self.raw.dt(at), code),
        )

    def rows(self, *, published: bool, limit: int, offset: int = 0) -> list[FeedbackRow]:
        where = "status = 'published' ORDER BY published_at DESC" if published else "1 = 1 ORDER BY received_at DESC"
        return [
            self._row(r)
            for r in self.raw.all(
                f"SELECT {_COLUMNS} FROM feedback WHERE {where}, id DESC LIMIT ? OFFSET ?", (limit, offset)
            )
        ]
