"""dossier: the national portal's id of an online dossier and the payment the portal reported

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("portal_id", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("payment", sa.JSON(), nullable=True))
        batch_op.create_index("ix_dossier_portal_id", ["portal_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_portal_id")
        batch_op.drop_column("payment")
        batch_op.drop_column("portal_id")
