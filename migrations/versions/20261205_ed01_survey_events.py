"""The audit trail of surveys: who created, edited, copied, imported,
opened and closed which version (``survey_events``).

Revision ID: 20261205_ed01
Revises: 20261205_fd02
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261205_ed01"
down_revision = "20261205_fd02"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("survey_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_events_survey_id"), ["survey_id"], unique=False)


def downgrade():
    with op.batch_alter_table("survey_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_events_survey_id"))
    op.drop_table("survey_events")
