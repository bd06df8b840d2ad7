"""Random keys for the rows of responses; submitted drafts keep only the day.

Responses, their answers, free texts and cells, and drafts were numbered in
the order they were written, so sorting by key paired every response with
its place in the order of submission (and a submitted draft, through its
times, with its minute). This renumbers the rows that exist with random
keys (``survey.models.base.random_id``, as new rows get them) and cuts the
times of submitted drafts to their day. Nothing else changes: the schema is
the same, every reference follows its row.

Downgrade: the schema is unchanged; the rows are numbered 1 .. n again (in
the order of their random keys, not of submission, which must not come
back) and PostgreSQL's sequences continue after n, as the code before this
revision expects of a sequence-numbered key.

Revision ID: 0007
Revises: 20261205_fa01 (paper forms, partner mail)
Create Date: 2026-12-05
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "20261205_fa01"
branch_labels = None
depends_on = None

# (table, key column, referencing (table, column) pairs, key bits)
RENUMBERED = (
    ("responses", [("answers", "response_id"), ("free_texts", "response_id")], 31),
    ("response_cells", [("answers", "cell_id")], 31),
    ("answers", [], 62),
    ("free_texts", [], 31),
    ("drafts", [], 31),
)
FOREIGN_KEYS = (
    ("answers", "fk_answers_response_id_responses", "response_id"),
    ("free_texts", "fk_free_texts_response_id_responses", "response_id"),
)


def _new_keys(count: int, bits: int) -> list[int]:
    keys: set[int] = set()
    while len(keys) < count:
        keys.add(secrets.randbelow(2**bits - 1) + 1)
    return list(keys)


def _renumber(bind, keys_for) -> None:
    """Give every row of the renumbered tables the key ``keys_for(old keys,
    bits)`` returns (in the order of the old keys), references included."""
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        for table, name, _column in FOREIGN_KEYS:
            op.drop_constraint(name, table, type_="foreignkey")
    else:
        # SQLite checks the references at commit, when all have moved.
        bind.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
    for table, references, bits in RENUMBERED:
        old = [row[0] for row in bind.execute(sa.text(f"SELECT id FROM {table} ORDER BY id"))]  # noqa: S608
        if not old:
            continue
        # First out of the way (negative), then to the new keys: a new key
        # never meets an old one.
        bind.execute(sa.text(f"UPDATE {table} SET id = -id"))  # noqa: S608
        for other, column in references:
            bind.execute(
                sa.text(f"UPDATE {other} SET {column} = -{column} WHERE {column} IS NOT NULL")  # noqa: S608
            )
        pairs = [
            {"old": -key, "new": new} for key, new in zip(old, keys_for(old, bits), strict=True)
        ]
        bind.execute(sa.text(f"UPDATE {table} SET id = :new WHERE id = :old"), pairs)  # noqa: S608
        for other, column in references:
            bind.execute(
                sa.text(f"UPDATE {other} SET {column} = :new WHERE {column} = :old"),  # noqa: S608
                pairs,
            )
    if postgres:
        for table, name, column in FOREIGN_KEYS:
            op.create_foreign_key(name, table, "responses", [column], ["id"], ondelete="CASCADE")


def upgrade():
    bind = op.get_bind()
    _renumber(bind, lambda old, bits: _new_keys(len(old), bits))
    drafts = sa.table(
        "drafts",
        sa.column("id", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
        sa.column("expires_at", sa.DateTime),
        sa.column("submitted", sa.Boolean),
    )
    rows = bind.execute(
        sa.select(drafts.c.id, drafts.c.created_at, drafts.c.updated_at, drafts.c.expires_at).where(
            drafts.c.submitted.is_(True)
        )
    ).all()
    for row in rows:
        bind.execute(
            drafts.update()
            .where(drafts.c.id == row.id)
            .values(
                created_at=_midnight(row.created_at),
                updated_at=_midnight(row.updated_at),
                expires_at=_midnight(row.expires_at),
            )
        )


def _midnight(moment):
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def downgrade():
    bind = op.get_bind()
    _renumber(bind, lambda old, bits: list(range(1, len(old) + 1)))
    if bind.dialect.name == "postgresql":
        for table, _references, _bits in RENUMBERED:
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
