"""inbox: inbound messages of partners (portal, postal operator), stored before they are processed, one per message id

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 10:40:00
"""

import sqlalchemy as sa
from alembic import op

import engine.persistence.models

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("partner", sa.String(length=20), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("received_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partner", "message_id", name="uq_inbox_message"),
    )
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_state", ["state", "received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_state")
    op.drop_table("inbox")
