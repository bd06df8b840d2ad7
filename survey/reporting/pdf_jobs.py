"""The report PDF made in the background, with its progress, for the report
page: no request waits for a layout (seconds on the demo, minutes at 100k
responses).

A job is the PDF of one survey with one set of options in one language.
Its state lives in a small JSON file and the finished PDF beside it, in the
folder ``REPORT_PDF_DIR`` (default ``report-pdfs`` in the instance folder):
every server process (gunicorn runs several) sees the same jobs, and no
table or migration is needed. A thread of the process that was asked does
the work, as the letter runs do (``survey.planner.mailing``). A restart
loses only the thread: its job stops being updated, counts as interrupted
after ``STALE_AFTER`` and can be started again. Nothing in it is personal:
the PDF is the published report.

The finished file is named after the SHA-256 of the HTML it was laid out
from. That HTML holds every input (the answers' figures, options, language,
the day), so a second request rebuilds the report model (fast once the
audit and charts are remembered, ``survey.memo``), finds the file of the
same HTML and is done without a new layout; another answer or option gives
other HTML and a new file. Files older than ``KEEP_FOR`` are removed when a
job starts.

Starting a job is exclusive across processes: two gunicorn workers (or a
double click reaching two of them) that both find no job under way would
otherwise both lay out the same PDF. The starter holds an exclusive
``flock`` on ``job-<id>.lock`` beside the state from before it writes the
queued state until its thread ends (then the file is removed); a process
that cannot take it joins the job under way instead. The kernel drops the
lock when its process dies, so a dead process leaves no lock behind that
someone would have to judge stale (an ``O_EXCL`` file would, and two
processes removing a stale one could each start a job).

Phases and their share of the bar: the report model and its HTML (0-20 %),
the layout (20-70 %), painting and writing the pages (70-100 %); WeasyPrint
reports nothing within a phase.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import force_locale, format_datetime, format_number
from flask_babel import gettext as _

from survey.analysis.report import ReportError, ReportSettings, build_report
from survey.database import read_only_context
from survey.extensions import db
from survey.reporting.stored_files import private_folder, remove_older, write_atomically

log = logging.getLogger(__name__)

STALE_AFTER = 15 * 60
"""Seconds without news after which a running job counts as interrupted
(a phase of the demo takes seconds; of 100k responses, a few minutes)."""

KEEP_FOR = 24 * 3600
"""Seconds a job and its PDF are kept."""

PERCENT = {"queued": 0, "model": 5, "layout": 20, "writing": 70, "done": 100, "failed": 100}
"""Where the progress bar stands when a phase starts."""

RUNNING = ("queued", "model", "layout", "writing")


@dataclass
class PdfJob:
    """One PDF being made or made: ``state`` is one of ``RUNNING``, ``done``
    or ``failed``; ``problem`` says why it failed (``report:KIND``: the
    report cannot be built, ``ReportError.kind``; ``internal``: anything
    else, logged)."""

    id: str
    survey: str
    query: dict[str, str]
    language: str
    state: str = "queued"
    pages: int = 0
    filename: str = ""
    """The PDF in the jobs folder, when done."""
    download_name: str = ""
    problem: str = ""
    responses: int = 0
    """The responses the finished PDF reports on (its model's count)."""
    updated: float = field(default_factory=time.time)
    """Seconds since the epoch of the last news; of a finished job, when the
    PDF was made (shown on its page, never published)."""

    @property
    def percent(self) -> int:
        """How far the job is, 0 to 100."""
        return PERCENT.get(self.state, 0)

    @property
    def running(self) -> bool:
        """Queued or under way, and not interrupted."""
        return self.state in RUNNING and not self.stale

    @property
    def stale(self) -> bool:
        """Running on paper, but without news for ``STALE_AFTER`` seconds:
        its thread ended with its process."""
        return self.state in RUNNING and time.time() - self.updated > STALE_AFTER


def progress_text(job: PdfJob) -> str:
    """Where a job stands, in the planner's language."""
    if job.stale:
        return failure_text(job)
    if job.state == "queued":
        return str(_("Waiting to start."))
    if job.state == "model":
        return str(_("Building the report (%(percent)s%%).", percent=job.percent))
    if job.state == "layout":
        return str(_("Laying out the pages (%(percent)s%%).", percent=job.percent))
    if job.state == "writing":
        return str(
            _("Writing %(pages)s pages (%(percent)s%%).", pages=job.pages, percent=job.percent)
        )
    if job.state == "done":
        return str(_("The PDF is ready."))
    return failure_text(job)


def made_text(job: PdfJob) -> str:
    """When a finished PDF was made and on how many responses: a file kept
    up to ``KEEP_FOR`` may predate the latest answers."""
    made = datetime.fromtimestamp(job.updated, tz=UTC)
    return str(
        _(
            "Made on %(when)s, on %(responses)s responses.",
            # Day, month name and minute in the planner's language and time zone.
            when=format_datetime(made, "d MMMM y, HH:mm"),
            responses=format_number(job.responses),
        )
    )


def failure_text(job: PdfJob) -> str:
    """Why a job did not finish, with a way out."""
    if job.stale:
        return str(_("Making the PDF was interrupted (the server was restarted). Try again."))
    if job.problem.startswith("report"):
        from survey.reporting.problems import problem_text

        kind = job.problem.partition(":")[2] or "other"
        return problem_text(ReportError(job.survey, kind=kind))
    return str(
        _(
            "The PDF could not be made: something went wrong on the server (it has been "
            "logged). Try again; if it fails again, tell the administrator."
        )
    )


def jobs_dir() -> Path:
    """The folder of the jobs and their PDFs (``REPORT_PDF_DIR``, or
    ``report-pdfs`` in the instance folder), made when missing."""
    return private_folder("REPORT_PDF_DIR", "report-pdfs")


def job_id(survey_key: str, query: dict[str, str], language: str) -> str:
    """The job of these inputs (hex): the same survey, options and language
    give the same job, whoever asks."""
    text = json.dumps([survey_key, sorted(query.items()), language])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _job_path(folder: Path, identifier: str) -> Path:
    return folder / f"job-{identifier}.json"


def read_job(identifier: str) -> PdfJob | None:
    """The job ``identifier`` (hex, as ``job_id`` makes it), or None."""
    if not identifier.isalnum():
        return None
    try:
        data = json.loads(_job_path(jobs_dir(), identifier).read_text(encoding="utf-8"))
        return PdfJob(**data)
    except (OSError, ValueError, TypeError):
        return None


def _save(folder: Path, job: PdfJob) -> None:
    """Write the job's state atomically (a reader never sees half a file)."""
    job.updated = time.time()
    write_atomically(_job_path(folder, job.id), json.dumps(asdict(job)))


def pdf_file(job: PdfJob) -> Path | None:
    """The finished PDF of a job, while it is kept."""
    if job.state != "done" or not job.filename:
        return None
    path = jobs_dir() / job.filename
    return path if path.is_file() else None


def _lock_path(folder: Path, identifier: str) -> Path:
    return folder / f"job-{identifier}.lock"


def claim(folder: Path, identifier: str) -> int | None:
    """The right to start job ``identifier``: an open descriptor of its lock
    file holding an exclusive ``flock``, or None when another process (or
    thread: each claim opens the file anew) holds it. Hand it to
    :func:`release` when the job ends."""
    path = _lock_path(folder, identifier)
    for _attempt in range(3):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        # A holder that just finished removed the file after this process
        # opened it: the lock is then on a name nobody else sees. Open anew.
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        held = os.fstat(fd)
        if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)
    return None


