"""The fieldwork dashboard: completion times as a histogram per survey
(``completion_times``: counts per duration band, nothing that points at a
response or a draft, no time of day), and the last wave of letters each
sample member got (``sample_members.last_wave``, for the response rate per
wave).

Members of letters printed before this revision have no wave (NULL): the
dashboard counts them under no wave rather than guess one.

Revision ID: 20261205_fd01
Revises: 0007 (random response keys)
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261205_fd01"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "completion_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "band", name="uq_completion_times_band"),
    )
    with op.batch_alter_table("sample_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_wave", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("sample_members", schema=None) as batch_op:
        batch_op.drop_column("last_wave")
    op.drop_table("completion_times")
