"""The key figures per municipality are read from the protected district
cross-tabs only (survey.analysis.municipalities): what a mayor sees is a sum
of published cells over a published base, and what the cross-tabs hide
stays hidden."""

from __future__ import annotations

from typing import Any

import pytest

from survey.analysis.model import KeyItem
from survey.analysis.municipalities import municipality_sections, zone_figures
from survey.analysis.tables import (
    COMPLEMENTARY,
    PRIMARY,
    UNKNOWN_COLUMN,
    CategoricalTable,
    Category,
    CrossColumn,
    CrossRow,
    CrossTable,
    PriorityRow,
)

CONCERN = KeyItem("verkeer", "concern", "problemen", "snelheid", "Te snel rijden", (3,))
VICTIM = KeyItem("inbraak", "victimisation", "slachtoffer", None, "Slachtoffer?", (1,))
UNSAFE = KeyItem(None, "unsafety", "onveilig", None, "Onveilig?", (1, 2))
GROUPS = [(1, "Noord"), (2, "Zuid"), (3, "Oost"), (4, "West")]


def _row(phenomenon: str, label: str, rank: int | None, proposal: str) -> PriorityRow:
    return PriorityRow(
        phenomenon=phenomenon,
        label=label,
        federal_priority=False,
        indicators={},
        estimate_indicators={},
        weighted_indicators=None,
        bases={},
        effective_bases=None,
        suppressed_indicators=(),
        objective=None,
        importance_by_sector={},
        partners=None,
        score=None,
        rank=rank,
        rank_interval=None,
        proposal=proposal,
        proposal_key=proposal,
        reason="",
    )


def _tab(item: KeyItem, cells: dict[tuple[int, Any], int], **marks: Any) -> CrossTable:
    columns = sorted({c for _code, c in cells}, key=lambda c: (c is None, c or 0))
    return CrossTable(
        question=item.question,
        question_text="?",
        question_type="single",
        measure=item.indicator,
        dimension="district",
        columns=tuple(CrossColumn(c, "?") for c in columns),
        options=tuple(CrossRow(code, str(code)) for code in sorted({k for k, _c in cells})),
        cells=cells,
        row=item.row,
        **marks,
    )


def _build(
    tabs: list[CrossTable],
    group_table: CategoricalTable | None = None,
    items: list[KeyItem] | None = None,
) -> Any:
    return municipality_sections(
        question="wijk",
        question_text="Wijk?",
        groups=GROUPS,
        group_table=group_table,
        items=[CONCERN, VICTIM] if items is None else items,
        crosstabs=tabs,
        priorities=[
            _row("verkeer", "Verkeer", 1, "priority"),
            _row("inbraak", "Inbraak", 2, "attention"),
            _row("drugs", "Drugs", 3, "basic"),
        ],
        design_effect=None,
    )


def _concern_tab(**marks: Any) -> CrossTable:
    # Noord: 40 of 120 say "often" (code 3); Zuid: 25 answers, too few to show.
    return _tab(
        CONCERN,
        {
            (1, 1): 30,
            (2, 1): 50,
            (3, 1): 40,
            (1, 2): 10,
            (2, 2): 5,
            (3, 2): 10,
            (1, UNKNOWN_COLUMN): 20,
            (2, UNKNOWN_COLUMN): 30,
            (3, UNKNOWN_COLUMN): 15,
        },
        **marks,
    )


def _victim_tab(**marks: Any) -> CrossTable:
    return _tab(
        VICTIM,
        {(1, 1): 4, (2, 1): 110, (1, 2): 12, (2, 2): 13, (1, None): 14, (2, None): 50},
        **marks,
    )


def _unsafe_tab(**marks: Any) -> CrossTable:
    # Noord: 9 "always", 21 "often", 50 "sometimes", 70 "never" of 150.
    return _tab(
        UNSAFE,
        {(1, 1): 9, (2, 1): 21, (3, 1): 50, (4, 1): 70}
        | {(1, 2): 1, (2, 2): 3, (3, 2): 9, (4, 2): 12},
        **marks,
    )


