"""The input report of a survey: one typed model (``survey.analysis.model.Report``)
that every writer renders, so the numbers are the same in every format.

``build_report`` is the orchestration; each step has its own module:

1. ``collect``: the survey's aggregates (``aggregates``, the only database
   access: two GROUP BYs over the answers' cells), cross-tab counts and,
   with population margins, the raking weights (``weighting``).
2. ``priority``: the priority matrix of the consultation, from the same
   aggregates of this survey and those of its other surveys.
3. ``themes``: the residents' free-text themes and the partner input (only
   redacted texts), with disclosure control of the theme counts; the
   partners' answers per phenomenon by organisation or group
   (``partner_answers``), whose groups also decide which sector means the
   priority matrix may show. A partner survey's own report has no
   residents' question tables: its answers are in that partner part.
4. ``assemble``: per question its type's ``summary`` (``survey.questions``)
   makes the typed table and its cross-tabs (``tables``), ``disclosure`` marks the
   cells to suppress, and the report model collects them with the
   weighting section (``weighting_summary``) and the key figures per
   municipality, read from the protected district cross-tabs
   (``municipalities``).
5. ``aggregates.fieldwork_facts``: the sample, letters, codes and days of the
   fieldwork and the margins' source, for the methods section.

The rules of every figure (valid and missing, percentages, intervals,
weighting, suppression) are in docs/report-json.md and in the docstrings
of those modules; ``Report.to_json()`` is the report JSON.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from flask_babel import force_locale

from survey.analysis import aggregates, disclosure, priority, themes
from survey.analysis.aggregates import fieldwork_facts
from survey.analysis.assemble import assemble
from survey.analysis.audit import AuditError
from survey.analysis.collect import MODE_DIMENSION, ReportData, collect
from survey.analysis.inputs import SummaryContext
from survey.analysis.model import PartnerQuote, Report
from survey.analysis.settings import ReportError, ReportSettings
from survey.analysis.weighting_summary import weighting_summary
from survey.definitions.definition import definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.memo import AUDITS, pickled_key, remember_pickled
from survey.privacy.redaction import markers_in_language

if TYPE_CHECKING:
    from survey.analysis.tables import Summary
    from survey.definitions.definition import QuestionDef

__all__ = ["Report", "ReportError", "ReportSettings", "build_report"]

log = logging.getLogger(__name__)


def build_report(session: DbSession, key: str, settings: ReportSettings | None = None) -> Report:
    """The report model of survey ``key`` with the priority matrix of its
    consultation. Raises ``ReportError`` when it cannot be built (unknown
    survey, unusable margins; ``kind="audit"`` when the disclosure audit
    fails, a bug that is logged: no report is better than one whose hidden
    figures were never checked). Reads only.

    The matrix pools the consultation's surveys, so it hides every
    indicator that the report of any of them hides (and their effective
    bases when any of them withholds its weights' spread): the partners'
    report never shows a residents' figure the residents' report protects,
    which, set beside it, would give back what that report hides."""
    settings = settings or ReportSettings()
    try:
        return _build_report(session, key, settings)
    except AuditError as exc:
        log.exception("the disclosure audit of the report of %s failed", key)
        raise ReportError(
            f"the disclosure audit could not check the report of {key} ({exc}); "
            "nothing was written",
            kind="audit",
        ) from exc


def _build_report(session: DbSession, key: str, settings: ReportSettings) -> Report:
    own = _protect(session, key, settings)
    data = own.data
    hidden_indicators = disclosure.hidden_indicators(own.published)
    hidden_bases = disclosure.hidden_bases(own.published)
    spread_hidden = own.spread_hidden
    for other in _pooled_surveys(session, data.consultation.id, key):
        theirs = _protect_other(session, other, settings)
        hidden_indicators |= disclosure.hidden_indicators(theirs.published)
        hidden_bases |= disclosure.hidden_bases(theirs.published)
        spread_hidden = spread_hidden or theirs.spread_hidden
    partners = themes.partner_input(
        session,
        data.consultation,
        themes.lexicon_of(data.consultation),
        minimum=settings.partner_sector_min,
        language=settings.language,
    )
    matrix = priority.build_priorities(
        session,
        data.consultation,
        data.aggregates,
        settings,
        hidden_indicators=hidden_indicators,
        hidden_bases=hidden_bases,
        known_weights=None if data.weighting is None else data.weighting.cell_weights,
        mixed_sectors=partners.mixed_sectors,
        effective_n_shown=not spread_hidden,
    )
    report = _markers_in_language(
        assemble(data, settings, own.questions, own.protected, matrix, partners), settings.language
    )
    facts = fieldwork_facts(session, key, data.consultation, settings.threshold, settings.language)
    return replace(report, fieldwork=facts)


def _markers_in_language(report: Report, language: str) -> Report:
    """The quoted texts (residents' themes, partners' remarks and places)
    with their redaction markers in the report's language; the texts were
    tagged, counted and told apart as stored."""
    shown = markers_in_language
    with force_locale(language):
        free = report.free_text
        themes_shown = tuple(
            replace(t, quotes=tuple(shown(q) for q in t.quotes)) for t in free.themes
        )
        partner = report.partner_input

        def quoted(quotes: tuple[PartnerQuote, ...]) -> tuple[PartnerQuote, ...]:
            return tuple(replace(q, text=shown(q.text)) for q in quotes)

        phenomena = tuple(
            replace(
                p,
                quotes=quoted(p.quotes),
                short_answers=tuple(replace(s, answers=quoted(s.answers)) for s in p.short_answers),
            )
            for p in partner.phenomena
        )
        return replace(
            report,
            free_text=replace(free, themes=themes_shown),
            partner_input=replace(partner, quotes=quoted(partner.quotes), phenomena=phenomena),
        )


@dataclass(frozen=True)
class _Protected:
    """A survey's tables as its report publishes them: after the disclosure
    audit, and without effective n where the weights' spread is withheld."""

    data: ReportData
    questions: list[QuestionDef]
    protected: disclosure.Protected
    published: list[tuple[QuestionDef, Summary]]
    spread_hidden: bool


def _protect(session: DbSession, key: str, settings: ReportSettings) -> _Protected:
    threshold = settings.threshold
    data = collect(session, key, settings)
    found = data.aggregates
    language = settings.language
    tables, counts = _dimension_tables(data, language)
    figures = disclosure.fold_groups(
        data, disclosure.folded_groups(counts, found.responses, threshold)
    )
    context = SummaryContext(language)
    # A partner survey's answers are published in the partner part, by
    # organisation or group (``partner_answers``): the residents' tables,
    # counts of a handful of organisations under a threshold made for
    # people, would be nothing but hidden cells.
    partner_survey = found.survey.audience == "partner"
    questions = [] if partner_survey else list(found.definition.questions)
    summaries = [(q, q.qtype.summary(q, figures, context)) for q in questions]
    lexicon = themes.lexicon_of(data.consultation)
    labels = {p.key: text_for(p.label, language) for p in data.consultation.phenomena}
    arguments: dict[str, Any] = dict(
        free_text=(
            # A partner survey's comments are quoted in the partner part.
            themes.text_themes((), lexicon, labels, {})
            if partner_survey
            else themes.resident_themes(session, found, lexicon, labels)
        ),
        weighting=(
            None
            if data.weighting is None
            else weighting_summary(data.weighting, found.dimensions, language, threshold)
        ),
        dimension_tables=tables,
        responses=found.responses,
        # Organisations, not residents: how many answered is no small cell.
        responses_by_mode={} if partner_survey else found.by_mode,
        threshold=threshold,
    )
    # The audit is most of the model's time and a pure function of these
    # inputs: the same inputs (the page, then its PDF) audit once.
    protected = remember_pickled(
        AUDITS,
        pickled_key(summaries, figures, arguments),
        lambda: disclosure.protect_report(summaries, figures, **arguments),
    )
    # No effective n nor weighted interval where the weighting section
    # withholds the weights' spread (docs/report-json.md, "Products").
    spread_hidden = protected.weighting is not None and protected.weighting.weights_hidden
    if spread_hidden:
        protected = replace(
            protected,
            summaries=tuple(disclosure.without_effective_n(s) for s in protected.summaries),
        )
    published = [(q, s) for q, s in zip(questions, protected.summaries, strict=True)]
    return _Protected(data, questions, protected, published, spread_hidden)


def _pooled_surveys(session: DbSession, consultation_id: int, key: str) -> list[str]:
    """The other residents' surveys of the consultation whose answers the
    matrix pools (those with a priority indicator question, as
    ``priority.collect_counts`` reads them). A partner survey's report
    publishes no residents' tables (its answers are in the partner part,
    the same in every report of the consultation), so it hides nothing the
    matrix pools."""
    return [
        survey.key
        for survey in aggregates.consultation_surveys(session, consultation_id)
        if survey.key != key
        and survey.audience != "partner"
        and any(q.measure in priority.SURVEY_INDICATORS for q in definition_of(survey).questions)
    ]


def _protect_other(session: DbSession, key: str, settings: ReportSettings) -> _Protected:
    """Another survey's published tables under this report's settings; when
    its weighting cannot be built (its own report would refuse), as its
    unweighted report publishes them, which the matrix then pools too
    (``priority.collect_counts`` weights no survey then)."""
    try:
        return _protect(session, key, settings)
    except ReportError:
        return _protect(session, key, replace(settings, margins={}))


def _dimension_tables(
    data: ReportData, language: str
) -> tuple[dict[str, tuple[str, str | None]], dict[str, dict[Any, int]]]:
    """Per cross-tab dimension: the table of its question (a number's
    bands: ``(key, "bands")``) and its groups' counts (the response mode:
    responses per mode)."""
    found = data.aggregates
    tables: dict[str, tuple[str, str | None]] = {}
    counts: dict[str, dict[Any, int]] = {}
    for dimension in data.crosstab_counts:
        name = dimension.dimension.name
        if name == MODE_DIMENSION:
            counts[name] = dict(found.by_mode)
            continue
        question = found.dimensions[name]
        tables[name] = (question.key, "bands" if question.type == "number" else None)
        stored = data.counts(question.key)
        counts[name] = {
            code: stored.get(code, 0) for code in question.dimension_codes(language).valid
        }
    return tables, counts
