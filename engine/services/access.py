"""Who may see a dossier or a task: the rules of engine.domain.permissions with the facts they need, read from the
database (involvement, the dossier's procedure) and the catalogue (the procedure's resolving division)."""

from sqlalchemy import exists, select

from engine.domain.catalogue import Catalogue
from engine.domain.permissions import DIVISION_ROLES, lanes_of, may_view_dossier
from engine.persistence.db import Database
from engine.persistence.models import Dossier, HistoryEvent, Instance, UserTask


class AccessService:
    def __init__(self, db: Database, catalogue: Catalogue):
        self.db, self.catalogue = db, catalogue

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

    def may_view(self, code: str, username: str, role: str, division: str = "") -> bool:
        """`may_view_dossier` for this account and dossier: auditors, administrators, the one-stop section and the
        leaders see every dossier; a division's officers those of the procedures their division resolves."""
        if may_view_dossier(role, involved=False):
            return True
        if role in DIVISION_ROLES:
            with self.db.read() as session:
                procedure_code = session.scalar(select(Dossier.procedure_code).where(Dossier.code == code))
            return may_view_dossier(role, False, division, self.catalogue.division_of(procedure_code))
        return may_view_dossier(role, self.involved(code, username, role))

    def task_division(self, procedure_code: str | None) -> str | None:
        """The division whose officers work the division lanes of a task of `procedure_code` (None: nobody's)."""
        return self.catalogue.division_of(procedure_code)
