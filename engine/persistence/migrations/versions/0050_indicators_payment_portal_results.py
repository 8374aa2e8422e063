"""indicators: the online payment, the national portal link and the electronic result of each dossier, and their
per-day sums (QĐ 766 groups 1, 3 and 4); the projection reads the history again to fill them for past dossiers

Revision ID: 0050
Revises: 0060
Create Date: 2026-12-07 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0060"
branch_labels = None
depends_on = None

FACT_FLAGS = ("portal_linked", "paid_online")
DAY_COUNTERS = ("received_portal", "received_paid_online", "ended_result", "ended_result_online")


def upgrade() -> None:
    with op.batch_alter_table("dossier_fact", schema=None) as batch_op:
        for name in FACT_FLAGS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("indicator_day", schema=None) as batch_op:
        for name in DAY_COUNTERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    # Every dossier's facts are computed again from the start of the history (the projection's writes are upserts
    # that move the sums by the difference), so the new columns count the dossiers received before this version.
    op.execute("UPDATE projection_mark SET last_id = 0 WHERE name = 'indicators'")


def downgrade() -> None:
    with op.batch_alter_table("indicator_day", schema=None) as batch_op:
        for name in reversed(DAY_COUNTERS):
            batch_op.drop_column(name)
    with op.batch_alter_table("dossier_fact", schema=None) as batch_op:
        for name in reversed(FACT_FLAGS):
            batch_op.drop_column(name)
