"""Paper form numbers on responses; partner e-mail.

``responses.form_number``: the number staff write on a paper form when it
comes in; unique per survey, so a form typed or imported twice is found
instead of stored twice. ``partner_organisations.language``: the language
of its e-mails. ``partner_links.invited_at``, ``reminded_at`` and
``reminders``: the e-mails sent to an organisation for a survey.

Revision ID: 20261205_fa01
Revises: 20261205_fb01
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261205_fa01"
down_revision = "20261205_fb01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_number", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(
            "uq_responses_survey_form_number", ["survey_id", "form_number"]
        )

    with op.batch_alter_table("partner_organisations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=5), server_default="nl", nullable=False)
        )
    with op.batch_alter_table("partner_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("reminders", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("partner_links", schema=None) as batch_op:
        batch_op.drop_column("reminders")
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("invited_at")
    with op.batch_alter_table("partner_organisations", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_constraint("uq_responses_survey_form_number", type_="unique")
        batch_op.drop_column("form_number")
