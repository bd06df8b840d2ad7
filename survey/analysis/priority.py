"""The priority matrix of a consultation: per phenomenon the indicators from
the surveys and the objective figures, combined into a score, ranked with a
bootstrap interval, checked for sensitivity and given a proposed label.

Indicators (contract section 1, ``measure``), pooled over every survey of the
consultation and every question or matrix row that names the phenomenon:

- ``concern``: % of valid answers in the question's ``concern_codes``;
- ``priority``: % of respondents who chose it (ranking: at any rank;
  multiple: ticked) among respondents who chose anything;
- ``importance``: mean code of the valid partner answers (scale points);
  also per partner sector (``PartnerOrganisation.sector``);
- ``victimisation``: % of valid answers with the question's first option;
- ``facts``: the latest year's objective figure (``ObjectiveIndicator``), and
  ``trend``: its % change on the year before.

Survey indicators are unweighted shares and means (the weighted figures of
each question are in the question tables); every indicator reads "higher =
more reason to prioritise". Combination,
ranks, bootstrap and labels are the pure functions of
``survey.analysis.ranking``: min-max normalisation per indicator, weighted
mean over the indicators a phenomenon has (missing ones re-weighted away),
weights from ``Consultation.matrix_weights`` or ``ranking.DEFAULT_WEIGHTS``.
The bootstrap draws each survey indicator from its normal approximation
(standard error of a share or of a mean); objective figures are fixed.

Disclosure control: a share resting on a count of 1..threshold-1, or on a
count the report hides (``survey.analysis.disclosure.hidden_indicators``),
is shown as null and left out of the score (as a missing indicator is), so
that no published figure of the matrix can be solved back to it; a sector
mean is shown only where it cannot single out an organisation
(``hidden_sectors``), and partner importance pooled over fewer
organisations than that minimum is hidden like a share on too few answers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_decimal
from flask_babel import gettext

from survey.analysis import aggregates, ranking
from survey.analysis.aggregates import IndicatorRow, SurveyAggregates, VariableRow
from survey.analysis.settings import DEFAULT_PARTNER_SECTOR_MIN, ReportSettings
from survey.analysis.suppression import is_primary
from survey.analysis.tables import (
    ObjectiveFigure,
    PriorityMatrix,
    PriorityMethod,
    PriorityRow,
    SectorMean,
    SensitivityChange,
)
from survey.definitions.definition import QuestionDef, SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import Consultation

SURVEY_INDICATORS = ("concern", "priority", "importance", "victimisation")
OBJECTIVE_INDICATORS = ("facts", "trend")
INDICATORS = SURVEY_INDICATORS + OBJECTIVE_INDICATORS
SENSITIVITY_TOP = 5
SENSITIVITY_DELTA = 0.2
LOCALE = "nl_BE"

Json = dict[str, Any]


@dataclass
class Tally:
    """Counts behind one indicator of one phenomenon."""

    hits: float = 0.0
    base: float = 0.0
    total: float = 0.0  # sum of codes, for a mean
    squares: float = 0.0

    def share(self) -> float | None:
        return self.hits / self.base * 100.0 if self.base > 0 else None

    def share_se(self) -> float | None:
        if self.base <= 0:
            return None
        p = self.hits / self.base
        return math.sqrt(p * (1 - p) / self.base) * 100.0

    def mean(self) -> float | None:
        return self.total / self.base if self.base > 0 else None

    def mean_se(self) -> float | None:
        if self.base < 2:
            return None
        mean = self.total / self.base
        variance = (self.squares - self.base * mean * mean) / (self.base - 1)
        return math.sqrt(max(variance, 0.0) / self.base)


@dataclass
class PhenomenonFigures:
    tallies: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    sectors: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))


@dataclass(frozen=True)
class SurveyCounts:
    """Aggregates of one survey that the indicators need."""

    definition: SurveyDefinition
    variables: dict[str, VariableRow]
    counts: dict[int, dict[int | None, int]]
    valid_respondents: dict[int, int]
    by_sector: list[tuple[int, str, int | None, int]]


def tally_survey(survey: SurveyCounts, figures: dict[str, PhenomenonFigures]) -> None:
    """Add one survey's measure questions to the per-phenomenon tallies (pure)."""
    sector_rows: dict[int, list[tuple[str, int | None, int]]] = defaultdict(list)
    for variable_id, sector, code, n in survey.by_sector:
        sector_rows[variable_id].append((sector, code, n))
    for question in survey.definition.questions:
        measure = question.measure
        if measure not in SURVEY_INDICATORS:
            continue
        if measure == "priority":
            _tally_priority(question, survey, figures)
            continue
        for phenomenon, name in _phenomenon_slots(question):
            variable = survey.variables.get(name)
            if variable is None:
                continue
            counts = survey.counts.get(variable.id, {})
            valid = {c: n for c, n in counts.items() if c is not None and c in question.valid_codes}
            tally = figures.setdefault(phenomenon, PhenomenonFigures()).tallies[measure]
            if measure == "concern":
                concern_codes = set(question.spec.get("concern_codes", []))
                tally.hits += sum(n for c, n in valid.items() if c in concern_codes)
                tally.base += sum(valid.values())
            elif measure == "victimisation":
                first = next((o.code for o in question.options if not o.missing), None)
                tally.hits += valid.get(first, 0) if first is not None else 0
                tally.base += sum(valid.values())
            else:  # importance: mean of the codes
                tally.base += sum(valid.values())
                tally.total += sum(c * n for c, n in valid.items())
                tally.squares += sum(c * c * n for c, n in valid.items())
                for sector, code, n in sector_rows.get(variable.id, []):
                    if code is None or code not in question.valid_codes:
                        continue
                    sector_tally = figures[phenomenon].sectors[sector]
                    sector_tally.base += n
                    sector_tally.total += code * n
                    sector_tally.squares += code * code * n


