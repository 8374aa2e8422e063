"""Who may see a dossier or a task: the rules of engine.domain.permissions with the facts they need, read from the
database (involvement, the dossier's procedure) and the catalogue (the procedure's resolving division)."""

from engine.domain.catalogue import Catalogue
from engine.domain.permissions import DIVISION_ROLES, lanes_of, may_view_dossier
from engine.persistence.db import Database


class AccessService:
    def __init__(self, db: Database, catalogue: Catalogue):
        self.db, self.catalogue = db, catalogue

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

    def may_view(self, code: str, username: str, role: str, division: str = "") -> bool:
        """`may_view_dossier` for this account and dossier: auditors, administrators, the one-stop section and the
        leaders see every dossier; a division's officers those of the procedures their division resolves."""
        if may_view_dossier(role, involved=False):
            return True
        if role in DIVISION_ROLES:
            with self.db.reading() as uow:
                procedure_code = uow.dossiers.procedure_of(code)
            return may_view_dossier(role, False, division, self.catalogue.division_of(procedure_code))
        return may_view_dossier(role, self.involved(code, username, role))

    def task_division(self, procedure_code: str | None) -> str | None:
        """The division whose officers work the division lanes of a task of `procedure_code` (None: nobody's)."""
        return self.catalogue.division_of(procedure_code)
