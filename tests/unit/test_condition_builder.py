"""The condition pickers hold every condition a survey file can say: a
condition read into the tree and written back is the same condition
(up to a group of one part and a double negation), the form's fields
give the same tree back (numbers typed for a number question as well as
answers chosen from lists), and the add and remove buttons change only
the node they name."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest
import yaml

from survey.definitions.condition_builder import (
    Clause,
    Group,
    TypedReader,
    apply,
    from_condition,
    from_form,
    nodes,
    problems,
    to_condition,
    typed_readers,
)
from survey.definitions.definition import build_definition
from survey.definitions.validation import validate_definition

DEFAULTS = Path(__file__).resolve().parents[2] / "survey" / "definitions" / "default_surveys"

CONDITIONS: list[Any] = [
    {"question": "a", "equals": 1},
    {"question": "a", "in": [1, 2, 9]},
    {"question": "m.rij", "answered": True},
    {"not": {"question": "a", "in": [3]}},
    {"any": [{"question": "a", "equals": 1}, {"not": {"question": "b", "answered": True}}]},
    {
        "all": [
            {"question": "a", "in": [1, 2]},
            {"not": {"any": [{"question": "b", "equals": "ja"}, {"question": "c", "equals": 2}]}},
        ]
    },
]


def default_conditions() -> list[Any]:
    found = []
    for path in sorted(DEFAULTS.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [q["show_if"] for p in raw["pages"] for q in p["questions"] if "show_if" in q]
    return found


@pytest.mark.parametrize("condition", CONDITIONS + default_conditions())
def test_a_condition_comes_back_from_the_pickers_as_it_was(condition: Any) -> None:
    tree = from_condition(condition)
    assert tree is not None
    assert to_condition(tree) == condition


def form_of(
    tree: Group, typed: Collection[str] = ()
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The fields the condition page renders for ``tree`` (answers as
    ``question=code``; the values of a question of ``typed`` written in
    its numbers field, separated by commas), as a browser posts them."""
    single: dict[str, str] = {}
    multiple: dict[str, list[str]] = {}
    for node_id, node in nodes(tree):
        if isinstance(node, Group):
            if node_id != "c":
                single[f"{node_id}-type"] = "group"
            single[f"{node_id}-kind"] = node.kind
            if node.negated:
                single[f"{node_id}-not"] = "y"
        else:
            single[f"{node_id}-type"] = "test"
            single[f"{node_id}-question"] = node.question
            single[f"{node_id}-operator"] = node.operator
            if node.question in typed:
                single[f"{node_id}-numbers"] = ", ".join(str(v) for v in node.values)
                continue
            answers = [f"{node.question}={v}" for v in node.values]
            if node.operator in ("in", "not_in"):
                multiple[f"{node_id}-values"] = answers
            elif answers:
                single[f"{node_id}-value"] = answers[0]
    return single, multiple


@pytest.mark.parametrize("condition", CONDITIONS)
def test_the_posted_form_holds_the_same_tree(condition: Any) -> None:
    tree = from_condition(condition)
    assert tree is not None
    single, multiple = form_of(tree)
    posted = from_form(single.get, lambda name: multiple.get(name, []))
    assert to_condition(posted) == condition


def test_an_answer_of_another_question_stays_as_posted_for_the_validator() -> None:
    single = {"c-0-type": "test", "c-0-question": "a", "c-0-operator": "equals"}
    single["c-0-value"] = "b=3"
    posted = from_form(single.get, lambda name: [])
    assert to_condition(posted) == {"question": "a", "equals": "b=3"}


def test_buttons_add_and_remove_parts_of_the_group_they_name() -> None:
    tree = Group(parts=[Clause("a", "equals", [1])])
    assert apply(tree, "add-group:c")
    assert apply(tree, "add-test:c-1")
    assert [node_id for node_id, _node in nodes(tree)] == ["c", "c-0", "c-1", "c-1-0", "c-1-1"]
    assert apply(tree, "remove:c-1-0")
    assert [node_id for node_id, _node in nodes(tree)] == ["c", "c-0", "c-1", "c-1-0"]
    # Not the root, not a test as a group, not a part that is not there.
    assert not apply(tree, "remove:c")
    assert not apply(tree, "add-test:c-0")
    assert not apply(tree, "remove:c-7")
    assert not apply(tree, "explode:c")


def test_empty_tests_and_groups_are_left_out_and_nothing_is_always() -> None:
    assert to_condition(Group()) is None
    assert to_condition(Group(parts=[Clause(), Group(parts=[Clause()])])) is None
    tree = Group("any", False, [Clause(), Clause("a", "answered"), Group(parts=[Clause()])])
    assert to_condition(tree) == {"question": "a", "answered": True}


def test_a_shape_the_pickers_cannot_show_is_said_to_be_so() -> None:
    assert from_condition({"question": "a"}) is None
    assert from_condition(["a"]) is None
    assert from_condition(None) == Group()


