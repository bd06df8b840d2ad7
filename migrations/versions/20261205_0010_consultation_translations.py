"""A consultation's title and margins' source in the surveys' other
languages (``consultations.translations``: {language: {title,
margins_source}}), so that a French report names the consultation and the
margins' source in French. NULL: Dutch only, what every report used before.

Revision ID: 0010
Revises: 0009 (weighting choices)
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


# In place, not batch mode, as 0008 and 0009: a batch copy of consultations
# on SQLite trips over the surveys' foreign keys to it.
def upgrade():
    op.add_column("consultations", sa.Column("translations", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("consultations", "translations")
