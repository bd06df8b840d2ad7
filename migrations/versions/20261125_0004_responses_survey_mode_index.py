"""Responses index (survey_id, mode) instead of (survey_id).

The input report counts the responses of a survey per mode; with the mode
in the index that is an index-only count instead of reading every response
row. Lookups by survey alone use the same index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index("ix_responses_survey_mode", ["survey_id", "mode"], unique=False)
        batch_op.drop_index("ix_responses_survey_id")


def downgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index("ix_responses_survey_id", ["survey_id"], unique=False)
        batch_op.drop_index("ix_responses_survey_mode")
