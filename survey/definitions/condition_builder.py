"""A ``show_if`` condition as the editor's pickers hold it: a tree of groups
(every / at least one of their parts, optionally negated) and tests (an
earlier question: is, is not, is one of, is none of, answered, not
answered), read from and written to the survey file's form
(docs/survey-file.md, "Conditions"), and from and to a posted form.

The form works without JavaScript: every node has an id (``c`` the root
group, ``c-0`` its first part, ``c-0-2`` the third part of that group);
its fields are named after it (``c-0-question``), and buttons that add a
test or a group to a group, or remove a part, post the whole tree with
``action`` (``add-test:c-0``, ``add-group:c``, ``remove:c-0-1``) so that the
page comes back with the change and nothing stored. The answers of a
choice question are chosen from lists; the values of a question whose type
has them typed (a number: ``typed_conditions``) are typed in one field
(``c-0-numbers``), read by the type, and a value it cannot read is a
problem beside that field, before anything is saved. What the tree says is
checked by the validator when it is saved, as any edit (conditions only
look back: a reference to a later question, or to the question itself,
is refused there).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from survey.definitions.definition import SurveyDefinition

ROOT = "c"
KINDS = ("all", "any")
OPERATORS = ("equals", "not_equals", "in", "not_in", "answered", "not_answered")
MAX_PARTS = 20
"""Parts of one group the form reads; more is a forged form."""

_WHOLE = re.compile(r"-?\d{1,6}")

TypedReader = Callable[[str, bool], list[Any]]
"""Reads the values typed for a test of one question: (text, several) ->
values; raises ValueError with the message for the planner."""


@dataclass
class Clause:
    """One test (a clause) of an earlier question (``question`` empty: not chosen
    yet, left out when saved). ``values`` holds the answer of is / is not
    and the answers of is one of / is none of. A test of a question whose
    values are typed keeps the text as typed (``typed``, shown again) and
    what is wrong with it (``problem``: nothing is saved then)."""

    question: str = ""
    operator: str = "equals"
    values: list[Any] = field(default_factory=list)
    typed: str | None = None
    problem: str = ""


@dataclass
class Group:
    """Parts that must all hold (``all``) or at least one (``any``); with
    ``negated``, the question is shown when that is not so."""

    kind: str = "all"
    negated: bool = False
    parts: list[Clause | Group] = field(default_factory=list)


Node = Clause | Group


def typed_readers(definition: SurveyDefinition, keys: Collection[str]) -> dict[str, TypedReader]:
    """The readers of the values typed for a test of each question of
    ``keys`` whose type has them typed (a number), by question key."""
    return {
        q.key: partial(q.qtype.condition_values, q)
        for q in definition.questions
        if q.key in keys and q.qtype.typed_conditions
    }


def typed_texts(
    definition: SurveyDefinition, keys: Collection[str], language: str
) -> dict[str, Callable[[list[Any]], str]]:
    """How the values of a test of each question of ``keys`` whose type
    has them typed are shown (as the planner types them, in ``language``),
    by question key: the inverse of ``typed_readers``."""
    return {
        q.key: partial(q.qtype.condition_text, q, language=language)
        for q in definition.questions
        if q.key in keys and q.qtype.typed_conditions
    }


# --- from and to the survey file -------------------------------------------------------


def from_condition(condition: Any) -> Group | None:
    """The tree of a ``show_if`` (an empty root group for none); None when
    the condition has a shape the pickers cannot show (not a valid one)."""
    if condition is None:
        return Group()
    try:
        node = _read(condition)
    except (KeyError, TypeError, ValueError):
        return None
    return node if isinstance(node, Group) else Group(parts=[node])


def _read(condition: Any) -> Node:
    if not isinstance(condition, dict):
        raise TypeError(condition)
    for kind in KINDS:
        if kind in condition:
            return Group(kind, False, [_read(part) for part in condition[kind]])
    if "not" in condition:
        return _negated(_read(condition["not"]))
    question = condition["question"]
    if not isinstance(question, str):
        raise TypeError(question)
    if "equals" in condition:
        return Clause(question, "equals", [condition["equals"]])
    if "in" in condition:
        return Clause(question, "in", list(condition["in"]))
    if "answered" in condition:
        return Clause(question, "answered" if condition["answered"] else "not_answered")
    raise ValueError(condition)


def _negated(node: Node) -> Node:
    if isinstance(node, Group):
        return Group(node.kind, not node.negated, node.parts)
    operator = node.operator
    flipped = operator.removeprefix("not_") if operator.startswith("not_") else f"not_{operator}"
    return Clause(node.question, flipped, node.values, node.typed, node.problem)


def to_condition(root: Group) -> dict[str, Any] | None:
    """The ``show_if`` of the tree: None when it tests nothing (the
    question is always shown). Tests without a question and empty groups
    are left out; a group of one part is that part."""
    return _write(root)


def _write(node: Node) -> dict[str, Any] | None:
    if isinstance(node, Clause):
        return _write_test(node)
    parts = [made for made in (_write(part) for part in node.parts) if made is not None]
    if not parts:
        return None
    made = parts[0] if len(parts) == 1 else {node.kind if node.kind in KINDS else "all": parts}
    return {"not": made} if node.negated else made


def _write_test(test: Clause) -> dict[str, Any] | None:
    if not test.question:
        return None
    operator = test.operator if test.operator in OPERATORS else "equals"
    positive = operator.removeprefix("not_")
    made: dict[str, Any] = {"question": test.question}
    if positive == "answered":
        made["answered"] = True
    elif positive == "in":
        made["in"] = list(test.values)
    else:
        made["equals"] = test.values[0] if test.values else None
    return {"not": made} if operator.startswith("not_") else made


# --- from and to the form ------------------------------------------------------------


def nodes(root: Group) -> Iterator[tuple[str, Node]]:
    """Every node of the tree with its id, the root first, depth first."""

    def walk(node: Node, node_id: str) -> Iterator[tuple[str, Node]]:
        yield node_id, node
        if isinstance(node, Group):
            for index, part in enumerate(node.parts):
                yield from walk(part, f"{node_id}-{index}")

    yield from walk(root, ROOT)


def _value(text: str, question: str) -> Any:
    """A posted answer of the test's ``question`` (the pickers list the
    answers of every earlier question as ``question=code``): its code (a
    whole number stays one). An answer of another question stays as posted, a value
    the validator refuses as no answer of the question tested."""
    key, sep, code = text.rpartition("=")
    if sep and key == question:
        return int(code) if _WHOLE.fullmatch(code) else code
    return text


def from_form(
    get: Callable[[str], str | None],
    get_all: Callable[[str], list[str]],
    typed: Mapping[str, TypedReader] | None = None,
) -> Group:
    """The tree a posted form holds (``get`` a field's value, ``get_all``
    a field's values; ``typed`` the readers of the questions whose values
    are typed, by question key). A node without its ``-type`` field ends
    its group's parts; a group reads at most ``MAX_PARTS`` parts, ten
    levels deep."""
    readers = typed or {}

    def group(node_id: str, depth: int) -> Group:
        kind = get(f"{node_id}-kind") or "all"
        made = Group(kind if kind in KINDS else "all", bool(get(f"{node_id}-not")), [])
        for index in range(MAX_PARTS):
            part_id = f"{node_id}-{index}"
            part_type = get(f"{part_id}-type")
            if part_type == "group" and depth < 10:
                made.parts.append(group(part_id, depth + 1))
            elif part_type == "test":
                made.parts.append(test(part_id))
            else:
                break
        return made

    def test(node_id: str) -> Clause:
        question = (get(f"{node_id}-question") or "").strip()
        operator = get(f"{node_id}-operator") or "equals"
        operator = operator if operator in OPERATORS else "equals"
        positive = operator.removeprefix("not_")
        reader = readers.get(question)
        if reader is not None:
            made = Clause(question, operator, [], get(f"{node_id}-numbers") or "")
            if positive != "answered":
                try:
                    made.values = reader(made.typed or "", positive == "in")
                except ValueError as exc:
                    made.problem = str(exc)
            return made
        if positive == "in":
            values = [_value(v, question) for v in get_all(f"{node_id}-values") if v]
        else:
            single = get(f"{node_id}-value") or ""
            values = [_value(single, question)] if single else []
        return Clause(question, operator, values)

    return group(ROOT, 0)


def problems(root: Group) -> list[tuple[str, str]]:
    """What is wrong with the typed values of the tree's tests: (the id of
    the field, the message), in the order of the form."""
    return [
        (f"{node_id}-numbers", node.problem)
        for node_id, node in nodes(root)
        if isinstance(node, Clause) and node.problem
    ]


def apply(root: Group, action: str) -> bool:
    """Change the tree as a button asks (``add-test:ID``, ``add-group:ID``
    with the id of a group, ``remove:ID`` of any part but the root);
    whether the action named a node it could change."""
    verb, _sep, node_id = action.partition(":")
    found = dict(nodes(root))
    target = found.get(node_id)
    if verb in ("add-test", "add-group") and isinstance(target, Group):
        target.parts.append(Clause() if verb == "add-test" else Group(parts=[Clause()]))
        return True
    if verb == "remove" and node_id != ROOT and node_id in found:
        parent_id, _dash, index = node_id.rpartition("-")
        parent = found.get(parent_id)
        if isinstance(parent, Group) and int(index) < len(parent.parts):
            del parent.parts[int(index)]
            return True
    return False
