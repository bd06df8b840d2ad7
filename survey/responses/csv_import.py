"""Importing a response file (docs/response-file.md): paper questionnaires
typed into a spreadsheet, or answers from another tool.

All or nothing: every row is read with the question types' ``from_cells``
and checked with ``check_values`` (the rules of the answer pages, except
``required``: a blank on paper is item non-response, stored as missing);
rows are written in batches while reading, and if any row breaks a rule
the caller rolls the whole transaction back. Errors are listed by row
number (the header is row 1, as a spreadsheet shows it) and field.

Idempotent: a row whose ``response_id`` or ``form_number`` is already
stored in the survey is skipped and reported (or replaced on request).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import Table, select

from survey.definitions.definition import QuestionDef, SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.models import Answer, FreeText, Response, ResponseMode, Survey, SurveyState
from survey.models.base import today
from survey.questions.base import CellError
from survey.responses.checking import check_values
from survey.responses.storage import ResponseWriter, delete_responses, new_public_id

# Columns an export adds that an import may carry: not warned about. The
# language and mode of a row are kept; the weight is worked out again by the
# report (it depends on all responses and the margins). ``response_id`` and
# ``form_number`` find rows that are already stored.
META_COLUMNS = frozenset({"response_id", "form_number", "language", "mode", "weight"})
BATCH_SIZE = 500
MAX_LISTED_ERRORS = 200
# An export's ids are 24 hexadecimal characters; another tool's may differ.
PUBLIC_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
FORM_NUMBER_RE = re.compile(r"[^\x00-\x1f\x7f]{1,32}")

csv.field_size_limit(1024 * 1024)


class OnDuplicate:
    """What an import does with a row whose ``response_id`` or
    ``form_number`` is already stored in the survey."""

    SKIP = "skip"
    REPLACE = "replace"
    ALL = (SKIP, REPLACE)


@dataclass
class ImportReport:
    """What an import did (or would have done): ``stored`` new responses,
    ``replaced`` stored ones, and the row numbers ``skipped`` because they
    were stored before."""

    stored: int = 0
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    replaced: int = 0
    skipped: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No row had an error."""
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


@dataclass(frozen=True)
class _CheckedRow:
    number: int
    language: str
    mode: str
    shown: list[QuestionDef]
    kept: dict[str, Any]
    public_id: str | None
    form_number: str | None


@dataclass(frozen=True)
class _Stored:
    id: int
    public_id: str
    survey_id: int
    form_number: str | None
    submitted_on: date