def _phenomenon_slots(question: QuestionDef) -> list[tuple[str, str]]:
    """(phenomenon, variable name) of a concern/importance/victimisation
    question: its variables that name a phenomenon (the rows of a matrix)."""
    return [(v.phenomenon, v.name) for v in question.variables() if v.phenomenon]


def _tally_priority(
    question: QuestionDef, survey: SurveyCounts, figures: dict[str, PhenomenonFigures]
) -> None:
    # The options chosen in any of the question's variables (every rank of a
    # ranking), over the respondents who chose one: counted as such where the
    # type counts its respondents (multiple choice), else the valid answers
    # of the first variable (a ranking's first place).
    names = [v.name for v in question.variables()]
    first = survey.variables.get(names[0])
    if first is None:
        base = 0
    elif question.qtype.counts_respondents:
        base = survey.valid_respondents.get(first.id, 0)
    else:
        base = sum(
            n
            for c, n in survey.counts.get(first.id, {}).items()
            if c is not None and c in question.valid_codes
        )
    chosen: dict[int, int] = defaultdict(int)
    for name in names:
        variable = survey.variables.get(name)
        if variable is None:
            continue
        for code, n in survey.counts.get(variable.id, {}).items():
            if code is not None:
                chosen[code] += n
    for option in question.options:
        if not option.phenomenon or option.missing:
            continue
        tally = figures.setdefault(option.phenomenon, PhenomenonFigures()).tallies["priority"]
        tally.hits += chosen.get(option.code, 0)
        tally.base += base


def collect_counts(
    session: DbSession, consultation_id: int, known: SurveyAggregates | None = None
) -> list[SurveyCounts]:
    """The aggregates of every survey of the consultation that has measure
    questions (``aggregates.survey_aggregates``; the survey of ``known``, the
    report being built, is not read again), plus the partner sectors of
    importance questions."""
    found = []
    for survey in aggregates.consultation_surveys(session, consultation_id):
        definition = definition_of(survey)
        if not any(q.measure in SURVEY_INDICATORS for q in definition.questions):
            continue
        survey_figures = (
            known
            if known is not None and known.survey.key == survey.key
            else aggregates.survey_aggregates(session, survey)
        )
        variables = survey_figures.variables
        importance = [
            variables[name].id
            for q in definition.questions
            if q.measure == "importance"
            for _p, name in _phenomenon_slots(q)
            if name in variables
        ]
        found.append(
            SurveyCounts(
                definition=definition,
                variables=variables,
                counts=survey_figures.counts,
                valid_respondents=survey_figures.valid_respondents,
                by_sector=aggregates.codes_by_sector(session, importance),
            )
        )
    return found


