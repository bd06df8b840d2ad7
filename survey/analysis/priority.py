"""The priority matrix of a consultation: per phenomenon the indicators from
the surveys and the objective figures, combined into a score, ranked with a
bootstrap interval, checked for sensitivity and given a proposed label.

Indicators (contract section 1, ``measure``), pooled over every survey of the
consultation and every question or matrix row that names the phenomenon;
each has its own base (``INDICATOR_BASES``, stated in the report):

- ``concern``: % of **respondents** who name at least one problem of the
  phenomenon with a code of ``concern_codes``, among the respondents with a
  valid answer on at least one of its questions or rows (a person basis:
  three rows about traffic count a resident once, and the interval rests
  on respondents, not on answers);
- ``priority``: % of respondents who chose it (ranking: at any rank;
  multiple: ticked) among respondents who chose anything;
- ``importance``: mean code of the valid partner answers (scale points);
  also per partner sector (``PartnerOrganisation.sector``);
- ``partner_priority``: % of partner organisations that answer the first
  option ("prioriteit") of a ``partner_priority`` matrix row, among those
  with a valid answer ("geen zicht op" left out): the partners' own
  indicator of what the zone should do, never pooled with the residents'
  ``priority`` share (8 partners would vanish among 1,500 residents). The
  row's ``partners`` block adds the share answering "aandachtspunt", the
  partners' top-3 count (``partner_top3``) and their extra attention points
  tagged with the phenomenon (``partner_points``);
- ``victimisation``: % of valid answers with the question's first option;
- ``facts``: the latest year's objective figure (``ObjectiveIndicator``), and
  ``trend``: its % change on the year before, only when both years have at
  least ``TREND_MIN_FACTS`` registered facts (else "too few facts": a move
  from 6 to 9 facts is noise, not a trend).

Which estimate an indicator is follows ``survey.analysis.estimates``: in a
weighted report the residents' indicators (concern, priority,
victimisation) are weighted with the raking weights of each citizen survey
(the report's margins), with the Kish effective n of their base in the
bootstrap; partners' importance is never weighted (partners are not a
sample of the population). When one citizen survey of the consultation
cannot be weighted, the whole matrix is unweighted and says so. The
unweighted indicators stay in ``indicators`` for comparison; the score
uses ``estimate_indicators``.

Every indicator reads "higher = more reason to prioritise". Combination,
ranks, bootstrap and labels are the pure functions of
``survey.analysis.ranking``: min-max normalisation per indicator, weighted
mean over the indicators a phenomenon has (missing ones re-weighted away),
weights from ``Consultation.matrix_weights`` (set by the planner on the
consultation's matrix page) or ``ranking.DEFAULT_WEIGHTS``. The report
states how much each source (residents, partners, registered figures)
weighs in the score and on how many people it rests. The bootstrap draws
each survey indicator from its normal approximation (standard error of a
share or of a mean); objective figures are fixed.

Disclosure control: a share resting on a count of 1..threshold-1, or on a
count the report hides (``survey.analysis.disclosure.hidden_indicators``),
is shown as null and left out of the score (as a missing indicator is), so
that no published figure of the matrix can be solved back to it; a sector
mean is shown only where it cannot single out an organisation
(``hidden_sectors``) and where the partner part shows the sector's
organisations by name or as its own group (not ``mixed_sectors``, see
``survey.analysis.partner_answers``), and partner importance pooled over fewer
organisations than that minimum is hidden like a share on too few answers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_decimal
from flask_babel import gettext

from survey.analysis import aggregates, collect, cube, ranking
from survey.analysis.aggregates import ConcernSlot, IndicatorRow, SurveyAggregates, VariableRow
from survey.analysis.estimates import UNWEIGHTED, WEIGHTED, Figure, report_kind, shown
from survey.analysis.settings import DEFAULT_PARTNER_SECTOR_MIN, ReportSettings
from survey.analysis.suppression import is_primary
from survey.analysis.tables import (
    ObjectiveFigure,
    PartnerFigures,
    PriorityMatrix,
    PriorityMethod,
    PriorityRow,
    SectorMean,
    SensitivityChange,
    SourceWeight,
)
from survey.definitions.definition import QuestionDef, SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import Consultation

SURVEY_INDICATORS = ("concern", "priority", "importance", "victimisation", "partner_priority")
RESIDENT_INDICATORS = ("concern", "priority", "victimisation")
PARTNER_INDICATORS = ("importance", "partner_priority")
"""Partners' indicators: never weighted, and shown only from the partner
minimum of organisations on (their own disclosure rule, not the residents'
threshold)."""
PARTNER_COUNTS = ("partner_attention", "partner_top3", "partner_points")
"""Tallies of partners' answers published in a row's ``partners`` block only."""
OBJECTIVE_INDICATORS = ("facts", "trend")
INDICATORS = SURVEY_INDICATORS + OBJECTIVE_INDICATORS
INDICATOR_BASES = {
    "concern": "respondents",
    "priority": "respondents",
    "importance": "partner_answers",
    "victimisation": "answers",
    "partner_priority": "partner_answers",
}
"""What the base (``bases``) of each survey indicator counts."""
SOURCES = {
    "residents": RESIDENT_INDICATORS,
    "partners": PARTNER_INDICATORS,
    "registered": OBJECTIVE_INDICATORS,
}
"""Where the indicators come from: how much each source weighs is stated."""
SENSITIVITY_TOP = 5
SENSITIVITY_DELTA = 0.2
TREND_MIN_FACTS = 20
"""A trend is computed only when both years have at least this many facts."""
LOCALE = "nl_BE"

Json = dict[str, Any]

CellRows = Sequence[tuple[float, float, float]]
"""``(weight, hits, base)`` per cell of complete responses."""


@dataclass
class Tally:
    """Counts behind one indicator of one phenomenon: unweighted hits and
    base (respondents or answers, ``INDICATOR_BASES``), the sum and squares
    of codes for a mean; and, in a weighted report, the weighted hits and
    base and the sum of squared weights over the base (Kish)."""

    hits: float = 0.0
    base: float = 0.0
    total: float = 0.0  # sum of codes, for a mean
    squares: float = 0.0
    weighted_hits: float = 0.0
    weighted_base: float = 0.0
    weight_squares: float = 0.0

    def add_cells(self, cells: Iterable[tuple[float, float, float]]) -> None:
        """Add the weighted ``(weight, hits, base)`` of cells."""
        for weight, hits, base in cells:
            self.weighted_hits += weight * hits
            self.weighted_base += weight * base
            self.weight_squares += weight * weight * base

    def share(self) -> float | None:
        """Unweighted share of hits in the base, percent 0-100; None without a base."""
        return self.hits / self.base * 100.0 if self.base > 0 else None

    def share_se(self) -> float | None:
        """Standard error of :meth:`share`, percentage points."""
        return _share_se(self.hits, self.base)

    @property
    def effective_n(self) -> float:
        """Kish effective n of the weighted base."""
        return self.weighted_base**2 / self.weight_squares if self.weight_squares > 0 else 0.0

    def weighted_share(self) -> float | None:
        """Weighted share of hits in the weighted base, percent 0-100; None without a base."""
        if self.weighted_base <= 0:
            return None
        return self.weighted_hits / self.weighted_base * 100.0

    def weighted_share_se(self) -> float | None:
        """Standard error of :meth:`weighted_share` on the Kish effective n, percentage points."""
        if self.weighted_base <= 0:
            return None
        return _share_se(self.weighted_hits / self.weighted_base, 1.0, self.effective_n)

    def mean(self) -> float | None:
        """Mean code (scale points) over the base; None without a base."""
        return self.total / self.base if self.base > 0 else None

    def mean_se(self) -> float | None:
        """Standard error of :meth:`mean` (sample variance, divisor n - 1), scale points;
        None below 2 answers."""
        if self.base < 2:
            return None
        mean = self.total / self.base
        variance = (self.squares - self.base * mean * mean) / (self.base - 1)
        return math.sqrt(max(variance, 0.0) / self.base)


def _share_se(hits: float, base: float, n: float | None = None) -> float | None:
    """Standard error in points of the share ``hits / base`` on ``n`` (default the base)."""
    n = base if n is None else n
    if base <= 0 or n <= 0:
        return None
    p = min(max(hits / base, 0.0), 1.0)
    return math.sqrt(p * (1 - p) / n) * 100.0


@dataclass
class PhenomenonFigures:
    """The tallies of one phenomenon per indicator, and per partner sector."""

    tallies: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    sectors: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))


@dataclass(frozen=True)
class SurveyCounts:
    """Aggregates of one survey that the indicators need: its counts, the
    concerned respondents per phenomenon and cell, and, when weighted, the
    cube's rows per cell with the weight of every cell."""

    definition: SurveyDefinition
    variables: dict[str, VariableRow]
    counts: dict[int, dict[int | None, int]]
    valid_respondents: dict[int, int]
    by_sector: list[tuple[int, str, int | None, int]]
    concern: Mapping[str, Sequence[tuple[int, int, int]]] = field(default_factory=dict)
    """Per phenomenon: ``(cell_id, valid respondents, concerned respondents)``."""
    cell_rows: Mapping[int, Sequence[tuple[int, int | None, int]]] = field(default_factory=dict)
    """Per variable: ``(cell_id, code, answer rows)`` in cell rank order."""
    valid_cells: Mapping[int, Sequence[tuple[int, int]]] = field(default_factory=dict)
    """Per multiple-choice variable: ``(cell_id, valid respondents)``."""
    cell_weights: Mapping[int, float] | None = None
    """The weight of every cell of complete responses; None: not weighted."""
    responses: int = 0
    audience: str = "citizen"

    def weighted_rows(
        self, variable_id: int, hit: Iterable[int], valid: Iterable[int]
    ) -> list[tuple[float, float, float]]:
        """``(weight, hits, base)`` per cell of one variable: answer rows
        with a code in ``hit``, and with a code in ``valid``."""
        weights = self.cell_weights or {}
        hit_codes, valid_codes = set(hit), set(valid)
        found: dict[int, list[float]] = {}
        for cell_id, code, n in self.cell_rows.get(variable_id, ()):
            if cell_id not in weights or code is None:
                continue
            entry = found.setdefault(cell_id, [0.0, 0.0])
            if code in hit_codes:
                entry[0] += n
            if code in valid_codes:
                entry[1] += n
        return [(weights[c], h, b) for c, (h, b) in found.items()]


