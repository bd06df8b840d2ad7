"""Disclosure control over a whole report (``disclosure.protect_report``): a
survey's answers, built in the test, go through the steps the report takes,
and the test reads the published figures as a reader would: which counts are
hidden, and whether any hidden count can be solved for from what is
published (the careful reader's attack of ``tests/disclosure_check.py``,
never the product's own audit). The property over random reports is in
``test_disclosure_properties.py``."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from itertools import product
from typing import Any

from disclosure_check import recoverable
from disclosure_reports import (
    DISTRICT,
    HINDER,
    VERVOER,
    Answers,
    Person,
    hidden_cells,
    in_district,
    marks,
    options,
    people,
    published,
    report,
    solvable,
    survey,
)

from survey.analysis.disclosure import (
    Protected,
    fold_groups,
    hidden_bases,
    hidden_indicators,
)
from survey.analysis.inputs import CrossCounts, WeightBase
from survey.analysis.model import ExcludedGroup, MarginRow, WeightingSummary
from survey.analysis.tables import (
    COMPLEMENTARY,
    PRIMARY,
    UNKNOWN_COLUMN,
    TextThemes,
    Theme,
    WeightedCounts,
    WeightedNumbers,
)
from survey.definitions.definition import SurveyDefinition


def test_a_small_cell_of_a_district_crosstab_is_hidden_so_that_no_reader_can_solve_it() -> None:
    """Three residents of district 1 answered "often": that cell is hidden as
    a count of its own, and in its row and both columns enough other cells
    with it that the published totals (the question's counts, the districts'
    respondents) leave it anywhere between 0 and 17; the question's own
    table, whose counts the cross-tab adds up to, still shows everything."""
    definition = survey(DISTRICT, HINDER)
    answers = people(
        *in_district(1, (20, 1), (15, 2), (3, 3)), *in_district(2, (18, 1), (25, 2), (14, 3))
    )
    protected = report(definition, answers)
    districts, noise = protected.summaries
    assert hidden_cells(districts) == {} and set(marks(districts).values()) == {None}
    assert set(marks(noise).values()) == {None}
    assert noise.table.valid_mark is None  # type: ignore[attr-defined]
    cells = hidden_cells(noise)
    assert cells[(3, 1)] == PRIMARY
    # Each row and column with a hidden cell hides at least two, adding up
    # to the threshold at least; every other hidden cell is a complement.
    assert {m for cell, m in cells.items() if cell != (3, 1)} == {COMPLEMENTARY}
    for line in [*((code, None) for code in (1, 2, 3)), *((None, g) for g in (1, 2))]:
        hidden = [c for c in cells if line[0] in (None, c[0]) and line[1] in (None, c[1])]
        assert len(hidden) != 1
    tab = noise.crosstabs[0]
    assert {c: tab.cells[c] for c in cells} == {
        (1, 1): 20,
        (2, 1): 15,
        (3, 1): 3,
        (1, 2): 18,
        (2, 2): 25,
        (3, 2): 14,
    }
    assert tab.column_marks == {}
    assert protected.verdict.primary == 1 and protected.verdict.complementary == 5
    assert protected.verdict.unprotected == 0
    assert solvable(definition, protected, len(answers), 10) == {}


def test_the_reader_check_solves_a_small_cell_published_with_one_complement_too_few() -> None:
    """The independent check can fail: publish one complement of the small
    cell again and the reader gets the cell back exactly."""
    definition = survey(DISTRICT, HINDER)
    answers = people(
        *in_district(1, (20, 1), (15, 2), (3, 3)), *in_district(2, (18, 1), (25, 2), (14, 3))
    )
    protected = report(definition, answers)
    noise = protected.summaries[1]
    tab = noise.crosstabs[0]
    leaky = replace(tab, cell_marks={c: m for c, m in tab.cell_marks.items() if c != (3, 2)})
    broken = replace(
        protected,
        summaries=(protected.summaries[0], replace(noise, crosstabs=(leaky,))),
    )
    found = solvable(definition, broken, len(answers), 10)
    assert found[("cell", ("hinder", None, "district"), 3, 1)] == (3, 3)


AGE = {"key": "leeftijd", "type": "number", "text": {"nl": "Hoe oud bent u?"}, "min": 0, "max": 120}
PROBLEMS = {
    "key": "problemen",
    "type": "matrix",
    "text": {"nl": "Hoe vaak komen deze problemen voor?"},
    "scale": "freq",
    "measure": "concern",
    "concern_codes": [3],
    "rows": [
        {"key": "lawaai", "label": {"nl": "Lawaai"}, "phenomenon": "inbraak"},
        {"key": "drugs", "label": {"nl": "Drugsoverlast"}, "phenomenon": "drugs"},
    ],
}


def test_a_figure_resting_on_fewer_answers_than_the_threshold_is_hidden_with_its_base() -> None:
    """Four residents gave their age: the number's base and its mean and
    median are hidden. Of the matrix, 56 of the 60 said "weet niet" about
    noise: that row's valid answers (4) and its options are hidden, its
    "weet niet" count (56) is not; the drugs row, answered by all 60,
    keeps its base and hides only what its own cells need."""
    definition = survey(DISTRICT, AGE, PROBLEMS)
    answers = people(
        (4, {"wijk": 1, "leeftijd": 30, "problemen": {"lawaai": 1, "drugs": 2}}),
        (26, {"wijk": 1, "problemen": {"lawaai": 9, "drugs": 3}}),
        (30, {"wijk": 2, "problemen": {"lawaai": 9, "drugs": 1}}),
    )
    protected = report(definition, answers)
    _districts, age, problems = protected.summaries
    table: Any = age.table
    assert (table.valid, table.valid_mark, table.mark) == (4, PRIMARY, PRIMARY)
    assert table.missing_mark is None
    noise, drugs = problems.table.rows  # type: ignore[attr-defined]
    assert (noise.table.valid, noise.table.valid_mark) == (4, PRIMARY)
    assert noise.table.missing_mark is None
    assert {c.code: c.mark is not None for c in noise.table.categories} == {
        1: True,
        2: True,
        3: True,
        9: False,
    }
    assert (drugs.table.valid, drugs.table.valid_mark, drugs.table.missing_mark) == (60, None, None)
    # The drugs row: 4 "sometimes" in district 1 is a small cell of its own.
    drugs_tab = next(x for x in problems.crosstabs if x.row == "drugs")
    assert drugs_tab.cell_marks[(2, 1)] == PRIMARY
    assert protected.verdict.unprotected == 0
    assert solvable(definition, protected, len(answers), 10) == {}


def test_a_published_base_of_exactly_the_threshold_stays_published() -> None:
    """Ten answers are enough: the number's base, mean and median are shown."""
    definition = survey(DISTRICT, AGE)
    answers = people((10, {"wijk": 1, "leeftijd": 40}), (20, {"wijk": 2}), (10, {"wijk": 1}))
    _districts, age = report(definition, answers).summaries
    table: Any = age.table
    assert (table.valid, table.valid_mark, table.mark) == (10, None, None)


