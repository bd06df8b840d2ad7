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
from survey.analysis.model import KeyItem, Municipalities, PartnerInput, QuestionResult, Report
from survey.analysis.municipalities import (
    DIMENSION,
    INDICATORS,
    municipality_sections,
    zone_figures,
)
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
                concern_codes=_measure_codes(question, "concern"),
                unsafety_codes=_measure_codes(question, "unsafety"),
                shuffled=question.qtype.shuffled(question),
            )
        )
        crosstabs.extend(summary.crosstabs)
    shown_crosstabs = tuple(crosstabs) if settings.crosstabs else ()
    consultation_title, title_language = data.consultation.text_in("title", language)
    return Report(
        survey=found.survey.key,
        audience=found.survey.audience,
        title=text_for(dict(definition.raw.get("title", {})), language),
        consultation_key=data.consultation.key,
        consultation_title=consultation_title,
        consultation_title_language=title_language,
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
        crosstabs=shown_crosstabs,
        priority_matrix=priority_matrix,
        free_text=protected.free_text,
        partner_input=partner_input,
        disclosure=protected.verdict,
        municipalities=_municipalities(
            data, questions, results, shown_crosstabs, priority_matrix, protected, language
        ),
    )


def _measure_codes(question: QuestionDef, measure: str) -> tuple[int, ...]:
    """The codes the question's ``measure`` counts (``concern_codes``,
    ``unsafety_codes``), sorted; empty for another measure."""
    if question.measure != measure:
        return ()
    return tuple(sorted(int(c) for c in question.spec.get(f"{measure}_codes", [])))


def key_items(questions: Sequence[QuestionDef], language: str) -> list[KeyItem]:
    """The items of the residents' indicators (``INDICATORS``) in survey
    order: per unsafety question the question itself (no phenomenon), per
    concern and victimisation question its variables that name a
    phenomenon (a matrix row, or the question), per priority question its
    options that name one (see ``survey.analysis.municipalities``)."""
    items: list[KeyItem] = []
    for question in questions:
        measure = question.measure
        if measure not in INDICATORS:
            continue
        text = text_for(question.text, language)
        if measure == "unsafety":
            codes = _measure_codes(question, measure)
            items.append(KeyItem(None, measure, question.key, None, text, codes))
            continue
        if measure == "priority":
            items.extend(
                KeyItem(
                    o.phenomenon,
                    measure,
                    question.key,
                    None,
                    text_for(o.label, language),
                    (o.code,),
                )
                for o in question.options
                if o.phenomenon and not o.missing
            )
            continue
        if measure == "concern":
            codes = _measure_codes(question, measure)
        else:
            first = next((o.code for o in question.options if not o.missing), None)
            codes = () if first is None else (first,)
        rows = {r.key: text_for(r.label, language) for r in question.rows}
        for variable in question.variables():
            if variable.phenomenon:
                row = variable.row_key
                label = rows.get(row, text) if row is not None else text
                items.append(KeyItem(variable.phenomenon, measure, question.key, row, label, codes))
    return items


def _municipalities(
    data: ReportData,
    questions: Sequence[QuestionDef],
    results: Sequence[QuestionResult],
    crosstabs: Sequence[CrossTable],
    matrix: PriorityMatrix,
    protected: Protected,
    language: str,
) -> Municipalities | None:
    """The per-municipality sections, or None when the survey has no
    district question or the report has no cross-tabs."""
    district = data.aggregates.dimensions.get(DIMENSION)
    if district is None or not crosstabs:
        return None
    groups = district.dimension_codes(language)
    table = next((r.table for r in results if r.key == district.key), None)
    return municipality_sections(
        question=district.key,
        question_text=text_for(district.text, language),
        groups=[(code, groups.labels[code]) for code in groups.valid],
        group_table=table,
        items=key_items(questions, language),
        crosstabs=crosstabs,
        priorities=matrix.rows,
        design_effect=None if protected.weighting is None else protected.weighting.design_effect,
        weighted_intervals=protected.weighting is None or not protected.weighting.weights_hidden,
        zone=zone_figures([r.figures for r in results]),
    )
