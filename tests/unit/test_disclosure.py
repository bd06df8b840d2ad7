"""Disclosure control over a whole report (``disclosure.protect_report``): a
survey's answers, built in the test, go through the steps the report takes,
and the test reads the published figures as a reader would: which counts are
hidden, and whether any hidden count can be solved for from what is
published (the careful reader's attack of ``tests/disclosure_check.py``,
never the product's own audit). The property over random reports is in
``test_disclosure_properties.py``."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import product
from typing import Any, ClassVar

import pytest
from disclosure_check import recoverable
from disclosure_reports import (
    AGE_BANDS,
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
    _apply,
    _apply_themes,
    _hide_samples,
    _hide_small_bases,
    _table_of,
    fold_groups,
    folded_groups,
    hidden_bases,
    hidden_indicators,
    protect,
    without_effective_n,
)
from survey.analysis.inputs import CrossCounts, SummaryContext, WeightBase
from survey.analysis.model import DisclosureVerdict, ExcludedGroup, MarginRow, WeightingSummary
from survey.analysis.tables import (
    COMPLEMENTARY,
    PRIMARY,
    UNKNOWN_COLUMN,
    CategoricalTable,
    Category,
    NumberTable,
    Summary,
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


# --- each step on small inputs --------------------------------------------------------------
#
# The steps of ``protect_report`` one at a time, on tables counted from answers built in the
# test (no groups folded, no audit), so that a step's own rule shows in what it marks.


def protected(
    definition: SurveyDefinition, answers: Sequence[Person], threshold: int = 10
) -> list[Any]:
    """Each question's summary after ``protect`` (suppression, no audit), groups unfolded."""
    counted = Answers(definition, answers)
    return [
        protect(q.qtype.summary(q, counted, SummaryContext("nl")), threshold)
        for q in definition.questions
    ]


def as_report(summaries: Sequence[Any]) -> Protected:
    return Protected(tuple(summaries), TextThemes(0, 0, ()), None, DisclosureVerdict(0, 0, 0))


def test_an_empty_option_row_a_cross_tab_hides_is_hidden_in_the_question_table_too() -> None:
    """Nobody answered "2": the district cross-tab hides that empty row's
    total to protect its small cells, and the question's own table, whose
    counts are the cross-tab's row totals, hides the same 0; nothing hidden
    can be solved for from what the two tables publish."""
    definition = survey(DISTRICT, HINDER)
    answers = people(
        *in_district(1, (7, 1), (2, 3)), *in_district(2, (2, 1), (3, 3)), (1, {"hinder": 3})
    )
    _districts, noise = summaries = protected(definition, answers)
    assert marks(noise) == {1: PRIMARY, 2: COMPLEMENTARY, 3: PRIMARY, 9: None}
    hidden_rows = {code for code, _group in hidden_cells(noise)}
    assert 2 in hidden_rows
    assert solvable(definition, as_report(summaries), len(answers), 10) == {}


def test_a_multiple_choice_column_of_three_respondents_hides_its_base_with_a_complement() -> None:
    """Three respondents of district 2 chose a way to travel: that column's
    base (respondents, adding up to the question's valid answers) is hidden
    as a count of its own, and district 1's base with it, or 40 - 37 would
    give it back."""
    definition = survey(DISTRICT, VERVOER)
    answers = people(
        (25, {"wijk": 1, "vervoer": [1]}),
        (12, {"wijk": 1, "vervoer": [2, 3]}),
        (3, {"wijk": 2, "vervoer": [1]}),
    )
    _districts, travel = protected(definition, answers)
    (tab,) = travel.crosstabs
    assert tab.column_bases == {1: 37, 2: 3, UNKNOWN_COLUMN: 0}
    assert tab.column_marks == {2: PRIMARY, 1: COMPLEMENTARY}


TOP = {
    "key": "top",
    "type": "ranking",
    "choose": 2,
    "text": {"nl": "Wat moet de politie eerst aanpakken?"},
    "options": options(1, 2, 3),
}


