"""indicators, reports and the citizen's side: projections of the history for the QĐ 766 figures, satisfaction
ratings, public look-ups (rate limit) and feedback and petitions (PAKN)

Revision ID: 0040
Revises: 0007
Create Date: 2026-12-07 07:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.persistence.models

revision = "0040"
down_revision = "0007"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _moment(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, engine.persistence.models.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "projection_mark",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "step_fact",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", Id, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("lane", sa.String(length=200), nullable=False),
        _moment("ready_at"),
        _moment("due_at", True),
        _moment("completed_at", True),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["instance.id"]),
        sa.PrimaryKeyConstraint("task_id"),
    )
    with op.batch_alter_table("step_fact") as batch_op:
        batch_op.create_index("ix_step_fact_completed", ["completed_at"], unique=False)
        batch_op.create_index("ix_step_fact_actor", ["actor", "completed_at"], unique=False)
    op.create_table(
        "dossier_fact",
        sa.Column("dossier_id", Id, nullable=False),
        sa.Column("procedure_code", sa.String(length=100), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("received_day", sa.Integer(), nullable=False),
        sa.Column("end_day", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        _moment("due_at"),
        sa.Column("channel", sa.Integer(), nullable=False),
        sa.Column("result_online", sa.Boolean(), nullable=False),
        sa.Column("digitised", sa.Boolean(), nullable=False),
        sa.Column("fee_due", sa.Boolean(), nullable=False),
        sa.Column("fee_paid", sa.Boolean(), nullable=False),
        _moment("extended_from", True),
        _moment("extended_at", True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("resolution_hours", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("dossier_id"),
    )
    with op.batch_alter_table("dossier_fact") as batch_op:
        batch_op.create_index("ix_dossier_fact_received", ["received_day"], unique=False)
        batch_op.create_index("ix_dossier_fact_end", ["end_day"], unique=False)
    counters = [
        "received",
        "received_online",
        "received_fully_online",
        "received_postal",
        "received_digitised",
        "received_fee_due",
        "received_fee_paid",
        "ended_early",
        "ended_on_time",
        "ended_late",
        "ended_withdrawn",
    ]
    op.create_table(
        "indicator_day",
        sa.Column("procedure_code", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in counters),
        sa.Column("resolution_hours", sa.Float(), nullable=False),
        sa.Column("resolved_with_time", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("procedure_code", "day"),
    )
    op.create_table(
        "officer_day",
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("actor", "day"),
    )
    op.create_table(
        "satisfaction_rating",
        sa.Column("id", Id, nullable=False),
        sa.Column("dossier_id", Id, nullable=False),
        sa.Column("procedure_code", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        _moment("rated_at"),
        sa.Column("recorded_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_id"),
    )
    with op.batch_alter_table("satisfaction_rating") as batch_op:
        batch_op.create_index("ix_rating_at", ["rated_at"], unique=False)
    op.create_table(
        "lookup_attempt",
        sa.Column("id", Id, nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        _moment("at"),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lookup_attempt") as batch_op:
        batch_op.create_index("ix_lookup_source", ["source", "at"], unique=False)
    op.create_table(
        "feedback",
        sa.Column("id", Id, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("instance_id", Id, nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("dossier_code", sa.String(length=100), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        _moment("received_at"),
        _moment("due_at"),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        _moment("published_at", True),
        sa.ForeignKeyConstraint(["instance_id"], ["instance.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("feedback") as batch_op:
        batch_op.create_index("ix_feedback_published", ["published_at"], unique=False)
        batch_op.create_index("ix_feedback_due", ["status", "due_at"], unique=False)
    with op.batch_alter_table("dossier") as batch_op:
        batch_op.create_index("ix_dossier_processing_end", ["processing_end_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch_op:
        batch_op.drop_index("ix_dossier_processing_end")
    for table in (
        "feedback",
        "lookup_attempt",
        "satisfaction_rating",
        "officer_day",
        "indicator_day",
        "dossier_fact",
        "step_fact",
        "projection_mark",
    ):
        op.drop_table(table)
