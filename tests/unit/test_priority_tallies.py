"""The figures behind the priority matrix, from the counts of a survey built
in the test (``priority.tally_survey`` and the tallies it fills: pure, no
database). Every expected figure is worked out here from the answers a
planner would count by hand: who is counted (valid answers, respondents,
organisations), what is a hit (a concern code, the first option, a choice at
any rank), and what a weight does to a share."""

from __future__ import annotations

import math
import re
import statistics
from typing import Any

import pytest

from survey.analysis import priority, ranking
from survey.analysis.aggregates import ConcernSlot, IndicatorRow, VariableRow
from survey.analysis.tables import ObjectiveFigure
from survey.definitions.definition import SurveyDefinition, build_definition


def _label(text: str) -> dict[str, str]:
    return {"nl": text}


def _option(code: int, phenomenon: str | None = None, missing: bool = False) -> dict[str, Any]:
    option: dict[str, Any] = {"code": code, "label": _label(f"optie {code}")}
    if phenomenon:
        option["phenomenon"] = phenomenon
    if missing:
        option["missing"] = True
    return option


def _row(key: str, phenomenon: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"key": key, "label": _label(key)}
    if phenomenon:
        row["phenomenon"] = phenomenon
    return row


def _definition(*questions: dict[str, Any]) -> SurveyDefinition:
    return build_definition(
        {
            "key": "enquete",
            "languages": ["nl"],
            "pages": [{"key": "p1", "title": _label("Pagina"), "questions": list(questions)}],
        }
    )


def _variables(definition: SurveyDefinition) -> dict[str, VariableRow]:
    """Every variable of the survey stored, with ids 1, 2, ... in survey order."""
    return {
        spec.name: VariableRow(i, spec.name, 0, question.key, spec.row_key, spec.rank)
        for i, (question, spec) in enumerate(definition.variables(), start=1)
    }


def _counts(
    definition: SurveyDefinition,
    counts: dict[str, dict[int | None, int]],
    *,
    cell_rows: dict[str, list[tuple[int, int | None, int]]] | None = None,
    valid_cells: dict[str, list[tuple[int, int]]] | None = None,
    valid_respondents: dict[str, int] | None = None,
    by_sector: list[tuple[str, str, int | None, int]] | None = None,
    concern: dict[str, list[tuple[int, int, int]]] | None = None,
    cell_weights: dict[int, float] | None = None,
    responses: int = 0,
    drop: tuple[str, ...] = (),
) -> priority.SurveyCounts:
    """A survey's counts by variable name (``drop``: variables not stored)."""
    variables = {n: v for n, v in _variables(definition).items() if n not in drop}
    ids = {name: variables[name].id for name in variables}
    return priority.SurveyCounts(
        definition=definition,
        variables=variables,
        counts={ids[name]: c for name, c in counts.items()},
        valid_respondents={ids[n]: v for n, v in (valid_respondents or {}).items()},
        by_sector=[(ids[n], s, c, k) for n, s, c, k in by_sector or []],
        concern=concern or {},
        cell_rows={ids[n]: rows for n, rows in (cell_rows or {}).items()},
        valid_cells={ids[n]: rows for n, rows in (valid_cells or {}).items()},
        cell_weights=cell_weights,
        responses=responses,
    )


def _tally(*surveys: priority.SurveyCounts) -> dict[str, priority.PhenomenonFigures]:
    figures: dict[str, priority.PhenomenonFigures] = {}
    for survey in surveys:
        priority.tally_survey(survey, figures)
    return figures


# --- concern ---------------------------------------------------------------------------

CONCERN = {
    "key": "zorg",
    "type": "matrix",
    "measure": "concern",
    "concern_codes": [3, 4],
    "options": [_option(1), _option(2), _option(3), _option(4), _option(9, missing=True)],
    "rows": [_row("verkeer", "verkeer"), _row("drugs", "drugs"), _row("algemeen")],
}


def test_concern_is_the_share_of_respondents_with_a_concern_code() -> None:
    """Cells of 6, 4 and 5 respondents with an answer, of whom 3, 1 and 5 name a
    problem: concern 9 of 15 = 60 %, on a base of 15 respondents; an unweighted
    survey has no weighted share."""
    survey = _counts(
        _definition(CONCERN), {}, concern={"verkeer": [(100, 6, 3), (101, 4, 1), (102, 5, 5)]}
    )
    tally = _tally(survey)["verkeer"].tallies["concern"]
    assert (tally.hits, tally.base) == (9, 15)
    assert tally.share() == pytest.approx(60.0)
    assert tally.share_se() == pytest.approx(math.sqrt(0.6 * 0.4 / 15) * 100)
    assert tally.weighted_share() is None
    assert priority.Tally().share_se() is None  # no respondents: no share, no error


def test_a_weighted_concern_share_weighs_each_cell_and_leaves_unweighted_cells_out() -> None:
    """Cell 100 (6 respondents, 3 concerned) weighs 2, cell 101 (4, 1) weighs 0.5,
    cell 102 has no weight (incomplete responses): the weighted share is
    (2·3 + 0.5·1) / (2·6 + 0.5·4) and the Kish effective n 14² / (4·6 + 0.25·4);
    the unweighted share still counts every cell."""
    survey = _counts(
        _definition(CONCERN),
        {},
        concern={"verkeer": [(100, 6, 3), (101, 4, 1), (102, 5, 5)]},
        cell_weights={100: 2.0, 101: 0.5},
    )
    tally = _tally(survey)["verkeer"].tallies["concern"]
    assert tally.share() == pytest.approx(60.0)
    assert tally.weighted_share() == pytest.approx(6.5 / 14 * 100)
    assert tally.effective_n == pytest.approx(196 / 25)