class _BatchWriter:
    """Writes checked rows in batches: rows already stored (same
    ``response_id``, or same ``form_number`` in the survey) are skipped or
    replaced, then one multi-row INSERT of responses (ids returned in
    order), one of answers and one of free texts."""

    def __init__(
        self,
        session: DbSession,
        survey: Survey,
        mode: str,
        on_duplicate: str,
        report: ImportReport,
    ) -> None:
        self.session = session
        self.survey = survey
        self.mode = mode
        self.on_duplicate = on_duplicate
        self.report = report
        self.writer = ResponseWriter(session, survey)
        self.pending: list[_CheckedRow] = []

    def add(self, row: _CheckedRow) -> None:
        self.pending.append(row)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def _stored(self) -> tuple[dict[str, _Stored], dict[str, _Stored]]:
        """The stored responses the pending rows name, by public id and by
        form number (of this survey)."""
        columns = (
            Response.id,
            Response.public_id,
            Response.survey_id,
            Response.form_number,
            Response.submitted_on,
        )
        ids = [r.public_id for r in self.pending if r.public_id]
        ids += [self._own_id(i) for i in ids]
        forms = [r.form_number for r in self.pending if r.form_number]
        by_id: dict[str, _Stored] = {}
        by_form: dict[str, _Stored] = {}
        if ids:
            for found in self.session.execute(select(*columns).where(Response.public_id.in_(ids))):
                by_id[found.public_id] = _Stored(*found)
        if forms:
            for found in self.session.execute(
                select(*columns).where(
                    Response.survey_id == self.survey.id, Response.form_number.in_(forms)
                )
            ):
                by_form[str(found.form_number)] = _Stored(*found)
        return by_id, by_form

    def _own_id(self, public_id: str) -> str:
        """The id in this survey of a response that another survey's export
        names ``public_id``: derived, so that it is the same every time."""
        digest = hashlib.sha256(f"{self.survey.id}:{public_id}".encode()).hexdigest()
        return digest[:24]

    def _public_id(self, row: _CheckedRow, by_id: dict[str, _Stored]) -> str:
        """The public id of a new response for ``row``."""
        if not row.public_id:
            return new_public_id()
        other = by_id.get(row.public_id)
        if other is not None and other.survey_id != self.survey.id:
            return self._own_id(row.public_id)
        return row.public_id

    def _match(
        self, row: _CheckedRow, by_id: dict[str, _Stored], by_form: dict[str, _Stored]
    ) -> tuple[_Stored | None, bool]:
        """The stored response ``row`` is a copy of (or None), and whether
        the row may be written at all."""
        same_id = by_id.get(row.public_id) if row.public_id else None
        if same_id is not None and same_id.survey_id != self.survey.id:
            # A row of another survey's export (a copy, a new version): its
            # own id in this survey, found again on the next import.
            same_id = by_id.get(self._own_id(same_id.public_id))
        same_form = by_form.get(row.form_number) if row.form_number else None
        if same_id is not None and same_form is not None and same_id.id != same_form.id:
            _error(
                self.report,
                row.number,
                "form_number",
                _("This form number is stored with another response_id."),
            )
            return None, False
        return same_id or same_form, True

    def flush(self) -> None:
        if not self.pending:
            return
        by_id, by_form = self._stored()
        writing: list[tuple[_CheckedRow, dict[str, Any]]] = []
        replaced: list[int] = []
        for row in self.pending:
            stored, writable = self._match(row, by_id, by_form)
            if not writable:
                continue
            values = {
                "public_id": self._public_id(row, by_id),
                "survey_id": self.survey.id,
                "survey_version": self.survey.version,
                "mode": row.mode,
                "language": row.language,
                "form_number": row.form_number,
                "submitted_on": today(),
            }
            if stored is not None:
                if self.on_duplicate != OnDuplicate.REPLACE:
                    self.report.skipped.append(row.number)
                    continue
                # The corrected copy keeps the stored one's id, number and day.
                replaced.append(stored.id)
                values["public_id"] = stored.public_id
                values["form_number"] = row.form_number or stored.form_number
                values["submitted_on"] = stored.submitted_on
            writing.append((row, values))
        self.pending.clear()
        if self.report.error_count or not writing:
            return
        delete_responses(self.session, replaced)
        # Core statements, not ORM bulk inserts: the ORM splits rows whose
        # None values differ into separate statements (one per variant).
        connection = self.session.connection()
        ids = connection.scalars(
            _table(Response)
            .insert()
            .returning(_table(Response).c.id, sort_by_parameter_order=True),
            [values for _row, values in writing],
        ).all()
        answers: list[dict[str, Any]] = []
        texts: list[dict[str, Any]] = []
        for response_id, (row, _values) in zip(ids, writing, strict=True):
            more_answers, more_texts = self.writer.rows_for(
                response_id, row.shown, row.kept, mode=row.mode
            )
            answers.extend(more_answers)
            texts.extend(more_texts)
        if answers:
            connection.execute(_table(Answer).insert(), answers)
        if texts:
            connection.execute(_table(FreeText).insert(), texts)
        self.report.replaced += len(replaced)
        self.report.stored += len(writing) - len(replaced)


def import_responses(
    session: DbSession,
    survey: Survey,
    data: bytes | IO[bytes],
    *,
    mode: str = ResponseMode.IMPORT,
    on_duplicate: str = OnDuplicate.SKIP,
) -> ImportReport:
    """Read a response file and store every row as a response, with the
    row's own ``mode`` when the file has that column (web, paper or import,
    as an export writes it) and ``mode`` otherwise; likewise its
    ``language``. A row whose ``response_id`` (or ``form_number``) is
    already stored in the survey is skipped and reported, or with
    ``on_duplicate`` "replace" stored in place of the stored one: importing
    a file twice never doubles it. Required questions may be blank (item
    non-response on paper is stored as missing); every other rule of the
    answer pages holds. Raises ``ResponseImportRefused`` (after which the
    caller must roll back) when the file cannot be read or any row breaks a
    rule. Flushes only."""
    report = ImportReport()
    if survey.state is SurveyState.DRAFT:
        report.errors.append(_("Open the survey before importing responses."))
        report.error_count = 1
        raise ResponseImportRefused(report)
    definition = definition_of(survey)
    stream = _text_stream(data)
    try:
        writer = _BatchWriter(session, survey, mode, on_duplicate, report)
        _read(definition, stream, writer, report)
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
    definition: SurveyDefinition,
    stream: io.TextIOWrapper,
    writer: _BatchWriter,
    report: ImportReport,
) -> None:
    """Check the header, then every row, adding each good row to
    ``writer``; the rows are written only when no row has an error (every
    error is still listed)."""
    rows = _rows(stream)
    header = [name.strip() for name in next(rows, [])]
    known = _check_header(definition, header, report)
    if known is None:
        return
    first_row_of: dict[tuple[str, str], int] = {}
    for number, cells_list in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells_list):
            continue  # spreadsheets often end with blank lines
        report.rows += 1
        row = _check_row(
            definition, header, number, cells_list, writer.mode, known, first_row_of, report
        )
        if row is not None and not report.error_count:
            writer.add(row)
    if report.error_count == 0:
        writer.flush()


