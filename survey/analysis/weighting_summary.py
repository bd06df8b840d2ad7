"""The weighting section of the report: how the raking went, every
population margin beside the sample, who was left out and why, and the
sentences that say why a report could not be weighted.

Per margin code: the population share of its dimension, the share of the
complete responses in the sample (unweighted), and their weighted share
after raking, all in percent with two decimals. Complete responses are
those with a weight (a valid code on every weighting dimension that the
margins have); the others are listed per dimension and category
(``excluded``) and left out of every weighted figure.

Texts are in the language of the request (gettext): the report states its
weighting in words in every format."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from babel.numbers import format_decimal
from flask_babel import gettext

from survey.analysis.collapsing import UNANSWERED, Collapsing
from survey.analysis.collect import WeightData
from survey.analysis.margins import TOTAL_TOLERANCE, dimension_totals, totals_disagree
from survey.analysis.model import (
    CollapsedGroup,
    ExcludedGroup,
    MarginRow,
    Notice,
    WeightingSummary,
)
from survey.analysis.suppression import suppress_table
from survey.analysis.tables import round2
from survey.definitions.definition import QuestionDef

LOCALE = "nl_BE"


def _(msgid: str, **values: Any) -> str:
    return str(gettext(msgid, **values))


def dimension_label(name: str) -> str:
    """A dimension's name in words (``age`` -> leeftijdsgroep)."""
    return {
        "district": _("district"),
        "age": _("age band"),
        "sex": _("sex"),
        "mode": _("response mode"),
    }.get(name, name)


def mode_label(mode: str) -> str:
    """A response mode in words (``paper`` -> op papier)."""
    return {"web": _("online"), "paper": _("on paper"), "import": _("imported")}.get(mode, mode)


def column_label(dimension: str, code: Any, label: str) -> str:
    """A cross-tab column in words: the group without a code is "unknown",
    a response mode is said in the report's language."""
    if code is None:
        return _("unknown")
    return mode_label(str(code)) if dimension == "mode" else label


def _group(dimension: str, code: Any, dimensions: Mapping[str, QuestionDef], language: str) -> str:
    """A category of a dimension in words: "sex Anders (code 3)"."""
    question = dimensions.get(dimension)
    label = None
    if question is not None and isinstance(code, int):
        label = question.dimension_codes(language).labels.get(code)
    if label:
        return _(
            "%(dimension)s %(label)s (code %(code)s)",
            dimension=dimension_label(dimension),
            label=label,
            code=code,
        )
    return _("%(dimension)s code %(code)s", dimension=dimension_label(dimension), code=code)


