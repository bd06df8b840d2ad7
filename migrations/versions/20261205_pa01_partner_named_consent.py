"""Partner consent to be named; a partner's opened and sent days without time.

``partner_organisations.named`` and ``named_on``: the organisation agreed
to be named in the report, and the day it said so. Filled from what
partners already answered: the ``vermelding`` question (1 yes, 2 no) of
each organisation's most recently sent partner response (by day; among
responses of the same day, a yes does not win over a no).

``partner_links.first_opened_at`` and ``submitted_at``, and the times of
submitted partner drafts, are cut to their day (midnight), as the code
now writes them: no time of day is kept of what a partner did.

Downgrade: the consent columns are dropped (in place, every link and
response of the organisations kept); the cut times stay cut (the time of
day is gone, on purpose).

Revision ID: 20261205_pa01
Revises: 20261205_ed01 (survey events)
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261205_pa01"
down_revision = "20261205_ed01"
branch_labels = None
depends_on = None

CONSENT_QUESTION = "vermelding"


def _midnight(moment):
    return None if moment is None else moment.replace(hour=0, minute=0, second=0, microsecond=0)


def upgrade():
    # In place, not batch mode (see downgrade): the links stay.
    op.add_column(
        "partner_organisations",
        sa.Column("named", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("partner_organisations", sa.Column("named_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    organisations = sa.table(
        "partner_organisations",
        sa.column("id", sa.Integer),
        sa.column("named", sa.Boolean),
        sa.column("named_on", sa.Date),
    )
    responses = sa.table(
        "responses",
        sa.column("id", sa.Integer),
        sa.column("partner_id", sa.Integer),
        sa.column("submitted_on", sa.Date),
    )
    answers = sa.table(
        "answers",
        sa.column("response_id", sa.Integer),
        sa.column("variable_id", sa.Integer),
        sa.column("code", sa.Integer),
    )
    variables = sa.table("variables", sa.column("id", sa.Integer), sa.column("name", sa.String))
    given = bind.execute(
        sa.select(responses.c.partner_id, responses.c.submitted_on, answers.c.code)
        .join(answers, answers.c.response_id == responses.c.id)
        .join(variables, variables.c.id == answers.c.variable_id)
        .where(
            responses.c.partner_id.is_not(None),
            variables.c.name == CONSENT_QUESTION,
            answers.c.code.in_([1, 2]),
        )
        # Latest day last; on one day a no (2) comes last and wins.
        .order_by(responses.c.submitted_on, answers.c.code)
    ).all()
    latest = {}
    for partner_id, day, code in given:
        latest[partner_id] = (code == 1, day)
    for partner_id, (named, day) in latest.items():
        bind.execute(
            organisations.update()
            .where(organisations.c.id == partner_id)
            .values(named=named, named_on=day)
        )

    links = sa.table(
        "partner_links",
        sa.column("id", sa.Integer),
        sa.column("first_opened_at", sa.DateTime),
        sa.column("submitted_at", sa.DateTime),
    )
    for row in bind.execute(
        sa.select(links.c.id, links.c.first_opened_at, links.c.submitted_at)
    ).all():
        bind.execute(
            links.update()
            .where(links.c.id == row.id)
            .values(
                first_opened_at=_midnight(row.first_opened_at),
                submitted_at=_midnight(row.submitted_at),
            )
        )
    drafts = sa.table(
        "drafts",
        sa.column("id", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
        sa.column("submitted", sa.Boolean),
    )
    for row in bind.execute(
        sa.select(drafts.c.id, drafts.c.created_at, drafts.c.updated_at).where(
            drafts.c.submitted.is_(True)
        )
    ).all():
        bind.execute(
            drafts.update()
            .where(drafts.c.id == row.id)
            .values(created_at=_midnight(row.created_at), updated_at=_midnight(row.updated_at))
        )


def downgrade():
    # Not batch mode: on SQLite it copies the table and drops the old one,
    # and with foreign keys on that drop deletes every link of the
    # organisations (ON DELETE CASCADE) and unties their responses.
    # SQLite drops a column in place since 3.35.
    op.drop_column("partner_organisations", "named_on")
    op.drop_column("partner_organisations", "named")