# --- numbers typed for a number question ---------------------------------------------

SURVEY: dict[str, Any] = {
    "format": 1,
    "key": "getallen",
    "consultation": "getallen",
    "audience": "citizen",
    "access": "open",
    "languages": ["nl"],
    "title": {"nl": "Getallen"},
    "pages": [
        {
            "key": "een",
            "title": {"nl": "Een"},
            "questions": [
                {
                    "key": "a",
                    "type": "single",
                    "text": {"nl": "A?"},
                    "options": [{"code": c, "label": {"nl": f"A{c}"}} for c in (1, 2, 9)],
                },
                {"key": "leeftijd", "type": "number", "min": 15, "max": 110, "text": {"nl": "?"}},
                {"key": "afstand", "type": "number", "decimals": 1, "text": {"nl": "Km?"}},
                {"key": "z", "type": "text", "text": {"nl": "Z?"}},
            ],
        }
    ],
}

NUMBER_CONDITIONS: list[Any] = [
    {"question": "leeftijd", "equals": 15},
    {"not": {"question": "leeftijd", "equals": 110}},
    {"question": "leeftijd", "in": [15, 16, 17]},
    {"not": {"question": "afstand", "in": [1.5, 2, -0.5]}},
    {"question": "leeftijd", "answered": True},
    {"any": [{"question": "a", "in": [1, 2]}, {"question": "leeftijd", "equals": 40}]},
]


def readers() -> dict[str, TypedReader]:
    return typed_readers(build_definition(SURVEY), {"a", "leeftijd", "afstand"})


def with_condition(condition: Any) -> dict[str, Any]:
    raw = {**SURVEY, "pages": [dict(SURVEY["pages"][0])]}
    questions = [dict(q) for q in raw["pages"][0]["questions"]]
    questions[-1]["show_if"] = condition
    raw["pages"][0]["questions"] = questions
    return raw


def test_only_number_questions_have_their_values_typed() -> None:
    assert sorted(readers()) == ["afstand", "leeftijd"]


@pytest.mark.parametrize("condition", NUMBER_CONDITIONS)
def test_a_number_condition_comes_back_from_the_typed_field(condition: Any) -> None:
    # A condition the survey file allows...
    assert validate_definition(with_condition(condition)).problems == []
    tree = from_condition(condition)
    assert tree is not None
    assert to_condition(tree) == condition
    # ...comes back the same from the form the page renders for it.
    single, multiple = form_of(tree, typed={"leeftijd", "afstand"})
    posted = from_form(single.get, lambda name: multiple.get(name, []), readers())
    assert problems(posted) == []
    assert to_condition(posted) == condition


def posted_test(question: str, operator: str, typed: str) -> Group:
    single = {"c-0-type": "test", "c-0-question": question, "c-0-operator": operator}
    single["c-0-numbers"] = typed
    return from_form(single.get, lambda name: [], readers())


@pytest.mark.parametrize(
    ("question", "operator", "typed", "values"),
    [
        ("leeftijd", "equals", " 16 ", [16]),
        ("leeftijd", "in", "15,16, 17", [15, 16, 17]),
        ("leeftijd", "not_in", "15\r\n16\n\n17; 18", [15, 16, 17, 18]),
        ("afstand", "in", "1,5, 2\n0.5", [1.5, 2, 0.5]),
        ("afstand", "equals", "2,5", [2.5]),
        # Answered or not: the typed field is not read.
        ("leeftijd", "answered", "vijftien", []),
    ],
)
def test_numbers_are_read_as_a_resident_types_them(
    question: str, operator: str, typed: str, values: list[Any]
) -> None:
    tree = posted_test(question, operator, typed)
    assert problems(tree) == []
    test = tree.parts[0]
    assert isinstance(test, Clause)
    assert test.values == values
    assert test.typed == typed


@pytest.mark.parametrize(
    ("operator", "typed", "message"),
    [
        ("equals", "vijftien", "Enter a number, for example 42."),
        ("equals", "15.5", "Enter a whole number, without decimals."),
        # A whole number has no decimal comma: the comma separates two numbers.
        ("equals", "15,5", "Enter one number; to test several, choose 'is one of'."),
        ("in", "15, 16.5", "Enter a whole number, without decimals."),
        ("in", "14, 15", "Enter a number from 15 to 110."),
        ("not_equals", "111", "Enter a number from 15 to 110."),
        ("in", " , \n", "Enter at least one number."),
        ("equals", "", "Enter a number."),
        ("equals", "15, 16", "Enter one number; to test several, choose 'is one of'."),
    ],
)
def test_a_typed_number_that_cannot_be_tested_is_a_problem_beside_its_field(
    operator: str, typed: str, message: str
) -> None:
    tree = posted_test("leeftijd", operator, typed)
    assert problems(tree) == [("c-0-numbers", message)]
    # The text comes back as typed, to be corrected.
    test = tree.parts[0]
    assert isinstance(test, Clause)
    assert test.typed == typed