SEX = {
    "key": "geslacht",
    "type": "single",
    "text": {"nl": "Wat is uw geslacht?"},
    "dimension": "sex",
    "options": options(1, 2, 3),
}


def sex_margins(*counts: tuple[int, int], **changes: Any) -> WeightingSummary:
    """A report weighted on sex (codes 1 and 2), with the complete responses
    per code; a respondent of code 3 is left out (no margin for it)."""
    complete = sum(n for _code, n in counts)
    margins = tuple(
        MarginRow("sex", code, f"optie {code}", 5000.0, 50.0, round(100 * n / complete, 2), 50.0, n)
        for code, n in counts
    )
    return WeightingSummary(
        ("sex",), 1.02, complete - 2, complete, 0, True, 5, None, 0.8, 1.2, margins, **changes
    )


def weighted_report(
    definition: SurveyDefinition, protected: Protected, responses: int, threshold: int = 10
) -> dict[str, Any]:
    found = published(definition, protected, responses, threshold)
    assert protected.weighting is not None
    found["weighting"] = protected.weighting.to_json()
    return found


def test_a_small_group_left_out_of_the_weighting_hides_the_totals_that_would_give_it_back() -> None:
    """Three residents of sex "other" (no margin): their count is hidden in
    the sex table (with 35 as its complement), so every sample share of sex
    is hidden; their group left out of the weighting (3) is hidden, and so
    are the complete and excluded responses, which would give it back
    (90 responses less 87 complete)."""
    definition = survey(SEX, HINDER)
    answers = people(
        (40, {"geslacht": 1, "hinder": 1}),
        (12, {"geslacht": 1, "hinder": 3}),
        (35, {"geslacht": 2, "hinder": 2}),
        (3, {"geslacht": 3, "hinder": 1}),
    )
    weighting = replace(
        sex_margins((1, 52), (2, 35)),
        excluded_responses=3,
        excluded=(ExcludedGroup("sex", 3, "optie 3", "not_in_margins", 3),),
    )
    protected = report(definition, answers, weighting=weighting)
    sexes, _noise = protected.summaries
    assert marks(sexes) == {1: None, 2: COMPLEMENTARY, 3: PRIMARY, 9: None}
    found = protected.weighting
    assert found is not None
    assert [m.sample_hidden for m in found.margins] == [True, True]
    assert [e.hidden for e in found.excluded] == [True]
    assert found.totals_hidden and found.weights_hidden
    published_report = weighted_report(definition, protected, len(answers))
    assert recoverable(published_report, 10, definition.raw) == {}
    # The check sees what the totals would give away.
    leaky = replace(protected, weighting=replace(found, totals_hidden=False))
    published_report = weighted_report(definition, leaky, len(answers))
    assert ("excluded", "sex", 3) in {
        key[:3] for key in recoverable(published_report, 10, definition.raw)
    }


