"""Assembling the report model: every question's summary (the builder of its
type, ``QuestionType.summary`` in ``survey.questions``) through disclosure control
(``survey.analysis.disclosure``), in survey order, with the survey's facts,
the weighting section and the consultation's parts."""

from __future__ import annotations

from datetime import date

from survey.analysis import disclosure
from survey.analysis.collect import ReportData
from survey.analysis.inputs import SummaryContext
from survey.analysis.model import PartnerInput, QuestionResult, Report
from survey.analysis.settings import ReportSettings
from survey.analysis.tables import CrossTable, PriorityMatrix, TextThemes
from survey.analysis.weighting_summary import weighting_problem, weighting_summary
from survey.i18n import text_for


def assemble(
    data: ReportData,
    settings: ReportSettings,
    priority_matrix: PriorityMatrix,
    free_text: TextThemes,
    partner_input: PartnerInput,
) -> Report:
    """Pure: the report model from collected data and the consultation's parts."""
    language = settings.language
    found = data.aggregates
    definition = found.definition
    context = SummaryContext(language)
    questions: list[QuestionResult] = []
    crosstabs: list[CrossTable] = []
    for question in definition.questions:
        summary = question.qtype.summary(question, data, context)
        summary = disclosure.protect(summary, settings.threshold)
        page = definition.pages[question.page_index]
        questions.append(
            QuestionResult(
                key=question.key,
                type=question.type,
                page=page.key,
                page_title=text_for(page.title, language),
                text=text_for(question.text, language),
                measure=question.measure,
                dimension=question.dimension,
                table=summary.table,
            )
        )
        crosstabs.extend(summary.crosstabs)
    weighting = data.weighting
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
        weighting=(
            None
            if weighting is None
            else weighting_summary(weighting, found.dimensions, language, settings.threshold)
        ),
        weighting_problem=(
            None
            if data.weighting_problem is None
            else weighting_problem(*data.weighting_problem, found.dimensions, language)
        ),
        suppression_threshold=settings.threshold,
        pages=tuple((p.key, text_for(p.title, language)) for p in definition.pages),
        questions=tuple(questions),
        crosstabs=tuple(crosstabs) if settings.crosstabs else (),
        priority_matrix=priority_matrix,
        free_text=free_text,
        partner_input=partner_input,
    )
