"""Responses as an SPSS ``.sav`` file, with variable labels (the question
text in the survey's first language, with the row or rank), value labels
(the option labels) and user-missing values (the ``missing: true`` codes).

pyreadstat writes a whole pandas DataFrame at once, so the columns are
filled into preallocated numpy arrays while the answers stream: memory is
one number per cell (8 bytes), not Python objects per answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
from sqlalchemy import func, select

from survey.definitions.definition import QuestionDef
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import Response, Survey
from survey.responses.csv_export import iter_records, layout_of, record_row

CHOSEN_LABELS: dict[int | float, str] = {0: "Niet gekozen", 1: "Gekozen"}


def _labels(
    survey: Survey,
) -> tuple[dict[str, str], dict[str, dict[int | float, str]], dict[str, list[Any]]]:
    """Variable labels, value labels and user-missing codes per column."""
    from survey.definitions.definition import definition_of

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


def write_sav(session: DbSession, survey: Survey, path: str) -> int:
    """Write the .sav file to ``path``; return the number of responses."""
    layout = layout_of(survey)
    total = int(
        session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        or 0
    )
    columns = layout.columns
    string_columns = set(layout.text_columns) | {"response_id", "language", "mode"}
    arrays: dict[str, Any] = {
        name: (
            np.full(total, "", dtype=object)
            if name in string_columns
            else np.full(total, np.nan, dtype=float)
        )
        for name in columns
    }
    count = 0
    for index, record in enumerate(iter_records(session, survey)):
        if index >= total:
            break  # a response stored while exporting: left for the next export
        for name, value in zip(
            columns, record_row(layout, record, neutralise_text=False), strict=True
        ):
            if name in string_columns:
                arrays[name][index] = "" if value is None else str(value)
            elif value is not None:
                arrays[name][index] = float(value)
        count = index + 1
    frame = pd.DataFrame({name: arrays[name][:count] for name in columns})
    variable_labels, value_labels, missing = _labels(survey)
    pyreadstat.write_sav(
        frame,
        path,
        column_labels=[variable_labels.get(name, name)[:255] for name in columns],
        variable_value_labels={k: v for k, v in value_labels.items() if k in frame.columns},
        missing_ranges=missing,
        variable_measure={
            name: ("nominal" if name in value_labels or name in string_columns else "scale")
            for name in columns
        },
    )
    return count
