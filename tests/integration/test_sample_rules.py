"""The rules of the frame, the sample, the reminder waves and the purge,
on small frames: row errors in Dutch, all or nothing; allocation with a
minimum and per stratum; a reminder that skips used codes; a mail-house
file without formulas; addresses gone after the end of fieldwork."""

from __future__ import annotations

import csv
import io
import subprocess
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from planner_helpers import msg, row_prefix
from sqlalchemy import func, select

from bench.framegen import frame_csv, frame_rows
from survey.extensions import db
from survey.models import (
    FramePerson,
    InvitationCode,
    LetterRun,
    SampleFrame,
    SampleMember,
    Survey,
)
from survey.planner import mailing
from survey.planner.csvfile import CsvRefused
from survey.planner.frame import current_frame, import_frame
from survey.planner.purge import purge_consultation
from survey.planner.sample import SampleRefused, allocate, draw_sample
from survey.planner.surveys import get_consultation

CONSULTATION = "zvp-2026-2031"


def test_a_frame_with_bad_rows_is_refused_whole_with_row_numbers(
    app: Flask, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    rows = frame_rows(6)
    rows[1]["postcode"] = "900"
    rows[2]["sex"] = "q"
    rows[3]["age"] = "-4"
    rows[4]["language"] = "es"  # nl, fr, en and de are letter languages
    rows[5]["name"] = " "
    path = tmp_path / "frame.csv"
    path.write_bytes(frame_csv(rows))
    result = runner.invoke(args=["frame", "import", CONSULTATION, str(path)])
    assert result.exit_code != 0
    for row in (3, 4, 5, 6, 7):
        assert f"{row_prefix(app, row)}:" in result.output, result.output
    assert msg(
        app, "the postcode %(value)s is not a Belgian postcode (4 digits).", value="900"
    ) in (result.output)
    assert "nothing stored" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FramePerson)) == 0
        assert db.session.scalar(select(func.count()).select_from(SampleFrame)) == 0


def test_birth_year_or_age_and_the_columns_needed(app: Flask, resident_survey: str) -> None:
    with app.test_request_context("/planner/"):
        consultation = get_consultation(db.session, CONSULTATION)
        with pytest.raises(CsvRefused):
            import_frame(db.session, consultation, b"name,address,postcode\nA,B,9000\n")
        with pytest.raises(CsvRefused) as refused:
            import_frame(
                db.session,
                consultation,
                b"name,address,postcode,municipality,sex,language\nA,B,9000,Gent,m,nl\n",
            )
        assert "age" in refused.value.errors[0]
        data = (
            "name;address;postcode;municipality;birth_year;sex;language\n"
            "Zoë Dubois;Rue de l'Église 4;1000;Brussel;1950;V;FR\n"
        ).encode("utf-8-sig")
        imported = import_frame(db.session, consultation, data)
        person = db.session.scalars(select(FramePerson)).one()
        assert imported.people == 1
        assert (person.district, person.sex, person.language, person.birth_year) == (
            "Brussel",
            "f",
            "fr",
            1950,
        )


def test_allocation_proportional_with_a_minimum_and_per_stratum() -> None:
    populations = {"a": 900, "b": 90, "c": 10}
    assert allocate(populations, "proportional", 100) == {"a": 90, "b": 9, "c": 1}
    assert allocate(populations, "proportional", 100, minimum=5) == {"a": 90, "b": 9, "c": 5}
    assert allocate(populations, "proportional", 100, minimum=20) == {"a": 90, "b": 20, "c": 10}
    assert allocate(populations, "per_stratum", 50) == {"a": 50, "b": 50, "c": 10}
    # Largest remainders: the shares add up to the size asked.
    assert sum(allocate({"x": 1, "y": 1, "z": 1}, "proportional", 2).values()) == 2


def _sample(app: Flask, key: str, size: int = 40, **options: Any) -> int:
    with app.test_request_context("/planner/"):
        consultation = get_consultation(db.session, CONSULTATION)
        frame = current_frame(db.session, consultation)
        if frame is None:
            frame = import_frame(db.session, consultation, frame_csv(frame_rows(400))).frame
        from survey.definitions.store import find_survey

        survey = find_survey(db.session, key)
        sample = draw_sample(
            db.session,
            survey,
            frame,
            dimensions=options.pop("dimensions", ["district", "sex"]),
            method=options.pop("method", "proportional"),
            size=size,
            **options,
        )
        db.session.commit()
        return sample.id


