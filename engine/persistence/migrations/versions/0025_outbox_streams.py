"""outbox: the port each message goes to (its stream), kept in order per dossier and stream

Revision ID: 0025
Revises: 0020
Create Date: 2026-12-07 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stream", sa.String(length=12), nullable=False, server_default="notify"))
        batch_op.create_index("ix_outbox_stream_order", ["instance_id", "stream", "state"], unique=False)
    op.execute("UPDATE outbox SET stream = 'portal' WHERE kind LIKE 'portal%'")
    op.execute("UPDATE outbox SET stream = 'postal' WHERE kind LIKE 'postal%'")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_stream_order")
        batch_op.drop_column("stream")
