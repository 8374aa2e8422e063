"""dossier.search_text: the folded code, applicant name, ID number and phone a dossier is found by

Revision ID: 0010
Revises: 0015
Create Date: 2026-12-07 10:30:00
"""

import json

import sqlalchemy as sa
from alembic import op

from engine.domain.dossier_search import search_text

revision = "0010"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    connection = op.get_bind()
    dossier = sa.table("dossier", sa.column("id"), sa.column("code"), sa.column("applicant"), sa.column("search_text"))
    for row in connection.execute(sa.select(dossier.c.id, dossier.c.code, dossier.c.applicant)).all():
        applicant = json.loads(row.applicant) if isinstance(row.applicant, str | bytes) else row.applicant
        connection.execute(
            dossier.update().where(dossier.c.id == row.id).values(search_text=search_text(row.code, applicant))
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_column("search_text")