def test_a_small_first_place_count_is_hidden_with_a_complement_and_nothing_else() -> None:
    """Of 42 rankings, 3 put "3" first, and 12 only said "weet niet" (a
    missing answer, no option's count): the 3 first places are hidden with
    the next smallest (option 2's 12), every option's "chosen" count is
    published, and "weet niet" (no first place) hides nothing. With 11
    first places of "3" instead, nothing is small and nothing is hidden."""
    definition = survey(DISTRICT, TOP)

    def ranked(firsts_of_three: int) -> dict[int, tuple[Any, ...]]:
        answers = people(
            (15, {"wijk": 1, "top": [1, 2]}),
            (12, {"wijk": 2, "top": [2, 3]}),
            (firsts_of_three, {"wijk": 1, "top": [3, 1]}),
            (12, {"wijk": 2, "top": [9]}),
        )
        _districts, top = protected(definition, answers)
        table: Any = top.table
        return {c.code: (c.chosen, c.first, c.mark, c.first_mark) for c in table.categories}

    assert ranked(3) == {
        1: (18, 15, None, None),
        2: (27, 12, None, COMPLEMENTARY),
        3: (15, 3, None, PRIMARY),
        9: (0, 0, None, None),
    }
    assert ranked(11) == {
        1: (26, 15, None, None),
        2: (27, 12, None, None),
        3: (23, 11, None, None),
        9: (0, 0, None, None),
    }


def test_a_small_age_band_is_hidden_with_a_complement_and_the_summary_stays() -> None:
    """Three of 43 are 65 or over: that band is hidden, and the next smallest
    band with it (the bands add up to the number's valid answers); the mean
    and median, on 43 answers, are published."""
    definition = survey(AGE_BANDS)
    answers = people((25, {"leeftijd": 20}), (15, {"leeftijd": 40}), (3, {"leeftijd": 70}))
    (age,) = protected(definition, answers)
    table = age.table
    assert table.bands is not None
    assert marks(Summary(table.bands)) == {1: None, 2: COMPLEMENTARY, 3: PRIMARY}
    assert table.mark is None and table.summary is not None


def test_a_table_kind_without_a_disclosure_step_is_refused_not_published_unprotected() -> None:
    """A new kind of table that no step protects cannot reach the report
    unmarked: ``protect`` refuses it and names the kind."""

    @dataclass(frozen=True)
    class Calendar:
        kind: ClassVar[str] = "calendar"

    with pytest.raises(LookupError, match=r"^no disclosure step for table kind 'calendar'$"):
        protect(Summary(Calendar()), 10)  # type: ignore[arg-type]


class ByBase(Answers):
    """Weighted counts that differ by base: each base its own figures."""

    def weighted(
        self, variables: Sequence[str], valid_codes: Collection[int], base: WeightBase = "answers"
    ) -> WeightedCounts | None:
        size = {"answers": 10.0, "respondents": 20.0, "first": 30.0}[base]
        return WeightedCounts({code: size for code in valid_codes}, size, size)


def test_folded_figures_weigh_a_question_on_the_base_it_asks_for() -> None:
    """Folding groups changes only the cross-tabs: a question's weighted
    counts are those of its own base, answers unless it asks otherwise."""
    definition = survey(DISTRICT, VERVOER)
    counted = ByBase(definition, people((40, {"wijk": 1, "vervoer": [1]})))
    folded = fold_groups(counted, {"district": frozenset({2})})
    assert folded.weighted(["vervoer"], {1}) == counted.weighted(["vervoer"], {1}, "answers")
    assert folded.weighted(["vervoer"], {1}, "first") == counted.weighted(["vervoer"], {1}, "first")


def test_the_groups_each_dimension_folds() -> None:
    """A district hidden in its own table (3, with its complement 50) is no
    column, nor a group under 30 respondents (a percentage's base: sex 25),
    nor a response mode of 1 .. threshold-1 or under 30; every dimension is
    folded on its own, the modes listed first or not."""
    counts: dict[str, dict[Any, int]] = {
        "mode": {"web": 99, "paper": 4, "phone": 20},
        "district": {1: 3, 2: 50, 3: 60},
        "sex": {1: 25, 2: 80},
    }
    assert folded_groups(counts, responses=123, threshold=10) == {
        "mode": frozenset({"paper", "phone"}),
        "district": frozenset({1, 2}),
        "sex": frozenset({1}),
    }


