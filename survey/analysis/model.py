"""The report model: the typed input report that every writer renders, so
the numbers are the same in every format. ``Report.to_json()`` is the
report JSON of contract section 3 (docs/report-json.md); the tables it
holds are those of ``survey.analysis.tables``.

Like the tables, this module imports nothing from the survey definitions or
the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from survey.analysis.estimates import UNWEIGHTED, Figure, report_kind, shown
from survey.analysis.fieldwork_facts import FieldworkFacts
from survey.analysis.suppression import FLAG_BELOW, HIDE_BELOW
from survey.analysis.tables import (
    CrossTable,
    Json,
    PriorityMatrix,
    PriorityMethod,
    PriorityRow,
    Table,
    TextThemes,
)

REPORT_FORMAT = 1
BASE_RULES: Json = {"hidden_below": HIDE_BELOW, "unreliable_below": FLAG_BELOW}
"""Percentages on fewer valid answers than ``hidden_below`` are not shown;
below ``unreliable_below`` they are flagged (``survey.analysis.suppression.base_flag``)."""


@dataclass(frozen=True)
class QuestionResult:
    """One question of the survey and its summary table; with ``measure:
    concern`` the codes that count as "a problem" (``concern_codes``, the
    others of the base do not; missing codes are outside the base), with
    ``measure: unsafety`` those that count as feeling unsafe
    (``unsafety_codes``, the same rule), and whether its options were shown
    in an order shuffled per respondent."""

    key: str
    type: str
    page: str
    page_title: str
    text: str
    measure: str | None
    dimension: str | None
    table: Table
    concern_codes: tuple[int, ...] = ()
    unsafety_codes: tuple[int, ...] = ()
    shuffled: bool = False

    @property
    def kind(self) -> str:
        """The kind of the table, which writers dispatch on."""
        return self.table.kind

    @cached_property
    def figures(self) -> Json:
        """The published JSON of the question (what every format shows)."""
        entry: Json = {
            "key": self.key,
            "type": self.type,
            "page": self.page,
            "page_title": self.page_title,
            "text": self.text,
        }
        if self.measure:
            entry["measure"] = self.measure
        if self.dimension:
            entry["dimension"] = self.dimension
        if self.concern_codes:
            entry["concern_codes"] = list(self.concern_codes)
        if self.unsafety_codes:
            entry["unsafety_codes"] = list(self.unsafety_codes)
        if self.shuffled:
            entry["shuffled"] = True
        entry.update(self.table.to_json())
        return entry

    def to_json(self) -> Json:
        """The question's entry of the report JSON."""
        return self.figures


@dataclass(frozen=True, slots=True)
class MarginRow:
    """One population margin beside the sample: percentages 0-100, two
    decimals; the sample and weighted shares are over complete responses."""

    dimension: str
    code: Any
    label: str
    population: float
    population_percent: float | None
    sample_percent: float | None
    weighted_percent: float | None
    sample_count: int = 0
    """Complete responses with this code (what ``sample_percent`` is a share of)."""
    sample_hidden: bool = False
    """``sample_percent`` is suppressed: with the complete responses it
    would give a hidden count of the dimension's own table away."""


@dataclass(frozen=True, slots=True)
class ExcludedGroup:
    """Responses left out of the weighting on one dimension: without an
    answer on it (``code`` None) or with a category the margins lack."""

    dimension: str
    code: int | None
    label: str | None
    reason: str
    """``no_answer`` or ``not_in_margins``."""
    responses: int
    """How many (the JSON publishes null when ``hidden``)."""
    hidden: bool = False
    """Suppressed: 1 .. threshold-1 responses, to protect such a group, or
    where the disclosure audit hides it (a group of a category the margins
    lack is that category's count in the dimension's own table)."""