def tally_survey(survey: SurveyCounts, figures: dict[str, PhenomenonFigures]) -> None:
    """Add one survey's measure questions to the per-phenomenon tallies (pure)."""
    _tally_concern(survey, figures)
    sector_rows: dict[int, list[tuple[str, int | None, int]]] = defaultdict(list)
    for variable_id, sector, code, n in survey.by_sector:
        sector_rows[variable_id].append((sector, code, n))
    for question in survey.definition.questions:
        measure = question.measure
        if measure in ("priority", "partner_top3"):
            _tally_priority(question, survey, figures, measure)
            continue
        if measure == "partner_points":
            _tally_points(question, survey, figures)
            continue
        if measure not in ("importance", "victimisation", "partner_priority"):
            continue
        for phenomenon, name in _phenomenon_slots(question):
            variable = survey.variables.get(name)
            if variable is None:
                continue
            counts = survey.counts.get(variable.id, {})
            valid = {c: n for c, n in counts.items() if c is not None and c in question.valid_codes}
            found = figures.setdefault(phenomenon, PhenomenonFigures())
            tally = found.tallies[measure]
            if measure == "victimisation":
                _tally_victimisation(tally, question, survey, variable.id, valid)
            elif measure == "partner_priority":
                _tally_options(tally, question, valid, 0)
                _tally_options(found.tallies["partner_attention"], question, valid, 1)
            else:
                _tally_importance(
                    tally, figures[phenomenon], question, valid, sector_rows.get(variable.id, [])
                )