def test_a_small_unknown_column_takes_the_smallest_groups_with_it() -> None:
    """104 respondents, 100 of them in a district: the 4 without one would be
    an unknown column of 1 .. threshold-1, so the smallest district (40) is
    folded into it; with 10 or more without a district, nothing is."""
    counts = {"district": {1: 40, 2: 60}}
    assert folded_groups(counts, responses=104, threshold=10) == {"district": frozenset({1})}
    assert folded_groups(counts, responses=110, threshold=10) == {"district": frozenset()}


def test_a_dimension_with_every_group_folded_ends_with_all_of_them() -> None:
    """Three respondents in the only district and two without one: everything
    is folded and the unknown column cannot grow further; the step ends."""
    assert folded_groups({"district": {1: 3}}, responses=5, threshold=10) == {
        "district": frozenset({1})
    }


def test_a_figure_names_its_table_a_matrix_row_with_its_question() -> None:
    """The audit's last resort hides the table of a narrow figure: a cross-tab's
    cell belongs to its question's (row's) table, so do its columns; the
    free-text and weighting figures belong to no question's table."""
    assert _table_of(("cell", ("problemen", "drugs", "district"), 3, 1)) == ("problemen", "drugs")
    assert _table_of(("col", ("hinder", None, "district"), 2)) == ("hinder", None)
    assert _table_of(("count", ("hinder", None), 3)) == ("hinder", None)
    assert _table_of(("valid", ("problemen", "lawaai"))) == ("problemen", "lawaai")
    assert _table_of(("untagged",)) is None
    assert _table_of(("theme", "drugs")) is None
    assert _table_of(("complete", "sex", 1)) is None


def shares_hidden(
    definition: SurveyDefinition,
    answers: Sequence[Person],
    weighting: WeightingSummary,
    dimension_tables: Mapping[str, tuple[str, str | None]],
) -> list[bool]:
    """Which sample shares the weighting section hides before the audit."""
    summaries = protected(definition, answers)
    pairs = [
        (q, _hide_small_bases(s, 10)) for q, s in zip(definition.questions, summaries, strict=True)
    ]
    found = _hide_samples(weighting, pairs, dimension_tables, 10)
    assert found is not None
    return [m.sample_hidden for m in found.margins]


def test_the_sample_shares_of_a_dimension_hide_with_any_group_its_table_hides() -> None:
    """Sex 3 (three residents, no margin) is hidden in the sex table: every
    share of sex is hidden, however large the complete responses per code."""
    definition = survey(SEX, HINDER)
    answers = people(
        (40, {"geslacht": 1, "hinder": 1}),
        (35, {"geslacht": 2, "hinder": 2}),
        (3, {"geslacht": 3, "hinder": 1}),
    )
    tables = {"sex": ("geslacht", None)}
    weighting = sex_margins((1, 40), (2, 35))
    assert shares_hidden(definition, answers, weighting, tables) == [True, True]
    # The same shares beside a table that hides nothing: published.
    plain = people((40, {"geslacht": 1, "hinder": 1}), (35, {"geslacht": 2, "hinder": 2}))
    assert shares_hidden(definition, plain, weighting, tables) == [False, False]


def test_the_sample_shares_hide_with_one_small_sample_count() -> None:
    """The sex table hides nothing, but only 6 complete responses of sex 2
    were weighted: every share of sex is hidden."""
    definition = survey(SEX, HINDER)
    answers = people((40, {"geslacht": 1, "hinder": 1}), (35, {"geslacht": 2, "hinder": 2}))
    weighting = sex_margins((1, 40), (2, 6))
    assert shares_hidden(definition, answers, weighting, {"sex": ("geslacht", None)}) == [
        True,
        True,
    ]


def test_the_sample_shares_hide_with_the_dimension_tables_hidden_unknown() -> None:
    """Four residents shown the sex question left it blank (its "missing",
    no option of its own, hidden as a small base), 14 complete responses
    have no sex: the shares would bound the 4, and are hidden; with 14
    blanks, published."""
    definition = survey(SEX, HINDER)

    def hidden_with(blank: int) -> list[bool]:
        answers = people(
            (45, {"geslacht": 1, "hinder": 1}),
            (45, {"geslacht": 2, "hinder": 2}),
            (blank, {"geslacht": None, "hinder": 1}),
        )
        weighting = sex_margins((1, 45), (2, 45), unanswered={"sex": 14})
        return shares_hidden(definition, answers, weighting, {"sex": ("geslacht", None)})

    assert hidden_with(4) == [True, True]
    assert hidden_with(14) == [False, False]


