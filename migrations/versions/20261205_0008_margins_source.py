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


def upgrade():
    with op.batch_alter_table("consultations") as batch:
        batch.add_column(
            sa.Column("margins_source", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("margins_date", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("consultations") as batch:
        batch.drop_column("margins_date")
        batch.drop_column("margins_source")
