"""Responses as an SPSS ``.sav`` file, with variable labels (the question
text in the survey's first language, with the row or rank), value labels
(the option labels) and user-missing values (the ``missing: true`` codes).

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

from typing import Any

from sqlalchemy import func, select

from survey.definitions.definition import QuestionDef, definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import FreeText, Response, Survey, Variable
from survey.responses.csv_export import YIELD_PER, Layout, iter_records, layout_of, record_row
from survey.responses.sav_writer import MAX_STRING_WIDTH, SavVariable, SavWriter

CHOSEN_LABELS: dict[int | float, str] = {0: "Niet gekozen", 1: "Gekozen"}
META_STRINGS = ("response_id", "language", "mode")


def _labels(
    survey: Survey,
) -> tuple[dict[str, str], dict[str, dict[int | float, str]], dict[str, list[Any]]]:
    """Variable labels, value labels and user-missing codes per column."""
    definition = definition_of(survey)
    lang = definition.default_language
    variable_labels: dict[str, str] = {
        "response_id": "Response id",
        "language": "Language",
        "mode": "Mode (web, paper, import)",
    }
    value_labels: dict[str, dict[int | float, str]] = {}
    missing: dict[str, list[Any]] = {}
    for question in definition.questions:
        text = text_for(question.text, lang)
        options: dict[int | float, str] = {
            o.code: text_for(o.label, lang) for o in question.options
        }
        missing_codes = [o.code for o in question.options if o.missing][:3]
        for name in question.qtype.column_names(question):
            variable_labels[name] = _variable_label(question, name, text, lang)
            if question.type == "multiple":
                value_labels[name] = dict(CHOSEN_LABELS)
            elif options:
                value_labels[name] = dict(options)
                if missing_codes:
                    missing[name] = list(missing_codes)
    return variable_labels, value_labels, missing


def _variable_label(question: QuestionDef, name: str, text: str, lang: str) -> str:
    suffix = name[len(question.key) + 1 :] if name != question.key else ""
    if not suffix:
        return text
    if question.type == "matrix":
        row = next((r for r in question.rows if r.key == suffix), None)
        return f"{text} - {text_for(row.label, lang)}" if row else text
    if question.type == "multiple":
        option = question.option(int(suffix))
        return f"{text} - {text_for(option.label, lang)}" if option else text
    return f"{text} ({suffix})"


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


def sav_variables(session: DbSession, survey: Survey, layout: Layout) -> list[SavVariable]:
    """The file's variables in layout order: labels, value labels, missing
    codes, measure (nominal with value labels or text, else scale) and
    string widths."""
    widths = _string_widths(session, survey, layout)
    variable_labels, value_labels, missing = _labels(survey)
    variables: list[SavVariable] = []
    for name in layout.columns:
        width = widths.get(name, 0)
        variables.append(
            SavVariable(
                name=name,
                label=variable_labels.get(name, name),
                width=width,
                value_labels={} if width else value_labels.get(name, {}),
                missing=() if width else tuple(missing.get(name, ())),
                measure="nominal" if name in value_labels or width else "scale",
            )
        )
    return variables


def write_sav(session: DbSession, survey: Survey, path: str) -> int:
    """Write the .sav file to ``path``; return the number of responses.

    The responses counted when the export starts are written; one stored
    while exporting is left for the next export."""
    layout = layout_of(survey)
    total = int(
        session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        or 0
    )
    variables = sav_variables(session, survey, layout)
    count = 0
    with open(path, "wb") as handle, SavWriter(handle, variables) as writer:
        for record in iter_records(session, survey):
            if count >= total:
                break
            writer.write_row(record_row(layout, record, neutralise_text=False))
            count += 1
    return count
