"""Tag corrections: a planner's phenomena for a comment text.

The report tags residents' comments with a keyword lexicon; a planner can
correct the phenomena of a comment on screen. The correction is kept per
consultation and per comment text (the SHA-256 of its redacted form).

Revision ID: 0006
Revises: 0005_session_version
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005_session_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tag_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("phenomena", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("consultation_id", "text_hash"),
    )


def downgrade():
    op.drop_table("tag_corrections")
