"""The condition pickers hold every condition a survey file can say: a
condition read into the tree and written back is the same condition
(up to a group of one part and a double negation), the form's fields
give the same tree back, and the add and remove buttons change only the
node they name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from survey.definitions.condition_builder import (
    Clause,
    Group,
    apply,
    from_condition,
    from_form,
    nodes,
    to_condition,
)

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


def form_of(tree: Group) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The fields the condition page renders for ``tree`` (answers as
    ``question=code``), as a browser posts them."""
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
