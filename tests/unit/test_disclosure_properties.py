"""For every report: no hidden count can be solved for by a reader of the
published figures (``tests/disclosure_check.py``, written apart from the
product's audit), and every count of 1 .. threshold-1 is hidden. Apart from
``test_disclosure.py``: each example audits a whole report and then attacks
it with linear programming, too slow for every mutant of a mutation run."""

from __future__ import annotations

from typing import Any

from disclosure_reports import (
    DISTRICT,
    HINDER,
    VERVOER,
    Person,
    options,
    report,
    solvable,
    survey,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.analysis.tables import (
    PRIMARY,
    Summary,
)

TOP = {
    "key": "top",
    "type": "ranking",
    "choose": 2,
    "text": {"nl": "Wat moet de politie eerst aanpakken?"},
    "options": options(1, 2, 3, missing=None),
}
RANDOM_SURVEY = survey(DISTRICT, HINDER, VERVOER, TOP)


@st.composite
def respondents(draw: st.DrawFn) -> list[Person]:
    """15-45 respondents of two districts (some without one) answering a
    single question, a multiple choice and a ranking of two out of three."""
    person = st.fixed_dictionaries(
        {
            "wijk": st.sampled_from([1, 1, 2, None]),
            "hinder": st.sampled_from([1, 1, 2, 2, 3, 9]),
            "vervoer": st.lists(st.sampled_from([1, 2, 3]), max_size=2, unique=True),
            "top": st.one_of(
                st.just([]),
                st.lists(st.sampled_from([1, 2, 3]), min_size=2, max_size=2, unique=True),
            ),
        }
    )
    return draw(st.lists(person, min_size=15, max_size=45))


def all_figures(summary: Summary) -> list[tuple[str, Any, Any]]:
    """(what, count, mark) of every count a table and its cross-tabs publish."""
    table: Any = summary.table
    found = [
        ("valid", table.valid, table.valid_mark),
        ("missing", table.missing, table.missing_mark),
    ]
    for c in table.categories:
        found.append(("count", c.count, c.mark))
        if hasattr(c, "first"):
            found.append(("first", c.first, c.first_mark or c.mark))
    for x in summary.crosstabs:
        found += [("cell", n, x.cell_marks.get(cell)) for cell, n in x.cells.items()]
        found += [("col", n, x.column_marks.get(col)) for col, n in x.column_bases.items()]
    return found


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=respondents(), threshold=st.sampled_from([3, 5, 10]))
def test_no_hidden_count_of_a_random_report_can_be_solved_by_a_reader(
    answers: list[Person], threshold: int
) -> None:
    """Whatever the answers: every count of 1 .. threshold-1 is hidden as a
    count of its own, and no hidden count is pinned by the published
    figures to an interval narrower than the threshold."""
    protected = report(RANDOM_SURVEY, answers, threshold)
    for summary in protected.summaries:
        for what, count, mark in all_figures(summary):
            if 0 < count < threshold and what != "col":
                assert mark == PRIMARY, (what, count)
    assert protected.verdict.unprotected == 0
    assert solvable(RANDOM_SURVEY, protected, len(answers), threshold) == {}