def test_the_sample_shares_of_age_bands_hide_with_a_band_the_bands_table_hides() -> None:
    """Weighted on age bands: three residents of 65 or over are hidden in the
    age question's bands, so every share of the age dimension is hidden."""
    definition = survey(AGE_BANDS)
    answers = people((25, {"leeftijd": 20}), (15, {"leeftijd": 40}), (3, {"leeftijd": 70}))
    margins = tuple(
        MarginRow("age", code, f"band {code}", 5000.0, 50.0, 50.0, 50.0, n)
        for code, n in ((1, 25), (2, 15))
    )
    weighting = replace(sex_margins((1, 25), (2, 15)), dimensions=("age",), margins=margins)
    tables: dict[str, tuple[str, str | None]] = {"age": ("leeftijd", "bands")}
    assert shares_hidden(definition, answers, weighting, tables) == [True, True]


def test_a_report_without_the_weights_spread_keeps_its_weighted_figures_without_intervals() -> None:
    """Withholding the effective n withdraws the weighted intervals only: the
    weighted mean and the bands' weighted counts are still published."""
    spread = WeightedNumbers(None, 30.5)
    counts = WeightedCounts({1: 12.0, 2: 20.0}, 32.0, 25.0)
    bands = CategoricalTable(
        (Category(1, "jong", 12), Category(2, "oud", 20)), 32, 0, weighted=counts
    )
    number = Summary(NumberTable(32, 0, None, bands=bands, weighted=spread))
    table: Any = without_effective_n(number).table
    assert table.weighted == WeightedNumbers(None, 30.5, intervals=False)
    assert table.bands.weighted == replace(counts, intervals=False)
    unweighted = Summary(NumberTable(32, 0, None))
    assert without_effective_n(unweighted) == unweighted


def test_what_the_audit_hides_is_marked_in_the_tables_as_hidden_for_another_figure() -> None:
    """The audit names the figures it hides more of (``relations``' keys):
    an option's count, a cross-tab cell and column, a table's valid and
    missing answers. Each is marked in the published tables, as a primary
    figure when small, else as a complement; nothing else is marked."""
    definition = survey(DISTRICT, HINDER)
    answers = people(*in_district(1, (20, 1), (15, 2), (12, 3)), *in_district(2, (30, 2)))
    answers += people((5, {"wijk": 2, "hinder": 9}))
    _districts, noise = protected(definition, answers)
    assert marks(noise) == {1: None, 2: None, 3: None, 9: PRIMARY} and hidden_cells(noise) == {}
    tid = ("hinder", None)
    xid = ("hinder", None, "district")
    hidden = {
        ("count", tid, 3),
        ("valid", tid),
        ("missing", tid),
        ("cell", xid, 3, 1),
        ("cell", xid, 2, 2),
        ("col", xid, 2),
    }
    table: Any
    applied = _apply(noise, "hinder", hidden, 10)
    table = applied.table
    assert marks(applied) == {1: None, 2: None, 3: COMPLEMENTARY, 9: PRIMARY}
    assert (table.valid_mark, table.missing_mark) == (COMPLEMENTARY, PRIMARY)
    (tab,) = applied.crosstabs
    assert tab.cell_marks == {(3, 1): COMPLEMENTARY, (2, 2): COMPLEMENTARY}
    assert tab.column_marks == {2: COMPLEMENTARY}
    # Figures of another question's table, or nothing: the table as it was.
    assert _apply(noise, "wijk", hidden, 10).table == noise.table
    assert _apply(noise, "hinder", set(), 10) == noise


def test_a_mark_already_set_keeps_its_reason_when_the_audit_hides_the_figure_again() -> None:
    definition = survey(DISTRICT, HINDER)
    answers = people(*in_district(1, (20, 1), (15, 2), (3, 3)), *in_district(2, (18, 1), (25, 2)))
    _districts, noise = protected(definition, answers)
    before = marks(noise)
    assert before[3] == PRIMARY
    xid = ("hinder", None, "district")
    cells = noise.crosstabs[0].cell_marks
    hidden = {("count", ("hinder", None), 3), *(("cell", xid, *c) for c in cells)}
    applied = _apply(noise, "hinder", hidden, 10)
    assert marks(applied) == before
    assert applied.crosstabs[0].cell_marks == cells


