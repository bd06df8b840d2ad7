"""Each question type reads cells and form fields, checks values and names
its stored answer rows; show_if decides what is shown."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from survey.definitions.conditions import shown_questions
from survey.definitions.definition import build_definition
from survey.definitions.validation import validate_definition
from survey.questions.base import AnswerRow, CellError
from survey.questions.number import band_code

SCALE = [
    {"code": 1, "label": {"nl": "Nooit"}},
    {"code": 2, "label": {"nl": "Soms"}},
    {"code": 3, "label": {"nl": "Vaak"}},
    {"code": 9, "label": {"nl": "Weet niet"}, "missing": True},
]


@pytest.fixture(scope="module")
def definition() -> Any:
    raw = {
        "format": 1,
        "key": "types-test",
        "consultation": "zvp-test",
        "audience": "citizen",
        "access": "open",
        "languages": ["nl"],
        "title": {"nl": "Types"},
        "phenomena": [{"key": "drugs", "label": {"nl": "Drugs"}}],
        "scales": {"freq": SCALE},
        "pages": [
            {
                "key": "een",
                "title": {"nl": "Een"},
                "questions": [
                    {
                        "key": "single",
                        "type": "single",
                        "text": {"nl": "S"},
                        "scale": "freq",
                        "required": True,
                    },
                    {
                        "key": "grid",
                        "type": "matrix",
                        "text": {"nl": "M"},
                        "scale": "freq",
                        "rows": [
                            {"key": "a", "label": {"nl": "A"}},
                            {"key": "b", "label": {"nl": "B"}},
                        ],
                    },
                    {
                        "key": "multi",
                        "type": "multiple",
                        "text": {"nl": "Mu"},
                        "max": 2,
                        "options": [
                            {"code": 1, "label": {"nl": "X"}},
                            {"code": 2, "label": {"nl": "Y"}},
                            {"code": 3, "label": {"nl": "Z"}},
                            {"code": 4, "label": {"nl": "Geen"}, "exclusive": True},
                        ],
                    },
                    {
                        "key": "rank",
                        "type": "ranking",
                        "choose": 2,
                        "text": {"nl": "R"},
                        "options": [
                            {"code": 1, "label": {"nl": "X"}},
                            {"code": 2, "label": {"nl": "Y"}},
                            {"code": 3, "label": {"nl": "Z"}},
                        ],
                    },
                ],
            },
            {
                "key": "twee",
                "title": {"nl": "Twee"},
                "questions": [
                    {
                        "key": "age",
                        "type": "number",
                        "min": 16,
                        "max": 110,
                        "text": {"nl": "Leeftijd"},
                        "bands": {"dimension": "age", "edges": [16, 30, 45, 65]},
                    },
                    {"key": "note", "type": "text", "max_length": 10, "text": {"nl": "Opmerking"}},
                    {
                        "key": "followup",
                        "type": "single",
                        "text": {"nl": "Vervolg"},
                        "scale": "freq",
                        "required": True,
                        "show_if": {"question": "grid.a", "equals": 3},
                    },
                ],
            },
        ],
    }
    assert validate_definition(raw).problems == []
    return build_definition(raw)


def test_single_reads_codes_and_refuses_other_text(definition) -> None:
    q = definition.question("single")
    assert q.qtype.from_cells(q, {"single": " 2 "}) == 2
    assert q.qtype.from_cells(q, {"single": ""}) is None
    with pytest.raises(CellError):
        q.qtype.from_cells(q, {"single": "２"})
    assert q.qtype.check(q, 7) and q.qtype.check(q, None)
    assert q.qtype.check(q, 9) == []


def test_duplicate_form_field_is_refused(definition) -> None:
    q = definition.question("single")
    with pytest.raises(CellError):
        q.qtype.from_form(q, MultiDict([("single", "1"), ("single", "2")]))


def test_matrix_rows_are_variables(definition) -> None:
    q = definition.question("grid")
    assert [v.name for v in q.variables()] == ["grid.a", "grid.b"]
    value = q.qtype.from_cells(q, {"grid.a": "3", "grid.b": ""})
    assert value == {"a": 3, "b": None}
    assert q.qtype.answer_rows(q, value) == [AnswerRow("grid.a", code=3), AnswerRow("grid.b")]


def test_multiple_respects_max_and_exclusive(definition) -> None:
    q = definition.question("multi")
    value = q.qtype.from_cells(q, {"multi.1": "1", "multi.2": "0", "multi.3": "1", "multi.4": ""})
    assert value == [1, 3]
    assert q.qtype.check(q, value) == []
    assert q.qtype.check(q, [1, 2, 3])  # more than max
    assert q.qtype.check(q, [1, 4])  # exclusive combined
    assert q.qtype.to_cells(q, [3]) == {"multi.1": 0, "multi.2": 0, "multi.3": 1, "multi.4": 0}
    assert q.qtype.answer_rows(q, [1, 3]) == [
        AnswerRow("multi", code=1),
        AnswerRow("multi", code=3),
    ]
    with pytest.raises(CellError):
        q.qtype.from_cells(q, {"multi.1": "2"})


def test_multiple_stores_one_empty_row_alone_or_one_row_per_code(definition) -> None:
    """The report counts a multiple-choice question's valid respondents as
    its shown respondents minus its rows with code NULL
    (``queries._respondents``): that holds because an empty answer is one
    row with code NULL and nothing else, and a chosen code is never NULL."""
    q = definition.question("multi")
    for empty in (None, []):
        assert q.qtype.answer_rows(q, empty) == [AnswerRow("multi")]
    for value in ([1], [1, 3], [4]):
        rows = q.qtype.answer_rows(q, value)
        assert [row.code for row in rows] == value
        assert all(row.code is not None for row in rows)


def test_ranking_refuses_repeats_and_gaps(definition) -> None:
    q = definition.question("rank")
    assert q.qtype.from_cells(q, {"rank.1": "2", "rank.2": "1"}) == [2, 1]
    assert q.qtype.check(q, [2, 2])
    gap = q.qtype.from_cells(q, {"rank.1": "", "rank.2": "1"})
    assert q.qtype.check(q, gap)
    assert q.qtype.answer_rows(q, [3]) == [AnswerRow("rank.1", code=3), AnswerRow("rank.2")]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("42", 42), (" 42 ", 42), ("４２", 42), ("42,0", 42)],
)
def test_number_accepts_what_people_type(definition, typed: str, expected: int) -> None:
    q = definition.question("age")
    assert q.qtype.from_cells(q, {"age": typed}) == expected


@pytest.mark.parametrize("typed", ["NaN", "inf", "1e3", "42.5", "veertig", "--1", "0x20"])
def test_number_refuses_odd_input(definition, typed: str) -> None:
    q = definition.question("age")
    with pytest.raises(CellError):
        q.qtype.from_cells(q, {"age": typed})


def test_number_bands_and_limits(definition) -> None:
    q = definition.question("age")
    assert q.qtype.check(q, 15) and q.qtype.check(q, 111)
    assert q.qtype.answer_rows(q, 47) == [AnswerRow("age", code=3, number=47.0)]
    assert [band_code([16, 30, 45, 65], v) for v in (16, 29, 30, 64, 65, 99, 10)] == [
        1,
        1,
        2,
        3,
        4,
        4,
        None,
    ]


def test_text_is_cleaned_and_limited(definition) -> None:
    q = definition.question("note")
    assert q.qtype.from_cells(q, {"note": "  hallo\r\nwereld \x07"}) == "hallo\nwereld"
    assert q.qtype.check(q, "x" * 11)
    with pytest.raises(CellError):
        q.qtype.from_cells(q, {"note": "a\x00b"})
    assert q.qtype.answer_rows(q, "hoi") == [AnswerRow("note", code=1, text="hoi")]


def test_show_if_on_a_matrix_row(definition) -> None:
    shown, kept = shown_questions(definition, {"grid": {"a": 3}, "followup": 1})
    assert "followup" in [q.key for q in shown]
    shown, kept = shown_questions(definition, {"grid": {"a": 1}, "followup": 1})
    assert "followup" not in [q.key for q in shown]
    assert "followup" not in kept


def test_check_values_refuses_answers_to_hidden_questions(definition) -> None:
    from survey.responses.checking import check_values

    values = {"single": 1, "grid": {"a": 1, "b": 2}, "followup": 2}
    _shown, kept, problems = check_values(definition, values)
    assert [p[0] for p in problems] == ["followup"]
    _shown, kept, problems = check_values(definition, values, hidden_is_error=False)
    assert problems == [] and "followup" not in kept


@pytest.mark.parametrize(
    ("limits", "day", "message"),
    [
        ({"min": "2024-01-01"}, "2023-12-31", "Enter 1 1 2024 or a later date."),
        ({"max": "2026-12-31"}, "2027-01-01", "Enter 31 12 2026 or an earlier date."),
        (
            {"min": "2024-01-01", "max": "2026-12-31"},
            "2027-01-01",
            "Enter a date from 1 1 2024 to 31 12 2026.",
        ),
        ({"min": "2024-01-01"}, "2024-01-01", None),
    ],
)
def test_a_day_outside_its_limits_is_named_with_them(
    limits: dict[str, str], day: str, message: str | None
) -> None:
    raw = {
        "format": 1,
        "key": "dag-test",
        "consultation": "dag-test",
        "audience": "citizen",
        "access": "open",
        "languages": ["nl"],
        "title": {"nl": "Dag"},
        "pages": [
            {
                "key": "een",
                "title": {"nl": "Een"},
                "questions": [{"key": "dag", "type": "date", "text": {"nl": "?"}, **limits}],
            }
        ],
    }
    assert validate_definition(raw).problems == []
    question = build_definition(raw).question("dag")
    problems = question.qtype.check(question, day)
    assert [(name, str(text)) for name, text in problems] == (
        [("dag.day", message)] if message else []
    )


@pytest.mark.parametrize(
    ("limits", "number", "message"),
    [
        ({"min": 15}, 14, "Enter 15 or a larger number."),
        ({"max": 110}, 111, "Enter 110 or a smaller number."),
        ({"min": 15, "max": 110}, 111, "Enter a number from 15 to 110."),
        ({"min": 15}, 15, None),
    ],
)
def test_a_number_outside_its_limits_is_named_with_the_limits_it_has(
    limits: dict[str, int], number: int, message: str | None
) -> None:
    raw = {
        "format": 1,
        "key": "getal-test",
        "consultation": "getal-test",
        "audience": "citizen",
        "access": "open",
        "languages": ["nl"],
        "title": {"nl": "Getal"},
        "pages": [
            {
                "key": "een",
                "title": {"nl": "Een"},
                "questions": [{"key": "n", "type": "number", "text": {"nl": "?"}, **limits}],
            }
        ],
    }
    assert validate_definition(raw).problems == []
    question = build_definition(raw).question("n")
    problems = question.qtype.check(question, number)
    assert [(name, str(text)) for name, text in problems] == ([("n", message)] if message else [])
