"""Shared fixtures: an empty database per test on SQLite and, when configured, on PostgreSQL (neither migrated per
test: see `database_url`)."""

import os
import shutil
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.domain.clock import VN_TZ, FakeClock

FIXTURES = Path(__file__).parent / "fixtures"
PROCESSES = Path(__file__).resolve().parents[1] / "processes"  # the shipped procedures and shared activities
PG_HELP = (
    "PostgreSQL tests skipped: set MOTCUA_TEST_POSTGRES_URL, e.g. "
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres (make test does this when a local server answers)"
)


def _postgres_admin_url() -> str | None:
    url = os.environ.get("MOTCUA_TEST_POSTGRES_URL")
    required = os.environ.get("MOTCUA_REQUIRE_POSTGRES") == "1"
    if not url:
        if required:
            pytest.fail("MOTCUA_REQUIRE_POSTGRES=1 but MOTCUA_TEST_POSTGRES_URL is not set")
        pytest.skip(PG_HELP)
    try:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # the server is down or refuses us
        if required:
            pytest.fail(f"PostgreSQL required but unreachable at {url}: {exc}")
        pytest.skip(f"{PG_HELP} ({exc})")
    return url


@pytest.fixture(scope="session")
def postgres_database():
    """A throw-away PostgreSQL database for this test session; dropped at the end."""
    admin_url = _postgres_admin_url()
    name = f"motcua_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    from engine.persistence.migrate import upgrade

    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty(url: str) -> None:
    """Delete every row of the session's PostgreSQL database and restart its sequences, in one round trip. (TRUNCATE
    gives every table, index and TOAST table a new file: most of a second for our schema, against milliseconds for
    deleting the few rows a test leaves.)"""
    from engine.persistence.models import Base

    deletes = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    restarts = "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"{deletes}; {restarts}")
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An SQLite database migrated once for the whole session; each test gets a copy (migrating costs far more)."""
    from engine.persistence.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "motcua.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """The URL of an empty, migrated database: a copy of the session's migrated SQLite file in tmp_path, or the
    session's PostgreSQL database emptied (`_empty`). Neither builds a database per test."""
    if request.param == "sqlite":
        path = tmp_path / "motcua.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    _empty(url)
    return url


class RecordingSender:
    """A notification sender that records what it was given; can be told to fail."""

    def __init__(self):
        self.sent: list[tuple[str, dict, str]] = []
        self.fail_with: Exception | None = None

    def send(self, kind, payload, idempotency_key):
        if self.fail_with is not None:
            raise self.fail_with
        if all(key != idempotency_key for _k, _p, key in self.sent):
            self.sent.append((kind, payload, idempotency_key))


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ))  # Monday 2 March 2026, 08:00


@pytest.fixture
def sender():
    return RecordingSender()


@pytest.fixture
def app_config():
    """Settings a test module adds to the app's (override this fixture), e.g. {"agency_code": "H15.50.05.13"}."""
    return {}


@pytest.fixture
def app(database_url, clock, sender, app_config, tmp_path):
    from web import create_app

    # The audit key and anchors of a test are its own (not the developer's instance/ directory).
    config = {
        "database_url": database_url,
        "secret_key": "test",
        "audit_key": "test-audit-key",
        "anchor_dir": tmp_path / "anchors",
        **app_config,
    }
    app = create_app(config, clock=clock, sender=sender)
    app.config["TESTING"] = True
    yield app
    app.extensions["motcua"].close()


@pytest.fixture
def services(app):
    return app.extensions["motcua"]


def fixture_files(*names: str) -> dict[str, bytes]:
    return {name: (FIXTURES / name).read_bytes() for name in names}


def deploy_shipped(services, actor: str = "designer"):
    """Deploy everything in processes/ (the catalogue's procedures and the activities they share); return services."""
    from engine.services.deploy import read_files

    services.deploy.deploy(read_files([PROCESSES]), actor)
    return services
