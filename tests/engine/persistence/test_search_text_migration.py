"""Migration 0010 gives the dossiers already received their search text, so that they are found like new ones."""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from engine.domain.dossier_search import search_text
from engine.persistence.migrate import alembic_config, upgrade

APPLICANT = {"type": 1, "name": "Đặng Thị Hồng Nhung", "id_number": "001234567890", "phone": "0912 345 678"}


def test_existing_dossiers_get_their_search_text(database_url):
    command.downgrade(alembic_config(database_url), "0015")
    try:
        engine = sa.create_engine(database_url)
        moment = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
        with engine.begin() as connection:
            dossier = sa.Table("dossier", sa.MetaData(), autoload_with=connection)
            assert "search_text" not in dossier.c
            values = {
                "code": "H15.50.05.13-260302-0001",
                "procedure_code": "1.000047.000.00.00.H56",
                "applicant": APPLICANT,
                "channel": 1,
                "result_delivery": "counter",
                "documents": {"items": []},
                "fee": 0,
                "fee_paid": False,
                "received_at": moment,
                "clock_start": moment,
                "appointment": moment,
                "original_appointment": moment,
                "status": 2,
                "status_changed_at": moment,
                "supplement_count": 0,
                "extension_count": 0,
                "received_by": "motcua1",
                "late": False,
            }
            connection.execute(dossier.insert().values(**values))  # the reflected JSON columns encode
        engine.dispose()
    finally:
        upgrade(database_url)
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT search_text FROM dossier")).scalar_one()
    engine.dispose()
    assert stored == search_text("H15.50.05.13-260302-0001", APPLICANT)
    assert "dang thi hong nhung" in stored and "0912345678" in stored
