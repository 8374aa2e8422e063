"""the legal basis a dossier was received under (nd61-2018, nd118-2025), kept for life

Existing dossiers take the basis in force on their reception day in Vietnam time: Nghị định 118/2025 from
01/7/2025 (17:00 UTC on 30/6/2025), Nghị định 61/2018 before (processes/legal/*.yaml). The dates are written here
as they stood when this migration was made; later bases are taken at reception by the engine.

Revision ID: 0020
Revises: 0015
Create Date: 2026-12-07 10:30:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import engine.persistence.models

revision = "0020"
down_revision = "0030"
branch_labels = None
depends_on = None

_SWITCH = datetime(2025, 6, 30, 17, 0, tzinfo=UTC)  # 01/7/2025 00:00 in Vietnam


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_basis", sa.String(length=30), nullable=True))
    dossier = sa.table(
        "dossier",
        sa.column("legal_basis", sa.String),
        sa.column("received_at", engine.persistence.models.UtcDateTime(timezone=True)),
    )
    op.execute(dossier.update().where(dossier.c.received_at < _SWITCH).values(legal_basis="nd61-2018"))
    op.execute(dossier.update().where(dossier.c.legal_basis.is_(None)).values(legal_basis="nd118-2025"))
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.alter_column("legal_basis", existing_type=sa.String(length=30), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_column("legal_basis")