def test_the_sample_shares_of_a_dimension_hide_with_its_unanswered_responses() -> None:
    """Nobody of sex 3 and a table that hides nothing: the sample shares of
    sex are published, unless the complete responses without a sex (weighted
    on the other dimensions, never published) number 1 .. threshold-1, whose
    count the shares' sum would give back, or the sex table hides its
    "weet niet"."""
    definition = survey(SEX, HINDER)
    answers = people((45, {"geslacht": 1, "hinder": 1}), (45, {"geslacht": 2, "hinder": 2}))

    def shares_hidden(unanswered: int, answers: list[Person] = answers) -> list[bool]:
        weighting = sex_margins((1, 45), (2, 45), unanswered={"sex": unanswered})
        found = report(definition, answers, weighting=weighting).weighting
        assert found is not None
        return [m.sample_hidden for m in found.margins]

    assert shares_hidden(0) == [False, False]
    assert shares_hidden(10) == [False, False]
    assert shares_hidden(14) == [False, False]
    assert shares_hidden(1) == [True, True]
    assert shares_hidden(9) == [True, True]
    # Four said "weet niet": the sex table hides that count, which the
    # unanswered responses (14, published neither) would otherwise bound.
    unsure = [*answers, *people((4, {"geslacht": 9, "hinder": 1}))]
    assert shares_hidden(14, unsure) == [True, True]


def theme_ranges(themes: TextThemes) -> dict[str, tuple[int, int]]:
    """What a reader can tell of each hidden theme count (and ``untagged``)
    from the published ones, trying every value: each comment is untagged
    or in one theme at least, and a tagged comment is never untagged."""
    published = {t.phenomenon: t.count for t in themes.themes if t.mark is None}
    hidden = [t.phenomenon for t in themes.themes if t.mark is not None]
    if themes.untagged_mark is None:
        published["untagged"] = themes.untagged
    else:
        hidden.append("untagged")
    seen: dict[str, set[int]] = {name: set() for name in hidden}
    choices = [range(themes.comments + 1)] * len(hidden)
    for values in product(*choices):
        counts = {**published, **dict(zip(hidden, values, strict=True))}
        untagged = counts.pop("untagged")
        if sum(counts.values()) + untagged < themes.comments:
            continue
        if any(n + untagged > themes.comments for n in counts.values()):
            continue
        for name, value in zip(hidden, values, strict=True):
            seen[name].add(value)
    return {name: (min(values), max(values)) for name, values in seen.items()}


