"""Pure parts of the report: band labels, free-text themes, the priority
matrix assembly and its reasons."""

from __future__ import annotations

import math
import statistics

import pytest

from survey.analysis import priority, ranking
from survey.analysis.disclosure import protect_themes
from survey.analysis.themes import text_themes
from survey.definitions.definition import build_definition


def test_band_labels() -> None:
    definition = build_definition(
        {
            "format": 1,
            "key": "x-1",
            "consultation": "c",
            "audience": "citizen",
            "access": "open",
            "languages": ["nl"],
            "title": {"nl": "t"},
            "pages": [
                {
                    "key": "p",
                    "title": {"nl": "p"},
                    "questions": [
                        {
                            "key": "leeftijd",
                            "type": "number",
                            "text": {"nl": "?"},
                            "bands": {"dimension": "age", "edges": [16, 30, 45, 65]},
                        }
                    ],
                }
            ],
        }
    )
    assert definition.question("leeftijd").dimension_codes("nl").labels == {
        1: "16-29",
        2: "30-44",
        3: "45-64",
        4: "65+",
    }


def test_free_text_themes_suppress_small_counts_and_quote_redacted(app_ctx: object) -> None:
    # (lowest id, redacted text, copies), as the database gives them.
    texts = [
        (0, "Er wordt hier veel te snel gereden door auto's.", 12),
        (100, "Drugs dealers aan het station, bel 0470 12 34 56.", 1),
        (101, "   ", 1),
        (102, "Alles is in orde hier.", 1),
    ]
    lexicon = {"verkeer": (r"snel", r"auto"), "drugs": (r"drug", r"deal")}
    result = protect_themes(text_themes(texts, lexicon, {"verkeer": "Verkeer"}), 10).to_json()
    assert result["comments"] == 14
    themes = {t["phenomenon"]: t for t in result["themes"]}
    assert themes["verkeer"]["count"] == 12
    assert themes["verkeer"]["label"] == "Verkeer"
    assert len(themes["verkeer"]["quotes"]) == 1  # identical texts are quoted once
    assert themes["drugs"]["count"] is None and themes["drugs"]["suppressed"] is True
    assert "0470" not in themes["drugs"]["quotes"][0]
    assert result["untagged"] is None  # 1 comment: below the threshold


def _figures(
    concern: float, base: int, importance: float | None = None
) -> priority.PhenomenonFigures:
    figures = priority.PhenomenonFigures()
    tally = figures.tallies["concern"]
    tally.hits = concern * base
    tally.base = base
    if importance is not None:
        imp = figures.tallies["importance"]
        imp.base = 5
        imp.total = importance * 5
        imp.squares = importance * importance * 5 + 2
    return figures


def test_assemble_priorities_ranks_labels_and_is_deterministic(app_ctx: object) -> None:
    phenomena = [
        priority.PhenomenonInfo("drugs", "Drugs", True),
        priority.PhenomenonInfo("verkeer", "Verkeer", True),
        priority.PhenomenonInfo("milieu", "Milieu", False),
        priority.PhenomenonInfo("fraude", "Fraude", False),
    ]
    figures = {
        "drugs": _figures(0.40, 500, 4.5),
        "verkeer": _figures(0.55, 500, 3.9),
        "milieu": _figures(0.20, 500, 2.5),
        "fraude": _figures(0.01, 500, 2.0),  # 5 answers: a suppressed share
    }
    objective = priority.objective_figures([])
    weights, source = priority.matrix_weights(None)
    assert source == "default"
    result = priority.assemble_priorities(
        phenomena, figures, objective, weights, source, 10, seed=1, samples=200
    )
    again = priority.assemble_priorities(
        phenomena, figures, objective, weights, source, 10, seed=1, samples=200
    )
    assert result == again
    published = result.to_json()
    rows = {p["phenomenon"]: p for p in published["priorities"]}
    assert {p["phenomenon"] for p in published["priorities"][:2]} == {"drugs", "verkeer"}
    assert rows["drugs"]["indicators"]["concern"] == 40.0
    assert rows["drugs"]["indicators"]["importance"] == 4.5
    assert rows["fraude"]["indicators"]["concern"] is None
    assert rows["fraude"]["suppressed_indicators"] == ["concern"]
    assert rows["fraude"]["rank"] == 4
    assert rows["fraude"]["proposal"] == "aandachtspunt"  # top 6 of only 4
    for row in rows.values():
        low, high = row["rank_interval"]
        assert low <= row["rank"] <= high
        assert row["reason"]
    assert published["priority_method"]["sensitivity"]["top"] == 5


def _weighted(figures: priority.PhenomenonFigures, share: float) -> priority.PhenomenonFigures:
    """The concern tally weighted: every answer weight 1.5 except the hits,
    which weigh so that the weighted share is ``share``."""
    tally = figures.tallies["concern"]
    rest = tally.base - tally.hits
    tally.weighted_base = rest * 1.5 / (1 - share)
    tally.weighted_hits = tally.weighted_base * share
    tally.weight_squares = tally.base * 2.25
    return figures


