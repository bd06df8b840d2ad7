"""Exporting raw responses in the response-file layout (docs/response-file.md):
``response_id`` (the opaque ``Response.public_id``), ``language``, then the
survey's variables in order (multiple choice as ``key.code`` 0/1), then
``mode`` and, when the survey's consultation has population margins,
``weight`` (the raking weight of the report's default settings, given by the
caller as a ``survey.responses.weights.WeightColumn``; empty for a response
the weighting leaves out).

Answers are read with one streamed query ordered by response (server-side
cursor on PostgreSQL, ``yield_per`` batches) and pivoted one response at a
time, so memory stays flat in the number of responses. Each question type
turns its stored rows back into a value (``from_rows``) and the value into
cells (``to_cells``), and declares its columns (``columns``: labels, and
what the cells hold). A day is written as ISO ``yyyy-mm-dd``.

Texts are neutralised for spreadsheets by ``survey.privacy.spreadsheets``
(the CSV writer gives a text that a spreadsheet would run as a formula a
leading apostrophe); codes and numbers are never touched.
"""

from __future__ import annotations

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
from survey.privacy.spreadsheets import csv_writer
from survey.questions.base import Column, StoredAnswer
from survey.responses.weights import WEIGHT_COLUMN, WeightColumn

YIELD_PER = 2000
META_HEAD = ("response_id", "language")
META_TAIL = ("mode",)


@dataclass(frozen=True)
class Layout:
    """The columns of an export, as the question types declare them (with
    their labels in the export's language), and the weights of the
    ``weight`` column (None: no such column)."""

    definition: SurveyDefinition
    question_columns: list[Column]
    weights: WeightColumn | None = None

    @property
    def columns(self) -> list[str]:
        """The header of the response file: the meta columns, the question columns, then the
        weight when there is one."""
        tail = [*META_TAIL, WEIGHT_COLUMN] if self.weights is not None else list(META_TAIL)
        return [*META_HEAD, *(c.name for c in self.question_columns), *tail]

    @property
    def text_columns(self) -> frozenset[str]:
        """The columns whose cells are texts a person wrote."""
        return frozenset(c.name for c in self.question_columns if c.kind == "text")


def layout_of(
    survey: Survey, weights: WeightColumn | None = None, language: str | None = None
) -> Layout:
    """The columns of ``survey``'s export, labelled in ``language`` (default:
    the survey's first)."""
    definition = definition_of(survey)
    if language not in definition.languages:
        language = definition.default_language
    return Layout(
        definition,
        [c for q in definition.questions for c in q.qtype.columns(q, language)],
        weights,
    )


@dataclass(frozen=True)
class Record:
    """One response as response-file cells (None = empty cell)."""

    public_id: str
    language: str
    mode: str
    cells: dict[str, Any]
    cell_id: int | None = None
    """The response's cell (``ResponseCell.id``), which gives its weight."""


def iter_records(
    session: DbSession,
    survey: Survey,
    *,
    yield_per: int = YIELD_PER,
    response_ids: list[int] | None = None,
) -> Iterator[Record]:
    """Every response of ``survey`` (or only those of ``response_ids``) in
    response id order, pivoted to cells. A raw free text already purged is
    exported as its redacted copy."""
    definition = definition_of(survey)
    by_name = {spec.name: (question, spec) for question, spec in definition.variables()}
    variables = {
        vid: by_name[name]
        for vid, name in session.execute(
            select(Variable.id, Variable.name).where(Variable.survey_id == survey.id)
        ).all()
        if name in by_name
    }
    only = [] if response_ids is None else [Response.id.in_(response_ids)]
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
            Answer.cell_id,
        )
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(
            FreeText,
            and_(
                FreeText.response_id == Answer.response_id,
                FreeText.variable_id == Answer.variable_id,
            ),
        )
        .where(Response.survey_id == survey.id, *only)
        # By the public id: random, so no order of submission, and kept when an
        # import replaces a response, so a re-imported export lists its rows as before.
        .order_by(Response.public_id, Answer.response_id, Answer.id)
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
            yield Record(first[1], first[2], first[3], cells, first[9])
    finally:
        result.close()


def record_row(layout: Layout, record: Record) -> list[Any]:
    """A record as a list of cells in layout order (None = empty), texts as
    stored: each writer neutralises them for its own format."""
    row: list[Any] = [record.public_id, record.language]
    for column in layout.question_columns:
        row.append(record.cells.get(column.name))
    row.append(record.mode)
    if layout.weights is not None:
        row.append(layout.weights.weight_of(record.cell_id))
    return row


def _csv_cell(value: Any) -> Any:
    """A cell as the CSV writer takes it: numbers stay numbers (a whole
    float without its ``.0``), so that only texts are neutralised."""
    if value is None:
        return ""
    if isinstance(value, float):
        return value if value != int(value) else int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def cell_text(value: Any) -> str:
    """A cell as the text the CSV file holds ("" for empty), before any
    neutralising: what ``from_cells`` reads back."""
    return str(_csv_cell(value))


def iter_csv(
    session: DbSession,
    survey: Survey,
    *,
    chunk_rows: int = 500,
    weights: WeightColumn | None = None,
) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks (with BOM, so Excel reads the accents),
    for streaming to a download or a file; with ``weights`` a last column
    ``weight``."""
    layout = layout_of(survey, weights)
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")
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
