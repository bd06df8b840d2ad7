"""Sample frame, samples, their members and letter runs; the consultation's
end of fieldwork, reply-by date and letter settings; the purge log counts
addresses and code-to-address links.

Revision ID: 20261205_fb01
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261205_fb01"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sample_frames",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("reference_year", sa.Integer(), nullable=False),
        sa.Column("imported_on", sa.Date(), nullable=False),
        sa.Column("purged_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sample_frames_consultation_id"), "sample_frames", ["consultation_id"])
    op.create_table(
        "frame_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("frame_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=4), nullable=False),
        sa.Column("municipality", sa.String(length=100), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["frame_id"], ["sample_frames.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_frame_people_frame", "frame_people", ["frame_id"])
    op.create_table(
        "samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("frame_id", sa.Integer(), nullable=True),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("age_bands", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("drawn", sa.Integer(), nullable=False),
        sa.Column("strata", sa.JSON(), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.Column("drawn_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["frame_id"], ["sample_frames.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_samples_survey_id"), "samples", ["survey_id"])
    op.create_table(
        "sample_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("invitation_code_id", sa.Integer(), nullable=True),
        sa.Column("sealed_code", sa.String(length=80), nullable=False),
        sa.Column("stratum", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_code_id"], ["invitation_codes.id"], ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["frame_people.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sample_id"], ["samples.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sample_members_sample", "sample_members", ["sample_id"])
    op.create_table(
        "letter_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sample_id"], ["samples.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_letter_runs_sample_id"), "letter_runs", ["sample_id"])
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fieldwork_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reply_by", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("letter", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("letter_logo", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("letter_signature", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("purge_logs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("addresses", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("sample_links", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("purge_logs", schema=None) as batch_op:
        batch_op.drop_column("sample_links")
        batch_op.drop_column("addresses")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("letter_signature")
        batch_op.drop_column("letter_logo")
        batch_op.drop_column("letter")
        batch_op.drop_column("reply_by")
        batch_op.drop_column("fieldwork_until")
    op.drop_index(op.f("ix_letter_runs_sample_id"), table_name="letter_runs")
    op.drop_table("letter_runs")
    op.drop_index("ix_sample_members_sample", table_name="sample_members")
    op.drop_table("sample_members")
    op.drop_index(op.f("ix_samples_survey_id"), table_name="samples")
    op.drop_table("samples")
    op.drop_index("ix_frame_people_frame", table_name="frame_people")
    op.drop_table("frame_people")
    op.drop_index(op.f("ix_sample_frames_consultation_id"), table_name="sample_frames")
    op.drop_table("sample_frames")