def test_a_ranking_first_place_the_audit_hides_is_marked_unless_the_option_is() -> None:
    """The audit hides option 2's first places (12): marked as a complement.
    Where it hides an option's chosen count, the whole option is hidden
    and its first places go with it, with no mark of their own."""
    definition = survey(DISTRICT, TOP)
    answers = people(
        (15, {"wijk": 1, "top": [1, 2]}),
        (12, {"wijk": 2, "top": [2, 3]}),
        (11, {"wijk": 1, "top": [3, 1]}),
    )
    _districts, top = protected(definition, answers)
    tid = ("top", None)
    hidden = {("first", tid, 2), ("count", tid, 3), ("first", tid, 3)}
    table: Any = _apply(top, "top", hidden, 10).table
    assert [(c.code, c.mark, c.first_mark) for c in table.categories] == [
        (1, None, None),
        (2, None, COMPLEMENTARY),
        (3, COMPLEMENTARY, None),
        (9, None, None),
    ]
    # A first place marked by suppression keeps its mark.
    marked = replace(
        top,
        table=replace(
            top.table,
            categories=tuple(
                replace(c, first_mark=PRIMARY if c.code == 1 else None)
                for c in top.table.categories  # type: ignore[attr-defined]
            ),
        ),
    )
    table = _apply(marked, "top", set(), 10).table
    assert [c.first_mark for c in table.categories] == [PRIMARY, None, None, None]


def test_a_number_on_a_base_the_audit_hides_is_hidden_with_its_bands() -> None:
    """The audit hides the age's valid answers (43) and a band: the number's
    mean and median go with its base; a band is marked in the bands table;
    a text question's base is marked the same way."""
    definition = survey(
        AGE_BANDS, {"key": "opmerking", "type": "text", "text": {"nl": "Nog iets?"}}
    )
    answers = people(
        (25, {"leeftijd": 20, "opmerking": "ja"}),
        (15, {"leeftijd": 40, "opmerking": None}),
        (13, {"leeftijd": 70, "opmerking": "nee"}),
    )
    age, remark = protected(definition, answers)
    assert age.table.mark is None and remark.table.valid_mark is None
    hidden = {("valid", ("leeftijd", None)), ("count", ("leeftijd", "bands"), 3)}
    table: Any = _apply(age, "leeftijd", hidden, 10).table
    assert (table.valid_mark, table.mark) == (COMPLEMENTARY, PRIMARY)
    assert marks(Summary(table.bands)) == {1: None, 2: None, 3: COMPLEMENTARY}
    assert _apply(age, "leeftijd", set(), 10) == age
    hidden = {("valid", ("opmerking", None)), ("missing", ("opmerking", None))}
    text: Any = _apply(remark, "opmerking", hidden, 10).table
    assert (text.valid, text.valid_mark, text.missing, text.missing_mark) == (
        38,
        COMPLEMENTARY,
        15,
        COMPLEMENTARY,
    )
    # A summary suppressed on its own stays suppressed.
    own = replace(age, table=replace(age.table, mark=PRIMARY))
    assert _apply(own, "leeftijd", set(), 10).table.mark == PRIMARY  # type: ignore[attr-defined]


def test_the_untagged_comments_the_audit_hides_are_marked_as_a_complement() -> None:
    themes = TextThemes(40, 15, (Theme("drugs", "Drugs", 25, ()),))
    found = _apply_themes(themes, {("untagged",)})
    assert found.untagged_mark == COMPLEMENTARY and found.themes[0].mark is None
    assert _apply_themes(themes, {("theme", "drugs")}).untagged_mark is None


CONCERN = {
    "key": "buurt",
    "type": "single",
    "text": {"nl": "Hoe vaak is er overlast in uw buurt?"},
    **{name: PROBLEMS[name] for name in ("scale", "measure", "concern_codes")},
}
"""A single question measuring concern, on the matrix's scale and concern codes."""