def test_concern_of_two_surveys_is_pooled() -> None:
    """Two citizen surveys of one consultation: 3 of 10 and 6 of 20 concerned make
    9 of 30 = 30 %."""
    definition = _definition(CONCERN)
    first = _counts(definition, {}, concern={"drugs": [(1, 10, 3)]})
    second = _counts(definition, {}, concern={"drugs": [(1, 20, 6)]})
    tally = _tally(first, second)["drugs"].tallies["concern"]
    assert (tally.hits, tally.base) == (9, 30)
    assert tally.share() == pytest.approx(30.0)


def test_concern_slots_name_the_variables_of_each_phenomenon() -> None:
    """The concern question's rows that name a phenomenon, with the codes in the base
    (not "weet niet") and the codes that count as a problem; a row without a phenomenon
    and a row not stored give no slot."""
    definition = _definition(VICTIMISATION, CONCERN)
    variables = _variables(definition)
    del variables["zorg.drugs"]
    slots = priority.concern_slots(definition, variables)
    assert slots == {
        "verkeer": [
            ConcernSlot(variables["zorg.verkeer"].id, frozenset({1, 2, 3, 4}), frozenset({3, 4}))
        ]
    }


def test_one_concern_variable_counts_its_respondents_per_cell() -> None:
    """A phenomenon with one concern row: per cell, the respondents with a valid
    answer and those with a concern code; "weet niet", no answer and other
    variables are left out; cells come in order."""
    slot = ConcernSlot(7, frozenset({1, 2, 3, 4}), frozenset({3, 4, 9}))
    rows = [
        (7, 20, 1, 5),
        (7, 20, 3, 2),
        (7, 20, 4, 1),
        (7, 20, 9, 4),  # "weet niet": a concern code, but not valid
        (7, 20, None, 3),
        (7, 10, 4, 1),
        (7, 10, 2, 2),
        (8, 10, 4, 50),  # another variable
    ]
    assert priority._one_slot(rows, slot) == [(10, 3, 1), (20, 8, 3)]


# --- victimisation ---------------------------------------------------------------------

VICTIMISATION = {
    "key": "slachtoffer",
    "type": "matrix",
    "measure": "victimisation",
    # "weet niet" first: the hit is the first option that is an answer ("ja").
    "options": [_option(9, missing=True), _option(1), _option(2)],
    "rows": [_row("inbraak", "inbraak"), _row("fiets", "fietsdiefstal"), _row("overig")],
}


def test_victimisation_is_the_share_of_valid_answers_saying_yes() -> None:
    """Burglary: 12 yes, 28 no, 5 "weet niet", 3 no answer: 12 of 40 valid answers
    = 30 %; bicycle theft is a row of its own (2 of 8 = 25 %); the row without a
    phenomenon feeds nothing."""
    definition = _definition(VICTIMISATION)
    survey = _counts(
        definition,
        {
            "slachtoffer.inbraak": {1: 12, 2: 28, 9: 5, None: 3},
            "slachtoffer.fiets": {1: 2, 2: 6},
            "slachtoffer.overig": {1: 40},
        },
    )
    figures = _tally(survey)
    assert set(figures) == {"inbraak", "fietsdiefstal"}
    burglary = figures["inbraak"].tallies["victimisation"]
    assert (burglary.hits, burglary.base) == (12, 40)
    assert burglary.share() == pytest.approx(30.0)
    assert figures["fietsdiefstal"].tallies["victimisation"].share() == pytest.approx(25.0)


def test_victimisation_pools_the_rows_of_one_phenomenon_per_answer() -> None:
    """Two rows about burglary (home: 3 yes of 10; garage: nobody said yes, 10
    answers): victimisation counts answers, 3 of 20 = 15 %."""
    question = {
        **VICTIMISATION,
        "rows": [_row("woning", "inbraak"), _row("garage", "inbraak")],
    }
    survey = _counts(
        _definition(question), {"slachtoffer.woning": {1: 3, 2: 7}, "slachtoffer.garage": {2: 10}}
    )
    tally = _tally(survey)["inbraak"].tallies["victimisation"]
    assert (tally.hits, tally.base) == (3, 20)
    assert tally.share() == pytest.approx(15.0)


def test_a_victimisation_question_without_an_answer_option_counts_nobody() -> None:
    question = {**VICTIMISATION, "options": [_option(9, missing=True)]}
    survey = _counts(_definition(question), {"slachtoffer.inbraak": {9: 4}})
    tally = _tally(survey)["inbraak"].tallies["victimisation"]
    assert (tally.hits, tally.base) == (0, 0)


def test_a_weighted_victimisation_share_counts_valid_answers_of_weighted_cells() -> None:
    """Cell 100 (weight 2): 4 yes, 6 no, 2 "weet niet", 1 no answer; cell 101 (weight
    0.5): 8 yes, 22 no; cell 102 has no weight. Weighted share (2·4 + 0.5·8) /
    (2·10 + 0.5·30) = 12 / 35."""
    definition = _definition(VICTIMISATION)
    survey = _counts(
        definition,
        {"slachtoffer.inbraak": {1: 15, 2: 28, 9: 2, None: 1}},
        cell_rows={
            "slachtoffer.inbraak": [
                (100, 1, 4),
                (100, 2, 6),
                (100, 9, 2),
                (100, None, 1),
                (101, 1, 8),
                (101, 2, 22),
                (102, 1, 3),
            ]
        },
        cell_weights={100: 2.0, 101: 0.5},
    )
    tally = _tally(survey)["inbraak"].tallies["victimisation"]
    assert tally.share() == pytest.approx(15 / 43 * 100)
    assert tally.weighted_share() == pytest.approx(12 / 35 * 100)
    assert tally.effective_n == pytest.approx(35**2 / (4 * 10 + 0.25 * 30))