def objective_figures(rows: list[IndicatorRow]) -> dict[str, ObjectiveFigure]:
    """Latest year, its value, and the % change on the previous year, per phenomenon."""
    by_phenomenon: dict[str, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        by_phenomenon[row.phenomenon].append(row)
    result: dict[str, ObjectiveFigure] = {}
    for phenomenon, items in by_phenomenon.items():
        items.sort(key=lambda r: r.year)
        latest = items[-1]
        previous = next((r for r in reversed(items[:-1]) if r.year == latest.year - 1), None)
        trend = None
        if previous is not None and previous.value:
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
        )
    return result


def _(msgid: str, **values: Any) -> str:
    return str(gettext(msgid, **values))


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
    key: str
    label: str
    federal_priority: bool


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
) -> PriorityMatrix:
    """Pure: the priority matrix from the tallies and the objective figures.
    ``hidden_indicators`` (``(phenomenon, indicator)``) rest on counts the
    report hides; they are not published and do not count in the score, the
    rank or its interval, which are therefore worked out from published
    figures only. ``hidden_bases``: indicators whose base adds up valid
    answers the report hides; the base is left out of ``bases``, since it
    would give them back."""
    values: dict[str, dict[str, float | None]] = {}
    estimates: dict[str, dict[str, ranking.Estimate | None]] = {}
    published: dict[str, dict[str, Any]] = {}
    for info in phenomena:
        figure = figures.get(info.key, PhenomenonFigures())
        row: dict[str, float | None] = {}
        est: dict[str, ranking.Estimate | None] = {}
        indicators: dict[str, float | None] = {}
        bases: dict[str, int] = {}
        hidden: list[str] = []
        for name in SURVEY_INDICATORS:
            tally = figure.tallies.get(name)
            if tally is None or tally.base <= 0:
                row[name] = None
                est[name] = None
                continue
            if name == "importance":
                value, se = tally.mean(), tally.mean_se()
            else:
                value, se = tally.share(), tally.share_se()
            if (info.key, name) not in hidden_bases:
                bases[name] = int(tally.base)
            if (
                (info.key, name) in hidden_indicators
                or (name != "importance" and is_primary(tally.hits, threshold))
                or (name == "importance" and tally.base < partner_sector_min)
            ):
                # A hidden share left in the score could be solved back from it.
                row[name] = None
                est[name] = None
                indicators[name] = None
                hidden.append(name)
            else:
                row[name] = value
                est[name] = None if value is None else (value, se)
                indicators[name] = None if value is None else round(value, 2)
        facts = objective.get(info.key)
        if facts is not None:
            row["facts"] = facts.value
            row["trend"] = facts.trend_percent
            est["facts"] = (facts.value, None)
            est["trend"] = None if facts.trend_percent is None else (facts.trend_percent, None)
            indicators["facts"] = facts.value
            indicators["trend"] = facts.trend_percent
        sectors = {}
        withheld = hidden_sectors(
            {s: int(t.base) for s, t in figure.sectors.items()}, partner_sector_min
        )
        for sector, tally in sorted(figure.sectors.items()):
            mean = tally.mean()
            sectors[sector] = SectorMean(
                int(tally.base),
                None if mean is None or sector in withheld else round(mean, 2),
            )
        values[info.key] = row
        estimates[info.key] = est
        published[info.key] = {
            "indicators": indicators,
            "bases": bases,
            "suppressed_indicators": tuple(hidden),
            "objective": facts,
            "importance_by_sector": sectors,
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
    )
    return PriorityMatrix(tuple(rows), method)


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
) -> PriorityMatrix:
    """Collect the consultation's aggregates and assemble the priority matrix
    (``known``: the aggregates of the report's own survey)."""
    figures: dict[str, PhenomenonFigures] = {}
    for counts in collect_counts(session, consultation.id, known):
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
    )
