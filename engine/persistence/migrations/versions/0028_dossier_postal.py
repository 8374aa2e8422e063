"""dossier: the postal item of a dossier handed over by the public postal service (BCCI) and its handover record

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 11:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("postal_item", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("postal", sa.JSON(), nullable=True))
        batch_op.create_index("ix_dossier_postal_item", ["postal_item"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_postal_item")
        batch_op.drop_column("postal")
        batch_op.drop_column("postal_item")