def test_weighted_rows_give_hits_and_base_per_weighted_cell() -> None:
    survey = _counts(
        _definition(VICTIMISATION),
        {},
        cell_rows={
            "slachtoffer.inbraak": [(5, 1, 3), (5, 2, 4), (5, None, 2), (6, 2, 1), (7, 1, 9)]
        },
        cell_weights={5: 1.5, 6: 3.0},
    )
    variable_id = survey.variables["slachtoffer.inbraak"].id
    assert survey.weighted_rows(variable_id, (1,), (1, 2)) == [(1.5, 3, 7), (3.0, 0, 1)]
    assert survey.weighted_rows(variable_id, (), (1,)) == [(1.5, 0, 3), (3.0, 0, 0)]
    assert survey.weighted_rows(variable_id, (1, 2), (1, 2)) == [(1.5, 7, 7), (3.0, 1, 1)]


def test_a_row_whose_variable_is_not_stored_is_left_out() -> None:
    definition = _definition(VICTIMISATION)
    survey = _counts(definition, {"slachtoffer.fiets": {1: 3, 2: 1}}, drop=("slachtoffer.inbraak",))
    figures = _tally(survey)
    assert set(figures) == {"fietsdiefstal"}
    assert figures["fietsdiefstal"].tallies["victimisation"].share() == pytest.approx(75.0)


# --- partners ---------------------------------------------------------------------------

PARTNER_PRIORITY = {
    "key": "aanpak",
    "type": "matrix",
    "measure": "partner_priority",
    "options": [_option(1), _option(2), _option(3), _option(9, missing=True)],
    "rows": [_row("drugs", "drugs"), _row("verkeer", "verkeer")],
}


def test_partner_priority_and_attention_are_shares_of_organisations_with_a_view() -> None:
    """Drugs: 3 partners say "prioriteit", 4 "aandachtspunt", 1 "basiszorg", 2 "geen
    zicht": 3 of 8 = 37.5 % priority, 4 of 8 = 50 % attention, resting on 8
    organisations; with a minimum of 9 organisations nothing is shown."""
    survey = _counts(_definition(PARTNER_PRIORITY), {"aanpak.drugs": {1: 3, 2: 4, 3: 1, 9: 2}})
    figure = _tally(survey)["drugs"]
    assert figure.tallies["partner_priority"].share() == pytest.approx(37.5)
    assert figure.tallies["partner_attention"].share() == pytest.approx(50.0)
    block = priority.partner_figures(figure, 8)
    assert block is not None
    assert (block.organisations, block.priority, block.attention) == (8, 37.5, 50.0)
    hidden = priority.partner_figures(figure, 9)
    assert hidden is not None
    assert (hidden.organisations, hidden.priority, hidden.attention) == (None, None, None)


def test_partner_priority_of_two_partner_surveys_is_pooled() -> None:
    """3 of 4 partners of one survey and 1 of 3 of another say "prioriteit": 4 of 7;
    "aandachtspunt": 1 of 7 (the second survey has none)."""
    definition = _definition(PARTNER_PRIORITY)
    first = _counts(definition, {"aanpak.drugs": {1: 3, 2: 1}})
    second = _counts(definition, {"aanpak.drugs": {1: 1, 3: 2}})
    figure = _tally(first, second)["drugs"]
    decision, attention = figure.tallies["partner_priority"], figure.tallies["partner_attention"]
    assert (decision.hits, decision.base) == (4, 7)
    assert (attention.hits, attention.base) == (1, 7)
    block = priority.partner_figures(figure, 7)
    assert block is not None
    assert (block.priority, block.attention) == (57.14, 14.29)  # 4 / 7 and 1 / 7


def test_a_partner_question_without_a_second_option_gives_no_attention_hits() -> None:
    question = {**PARTNER_PRIORITY, "options": [_option(1), _option(9, missing=True)]}
    survey = _counts(_definition(question), {"aanpak.drugs": {1: 5, 9: 1}})
    figure = _tally(survey)["drugs"]
    assert figure.tallies["partner_priority"].share() == pytest.approx(100.0)
    attention = figure.tallies["partner_attention"]
    assert (attention.hits, attention.base) == (0, 5)


IMPORTANCE = {
    "key": "belang",
    "type": "matrix",
    "measure": "importance",
    "options": [*(_option(c) for c in range(1, 6)), _option(9, missing=True)],
    "rows": [_row("drugs", "drugs"), _row("verkeer", "verkeer")],
}


def test_importance_is_the_mean_valid_code_overall_and_per_sector() -> None:
    """Answers 2, 4, 4, 5 and 5 (one "weet niet", one blank): mean 4 with the sample
    standard error; per sector, education answered 4 and 4, welfare 2, 5 and 5 (its
    "weet niet" and blank left out); another row's sector answers stay there."""
    answers = [2, 4, 4, 5, 5]
    survey = _counts(
        _definition(IMPORTANCE),
        {"belang.drugs": {2: 1, 4: 2, 5: 2, 9: 1, None: 1}, "belang.verkeer": {3: 4}},
        by_sector=[
            ("belang.drugs", "welzijn", 9, 1),
            ("belang.drugs", "onderwijs", 4, 2),
            ("belang.drugs", "welzijn", 2, 1),
            ("belang.drugs", "welzijn", 5, 2),
            ("belang.drugs", "welzijn", 9, 1),
            ("belang.drugs", "welzijn", None, 1),
            ("belang.verkeer", "onderwijs", 3, 4),
        ],
    )
    figures = _tally(survey)
    tally = figures["drugs"].tallies["importance"]
    assert tally.base == 5
    assert tally.mean() == pytest.approx(4.0)
    assert tally.mean_se() == pytest.approx(statistics.stdev(answers) / math.sqrt(5))
    sectors = figures["drugs"].sectors
    assert set(sectors) == {"onderwijs", "welzijn"}
    assert (sectors["onderwijs"].base, sectors["onderwijs"].mean()) == (2, 4.0)
    assert sectors["onderwijs"].mean_se() == 0.0  # two partners in agreement: no spread
    assert (sectors["welzijn"].base, sectors["welzijn"].mean()) == (3, 4.0)
    assert sectors["welzijn"].mean_se() == pytest.approx(statistics.stdev([2, 5, 5]) / math.sqrt(3))
    assert figures["verkeer"].sectors["onderwijs"].mean() == 3.0


