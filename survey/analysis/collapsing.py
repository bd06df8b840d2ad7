"""Collapsing sparse weighting categories before raking, as the federal
Veiligheidsmonitor does: a category with too few respondents is merged with
a neighbour and raked on together, rather than given extreme weights, left
out, or made an error.

Rules (docs/margins.md, "Collapsing sparse categories"):

- ``minimum`` is the smallest number of complete respondents a category of a
  weighting dimension is raked on (``DEFAULT_MINIMUM``: 20). Counts are those
  of the complete respondents (a valid code on every weighting dimension);
  only categories with a positive population take part (a code with
  population 0 and no respondents is left out of raking anyway).
- **Ordered dimensions** (age bands): while the smallest category of the
  dimension is below the minimum, it is merged with the adjacent category
  (in the dimension's order) with the fewer respondents; on a tie, with the
  one before it. A merged category is a run of adjacent bands, so "65-74" +
  "75+" and never "18-24" + "75+".
- **Nominal dimensions** (district, sex) have no neighbour by nature: a
  category below the minimum is merged only into the category the planner
  declares (``into``: ``{dimension: {code: into code}}``); without a
  declaration it stays as it is, and raking treats it as before (a category
  with a population and no respondents is then still an error).
- A **code the margins lack** (sex "Anders" against Statbel's two sexes) is
  merged into the category declared for it in ``into``, and its respondents
  are weighted with that category; without a declaration they stay outside
  the weighting (``collect``: left out and counted, never a silent weight 0).
- Merged categories are raked on the sum of their populations, under the
  code of the member that comes first in the dimension's order.
- A dimension that collapses to one category carries no information for the
  weights: it drops out of the raking (``dropped``), and the report says so.
  Its respondents without an answer on it are then weighted on the other
  dimensions; those with a code the margins lack and no declared merge stay
  out of the weighting. (Margins that have one category from the start
  are raked on as before: nothing was merged.)
- **Unanswered** (``unanswered``, off by default): a response without an
  answer on a dimension raked on is weighted on the other dimensions, held
  at its own number on that one (``UNANSWERED``, ``hold_unanswered``); one
  without an answer on every dimension stays out.

All functions are pure: counts in, decisions out.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

DEFAULT_MINIMUM = 20
"""Complete respondents a weighting category needs before it is raked on
alone. Twenty keeps a category's weight estimated from enough people that
one respondent more or less moves it by at most about 5 %."""


_DECLARATION = re.compile(r"([a-z0-9_]{1,40}):(-?[0-9]{1,9})=(-?[0-9]{1,9})")


def parse_declarations(texts: Iterable[str]) -> dict[str, dict[int, int]]:
    """Declared merges written ``dimension:code=into`` (``sex:3=2``), as
    ``{dimension: {code: into}}``; ``ValueError`` with an English sentence
    for the command line when one is malformed or declares a code twice."""
    declared: dict[str, dict[int, int]] = {}
    for text in texts:
        found = _DECLARATION.fullmatch(text.strip().lower())
        if found is None:
            raise ValueError(
                f"--collapse-into {text!r}: write DIMENSION:CODE=INTO, e.g. sex:3=2 "
                "(code 3 of sex is weighted with code 2)"
            )
        dimension, code, target = found[1], int(found[2]), int(found[3])
        if code == target or code in declared.get(dimension, {}):
            raise ValueError(
                f"--collapse-into {text!r}: {dimension} code {code} is merged into itself "
                "or declared twice"
            )
        declared.setdefault(dimension, {})[code] = target
    return declared


@dataclass(frozen=True, slots=True)
class Merge:
    """One category raked on as a merge of several codes of a dimension.

    ``codes`` are the members in the dimension's order (codes the margins
    lack, merged by declaration, last); ``responses`` the complete
    respondents of each member; ``into`` the code raked on."""

    dimension: str
    codes: tuple[int, ...]
    responses: tuple[int, ...]
    into: int

    @property
    def total(self) -> int:
        """Complete respondents of the merged category."""
        return sum(self.responses)


@dataclass(frozen=True)
class Collapsing:
    """The outcome of the rule for a set of margins: which code is raked
    under which (``groups``: only codes that change), the merges, and the
    dimensions that collapsed to a single category (``dropped``)."""

    minimum: int
    groups: Mapping[str, Mapping[int, int]] = field(default_factory=dict)
    merges: tuple[Merge, ...] = ()
    dropped: tuple[str, ...] = ()
    placed: Mapping[str, frozenset[int]] = field(default_factory=dict)
    """Per dropped dimension, the codes of its one merged category: a
    response with another code there (one the margins lack, merged by no
    declaration) stays out of the weighting, as it would have."""
    unanswered: bool = False
    """Responses without an answer on a dimension raked on are weighted on
    the other dimensions (``hold_unanswered``) instead of left out."""

    def code(self, dimension: str, code: int | None) -> int | None:
        """The code ``code`` of ``dimension`` is raked under."""
        if code is None:
            return None
        return self.groups.get(dimension, {}).get(code, code)

    def merged(self, dimension: str) -> frozenset[int]:
        """The codes of ``dimension`` raked together with another one."""
        return frozenset(c for m in self.merges if m.dimension == dimension for c in m.codes)

    def margins(self, margins: Mapping[str, Mapping[int, float]]) -> dict[str, dict[int, float]]:
        """The margins raked on: merged populations summed under the code of
        their first member; dropped dimensions left out."""
        merged: dict[str, dict[int, float]] = {}
        for dimension, populations in margins.items():
            if dimension in self.dropped:
                continue
            sums: dict[int, float] = {}
            for code, population in populations.items():
                target = self.code(dimension, code)
                assert target is not None
                sums[target] = sums.get(target, 0.0) + population
            merged[dimension] = sums
        return merged

    def cell(self, dimensions: Sequence[str], key: Sequence[int | None]) -> tuple[int | None, ...]:
        """A cell key over ``dimensions`` recoded to the raked codes, with the
        positions of dropped dimensions removed; all None (incomplete) when a
        dropped dimension has a code its margins cannot place."""
        kept = tuple(
            self.code(dimension, code)
            for dimension, code in zip(dimensions, key, strict=True)
            if dimension not in self.dropped
        )
        unplaced = any(
            code is not None and code not in self.placed.get(dimension, frozenset())
            for dimension, code in zip(dimensions, key, strict=True)
            if dimension in self.dropped
        )
        if unplaced:
            return (None,) * len(kept)
        if self.unanswered and any(code is not None for code in kept):
            return tuple(UNANSWERED if code is None else code for code in kept)
        return kept


UNANSWERED = -(10**10)
"""The raking code of "no answer on this dimension" when such responses are
weighted on the other dimensions: outside the range of codes (9 digits)."""


def hold_unanswered(
    cells: Mapping[tuple[int | None, ...], float],
    dimensions: Sequence[str],
    margins: Mapping[str, Mapping[int, float]],
) -> tuple[dict[str, dict[int, float]], dict[str, int]]:
    """Margins that hold the responses without an answer on a dimension at
    their own number there, so that raking adjusts them on the other
    dimensions only; and how many there are per dimension.

    Over the complete cells (every code in the margins or ``UNANSWERED``) of
    ``n`` responses, ``u`` of them unanswered on a dimension: ``UNANSWERED``
    gets the population ``u / (n - u)`` x the dimension's total, so its
    share is ``u / n`` and raking gives those ``u`` responses a weighted
    total of exactly ``u``; the answered categories share the rest in their
    population shares. A dimension nobody answered gets no such category
    (raking then says its categories have no respondents)."""
    complete = {
        key: n
        for key, n in cells.items()
        if all(
            code == UNANSWERED or code in margins[d]
            for d, code in zip(dimensions, key, strict=True)
        )
    }
    total = sum(complete.values())
    held = {d: dict(margins[d]) for d in dimensions}
    unanswered: dict[str, int] = {}
    for index, dimension in enumerate(dimensions):
        u = sum(n for key, n in complete.items() if key[index] == UNANSWERED)
        if u > 0 and total - u > 0:
            held[dimension][UNANSWERED] = u / (total - u) * sum(margins[dimension].values())
        if u > 0:
            unanswered[dimension] = round(u)
    return held, unanswered


def sample_counts(
    cells: Mapping[tuple[int | None, ...], float],
    dimensions: Sequence[str],
    margins: Mapping[str, Mapping[int, float]],
    into: Mapping[str, Mapping[int, int]],
) -> dict[str, dict[int, int]]:
    """Complete respondents per code of every dimension: the cells whose
    every code is in the margins or declared ``into`` one that is."""
    counts: dict[str, dict[int, int]] = {d: {} for d in dimensions}
    for key, n in cells.items():
        if any(not _placed(d, c, margins, into) for d, c in zip(dimensions, key, strict=True)):
            continue
        for dimension, code in zip(dimensions, key, strict=True):
            assert code is not None
            found = counts[dimension]
            found[code] = found.get(code, 0) + round(n)
    return counts


def _placed(
    dimension: str,
    code: int | None,
    margins: Mapping[str, Mapping[int, float]],
    into: Mapping[str, Mapping[int, int]],
) -> bool:
    if code is None:
        return False
    return code in margins[dimension] or into.get(dimension, {}).get(code) in margins[dimension]


def collapse(
    counts: Mapping[str, Mapping[int, int]],
    margins: Mapping[str, Mapping[int, float]],
    minimum: int,
    *,
    ordered: Mapping[str, Sequence[int]],
    into: Mapping[str, Mapping[int, int]] | None = None,
    unanswered: bool = False,
) -> Collapsing:
    """Apply the rule (module docstring) to the complete respondents per code
    (``counts``, see ``sample_counts``) of every dimension of ``margins``.

    ``ordered`` gives, for each ordered dimension, its codes in order (codes
    of the margins not in it come after, by code); a dimension not in it is
    nominal. ``into`` declares merges (``{dimension: {code: into code}}``),
    for sparse nominal categories and codes the margins lack; ``unanswered``
    weights responses without an answer on a dimension on the others
    (``Collapsing.cell``, ``hold_unanswered``)."""
    declared = into or {}
    groups: dict[str, dict[int, int]] = {}
    merges: list[Merge] = []
    dropped: list[str] = []
    placed: dict[str, frozenset[int]] = {}
    for dimension, populations in margins.items():
        found = counts.get(dimension, {})
        codes = [c for c in populations if populations[c] > 0]
        order = _order(codes, ordered.get(dimension))
        runs = (
            _collapse_ordered(order, found, minimum)
            if dimension in ordered
            else _collapse_declared(order, found, minimum, declared.get(dimension, {}))
        )
        lacking = sorted(c for c in found if c not in populations)
        for code in lacking:
            target = declared.get(dimension, {}).get(code)
            run = next((r for r in runs if target in r), None)
            if run is not None:
                run.append(code)
        mapping: dict[int, int] = {}
        for run in runs:
            for code in run[1:]:
                mapping[code] = run[0]
            if len(run) > 1:
                merges.append(
                    Merge(dimension, tuple(run), tuple(found.get(c, 0) for c in run), run[0])
                )
        if mapping:
            groups[dimension] = mapping
        # Margins of one category from the start are raked on as before.
        if len(runs) == 1 and len(runs[0]) > 1:
            dropped.append(dimension)
            placed[dimension] = frozenset(runs[0])
    return Collapsing(minimum, groups, tuple(merges), tuple(dropped), placed, unanswered)


def _order(codes: Collection[int], order: Sequence[int] | None) -> list[int]:
    """``codes`` in the dimension's order, the others after them by code."""
    known = [c for c in (order or ()) if c in codes]
    return known + sorted(c for c in codes if c not in known)


