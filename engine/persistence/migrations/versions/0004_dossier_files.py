"""dossier files

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 06:37:40.557290
"""

import sqlalchemy as sa
from alembic import op

import engine.persistence.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_file",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("document", sa.String(length=500), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dossier_file", schema=None) as batch_op:
        batch_op.create_index("ix_dossier_file_dossier", ["dossier_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier_file", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_file_dossier")

    op.drop_table("dossier_file")
