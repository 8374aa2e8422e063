"""dossiers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 05:54:05.359300
"""

import sqlalchemy as sa
from alembic import op

import engine.persistence.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_sequence",
        sa.Column("agency_code", sa.String(length=50), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_code", "day"),
    )
    op.create_table(
        "dossier",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("instance_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("procedure_code", sa.String(length=100), nullable=False),
        sa.Column("applicant", sa.JSON(), nullable=False),
        sa.Column("channel", sa.Integer(), nullable=False),
        sa.Column("result_delivery", sa.String(length=10), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("fee_paid", sa.Boolean(), nullable=False),
        sa.Column("received_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("clock_start", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("appointment", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("original_appointment", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("status_changed_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("supplement_count", sa.Integer(), nullable=False),
        sa.Column("extension_count", sa.Integer(), nullable=False),
        sa.Column("processing_end_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("returned_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instance.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.create_index("ix_dossier_received", ["received_at"], unique=False)
        batch_op.create_index("ix_dossier_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_status")
        batch_op.drop_index("ix_dossier_received")

    op.drop_table("dossier")
    op.drop_table("dossier_sequence")
