"""Planner users get a session version.

Logout, a new password, a role change and deactivation bump it; a session
cookie issued under an older version is refused by the workspace, so a
copied cookie stops working (the cookie session itself is stateless).
Existing users start at 0, which is what their current sessions lack, so
they log in once more after the upgrade.

Revision ID: 0005_session_version
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_session_version"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("planner_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("planner_users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