def _tally_concern(survey: SurveyCounts, figures: dict[str, PhenomenonFigures]) -> None:
    """Concern: respondents who gave a concern code over those with a valid answer
    (weighted too when the survey is)."""
    for phenomenon, cells in survey.concern.items():
        tally = figures.setdefault(phenomenon, PhenomenonFigures()).tallies["concern"]
        tally.base += sum(valid for _c, valid, _h in cells)
        tally.hits += sum(hits for _c, _v, hits in cells)
        if survey.cell_weights is not None:
            weights = survey.cell_weights
            tally.add_cells(
                (weights[cell], hits, valid) for cell, valid, hits in cells if cell in weights
            )


def _tally_victimisation(
    tally: Tally,
    question: QuestionDef,
    survey: SurveyCounts,
    variable_id: int,
    valid: Mapping[int, int],
) -> None:
    """Victimisation: the first non-missing option ("yes") over the valid answers
    (weighted too when the survey is)."""
    first = next((o.code for o in question.options if not o.missing), None)
    tally.hits += valid.get(first, 0) if first is not None else 0
    tally.base += sum(valid.values())
    if survey.cell_weights is not None:
        hit = () if first is None else (first,)
        tally.add_cells(survey.weighted_rows(variable_id, hit, question.valid_codes))


def _tally_options(tally: Tally, question: QuestionDef, valid: Mapping[int, int], nth: int) -> None:
    """The ``nth`` non-missing option (0: the first, "prioriteit"; 1:
    "aandachtspunt") over the valid answers (partners: never weighted)."""
    codes = [o.code for o in question.options if not o.missing]
    tally.hits += valid.get(codes[nth], 0) if nth < len(codes) else 0
    tally.base += sum(valid.values())


def _tally_points(
    question: QuestionDef, survey: SurveyCounts, figures: dict[str, PhenomenonFigures]
) -> None:
    """Extra attention points: each answer with an option that names a
    phenomenon counts one point for it; the base is the survey's responses."""
    variable = survey.variables.get(question.key)
    counts = survey.counts.get(variable.id, {}) if variable is not None else {}
    for option in question.options:
        if not option.phenomenon or option.missing:
            continue
        tally = figures.setdefault(option.phenomenon, PhenomenonFigures()).tallies["partner_points"]
        tally.hits += counts.get(option.code, 0)
        tally.base = max(tally.base, survey.responses)


def _tally_importance(
    tally: Tally,
    phenomenon: PhenomenonFigures,
    question: QuestionDef,
    valid: Mapping[int, int],
    sector_rows: Iterable[tuple[str, int | None, int]],
) -> None:
    """Importance: the mean of the valid codes (scale points; partners' answers,
    never weighted), overall and per partner sector."""
    tally.base += sum(valid.values())
    tally.total += sum(c * n for c, n in valid.items())
    tally.squares += sum(c * c * n for c, n in valid.items())
    for sector, code, n in sector_rows:
        if code is None or code not in question.valid_codes:
            continue
        sector_tally = phenomenon.sectors[sector]
        sector_tally.base += n
        sector_tally.total += code * n
        sector_tally.squares += code * code * n


def _phenomenon_slots(question: QuestionDef) -> list[tuple[str, str]]:
    """(phenomenon, variable name) of a concern/importance/victimisation
    question: its variables that name a phenomenon (the rows of a matrix)."""
    return [(v.phenomenon, v.name) for v in question.variables() if v.phenomenon]


