"""Privacy, as tests: no column for IP, user agent, time of day or code on
the response tables; a canary user agent and forwarded address reach no
table, log line or export; a used invitation code cannot be joined to its
response by time, order or a shared key.

Suppression in every report format (parsed back) is tested by the report
tests: tests/integration/test_report_formats.py."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from planner_helpers import logged_in
from resident_flow import answer_all, make_codes, start, submit
from sqlalchemy import DateTime, event, inspect, select, text

UA = "CanaryAgent/7f3a9b (privacy-test)"
FORWARDED = "203.0.113.77"
REAL_IP = "198.51.100.23"
CANARIES = (UA, "7f3a9b", FORWARDED, REAL_IP, "203.0.113", "198.51.100")

RESPONSE_TABLES = ("responses", "answers", "free_texts")
FORBIDDEN = ("ip", "addr", "agent", "browser", "time", "_at", "code", "invitation", "draft")


def test_response_tables_have_no_column_for_client_time_or_code(app: Flask) -> None:
    from survey.extensions import db

    with app.app_context():
        inspector = inspect(db.engine)
        for table in RESPONSE_TABLES:
            for column in inspector.get_columns(table):
                name = column["name"].lower()
                if table == "answers" and name == "code":
                    continue  # the option code of the answer, not a letter code
                assert not any(word in name for word in FORBIDDEN), f"{table}.{name}"
                assert not isinstance(column["type"], DateTime), f"{table}.{name}"
            targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
            assert not targets & {"invitation_codes", "drafts"}, table
        # The code table: a hash, a batch, the day of creation, used or not.
        # No time of use, no order of use, no link to a response.
        code_columns = {c["name"] for c in inspector.get_columns("invitation_codes")}
        assert code_columns == {"id", "survey_id", "code_hash", "batch", "created_on", "used"}
        code_fks = {fk["referred_table"] for fk in inspector.get_foreign_keys("invitation_codes")}
        assert code_fks == {"surveys"}


def _dump(app: Flask) -> str:
    """Every value of every table, as text."""
    from survey.extensions import db

    parts = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                parts.extend(str(value) for value in row)
    return "\n".join(parts)


def _exports(app: Flask, key: str) -> list[bytes]:
    client = logged_in(app, app.test_client(), role="admin", email="privacy@zone.be")
    files = []
    for fmt in ("csv", "xlsx", "sav"):
        response = client.get(f"/planner/bevragingen/{key}/antwoorden.{fmt}")
        assert response.status_code == 200, fmt
        data = response.get_data()
        if fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        files.append(data)
    return files


def test_client_data_is_stored_nowhere_logged_nowhere_exported_nowhere(
    app: Flask, client: Any, resident_survey: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.environ_base.update(
        {
            "HTTP_USER_AGENT": UA,
            "HTTP_X_FORWARDED_FOR": FORWARDED,
            "HTTP_X_REAL_IP": FORWARDED,
            "HTTP_FORWARDED": f"for={FORWARDED}",
            "REMOTE_ADDR": REAL_IP,
        }
    )
    code = make_codes(app, resident_survey, 1)[0]
    thanks = submit(client, answer_all(client, start(client, resident_survey, code)))
    assert thanks.location.endswith("/bedankt")
    assert client.get(thanks.location).status_code == 200

    dump = _dump(app)
    assert "Meer verlichting" in dump  # the dump does hold the answers
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    exports = _exports(app, resident_survey)
    assert any(b"Meer verlichting" in data for data in exports)
    for canary in CANARIES:
        assert canary not in dump, canary
        assert canary not in logged, canary
        for data in exports:
            assert canary.encode() not in data, canary


def test_a_used_code_cannot_be_joined_to_its_response(
    app: Flask, resident_survey: str, tmp_path: Path
) -> None:
    from survey.extensions import db
    from survey.models import Draft, InvitationCode, Response

    codes = make_codes(app, resident_survey, 4)
    with app.app_context():
        before = {
            row.id: row._asdict()
            for row in db.session.execute(select(*InvitationCode.__table__.columns)).all()
        }
        engine = db.engine
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "invitation_codes" in statement and not statement.lstrip().upper().startswith("SELECT"):
            statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        # Three residents send, in an order unrelated to the order of the codes.
        for code in (codes[2], codes[0], codes[3]):
            client = app.test_client()
            submit(client, answer_all(client, start(client, resident_survey, code)))
    finally:
        event.remove(engine, "before_cursor_execute", record)

    # The only write to the code table sets "used": no time, no sequence.
    assert len(statements) == 3
    for statement in statements:
        assert statement.upper().startswith("UPDATE INVITATION_CODES SET USED="), statement
        assert "," not in statement.split(" WHERE ")[0], statement

    with app.app_context():
        after = {
            row.id: row._asdict()
            for row in db.session.execute(select(*InvitationCode.__table__.columns)).all()
        }
        for code_id, row in after.items():
            assert {k: v for k, v in row.items() if k != "used"} == {
                k: v for k, v in before[code_id].items() if k != "used"
            }
        assert sorted(r["used"] for r in after.values()) == [False, True, True, True]
        # Drafts keep neither the code nor the response's submission key
        # after the submit: nothing joins a draft's times to a response.
        response_keys = set(db.session.scalars(select(Response.submission_key)))
        sent = db.session.execute(
            select(Draft.submission_key, Draft.invitation_code_id).where(Draft.submitted)
        ).all()
        assert len(sent) == 3
        for key, code_id in sent:
            assert code_id is None
            assert key not in response_keys
        # Responses carry only the day, and random public ids.
        days = set(db.session.scalars(select(Response.submitted_on)))
        assert len(days) == 1
        public_ids = db.session.scalars(select(Response.public_id).order_by(Response.id)).all()
        assert public_ids != sorted(public_ids) or len(set(public_ids)) == 3
        assert all(len(p) >= 24 for p in public_ids)
        if engine.dialect.name == "postgresql":
            # No database sequence counts the use of codes.
            sequences = db.session.scalars(
                text("SELECT sequence_name FROM information_schema.sequences")
            ).all()
            assert not [s for s in sequences if "used" in s or "use_" in s]


def test_responses_page_shows_the_resident_nothing_of_others(
    app: Flask, client: Any, resident_survey: str
) -> None:
    """The thank-you page and the check page show only this browser's
    answers: a second browser sees an empty start."""
    code = make_codes(app, resident_survey, 1)[0]
    submit(client, answer_all(client, start(client, resident_survey, code)))
    other = app.test_client()
    page = Page(other.get(f"/s/{resident_survey}/bedankt", follow_redirects=True))
    assert "Meer verlichting" not in page.text
    assert other.get(f"/s/{resident_survey}/controle").status_code == 302
