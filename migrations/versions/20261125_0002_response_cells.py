"""Response cells: every answer row carries its response's cross-tab cell.

A cell is the response mode and its codes on the survey's dimension
questions (district, age band, sex), numbered in ``response_cells``; the
report's cross-tabs and weighted tallies become one GROUP BY over the
answers' (variable_id, cell_id, code) index, without joining every answer
to its response's dimension answers.

Backfill: per survey, the dimension variables are found in the stored
definition (first single/scale/number question per ``dimension`` or
``bands.dimension``, in survey order, as ``survey.analysis.report`` does);
then plain SQL (SQLite and PostgreSQL) inserts the distinct cells and sets
``cell_id`` on the answers. Answers left without a cell are still counted
right: the report then joins as before.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DIMENSION_TYPES = {"single", "scale", "number"}


def _dimension_question_keys(definition):
    found = {}
    for page in definition.get("pages") or []:
        for spec in page.get("questions") or []:
            if "dimension" in spec:
                dimension = str(spec["dimension"])
            elif spec.get("bands"):
                dimension = str(spec["bands"]["dimension"])
            else:
                continue
            if dimension and dimension not in found and spec.get("type") in DIMENSION_TYPES:
                found[dimension] = spec["key"]
    return list(found.values())


def _backfill(bind):
    surveys = bind.execute(sa.text("SELECT id, definition FROM surveys")).all()
    for survey_id, definition in surveys:
        if isinstance(definition, str):
            definition = json.loads(definition)
        variables = dict(
            bind.execute(
                sa.text("SELECT name, id FROM variables WHERE survey_id = :s"), {"s": survey_id}
            ).all()
        )
        dim_ids = [
            variables[k] for k in _dimension_question_keys(definition or {}) if k in variables
        ]
        signature = ",".join(str(i) for i in dim_ids)
        # codes: "3,2," = each dimension's code, "" when not answered.
        parts = [
            f"COALESCE((SELECT CAST(a{i}.code AS VARCHAR(20)) FROM answers a{i} "  # noqa: S608
            f"WHERE a{i}.response_id = r.id AND a{i}.variable_id = {int(v)}), '')"
            for i, v in enumerate(dim_ids)
        ]
        codes = " || ',' || ".join(parts) if parts else "''"
        per_response = (
            f"SELECT r.id AS rid, r.mode AS mode, {codes} AS codes "  # noqa: S608
            "FROM responses r WHERE r.survey_id = :s"
        )
        bind.execute(
            sa.text(
                "INSERT INTO response_cells (survey_id, dimensions, mode, codes) "  # noqa: S608
                f"SELECT DISTINCT :s, :sig, p.mode, p.codes FROM ({per_response}) p"
            ),
            {"s": survey_id, "sig": signature},
        )
        bind.execute(
            sa.text(
                "UPDATE answers SET cell_id = ("  # noqa: S608
                "SELECT c.id FROM response_cells c "
                f"JOIN ({per_response}) p ON p.mode = c.mode AND p.codes = c.codes "
                "WHERE c.survey_id = :s AND c.dimensions = :sig AND p.rid = answers.response_id"
                ") WHERE response_id IN (SELECT id FROM responses WHERE survey_id = :s)"
            ),
            {"s": survey_id, "sig": signature},
        )


def upgrade():
    op.create_table(
        "response_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("dimensions", sa.String(length=200), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("codes", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_response_cells_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_cells")),
        sa.UniqueConstraint(
            "survey_id", "dimensions", "mode", "codes", name="uq_response_cells_key"
        ),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cell_id", sa.Integer(), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_answers_variable_cell_code", ["variable_id", "cell_id", "code"], unique=False
        )


def downgrade():
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_variable_cell_code")
        batch_op.drop_column("cell_id")
    op.drop_table("response_cells")
