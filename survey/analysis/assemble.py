"""Assembling the report model: every question's protected summary (the
builder of its type, ``survey.analysis.summaries``, through disclosure
control, ``survey.analysis.disclosure``), in survey order, with the
survey's facts, the weighting section and the consultation's parts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from survey.analysis.collect import ReportData
from survey.analysis.disclosure import Protected
from survey.analysis.model import PartnerInput, QuestionResult, Report
from survey.analysis.settings import ReportSettings
from survey.analysis.tables import CrossTable, PriorityMatrix
from survey.analysis.weighting_summary import weighting_problem
from survey.i18n import text_for

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef


def assemble(
    data: ReportData,
    settings: ReportSettings,
    questions: Sequence[QuestionDef],
    protected: Protected,
    priority_matrix: PriorityMatrix,
    partner_input: PartnerInput,
) -> Report:
    """Pure: the report model from collected data, the protected tables
    (``questions`` in survey order, one summary each) and the
    consultation's parts."""
    language = settings.language
    found = data.aggregates
    definition = found.definition
    results: list[QuestionResult] = []
    crosstabs: list[CrossTable] = []
    for question, summary in zip(questions, protected.summaries, strict=True):
        page = definition.pages[question.page_index]
        results.append(
            QuestionResult(
                key=question.key,
                type=question.type,
                page=page.key,
                page_title=text_for(page.title, language),
                text=text_for(question.text, language),
                measure=question.measure,
                dimension=question.dimension,
                table=summary.table,
                concern_codes=(
                    tuple(sorted(int(c) for c in question.spec.get("concern_codes", [])))
                    if question.measure == "concern"
                    else ()
                ),
                shuffled=question.qtype.shuffled(question),
            )
        )
        crosstabs.extend(summary.crosstabs)
    return Report(
        survey=found.survey.key,
        audience=found.survey.audience,
        title=text_for(dict(definition.raw.get("title", {})), language),
        consultation_key=data.consultation.key,
        consultation_title=data.consultation.title,
        generated_on=date.today().isoformat(),
        language=language,
        responses=found.responses,
        responses_by_mode=dict(sorted(found.by_mode.items())),
        weighting=protected.weighting,
        weighting_problem=(
            None
            if data.weighting_problem is None
            else weighting_problem(*data.weighting_problem, found.dimensions, language)
        ),
        suppression_threshold=settings.threshold,
        pages=tuple((p.key, text_for(p.title, language)) for p in definition.pages),
        questions=tuple(results),
        crosstabs=tuple(crosstabs) if settings.crosstabs else (),
        priority_matrix=priority_matrix,
        free_text=protected.free_text,
        partner_input=partner_input,
        disclosure=protected.verdict,
    )
