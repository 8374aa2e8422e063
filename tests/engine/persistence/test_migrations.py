"""The migrations create exactly the schema the models describe, on SQLite and PostgreSQL."""

from datetime import datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, create_engine, insert, select, text

from engine.persistence.migrate import alembic_config, current_revision, upgrade
from engine.persistence.models import Base


def test_migrations_match_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert current_revision(database_url) == head


def test_0020_gives_existing_dossiers_the_basis_in_force_on_their_reception_day(tmp_path):
    """Before 01/7/2025 00:00 in Vietnam (30/6 17:00 UTC) Nghị định 61/2018, from then Nghị định 118/2025."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0015")
    engine = create_engine(url)
    dossier = Table("dossier", MetaData(), autoload_with=engine)
    received = {
        "A-0001": datetime(2025, 6, 30, 16, 59),  # 30/6/2025 23:59 in Vietnam (naive UTC, as SQLite keeps it)
        "A-0002": datetime(2025, 6, 30, 17, 0),  # 01/7/2025 00:00 in Vietnam
        "A-0003": datetime(2026, 3, 2, 1, 0),
    }
    with engine.begin() as connection:
        for code, at in received.items():
            connection.execute(
                insert(dossier).values(
                    code=code, procedure_code="1.013337.H38", applicant={}, channel=1, result_delivery="counter",
                    documents={}, fee=0, fee_paid=False, received_at=at, clock_start=at, appointment=at,
                    original_appointment=at, status=2, status_changed_at=at, supplement_count=0, extension_count=0,
                    received_by="motcua1", late=False,
                )
            )  # fmt: skip
    upgrade(url)
    with engine.connect() as connection:
        bases = dict(connection.execute(select(dossier.c.code, text("legal_basis")).order_by(dossier.c.code)).all())
    engine.dispose()
    assert bases == {"A-0001": "nd61-2018", "A-0002": "nd118-2025", "A-0003": "nd118-2025"}