def test_a_concern_indicator_is_hidden_only_with_its_concern_codes_or_its_base() -> None:
    """Of the drugs row, 4 and 6 residents answered "1" and "2" (hidden),
    45 the concern code "3" (published): the drugs concern rests on
    published counts and stays. A priority question hiding its base hides
    every priority it names, and a question after it is read too. A single
    question measuring concern names no phenomenon: no indicator."""
    definition = survey(PRIORITY, PROBLEMS, CONCERN)
    answers = people(
        (4, {"prioriteit": [1, 2], "problemen": {"lawaai": 3, "drugs": 1}, "buurt": 1}),
        (6, {"problemen": {"lawaai": 3, "drugs": 2}, "buurt": 3}),
        (45, {"problemen": {"lawaai": 3, "drugs": 3}, "buurt": 2}),
    )
    summaries = protected(definition, answers)
    priority, problems, concern = summaries
    drugs = problems.table.rows[1].table  # type: ignore[attr-defined]
    assert {c.code: c.mark for c in drugs.categories} == {
        1: PRIMARY,
        2: PRIMARY,
        3: None,
        9: None,
    }
    assert marks(concern)[1] == PRIMARY and marks(concern)[3] == PRIMARY
    priority = _hide_small_bases(priority, 10)
    assert priority.table.valid_mark == PRIMARY  # type: ignore[attr-defined]
    questions = list(zip(definition.questions, [priority, problems, concern], strict=True))
    assert hidden_indicators(questions) == {("drugs", "priority"), ("inbraak", "priority")}
    assert hidden_bases(questions) == {("drugs", "priority"), ("inbraak", "priority")}
    # The concern code hidden: the drugs concern is hidden, its base is not.
    concern_hidden = replace(
        problems,
        table=replace(
            problems.table,
            rows=tuple(
                replace(
                    r,
                    table=replace(
                        r.table,
                        categories=tuple(
                            replace(c, mark=COMPLEMENTARY if c.code == 3 else c.mark)
                            for c in r.table.categories
                        ),
                    ),
                )
                if r.key == "drugs"
                else r
                for r in problems.table.rows  # type: ignore[attr-defined]
            ),
        ),
    )
    questions = list(zip(definition.questions, [priority, concern_hidden, concern], strict=True))
    assert ("drugs", "concern") in hidden_indicators(questions)
    assert ("drugs", "concern") not in hidden_bases(questions)


RANKING_SURVEY = survey(DISTRICT, {**TOP, "options": options(1, 2, 3, missing=None)})


def test_the_audit_hides_a_rankings_chosen_counts_before_its_column_bases() -> None:
    """Ten of 39 ranked (threshold 5): every first place and most cross-tab
    cells are small. What protects them is hidden next: the options' chosen
    counts (figures of the question's own table) before the cross-tab's
    column bases (the district's respondents, published beside other
    questions' figures too); the bases stay published and no hidden count
    can be solved for."""
    answers = people(
        (1, {"wijk": None, "top": [1, 2]}),
        (1, {"wijk": 1, "top": [1, 3]}),
        (1, {"wijk": None, "top": [1, 3]}),
        (2, {"wijk": 1, "top": [2, 3]}),
        (1, {"wijk": None, "top": [2, 3]}),
        (1, {"wijk": 1, "top": [3, 1]}),
        (1, {"wijk": 2, "top": [3, 1]}),
        (1, {"wijk": None, "top": [3, 1]}),
        (1, {"wijk": 1, "top": [3, 2]}),
        (25, {"wijk": 1, "top": []}),
        (4, {"wijk": 2, "top": []}),
    )
    found = report(RANKING_SURVEY, answers, threshold=5)
    _districts, top = found.summaries
    table: Any = top.table
    assert [(c.chosen, c.mark, c.first, c.first_mark) for c in table.categories] == [
        (6, COMPLEMENTARY, 3, PRIMARY),
        (5, COMPLEMENTARY, 3, PRIMARY),
        (9, COMPLEMENTARY, 4, PRIMARY),
    ]
    (tab,) = top.crosstabs
    assert tab.column_bases == {1: 5, UNKNOWN_COLUMN: 5} and tab.column_marks == {}
    assert found.verdict.unprotected == 0
    assert solvable(RANKING_SURVEY, found, len(answers), 5) == {}


