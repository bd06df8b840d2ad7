"""Pure parts of the report: margins file, weighting of tallies, row-line
protection, free-text themes, the priority matrix assembly and the charts."""

from __future__ import annotations

import pytest

from survey.analysis import priority
from survey.analysis.report import (
    ReportError,
    ReportSettings,
    band_labels,
    free_text_themes,
    protect_rows,
    read_margins_csv,
    weigh,
)
from survey.definitions.definition import build_definition


def test_margins_csv_with_and_without_header() -> None:
    assert read_margins_csv("dimension,code,population\ndistrict,1,100\ndistrict,2,50\n") == {
        "district": {1: 100.0, 2: 50.0}
    }
    assert read_margins_csv("\ufeffsex,1,10\r\nsex,2,12\r\n\r\n") == {"sex": {1: 10.0, 2: 12.0}}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "no rows"),
        ("district,1\n", "line 1"),
        ("district,x,100\n", "line 1"),
        ("district,1,100\ndistrict,1,200\n", "line 2"),
        ("district,1,-5\n", "line 1"),
    ],
)
def test_margins_csv_problems_name_the_line(text: str, needle: str) -> None:
    with pytest.raises(ReportError, match=needle):
        read_margins_csv(text)


def test_weigh_uses_valid_codes_and_kish_n() -> None:
    weights = {(1,): 2.0, (2,): 0.5}
    rows = [((1,), 1, 3), ((1,), 2, 1), ((2,), 1, 4), ((2,), 9, 5), ((None,), 1, 7)]
    result = weigh(rows, frozenset({1, 2}), weights)
    # code 1: 3*2 + 4*0.5 = 8; code 2: 1*2 = 2; missing code 9 and the
    # unweighted cell (None,) are left out
    assert result.counts == {1: 8.0, 2: 2.0}
    assert result.total == 10.0
    # (sum w)^2 / sum w^2 over the 8 valid answers: (4*2 + 4*0.5)^2 / (4*4 + 4*0.25)
    assert result.effective_n == pytest.approx(100 / 17)
    assert result.percent(1) == 80.0


def test_weigh_with_respondent_base() -> None:
    weights = {(1,): 1.0}
    rows = [((1,), 1, 5), ((1,), 2, 5)]
    result = weigh(rows, frozenset({1, 2}), weights, base_rows=[((1,), 8)])
    assert result.total == 8.0
    assert result.percent(1) == 62.5


def test_protect_rows_never_leaves_one_hidden_entry() -> None:
    cells = {(1, "a"): 50, (1, "b"): 4, (1, "c"): 30, (2, "a"): 40, (2, "b"): 40, (2, "c"): 40}
    mask = protect_rows(cells, 10, set())
    assert mask.cells == {(1, "b"), (1, "c")}
    assert not mask.row_totals
    # a hidden overall count forces a hidden cell in a row that shows all
    mask = protect_rows(cells, 10, {2})
    assert (2, "a") in mask.cells
    assert 2 in mask.row_totals


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
    assert band_labels(definition.question("leeftijd")) == {
        1: "16-29",
        2: "30-44",
        3: "45-64",
        4: "65+",
    }


def test_free_text_themes_suppress_small_counts_and_quote_redacted(app_ctx: object) -> None:
    comments = [(i, "Er wordt hier veel te snel gereden door auto's.") for i in range(12)]
    comments += [(100, "Drugs dealers aan het station, bel 0470 12 34 56.")]
    comments += [(101, "   "), (102, "Alles is in orde hier.")]
    lexicon = {"verkeer": (r"snel", r"auto"), "drugs": (r"drug", r"deal")}
    result = free_text_themes(comments, lexicon, {"verkeer": "Verkeer"}, ReportSettings())
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
    rows = {p["phenomenon"]: p for p in result["priorities"]}
    assert {p["phenomenon"] for p in result["priorities"][:2]} == {"drugs", "verkeer"}
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
    assert result["priority_method"]["sensitivity"]["top"] == 5


def test_matrix_weights_from_the_consultation() -> None:
    weights, source = priority.matrix_weights({"concern": 2, "facts": 1, "bogus": 5, "trend": -1})
    assert source == "consultation"
    assert weights == {"concern": 2.0, "facts": 1.0}


def test_objective_figures_trend_against_previous_year() -> None:
    from survey.analysis.queries import IndicatorRow

    rows = [
        IndicatorRow("drugs", 2024, 400, "feiten", "barometer"),
        IndicatorRow("drugs", 2025, 500, "feiten", "barometer"),
        IndicatorRow("verkeer", 2025, 80, "feiten", "barometer"),
    ]
    result = priority.objective_figures(rows)
    assert result["drugs"]["year"] == 2025
    assert result["drugs"]["trend_percent"] == 25.0
    assert result["verkeer"]["trend_percent"] is None
