"""dossier lateness and supplementation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 06:21:51.653272
"""

import sqlalchemy as sa
from alembic import op

import engine.persistence.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(
            sa.Column("supplement_requested_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_dossier_instance", ["instance_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_instance")
        batch_op.drop_column("supplement_requested_at")
        batch_op.drop_column("late")