def test_a_weighted_matrix_hides_the_weighted_share_of_a_hidden_count(app_ctx: object) -> None:
    """A weighted share beside a hidden count would give the count back
    (share x weighted base, within a few): wherever the unweighted share is
    hidden, as a small count (fraude: 5 answers) or to protect another cell
    (drugs, named by the report), the weighted and the shown indicator are
    hidden too, and neither counts in the score; a base the report hides
    takes its effective n with it."""
    phenomena = [
        priority.PhenomenonInfo("drugs", "Drugs", True),
        priority.PhenomenonInfo("verkeer", "Verkeer", True),
        priority.PhenomenonInfo("milieu", "Milieu", False),
        priority.PhenomenonInfo("fraude", "Fraude", False),
    ]
    figures = {
        "drugs": _weighted(_figures(0.40, 500), 0.30),
        "verkeer": _weighted(_figures(0.55, 500), 0.50),
        "milieu": _weighted(_figures(0.20, 500), 0.25),
        "fraude": _weighted(_figures(0.01, 500), 0.02),
    }
    weights, source = priority.matrix_weights(None)
    result = priority.assemble_priorities(
        phenomena,
        figures,
        priority.objective_figures([]),
        weights,
        source,
        10,
        seed=1,
        samples=50,
        hidden_indicators=frozenset({("drugs", "concern")}),
        hidden_bases=frozenset({("drugs", "concern")}),
        weighted=True,
    )
    rows = {p["phenomenon"]: p for p in result.to_json()["priorities"]}
    assert rows["verkeer"]["weighted_indicators"]["concern"] == 50.0
    assert rows["verkeer"]["estimate_indicators"]["concern"] == 50.0
    assert rows["verkeer"]["effective_bases"]["concern"] > 0
    for key in ("drugs", "fraude"):
        row = rows[key]
        assert row["suppressed_indicators"] == ["concern"]
        assert row["indicators"]["concern"] is None
        assert row["weighted_indicators"]["concern"] is None
        assert row["estimate_indicators"]["concern"] is None
        assert row["score"] is None and row["rank"] is None  # concern was its only indicator
    assert "concern" not in rows["drugs"]["bases"]
    assert "concern" not in rows["drugs"]["effective_bases"]
    assert rows["fraude"]["bases"]["concern"] == 500


def test_matrix_weights_from_the_consultation() -> None:
    weights, source = priority.matrix_weights({"concern": 2, "facts": 1, "bogus": 5, "trend": -1})
    assert source == "consultation"
    assert weights == {"concern": 2.0, "facts": 1.0}


def test_objective_figures_trend_against_previous_year() -> None:
    from survey.analysis.aggregates import IndicatorRow

    rows = [
        IndicatorRow("drugs", 2024, 400, "feiten", "barometer"),
        IndicatorRow("drugs", 2025, 500, "feiten", "barometer"),
        IndicatorRow("verkeer", 2025, 80, "feiten", "barometer"),
    ]
    result = priority.objective_figures(rows)
    assert result["drugs"].year == 2025
    assert result["drugs"].trend_percent == 25.0
    assert result["verkeer"].trend_percent is None
    assert result["verkeer"].trend_note is None  # no year before: no trend, nothing to say


def test_no_trend_from_too_few_facts() -> None:
    """6 -> 9 facts of human trafficking is +50 %, but on so few facts it is
    noise: no trend, and the report says "te weinig feiten"."""
    from survey.analysis.aggregates import IndicatorRow

    few = priority.TREND_MIN_FACTS - 1
    rows = [
        IndicatorRow("mensenhandel", 2024, 6, "feiten", "barometer"),
        IndicatorRow("mensenhandel", 2025, 9, "feiten", "barometer"),
        IndicatorRow("fraude", 2024, few, "feiten", "barometer"),
        IndicatorRow("fraude", 2025, 400, "feiten", "barometer"),
        IndicatorRow("drugs", 2024, priority.TREND_MIN_FACTS, "feiten", "barometer"),
        IndicatorRow("drugs", 2025, 30, "feiten", "barometer"),
    ]
    result = priority.objective_figures(rows)
    for phenomenon in ("mensenhandel", "fraude"):
        assert result[phenomenon].trend_percent is None
        assert result[phenomenon].trend_note == "too_few_facts"
        assert result[phenomenon].to_json()["trend_note"] == "too_few_facts"
    assert result["drugs"].trend_percent == 50.0 and result["drugs"].trend_note is None


def test_reasons_quote_the_rank_the_score_and_the_rule(app_ctx: object) -> None:
    """The reason of a proposal names the rank, the published score (Dutch
    decimals) and the thresholds of the rule that applied."""
    sentence = priority.reason_sentence(ranking.propose_label(2, 0.75, 10))
    assert sentence.startswith("Rang 2 van 10 met score 0,75:")  # two decimals, as published
    assert "0,60" in sentence  # the priority rule: top 3 and a score of at least 0.60
    basic = priority.reason_sentence(ranking.propose_label(8, 0.1, 10))
    assert "0,10" in basic and "6" in basic and "0,40" in basic
    assert priority.reason_sentence(ranking.propose_label(None, None, 10)) != basic