def test_a_sample_is_refused_for_an_open_survey_and_beyond_the_frame(
    app: Flask, resident_survey: str, tmp_path: Path
) -> None:
    from resident_flow import open_copy

    open_key = open_copy(app, tmp_path)
    with pytest.raises(SampleRefused):
        _sample(app, open_key)
    with pytest.raises(SampleRefused):
        _sample(app, resident_survey, size=401)
    with pytest.raises(SampleRefused):
        _sample(app, resident_survey, dimensions=["income"])
    sample_id = _sample(app, resident_survey, size=3, method="per_stratum", seed=5)
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).where(SampleMember.sample_id == sample_id)) == 24
        )


def test_reminder_letters_go_only_to_unused_codes_and_the_mail_house_file_has_no_formulas(
    app: Flask, resident_survey: str, tmp_path: Path
) -> None:
    sample_id = _sample(app, resident_survey, size=40, seed=1)
    with app.test_request_context("/planner/"):
        from survey.models import Sample

        sample = db.session.get(Sample, sample_id)
        with pytest.raises(mailing.MailingRefused):
            mailing.start_run(db.session, sample, reminder=True)
        first = mailing.start_run(db.session, sample, reminder=False)
        db.session.commit()
        mailing.execute_run(db.session, first.id)
        assert first.state == "done" and first.total == 40
        invitation = mailing.run_file(first)
        assert invitation is not None
        everyone = {r.code for r in mailing.recipients(db.session, sample, 1)}
        # Three residents answer: their codes are used.
        used = sorted(everyone)[:3]
        from survey.residents.codes import code_hash

        for code in used:
            db.session.execute(
                InvitationCode.__table__.update()
                .where(InvitationCode.code_hash == code_hash(code))
                .values(used=True)
            )
        db.session.commit()
        reminder = mailing.start_run(db.session, sample, reminder=True)
        db.session.commit()
        assert (reminder.wave, reminder.total) == (2, 37)
        mailing.execute_run(db.session, reminder.id)
        path = mailing.run_file(reminder)
        assert path is not None
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert text.count("\f") == 37 and msg(app, "Reminder") in text
        printed = {code for code in everyone if code in text}
        assert printed == everyone - set(used)
        pages = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, check=True
        ).stdout
        assert "Pages:           37" in pages

        survey = db.session.get(Survey, sample.survey_id)
        people = mailing.recipients(db.session, sample, 2)
        people[0] = replace(people[0], name='=HYPERLINK("http://evil")', address="+32 Straat 1")
        people[1] = replace(people[1], municipality="@SUM(A1)", name="-1+1")
        data = mailing.mailhouse_csv(people, 2, "https://zone.example.be", survey)
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        assert len(rows) == 37 and {row["wave"] for row in rows} == {"2"}
        assert rows[0]["name"] == '\'=HYPERLINK("http://evil")'
        assert rows[0]["address"] == "'+32 Straat 1"
        assert (rows[1]["name"], rows[1]["municipality"]) == ("'-1+1", "'@SUM(A1)")
        for row in rows:
            # The link opens the survey in the letter's language.
            link = f"https://zone.example.be/s/{resident_survey}/code?code={row['code']}"
            if row["language"] != "nl":
                link += f"&lang={row['language']}"
            assert row["link"] == link
        assert {row["language"] for row in rows} >= {"nl", "fr"}
        french = next(row for row in rows if row["language"] == "fr")
        page = app.test_client().get(french["link"].removeprefix("https://zone.example.be"))
        assert page.status_code == 200 and '<html lang="fr"' in page.get_data(as_text=True)

        # End of fieldwork: addresses, links and both letter files go.
        consultation = get_consultation(db.session, CONSULTATION)
        consultation.fieldwork_until = date.today() - timedelta(days=1)
        counts = purge_consultation(db.session, consultation, actor="test")
        db.session.commit()
        assert (counts.addresses, counts.sample_links, counts.codes) == (400, 40, 0)
        assert not invitation.exists() and not path.exists()
        assert {run.state for run in db.session.scalars(select(LetterRun))} == {"deleted"}
        assert db.session.scalar(select(func.count()).select_from(FramePerson)) == 0
        assert db.session.scalar(select(SampleFrame.purged_on)) == date.today()


