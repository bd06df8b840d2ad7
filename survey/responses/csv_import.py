"""Importing a response file (docs/response-file.md): paper questionnaires
typed into a spreadsheet, or answers from another tool.

All or nothing: every row is read with the question types' ``from_cells``
and checked with ``check_values`` (the same rules as the answer pages);
rows are written in batches while reading, and if any row breaks a rule
the caller rolls the whole transaction back. Errors are listed by row
number (the header is row 1, as a spreadsheet shows it) and field.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import Table, select

from survey.definitions.definition import QuestionDef, SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.models import Answer, FreeText, Response, ResponseMode, Survey, SurveyState
from survey.questions.base import CellError
from survey.responses.checking import check_values
from survey.responses.storage import ResponseWriter, new_public_id

# Columns an export adds that an import may carry: not warned about. The
# language and mode of a row are kept; the weight is worked out again by the
# report (it depends on all responses and the margins).
META_COLUMNS = frozenset({"response_id", "language", "mode", "weight"})
BATCH_SIZE = 500
MAX_LISTED_ERRORS = 200

csv.field_size_limit(1024 * 1024)


@dataclass
class ImportReport:
    """What an import did (or would have done)."""

    stored: int = 0
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class ResponseImportRefused(Exception):
    """The file was refused as a whole; ``report`` lists why."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.error_count} error(s)")
        self.report = report