def test_each_indicator_is_named_in_dutch_with_its_unit(app_ctx: object) -> None:
    """The spreadsheet's matrix columns: every indicator in words with its unit; an
    unknown name stays as it is."""
    assert {name: priority.indicator_label(name) for name in priority.INDICATORS} == {
        "concern": "bezorgdheid (%)",
        "priority": "prioriteit (%)",
        "importance": "belang (1-5)",
        "victimisation": "slachtofferschap (%)",
        "partner_priority": "partners: prioriteit (%)",
        "facts": "geregistreerde feiten",
        "trend": "trend (%)",
    }
    assert priority.indicator_label("onbekend") == "onbekend"


def test_the_dutch_reason_concludes_with_the_proposed_label(app_ctx: object) -> None:
    """Whatever the rank and score, the Dutch sentence ends on the label the table shows,
    and cites the rule that gave it (the top 3 / 0,60 rule for a priority, the top 6
    and/or 0,40 rule for an attention point, both thresholds for basic care)."""
    conclusion = {
        "priority": "dus voorgesteld als prioriteit.",
        "attention": "dus voorgesteld als aandachtspunt.",
        "basic": "dus basiszorg.",
    }
    cites = {
        "top_rank_and_high_score": ("in de top 3", "minstens 0,60"),
        "attention_rank_and_score": ("in de top 6", "minstens 0,40"),
        "attention_rank": ("in de top 6",),
        "attention_score": ("minstens 0,40",),
        "below_thresholds": ("niet in de top 6", "onder 0,40"),
    }
    seen = set()
    for r in range(1, 11):
        for score in (0.1, 0.399, 0.4, 0.5, 0.6, 0.9):
            proposal = ranking.propose_label(r, score, 10)
            sentence = priority.reason_sentence(proposal)
            assert sentence.startswith(f"Rang {r} van 10 met score ")
            assert sentence.endswith(conclusion[proposal.label]), sentence
            for part in cites[proposal.reason]:
                assert part in sentence, sentence
            seen.add(proposal.reason)
    assert seen == set(cites)
    no_score = priority.reason_sentence(ranking.propose_label(None, None, 10))
    assert no_score == "Geen score: er zijn geen cijfers voor dit fenomeen."


def test_a_matrix_share_under_equal_weights_is_the_unweighted_share_on_the_same_base() -> None:
    """Weighting every cell by the same factor changes nothing the matrix shows: the
    weighted share is the unweighted one and the Kish effective n is the number of
    respondents, whatever the factor."""
    for factor in (0.3, 1.0, 2.5):
        tally = priority.Tally(hits=4, base=10)
        tally.add_cells([(factor, 1, 6), (factor, 3, 4)])
        assert tally.weighted_share() == pytest.approx(tally.share()) == pytest.approx(40.0)
        assert tally.effective_n == pytest.approx(10.0)
        assert tally.weighted_share_se() == pytest.approx(tally.share_se())
        assert tally.share_se() == pytest.approx(math.sqrt(0.4 * 0.6 / 10) * 100)


def test_unequal_weights_shrink_the_effective_n_of_a_matrix_share() -> None:
    """Cells of 5 respondents weighing 2 (3 concerned) and 4 weighing 0.5 (1 concerned):
    weighted share 6.5 / 12, Kish effective n 12² / (4·5 + 0.25·4) = 6.86, and the
    standard error rests on that n, not on the 9 respondents."""
    tally = priority.Tally(hits=4, base=9)
    tally.add_cells([(2.0, 3, 5), (0.5, 1, 4)])
    assert tally.weighted_share() == pytest.approx(6.5 / 12 * 100)
    assert tally.effective_n == pytest.approx(144 / 21)
    p = 6.5 / 12
    assert tally.weighted_share_se() == pytest.approx(math.sqrt(p * (1 - p) / (144 / 21)) * 100)
    assert priority.Tally().weighted_share() is None
    assert priority.Tally().weighted_share_se() is None
    assert priority.Tally().effective_n == 0.0


def test_partner_importance_is_a_mean_with_its_sample_standard_error() -> None:
    """Answers 1, 2, 3 and 4 on the importance scale: mean 2.5, standard error the
    sample standard deviation (divisor n - 1) over the square root of n; one answer
    has a mean but no standard error, none has neither."""
    answers = [1, 2, 3, 4]
    tally = priority.Tally(
        base=len(answers), total=sum(answers), squares=sum(a * a for a in answers)
    )
    assert tally.mean() == 2.5
    assert tally.mean_se() == pytest.approx(statistics.stdev(answers) / math.sqrt(4))
    one = priority.Tally(base=1, total=3, squares=9)
    assert one.mean() == 3 and one.mean_se() is None
    assert priority.Tally().mean() is None and priority.Tally().share() is None
