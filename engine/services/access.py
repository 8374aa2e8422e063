"""Whether an officer is involved in a dossier: the rule `may_view_dossier` needs, read from the database."""

from engine.domain.permissions import lanes_of, may_view_dossier
from engine.persistence.db import Database


class AccessService:
    def __init__(self, db: Database):
        self.db = db

    def involved(self, code: str, username: str, role: str) -> bool:
        """True if `username` received the dossier `code`, acted on it, or one of its open tasks is in `role`'s
        lanes. False for a dossier or instance that does not exist."""
        lanes = lanes_of(role)
        with self.db.reading() as uow:
            return (
                uow.dossiers.received_by(code, username)
                or bool(lanes and uow.tasks.open_in_lanes(code, lanes))
                or uow.history.acted(code, username)
            )

    def may_view(self, code: str, username: str, role: str) -> bool:
        """`may_view_dossier` for this account and dossier (auditors and administrators see every dossier)."""
        if may_view_dossier(role, involved=False):
            return True
        return may_view_dossier(role, involved=self.involved(code, username, role))
