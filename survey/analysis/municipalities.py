"""Key figures per municipality: for each group of the survey's district
dimension (deelgemeente or gemeente), the residents' shares behind the
priority matrix, for the phenomena the report proposes as a priority or an
attention point (all ranked ones when it proposes none), in rank order.

Rules:

- One figure per item: a concern question (or matrix row) gives the share
  of valid answers with a code of ``concern_codes``; a priority question the
  share of respondents who chose the option (ranking: at any rank); a
  victimisation question (or row) the share answering its first option
  ("yes"). Items, not the matrix's pooled indicators: a phenomenon's
  concern over several rows per respondent is published for the zone only.
- Every figure is read from the district cross-tab of its question (or row)
  after disclosure control (``survey.analysis.disclosure``): its count is
  the sum of published cells and its base the published column base. A
  figure that would use a hidden cell or a hidden base is hidden
  (``suppressed``), and a base below ``BASE_RULES['hidden_below']`` shows no
  percentage, as in every table (``suppression.base_flag``). So a figure
  here is a sum of figures the report already publishes and audits: it adds
  no relation to the disclosure audit, and no hidden count can be recovered
  from it by subtraction from the zone's figure.
- Beside each figure, the zone's estimate of the same item: the published
  estimates of the question's own table (summed over ``codes``), None
  where one of them is hidden.
- The interval is the Wilson 95 % interval on the column base; weighted,
  the weighted share from the cross-tab's weighted cells with the Wilson
  interval on the column base divided by the report's design effect (the
  cross-tab keeps no sum of squared weights per column).
- A group that is no cross-tab column (its count is hidden in the district
  question's own table or is below ``BASE_RULES['hidden_below']``, so
  disclosure folded it into the unknown column)
  or whose figures are all hidden or on too small a base gets no figures,
  only its ``status``: ``too_few`` (too few answers) or ``protected``
  (hidden to protect a smaller group).

This module is pure and imports nothing from the definitions or the
database: ``survey.analysis.assemble`` gives it the items. Its value
objects are in the report model (``survey.analysis.model``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from survey.analysis.estimates import WEIGHTED, Figure, report_kind
from survey.analysis.intervals import weighted_wilson_interval, wilson_interval
from survey.analysis.model import (
    KeyFigure,
    KeyItem,
    Municipalities,
    MunicipalitySection,
    MunicipalityStatus,
)
from survey.analysis.suppression import base_flag
from survey.analysis.tables import (
    PRIMARY,
    CategoricalTable,
    CrossTable,
    Json,
    PriorityRow,
    Table,
    percent,
    round2,
    rounded_interval,
)

DIMENSION = "district"
"""The dimension whose groups get a section each."""
INDICATORS = ("concern", "priority", "victimisation")
"""The residents' indicators shown per municipality, in this order."""
PROPOSED = ("priority", "attention")


def key_phenomena(rows: Sequence[PriorityRow]) -> list[PriorityRow]:
    """The phenomena the sections show, in rank order: those proposed as a
    priority or attention point, else every ranked one."""
    ranked = [r for r in rows if r.rank is not None]
    proposed = [r for r in ranked if r.proposal_key in PROPOSED]
    return proposed or ranked


ZoneFigures = Mapping[tuple[str, str | None], Mapping[int, float | None]]
"""Per question (and matrix row): the published estimate of every option."""


def zone_figures(
    questions: Sequence[Json],
) -> dict[tuple[str, str | None], dict[int, float | None]]:
    """The published estimates of the questions' own tables (the report
    JSON's ``questions``), by question and matrix row: a hidden option's
    estimate is None."""
    found: dict[tuple[str, str | None], dict[int, float | None]] = {}
    for question in questions:
        lines = [(row["key"], row) for row in question.get("rows") or []]
        if "options" in question:
            lines.append((None, question))
        for row, line in lines:
            found[(question["key"], row)] = {
                o["code"]: None if o.get("suppressed") else o.get("estimate")
                for o in line.get("options") or []
            }
    return found


def _zone(item: KeyItem, zone: ZoneFigures) -> float | None:
    """The zone's share of the item: the sum of its codes' published
    estimates, None when one of them is not published."""
    options = zone.get((item.question, item.row), {})
    values = [options.get(code) for code in item.codes]
    if not values or any(v is None for v in values):
        return None
    return round2(sum(v for v in values if v is not None))


