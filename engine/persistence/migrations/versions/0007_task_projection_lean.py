"""task projection: drop the index by process nothing reads (every step inserts and deletes projection rows)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:00:00
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_task") as batch_op:
        batch_op.drop_index("ix_user_task_process")


def downgrade() -> None:
    with op.batch_alter_table("user_task") as batch_op:
        batch_op.create_index("ix_user_task_process", ["process_id", "due_at"], unique=False)