def test_a_small_theme_of_the_comments_is_hidden_with_what_would_give_it_back() -> None:
    """30 comments: 26 about drugs, 4 about nothing the lexicon knows. The 4
    is hidden, and so is the 26, since every comment is untagged or tagged
    (30 - 26 would give the 4 back). With 12 untagged and 16 about drugs,
    a theme of 4 is hidden alone: it could be anything from 2 to 18."""
    definition = survey(DISTRICT, HINDER)
    answers = people(*in_district(1, (20, 1), (15, 2), (12, 3)), *in_district(2, (30, 2)))
    drugs = Theme("drugs", "Drugs", 26, ())
    burglary = Theme("inbraak", "Inbraak", 4, ())

    themes = report(definition, answers, themes=TextThemes(30, 4, (drugs,))).free_text
    assert themes.untagged_mark == PRIMARY
    assert [t.mark for t in themes.themes] == [COMPLEMENTARY]
    assert all(high - low >= 10 for low, high in theme_ranges(themes).values())

    fewer = replace(drugs, count=16)
    themes = report(definition, answers, themes=TextThemes(30, 12, (fewer, burglary))).free_text
    assert themes.untagged_mark is None
    assert [t.mark for t in themes.themes] == [None, PRIMARY]
    assert theme_ranges(themes) == {"inbraak": (2, 18)}
    # Published as it came, the 26 gives the untagged 4 away.
    assert theme_ranges(replace(themes, untagged=4, untagged_mark=PRIMARY, themes=(drugs,))) == {
        "untagged": (4, 4)
    }


VICTIM = {
    "key": "slachtoffer",
    "type": "matrix",
    "text": {"nl": "Was u het voorbije jaar slachtoffer van ...?"},
    "measure": "victimisation",
    "scale": "yes_no",
    "rows": [
        {"key": "drugs", "label": {"nl": "drugshandel"}, "phenomenon": "drugs"},
        {"key": "inbraak", "label": {"nl": "inbraak"}, "phenomenon": "inbraak"},
    ],
}
PRIORITY = {
    "key": "prioriteit",
    "type": "multiple",
    "text": {"nl": "Wat moet de politie aanpakken?"},
    "measure": "priority",
    "options": [
        {"code": 1, "label": {"nl": "Drugs"}, "phenomenon": "drugs"},
        {"code": 2, "label": {"nl": "Inbraak"}, "phenomenon": "inbraak"},
        {"code": 3, "label": {"nl": "Iets anders"}},
    ],
}


def test_a_priority_indicator_resting_on_a_hidden_count_is_left_out_of_the_matrix() -> None:
    """Four residents find drug nuisance frequent (concern), five were
    victims of drug dealing, five want the police to tackle drugs: each
    drugs indicator rests on a hidden count and is hidden, its base is
    published. Only four answered about noise (the burglary row of the
    concerns): its base is hidden, so the burglary concern is hidden base
    and all; burglary's victims (30 of 60) and priority (31) are not."""
    definition = survey(DISTRICT, PROBLEMS, VICTIM, PRIORITY)

    def resident(district: int, noise: int, drugs: int, victim: int, *wanted: int) -> Person:
        victimised = {"drugs": victim, "inbraak": 1 if district == 1 else 2}
        concerns = {"lawaai": noise, "drugs": drugs}
        return {
            "wijk": district,
            "problemen": concerns,
            "slachtoffer": victimised,
            "prioriteit": list(wanted),
        }

    answers = people(
        (4, resident(1, 1, 3, 1, 1, 2)),
        (26, resident(1, 9, 1, 2, 2)),
        (1, resident(2, 9, 2, 1, 1, 2)),
        (29, resident(2, 9, 2, 2, 3)),
    )
    protected = report(definition, answers)
    questions = list(zip(definition.questions, protected.summaries, strict=True))
    assert hidden_indicators(questions) == {
        ("drugs", "concern"),
        ("inbraak", "concern"),
        ("drugs", "victimisation"),
        ("drugs", "priority"),
    }
    assert hidden_bases(questions) == {("inbraak", "concern")}