def test_a_figure_is_the_published_cells_over_the_published_base() -> None:
    noord = _build([_concern_tab(), _victim_tab()]).sections[0]
    assert noord.status == "shown"
    concern = noord.figures[0]
    assert (concern.item, concern.count, concern.base) == (CONCERN, 40, 120)
    assert concern.percent == pytest.approx(33.33)
    assert concern.ci95 is not None and concern.ci95[0] < 33.33 < concern.ci95[1]
    assert concern.base_flag == "ok"
    assert not concern.suppressed


def test_a_small_base_shows_no_percentage_but_is_not_a_hidden_cell() -> None:
    zuid = _build([_concern_tab(), _victim_tab()]).sections[1]
    assert zuid.status == "too_few"  # every figure on fewer than 30 answers
    assert zuid.figures == ()


def test_what_the_cross_tab_hides_stays_hidden() -> None:
    hidden_cell = _victim_tab(cell_marks={(1, 1): PRIMARY, (2, 1): COMPLEMENTARY})
    noord = _build([_concern_tab(), hidden_cell]).sections[0]
    victim = noord.figures[1]
    assert victim.suppressed
    assert (victim.count, victim.base, victim.percent, victim.ci95) == (None, None, None, None)
    assert victim.to_json()["estimate"] is None
    hidden_base = _concern_tab(column_marks={1: COMPLEMENTARY})
    concern = _build([hidden_base, _victim_tab()]).sections[0].figures[0]
    assert concern.suppressed and concern.count is None


def test_a_group_that_is_no_column_says_why() -> None:
    table = CategoricalTable(
        categories=(
            Category(1, "Noord", 130),
            Category(2, "Zuid", 25),
            Category(3, "Oost", 4, mark=PRIMARY),
            Category(4, "West", 12, mark=COMPLEMENTARY),
        ),
        valid=171,
        missing=0,
    )
    sections = _build([_concern_tab(), _victim_tab()], table).sections
    assert [(s.label, s.status) for s in sections] == [
        ("Noord", "shown"),
        ("Zuid", "too_few"),
        ("Oost", "too_few"),
        ("West", "protected"),
    ]


def test_only_the_proposed_phenomena_in_rank_order() -> None:
    drugs = KeyItem("drugs", "concern", "problemen", "drugs", "Drugs", (3,))
    tabs = [_victim_tab(), _concern_tab(), _tab(drugs, {(3, 1): 50, (1, 1): 70})]
    figures = _build(tabs).sections[0].figures
    # Drugs is basic police care: not among the key figures.
    assert [f.item.phenomenon for f in figures] == ["verkeer", "inbraak"]


def test_beside_each_figure_the_zone_as_the_question_table_shows_it() -> None:
    questions = [
        {
            "key": "problemen",
            "rows": [
                {
                    "key": "snelheid",
                    "options": [
                        {"code": 1, "estimate": 30.0, "suppressed": False},
                        {"code": 3, "estimate": 41.5, "suppressed": False},
                    ],
                }
            ],
        },
        {
            "key": "slachtoffer",
            "options": [
                {"code": 1, "estimate": None, "suppressed": True},
                {"code": 2, "estimate": None, "suppressed": True},
                {"code": 3, "estimate": 85.0, "suppressed": False},
                {"code": 9, "estimate": None, "suppressed": False, "missing": True},
            ],
        },
        {
            "key": "onveilig",
            "options": [
                {"code": 1, "estimate": None, "suppressed": True},
                {"code": 2, "estimate": None, "suppressed": True},
                {"code": 3, "estimate": 40.25, "suppressed": False},
                {"code": 4, "estimate": 51.5, "suppressed": False},
                {"code": 9, "estimate": None, "suppressed": False, "missing": True},
            ],
        },
    ]
    zone = zone_figures(questions)
    sections = municipality_sections(
        question="wijk",
        question_text="Wijk?",
        groups=GROUPS[:1],
        group_table=None,
        items=[CONCERN, VICTIM, UNSAFE],
        crosstabs=[_concern_tab(), _victim_tab(), _unsafe_tab()],
        priorities=[
            _row("verkeer", "Verkeer", 1, "priority"),
            _row("inbraak", "I", 2, "attention"),
        ],
        design_effect=None,
        zone=zone,
    ).sections
    unsafe, concern, victim = sections[0].figures
    assert concern.zone == 41.5
    # The zone's own table hides "yes" beside another hidden option: so
    # does the comparison.
    assert victim.zone is None
    assert concern.to_json()["zone_estimate"] == 41.5
    # "Always or often", both hidden, is what the other valid options leave
    # of 100 % (the missing "don't know" is outside the base).
    assert unsafe.zone == 8.25


