"""Key figures per municipality: for each group of the survey's district
dimension (deelgemeente or gemeente), first the feeling of unsafety (every
question with ``measure: unsafety``, in survey order), then the residents'
shares behind the priority matrix, for the phenomena the report proposes
as a priority or an attention point (all ranked ones when it proposes
none), in rank order.

Rules:

- One figure per item: an unsafety question gives the share of valid
  answers with a code of ``unsafety_codes`` (the Veiligheidsmonitor
  publishes "always or often"); a concern question (or matrix row) gives the share
  of valid answers with a code of ``concern_codes``; a priority question the
  share of respondents who chose the option (ranking: at any rank); a
  victimisation question (or row) the share answering its first option
  ("yes"). Items, not the matrix's pooled indicators: a phenomenon's
  concern over several rows per respondent is published for the zone only.
- Every figure is read from the district cross-tab of its question (or row)
  after disclosure control (``survey.analysis.disclosure``): its count is
  the sum of published cells, or, where the column's cells add up to its
  base (one answer per respondent: not multiple choice or ranking) and
  every hidden cell of the column is one of the item's codes, the published
  column base minus the published cells of the other codes (so "always or
  often" is shown when "always" is hidden as a small cell and "often" as
  its complement: the reader already has their sum). A figure that would
  need a hidden base, or a hidden cell beside a hidden cell outside its
  codes, is hidden (``suppressed``), and a base below
  ``BASE_RULES['hidden_below']`` shows no percentage, as in every table
  (``suppression.base_flag``). So a figure here is a sum or a difference of
  figures the report already publishes and audits: it adds no relation to
  the disclosure audit, and no hidden count can be recovered from it by
  subtraction from the zone's figure.
- Beside each figure, the zone's estimate of the same item: the published
  estimates of the question's own table (summed over ``codes``); by the
  same rule 100 minus the published estimates of the other valid options
  where every hidden valid option is one of ``codes`` (not for a priority
  item: a multiple choice's or ranking's options do not add up to 100);
  None otherwise.
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
INDICATORS = ("unsafety", "concern", "priority", "victimisation")
"""The residents' indicators shown per municipality, in this order (the
feeling of unsafety is no phenomenon's: it comes before the phenomena)."""
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
    """The published estimates of the valid options of the questions' own
    tables (the report JSON's ``questions``), by question and matrix row: a
    hidden option's estimate is None; missing options (outside the base)
    are left out."""
    found: dict[tuple[str, str | None], dict[int, float | None]] = {}
    for question in questions:
        lines = [(row["key"], row) for row in question.get("rows") or []]
        if "options" in question:
            lines.append((None, question))
        for row, line in lines:
            found[(question["key"], row)] = {
                o["code"]: None if o.get("suppressed") else o.get("estimate")
                for o in line.get("options") or []
                if not o.get("missing")
            }
    return found


def _zone(item: KeyItem, zone: ZoneFigures) -> float | None:
    """The zone's share of the item: the sum of its codes' published
    estimates; or 100 minus the other options' (see the module's rules);
    None when neither is published."""
    options = zone.get((item.question, item.row), {})
    values = [options.get(code) for code in item.codes]
    if values and all(v is not None for v in values):
        return round2(sum(v for v in values if v is not None))
    others = [v for code, v in options.items() if code not in item.codes]
    if not values or item.indicator == "priority" or any(v is None for v in others):
        return None
    # Every hidden valid option is one of the item's: the rest of 100 %.
    return round2(max(0.0, 100 - sum(v for v in others if v is not None)))


def _figure(
    item: KeyItem,
    label: str | None,
    tab: CrossTable,
    column: int,
    design_effect: float | None,
    intervals: bool = True,
) -> KeyFigure:
    """The figure of ``item`` in the cross-tab column ``column``; without
    ``intervals``, the weighted share has no interval (its width would give
    the design effect back where the report withholds it)."""
    keys = [(code, column) for code in item.codes if any(o.code == code for o in tab.options)]
    marked = [(o.code, column) in tab.cell_marks for o in tab.options]
    inside = any(k in tab.cell_marks for k in keys)
    outside = sum(marked) > sum(k in tab.cell_marks for k in keys)
    # A hidden cell among the codes is still published as a difference when
    # the column's cells add up to its base and no other cell is hidden.
    derived = tab.column_valid is None and not outside
    hidden = column in tab.column_marks or (inside and not derived)
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
    # The feeling of unsafety (no phenomenon) first, then the phenomena in
    # rank order; sorted() keeps survey order within each.
    order: dict[str | None, int] = {None: -1} | {r.phenomenon: i for i, r in enumerate(phenomena)}
    labels: dict[str | None, str | None] = {None: None} | {r.phenomenon: r.label for r in phenomena}
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