@dataclass(frozen=True, slots=True)
class CollapsedGroup:
    """Categories of one dimension raked on together
    (``survey.analysis.collapsing``): in the dimension's order, codes the
    margins lack (merged by declaration) last, with their complete
    respondents; raked under ``into``."""

    dimension: str
    codes: tuple[int, ...]
    labels: tuple[str, ...]
    responses: tuple[int, ...]
    """Complete respondents per code (the JSON publishes them only where
    the dimension's sample shares are published, see ``WeightingSummary``)."""
    into: int
    lacking: frozenset[int] = frozenset()
    """Members the margins lack: their count is never published (it is
    their category's count of the dimension's table, less the excluded)."""


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the reader of the report must know, in the report's
    language: ``kind`` names it for programs, ``message`` says it."""

    kind: str
    message: str
    details: Mapping[str, Any]

    def to_json(self) -> Json:
        """The notice's entry of the report JSON."""
        return {"kind": self.kind, "message": self.message, "details": dict(self.details)}


@dataclass(frozen=True)
class WeightingSummary:
    """How the report was weighted (raking, ``survey.analysis.weighting``):
    the design effect 1 + CV^2 of the weights (two decimals), the Kish
    effective n (whole), the complete responses that got a weight and the
    excluded ones (and why, per dimension and category), convergence, the
    trim factor and the weight range (three decimals), every margin against
    the sample, each dimension's population total and the warnings (margins
    whose totals disagree)."""

    dimensions: tuple[str, ...]
    design_effect: float
    effective_n: int
    complete_responses: int
    excluded_responses: int
    converged: bool
    iterations: int
    trim: float | None
    min_weight: float
    max_weight: float
    margins: tuple[MarginRow, ...]
    excluded: tuple[ExcludedGroup, ...] = ()
    margin_totals: Mapping[str, float] = field(default_factory=dict)
    warnings: tuple[Notice, ...] = ()
    collapse_minimum: int = 0
    """Complete respondents a category needed to be raked on alone (0: no collapsing)."""
    collapsed: tuple[CollapsedGroup, ...] = ()
    dropped_dimensions: tuple[str, ...] = ()
    """Dimensions of the margins left out of the raking: they collapsed to one category."""
    unanswered: Mapping[str, int] = field(default_factory=dict)
    """Per dimension, the complete responses without an answer on it, weighted
    on the other dimensions. Never published (the dimension's own table hides
    its small ``missing``); the JSON names the dimensions only, and the
    disclosure audit counts them in the sample shares' sums."""
    totals_hidden: bool = False
    """The complete and excluded responses are suppressed (the disclosure
    audit hides them as one unit: they add up to the published responses),
    and with them every figure that multiplies back to them: the design
    effect and the effective n (complete = effective n x design effect) and
    the sample shares."""

    @property
    def weights_hidden(self) -> bool:
        """The weight statistics (design effect, effective n, smallest and
        largest weight) are suppressed: with the totals, or beside a hidden
        sample share when the raking has one dimension, where each is a
        function of the sample shares alone (a code's weight is its
        population share / its sample share; the design effect the sum of
        population share^2 / sample share) and would give a hidden one
        back. Raked on more dimensions, a weight is a product of factors of
        several dimensions and each statistic one number over all cells:
        none of them is one code's count."""
        hidden_share = any(m.sample_hidden for m in self.margins)
        return self.totals_hidden or (len(self.dimensions) == 1 and hidden_share)

    def to_json(self) -> Json:
        """The ``weighting`` block of the report JSON (shares 0-1, design effect,
        effective n); suppressed figures are null, see ``totals_hidden`` and
        ``weights_hidden``."""
        totals = not self.totals_hidden
        weights = not self.weights_hidden
        return {
            "dimensions": list(self.dimensions),
            "design_effect": self.design_effect if weights else None,
            "effective_n": self.effective_n if weights else None,
            "complete_responses": self.complete_responses if totals else None,
            "excluded_responses": self.excluded_responses if totals else None,
            **({} if totals else {"totals_suppressed": True}),
            **({} if weights else {"weights_suppressed": True}),
            "converged": self.converged,
            "iterations": self.iterations,
            "trim": self.trim,
            "min_weight": self.min_weight if weights else None,
            "max_weight": self.max_weight if weights else None,
            "margins": [
                {
                    "dimension": m.dimension,
                    "code": m.code,
                    "label": m.label,
                    "population": m.population,
                    "population_percent": m.population_percent,
                    "sample_percent": None if self._sample_hidden(m) else m.sample_percent,
                    "weighted_percent": m.weighted_percent,
                    **({"sample_suppressed": True} if self._sample_hidden(m) else {}),
                }
                for m in self.margins
            ],
            "excluded": [
                {
                    "dimension": e.dimension,
                    "code": e.code,
                    "label": e.label,
                    "reason": e.reason,
                    "responses": None if e.hidden else e.responses,
                    "suppressed": e.hidden,
                }
                for e in self.excluded
            ],
            "margin_totals": dict(self.margin_totals),
            "warnings": [w.to_json() for w in self.warnings],
            "collapse_minimum": self.collapse_minimum,
            "collapsed": [self._collapsed_json(group) for group in self.collapsed],
            "dropped_dimensions": list(self.dropped_dimensions),
            "unanswered_weighted": list(self.unanswered),
        }

    def collapsed_counts(self, group: CollapsedGroup) -> tuple[int | None, ...]:
        """The published complete respondents of each member of ``group``:
        all of them where the dimension's sample shares are published (a
        member's count is then its share of the complete responses anyway),
        none where a share is hidden or a member is a code the margins lack
        (its count would come back as a difference)."""
        hidden = group.lacking or any(
            self._sample_hidden(m) for m in self.margins if m.dimension == group.dimension
        )
        return tuple(None if hidden else n for n in group.responses)

    def _collapsed_json(self, group: CollapsedGroup) -> Json:
        counts = self.collapsed_counts(group)
        return {
            "dimension": group.dimension,
            "into": group.into,
            "codes": list(group.codes),
            "labels": list(group.labels),
            "responses": list(counts),
            "lacking": sorted(group.lacking),
            "suppressed": any(n is None for n in counts),
        }

    def _sample_hidden(self, margin: MarginRow) -> bool:
        # A share of hidden complete responses: shares with two decimals
        # pin their denominator on a small sample.
        return margin.sample_hidden or self.totals_hidden


