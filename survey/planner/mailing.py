"""Addressed letters for a drawn sample, in waves: wave 1 invites every
member, each later wave reminds only those whose code is still unused.

A wave is a ``LetterRun``: the planner starts it, a background thread
(``start_in_background``) prints every letter into one PDF in the letters
folder (``LETTERS_DIR``) and counts its progress in the run, which the
letters page shows. The file holds codes and addresses: the planner
deletes it after printing; the purge at the end of fieldwork deletes it
in any case. The same recipients can go to an external mail house as a
CSV (``mailhouse_csv``), with every text cell neutralised against formulas
(``survey.privacy.spreadsheets``).

The page of each language and wave is laid out once
(``survey.planner.letters.templates``, in the recipient's language: nl, fr
or en) with the consultation's letter settings; the per-letter text and the
QR code are added by ``survey.planner.letterpress``.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from survey.database import reading, writing
from survey.extensions import DbSession, db
from survey.models import (
    Consultation,
    FramePerson,
    InvitationCode,
    LetterRun,
    Sample,
    SampleMember,
    Survey,
)
from survey.models.base import utcnow
from survey.planner import letterpress
from survey.planner.frame import LANGUAGES
from survey.planner.letters import link_maker, qr_alt, templates
from survey.privacy.spreadsheets import csv_writer
from survey.reporting.stored_files import private_folder
from survey.residents.codes import open_sealed

log = logging.getLogger(__name__)
Q = TypeVar("Q")

# A run not finished after this long was interrupted (10,000 letters take
# well under a minute on an idle two-core machine).
STALE_AFTER = timedelta(hours=1)
# Ids per UPDATE ... WHERE id IN (...): within every engine's parameter limit.
ID_CHUNK = 5000


class MailingRefused(ValueError):
    """A wave of letters is refused; the message says why (in Dutch)."""


@dataclass(frozen=True)
class Recipient:
    """One letter of a wave: the person's name and address, the letter's language and the code
    printed on it (opened from its seal)."""

    name: str
    address: str
    postcode: str
    municipality: str
    language: str
    code: str

    @property
    def lines(self) -> tuple[str, ...]:
        """The address block: name, street and number, postcode and municipality."""
        return (self.name, self.address, f"{self.postcode} {self.municipality}")


def _of_wave(query: Q, sample: Sample, wave: int) -> Q:
    """``query`` (a select over ``SampleMember``) narrowed to the members a
    letter of ``wave`` goes to: all of the sample in wave 1, those whose
    code is still unused in a later wave."""
    narrowed: Any = query
    narrowed = narrowed.where(SampleMember.sample_id == sample.id)
    if wave > 1:
        narrowed = narrowed.join(
            InvitationCode, InvitationCode.id == SampleMember.invitation_code_id
        ).where(InvitationCode.used.is_(False))
    return cast(Q, narrowed)


def recipients(session: DbSession, sample: Sample, wave: int) -> list[Recipient]:
    """Who gets a letter in ``wave``: every member in wave 1, only members
    whose code is unused in a later wave; in postcode and address order (as
    mail houses sort)."""
    query = _of_wave(
        select(
            FramePerson.name,
            FramePerson.address,
            FramePerson.postcode,
            FramePerson.municipality,
            FramePerson.language,
            SampleMember.sealed_code,
        ).join(FramePerson, FramePerson.id == SampleMember.person_id),
        sample,
        wave,
    ).order_by(FramePerson.postcode, FramePerson.address, FramePerson.id)
    return [
        Recipient(name, address, postcode, municipality, language, open_sealed(sealed))
        for name, address, postcode, municipality, language, sealed in session.execute(query)
    ]


def next_wave(session: DbSession, sample: Sample) -> int:
    """1 when no letters were printed yet, else the next reminder wave."""
    last = session.scalar(select(func.max(LetterRun.wave)).where(LetterRun.sample_id == sample.id))
    return int(last or 0) + 1


def runs_of(session: DbSession, sample: Sample) -> list[LetterRun]:
    """Every letter run of the sample, oldest first."""
    return list(
        session.scalars(
            select(LetterRun).where(LetterRun.sample_id == sample.id).order_by(LetterRun.id)
        )
    )


def letters_pdf(
    consultation: Consultation,
    survey: Survey,
    people: Sequence[Recipient],
    wave: int,
    base_url: str,
    progress: Callable[[int], None] = lambda done: None,
) -> bytes:
    """Every letter of a wave as one PDF, one A4 page per recipient."""
    languages = sorted({person.language for person in people})
    links = {language: link_maker(base_url, survey, language) for language in languages}
    pages = templates(consultation, survey, wave, languages, base_url)
    prints = [
        letterpress.LetterPrint(
            template=person.language,
            address=person.lines,
            code=person.code,
            qr=links[person.language](person.code),
            language=person.language,
        )
        for person in people
    ]
    with force_locale(letterpress.main_language(prints)):
        title = _("Invitation letters %(survey)s, wave %(wave)s", survey=survey.key, wave=wave)
    return letterpress.press(
        pages, prints, title=title, qr_alt=qr_alt(languages), progress=progress
    )


MAILHOUSE_COLUMNS = (
    "name",
    "address",
    "postcode",
    "municipality",
    "language",
    "code",
    "link",
    "wave",
)


def mailhouse_csv(people: Sequence[Recipient], wave: int, base_url: str, survey: Survey) -> bytes:
    """The recipients of a wave for an external mail house: one row per
    letter (the link opens the survey in the letter's language), every text
    cell neutralised so no cell is read as a formula."""
    links = {language: link_maker(base_url, survey, language) for language in LANGUAGES}
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(MAILHOUSE_COLUMNS)
    for person in people:
        writer.writerow(
            [
                person.name,
                person.address,
                person.postcode,
                person.municipality,
                person.language,
                person.code,
                links[person.language](person.code),
                wave,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def start_run(session: DbSession, sample: Sample, reminder: bool) -> LetterRun:
    """A queued run for the invitation (wave 1) or the next reminder wave.
    Refuses a reminder before the invitation, a wave without recipients, and
    a new run while another one of this sample is still being printed.
    Flushes; the caller commits and then starts it."""
    # A run left unfinished by a stopped server process would block every
    # later run: after STALE_AFTER it is marked failed.
    session.execute(
        update(LetterRun)
        .where(
            LetterRun.sample_id == sample.id,
            LetterRun.state.in_(("queued", "running")),
            LetterRun.created_at < utcnow() - STALE_AFTER,
        )
        .values(state="failed", error="interrupted")
        .execution_options(synchronize_session=False)
    )
    busy = session.scalar(
        select(func.count())
        .select_from(LetterRun)
        .where(LetterRun.sample_id == sample.id, LetterRun.state.in_(("queued", "running")))
    )
    if busy:
        raise MailingRefused(
            _("Letters of this sample are being printed: wait until they are done.")
        )
    wave = next_wave(session, sample)
    if not reminder:
        wave = 1
    elif wave == 1:
        raise MailingRefused(_("Print the invitation letters before a reminder."))
    total = count_recipients(session, sample, wave)
    if not total:
        raise MailingRefused(_("Every code of this sample has been used: nobody to remind."))
    run = LetterRun(sample_id=sample.id, wave=wave, total=total, state="queued")
    session.add(run)
    session.flush()
    return run


def count_recipients(session: DbSession, sample: Sample, wave: int) -> int:
    """How many letters ``wave`` of ``sample`` would print now."""
    query = _of_wave(select(func.count()).select_from(SampleMember), sample, wave)
    return int(session.scalar(query) or 0)


def mark_wave(session: DbSession, member_ids: Sequence[int], wave: int) -> None:
    """Record that the members ``member_ids`` got the letter of ``wave``
    (``SampleMember.last_wave``), once its file is printed. Flushes."""
    for start in range(0, len(member_ids), ID_CHUNK):
        session.execute(
            update(SampleMember)
            .where(SampleMember.id.in_(member_ids[start : start + ID_CHUNK]))
            .values(last_wave=wave)
            .execution_options(synchronize_session=False)
        )
    session.flush()


def letters_dir() -> Path:
    """The folder the letter files are written to (``LETTERS_DIR``, or ``letters`` in the
    instance folder), made private (0700) when missing."""
    return private_folder("LETTERS_DIR", "letters")


def run_file(run: LetterRun) -> Path | None:
    """The finished file of a run, while it is kept."""
    if run.state != "done" or not run.filename:
        return None
    path = letters_dir() / run.filename
    return path if path.is_file() else None


class RunGone(Exception):
    """The run's row was deleted while its letters were printed."""


def execute_run(session: DbSession, run_id: int) -> None:
    """Print the letters of a queued run into its file, committing progress
    as it goes (every ``letterpress.CHUNK`` letters). A failure
    marks the run failed with its reason; no half file is left."""
    run = session.get(LetterRun, run_id)
    if run is None or run.state != "queued":
        return
    sample = session.get(Sample, run.sample_id)
    survey = session.get(Survey, sample.survey_id) if sample else None
    if sample is None or survey is None:
        return
    consultation = session.get(Consultation, survey.consultation_id)
    wave = run.wave
    run.state = "running"
    session.commit()
    started = time.perf_counter()
    name = f"brieven-{survey.key}-golf{wave}-{run_id}.pdf"
    target = letters_dir() / name
    tmp = target.with_name(f".{name}.tmp")

    def progress(done: int) -> None:
        # The reader of the printing so far ends first: on SQLite a writer
        # begun beside it would wait for nothing but could not upgrade it.
        session.commit()
        with writing():
            session.execute(
                update(LetterRun)
                .where(LetterRun.id == run_id)
                .values(done=min(done, total))
                .execution_options(synchronize_session=False)
            )
            session.commit()

    try:
        # The members are read with their letters: a code used while the
        # file is printed still got this wave's letter.
        member_ids = list(session.scalars(_of_wave(select(SampleMember.id), sample, wave)))
        people = recipients(session, sample, wave)
        if consultation is None or not people:
            raise MailingRefused(_("Nobody to send letters to."))
        total = run.total = len(people)
        base_url = str(current_app.config["PUBLIC_BASE_URL"])
        # Printing takes seconds: it must not hold SQLite's write lock that
        # residents' saves wait for, so it reads in reader transactions.
        session.commit()
        with reading():
            data = letters_pdf(consultation, survey, people, wave, base_url, progress)
            session.commit()
        if session.get(LetterRun, run_id) is None:
            raise RunGone
        tmp.write_bytes(data)
        tmp.replace(target)
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        session.rollback()
        if session.get(LetterRun, run_id) is None:
            # Deleted while it printed (its sample or consultation purged): the
            # letters are not kept and no wave is marked.
            log.warning("letters run %s was deleted while it printed; nothing kept", run_id)
            return
        run.state = "failed"
        run.error = str(exc)[:300]
        session.commit()
        log.exception("letters run %s failed", run_id)
        return
    mark_wave(session, member_ids, wave)
    run.state = "done"
    run.filename = name
    run.done = run.total
    run.seconds = round(time.perf_counter() - started, 2)
    session.commit()
    log.info("letters run %s: %d letters in %.1f s", run_id, run.total, run.seconds)


def start_in_background(app: Flask, run_id: int) -> threading.Thread:
    """Print a queued run in a thread of this process, with its own app
    context and database session."""

    def work() -> None:
        with app.app_context():
            try:
                execute_run(db.session, run_id)
            except Exception:
                # Only what execute_run cannot record in its run (the database
                # gone from under it): logged, never a thread that dies unheard.
                log.exception("letters run %s stopped", run_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"letters-{run_id}", daemon=True)
    thread.start()
    return thread


def delete_run_file(session: DbSession, run: LetterRun) -> None:
    """Remove a run's file (after printing); the run's counts stay."""
    if run.filename:
        (letters_dir() / run.filename).unlink(missing_ok=True)
    run.filename = ""
    if run.state == "done":
        run.state = "deleted"
    session.flush()


def delete_letter_files(session: DbSession, sample_ids: Any) -> int:
    """Remove the kept files of every run of the samples ``sample_ids`` (a
    select of ids); return how many files went."""
    removed = 0
    for run in session.scalars(
        select(LetterRun).where(LetterRun.sample_id.in_(sample_ids), LetterRun.filename != "")
    ):
        delete_run_file(session, run)
        removed += 1
    return removed


def progress_of(run: LetterRun) -> dict[str, Any]:
    """What the letters page polls: state, done, total, percent."""
    percent = round(100 * run.done / run.total) if run.total else 0
    return {"state": run.state, "done": run.done, "total": run.total, "percent": percent}
