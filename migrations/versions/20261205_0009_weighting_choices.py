"""A consultation's weighting choices: the collapsing minimum, the declared
merges of weighting categories and whether the unanswered are weighted.

Until now only ``report build`` could set them (its options), so the web
report and the command line's report of one consultation could differ; the
planner now saves them once per consultation on the margins page, and
every report and export uses them. NULL: the defaults (a minimum of 20, no
merges, the unanswered left out), what every report used before.

Revision ID: 0009
Revises: 0008 (margins source)
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


# In place, not batch mode, as 0008: a batch copy of consultations on
# SQLite trips over the surveys' foreign keys to it.
def upgrade():
    op.add_column("consultations", sa.Column("weighting", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("consultations", "weighting")