def test_partner_importance_of_two_surveys_is_pooled() -> None:
    definition = _definition(IMPORTANCE)
    first = _counts(definition, {"belang.drugs": {5: 2}})
    second = _counts(definition, {"belang.drugs": {1: 2}})
    tally = _tally(first, second)["drugs"].tallies["importance"]
    assert (tally.base, tally.mean()) == (4, 3.0)
    assert tally.mean_se() == pytest.approx(statistics.stdev([5, 5, 1, 1]) / 2)


def test_sector_means_withhold_small_and_mixed_sectors() -> None:
    """Education (5 organisations, mean 4), welfare (2) and culture (6, mixed with
    organisations named elsewhere): at a minimum of 5, welfare's mean is withheld
    and, since its 2 answers could be solved from the pooled mean, the smallest
    published sector goes with it; culture shows neither its mean nor its count."""
    figure = priority.PhenomenonFigures()
    for sector, answers in {
        "onderwijs": [4, 4, 4, 4, 4],
        "welzijn": [2, 3],
        "cultuur": [1, 2, 3, 4, 5, 5],
        "sport": [3, 3, 3, 3, 3, 3, 4],
    }.items():
        tally = figure.sectors[sector]
        tally.base = len(answers)
        tally.total = sum(answers)
        tally.squares = sum(a * a for a in answers)
    means = priority._sector_means(figure, 5, frozenset({"cultuur"}))
    assert list(means) == ["cultuur", "onderwijs", "sport", "welzijn"]
    assert (means["cultuur"].n, means["cultuur"].mean) == (None, None)
    assert (means["welzijn"].n, means["welzijn"].mean) == (2, None)
    assert (means["onderwijs"].n, means["onderwijs"].mean) == (5, None)
    assert (means["sport"].n, means["sport"].mean) == (7, 3.14)  # 22 / 7, two decimals


# --- priority (residents' choices, partners' top 3) --------------------------------------

RANKING = {
    "key": "prio",
    "type": "ranking",
    "choose": 3,
    "measure": "priority",
    "options": [
        _option(1, "verkeer"),
        _option(2, "drugs"),
        _option(4),  # "ander": chosen, but no phenomenon (passed over, not the end)
        _option(3, "inbraak"),
        _option(9, "verkeer", missing=True),  # "weet niet" never counts, whatever it names
    ],
}
RANKING_COUNTS: dict[str, dict[int | None, int]] = {
    "prio.1": {1: 10, 2: 6, 3: 2, 4: 1, 9: 1, None: 5},
    "prio.2": {1: 3, 2: 8, 3: 4, None: 7},
    "prio.3": {3: 5, 2: 1, None: 10},
}


def test_priority_counts_a_choice_at_any_rank_over_those_who_ranked_anything() -> None:
    """19 respondents put a valid option first (10 + 6 + 2 + 1; "weet niet" and
    blanks left out); traffic was chosen 13 times at some rank (13 / 19), drugs 15,
    burglary 11; "ander" and "weet niet" feed no phenomenon."""
    survey = _counts(_definition(RANKING), RANKING_COUNTS)
    figures = _tally(survey)
    assert set(figures) == {"verkeer", "drugs", "inbraak"}
    expected = {"verkeer": 13, "drugs": 15, "inbraak": 11}
    for phenomenon, chosen in expected.items():
        tally = figures[phenomenon].tallies["priority"]
        assert (tally.hits, tally.base) == (chosen, 19)
        assert tally.share() == pytest.approx(chosen / 19 * 100)


def test_priority_of_two_surveys_is_pooled_and_an_unchosen_option_counts_zero() -> None:
    """The same ranking in two citizen surveys: traffic chosen 13 + 3 times over 19 + 4
    first places; in the second survey nobody chose burglary, which adds nothing."""
    definition = _definition(RANKING)
    second = _counts(definition, {"prio.1": {1: 3, 2: 1}})
    figures = _tally(_counts(definition, RANKING_COUNTS), second)
    traffic = figures["verkeer"].tallies["priority"]
    assert (traffic.hits, traffic.base) == (16, 23)
    burglary = figures["inbraak"].tallies["priority"]
    assert (burglary.hits, burglary.base) == (11, 23)


def test_a_ranking_without_its_first_place_stored_has_no_base() -> None:
    """Weighted or not, no first place stored: the choices are counted, there is no
    base, so no share."""
    for weights in (None, {1: 2.0}):
        survey = _counts(
            _definition(RANKING),
            {"prio.2": {1: 3}},
            cell_rows={"prio.2": [(1, 1, 3)]},
            cell_weights=weights,
            drop=("prio.1",),
        )
        tally = _tally(survey)["verkeer"].tallies["priority"]
        assert (tally.hits, tally.base) == (3, 0)
        assert tally.share() is None
        assert tally.weighted_share() is None