def concern_slots(
    definition: SurveyDefinition, variables: Mapping[str, VariableRow]
) -> dict[str, list[ConcernSlot]]:
    """Per phenomenon, the stored variables of the survey's concern questions."""
    slots: dict[str, list[ConcernSlot]] = defaultdict(list)
    for question in definition.questions:
        if question.measure != "concern":
            continue
        concern = frozenset(int(c) for c in question.spec.get("concern_codes", []))
        for phenomenon, name in _phenomenon_slots(question):
            variable = variables.get(name)
            if variable is not None:
                slots[phenomenon].append(ConcernSlot(variable.id, question.valid_codes, concern))
    return dict(slots)


def _tally_priority(
    question: QuestionDef,
    survey: SurveyCounts,
    figures: dict[str, PhenomenonFigures],
    indicator: str = "priority",
) -> None:
    """Priority (or the partners' ``partner_top3`` count, ``indicator``):
    per option, the respondents who chose it (at any rank of a ranking)
    over the base of :func:`_priority_base`, weighted too when the survey
    is."""
    names = [v.name for v in question.variables()]
    first = survey.variables.get(names[0])
    base = _priority_base(question, survey, first)
    chosen: dict[int, int] = defaultdict(int)
    for name in names:
        variable = survey.variables.get(name)
        if variable is None:
            continue
        for code, n in survey.counts.get(variable.id, {}).items():
            if code is not None:
                chosen[code] += n
    weights = survey.cell_weights
    weighted_base, weighted_chosen = (
        _weighted_priority(question, survey, first, names, weights)
        if weights is not None and first is not None
        else ({}, {})
    )
    for option in question.options:
        if not option.phenomenon or option.missing:
            continue
        tally = figures.setdefault(option.phenomenon, PhenomenonFigures()).tallies[indicator]
        tally.hits += chosen.get(option.code, 0)
        tally.base += base
        if weights is not None:
            tally.add_cells(
                (weights[cell], weighted_chosen.get((cell, option.code), 0.0), n)
                for cell, n in weighted_base.items()
            )


def _priority_base(question: QuestionDef, survey: SurveyCounts, first: VariableRow | None) -> int:
    """The respondents who chose a valid option where the type counts its
    respondents (multiple choice), else the valid answers of the first variable
    (a ranking's first place)."""
    if first is None:
        return 0
    if question.qtype.counts_respondents:
        return survey.valid_respondents.get(first.id, 0)
    return sum(
        n
        for c, n in survey.counts.get(first.id, {}).items()
        if c is not None and c in question.valid_codes
    )


def _weighted_priority(
    question: QuestionDef,
    survey: SurveyCounts,
    first: VariableRow,
    names: list[str],
    weights: Mapping[int, float],
) -> tuple[dict[int, float], dict[tuple[int, int], float]]:
    """The base per weighting cell (as in :func:`_priority_base`) and the choices
    per cell and option, for the weighted priority share."""
    if question.qtype.counts_respondents:
        base_cells: Iterable[tuple[int, int]] = survey.valid_cells.get(first.id, ())
    else:
        base_cells = (
            (cell, n)
            for cell, code, n in survey.cell_rows.get(first.id, ())
            if code is not None and code in question.valid_codes
        )
    weighted_base: dict[int, float] = {}
    for cell, n in base_cells:
        if cell in weights:
            weighted_base[cell] = weighted_base.get(cell, 0.0) + n
    weighted_chosen: dict[tuple[int, int], float] = defaultdict(float)
    for name in names:
        variable = survey.variables.get(name)
        if variable is None:
            continue
        for cell, code, n in survey.cell_rows.get(variable.id, ()):
            if code is not None and cell in weights:
                weighted_chosen[(cell, code)] += n
    return weighted_base, weighted_chosen


def _survey_counts(
    session: DbSession,
    found: SurveyAggregates,
    cell_weights: Mapping[int, float] | None,
) -> SurveyCounts:
    """The indicator inputs of one survey (its aggregates read already)."""
    definition = found.definition
    variables = found.variables
    importance = [
        variables[name].id
        for q in definition.questions
        if q.measure == "importance"
        for _p, name in _phenomenon_slots(q)
        if name in variables
    ]
    concern = {
        phenomenon: (
            _one_slot(found.cube.counts, slots[0])
            if len(slots) == 1
            else aggregates.concern_respondents(session, slots)
        )
        for phenomenon, slots in concern_slots(definition, variables).items()
    }
    cell_rows: dict[int, list[tuple[int, int | None, int]]] = defaultdict(list)
    valid_cells: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if cell_weights is not None:
        ranks = cube.cell_ranks(found.cube.cells)
        # Cells in rank order: the weighted sums run in the same order everywhere.
        for variable_id, cell_id, code, n in sorted(
            found.cube.counts,
            key=lambda r: (r[0], ranks.get(r[1], -1), r[2] is not None, r[2] or 0),
        ):
            cell_rows[variable_id].append((cell_id, code, n))
        for cell_id, variable_id, n in cube.cell_valid_rows(found.cube):
            valid_cells[variable_id].append((cell_id, n))
    return SurveyCounts(
        definition=definition,
        variables=variables,
        counts=found.counts,
        valid_respondents=found.valid_respondents,
        by_sector=aggregates.codes_by_sector(session, importance),
        concern=concern,
        cell_rows=dict(cell_rows),
        valid_cells=dict(valid_cells),
        cell_weights=cell_weights,
        responses=found.responses,
        audience=found.survey.audience,
    )