def test_the_audit_hides_a_cross_tab_cell_before_the_rankings_missing_answers() -> None:
    """Twenty residents, ten rankings, every district too small to be a
    column (all in the unknown column). Options 2 and 3 (6 and 4 chosen) are
    hidden; what still pins them is hidden next: a cross-tab cell (option 1's,
    with its chosen count) comes before the table's "missing" (10), which
    stays published, and no hidden count can be solved for."""
    answers = people(
        (2, {"wijk": 1, "top": [1, 2]}),
        (2, {"wijk": None, "top": [1, 3]}),
        (1, {"wijk": 1, "top": [2, 1]}),
        (3, {"wijk": None, "top": [2, 1]}),
        (1, {"wijk": 1, "top": [3, 1]}),
        (1, {"wijk": 2, "top": [3, 1]}),
        (5, {"wijk": 1, "top": []}),
        (2, {"wijk": 2, "top": []}),
        (3, {"wijk": None, "top": []}),
    )
    found = report(RANKING_SURVEY, answers)
    _districts, top = found.summaries
    table: Any = top.table
    assert [(c.chosen, c.mark) for c in table.categories] == [
        (10, COMPLEMENTARY),
        (6, PRIMARY),
        (4, PRIMARY),
    ]
    assert (table.missing, table.missing_mark) == (10, None)
    assert hidden_cells(top) == {
        (1, UNKNOWN_COLUMN): COMPLEMENTARY,
        (2, UNKNOWN_COLUMN): PRIMARY,
        (3, UNKNOWN_COLUMN): PRIMARY,
    }
    assert found.verdict.unprotected == 0
    assert solvable(RANKING_SURVEY, found, len(answers), 10) == {}


def test_a_report_on_three_residents_publishes_none_of_its_small_counts() -> None:
    """Three residents: every count is small and nothing can protect them
    all. Each stays hidden as a count of its own (none is published again
    to spare the others), and the verdict says how many are unprotected."""
    definition = survey(DISTRICT, HINDER)
    answers = people(
        (1, {"wijk": 1, "hinder": 1}),
        (1, {"wijk": None, "hinder": 1}),
        (1, {"wijk": 1, "hinder": 2}),
    )
    themes = TextThemes(8, 1, (Theme("drugs", "Drugs", 4, ()), Theme("inbraak", "Inbraak", 2, ())))
    found = report(definition, answers, themes=themes)
    districts, noise = found.summaries
    for summary in (districts, noise):
        table: Any = summary.table
        assert [c.mark for c in table.categories if c.count] == [PRIMARY] * len(
            [c for c in table.categories if c.count]
        )
        assert table.valid_mark == PRIMARY
        for tab in summary.crosstabs:
            assert {tab.cell_marks.get(cell) for cell, n in tab.cells.items() if n} == {PRIMARY}
    assert [t.mark for t in found.free_text.themes] == [PRIMARY, PRIMARY]
    assert found.free_text.untagged_mark == PRIMARY
    assert found.verdict.primary == found.verdict.unprotected > 0
    assert found.verdict.complementary == 0


def test_a_theme_no_comment_mentions_is_hidden_before_the_untagged_count() -> None:
    """27 comments: 3 about drugs (hidden), none about burglary, 24 untagged.
    The 3 would follow from the others; the audit hides the burglary theme
    (a theme count comes before the untagged count) and then the untagged
    count: a reader can tell the drugs comments only within 0 .. 24+."""
    definition = survey(DISTRICT, HINDER)
    answers = people(
        *in_district(1, (3, 1), (5, 2), (2, 3)),
        *in_district(2, (1, 1), (2, 2)),
        (3, {"wijk": None, "hinder": 2}),
        (1, {"wijk": None, "hinder": 3}),
        (1, {"wijk": 1, "hinder": 9}),
        (1, {"wijk": None, "hinder": 9}),
    )
    themes = TextThemes(
        27, 24, (Theme("drugs", "Drugs", 3, ()), Theme("inbraak", "Inbraak", 0, ()))
    )
    found = report(definition, answers, themes=themes).free_text
    assert [t.mark for t in found.themes] == [PRIMARY, COMPLEMENTARY]
    assert found.untagged_mark == COMPLEMENTARY
    assert all(high - low >= 10 for low, high in theme_ranges(found).values())


