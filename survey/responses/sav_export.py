"""Responses as an SPSS ``.sav`` file, with the codebook of the export
(``survey.responses.codebook``) as its dictionary: what each question type
declares of its columns (``QuestionType.columns``: variable labels and value
labels in the chosen language, user-missing values, measurement levels, the
format that fits the values, ``F1.0`` for codes 1-9, or DATE11 for a day),
valid SPSS names (a column name SPSS refuses gets a short name, its full
name opening the variable label) and, with weights, the ``weight``
variable; the file's documents say how the weights were made and name the
bands of a banded number.

The file is written by ``sav_writer.SavWriter`` while the answers stream
from ``iter_records``, one response at a time, so memory stays flat in the
number of responses (pyreadstat, which needs a whole DataFrame, is only used
to read files back in the tests). The only thing a streaming writer must
know before the first case is the width of each string column: pyreadstat
made it the longest value in bytes (at least 1), and so does this export,
from one aggregate query over the responses and one streamed pass over the
free texts before the answers are read.
"""

from __future__ import annotations

from sqlalchemy import func, select

from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import FreeText, Response, Survey, Variable
from survey.responses.codebook import CodebookEntry, codebook
from survey.responses.csv_export import YIELD_PER, Layout, iter_records, layout_of, record_row
from survey.responses.sav_writer import MAX_STRING_WIDTH, SavVariable, SavWriter, spss_date
from survey.responses.weights import WeightColumn

META_STRINGS = ("response_id", "language", "mode")


def _string_widths(session: DbSession, survey: Survey, layout: Layout) -> dict[str, int]:
    """The width in bytes of every string column: its longest value in UTF-8
    (at least 1, at most SPSS's 32,767), as pyreadstat computed it.

    ``language`` and ``mode`` come from their distinct values; ``response_id``
    from the longest public id (hex digits, so characters are bytes); a free
    text column from one streamed pass over the survey's free texts (the raw
    text, or its redacted copy once purged, as ``iter_records`` exports it).
    """
    widths = {name: 1 for name in (*META_STRINGS, *layout.text_columns)}
    grouped = session.execute(
        select(Response.language, Response.mode, func.max(func.length(Response.public_id)))
        .where(Response.survey_id == survey.id)
        .group_by(Response.language, Response.mode)
    ).all()
    for language, mode, longest_id in grouped:
        widths["language"] = max(widths["language"], len((language or "").encode("utf-8")))
        widths["mode"] = max(widths["mode"], len((mode or "").encode("utf-8")))
        widths["response_id"] = max(widths["response_id"], int(longest_id or 0))
    column_of = {
        spec.name: question.key
        for question, spec in layout.definition.variables()
        if question.key in layout.text_columns
    }
    columns = {
        vid: column_of[name]
        for vid, name in session.execute(
            select(Variable.id, Variable.name).where(Variable.survey_id == survey.id)
        ).all()
        if name in column_of
    }
    if columns:
        texts = (
            select(FreeText.variable_id, FreeText.text, FreeText.redacted)
            .join(Response, Response.id == FreeText.response_id)
            .where(Response.survey_id == survey.id, FreeText.variable_id.in_(list(columns)))
            .execution_options(stream_results=True, yield_per=YIELD_PER)
        )
        result = session.execute(texts)
        try:
            for variable_id, text, redacted in result:
                value = text if text is not None else redacted
                if value:
                    column = columns[variable_id]
                    widths[column] = max(widths[column], len(value.encode("utf-8")))
        finally:
            result.close()
    return {name: min(width, MAX_STRING_WIDTH) for name, width in widths.items()}


def sav_variables(
    session: DbSession, survey: Survey, layout: Layout, entries: list[CodebookEntry]
) -> list[SavVariable]:
    """The file's variables in layout order, from the codebook ``entries``:
    names, labels, value labels, missing codes, measure, format and string
    widths (a text is nominal)."""
    widths = _string_widths(session, survey, layout)
    by_name = {e.name: e for e in entries}
    variables: list[SavVariable] = []
    for name in layout.columns:
        entry = by_name[name]
        column = entry.column
        width = widths.get(name, 0) if entry.text else 0
        variables.append(
            SavVariable(
                name=entry.spss_name,
                label=entry.spss_label,
                width=width,
                value_labels={} if width else {float(c): v for c, v in column.value_labels.items()},
                missing=() if width else column.missing,
                measure="nominal" if width else column.measure,
                format_width=column.width,
                format_decimals=column.decimals,
                date=column.kind == "date",
            )
        )
    return variables


def write_sav(
    session: DbSession,
    survey: Survey,
    path: str,
    *,
    language: str | None = None,
    weights: WeightColumn | None = None,
) -> int:
    """Write the .sav file to ``path``; return the number of responses.
    Labels in ``language`` (default: the survey's first); ``weights`` add
    the ``weight`` variable.

    The responses counted when the export starts are written; one stored
    while exporting is left for the next export."""
    layout = layout_of(survey, weights, language)
    definition = layout.definition
    language = language if language in definition.languages else definition.default_language
    total = int(
        session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        or 0
    )
    entries = codebook(definition, language, weights)
    variables = sav_variables(session, survey, layout, entries)
    days = [i for i, v in enumerate(variables) if v.date]
    title = text_for(dict(definition.raw.get("title", {})), language)
    documents = [f"{e.spss_name}: {e.column.note}" for e in entries if e.column.note]
    count = 0
    with (
        open(path, "wb") as handle,
        SavWriter(
            handle, variables, file_label=f"{survey.key} {title}", documents=documents
        ) as writer,
    ):
        for record in iter_records(session, survey):
            if count >= total:
                break
            row = record_row(layout, record)
            for index in days:
                if row[index] is not None:
                    row[index] = spss_date(row[index])
            writer.write_row(row)
            count += 1
    return count
