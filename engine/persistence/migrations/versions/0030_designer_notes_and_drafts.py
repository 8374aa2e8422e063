"""process designers: a change note on each deployed version, drafts kept on the server

Revision ID: 0030
Revises: 0015
Create Date: 2026-12-07 10:20:00
"""

import sqlalchemy as sa
from alembic import op

import engine.persistence.models

revision = "0030"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=2000), server_default="", nullable=False))
    op.create_table(
        "process_draft",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("base_number", sa.Integer(), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("saved_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("process_id", "author"),
    )


def downgrade() -> None:
    op.drop_table("process_draft")
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.drop_column("note")
