"""task list indexes: a role's page (filters, count, each sort) stays fast with 100,000 open tasks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 08:00:00
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_user_task_filters": ["lane", "procedure_code", "portal_status", "due_at", "assignee"],
    "ix_user_task_lane_appointment": ["lane", "appointment"],
    "ix_user_task_lane_ready": ["lane", "ready_at"],
    "ix_user_task_lane_code": ["lane", "instance_code"],
}


def upgrade() -> None:
    with op.batch_alter_table("user_task", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("user_task", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