def _figure(
    item: KeyItem,
    label: str,
    tab: CrossTable,
    column: int,
    design_effect: float | None,
    intervals: bool = True,
) -> KeyFigure:
    """The figure of ``item`` in the cross-tab column ``column``; without
    ``intervals``, the weighted share has no interval (its width would give
    the design effect back where the report withholds it)."""
    keys = [(code, column) for code in item.codes if any(o.code == code for o in tab.options)]
    hidden = column in tab.column_marks or any(k in tab.cell_marks for k in keys)
    weighted_bases = tab.weighted_column_bases
    if hidden:
        blank = None if weighted_bases is None else Figure(None, None, WEIGHTED)
        return KeyFigure(item, label, None, None, None, None, blank, True, "hidden")
    base = tab.column_bases.get(column, 0)
    count = sum(tab.cells.get(k, 0) for k in keys)
    flag = base_flag(base)
    show = flag != "hidden"
    share = percent(count, base) if show else None
    ci95 = rounded_interval(wilson_interval(count, base)) if show else None
    weighted = None
    if weighted_bases is not None and tab.weighted_cells is not None:
        total = weighted_bases.get(column, 0.0)
        hits = sum(tab.weighted_cells.get(k, 0.0) for k in keys)
        effective = base / design_effect if design_effect else float(base)
        weighted = (
            Figure(
                round2(hits / total * 100),
                rounded_interval(weighted_wilson_interval(hits, total, effective))
                if intervals
                else None,
                WEIGHTED,
            )
            if show and total > 0
            else Figure(None, None, WEIGHTED)
        )
    return KeyFigure(item, label, count, base, share, ci95, weighted, False, flag)


def _status(table: Table | None, code: int) -> MunicipalityStatus:
    """Why a group is no cross-tab column: too few answers (its count is
    hidden as a small cell, or none, or published but too small for a
    percentage) or folded to protect another group (hidden as its
    complement, or folded with the small unknown group:
    ``survey.analysis.disclosure.folded_groups``)."""
    if isinstance(table, CategoricalTable):
        for category in table.categories:
            if category.code == code:
                # A hidden count's size is not told: a complement is "protected".
                small = (
                    category.mark == PRIMARY
                    or not category.count
                    or (category.mark is None and base_flag(category.count) == "hidden")
                )
                return "too_few" if small else "protected"
    return "too_few"


def municipality_sections(
    *,
    question: str,
    question_text: str,
    groups: Sequence[tuple[int, str]],
    group_table: Table | None,
    items: Sequence[KeyItem],
    crosstabs: Sequence[CrossTable],
    priorities: Sequence[PriorityRow],
    design_effect: float | None,
    zone: ZoneFigures | None = None,
    weighted_intervals: bool = True,
) -> Municipalities:
    """The sections of every group (``groups``: code and label of the
    district question's valid options; ``group_table``: its protected table)
    from the protected district cross-tabs, each figure with the zone's
    estimate from ``zone`` (``zone_figures``) beside it (pure). Without
    ``weighted_intervals`` (the weighting section withholds the weights'
    spread) no weighted share gets an interval, as in every other table."""
    tabs: Mapping[tuple[str, str | None], CrossTable] = {
        (t.question, t.row): t for t in crosstabs if t.dimension == DIMENSION
    }
    phenomena = key_phenomena(priorities)
    order = {r.phenomenon: i for i, r in enumerate(phenomena)}
    labels = {r.phenomenon: r.label for r in phenomena}
    chosen = sorted(
        (i for i in items if i.phenomenon in order and (i.question, i.row) in tabs),
        key=lambda i: (order[i.phenomenon], INDICATORS.index(i.indicator)),
    )
    weighted = any(t.weighted_cells is not None for t in tabs.values())
    sections = []
    for code, label in groups:
        columns = [t for t in tabs.values() if any(c.code == code for c in t.columns)]
        if not columns:
            sections.append(MunicipalitySection(code, label, _status(group_table, code)))
            continue
        figures = tuple(
            replace(
                _figure(
                    item,
                    labels[item.phenomenon],
                    tabs[(item.question, item.row)],
                    code,
                    design_effect,
                    weighted_intervals,
                ),
                zone=_zone(item, zone or {}),
            )
            for item in chosen
        )
        if not any(f.estimate.value is not None for f in figures):
            sections.append(MunicipalitySection(code, label, "too_few"))
            continue
        sections.append(MunicipalitySection(code, label, "shown", figures))
    return Municipalities(
        dimension=DIMENSION,
        question=question,
        question_text=question_text,
        estimates=report_kind(weighted),
        sections=tuple(sections),
    )
