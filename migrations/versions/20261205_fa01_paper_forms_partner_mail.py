"""Paper form numbers on responses.

``responses.form_number``: the number staff write on a paper form when it
comes in; unique per survey, so a form typed or imported twice is found
instead of stored twice.

Revision ID: 20261205_fa01
Revises: 0005_session_version
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261205_fa01"
down_revision = "0005_session_version"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_number", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(
            "uq_responses_survey_form_number", ["survey_id", "form_number"]
        )


def downgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_constraint("uq_responses_survey_form_number", type_="unique")
        batch_op.drop_column("form_number")
