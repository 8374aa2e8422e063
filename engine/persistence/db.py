"""The database engine and its units of work, for SQLite (WAL, one writer) and PostgreSQL (row locks, SKIP LOCKED)."""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session

from engine.persistence.unit_of_work import UnitOfWork

log = logging.getLogger("motcua.db")

# SQLite: the committing connection would checkpoint the WAL itself every 1,000 pages (a pause in a step). A thread
# of ours checkpoints in the background instead; SQLite's own checkpoint stays as a backstop at this many pages.
_BACKSTOP_PAGES = 20_000
_CHECKPOINT_EVERY = 200  # commits between two background checkpoints (and at least once a second when written)
_PING_AFTER_IDLE = 5.0  # seconds: a PostgreSQL connection idle longer is pinged before use


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
        # A connection of SQLAlchemy's own (migrations, tools, tests): a write may follow a read, so take the write
        # lock at the start, since upgrading a read lock later can fail. Inside a unit of work the transaction has
        # begun already (`Database.unit_of_work`).
        driver = connection.connection.driver_connection
        if not driver.in_transaction:
            driver.execute("BEGIN IMMEDIATE")


def _postgres_setup(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):
        # SQLAlchemy's pre-ping costs a round trip at every checkout, one more per unit of work. A connection that
        # broke while in use is dropped when it comes back (its reset fails); one idle for a while is pinged here
        # (the server may have restarted meanwhile). Raising DisconnectionError makes the pool take a fresh one.
        if dbapi_connection.broken or dbapi_connection.closed:
            raise DisconnectionError("connection closed")
        if time.monotonic() - record.info.get("idle_since", 0.0) > _PING_AFTER_IDLE:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except Exception as exc:
                raise DisconnectionError(str(exc)) from exc


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
            kwargs.update(pool_size=5, max_overflow=10)
        self.engine = create_engine(url, **kwargs)
        self._checkpointer: _Checkpointer | None = None
        if self.dialect == "postgresql":
            _postgres_setup(self.engine)
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
        must not be lost).

        The unit holds a pooled driver connection of its own rather than a SQLAlchemy `Connection` (made only if a
        store asks for one): SQLAlchemy's connection, transaction and event machinery cost more than the statements
        of a short unit. On SQLite the transaction takes the write lock at once (BEGIN IMMEDIATE: a unit reads, then
        writes, and upgrading a read lock later can fail)."""
        pooled = self.engine.pool.connect()
        uow = UnitOfWork(self.engine, pooled, self.dialect)
        try:
            if self.dialect == "sqlite":
                uow.raw.connection.execute("BEGIN IMMEDIATE")
            yield uow
            uow.commit()
        except BaseException:
            uow.rollback()
            raise
        finally:
            uow.close()
        if self._checkpointer is not None:
            self._checkpointer.committed()
        uow.committed()

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A read-only unit of work: no locks; anything written is rolled back. On SQLite its reads share one
        snapshot; on PostgreSQL each statement has its own (READ COMMITTED, as in any of its transactions), so they
        run in autocommit mode, which saves the round trips of BEGIN and ROLLBACK."""
        pooled = self.engine.pool.connect()
        uow = UnitOfWork(self.engine, pooled, self.dialect, readonly=True)
        driver = uow.raw.connection
        try:
            if self.dialect == "sqlite":
                driver.execute("BEGIN")
            else:
                driver.autocommit = True
            yield uow
        finally:
            try:
                uow.rollback()
                if self.dialect == "postgresql":
                    driver.autocommit = False
            finally:
                uow.close()

    # An ORM session in a unit of work, for tools and tests that look at rows (use cases go through the stores).
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