def _text_stream(data: bytes | IO[bytes]) -> io.TextIOWrapper:
    raw = io.BytesIO(data) if isinstance(data, bytes) else data
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _delimiter(header_line: str) -> str:
    """Comma, or semicolon as a Belgian spreadsheet saves CSV."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _rows(stream: io.TextIOWrapper) -> Iterator[list[str]]:
    first = stream.readline()
    if not first:
        return
    delimiter = _delimiter(first)
    yield from csv.reader(io.StringIO(first), delimiter=delimiter)
    yield from csv.reader(stream, delimiter=delimiter)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


class _BatchWriter:
    """Writes checked rows in batches: one multi-row INSERT of responses
    (ids returned in order), then one of answers and one of free texts."""

    def __init__(self, session: DbSession, survey: Survey) -> None:
        self.session = session
        self.survey = survey
        self.writer = ResponseWriter(session, survey)
        self.pending: list[tuple[str, list[QuestionDef], dict[str, Any], str]] = []

    def add(self, language: str, shown: list[QuestionDef], kept: dict[str, Any], mode: str) -> None:
        self.pending.append((language, shown, kept, mode))
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        rows = [
            {
                "public_id": new_public_id(),
                "survey_id": self.survey.id,
                "survey_version": self.survey.version,
                "mode": mode,
                "language": language,
            }
            for language, _shown, _kept, mode in self.pending
        ]
        # Core statements, not ORM bulk inserts: the ORM splits rows whose
        # None values differ into separate statements (one per variant).
        connection = self.session.connection()
        ids = connection.scalars(
            _table(Response)
            .insert()
            .returning(_table(Response).c.id, sort_by_parameter_order=True),
            rows,
        ).all()
        answers: list[dict[str, Any]] = []
        texts: list[dict[str, Any]] = []
        for response_id, (_language, shown, kept, mode) in zip(ids, self.pending, strict=True):
            more_answers, more_texts = self.writer.rows_for(response_id, shown, kept, mode=mode)
            answers.extend(more_answers)
            texts.extend(more_texts)
        if answers:
            connection.execute(_table(Answer).insert(), answers)
        if texts:
            connection.execute(_table(FreeText).insert(), texts)
        self.pending.clear()


def import_responses(
    session: DbSession,
    survey: Survey,
    data: bytes | IO[bytes],
    *,
    mode: str = ResponseMode.IMPORT,
) -> ImportReport:
    """Read a response file and store every row as a response, with the
    row's own ``mode`` when the file has that column (web, paper or import,
    as an export writes it) and ``mode`` otherwise; likewise its
    ``language``. Raises ``ResponseImportRefused`` (after which the caller
    must roll back) when the file cannot be read or any row breaks a rule.
    Flushes only."""
    report = ImportReport()
    if survey.state is SurveyState.DRAFT:
        report.errors.append(_("Open the survey before importing responses."))
        report.error_count = 1
        raise ResponseImportRefused(report)
    definition = definition_of(survey)
    stream = _text_stream(data)
    try:
        _read(session, survey, definition, stream, mode, report)
    except UnicodeDecodeError as exc:
        report.errors.append(_("The file is not UTF-8 text (byte %(n)s).", n=exc.start))
        report.error_count += 1
    except csv.Error as exc:
        report.errors.append(_("The file is not a valid CSV file: %(reason)s", reason=str(exc)))
        report.error_count += 1
    finally:
        # Leave a file handle of the caller open; close our own buffer.
        if isinstance(data, bytes):
            stream.close()
        else:
            stream.detach()
    if not report.ok:
        raise ResponseImportRefused(report)
    return report


def _read(
    session: DbSession,
    survey: Survey,
    definition: SurveyDefinition,
    stream: io.TextIOWrapper,
    mode: str,
    report: ImportReport,
) -> None:
    rows = _rows(stream)
    header = [name.strip() for name in next(rows, [])]
    if not header or header == [""]:
        report.errors.append(_("The file is empty: the first row must name the columns."))
        report.error_count += 1
        return
    known = {name for q in definition.questions for name in q.qtype.column_names(q)}
    # Counter, not header.count(): a file with a million columns must not
    # take a million squared steps.
    duplicates = sorted(n for n, times in Counter(header).items() if times > 1 and n)
    if duplicates:
        report.errors.append(
            _("Row 1: columns named twice: %(names)s.", names=", ".join(duplicates[:20]))
        )
        report.error_count += 1
        return
    unknown = [n for n in header if n not in known and n not in META_COLUMNS]
    if unknown:
        report.warnings.append(
            _(
                "These columns are not part of the survey and were ignored: %(names)s.",
                names=", ".join(unknown[:20]) + (" …" if len(unknown) > 20 else ""),
            )
        )
    if not known & set(header):
        report.errors.append(_("Row 1: no column matches a question of this survey."))
        report.error_count += 1
        return
    languages = definition.languages
    writer = _BatchWriter(session, survey)
    for number, cells_list in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells_list):
            continue  # spreadsheets often end with blank lines
        report.rows += 1
        if len(cells_list) > len(header):
            _error(report, number, "", _("This row has more cells than the header."))
            continue
        cells = dict(zip(header, cells_list, strict=False))
        language = cells.get("language", "").strip() or languages[0]
        if language not in languages:
            _error(report, number, "language", _("Unknown language %(lang)s.", lang=language))
            continue
        row_mode = cells.get("mode", "").strip() or mode
        if row_mode not in ResponseMode.ALL:
            _error(
                report,
                number,
                "mode",
                _(
                    "Unknown way of answering %(mode)s: use web, paper or import.",
                    mode=row_mode,
                ),
            )
            continue
        values: dict[str, Any] = {}
        unreadable: set[str] = set()
        for question in definition.questions:
            try:
                values[question.key] = question.qtype.from_cells(question, cells)
            except CellError as exc:
                unreadable.add(question.key)
                _error(report, number, exc.field, str(exc.message))
        shown, kept, problems = check_values(definition, values)
        for name, message in problems:
            # A cell that could not be read is reported once, above.
            if name.partition(".")[0] not in unreadable:
                _error(report, number, name, str(message))
        if report.error_count:
            # Keep checking so every error is listed, but stop writing.
            continue
        writer.add(language, shown, kept, row_mode)
        report.stored += 1
    if report.error_count == 0:
        writer.flush()


def _error(report: ImportReport, row: int, name: str, message: str) -> None:
    report.error_count += 1
    if len(report.errors) < MAX_LISTED_ERRORS:
        where = (
            _("Row %(row)s, column %(name)s", row=row, name=name)
            if name
            else _("Row %(row)s", row=row)
        )
        report.errors.append(f"{where}: {message}")


def count_responses(session: DbSession, survey: Survey) -> int:
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).where(Response.survey_id == survey.id)) or 0)