@dataclass(frozen=True)
class DisclosureVerdict:
    """How many published figures are hidden and why (``primary``: a count
    of 1 .. threshold-1; ``complementary``: hidden to protect another), and
    whether the audit proved every hidden count at least ``threshold`` wide
    (``survey.analysis.disclosure``; ``unprotected``: hidden counts it could
    not widen, then ``audited`` is false)."""

    primary: int
    complementary: int
    unprotected: int = 0

    @property
    def audited(self) -> bool:
        """True when the audit left no hidden count narrower than the threshold."""
        return self.unprotected == 0

    def to_json(self) -> Json:
        """The ``disclosure`` counts of the report JSON."""
        entry: Json = {
            "primary": self.primary,
            "complementary": self.complementary,
            "audited": self.audited,
        }
        if self.unprotected:
            entry["unprotected"] = self.unprotected
        return entry


@dataclass(frozen=True, slots=True)
class PartnerQuote:
    """One quote of a partner: redacted text, the organisation when named, the
    phenomena it is about."""

    text: str
    """Redacted."""
    organisation: str | None
    """Named only when the partner agreed to be named."""
    phenomena: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartnerGroup:
    """Whose answers one column of the partner part shows: one organisation
    by name (``named``: it agreed to be named), the organisations of one
    sector that did not (``sector``), or the other organisations together
    (``other``: those of smaller sectors, with as many others as it takes
    to reach the minimum). ``organisations``: how many it holds."""

    key: str
    kind: str
    name: str | None
    sector: str | None
    organisations: int

    def to_json(self) -> Json:
        """The group as in ``partner_input.groups`` of the report JSON."""
        return {
            "key": self.key,
            "kind": self.kind,
            "name": self.name,
            "sector": self.sector,
            "organisations": self.organisations,
        }