def _collapse_ordered(order: list[int], found: Mapping[int, int], minimum: int) -> list[list[int]]:
    """Runs of adjacent codes: the smallest run below ``minimum`` joins its
    adjacent run with the fewer respondents (ties: the one before), until
    every run meets the minimum or one run is left."""
    runs = [[code] for code in order]

    def size(run: list[int]) -> int:
        return sum(found.get(c, 0) for c in run)

    while len(runs) > 1:
        smallest = min(range(len(runs)), key=lambda i: (size(runs[i]), i))
        if size(runs[smallest]) >= minimum:
            break
        neighbours = [i for i in (smallest - 1, smallest + 1) if 0 <= i < len(runs)]
        other = min(neighbours, key=lambda i: (size(runs[i]), i))
        low, high = sorted((smallest, other))
        runs[low : high + 1] = [runs[low] + runs[high]]
    return runs


def _collapse_declared(
    order: list[int], found: Mapping[int, int], minimum: int, into: Mapping[int, int]
) -> list[list[int]]:
    """Runs of a nominal dimension: a code below ``minimum`` with a declared
    target (in the margins) joins the target's run; a chain of declarations
    is followed, a cycle stops where it would close."""
    run_of = {code: [code] for code in order}
    for code in order:
        target = into.get(code)
        if found.get(code, 0) >= minimum or target not in run_of:
            continue
        source, destination = run_of[code], run_of[target]
        if source is destination:
            continue
        destination.extend(source)
        for member in source:
            run_of[member] = destination
    runs: list[list[int]] = []
    for code in order:
        run = run_of[code]
        if not any(r is run for r in runs):
            runs.append(run)
    for run in runs:
        run.sort(key=order.index)
    return runs