def _one_slot(
    rows: Sequence[tuple[int, int, int | None, int]], slot: ConcernSlot
) -> list[tuple[int, int, int]]:
    """``aggregates.concern_respondents`` of a phenomenon with one variable,
    from the cube: a respondent gives that variable one answer, so its
    answer rows per cell are its respondents."""
    cells: dict[int, list[int]] = {}
    hit_codes = slot.concern_codes & slot.valid_codes
    for variable_id, cell_id, code, n in rows:
        if variable_id != slot.variable_id or code is None or code not in slot.valid_codes:
            continue
        entry = cells.setdefault(cell_id, [0, 0])
        entry[0] += n
        if code in hit_codes:
            entry[1] += n
    return [(cell, valid, hits) for cell, (valid, hits) in sorted(cells.items())]


def collect_counts(
    session: DbSession,
    consultation_id: int,
    settings: ReportSettings,
    known: SurveyAggregates | None = None,
    known_weights: Mapping[int, float] | None = None,
) -> tuple[list[SurveyCounts], bool]:
    """The indicator inputs of every survey of the consultation that has
    measure questions (the survey of ``known``, the report being built, is
    not read again; ``known_weights`` are its cell weights, None when it is
    not weighted), and whether they are weighted.

    The residents' indicators are weighted unless the report's weighting is
    switched off (empty margins in the settings): every citizen survey with
    the margins of the settings (else the consultation's), or, when one of
    them cannot be weighted, none of them."""
    weighted = settings.margins is None or bool(settings.margins)
    found_all: list[tuple[SurveyAggregates, Mapping[int, float] | None]] = []
    for survey in aggregates.consultation_surveys(session, consultation_id):
        definition = definition_of(survey)
        if not any(q.measure in SURVEY_INDICATORS for q in definition.questions):
            continue
        citizen = survey.audience == "citizen"
        if known is not None and known.survey.key == survey.key:
            found, weights = known, known_weights
        else:
            found = aggregates.survey_aggregates(session, survey)
            weights = None
            if weighted and citizen:
                margins = collect.report_margins(session, found, settings)
                choices = collect.weighting_choices(session, found, settings)
                data, _problem = collect.weigh(found, margins, settings, choices, None, [])
                weights = None if data is None else data.cell_weights
        if citizen and weights is None:
            weighted = False
        found_all.append((found, weights))
    if not any(f.survey.audience == "citizen" for f, _w in found_all):
        weighted = False
    return [
        _survey_counts(session, found, weights if weighted else None)
        for found, weights in found_all
    ], weighted