def weighting_summary(
    weighting: WeightData,
    dimensions: Mapping[str, QuestionDef],
    language: str,
    threshold: int,
) -> WeightingSummary:
    """The summary of ``weighting``; ``dimensions`` give the group labels.
    The counts of the excluded groups are protected like the options of one
    table (``suppression.suppress_table``): a group of 1 .. threshold-1
    responses, and then one more, are not published."""
    result = weighting.result
    plan = weighting.collapsed
    complete = {cell: n for cell, n in weighting.cells.items() if cell in result.weights}
    total = sum(complete.values())
    margins = []
    for index, dimension in enumerate(weighting.dimensions):
        if dimension in plan.dropped:
            continue
        labels = dimensions[dimension].dimension_codes(language).labels
        sample: dict[Any, float] = defaultdict(float)
        for cell, n in complete.items():
            # A code the margins lack, weighted with its declared category,
            # counts in that category's sample share.
            sample[_row_code(plan, dimension, cell[index], weighting.margins)] += n
        populations = weighting.margins[dimension]
        dimension_total = sum(populations.values())
        merged = plan.merged(dimension)
        # Responses without an answer here, weighted on the other dimensions,
        # are held at their own number: shares are of those who answered,
        # else every share would give that number back.
        placed = total - weighting.unanswered.get(dimension, 0)
        held = result.weighted_shares[dimension].get(UNANSWERED, 0.0)
        for code, population in populations.items():
            # A merged category's own weighted share is no margin of the
            # raking, and beside its population it would give the merged
            # categories' sample counts back: only the merged one is raked.
            weighted = (
                None
                if code in merged
                else result.weighted_shares[dimension].get(code, 0) / (1 - held)
            )
            margins.append(
                MarginRow(
                    dimension=dimension,
                    code=code,
                    label=labels.get(code, str(code)),
                    population=population,
                    population_percent=round2(population / dimension_total * 100),
                    sample_percent=round2(sample.get(code, 0) / placed * 100) if placed else None,
                    weighted_percent=None if weighted is None else round2(weighted * 100),
                    sample_count=round(sample.get(code, 0)),
                )
            )
    collapsed = tuple(
        CollapsedGroup(
            dimension=merge.dimension,
            codes=merge.codes,
            labels=tuple(
                dimensions[merge.dimension].dimension_codes(language).labels.get(c, str(c))
                for c in merge.codes
            ),
            responses=merge.responses,
            into=merge.into,
            lacking=frozenset(
                c for c in merge.codes if c not in weighting.margins[merge.dimension]
            ),
        )
        for merge in plan.merges
        if merge.dimension not in plan.dropped
    )
    hidden = suppress_table(
        {index: e.responses for index, e in enumerate(weighting.exclusions)}, threshold
    )
    excluded = tuple(
        ExcludedGroup(
            dimension=e.dimension,
            code=e.code,
            label=(
                None
                if e.code is None
                else dimensions[e.dimension].dimension_codes(language).labels.get(e.code)
            ),
            reason=e.reason,
            responses=e.responses,
            hidden=index in hidden,
        )
        for index, e in enumerate(weighting.exclusions)
    )
    totals = dimension_totals(weighting.margins)
    warnings = []
    if totals_disagree(weighting.margins):
        warnings.append(margin_totals_notice(totals))
    if not result.converged:
        warnings.append(not_converged_notice(result.trim, margin_gaps(margins)))
    return WeightingSummary(
        dimensions=result.dimensions,
        design_effect=round(result.design_effect, 2),
        effective_n=round(result.effective_n),
        complete_responses=result.respondents,
        excluded_responses=result.excluded,
        converged=result.converged,
        iterations=result.iterations,
        trim=result.trim,
        min_weight=round(result.min_weight, 3),
        max_weight=round(result.max_weight, 3),
        margins=tuple(margins),
        excluded=excluded,
        margin_totals=totals,
        warnings=tuple(warnings),
        collapse_minimum=plan.minimum,
        collapsed=collapsed,
        dropped_dimensions=plan.dropped,
        unanswered=dict(weighting.unanswered),
    )


def _row_code(plan: Collapsing, dimension: str, code: Any, margins: Mapping[str, Any]) -> Any:
    """The margins row a complete response's code counts under: its own, or
    for a code the margins lack, the category it was merged into."""
    return code if code in margins[dimension] else plan.code(dimension, code)


def margin_gaps(margins: Iterable[MarginRow]) -> dict[str, float]:
    """Per dimension the largest gap, in percentage points (two decimals),
    between a category's weighted share and its population share, over the
    categories with a weighted share (a merged one has none). Both shares
    are in the published margins table: the gap gives nothing else away."""
    gaps: dict[str, float] = {}
    for m in margins:
        if m.weighted_percent is None or m.population_percent is None:
            continue
        gap = round(abs(m.weighted_percent - m.population_percent), 2)
        gaps[m.dimension] = max(gaps.get(m.dimension, 0.0), gap)
    return gaps