def test_a_weighted_priority_share_weighs_each_cell_of_the_first_place() -> None:
    """Cell 1 (weight 2): 4 put a valid option first, traffic chosen 3 times over
    the ranks; cell 2 (weight 1): 6 first, traffic chosen once; cell 3 is not
    weighted. Weighted traffic share (2·3 + 1·1) / (2·4 + 1·6) = 7 / 14."""
    survey = _counts(
        _definition(RANKING),
        {"prio.1": {1: 3, 2: 8}, "prio.2": {1: 2}},
        cell_rows={
            "prio.1": [(1, 1, 2), (1, 2, 2), (1, 9, 3), (1, None, 1), (2, 2, 6), (3, 1, 1)],
            "prio.2": [(1, 1, 1), (1, None, 3), (2, 1, 1), (3, 1, 4)],
        },
        cell_weights={1: 2.0, 2: 1.0},
    )
    figures = _tally(survey)
    traffic = figures["verkeer"].tallies["priority"]
    assert traffic.weighted_share() == pytest.approx(50.0)
    assert traffic.effective_n == pytest.approx(14**2 / (4 * 4 + 6))
    drugs = figures["drugs"].tallies["priority"]
    assert drugs.weighted_share() == pytest.approx((2 * 2 + 6) / 14 * 100)
    assert figures["inbraak"].tallies["priority"].weighted_share() == 0.0


MULTIPLE = {
    "key": "keuze",
    "type": "multiple",
    "measure": "priority",
    "options": [_option(1, "verkeer"), _option(2, "drugs"), _option(3)],
}


def test_a_multiple_choice_priority_rests_on_the_respondents_who_ticked_anything() -> None:
    """25 respondents ticked at least one valid option (the answer rows count 40
    ticks): traffic ticked by 20 = 80 %."""
    survey = _counts(
        _definition(MULTIPLE),
        {"keuze": {1: 20, 2: 5, 3: 15, None: 4}},
        valid_respondents={"keuze": 25},
    )
    figures = _tally(survey)
    assert figures["verkeer"].tallies["priority"].share() == pytest.approx(80.0)
    assert figures["drugs"].tallies["priority"].share() == pytest.approx(20.0)


def test_a_multiple_choice_nobody_answered_has_no_base() -> None:
    survey = _counts(_definition(MULTIPLE), {"keuze": {None: 4}})
    tally = _tally(survey)["verkeer"].tallies["priority"]
    assert (tally.hits, tally.base) == (0, 0)
    assert tally.share() is None


def test_a_weighted_multiple_choice_priority_rests_on_the_weighted_respondents() -> None:
    """Cell 1 (weight 3): 4 respondents ticked something, traffic ticked by 2; cell 2
    (weight 1): 6, traffic 6: (3·2 + 6) / (3·4 + 6) = 12 / 18."""
    survey = _counts(
        _definition(MULTIPLE),
        {"keuze": {1: 8, 3: 6}},
        valid_respondents={"keuze": 10},
        valid_cells={"keuze": [(1, 4), (2, 6), (3, 2)]},
        cell_rows={"keuze": [(1, 1, 2), (1, 3, 4), (2, 1, 6), (3, 1, 2)]},
        cell_weights={1: 3.0, 2: 1.0},
    )
    traffic = _tally(survey)["verkeer"].tallies["priority"]
    assert traffic.share() == pytest.approx(80.0)
    assert traffic.weighted_share() == pytest.approx(12 / 18 * 100)


def test_partners_top3_counts_organisations_choosing_a_phenomenon_at_any_rank() -> None:
    """Partners' top 3: traffic chosen by 5 organisations of the 7 that ranked; the
    partners block shows the count and its base from the minimum of organisations on."""
    question = {**RANKING, "key": "top3", "measure": "partner_top3"}
    survey = _counts(
        _definition(question), {"top3.1": {1: 4, 2: 3}, "top3.2": {1: 1, 2: 2}}, responses=7
    )
    figure = _tally(survey)["verkeer"]
    assert "priority" not in figure.tallies
    tally = figure.tallies["partner_top3"]
    assert (tally.hits, tally.base) == (5, 7)
    block = priority.partner_figures(figure, 7)
    assert block is not None
    assert (block.top3, block.top3_organisations) == (5, 7)
    assert block.organisations is None  # no partner_priority question asked
    below = priority.partner_figures(figure, 8)
    assert below is not None and (below.top3, below.top3_organisations) == (None, None)


POINTS = {
    "key": "punten",
    "type": "multiple",
    "measure": "partner_points",
    # "iets anders" first: an option without a phenomenon is passed over, not the end.
    "options": [_option(3), _option(1, "drugs"), _option(2, "verkeer"), _option(9, "fraude", True)],
}


def test_extra_attention_points_count_answers_naming_a_phenomenon() -> None:
    """9 partner organisations answered; 4 gave drugs an extra point, 2 traffic;
    "weet niet" names fraud but counts nothing."""
    survey = _counts(_definition(POINTS), {"punten": {1: 4, 2: 2, 3: 7, 9: 1}}, responses=9)
    figures = _tally(survey)
    assert set(figures) == {"drugs", "verkeer"}
    drugs = figures["drugs"].tallies["partner_points"]
    assert (drugs.hits, drugs.base) == (4, 9)
    block = priority.partner_figures(figures["drugs"], 9)
    assert block is not None and block.extra_points == 4
    hidden = priority.partner_figures(figures["drugs"], 10)
    assert hidden is not None and hidden.extra_points is None


