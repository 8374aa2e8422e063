"""The database engine and its units of work, for SQLite (WAL, one writer) and PostgreSQL (row locks, SKIP LOCKED)."""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from engine.persistence.unit_of_work import UnitOfWork

log = logging.getLogger("motcua.db")

# SQLite: the committing connection would checkpoint the WAL itself every 1,000 pages (a pause in a step). A thread
# of ours checkpoints in the background instead; SQLite's own checkpoint stays as a backstop at this many pages.
_BACKSTOP_PAGES = 20_000
_CHECKPOINT_EVERY = 200  # commits between two background checkpoints (and at least once a second when written)


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
        cursor.execute(f"PRAGMA wal_autocheckpoint={_BACKSTOP_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A step reads then writes: take the write lock at the start, since upgrading a read lock later can fail.
        # Read-only units of work take no lock at all (WAL readers never wait for the writer).
        readonly = connection.get_execution_options().get("motcua_readonly", False)
        # Straight to the driver: this runs once per unit of work, and SQLAlchemy's execution path costs more than
        # the statement.
        connection.connection.driver_connection.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")


class _Checkpointer:
    """Checkpoints an SQLite WAL from a thread of its own, so that no step pays for it. Started on the first write."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.commits = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def committed(self) -> None:
        self.commits += 1
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._stop.is_set():
                    self._thread = threading.Thread(target=self._run, name="motcua-wal-checkpoint", daemon=True)
                    self._thread.start()
        if self.commits % _CHECKPOINT_EVERY == 0:
            self._wake.set()

    def _run(self) -> None:
        seen = 0
        while not self._stop.is_set():
            self._wake.wait(1.0)
            self._wake.clear()
            if self._stop.is_set() or self.commits == seen:
                continue
            seen = self.commits
            try:
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except Exception:  # a busy or closing database: the next round (or SQLite's backstop) does it
                log.debug("background WAL checkpoint skipped", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


class Database:
    """Owns the SQLAlchemy engine; hands out one unit of work per use case."""

    def __init__(self, url: str, echo: bool = False):
        parsed = make_url(url)
        self.url = url
        self.dialect = parsed.get_backend_name()
        database = parsed.database or ""
        file_backed = self.dialect == "sqlite" and database not in ("", ":memory:")
        if file_backed:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict = {"echo": echo}
        if self.dialect == "postgresql":
            kwargs.update(pool_size=5, max_overflow=10, pool_pre_ping=True)
        self.engine = create_engine(url, **kwargs)
        self._checkpointer: _Checkpointer | None = None
        if self.dialect == "sqlite":
            _sqlite_setup(self.engine)
            if file_backed:
                self._checkpointer = _Checkpointer(self.engine)

    @property
    def skip_locked(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """One transaction for one use case: everything it writes is committed when the block ends normally, and
        nothing when it raises. After the commit, the unit's `after_commit` callbacks run (caches, never I/O that
        must not be lost)."""
        with self.engine.connect() as connection:
            with connection.begin():
                uow = UnitOfWork(connection, self.dialect)
                yield uow
                uow.flush()
        if self._checkpointer is not None:
            self._checkpointer.committed()
        uow.committed()

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A read-only unit of work: a consistent snapshot, no locks; anything written is rolled back."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(motcua_readonly=True)
            transaction = connection.begin()
            try:
                yield UnitOfWork(connection, self.dialect, readonly=True)
            finally:
                transaction.rollback()

    # Transitional: the services that still build their own SQL take an ORM session in a unit of work.
    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.unit_of_work() as uow:
            yield uow.session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.reading() as uow:
            yield uow.session

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()