@dataclass(frozen=True, slots=True)
class PartnerOption:
    """An answer option of a partner question; ``missing``: a code that
    counts as no answer (a missing option such as "weet niet")."""

    code: int
    label: str
    missing: bool


@dataclass(frozen=True, slots=True)
class PartnerRowAnswers:
    """One question row about a phenomenon (e.g. importance of drugs): per
    group the number of its organisations that gave each option (in the
    order of ``options``) and that sent the survey without answering."""

    survey: str
    question: str
    row: str | None
    text: str
    measure: str | None
    options: tuple[PartnerOption, ...]
    counts: Mapping[str, tuple[int, ...]]
    no_answer: Mapping[str, int]

    def to_json(self) -> Json:
        """The row as in ``partner_input.phenomena[].answers`` (counts of organisations)."""
        return {
            "survey": self.survey,
            "question": self.question,
            "row": self.row,
            "text": self.text,
            "measure": self.measure,
            "options": [
                {"code": o.code, "label": o.label, "missing": o.missing} for o in self.options
            ],
            "groups": [
                {"group": g, "counts": list(c), "no_answer": self.no_answer.get(g, 0)}
                for g, c in self.counts.items()
            ],
        }


@dataclass(frozen=True, slots=True)
class PartnerShortAnswers:
    """The one-line answers of partners to one question about a phenomenon
    (where it happens most: the places they named), each with its
    organisation when named. Redacted, each distinct text once per
    organisation."""

    question: str
    text: str
    """The question's text in the report's language."""
    answers: tuple[PartnerQuote, ...]

    def to_json(self) -> Json:
        """As in ``partner_input.phenomena[].short_answers`` of the report JSON."""
        return {
            "question": self.question,
            "text": self.text,
            "answers": [{"text": a.text, "organisation": a.organisation} for a in self.answers],
        }


@dataclass(frozen=True, slots=True)
class PartnerPhenomenon:
    """What partners said about one phenomenon: their answers per group,
    their comments about it and their one-line answers to its questions
    (places; named only with consent)."""

    phenomenon: str
    label: str
    answers: tuple[PartnerRowAnswers, ...]
    quotes: tuple[PartnerQuote, ...]
    short_answers: tuple[PartnerShortAnswers, ...] = ()

    def to_json(self) -> Json:
        """The phenomenon as in ``partner_input.phenomena`` of the report JSON."""
        return {
            "phenomenon": self.phenomenon,
            "label": self.label,
            "answers": [a.to_json() for a in self.answers],
            "quotes": [{"text": q.text, "organisation": q.organisation} for q in self.quotes],
            "short_answers": [s.to_json() for s in self.short_answers],
        }


