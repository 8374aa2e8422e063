"""The unit of work: one transaction that a use case opens once and passes down.

Everything a use case reads and writes goes through the stores it hands out, each named for the rows it keeps and
with queries named for what they answer; no SQL lives outside `engine/persistence`. The stores share the unit's
connection, so a reception (dossier row, code, workflow start, scans) or a completion with its files is written whole
or not at all.
"""

from collections.abc import Callable
from functools import cached_property

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection

from engine.persistence.accounts import AccountStore
from engine.persistence.audit import AuditStore
from engine.persistence.calendar import CalendarStore
from engine.persistence.dossiers import DossierStore
from engine.persistence.drafts import DraftStore
from engine.persistence.files import FileStore
from engine.persistence.history import HistoryStore
from engine.persistence.inbox import InboxStore
from engine.persistence.instances import InstanceStore
from engine.persistence.outbox import OutboxStore
from engine.persistence.sql import RawSql
from engine.persistence.steps import StepStore
from engine.persistence.tasks import TaskStore
from engine.persistence.timers import TimerStore
from engine.persistence.versions import VersionStore
from engine.persistence.web_sessions import WebSessionStore
from engine.persistence.work_items import WorkItemStore


class UnitOfWork:
    """A transaction and the stores that read and write in it. Built by `Database.unit_of_work()` (commits at the
    end of the block, rolls back on an exception) and `Database.reading()` (read-only, always rolled back).

    It holds one pooled driver connection: the hot path's statements go straight to the driver (`raw`); stores that
    build SQLAlchemy statements or load mapped rows get a `connection` or a `session` on the same driver connection,
    in the same transaction, made on first use."""

    def __init__(self, engine: Engine, pooled: PoolProxiedConnection, dialect: str, readonly: bool = False):
        self.engine = engine
        self.pooled = pooled
        self.dialect = dialect
        self.readonly = readonly
        self._after_commit: list[Callable[[], None]] = []

    @cached_property
    def raw(self) -> RawSql:
        """The driver's connection, for the statements of the hot path (see `engine.persistence.sql`)."""
        return RawSql(self.pooled.driver_connection, self.dialect)

    @property
    def connection(self) -> Connection:
        """A SQLAlchemy connection in this transaction (statements sent later by `raw` are sent first)."""
        self.raw.sync()
        return self._connection

    @cached_property
    def _connection(self) -> Connection:
        return Connection(self.engine, connection=self.pooled)

    @cached_property
    def session(self) -> Session:
        """An ORM session in this transaction, for stores that load mapped rows."""
        return Session(bind=self.connection, expire_on_commit=False, autoflush=True)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction has committed (never if it rolls back)."""
        self._after_commit.append(callback)

    # --- the transaction (driven by `Database`) ----------------------------------------------------------------
    def commit(self) -> None:
        if "session" in self.__dict__:
            self.raw.sync()
            self.session.flush()
        self.raw.commit()

    def rollback(self) -> None:
        self.raw.rollback()

    def close(self) -> None:
        """Give the driver connection back to the pool (through the SQLAlchemy connection if one was made)."""
        if "_connection" in self.__dict__:
            self._connection.close()
        else:
            self.pooled.close()

    def committed(self) -> None:
        for callback in self._after_commit:
            callback()

    # --- stores: built on first use, sharing this unit's connection ---------------------------------------------
    @cached_property
    def instances(self) -> InstanceStore:
        return InstanceStore(self)

    @cached_property
    def steps(self) -> StepStore:
        return StepStore(self)

    @cached_property
    def versions(self) -> VersionStore:
        return VersionStore(self)

    @cached_property
    def drafts(self) -> DraftStore:
        return DraftStore(self)

    @cached_property
    def tasks(self) -> TaskStore:
        return TaskStore(self)

    @cached_property
    def timers(self) -> TimerStore:
        return TimerStore(self)

    @cached_property
    def audit(self) -> AuditStore:
        return AuditStore(self)

    @cached_property
    def history(self) -> HistoryStore:
        return HistoryStore(self)

    @cached_property
    def outbox(self) -> OutboxStore:
        return OutboxStore(self)

    @cached_property
    def inbox(self) -> InboxStore:
        return InboxStore(self)

    @cached_property
    def dossiers(self) -> DossierStore:
        return DossierStore(self)

    @cached_property
    def files(self) -> FileStore:
        return FileStore(self)

    @cached_property
    def calendar(self) -> CalendarStore:
        return CalendarStore(self)

    @cached_property
    def accounts(self) -> AccountStore:
        return AccountStore(self)

    @cached_property
    def web_sessions(self) -> WebSessionStore:
        return WebSessionStore(self)

    @cached_property
    def work_items(self) -> WorkItemStore:
        return WorkItemStore(self)
