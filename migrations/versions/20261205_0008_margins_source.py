"""The population margins' source and reference date of a consultation.

The methods section of the input report says where the margins come from
(e.g. "Statbel, bevolking op 1 januari 2026") and their date; the platform
cannot know either, so the planner enters them once per consultation.

Revision ID: 0008
Revises: 20261205_pa01 (partner named consent)
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "20261205_pa01"
branch_labels = None
depends_on = None


# In place, not batch mode: on SQLite a batch copies the table and drops
# the old one, which the surveys' foreign keys to consultations refuse (and
# a cascading key would empty). SQLite adds and drops a column in place
# since 3.35.
def upgrade():
    op.add_column(
        "consultations",
        sa.Column("margins_source", sa.String(length=200), nullable=False, server_default=""),
    )
    op.add_column("consultations", sa.Column("margins_date", sa.Date(), nullable=True))


def downgrade():
    op.drop_column("consultations", "margins_date")
    op.drop_column("consultations", "margins_source")