def test_the_feeling_of_unsafety_comes_first_without_a_phenomenon() -> None:
    tabs = [_concern_tab(), _victim_tab(), _unsafe_tab()]
    items = [CONCERN, VICTIM, UNSAFE]
    figures = _build(tabs, items=items).sections[0].figures
    assert [(f.item.indicator, f.item.phenomenon) for f in figures] == [
        ("unsafety", None),
        ("concern", "verkeer"),
        ("victimisation", "inbraak"),
    ]
    unsafe = figures[0]
    assert (unsafe.count, unsafe.base, unsafe.percent) == (9 + 21, 150, 20.0)
    entry = unsafe.to_json()
    assert (entry["phenomenon"], entry["phenomenon_label"], entry["codes"]) == (None, None, [1, 2])


def test_a_small_always_and_its_complement_still_give_always_or_often() -> None:
    """ "Always" hidden as a small cell and "often" as its complement: their
    sum is the published base minus the published other cells, which every
    reader has, so the figure is shown; a hidden cell outside the codes
    beside one inside hides it."""
    marks = {(1, 1): PRIMARY, (2, 1): COMPLEMENTARY}
    shown = _build([_unsafe_tab(cell_marks=marks)], items=[UNSAFE]).sections[0].figures[0]
    assert not shown.suppressed
    assert (shown.count, shown.base) == (30, 150)
    mixed = {(1, 1): PRIMARY, (3, 1): COMPLEMENTARY}
    hidden = _build([_unsafe_tab(cell_marks=mixed)], items=[UNSAFE]).sections[0]
    assert hidden.status == "too_few" and hidden.figures == ()
    # Respondents' choices (a ranking, a multiple choice) do not add up to
    # the base: a hidden chosen count stays hidden.
    ranked = _build([_unsafe_tab(cell_marks=marks, column_valid={1: 150})], items=[UNSAFE])
    assert ranked.sections[0].status == "too_few"


def test_weighted_shares_lose_their_interval_where_the_report_withholds_the_weights() -> None:
    """A weighted interval's width gives its effective n, hence the design
    effect: where the weighting section withholds the weights' spread
    (a lone small group left out of the weighting), a municipality's
    weighted share is published without an interval, as every table's is."""
    weighted = {key: count * 1.5 for key, count in _concern_tab().cells.items()}
    tab = _concern_tab(weighted_cells=weighted)
    common: dict[str, Any] = {
        "question": "wijk",
        "question_text": "Wijk?",
        "groups": GROUPS,
        "group_table": None,
        "items": [CONCERN],
        "crosstabs": [tab],
        "priorities": [_row("verkeer", "Verkeer", 1, "priority")],
        "design_effect": 1.3,
    }
    shown = municipality_sections(**common).sections[0].figures[0].estimate
    assert shown.value == pytest.approx(33.33) and shown.ci95 is not None
    withheld = municipality_sections(**common, weighted_intervals=False).sections[0]
    estimate = withheld.figures[0].estimate
    assert estimate.value == pytest.approx(33.33) and estimate.ci95 is None


def test_a_municipality_too_small_for_a_percentage_is_told_too_few_not_protected() -> None:
    # Oost's 20 residents are published, but a column of 20 could show no
    # percentage: disclosure folds it into the unknown column, for its size.
    table = CategoricalTable(
        categories=(
            Category(1, "Noord", 130),
            Category(2, "Zuid", 25),
            Category(3, "Oost", 20),
            Category(4, "West", 12, mark=COMPLEMENTARY),
        ),
        valid=187,
        missing=0,
    )
    sections = _build([_concern_tab(), _victim_tab()], table).sections
    statuses = {s.label: s.status for s in sections}
    assert statuses["Oost"] == "too_few"
    # A hidden count's size is not told: still "protected", whatever it is.
    assert statuses["West"] == "protected"
