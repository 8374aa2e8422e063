"""account: where an officer is told of their tasks and deadlines (e-mail address, Zalo id, the channels chosen)

Revision ID: 0055
Revises: 0028
Create Date: 2026-12-07 13:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0055"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("zalo_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("notify_channels", sa.String(length=50), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("notify_channels")
        batch_op.drop_column("zalo_id")
        batch_op.drop_column("email")
