"""Database engine and units of work, for SQLite (WAL, one writer) and PostgreSQL (row locks, SKIP LOCKED)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin, so we can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A step reads then writes: take the write lock at the start, since upgrading a read lock later can fail.
        # Read-only units of work take no lock at all (WAL readers never wait for the writer).
        readonly = connection.get_execution_options().get("motcua_readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


class Database:
    """Owns the SQLAlchemy engine; hands out one transaction per use case."""

    def __init__(self, url: str, echo: bool = False):
        parsed = make_url(url)
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite" and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs = {"echo": echo}
        if self.dialect == "postgresql":
            kwargs.update(pool_size=5, max_overflow=10, pool_pre_ping=True)
        self.engine = create_engine(url, **kwargs)
        if self.dialect == "sqlite":
            _sqlite_setup(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def skip_locked(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls back on any exception."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: a consistent snapshot, no locks; anything written is rolled back."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(motcua_readonly=True)
            with Session(bind=connection, expire_on_commit=False) as session:
                try:
                    yield session
                finally:
                    session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