def test_extra_attention_points_of_two_partner_surveys_add_up() -> None:
    definition = _definition(POINTS)
    first = _counts(definition, {"punten": {1: 4}}, responses=9)
    second = _counts(definition, {"punten": {1: 2, 2: 1}}, responses=5)
    figures = _tally(first, second)
    assert figures["drugs"].tallies["partner_points"].hits == 6
    assert figures["verkeer"].tallies["partner_points"].hits == 1


def test_extra_attention_points_without_their_variable_count_nothing() -> None:
    survey = _counts(_definition(POINTS), {}, responses=9, drop=("punten",))
    drugs = _tally(survey)["drugs"].tallies["partner_points"]
    assert (drugs.hits, drugs.base) == (0, 9)


def test_a_phenomenon_without_partner_answers_has_no_partner_block() -> None:
    survey = _counts(_definition(VICTIMISATION), {"slachtoffer.inbraak": {1: 1}})
    assert priority.partner_figures(_tally(survey)["inbraak"], 1) is None


def test_every_measure_question_of_a_survey_is_tallied_whatever_comes_before_it() -> None:
    """A survey asking, in this order, a ranking, extra points, an unsafety question, a
    plain question and a victimisation matrix: the victimisation at the end is
    tallied like the rest."""
    unsafety = {**VICTIMISATION, "key": "onveilig", "measure": "unsafety"}
    plain = {k: v for k, v in VICTIMISATION.items() if k != "measure"} | {"key": "gewoon"}
    survey = _counts(
        _definition(RANKING, POINTS, unsafety, plain, VICTIMISATION),
        {**RANKING_COUNTS, "punten": {1: 4}, "slachtoffer.inbraak": {1: 3, 2: 9}},
        responses=30,
    )
    figures = _tally(survey)
    assert figures["inbraak"].tallies["victimisation"].share() == pytest.approx(25.0)
    assert figures["verkeer"].tallies["priority"].share() == pytest.approx(13 / 19 * 100)
    assert figures["drugs"].tallies["partner_points"].hits == 4


def test_questions_without_an_indicator_measure_feed_nothing() -> None:
    """A concern question is tallied from the concern counts only, and a question
    with another measure (the feeling of unsafety) or none feeds no indicator."""
    unsafety = {**VICTIMISATION, "key": "onveilig", "measure": "unsafety"}
    plain = {k: v for k, v in VICTIMISATION.items() if k != "measure"} | {"key": "gewoon"}
    survey = _counts(
        _definition(CONCERN, unsafety, plain),
        {
            "zorg.verkeer": {3: 10},
            "onveilig.inbraak": {1: 10},
            "gewoon.inbraak": {1: 10},
        },
    )
    assert _tally(survey) == {}


# --- the published matrix ----------------------------------------------------------------


def test_the_matrix_publishes_each_indicator_with_its_base() -> None:
    """One resident survey and one partner survey tallied into the matrix: the shares
    in percent, the importance in scale points, the bases as counted above; the
    registered figures enter as they are; the sources state their share of the
    weights and the people they rest on."""
    residents = _counts(
        _definition(VICTIMISATION, RANKING),
        {"slachtoffer.inbraak": {1: 12, 2: 28}, **RANKING_COUNTS},
        concern={"drugs": [(1, 40, 30)]},
    )
    partners = _counts(
        _definition(IMPORTANCE, PARTNER_PRIORITY),
        {"belang.drugs": {2: 1, 4: 4, 5: 1}, "aanpak.drugs": {1: 5, 2: 1}},
    )
    figures = _tally(residents, partners)
    phenomena = [
        priority.PhenomenonInfo(key, key.title(), False) for key in ("drugs", "inbraak", "verkeer")
    ]
    objective = {
        "drugs": ObjectiveFigure(
            2025, 120.0, "feiten", "barometer", 2024, 100.0, 20.0, ((2024, 100.0), (2025, 120.0))
        ),
    }
    result = priority.assemble_priorities(
        phenomena,
        figures,
        objective,
        {"concern": 1.0, "priority": 1.0, "importance": 1.0, "facts": 2.0, "victimisation": 0},
        "consultation",
        threshold=5,
        seed=3,
        samples=20,
        partner_sector_min=5,
        people={"residents": 40, "partners": 6},
    )
    rows = {row.phenomenon: row for row in result.rows}
    drugs = rows["drugs"]
    assert drugs.indicators["concern"] == 75.0
    assert drugs.indicators["priority"] == round(15 / 19 * 100, 2)
    assert drugs.indicators["importance"] == round((2 + 4 * 4 + 5) / 6, 2)
    assert drugs.indicators["partner_priority"] == round(5 / 6 * 100, 2)
    assert drugs.indicators["facts"] == 120.0 and drugs.indicators["trend"] == 20.0
    assert drugs.bases == {
        "concern": 40,
        "priority": 19,
        "importance": 6,
        "partner_priority": 6,
    }
    assert rows["inbraak"].indicators["victimisation"] == 30.0
    assert rows["inbraak"].bases["victimisation"] == 40
    sources = {s.source: s for s in result.method.sources}
    # weights present: concern 1, priority 1, importance 1, facts 2 (trend has no weight).
    assert sources["residents"].weight_share == pytest.approx(0.4)
    assert sources["partners"].weight_share == pytest.approx(0.2)
    assert sources["registered"].weight_share == pytest.approx(0.4)
    assert (sources["residents"].people, sources["partners"].people) == (40, 6)
    assert result.method.weights == {"concern": 1, "priority": 1, "importance": 1, "facts": 2}
    assert sources["registered"].people is None


