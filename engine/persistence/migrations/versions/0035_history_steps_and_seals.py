"""history events carry their step (input and digests) and a keyed MAC; instances a keyed MAC of their head

Revision ID: 0035
Revises: 0015
Create Date: 2026-12-07 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("history_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("step", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    with op.batch_alter_table("instance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("head_mac", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("instance", schema=None) as batch_op:
        batch_op.drop_column("head_mac")
    with op.batch_alter_table("history_event", schema=None) as batch_op:
        batch_op.drop_column("mac")
        batch_op.drop_column("step")