def not_converged_notice(trim: float | None, gaps: Mapping[str, float] | None = None) -> Notice:
    """The warning that the weights do not reach the population margins.
    With a cap (``trim``): every weight was kept between ``1 / trim`` and
    ``trim`` times the mean, and within those bounds the weighted shares
    miss the margins by up to ``gaps`` (:func:`margin_gaps`: per dimension,
    in percentage points, said to one decimal; a dimension with no gap
    left out). Without one: raking ran out of sweeps."""
    gaps = {d: g for d, g in (gaps or {}).items() if g > 0}
    if trim is not None:
        values = {
            "trim": format_decimal(trim, format="#,##0.##", locale=LOCALE),
            "floor": format_decimal(1 / trim, format="#,##0.##", locale=LOCALE),
        }
        bounds = _(
            "The weights were kept between %(floor)s and %(trim)s times the mean weight (a cap "
            "of %(trim)s and its inverse).",
            **values,
        )
        listed = [
            _(
                "%(points)s percentage points for %(dimension)s",
                points=format_decimal(gap, format="#,##0.0", locale=LOCALE),
                dimension=dimension_label(dimension),
            )
            for dimension, gap in gaps.items()
        ]
        if listed:
            missed = _(
                "Within those bounds the weighted figures miss the population margins by up "
                "to %(gaps)s.",
                gaps=", ".join(listed),
            )
        else:
            missed = _(
                "Within those bounds the weighted figures do not reach the population margins."
            )
        advice = _("Raise the cap or weight without one.")
        message = f"{bounds} {missed} {advice}"
    else:
        message = _(
            "The weighted figures do not reach the population margins: the weighting stopped "
            "before it found weights that fit them. Check the margins."
        )
    return Notice("margins_not_reached", message, {"trim": trim, "gaps": gaps})


def margin_totals_notice(totals: Mapping[str, float]) -> Notice:
    """The warning that the dimensions' populations add up to different totals."""
    listed = ", ".join(
        _(
            "%(dimension)s %(total)s",
            dimension=dimension_label(d),
            total=format_decimal(t, format="#,##0", locale=LOCALE),
        )
        for d, t in totals.items()
    )
    return Notice(
        "margin_totals_differ",
        _(
            "The population margins add up to different totals per characteristic (%(totals)s). "
            "Weighting uses the shares within each characteristic, but check that the margins "
            "describe the same population (the same date, the same ages).",
            totals=listed,
        ),
        {"totals": dict(totals), "tolerance": TOTAL_TOLERANCE},
    )


def _reasons(
    dimensions: Mapping[str, QuestionDef], language: str
) -> dict[str, Callable[[Mapping[str, Any]], str]]:
    def group(d: Mapping[str, Any]) -> str:
        return _group(str(d.get("dimension", "?")), d.get("code", "?"), dimensions, language)

    return {
        "unknown_margin_dimension": lambda d: _(
            "the population margins name the characteristic %(dimension)s, but no question of "
            "this survey asks it.",
            dimension=d.get("dimension", "?"),
        ),
        "empty_margin": lambda d: _(
            "the population margins of %(dimension)s are missing or add up to zero.",
            dimension=dimension_label(str(d.get("dimension", "?"))),
        ),
        "negative_population": lambda d: _(
            "a population in the margins is negative or not a number."
        ),
        "bad_trim": lambda d: _("the weight cap must be above 1."),
        "no_complete_responses": lambda d: _(
            "no response has an answer on every characteristic of the margins yet."
        ),
        "margin_without_respondents": lambda d: _(
            "%(group)s has a population in the margins but no respondents yet. Weighting becomes "
            "possible once every group of the margins has respondents; otherwise merge it with a "
            "neighbouring group in the margins.",
            group=group(d),
        ),
        "all_dimensions_collapsed": lambda d: _(
            "every characteristic of the margins has too few responses per group, even with "
            "groups weighted together."
        ),
        "zero_population_with_respondents": lambda d: _(
            "%(count)s respondents belong to %(group)s, whose population in the margins is 0.",
            count=d.get("respondents", "?"),
            group=group(d),
        ),
        "unknown_code": lambda d: _(
            "%(count)s respondents belong to %(group)s, which is not in the margins.",
            count=d.get("respondents", "?"),
            group=group(d),
        ),
    }


def weighting_problem(
    kind: str, details: Mapping[str, Any], dimensions: Mapping[str, QuestionDef], language: str
) -> Notice:
    """Why the report could not be weighted, and that its figures are
    unweighted, in one message."""
    sentence = _reasons(dimensions, language).get(kind)
    reason = sentence(details) if sentence else _("the data do not allow it.")
    return Notice(
        kind,
        _(
            "Weighting to the population margins is not possible: %(reason)s All figures in this "
            "report are unweighted: they describe the people who answered.",
            reason=reason,
        ),
        dict(details),
    )