@dataclass(frozen=True)
class PartnerInput:
    """The partner surveys of the consultation: responses per sector, what
    partners wrote, and per phenomenon what they answered, by group
    (``survey.analysis.partner_answers``: named only with consent, else
    in groups of at least ``sector_min`` organisations)."""

    surveys: tuple[str, ...]
    responses: int
    by_sector: Mapping[str, int]
    quotes: tuple[PartnerQuote, ...]
    sector_min: int = 3
    groups: tuple[PartnerGroup, ...] = ()
    withheld: int = 0
    """Organisations whose answers are in no published figure (fewer than
    ``sector_min`` answered without agreeing to be named, and no others)."""
    quotes_withheld: int = 0
    """Comments left out for the same reason."""
    phenomena: tuple[PartnerPhenomenon, ...] = ()
    mixed_sectors: frozenset[str] = frozenset()
    """Sectors one of whose organisations is in the ``other`` group or
    withheld: a figure of the whole sector (the priority matrix's sector
    mean) would give that part away by subtraction. Not published."""
    sector_labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Per sector (the key of ``by_sector`` and of the groups: as entered, in
    Dutch, the same in every language) its name in the report's language and
    the language that name is in (Dutch where the planner gave none)."""

    def to_json(self) -> Json:
        """The ``partner_input`` block of the report JSON."""
        return {
            "surveys": list(self.surveys),
            "responses": self.responses,
            "by_sector": dict(self.by_sector),
            "quotes": [
                {"text": q.text, "organisation": q.organisation, "phenomena": list(q.phenomena)}
                for q in self.quotes
            ],
            "sector_min": self.sector_min,
            "groups": [g.to_json() for g in self.groups],
            "withheld": self.withheld,
            "quotes_withheld": self.quotes_withheld,
            "phenomena": [p.to_json() for p in self.phenomena],
            "sector_labels": {
                sector: {"text": text, "language": language}
                for sector, (text, language) in self.sector_labels.items()
            },
        }


# --- key figures per municipality (survey.analysis.municipalities) -----------------

MunicipalityStatus = Literal["shown", "too_few", "protected"]


@dataclass(frozen=True, slots=True)
class KeyItem:
    """What one key figure counts: the answers of ``question`` (and matrix
    ``row``) with a code in ``codes``, as a share of its valid answers (or
    respondents), for ``indicator`` of ``phenomenon`` (None for the feeling
    of unsafety, which is no phenomenon's)."""

    phenomenon: str | None
    indicator: str
    question: str
    row: str | None
    label: str
    codes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """One item's figure in one municipality (percent 0-100, two decimals;
    counts and bases unweighted)."""

    item: KeyItem
    phenomenon_label: str | None
    count: int | None
    base: int | None
    percent: float | None
    ci95: list[float] | None
    weighted: Figure | None
    suppressed: bool
    base_flag: str
    zone: float | None = None
    """The zone's estimate of the same item (the question's own table),
    for comparison; None where that table hides it or shows no share."""

    @property
    def estimate(self) -> Figure:
        """The figure the report shows (weighted when the report is)."""
        return shown(Figure(self.percent, self.ci95, UNWEIGHTED), self.weighted)

    def to_json(self) -> Json:
        """The figure's entry in ``municipalities.sections[].figures``."""
        item = self.item
        entry: Json = {
            "phenomenon": item.phenomenon,
            "phenomenon_label": self.phenomenon_label,
            "indicator": item.indicator,
            "question": item.question,
            "row": item.row,
            "codes": list(item.codes),
            "label": item.label,
            "count": self.count,
            "valid": self.base,
            "percent": self.percent,
            "ci95": self.ci95,
        }
        if self.weighted is not None:
            entry.update(weighted_percent=self.weighted.value, weighted_ci95=self.weighted.ci95)
        estimate = self.estimate
        entry.update(
            estimate=estimate.value,
            estimate_ci95=estimate.ci95,
            suppressed=self.suppressed,
            base_flag=self.base_flag,
            zone_estimate=self.zone,
        )
        return entry


@dataclass(frozen=True, slots=True)
class MunicipalitySection:
    """One group of the district dimension: its code, label, whether its
    figures are shown (``status``) and the figures when they are."""

    code: int
    label: str
    status: MunicipalityStatus
    figures: tuple[KeyFigure, ...] = ()

    def to_json(self) -> Json:
        """The section's entry in ``municipalities.sections``."""
        return {
            "code": self.code,
            "label": self.label,
            "status": self.status,
            "figures": [f.to_json() for f in self.figures],
        }


@dataclass(frozen=True)
class Municipalities:
    """The per-municipality part of the report: the district question, what
    the estimates are and one section per group, in the question's order."""

    dimension: str
    question: str
    question_text: str
    estimates: str
    sections: tuple[MunicipalitySection, ...]

    def to_json(self) -> Json:
        """The ``municipalities`` block of the report JSON."""
        return {
            "dimension": self.dimension,
            "question": self.question,
            "question_text": self.question_text,
            "estimates": self.estimates,
            "sections": [s.to_json() for s in self.sections],
        }


@dataclass(frozen=True)
class Report:
    """The input report of one survey with the priority matrix of its
    consultation (attributes named as the keys of the report JSON)."""

    survey: str
    audience: str
    title: str
    consultation_key: str
    consultation_title: str
    generated_on: str
    language: str
    responses: int
    responses_by_mode: Mapping[str, int]
    weighting: WeightingSummary | None
    weighting_problem: Notice | None
    """Why the report is not weighted although margins were given."""
    suppression_threshold: int
    pages: tuple[tuple[str, str], ...]
    """(key, title) of every page."""
    questions: tuple[QuestionResult, ...]
    crosstabs: tuple[CrossTable, ...]
    priority_matrix: PriorityMatrix
    free_text: TextThemes
    partner_input: PartnerInput
    disclosure: DisclosureVerdict = DisclosureVerdict(0, 0)
    fieldwork: FieldworkFacts | None = None
    """The sample, letters, codes, days and margins' source (methods section)."""
    municipalities: Municipalities | None = None
    """Key figures per group of the district dimension (None without one)."""
    consultation_title_language: str = "nl"
    """The language of ``consultation_title``: the report's when the planner
    entered the title in it, else Dutch (not translated)."""
    format: int = REPORT_FORMAT

    @property
    def priorities(self) -> tuple[PriorityRow, ...]:
        """The rows of the priority matrix, in rank order."""
        return self.priority_matrix.rows

    @property
    def priority_method(self) -> PriorityMethod:
        """How the priority matrix was built (weights, sources, bootstrap, sensitivity)."""
        return self.priority_matrix.method

    @property
    def consultation(self) -> Json:
        """The consultation's key, title and the title's language."""
        return {
            "key": self.consultation_key,
            "title": self.consultation_title,
            "title_language": self.consultation_title_language,
        }

    @property
    def base_rules(self) -> Json:
        """The base rules (hide percentages below 30, flag below 100 answers)."""
        return dict(BASE_RULES)

    def __getitem__(self, key: str) -> Any:
        """A top-level key of the report JSON (``report["generated_on"]``),
        for callers that read the report by key."""
        return self.to_json()[key]

    @cached_property
    def json(self) -> Json:
        """The whole report as JSON (docs/report-json.md), built once."""
        return {
            "format": self.format,
            "survey": self.survey,
            "audience": self.audience,
            "title": self.title,
            "consultation": self.consultation,
            "generated_on": self.generated_on,
            "language": self.language,
            "responses": self.responses,
            "responses_by_mode": dict(self.responses_by_mode),
            "estimates": report_kind(self.weighting is not None),
            "weighting": None if self.weighting is None else self.weighting.to_json(),
            "weighting_problem": (
                None if self.weighting_problem is None else self.weighting_problem.to_json()
            ),
            "suppression_threshold": self.suppression_threshold,
            "disclosure": self.disclosure.to_json(),
            "base_rules": self.base_rules,
            "pages": [{"key": key, "title": title} for key, title in self.pages],
            "questions": [q.to_json() for q in self.questions],
            "crosstabs": [x.to_json() for x in self.crosstabs],
            **self.priority_matrix.to_json(),
            "free_text": self.free_text.to_json(),
            "partner_input": self.partner_input.to_json(),
            "fieldwork": None if self.fieldwork is None else self.fieldwork.to_json(),
            "municipalities": (
                None if self.municipalities is None else self.municipalities.to_json()
            ),
        }

    def to_json(self) -> Json:
        """The report JSON (contract section 3; docs/report-json.md). Built
        once: every writer reads the same published figures."""
        return self.json