def release(folder: Path, identifier: str, fd: int) -> None:
    """Give up the claim: remove the lock file while still holding it (so
    that no one takes a lock on a file about to disappear), then close."""
    try:
        _lock_path(folder, identifier).unlink(missing_ok=True)
    finally:
        os.close(fd)


def start(app: Flask, survey_key: str, query: dict[str, str], settings: ReportSettings) -> PdfJob:
    """The job of these inputs: the one under way (here or in another
    process), or a new one started in a thread of this process, which holds
    the job's claim until it ends. Returns at once."""
    folder = jobs_dir()
    identifier = job_id(survey_key, query, settings.language)
    job = read_job(identifier)
    if job is not None and job.running:
        return job
    fd = claim(folder, identifier)
    if fd is None:
        # Another process is starting or making it: join that job (its
        # state may not be written yet; the PDF's page reads it again).
        joined = read_job(identifier)
        return joined or PdfJob(identifier, survey_key, dict(query), settings.language)
    try:
        remove_older(folder, KEEP_FOR)  # jobs and PDFs
        job = PdfJob(identifier, survey_key, dict(query), settings.language)
        _save(folder, job)
        thread = threading.Thread(
            target=_work,
            args=(app, folder, job, settings, fd),
            name=f"report-pdf-{identifier[:8]}",
        )
        thread.daemon = True
        thread.start()
    except BaseException:
        release(folder, identifier, fd)
        raise
    return job


def _work(app: Flask, folder: Path, job: PdfJob, settings: ReportSettings, fd: int) -> None:
    try:
        with app.app_context():
            # A reader: on SQLite it must not hold the write lock while it works.
            read_only_context()
            try:
                with force_locale(settings.language):
                    make(folder, job, settings)
            finally:
                db.session.remove()
    finally:
        release(folder, job.id, fd)


def make(folder: Path, job: PdfJob, settings: ReportSettings) -> None:
    """Build the report, lay out its PDF (unless the file of the same HTML
    is there) and record every phase in the job. A failure is recorded,
    never raised; no half file is left."""
    # The writers import matplotlib and WeasyPrint: only when a PDF is made.
    from survey.reporting.pdf_writer import lay_out, print_html

    def phase(state: str, **changes: Any) -> None:
        job.state = state
        for name, value in changes.items():
            setattr(job, name, value)
        _save(folder, job)

    try:
        phase("model")
        model = build_report(db.session, job.survey, settings)
        html, charts = print_html(model)
        db.session.rollback()  # read only
        name = f"inputrapport-{hashlib.sha256(html.encode('utf-8')).hexdigest()[:32]}.pdf"
        target = folder / name
        pages = 0
        if not target.is_file():
            phase("layout")
            data = lay_out(html, charts, laid_out=lambda count: phase("writing", pages=count))
            pages = job.pages
            write_atomically(target, data)
        phase(
            "done",
            filename=name,
            pages=pages,
            responses=model.responses,
            download_name=f"inputrapport-{job.survey}-{model['generated_on']}.pdf",
        )
    except ReportError as exc:
        db.session.rollback()
        phase("failed", problem=f"report:{exc.kind}")
    except Exception:
        db.session.rollback()
        log.exception("report PDF %s of %s failed", job.id, job.survey)
        phase("failed", problem="internal")
