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
from datetime import UTC, datetime
from typing import Any

from engine.domain import jsontext

_PLACEHOLDER = re.compile(r"\?")
_PG_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction begun on the connection yet
_SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class RawSql:
    """Runs statements on one DBAPI connection of dialect `dialect` ("sqlite" or "postgresql")."""

    def __init__(self, dbapi_connection: Any, dialect: str):
        self.connection = dbapi_connection
        self.dialect = dialect
        self.postgres = dialect == "postgresql"
        self._texts: dict[str, str] = {}

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
        if self.postgres and self.connection.info.transaction_status == _PG_IDLE:
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
        rows = list(rows)
        if not rows:
            return
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.text(statement), rows)
        else:
            self.connection.executemany(statement, rows)

    def pipeline(self):
        """A context in which PostgreSQL statements are sent without waiting for each answer (psycopg's pipeline
        mode); a no-op on SQLite, whose statements do not cross a network."""
        return self.connection.pipeline() if self.postgres else _NoPipeline()

    # --- values -------------------------------------------------------------------------------------------------
    def dt(self, moment: datetime | None):
        """A datetime as the column stores it."""
        if moment is None:
            return None
        utc = moment.astimezone(UTC)
        return utc if self.postgres else utc.strftime(_SQLITE_FORMAT)

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