class Weighted(Answers):
    """The answers of a weighted report: every answer weighs 1.5, and every
    respondent of district 2 counts 2.0 in the cross-tabs."""

    def weighted(
        self, variables: Sequence[str], valid_codes: Collection[int], base: WeightBase = "answers"
    ) -> WeightedCounts | None:
        counts = self.counts(variables[0])
        tally = {code: 1.5 * counts.get(code, 0) for code in valid_codes}
        return WeightedCounts(tally, sum(tally.values()), 12.5)

    def weighted_numbers(self, variable: str) -> WeightedNumbers | None:
        return WeightedNumbers(None, float(len(self.numbers(variable))))

    def crosstabs(self, variable: str) -> Sequence[CrossCounts]:
        def weight(group: Any) -> float:
            return 2.0 if group == 2 else 1.0

        return [
            replace(
                tab,
                weighted={cell: weight(cell[1]) * n for cell, n in tab.counts.items()},
                weighted_respondents={g: weight(g) * n for g, n in tab.respondents.items()},
            )
            for tab in super().crosstabs(variable)
        ]


def test_a_folded_district_is_counted_and_weighed_in_the_unknown_column() -> None:
    """District 2 folded (a group too small to be a column): it is no
    column, and its respondents' weights join those without a district in
    the unknown column, added up; the question's own figures are unchanged."""
    definition = survey(DISTRICT, VERVOER, AGE)
    answers = people(
        (3, {"wijk": 1, "vervoer": [1], "leeftijd": 20}),
        (2, {"wijk": 1, "vervoer": [1, 2], "leeftijd": 30}),
        (4, {"wijk": 2, "vervoer": [2]}),
        (1, {"wijk": 2, "vervoer": [1]}),
        (5, {"vervoer": [1]}),
    )
    counted = Weighted(definition, answers)
    folded = fold_groups(counted, {"district": frozenset({2})})
    (tab,) = folded.crosstabs("vervoer")
    assert tab.dimension.columns == (1,)
    # The counts stay as counted: the table builder puts what the columns
    # leave of an option's count in the unknown column.
    assert tab.counts == counted.crosstabs("vervoer")[0].counts
    assert tab.weighted == {(1, 1): 5.0, (2, 1): 2.0, (2, None): 8.0, (1, None): 7.0}
    assert tab.weighted_respondents == {1: 5.0, None: 15.0}
    for variable in ("vervoer", "leeftijd", "wijk"):
        assert folded.has(variable) and folded.counts(variable) == counted.counts(variable)
        assert folded.respondents(variable) == counted.respondents(variable)
        assert folded.numbers(variable) == counted.numbers(variable)
        assert folded.weighted([variable], {1, 2}) == counted.weighted([variable], {1, 2})
        assert folded.weighted_numbers(variable) == counted.weighted_numbers(variable)
    # Nothing to fold: the figures as they are.
    assert fold_groups(counted, {"district": frozenset()}) is counted


def test_a_response_mode_of_fewer_than_the_threshold_is_no_column() -> None:
    """98 answered on the web, 6 on paper: the 6 are no column of the
    cross-tabs by mode (their cells would all be small), they are in the
    unknown column; with 40 on paper, paper is a column."""
    definition = survey(DISTRICT, HINDER)
    answers = people(
        *in_district(1, (20, 1), (15, 2), (12, 3)), *in_district(2, (18, 1), (25, 2), (14, 3))
    )

    def mode_columns(on_paper: int) -> tuple[Any, ...]:
        moded = [dict(a, mode="paper" if i < on_paper else "web") for i, a in enumerate(answers)]
        protected = report(definition, moded, modes=True)
        noise = protected.summaries[1]
        (by_mode,) = (x for x in noise.crosstabs if x.dimension == "mode")
        assert solvable(definition, protected, len(answers), 10) == {}
        return tuple(c.code for c in by_mode.columns)

    assert mode_columns(6) == ("web", UNKNOWN_COLUMN)
    assert "paper" in mode_columns(40)
