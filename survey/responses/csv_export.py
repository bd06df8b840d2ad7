"""Exporting raw responses in the response-file layout (docs/response-file.md):
``response_id`` (the opaque ``Response.public_id``), ``language``, then the
survey's variables in order (multiple choice as ``key.code`` 0/1), then
``mode``.

Answers are read with one streamed query ordered by response (server-side
cursor on PostgreSQL, ``yield_per`` batches) and pivoted one response at a
time, so memory stays flat in the number of responses. Each question type
turns its stored rows back into a value (``from_rows``) and the value into
cells (``to_cells``), and declares its columns (``columns``: labels, and
what the cells hold). A day is written as ISO ``yyyy-mm-dd``.

Spreadsheet formula injection: a TEXT cell that starts with ``= + - @``,
a tab or a carriage return gets a leading apostrophe. Codes and numbers
are never touched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy import and_, select

from survey.definitions.definition import SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.models import Answer, FreeText, Response, Survey, Variable
from survey.questions.base import Column, StoredAnswer

YIELD_PER = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
META_HEAD = ("response_id", "language")
META_TAIL = ("mode",)


def neutralise(text: str) -> str:
    """Make a text cell inert in a spreadsheet (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Layout:
    """The columns of an export, as the question types declare them (with
    their labels in the survey's first language)."""

    definition: SurveyDefinition
    question_columns: list[Column]

    @property
    def columns(self) -> list[str]:
        return [*META_HEAD, *(c.name for c in self.question_columns), *META_TAIL]

    @property
    def text_columns(self) -> frozenset[str]:
        """The columns whose cells are texts a person wrote."""
        return frozenset(c.name for c in self.question_columns if c.kind == "text")


def layout_of(survey: Survey) -> Layout:
    definition = definition_of(survey)
    language = definition.default_language
    return Layout(
        definition,
        [c for q in definition.questions for c in q.qtype.columns(q, language)],
    )


@dataclass(frozen=True)
class Record:
    """One response as response-file cells (None = empty cell)."""

    public_id: str
    language: str
    mode: str
    cells: dict[str, Any]


def iter_records(
    session: DbSession, survey: Survey, *, yield_per: int = YIELD_PER
) -> Iterator[Record]:
    """Every response of ``survey`` in response id order, pivoted to cells.
    A raw free text already purged is exported as its redacted copy."""
    definition = definition_of(survey)
    by_name = {spec.name: (question, spec) for question, spec in definition.variables()}
    variables = {
        vid: by_name[name]
        for vid, name in session.execute(
            select(Variable.id, Variable.name).where(Variable.survey_id == survey.id)
        ).all()
        if name in by_name
    }
    statement = (
        select(
            Answer.response_id,
            Response.public_id,
            Response.language,
            Response.mode,
            Answer.variable_id,
            Answer.code,
            Answer.number,
            FreeText.text,
            FreeText.redacted,
        )
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(
            FreeText,
            and_(
                FreeText.response_id == Answer.response_id,
                FreeText.variable_id == Answer.variable_id,
            ),
        )
        .where(Response.survey_id == survey.id)
        .order_by(Answer.response_id, Answer.id)
        .execution_options(stream_results=True, yield_per=yield_per)
    )
    result = session.execute(statement)
    try:
        for _rid, rows_iter in groupby(result, key=lambda r: r[0]):
            rows = list(rows_iter)
            first = rows[0]
            per_question: dict[str, list[StoredAnswer]] = {}
            for row in rows:
                known = variables.get(row[4])
                if known is None:
                    continue
                question, spec = known
                text = row[7] if row[7] is not None else (row[8] or None)
                per_question.setdefault(question.key, []).append(
                    StoredAnswer(spec, row[5], row[6], text)
                )
            cells: dict[str, Any] = {}
            for question in definition.questions:
                stored = per_question.get(question.key)
                if stored is None:
                    continue  # not shown: empty cells
                value = question.qtype.from_rows(question, stored)
                cells.update(question.qtype.to_cells(question, value))
            yield Record(first[1], first[2], first[3], cells)
    finally:
        result.close()


def record_row(layout: Layout, record: Record, *, neutralise_text: bool = True) -> list[Any]:
    """A record as a list of cells in layout order (None = empty)."""
    row: list[Any] = [record.public_id, record.language]
    for column in layout.question_columns:
        value = record.cells.get(column.name)
        if neutralise_text and isinstance(value, str) and column.kind == "text":
            value = neutralise(value)
        row.append(value)
    row.append(record.mode)
    return row


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def iter_csv(session: DbSession, survey: Survey, *, chunk_rows: int = 500) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks (with BOM, so Excel reads the accents),
    for streaming to a download or a file."""
    layout = layout_of(survey)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(layout.columns)
    pending = 0
    for record in iter_records(session, survey):
        writer.writerow([_csv_cell(v) for v in record_row(layout, record)])
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")
