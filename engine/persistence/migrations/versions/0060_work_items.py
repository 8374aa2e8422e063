"""work_item: work no workflow step holds, for the officers of a lane (a postal item brought back after two failed
delivery attempts)

Revision ID: 0060
Revises: 0055
Create Date: 2026-12-07 13:40:00
"""

import sqlalchemy as sa
from alembic import op

import engine.persistence.models

revision = "0060"
down_revision = "0055"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_item",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("instance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("lane", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("created_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("done_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=100), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["instance.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.create_index("ix_work_item_open", ["lane", "done_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.drop_index("ix_work_item_open")
    op.drop_table("work_item")
