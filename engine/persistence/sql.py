"""Raw DBAPI statements for the hot path, written once for SQLite and PostgreSQL.

SQLAlchemy Core costs 40-60 µs a statement on this project's machine where the driver alone costs 1-10 µs (measured
with a prepared SELECT and INSERT on SQLite), and a step runs about ten statements. So the step's reads and writes
go straight to the driver, in the same transaction as everything else of the unit of work, with values encoded as
SQLAlchemy's types would store them (`UtcDateTime`, `JSON`), so that Core and ORM reads of the same rows agree:
- SQLite: datetimes as naive UTC text `YYYY-MM-DD HH:MM:SS.ffffff`, JSON as text, booleans as 0/1;
- PostgreSQL (psycopg 3): aware datetimes, JSON sent as text (an untyped parameter, cast by the column), `?`
  placeholders rewritten to `%s`.
"""

import re
from collections.abc import Iterable, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from typing import Any

from engine.domain import jsontext
from engine.domain.errors import Conflict

_PLACEHOLDER = re.compile(r"\?")
_PG_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction begun on the connection yet
_DIVISION_BY_ZERO = "22012"  # SQLSTATE


class RawSql:
    """Runs statements on one DBAPI connection of dialect `dialect` ("sqlite" or "postgresql")."""

    def __init__(self, dbapi_connection: Any, dialect: str):
        self.connection = dbapi_connection
        self.dialect = dialect
        self.postgres = dialect == "postgresql"
        self._texts: dict[str, str] = {}
        self._deferred: ExitStack | None = None  # the open pipeline of statements sent later (PostgreSQL)
        self._unchanged: str | None = None  # the Conflict of a queued revision check, should it fail

    # --- statements ---------------------------------------------------------------------------------------------
    def text(self, statement: str) -> str:
        """`statement` with `?` placeholders in the driver's style (cached: statements are a fixed set)."""
        if not self.postgres:
            return statement
        converted = self._texts.get(statement)
        if converted is None:
            converted = self._texts[statement] = _PLACEHOLDER.sub("%s", statement)
        return converted

    def _execute(self, statement: str, params: Sequence):
        self.sync()
        if self.postgres and self.connection.info.transaction_status == _PG_IDLE and not self.connection.autocommit:
            # The first statement of a transaction: psycopg would send BEGIN alone and wait for it; in a pipeline
            # BEGIN and the statement share one round trip.
            with self.connection.pipeline():
                cursor = self.connection.execute(self.text(statement), params)
            return cursor
        return self.connection.execute(self.text(statement), params)

    def one(self, statement: str, params: Sequence = ()) -> tuple | None:
        return self._execute(statement, params).fetchone()

    def row(self, statement: str, params: Sequence = ()) -> tuple:
        """The one row `statement` must give (an INSERT ... RETURNING, an UPDATE ... RETURNING of a known row)."""
        found = self.one(statement, params)
        if found is None:
            raise LookupError(f"no row for: {statement}")
        return found

    def all(self, statement: str, params: Sequence = ()) -> list[tuple]:
        return self._execute(statement, params).fetchall()

    def run(self, statement: str, params: Sequence = ()) -> int:
        """Execute; return the number of rows changed."""
        return self._execute(statement, params).rowcount

    def many(self, statement: str, rows: Iterable[Sequence]) -> None:
        self.sync()
        self._many(statement, rows)

    def pipeline(self):
        """A context in which PostgreSQL statements are sent without waiting for each answer (psycopg's pipeline
        mode); a no-op on SQLite, whose statements do not cross a network."""
        self.sync()
        return self.connection.pipeline() if self.postgres else _NoPipeline()

    # --- statements sent later ------------------------------------------------------------------------------------
    def send(self, statement: str, params: Sequence = (), *, must_change: str | None = None) -> None:
        """Execute `statement`, whose answer nobody reads. On PostgreSQL it is only queued (psycopg's pipeline
        mode) and goes out with the next statement that needs an answer, or with the COMMIT: a step's writes and
        the commit then cost one round trip. Its errors are raised then, and fail the transaction.

        `must_change`: `statement` is an UPDATE that must change a row (a revision check), else the transaction
        fails with Conflict(must_change). On PostgreSQL the server checks it, so that the failure aborts the
        transaction before its COMMIT: the UPDATE runs in a statement that divides by the number of rows changed."""
        if not self.postgres:
            cursor = self.connection.execute(statement, params)
            if must_change is not None and cursor.rowcount == 0:
                raise Conflict(must_change)
            return
        self._defer()
        if must_change is not None:
            statement = f"WITH changed AS ({statement} RETURNING 1) SELECT 1 / count(*) FROM changed"
            self._unchanged = must_change
        with self._conflicts():  # psycopg reads the answers that have come whenever it sends more
            self.connection.execute(self.text(statement), params)

    def send_many(self, statement: str, rows: Iterable[Sequence]) -> None:
        """`send` for many rows (executemany)."""
        if not self.postgres:
            self._many(statement, rows)
            return
        self._defer()
        with self._conflicts():
            self._many(statement, rows)

    def _defer(self) -> None:
        if self._deferred is None:
            stack = ExitStack()
            stack.enter_context(self.connection.pipeline())
            self._deferred = stack

    def sync(self) -> None:
        """Send what `send` queued and wait for it (raising its first error)."""
        deferred, self._deferred = self._deferred, None
        if deferred is not None:
            with self._conflicts():
                deferred.close()

    def commit(self) -> None:
        """COMMIT, with what `send` queued in the same round trip."""
        if self._deferred is not None and self.connection.info.transaction_status == _PG_IDLE:
            self.sync()  # nothing sent yet, so psycopg would see no transaction to commit: send, then commit
        if self._deferred is not None:
            with self._conflicts():
                self.connection.commit()  # queued in the pipeline, then synced with it
            self.sync()
        else:
            self.connection.commit()

    @contextmanager
    def _conflicts(self):
        """A revision check that changed no row (`send(must_change=...)`) raises Conflict, other errors as they are."""
        try:
            yield
        except Exception as exc:
            if getattr(exc, "sqlstate", None) == _DIVISION_BY_ZERO and self._unchanged is not None:
                raise Conflict(self._unchanged) from exc
            raise

    def rollback(self) -> None:
        try:
            self.sync()
        except Exception:  # the transaction failed: nothing of it is kept either way
            pass
        finally:
            self.connection.rollback()

    def _many(self, statement: str, rows: Iterable[Sequence]) -> None:
        rows = list(rows)
        if not rows:
            return
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.text(statement), rows)
        else:
            self.connection.executemany(statement, rows)

    # --- values -------------------------------------------------------------------------------------------------
    def dt(self, moment: datetime | None):
        """A datetime as the column stores it."""
        if moment is None:
            return None
        utc = moment.astimezone(UTC)
        # As SQLAlchemy stores it (strftime('%Y-%m-%d %H:%M:%S.%f')), written several times faster.
        return utc if self.postgres else utc.replace(tzinfo=None).isoformat(" ", "microseconds")

    @staticmethod
    def from_dt(value) -> datetime | None:
        """A stored datetime (or NULL) as an aware UTC datetime (or None)."""
        return None if value is None else RawSql.moment(value)

    @staticmethod
    def moment(value) -> datetime:
        """A stored datetime of a NOT NULL column as an aware UTC datetime."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @staticmethod
    def json(value) -> str:
        return jsontext.dumps(value)

    @staticmethod
    def from_json(value):
        """A stored JSON value: text on SQLite (and from `::text` on PostgreSQL), already decoded otherwise."""
        return jsontext.loads(value) if isinstance(value, str | bytes) else value

    def flag(self, value: bool):
        return bool(value) if self.postgres else int(bool(value))


class _NoPipeline:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