def objective_figures(rows: list[IndicatorRow]) -> dict[str, ObjectiveFigure]:
    """Latest year, its value, and the % change on the previous year, per
    phenomenon; the change only when both years have at least
    ``TREND_MIN_FACTS`` facts (else ``trend_note`` ``too_few_facts``)."""
    by_phenomenon: dict[str, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        by_phenomenon[row.phenomenon].append(row)
    result: dict[str, ObjectiveFigure] = {}
    for phenomenon, items in by_phenomenon.items():
        items.sort(key=lambda r: r.year)
        latest = items[-1]
        previous = next((r for r in reversed(items[:-1]) if r.year == latest.year - 1), None)
        trend = None
        note = None
        if previous is not None and previous.value:
            if min(previous.value, latest.value) < TREND_MIN_FACTS:
                note = "too_few_facts"
            else:
                trend = (latest.value - previous.value) / previous.value * 100.0
        result[phenomenon] = ObjectiveFigure(
            year=latest.year,
            value=latest.value,
            unit=latest.unit,
            source=latest.source,
            previous_year=previous.year if previous else None,
            previous_value=previous.value if previous else None,
            trend_percent=None if trend is None else round(trend, 2),
            series=tuple((r.year, r.value) for r in items),
            trend_note=note,
        )
    return result


def _(msgid: str, **values: Any) -> str:
    return str(gettext(msgid, **values))


def indicator_label(name: str) -> str:
    """An indicator's name in words, with its unit."""
    return {
        "concern": _("concern (%)"),
        "priority": _("priority (%)"),
        "importance": _("importance (1-5)"),
        "partner_priority": _("partners: priority (%)"),
        "victimisation": _("victimisation (%)"),
        "facts": _("registered facts"),
        "trend": _("trend (%)"),
    }.get(name, name)


def _fmt(value: float, digits: int = 2) -> str:
    return str(format_decimal(value, format="#,##0." + "0" * digits, locale=LOCALE))


def reason_sentence(proposal: ranking.LabelProposal) -> str:
    """Why a label is proposed, as one sentence (gettext; numbers Dutch-style)."""
    d = proposal.details
    if proposal.reason == "no_score":
        return _("No score: there are no figures for this phenomenon.")
    values = {
        "rank": d["rank"],
        "n": d["n_phenomena"],
        "score": _fmt(d["score"]),
        "top": d["priority_max_rank"],
        "minimum": _fmt(d["priority_min_score"]),
        "attention_top": d["attention_max_rank"],
        "attention_minimum": _fmt(d["attention_min_score"]),
    }
    if proposal.reason == "top_rank_and_high_score":
        return _(
            "Rank %(rank)s of %(n)s with score %(score)s: in the top %(top)s with a score of "
            "at least %(minimum)s, so proposed as a priority.",
            **values,
        )
    if proposal.reason == "attention_rank_and_score":
        return _(
            "Rank %(rank)s of %(n)s with score %(score)s: in the top %(attention_top)s with a "
            "score of at least %(attention_minimum)s, so proposed as an attention point.",
            **values,
        )
    if proposal.reason == "attention_rank":
        return _(
            "Rank %(rank)s of %(n)s with score %(score)s: in the top %(attention_top)s, so "
            "proposed as an attention point.",
            **values,
        )
    if proposal.reason == "attention_score":
        return _(
            "Rank %(rank)s of %(n)s with score %(score)s: a score of at least "
            "%(attention_minimum)s, so proposed as an attention point.",
            **values,
        )
    return _(
        "Rank %(rank)s of %(n)s with score %(score)s: not in the top %(attention_top)s and a "
        "score below %(attention_minimum)s, so basic police care.",
        **values,
    )


@dataclass(frozen=True)
class PhenomenonInfo:
    """A phenomenon of the lexicon: key, label and whether it is a federal priority."""

    key: str
    label: str
    federal_priority: bool


def source_weights(
    weights: Mapping[str, float],
    present: Iterable[str],
    people: Mapping[str, int | None],
) -> tuple[SourceWeight, ...]:
    """How much each source weighs in the score: the share of the weights of
    its indicators that the matrix has (``present``), and on how many people
    it rests (residents: citizen responses; partners: partner responses)."""
    have = set(present)
    used = {n: w for n, w in weights.items() if w > 0 and n in have}
    total = sum(used.values())
    return tuple(
        SourceWeight(
            source=source,
            indicators=tuple(n for n in names if n in used),
            weight_share=round(sum(used.get(n, 0.0) for n in names) / total, 4) if total else 0.0,
            people=people.get(source),
        )
        for source, names in SOURCES.items()
    )


def assemble_priorities(
    phenomena: list[PhenomenonInfo],
    figures: Mapping[str, PhenomenonFigures],
    objective: Mapping[str, ObjectiveFigure],
    weights: Mapping[str, float],
    weights_source: str,
    threshold: int,
    seed: int,
    samples: int,
    hidden_indicators: frozenset[tuple[str, str]] = frozenset(),
    hidden_bases: frozenset[tuple[str, str]] = frozenset(),
    partner_sector_min: int = DEFAULT_PARTNER_SECTOR_MIN,
    *,
    weighted: bool = False,
    people: Mapping[str, int | None] | None = None,
    mixed_sectors: frozenset[str] = frozenset(),
    effective_n_shown: bool = True,
) -> PriorityMatrix:
    """Pure: the priority matrix from the tallies and the objective figures.
    ``hidden_indicators`` (``(phenomenon, indicator)``) rest on counts the
    report hides; they are not published (neither unweighted nor weighted)
    and do not count in the score, the rank or its interval, which are
    therefore worked out from published figures only. ``hidden_bases``:
    indicators whose base adds up valid answers the report hides; the base
    and its effective n are left out, since they would give them back.
    ``weighted``: the residents' tallies carry weights, and the score uses
    the weighted indicators (``survey.analysis.estimates.shown``); a weighted
    share is hidden wherever its unweighted count is, since the share times
    the weighted base gives the count back. ``mixed_sectors``: sectors
    whose mean and number of answers are withheld, as they would give away
    organisations the partner part shows only in its ``other`` group.
    ``effective_n_shown`` False: no effective base is published, and so no
    interval of a weighted share (``disclosure.without_effective_n``)."""
    values: dict[str, dict[str, float | None]] = {}
    estimates: dict[str, dict[str, ranking.Estimate | None]] = {}
    published: dict[str, dict[str, Any]] = {}
    for info in phenomena:
        figure = figures.get(info.key, PhenomenonFigures())
        row: dict[str, float | None] = {}
        est: dict[str, ranking.Estimate | None] = {}
        indicators: dict[str, float | None] = {}
        weighted_indicators: dict[str, float | None] = {}
        shown_indicators: dict[str, float | None] = {}
        bases: dict[str, int] = {}
        effective: dict[str, float] = {}
        hidden: list[str] = []
        for name in SURVEY_INDICATORS:
            tally = figure.tallies.get(name)
            if tally is None or tally.base <= 0:
                row[name] = None
                est[name] = None
                continue
            partner = name in PARTNER_INDICATORS
            if name == "importance":
                value, se = tally.mean(), tally.mean_se()
            else:
                value, se = tally.share(), tally.share_se()
            base_shown = (info.key, name) not in hidden_bases
            if base_shown:
                bases[name] = int(tally.base)
            is_resident = weighted and name in RESIDENT_INDICATORS
            if is_resident and base_shown and effective_n_shown:
                effective[name] = round(tally.effective_n, 1)
            if (
                (info.key, name) in hidden_indicators
                or (not partner and is_primary(tally.hits, threshold))
                or (partner and tally.base < partner_sector_min)
            ):
                # A hidden share left in the score could be solved back from
                # it; a weighted share is a count too, once its base is known.
                row[name] = None
                est[name] = None
                indicators[name] = None
                shown_indicators[name] = None
                if is_resident:
                    weighted_indicators[name] = None
                hidden.append(name)
                continue
            indicators[name] = None if value is None else round(value, 2)
            choice = Figure(value, None, UNWEIGHTED)
            if is_resident:
                weighted_value = tally.weighted_share()
                weighted_indicators[name] = (
                    None if weighted_value is None else round(weighted_value, 2)
                )
                choice = shown(choice, Figure(weighted_value, None, WEIGHTED))
                se = tally.weighted_share_se()
            row[name] = choice.value
            est[name] = None if choice.value is None else (choice.value, se)
            shown_indicators[name] = None if choice.value is None else round(choice.value, 2)
        facts = objective.get(info.key)
        if facts is not None:
            _add_objective(facts, row, est, (indicators, shown_indicators))
        values[info.key] = row
        estimates[info.key] = est
        published[info.key] = {
            "indicators": indicators,
            "estimate_indicators": shown_indicators,
            "weighted_indicators": weighted_indicators if weighted else None,
            "bases": bases,
            "effective_bases": effective if weighted else None,
            "suppressed_indicators": tuple(hidden),
            "objective": facts,
            "importance_by_sector": _sector_means(figure, partner_sector_min, mixed_sectors),
            "partners": partner_figures(figure, partner_sector_min),
        }

    scores = ranking.combine_scores(values, weights)
    ranks = ranking.rank(scores)
    intervals = ranking.bootstrap_rank_intervals(estimates, weights, n_boot=samples, seed=seed)
    sensitivity = ranking.sensitivity_top_n(
        values, weights, n=SENSITIVITY_TOP, delta=SENSITIVITY_DELTA
    )
    n_scored = sum(1 for s in scores.values() if s is not None)
    rows = []
    for info in phenomena:
        raw_score = scores.get(info.key)
        # The published score (two decimals) is the one the reason quotes.
        score = None if raw_score is None else round(raw_score, 2)
        proposal = ranking.propose_label(ranks.get(info.key), score, n_scored)
        rows.append(
            PriorityRow(
                phenomenon=info.key,
                label=info.label,
                federal_priority=info.federal_priority,
                **published[info.key],
                score=score,
                rank=ranks.get(info.key),
                rank_interval=intervals.get(info.key),
                proposal=proposal.label_nl,
                proposal_key=proposal.label,
                reason=reason_sentence(proposal),
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.phenomenon))
    present = {name for row in values.values() for name, v in row.items() if v is not None}
    method = PriorityMethod(
        weights={k: v for k, v in weights.items() if v > 0},
        weights_source=weights_source,
        samples=samples,
        seed=seed,
        sensitivity_top=sensitivity.n,
        sensitivity_delta=sensitivity.delta,
        stable=sensitivity.stable,
        base_top=sensitivity.base_top,
        changes=tuple(
            SensitivityChange(case.indicator, round(case.factor, 2), case.entered, case.left)
            for case in sensitivity.cases
            if case.changed
        ),
        sector_min_n=partner_sector_min,
        estimates=report_kind(weighted),
        sources=source_weights(weights, present, people or {}),
        indicator_bases=dict(INDICATOR_BASES),
        trend_min_facts=TREND_MIN_FACTS,
    )
    return PriorityMatrix(tuple(rows), method)


def _add_objective(
    facts: ObjectiveFigure,
    row: dict[str, float | None],
    est: dict[str, ranking.Estimate | None],
    published: Iterable[dict[str, float | None]],
) -> None:
    """The objective figures of a phenomenon (registered facts, their trend in
    percent) as indicators: exact, so without a standard error."""
    row["facts"] = facts.value
    row["trend"] = facts.trend_percent
    est["facts"] = (facts.value, None)
    est["trend"] = None if facts.trend_percent is None else (facts.trend_percent, None)
    for target in published:
        target["facts"] = facts.value
        target["trend"] = facts.trend_percent


def partner_figures(figure: PhenomenonFigures, minimum: int) -> PartnerFigures | None:
    """The row's ``partners`` block (``PartnerFigures``): each figure only
    where it rests on at least ``minimum`` organisations, the partners'
    rule: a sum of whole groups of the partner part then, never one
    organisation's answer (``survey.analysis.partner_answers``)."""
    tallies = figure.tallies
    if not any(name in tallies for name in ("partner_priority", *PARTNER_COUNTS)):
        return None

    def enough(name: str) -> Tally | None:
        tally = tallies.get(name)
        return tally if tally is not None and tally.base >= minimum else None

    decision, attention = enough("partner_priority"), enough("partner_attention")
    top3, points = enough("partner_top3"), enough("partner_points")
    return PartnerFigures(
        organisations=None if decision is None else int(decision.base),
        priority=None if decision is None else _rounded(decision.share()),
        attention=None if attention is None else _rounded(attention.share()),
        top3=None if top3 is None else int(top3.hits),
        top3_organisations=None if top3 is None else int(top3.base),
        extra_points=None if points is None else int(points.hits),
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _sector_means(
    figure: PhenomenonFigures, minimum: int, mixed_sectors: frozenset[str] = frozenset()
) -> dict[str, SectorMean]:
    """Mean importance (scale points, two decimals) per partner sector, with its
    answers; the mean withheld for a sector :func:`hidden_sectors` hides, and
    both withheld for a sector in ``mixed_sectors`` (it mixes organisations
    published by name with others: its figure less the named ones would
    single one out)."""
    withheld = hidden_sectors({s: int(t.base) for s, t in figure.sectors.items()}, minimum)
    sectors = {}
    for sector, tally in sorted(figure.sectors.items()):
        mean = tally.mean()
        mixed = sector in mixed_sectors
        sectors[sector] = SectorMean(
            None if mixed else int(tally.base),
            None if mean is None or mixed or sector in withheld else round(mean, 2),
        )
    return sectors


def hidden_sectors(answers: Mapping[str, int], minimum: int) -> set[str]:
    """The sectors whose mean importance is withheld, from each sector's
    number of partner answers (one per organisation).

    A sector with fewer than ``minimum`` answers is withheld. The pooled
    importance over all partners, less the published sectors' means times
    their n, gives the withheld sectors' sum: so while the withheld sectors
    hold 1 .. minimum-1 answers together, the published sector with the
    fewest answers (ties: by name) is withheld too. No published figure
    then rests on fewer than ``minimum`` organisations."""
    withheld = {s for s, n in answers.items() if n < minimum}
    while 0 < sum(answers[s] for s in withheld) < minimum:
        published = sorted((n, s) for s, n in answers.items() if s not in withheld)
        if not published:
            break
        withheld.add(published[0][1])
    return withheld


def asked_indicators(session: DbSession, consultation_id: int) -> tuple[str, ...]:
    """The indicators the consultation's surveys ask for (a question with
    that measure), with the registered figures; all of them while no
    survey asks any. The default partner survey asks ``partner_priority``,
    not ``importance``: a source's share of the score is stated over these."""
    asked = {
        question.measure
        for survey in aggregates.consultation_surveys(session, consultation_id)
        for question in definition_of(survey).questions
        if question.measure in SURVEY_INDICATORS
    }
    if not asked:
        return INDICATORS
    return tuple(name for name in INDICATORS if name in asked or name in OBJECTIVE_INDICATORS)


def matrix_weights(stored: Mapping[str, Any] | None) -> tuple[dict[str, float], str]:
    """The planner's weights when set (non-negative numbers for known
    indicators), else the documented defaults."""
    if stored:
        weights = {
            k: float(v)
            for k, v in stored.items()
            if k in INDICATORS and isinstance(v, int | float) and v >= 0
        }
        if any(v > 0 for v in weights.values()):
            return weights, "consultation"
    return dict(ranking.DEFAULT_WEIGHTS), "default"


def build_priorities(
    session: DbSession,
    consultation: Consultation,
    known: SurveyAggregates,
    settings: ReportSettings,
    hidden_indicators: frozenset[tuple[str, str]] = frozenset(),
    hidden_bases: frozenset[tuple[str, str]] = frozenset(),
    known_weights: Mapping[int, float] | None = None,
    mixed_sectors: frozenset[str] = frozenset(),
    effective_n_shown: bool = True,
) -> PriorityMatrix:
    """Collect the consultation's aggregates and assemble the priority matrix
    (``known``: the aggregates of the report's own survey, ``known_weights``
    its cell weights when the report is weighted; ``mixed_sectors``: sectors
    whose mean would single out organisations the partner part shows in no
    group of their own sector, ``survey.analysis.partner_answers``)."""
    figures: dict[str, PhenomenonFigures] = {}
    surveys, weighted = collect_counts(session, consultation.id, settings, known, known_weights)
    for counts in surveys:
        tally_survey(counts, figures)
    phenomena = [
        PhenomenonInfo(p.key, text_for(p.label, settings.language), p.federal_priority)
        for p in consultation.phenomena
    ]
    present = {p.key for p in phenomena}
    phenomena.extend(
        PhenomenonInfo(key, key, False) for key in sorted(figures) if key not in present
    )
    weights, source = matrix_weights(consultation.matrix_weights)
    people: dict[str, int | None] = {
        "residents": sum(s.responses for s in surveys if s.audience == "citizen"),
        "partners": sum(s.responses for s in surveys if s.audience == "partner"),
        "registered": None,
    }
    return assemble_priorities(
        phenomena,
        figures,
        objective_figures(aggregates.objective_indicators(session, consultation.id)),
        weights,
        source,
        settings.threshold,
        settings.seed,
        settings.bootstrap_samples,
        hidden_indicators,
        hidden_bases,
        settings.partner_sector_min,
        weighted=weighted,
        people=people,
        mixed_sectors=mixed_sectors,
        effective_n_shown=effective_n_shown,
    )
