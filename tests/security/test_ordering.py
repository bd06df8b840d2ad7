"""Nothing in the database orders responses in time.

Twenty residents answer one after the other through the web journey. Then,
for every column of every table that holds a response's rows (the response,
its answers, its free texts, its cell) the values are read per response in the order
the responses were sent: sorting the responses by any column must not give
back that order, nor come close to it (Kendall's tau below 0.8 either way;
twenty random keys reach 0.8 about once in a million). The response export
lists the responses in an order as unrelated. The draft tombstones share
no key with the responses and keep no time finer than the day."""

from __future__ import annotations

import random
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

from flask import Flask
from resident_flow import answer_all, open_copy, start, submit

RESPONSES = 20
MAX_TAU = 0.8


def _monotone(values: list[Any]) -> bool:
    """True when the values run strictly up or strictly down."""
    pairs = list(pairwise(values))
    return all(a < b for a, b in pairs) or all(a > b for a, b in pairs)


def _tau(values: list[Any]) -> float:
    """Kendall's tau between the values and their position (ties count 0)."""
    pairs = list(combinations(values, 2))
    score = sum((a < b) - (a > b) for a, b in pairs)
    return score / len(pairs)


def _pairs_with_order(values: list[Any]) -> bool:
    """Sorting by these values gives back the submission order, or nearly."""
    return _monotone(values) or abs(_tau(values)) >= MAX_TAU


def test_no_column_follows_the_order_of_submission(app: Flask, client: Any, tmp_path: Path) -> None:
    from sqlalchemy import inspect, select, text

    from survey.extensions import db
    from survey.models import Response
    from survey.responses.csv_export import iter_records

    key = open_copy(app, tmp_path)
    rng = random.Random(16)
    order: list[int] = []
    for _ in range(RESPONSES):
        visitor = app.test_client()
        # Answers in no particular order (the age varies), so that only the
        # way rows are stored could tell which came first.
        check = answer_all(visitor, start(visitor, key), {"leeftijd": str(rng.randint(18, 90))})
        submit(visitor, check)
        with app.app_context():
            ids = set(db.session.scalars(select(Response.id)))
        new = ids - set(order)
        assert len(new) == 1
        order.extend(new)

    with app.app_context():
        connection = db.session.connection()
        inspector = inspect(connection)
        checked = 0
        # The check catches a sequence, and one with a few swaps.
        nearly = list(range(RESPONSES))
        nearly[3], nearly[4], nearly[11], nearly[15] = nearly[4], nearly[3], nearly[15], nearly[11]
        assert _pairs_with_order(list(range(RESPONSES))) and _pairs_with_order(nearly)
        for table in ("responses", "answers", "free_texts", "response_cells"):
            columns = [c["name"] for c in inspector.get_columns(table)]
            if table == "responses":
                link = "id"
                rows = connection.execute(text("SELECT * FROM responses")).mappings().all()
            elif table == "response_cells":
                rows = (
                    connection.execute(
                        text(
                            "SELECT DISTINCT c.*, a.response_id AS owner FROM response_cells c "
                            "JOIN answers a ON a.cell_id = c.id"
                        )
                    )
                    .mappings()
                    .all()
                )
                link = "owner"
            else:
                link = "response_id"
                rows = connection.execute(text(f"SELECT * FROM {table}")).mappings().all()  # noqa: S608
            assert rows, table
            for column in columns:
                per_response: dict[int, Any] = {}
                for row in rows:
                    value = row[column]
                    if value is None:
                        continue
                    owner = row[link]
                    # The smallest value of the response's rows stands for it.
                    if owner not in per_response or value < per_response[owner]:
                        per_response[owner] = value
                values = [per_response[r] for r in order if r in per_response]
                if len(set(values)) < 5:
                    continue  # (nearly) the same for everyone: orders nothing
                checked += 1
                assert not _pairs_with_order(values), (
                    f"{table}.{column} follows the order of submission"
                )
        assert checked >= 6

        # The export: the order of its rows tells nothing either.
        survey = db.session.scalar(select(Response).where(Response.id == order[0])).survey
        public = dict(connection.execute(text("SELECT public_id, id FROM responses")).all())
        exported = [public[r.public_id] for r in iter_records(db.session, survey)]
        assert sorted(exported) == sorted(order)
        position = {r: i for i, r in enumerate(order)}
        assert not _pairs_with_order([position[r] for r in exported])

        # Physical order: a dump lists rows in their storage order; on
        # SQLite that is the (random) key order.
        if connection.dialect.name == "sqlite":
            stored = [r[0] for r in connection.execute(text("SELECT id FROM responses"))]
            assert stored != order and stored != order[::-1]

        # The drafts the responses came from: tombstones without a time of day.
        drafts = connection.execute(
            text("SELECT id, created_at, updated_at, expires_at, submitted FROM drafts")
        ).all()
        assert len(drafts) == RESPONSES
        for draft in drafts:
            assert draft.submitted
            for moment in (draft.created_at, draft.updated_at, draft.expires_at):
                stamp = str(moment)
                assert stamp.endswith("00:00:00") or stamp.endswith("00:00:00.000000"), stamp
        # Nothing joins a tombstone to its response: not the submission key.
        response_keys = set(
            connection.execute(text("SELECT submission_key FROM responses")).scalars()
        )
        draft_keys = set(connection.execute(text("SELECT submission_key FROM drafts")).scalars())
        assert len(response_keys) == RESPONSES and not response_keys & draft_keys
        ids = sorted(d.id for d in drafts)
        assert ids != list(range(ids[0], ids[0] + RESPONSES))


def test_partners_links_and_drafts_keep_only_the_day(app: Flask, partner_survey: str) -> None:
    """What a partner did (opening its link, sending its answers) is kept to
    the day, as every date of an answer is: the link's opened and sent
    moments and the sent draft's times are midnight. (The times the zone
    itself issued, revoked or e-mailed a link are its own actions.)"""
    from partner_flow import add_partner, answer_all, full_answers, issue_all, send
    from planner_helpers import logged_in
    from sqlalchemy import text

    from survey.extensions import db

    planner = logged_in(app, app.test_client(), role="planner")
    names = ["Parket", "Stad", "School"]
    for name in names:
        add_partner(planner, name, "Bestuur", f"{name.lower()}@vb.be")
    links = issue_all(planner, partner_survey)
    for name in names:
        partner = app.test_client()
        answer_all(partner, links[name], full_answers())
        assert send(partner, links[name]).status_code == 302

    with app.app_context():
        connection = db.session.connection()
        moments = connection.execute(
            text("SELECT first_opened_at, submitted_at FROM partner_links")
        ).all()
        drafts = connection.execute(
            text(
                "SELECT created_at, updated_at FROM drafts "
                "WHERE partner_link_id IS NOT NULL AND submitted"
            )
        ).all()
    assert len(moments) == len(names) and len(drafts) == len(names)
    for row in [*moments, *drafts]:
        for moment in row:
            assert moment is not None
            stamp = str(moment)
            assert stamp.endswith("00:00:00") or stamp.endswith("00:00:00.000000"), stamp