def test_source_weights_count_only_indicators_the_matrix_has() -> None:
    """Weights concern 2, importance 1, facts 1, but no phenomenon has a registered
    figure: residents weigh 2 / 3, partners 1 / 3, registered figures nothing."""
    shares = priority.source_weights(
        {"concern": 2.0, "importance": 1.0, "facts": 1.0, "priority": 0.0},
        {"concern", "importance", "priority"},
        {"residents": 100},
    )
    by_source = {s.source: s for s in shares}
    assert by_source["residents"].weight_share == pytest.approx(0.6667)
    assert by_source["residents"].indicators == ("concern",)
    assert by_source["partners"].weight_share == pytest.approx(0.3333)
    assert by_source["registered"].weight_share == 0.0
    assert by_source["registered"].indicators == ()
    assert by_source["partners"].people is None
    nothing = priority.source_weights({"concern": 1.0}, set(), {})
    assert all(s.weight_share == 0.0 for s in nothing)


# --- the indicators' names and rules ------------------------------------------------------

DOCUMENTED = ("concern", "priority", "importance", "victimisation", "partner_priority")


def test_a_planners_weight_is_kept_for_every_documented_indicator() -> None:
    """The planner may weigh each of the seven indicators the method names
    (weight 0 included); an unknown name and a negative weight are dropped."""
    stored = {name: i + 1 for i, name in enumerate((*DOCUMENTED, "facts", "trend"))}
    weights, source = priority.matrix_weights({**stored, "onbekend": 3, "facts": 0})
    assert source == "consultation"
    assert weights == {**{k: float(v) for k, v in stored.items()}, "facts": 0.0}
    default = (dict(ranking.DEFAULT_WEIGHTS), "default")
    assert priority.matrix_weights({"concern": -1}) == default
    assert priority.matrix_weights({"concern": 0}) == default  # nothing weighs: the defaults
    assert priority.matrix_weights({"concern": 0.5}) == ({"concern": 0.5}, "consultation")


def test_each_source_names_its_own_indicators() -> None:
    """Residents: concern, priority and victimisation; partners: importance and their
    own priority; registered figures: facts and trend, each weighing 1 of 7."""
    names = (*DOCUMENTED, "facts", "trend")
    shares = priority.source_weights(dict.fromkeys(names, 1.0), names, {})
    assert [(s.source, s.indicators) for s in shares] == [
        ("residents", ("concern", "priority", "victimisation")),
        ("partners", ("importance", "partner_priority")),
        ("registered", ("facts", "trend")),
    ]
    assert [s.weight_share for s in shares] == [round(3 / 7, 4), round(2 / 7, 4), round(2 / 7, 4)]


def test_the_report_states_what_each_indicators_base_counts() -> None:
    """Concern and priority rest on respondents, victimisation on answers, the
    partners' indicators on partner answers (report JSON ``indicator_bases``)."""
    result = priority.assemble_priorities([], {}, {}, {"concern": 1.0}, "default", 10, 1, 10)
    assert result.method.indicator_bases == {
        "concern": "respondents",
        "priority": "respondents",
        "importance": "partner_answers",
        "victimisation": "answers",
        "partner_priority": "partner_answers",
    }


def _matrix(
    figures: dict[str, priority.PhenomenonFigures], *, weighted: bool = False, threshold: int = 10
) -> dict[str, Any]:
    phenomena = [priority.PhenomenonInfo(key, key, False) for key in sorted(figures)]
    weights = dict.fromkeys(DOCUMENTED, 1.0)
    result = priority.assemble_priorities(
        phenomena,
        figures,
        {},
        weights,
        "consultation",
        threshold,
        1,
        20,
        partner_sector_min=5,
        weighted=weighted,
    )
    return {row["phenomenon"]: row for row in result.to_json()["priorities"]}


def test_partners_priority_follows_the_partners_minimum_not_the_residents_threshold() -> None:
    """5 organisations, 3 of them saying "prioriteit": 3 is below the residents'
    threshold of 10, but the partners' figure rests on 5 organisations, the partners'
    minimum, and is shown: 60 %. With 4 organisations it is hidden."""
    shown = priority.PhenomenonFigures()
    shown.tallies["partner_priority"] = priority.Tally(hits=3, base=5)
    few = priority.PhenomenonFigures()
    few.tallies["partner_priority"] = priority.Tally(hits=3, base=4)
    rows = _matrix({"drugs": shown, "fraude": few})
    assert rows["drugs"]["indicators"]["partner_priority"] == 60.0
    assert rows["fraude"]["indicators"]["partner_priority"] is None
    assert rows["fraude"]["suppressed_indicators"] == ["partner_priority"]


def test_a_weighted_matrix_weighs_every_residents_indicator() -> None:
    """In a weighted report concern, priority and victimisation show their weighted
    share, 20 concerned weighing 0.5 and 20 others weighing 1.7: 10 / 44 (22.73 %,
    two decimals) against 50 % unweighted, with the Kish effective base to one
    decimal."""
    figure = priority.PhenomenonFigures()
    for name in ("concern", "priority", "victimisation"):
        tally = figure.tallies[name] = priority.Tally(hits=20, base=40)
        tally.add_cells([(0.5, 20, 20), (1.7, 0, 20)])
    rows = _matrix({"drugs": figure}, weighted=True)
    for name in ("concern", "priority", "victimisation"):
        assert rows["drugs"]["indicators"][name] == 50.0
        assert rows["drugs"]["weighted_indicators"][name] == 22.73
        assert rows["drugs"]["estimate_indicators"][name] == 22.73
        assert rows["drugs"]["effective_bases"][name] == 30.8  # 44² / (0.25·20 + 2.89·20)