def test_one_wave_at_a_time_and_an_interrupted_run_does_not_block(
    app: Flask, resident_survey: str
) -> None:
    from datetime import datetime

    sample_id = _sample(app, resident_survey, size=10, seed=2)
    with app.test_request_context("/planner/"):
        from survey.models import Sample

        sample = db.session.get(Sample, sample_id)
        first = mailing.start_run(db.session, sample, reminder=False)
        db.session.commit()
        with pytest.raises(mailing.MailingRefused):
            mailing.start_run(db.session, sample, reminder=False)
        # The server stopped while printing: two hours later it is stale.
        first.state = "running"
        first.created_at = datetime(2020, 1, 1)
        db.session.commit()
        second = mailing.start_run(db.session, sample, reminder=False)
        db.session.commit()
        db.session.refresh(first)
        assert (first.state, first.error) == ("failed", "interrupted")
        assert second.state == "queued"


def test_residents_can_save_while_the_letters_of_a_wave_are_printed(
    app: Flask, resident_survey: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Printing a wave takes seconds (minutes for a large sample); on SQLite
    a resident's save needs the write lock, so the run must not hold it
    while it prints: at the start of the printing and at each chunk's
    progress, another writer gets the lock at once."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the write lock is SQLite's")
    import sqlite3

    from survey.planner import letterpress

    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    free: list[bool] = []

    def another_writer_gets_the_lock() -> bool:
        writer = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            writer.close()

    printing = mailing.letters_pdf

    def watched(*args: Any) -> bytes:
        *rest, progress = args
        free.append(another_writer_gets_the_lock())

        def watched_progress(done: int) -> None:
            free.append(another_writer_gets_the_lock())
            progress(done)

        return printing(*rest, watched_progress)

    monkeypatch.setattr(mailing, "letters_pdf", watched)
    monkeypatch.setattr(letterpress, "CHUNK", 10)
    sample_id = _sample(app, resident_survey, size=30, seed=3)
    with app.test_request_context("/planner/"):
        from survey.models import Sample

        sample = db.session.get(Sample, sample_id)
        run = mailing.start_run(db.session, sample, reminder=False)
        db.session.commit()
        mailing.execute_run(db.session, run.id)
        assert (run.state, run.done, run.total) == ("done", 30, 30), run.error
    # The start and three chunks of ten.
    assert free == [True] * 4


def test_a_run_deleted_while_its_letters_print_keeps_nothing_and_does_not_fail(
    app: Flask, resident_survey: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's row goes (its sample purged) while the letters print: the
    run ends quietly, keeps no file and marks no wave, instead of failing
    with the row gone (it did, in a thread, with nobody to hear it)."""
    from sqlalchemy import create_engine, delete, func, select

    from survey.models import LetterRun, Sample, SampleMember

    printing = mailing.letters_pdf

    def purged_meanwhile(*args: Any) -> bytes:
        data = printing(*args)
        # Another process (a purge) deletes it: an engine of its own.
        other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with other.begin() as connection:
            connection.execute(delete(LetterRun))
        other.dispose()
        return data

    monkeypatch.setattr(mailing, "letters_pdf", purged_meanwhile)
    sample_id = _sample(app, resident_survey, size=12, seed=5)
    with app.test_request_context("/planner/"):
        sample = db.session.get(Sample, sample_id)
        run = mailing.start_run(db.session, sample, reminder=False)
        db.session.commit()
        run_id = run.id
        # Other tests' letters share the folder: what this run adds is compared.
        before = set(mailing.letters_dir().iterdir())
        mailing.execute_run(db.session, run_id)
        db.session.rollback()
        assert db.session.get(LetterRun, run_id) is None
        assert set(mailing.letters_dir().iterdir()) == before
        marked = db.session.scalar(
            select(func.count())
            .select_from(SampleMember)
            .where(SampleMember.sample_id == sample_id, SampleMember.last_wave.is_not(None))
        )
        assert marked == 0
