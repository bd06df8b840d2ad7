"""The validator's problems are data (path, code, values), and every code
is said in the planner's language from that data: a problem the
validator reports never reaches a planner as the English line, and a
reworded English message cannot slip past the Dutch one. The English
lines stay the survey file's contract."""

from __future__ import annotations

import string
from typing import Any

import pytest
from flask import Flask

from survey.definitions import explain as explain_module
from survey.definitions.explain import explain
from survey.definitions.problems import MESSAGES, Problem
from survey.definitions.validation import validate_definition


def sample(code: str) -> dict[str, Any]:
    """Values for every field the English message of ``code`` names."""
    names = [f for _t, f, _s, _c in string.Formatter().parse(MESSAGES[code]) if f]
    return {name: f"waarde_{name}" for name in names}


def test_every_problem_code_has_words_for_the_planner() -> None:
    assert set(explain_module._MESSAGES) == set(MESSAGES)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_problem_is_said_in_dutch_from_its_values(app: Flask, code: str) -> None:
    problem = Problem("pages[0].questions[0].max", code, sample(code))
    with app.test_request_context("/planner/"):
        said = explain({"pages": [{"key": "p", "title": {"nl": "Over u"}}]}, problem)
    assert said.message != problem.message, f"{code}: still in English"
    assert "%(" not in said.message and "{" not in said.message
    # The values the Dutch text names are the problem's, not the English line's.
    assert "waarde_" in said.message or not sample(code) or code in _WITHOUT_VALUES


# Codes whose Dutch words need none of the values the English line names
# (the English names the kind of a wrong value: "not text", "a list").
_WITHOUT_VALUES = {
    "not_mapping",
    "top_not_mapping",
    "not_list",
    "not_whole",
    "not_number",
    "not_boolean",
    "not_text",
    "text_not_string",
    "not_question_key",
    "only_answered",
}


def test_an_unknown_code_is_refused_where_it_is_made() -> None:
    with pytest.raises(KeyError):
        Problem("key", "no_such_problem")


def test_the_english_lines_of_the_file_contract_are_made_from_the_codes() -> None:
    result = validate_definition(
        {
            "format": 2,
            "key": "X",
            "consultation": "zvp-2026",
            "audience": "citizen",
            "access": "open",
            "languages": ["nl"],
            "title": {"nl": "T"},
            "pages": [],
        }
    )
    assert [(p.path, p.code) for p in result.issues] == [
        ("format", "unsupported_format"),
        ("key", "bad_identifier"),
        ("pages", "empty"),
    ]
    assert result.problems == [
        "format: 2 is not supported (use 1)",
        "key: 'X' must match [a-z0-9-]{3,64}",
        "pages: must not be empty",
    ]
