"""Whether an officer is involved in a dossier: the rule `may_view_dossier` needs, read from the database."""

from sqlalchemy import exists, select

from engine.domain.permissions import lanes_of, may_view_dossier
from engine.persistence.db import Database
from engine.persistence.models import Dossier, HistoryEvent, Instance, UserTask


class AccessService:
    def __init__(self, db: Database):
        self.db = db

    def involved(self, code: str, username: str, role: str) -> bool:
        """True if `username` received the dossier `code`, acted on it, or one of its open tasks is in `role`'s
        lanes. False for a dossier or instance that does not exist."""
        lanes = lanes_of(role)
        with self.db.read() as session:
            if session.scalar(select(exists().where(Dossier.code == code, Dossier.received_by == username))):
                return True
            if lanes and session.scalar(
                select(exists().where(UserTask.instance_code == code, UserTask.lane.in_(lanes)))
            ):
                return True
            return bool(
                session.scalar(
                    select(
                        exists().where(
                            HistoryEvent.instance_id == Instance.id,
                            Instance.code == code,
                            HistoryEvent.actor == username,
                        )
                    )
                )
            )

    def may_view(self, code: str, username: str, role: str) -> bool:
        """`may_view_dossier` for this account and dossier (auditors and administrators see every dossier)."""
        if may_view_dossier(role, involved=False):
            return True
        return may_view_dossier(role, involved=self.involved(code, username, role))
