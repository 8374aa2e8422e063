"""web sessions kept on the server (revocable), sign-in attempts countable over all accounts

Revision ID: 0015
Revises: 0040
Create Date: 2026-12-07 07:30:00
"""

import sqlalchemy as sa
from alembic import op

import engine.persistence.models

revision = "0015"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("created_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", engine.persistence.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_why", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index("ix_web_session_account", ["account_id", "ended_at"], unique=False)
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_at", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_at")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index("ix_web_session_account")
    op.drop_table("web_session")
