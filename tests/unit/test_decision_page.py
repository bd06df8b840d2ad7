"""The decision page a council member reads first: one line of evidence per
proposal in whole percentages, the rule stated once, and what could change
the proposals."""

from __future__ import annotations

from typing import Any

from survey.reporting.decision import crosses_boundary, decision_page

RULE = {
    "priority_max_rank": 3,
    "priority_min_score": 0.6,
    "attention_max_rank": 6,
    "attention_min_score": 0.4,
}


def phenomenon(label: str, rank: int, proposal_key: str, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "phenomenon": label.lower(),
        "label": label,
        "federal_priority": False,
        "estimate_indicators": {"concern": 27.43, "priority": 40.48, "importance": 4.0},
        "estimate_ci95": {"concern": [25.03, 29.97], "priority": [37.81, 43.21]},
        "bases": {"concern": 1437, "priority": 1448, "importance": 6},
        "score": 0.5,
        "rank": rank,
        "rank_interval": [rank, rank],
        "proposal": {"priority": "prioriteit", "attention": "aandachtspunt"}.get(
            proposal_key, "basiszorg"
        ),
        "proposal_key": proposal_key,
    }
    entry.update(extra)
    return entry


def model(*priorities: dict[str, Any], stable: bool = True) -> dict[str, Any]:
    return {
        "base_rules": {"hidden_below": 30, "unreliable_below": 100},
        "priorities": list(priorities),
        "priority_method": {
            "estimates": "weighted",
            "label_rule": RULE,
            "sensitivity": {"top": 5, "delta": 0.2, "stable": stable},
        },
    }


def test_a_mayor_reads_whole_percentages_with_their_interval(app_ctx: object) -> None:
    page = decision_page(
        model(
            phenomenon(
                "Drugs",
                1,
                "priority",
                objective={"value": 468, "trend_percent": 14.15, "trend_note": None},
            )
        )
    )
    (row,) = page["rows"]
    assert row["evidence"]["concern"] == "27 % (25 - 30 %)"
    assert row["evidence"]["priority"] == "40 % (37 - 44 %)"
    assert row["evidence"]["importance"] == "4,0"
    assert row["evidence"]["facts"] == "468 (+14 %)"
    assert "gewogen" in page["estimates"]


def test_the_rule_is_stated_once_with_its_thresholds(app_ctx: object) -> None:
    page = decision_page(model(phenomenon("Drugs", 1, "priority")))
    assert "top 3" in page["rule"] and "0,6" in page["rule"]
    assert "top 6" in page["rule"] and "0,4" in page["rule"]


def test_hidden_and_thin_shares_are_not_quoted(app_ctx: object) -> None:
    hidden = phenomenon("Fraude", 2, "attention", suppressed_indicators=["concern"])
    thin = phenomenon("Geweld", 3, "attention", bases={"concern": 12, "priority": 1448})
    rows = decision_page(model(hidden, thin))["rows"]
    assert rows[0]["evidence"]["concern"] == "x"
    assert rows[1]["evidence"]["concern"] == "-"
    assert rows[1]["evidence"]["priority"].startswith("40 %")


def test_basic_care_is_one_line_and_boundary_crossers_are_uncertain(app_ctx: object) -> None:
    page = decision_page(
        model(
            phenomenon("Drugs", 1, "priority"),
            phenomenon("Milieu", 5, "attention", rank_interval=[3, 7]),
            phenomenon("Radicalisering", 9, "basic"),
            stable=False,
        )
    )
    assert [r["label"] for r in page["rows"]] == ["Drugs", "Milieu"]
    assert [r["uncertain"] for r in page["rows"]] == [False, True]
    assert page["basic"] == ["Radicalisering"]
    assert "Milieu (rang 3 tot 7)" in page["sensitivity"][0]
    assert "top 5 verandert" in page["sensitivity"][1]


def test_a_rank_interval_is_uncertain_only_across_a_boundary() -> None:
    assert crosses_boundary([2, 5], RULE)  # could leave the top 3
    assert crosses_boundary([6, 7], RULE)  # could leave the top 6
    assert not crosses_boundary([4, 6], RULE)
    assert not crosses_boundary([7, 10], RULE)
    assert not crosses_boundary(None, RULE)