def test_a_weighted_share_keeps_its_uncertainty_in_the_rank_interval() -> None:
    """Two phenomena with weighted concern 50 % and 45 % on an effective base of 40:
    the shares overlap well within their standard errors, so each 95 % rank interval
    spans both ranks."""
    figures = {}
    for key, hits in (("drugs", 20), ("verkeer", 18)):
        figure = priority.PhenomenonFigures()
        tally = figure.tallies["concern"] = priority.Tally(hits=hits, base=40)
        tally.add_cells([(1.0, hits, 40)])
        figures[key] = figure
    rows = _matrix(figures, weighted=True)
    assert rows["drugs"]["rank"] == 1 and rows["verkeer"]["rank"] == 2
    assert rows["drugs"]["rank_interval"] == [1, 2]
    assert rows["verkeer"]["rank_interval"] == [1, 2]


def test_one_answer_is_a_base() -> None:
    """A share on one answer is 0 or 100 %, and one respondent weighing 0.4 gives a
    weighted share too: weights below 1 are as good as any."""
    assert priority.Tally(hits=0, base=1).share() == 0.0
    tally = priority.Tally(hits=1, base=1)
    tally.add_cells([(0.4, 1, 1)])
    assert tally.share() == 100.0
    assert tally.weighted_share() == pytest.approx(100.0)
    assert tally.weighted_share_se() == 0.0


def test_the_trend_is_against_the_year_just_before_the_latest() -> None:
    """Three registered years: the trend compares 2025 with 2024 (300 -> 401:
    +33.67 %, two decimals), not with the first year."""
    rows = [
        IndicatorRow("drugs", 2023, 100, "feiten", "barometer"),
        IndicatorRow("drugs", 2025, 401, "feiten", "barometer"),
        IndicatorRow("drugs", 2024, 300, "feiten", "barometer"),
    ]
    figure = priority.objective_figures(rows)["drugs"]
    assert (figure.year, figure.previous_year, figure.previous_value) == (2025, 2024, 300)
    assert figure.trend_percent == round(101 / 300 * 100, 2) == 33.67
    assert figure.series == ((2023, 100), (2024, 300), (2025, 401))


def test_an_indicator_without_answers_has_no_base_and_one_answer_has_one() -> None:
    """A ranking whose first place nobody filled in has no priority figure at all (no
    base of 0 beside it); one resident who answered the concern rows, not concerned,
    is a concern of 0 % on a base of 1 (zero is no small count to hide)."""
    figure = priority.PhenomenonFigures()
    figure.tallies["priority"] = priority.Tally(hits=0, base=0)
    figure.tallies["concern"] = priority.Tally(hits=0, base=1)
    row = _matrix({"drugs": figure})["drugs"]
    assert "priority" not in row["indicators"] and "priority" not in row["bases"]
    assert row["indicators"]["concern"] == 0.0
    assert row["bases"] == {"concern": 1}


def test_the_reason_counts_only_the_phenomena_with_a_score() -> None:
    """Three phenomena, one without any figure: the first is rank 1 "of 2" (in
    whichever language the reason is written), not of 3."""
    figures = {}
    for key, hits in (("drugs", 30), ("verkeer", 20)):
        figure = priority.PhenomenonFigures()
        figure.tallies["concern"] = priority.Tally(hits=hits, base=40)
        figures[key] = figure
    figures["fraude"] = priority.PhenomenonFigures()
    rows = _matrix(figures)
    assert rows["fraude"]["rank"] is None
    assert re.match(r"\w+ 1 \w+ 2 ", rows["drugs"]["reason"]), rows["drugs"]["reason"]
    assert re.match(r"\w+ 2 \w+ 2 ", rows["verkeer"]["reason"]), rows["verkeer"]["reason"]


def _objective(value: float, trend: float) -> ObjectiveFigure:
    return ObjectiveFigure(2025, value, "feiten", "barometer", 2024, None, trend, ())


def test_registered_figures_score_and_rank_without_uncertainty() -> None:
    """Three phenomena with registered facts and trend only (weights 2 and 1): facts
    alone would put B first, the trend alone A; together C, high on both, comes
    first: C (2·25/30 + 60/70) / 3 = 0.84, B 2/3 = 0.67, A 1/3 = 0.33, and the
    phenomenon without figures last. Registered figures are exact, so every rank
    interval is the rank itself."""
    objective = {"a": _objective(10, 50), "b": _objective(40, -20), "c": _objective(35, 40)}
    phenomena = [priority.PhenomenonInfo(k, k, False) for k in ("a", "b", "c", "d")]
    result = priority.assemble_priorities(
        phenomena, {}, objective, {"facts": 2.0, "trend": 1.0}, "consultation", 10, 1, 20
    )
    rows = result.to_json()["priorities"]
    assert [(r["phenomenon"], r["score"], r["rank"]) for r in rows] == [
        ("c", 0.84, 1),
        ("b", 0.67, 2),
        ("a", 0.33, 3),
        ("d", None, None),
    ]
    assert rows[0]["indicators"]["trend"] == 40 and rows[0]["indicators"]["facts"] == 35
    for row in rows[:3]:
        assert row["rank_interval"] == [row["rank"], row["rank"]]


def test_a_weighted_ranking_counts_the_ranks_after_one_not_stored() -> None:
    """Rank 2 not stored (an older version of the survey): a choice at rank 3 still
    counts, weighted as in the unweighted share: 2 of 4 first places."""
    survey = _counts(
        _definition(RANKING),
        {"prio.1": {2: 4}, "prio.3": {1: 2}},
        cell_rows={"prio.1": [(1, 2, 4)], "prio.3": [(1, 1, 2)]},
        cell_weights={1: 1.5},
        drop=("prio.2",),
    )
    traffic = _tally(survey)["verkeer"].tallies["priority"]
    assert traffic.share() == pytest.approx(50.0)
    assert traffic.weighted_share() == pytest.approx(50.0)
