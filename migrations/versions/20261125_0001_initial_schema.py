"""Initial schema: consultations, surveys and their derived structure,
responses with integer-coded answers and separate free text, drafts,
invitation codes, partners, planner users and the purge log.

Reviewed by hand: answers are indexed on (variable_id, code) for the report's
GROUP BY and on (response_id, variable_id) for exports; responses carry no IP,
user agent, time of day or invitation code.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("retention_until", sa.Date(), nullable=True),
        sa.Column("matrix_weights", sa.JSON(), nullable=True),
        sa.Column("lexicon", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("key", name=op.f("uq_consultations_key")),
    )
    op.create_table(
        "partner_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=80), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_partner_organisations_name")),
    )
    op.create_table(
        "planner_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planner_users")),
        sa.UniqueConstraint("email", name=op.f("uq_planner_users_email")),
    )
    op.create_table(
        "objective_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("phenomenon_key", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_objective_indicators_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective_indicators")),
        sa.UniqueConstraint(
            "consultation_id",
            "phenomenon_key",
            "year",
            "source",
            name=op.f("uq_objective_indicators_consultation_id"),
        ),
    )
    op.create_table(
        "phenomena",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("federal_priority", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_phenomena_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phenomena")),
        sa.UniqueConstraint("consultation_id", "key", name=op.f("uq_phenomena_consultation_id")),
    )
    op.create_table(
        "population_margins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("code", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_population_margins_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_margins")),
        sa.UniqueConstraint(
            "consultation_id",
            "dimension",
            "code",
            name=op.f("uq_population_margins_consultation_id"),
        ),
    )
    op.create_table(
        "purge_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("purged_at", sa.DateTime(), nullable=False),
        sa.Column("codes", sa.Integer(), nullable=False),
        sa.Column("drafts", sa.Integer(), nullable=False),
        sa.Column("free_texts", sa.Integer(), nullable=False),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_purge_logs_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purge_logs")),
    )
    with op.batch_alter_table("purge_logs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purge_logs_consultation_id"), ["consultation_id"], unique=False
        )

    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("access", sa.String(length=16), nullable=False),
        sa.Column(
            "state",
            sa.Enum("draft", "open", "closed", name="surveystate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_surveys_consultation_id_consultations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("key", name=op.f("uq_surveys_key")),
    )
    op.create_table(
        "invitation_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_invitation_codes_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invitation_codes_code_hash")),
    )
    with op.batch_alter_table("invitation_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitation_codes_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "partner_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("first_opened_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["partner_organisations.id"],
            name=op.f("fk_partner_links_organisation_id_partner_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_partner_links_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_partner_links_token_hash")),
    )
    with op.batch_alter_table("partner_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_links_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_partner_links_survey_id"), ["survey_id"], unique=False)

    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("page_key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=True),
        sa.Column("dimension", sa.String(length=40), nullable=True),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_questions_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
        sa.UniqueConstraint("survey_id", "key", name=op.f("uq_questions_survey_id")),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("survey_version", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner_organisations.id"],
            name=op.f("fk_responses_partner_id_partner_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_responses_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint("public_id", name=op.f("uq_responses_public_id")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_responses_submission_key")),
    )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_responses_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_responses_survey_id"), ["survey_id"], unique=False)

    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("resume_code_hash", sa.String(length=64), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("page_index", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("invitation_code_id", sa.Integer(), nullable=True),
        sa.Column("partner_link_id", sa.Integer(), nullable=True),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("submitted", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_code_id"],
            ["invitation_codes.id"],
            name=op.f("fk_drafts_invitation_code_id_invitation_codes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_link_id"],
            ["partner_links.id"],
            name=op.f("fk_drafts_partner_link_id_partner_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_drafts_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("resume_code_hash", name=op.f("uq_drafts_resume_code_hash")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_drafts_submission_key")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_drafts_token_hash")),
    )
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_drafts_partner_link_id"), ["partner_link_id"], unique=False
        )

    op.create_table(
        "question_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.Integer(), nullable=False),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("missing", sa.Boolean(), nullable=False),
        sa.Column("phenomenon", sa.String(length=40), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_options_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_options")),
        sa.UniqueConstraint("question_id", "code", name=op.f("uq_question_options_question_id")),
    )
    op.create_table(
        "variables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=90), nullable=False),
        sa.Column("row_key", sa.String(length=40), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("phenomenon", sa.String(length=40), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_variables_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_variables_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variables")),
        sa.UniqueConstraint("survey_id", "name", name=op.f("uq_variables_survey_id")),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("variable_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.Integer(), nullable=True),
        sa.Column("number", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_answers_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variable_id"],
            ["variables.id"],
            name=op.f("fk_answers_variable_id_variables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_answers_response_variable", ["response_id", "variable_id"], unique=False
        )
        batch_op.create_index("ix_answers_variable_code", ["variable_id", "code"], unique=False)

    op.create_table(
        "free_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("variable_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("redacted", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_free_texts_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variable_id"],
            ["variables.id"],
            name=op.f("fk_free_texts_variable_id_variables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_free_texts")),
    )
    with op.batch_alter_table("free_texts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_free_texts_response_id"), ["response_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("free_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_free_texts_response_id"))

    op.drop_table("free_texts")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_variable_code")
        batch_op.drop_index("ix_answers_response_variable")

    op.drop_table("answers")
    op.drop_table("variables")
    op.drop_table("question_options")
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drafts_partner_link_id"))

    op.drop_table("drafts")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responses_survey_id"))
        batch_op.drop_index(batch_op.f("ix_responses_partner_id"))

    op.drop_table("responses")
    op.drop_table("questions")
    with op.batch_alter_table("partner_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_links_survey_id"))
        batch_op.drop_index(batch_op.f("ix_partner_links_organisation_id"))

    op.drop_table("partner_links")
    with op.batch_alter_table("invitation_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_codes_survey_id"))

    op.drop_table("invitation_codes")
    op.drop_table("surveys")
    with op.batch_alter_table("purge_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purge_logs_consultation_id"))

    op.drop_table("purge_logs")
    op.drop_table("population_margins")
    op.drop_table("phenomena")
    op.drop_table("objective_indicators")
    op.drop_table("planner_users")
    op.drop_table("partner_organisations")
    op.drop_table("consultations")
