"""Report cube index: (variable_id, cell_id, code) also covers number and response_id.

The input report groups the answers by (variable, cell, code) in the order
of this index; with ``number`` and ``response_id`` in it, the number values
and the multiple-choice respondents (distinct responses per variable and
cell) are read from the index too, instead of one table row per answer.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_variable_cell_code")
        batch_op.create_index(
            "ix_answers_report_cube",
            ["variable_id", "cell_id", "code", "number", "response_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_report_cube")
        batch_op.create_index(
            "ix_answers_variable_cell_code", ["variable_id", "cell_id", "code"], unique=False
        )