FOUR_ROWS = {
    "key": "slachtoffer4",
    "type": "matrix",
    "text": {"nl": "Was u het voorbije jaar slachtoffer van ...?"},
    "measure": "victimisation",
    "scale": "yes_no",
    "rows": [{"key": f"r{i}", "label": {"nl": f"feit {i}"}} for i in range(4)],
}


def test_a_hidden_zero_that_protects_nothing_is_published_again() -> None:
    """Seven residents: nearly every count is small and stays hidden. No
    comment mentions burglary: hiding that 0 could not protect any small
    count, so it is published (as the other figures hidden only for others
    would be), and only the small counts are unprotected."""
    definition = survey(SEX, FOUR_ROWS)

    def victim(*answers: int) -> dict[str, int]:
        return {f"r{i}": code for i, code in enumerate(answers)}

    answers = people(
        (2, {"geslacht": 2, "slachtoffer4": victim(1, 2, 2, 2)}),
        (1, {"geslacht": 2, "slachtoffer4": victim(2, 1, 2, 2)}),
        (1, {"geslacht": 2, "slachtoffer4": victim(9, 2, 1, 9)}),
        (1, {"geslacht": None, "slachtoffer4": victim(2, 1, 1, 9)}),
        (1, {"geslacht": None, "slachtoffer4": victim(2, 9, 1, 2)}),
        (1, {"geslacht": None, "slachtoffer4": victim(2, 9, 2, 1)}),
    )
    themes = TextThemes(7, 2, (Theme("inbraak", "Inbraak", 0, ()),))
    found = report(definition, answers, themes=themes)
    assert found.free_text.themes[0].mark is None
    assert found.free_text.untagged_mark == PRIMARY
    assert found.verdict.complementary == 0
    assert found.verdict.unprotected == found.verdict.primary > 0


def test_the_audit_hides_a_non_zero_count_before_a_zero_one() -> None:
    """Eight comments of seven residents (threshold 5): one untagged (hidden),
    five about drugs, none about burglary. Hiding the 0 would leave the 1 as
    narrow as before; the audit hides the drugs count instead, and the 0
    stays published."""
    definition = survey(DISTRICT, HINDER)
    answers = people(
        *in_district(1, (2, 1), (1, 2)),
        *in_district(2, (1, 1)),
        (1, {"wijk": None, "hinder": 1}),
        (1, {"wijk": None, "hinder": 2}),
        (1, {"wijk": None, "hinder": 9}),
    )
    themes = TextThemes(8, 1, (Theme("drugs", "Drugs", 5, ()), Theme("inbraak", "Inbraak", 0, ())))
    found = report(definition, answers, threshold=5, themes=themes).free_text
    assert found.untagged_mark == PRIMARY
    assert [t.mark for t in found.themes] == [COMPLEMENTARY, None]
    assert all(high - low >= 5 for low, high in theme_ranges(found).values())


def test_a_follow_up_on_a_multiple_choice_option_gives_no_hidden_cell_away() -> None:
    """Found on 2026-12-05 (tests/unit/test_relations.py): a follow-up shown
    to those who chose an option of a multiple choice was not known to the
    audit, so the follow-up's published columns gave that option's hidden
    complement cells back, and through them the small cell they protected
    (3 in district 2). The careful reader's attack now solves nothing."""
    follow = {
        "key": "melding",
        "type": "single",
        "show_if": {"question": "vervoer", "equals": 3},
        "text": {"nl": "Hebt u het gemeld?"},
        "options": options(1, 2),
    }
    definition = survey(DISTRICT, VERVOER, follow)
    answers = people(
        (30, {"wijk": 1, "vervoer": [1]}),
        (25, {"wijk": 2, "vervoer": [1]}),
        (12, {"wijk": 1, "vervoer": [3], "melding": 1}),
        (14, {"wijk": 2, "vervoer": [3], "melding": 2}),
        (3, {"wijk": 2, "vervoer": [2]}),
        (12, {"wijk": 1, "vervoer": [2]}),
    )
    protected = report(definition, answers)
    _districts, travel, _follow = protected.summaries
    assert hidden_cells(travel)[(2, 2)] == PRIMARY
    assert solvable(definition, protected, len(answers), 10) == {}