def _check_header(
    definition: SurveyDefinition, header: list[str], report: ImportReport
) -> set[str] | None:
    """The survey's column names, or None when the header refuses the
    file (empty, a column named twice, no question column); columns the
    survey does not know are a warning."""
    if not header or header == [""]:
        report.errors.append(_("The file is empty: the first row must name the columns."))
        report.error_count += 1
        return None
    known = {name for q in definition.questions for name in q.qtype.column_names(q)}
    # Counter, not header.count(): a file with a million columns must not
    # take a million squared steps.
    duplicates = sorted(n for n, times in Counter(header).items() if times > 1 and n)
    if duplicates:
        report.errors.append(
            _("Row 1: columns named twice: %(names)s.", names=", ".join(duplicates[:20]))
        )
        report.error_count += 1
        return None
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
        return None
    return known


def _check_row(
    definition: SurveyDefinition,
    header: list[str],
    number: int,
    cells_list: list[str],
    default_mode: str,
    known: set[str],
    first_row_of: dict[tuple[str, str], int],
    report: ImportReport,
) -> _CheckedRow | None:
    """Row ``number`` read and checked against the survey as the answer
    pages check it (required questions may be blank), or None when it has
    an error (reported)."""
    errors_before = report.error_count
    if len(cells_list) > len(header):
        _error(report, number, "", _("This row has more cells than the header."))
        return None
    cells = dict(zip(header, cells_list, strict=False))
    language, row_mode = _language_and_mode(definition, number, cells, default_mode, report)
    if language is None or row_mode is None:
        return None
    values, unreadable = _row_values(definition, number, cells, report)
    public_id, form_number = _row_keys(report, number, cells, known, first_row_of)
    shown, kept, problems = check_values(definition, values, required=False)
    for name, message in problems:
        # A cell that could not be read is reported once, above.
        if name.partition(".")[0] not in unreadable:
            _error(report, number, name, str(message))
    if not unreadable and not any(q.qtype.is_answered(q, kept.get(q.key)) for q in shown):
        _error(report, number, "", _("This row holds no answer."))
    if report.error_count != errors_before:
        return None
    return _CheckedRow(number, language, row_mode, shown, kept, public_id, form_number)


def _language_and_mode(
    definition: SurveyDefinition,
    number: int,
    cells: dict[str, str],
    default_mode: str,
    report: ImportReport,
) -> tuple[str | None, str | None]:
    """The row's language (the survey's first when empty) and way of
    answering (``default_mode`` when empty); None for one that is unknown
    (reported)."""
    languages = definition.languages
    language = cells.get("language", "").strip() or languages[0]
    if language not in languages:
        _error(report, number, "language", _("Unknown language %(lang)s.", lang=language))
        return None, None
    row_mode = cells.get("mode", "").strip() or default_mode
    if row_mode not in ResponseMode.ALL:
        _error(
            report,
            number,
            "mode",
            _("Unknown way of answering %(mode)s: use web, paper or import.", mode=row_mode),
        )
        return language, None
    return language, row_mode


def _row_values(
    definition: SurveyDefinition, number: int, cells: dict[str, str], report: ImportReport
) -> tuple[dict[str, Any], set[str]]:
    """Each question's value read from its cells, and the keys of the
    questions whose cells could not be read (each reported)."""
    values: dict[str, Any] = {}
    unreadable: set[str] = set()
    for question in definition.questions:
        try:
            values[question.key] = question.qtype.from_cells(question, cells)
        except CellError as exc:
            unreadable.add(question.key)
            _error(report, number, exc.field, str(exc.message))
    return values, unreadable


def _row_keys(
    report: ImportReport,
    number: int,
    cells: dict[str, str],
    known: set[str],
    first_row_of: dict[tuple[str, str], int],
) -> tuple[str | None, str | None]:
    """The row's ``response_id`` and ``form_number`` (None when empty),
    checked, and each only once in the file."""
    found: list[str | None] = []
    for name, pattern, message in (
        (
            "response_id",
            PUBLIC_ID_RE,
            _("A response_id has at most 32 letters, digits, - or _."),
        ),
        (
            "form_number",
            FORM_NUMBER_RE,
            _("A form number has at most 32 characters."),
        ),
    ):
        value = "" if name in known else cells.get(name, "").strip()
        if not value:
            found.append(None)
            continue
        if not pattern.fullmatch(value):
            _error(report, number, name, message)
            found.append(None)
            continue
        earlier = first_row_of.setdefault((name, value), number)
        if earlier != number:
            _error(report, number, name, _("The same value is on row %(row)s.", row=earlier))
        found.append(value)
    return found[0], found[1]


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
    """How many responses the survey has stored."""
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).where(Response.survey_id == survey.id)) or 0)
