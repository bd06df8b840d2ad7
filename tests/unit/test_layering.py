"""The layers of survey/, read from its imports: value objects at the
floor, the question types on them, one module with database access,
responses below the analysis, and no import circles."""

from __future__ import annotations

import ast
from pathlib import Path

from support import ROOT

FLOOR = {
    "survey.analysis.estimates",
    "survey.analysis.tables",
    "survey.analysis.inputs",
    "survey.analysis.model",
    "survey.analysis.intervals",
    "survey.analysis.suppression",
    "survey.analysis.ordering",
    "survey.analysis.fieldwork_facts",
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "survey").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def imports(name: str, *, typing_too: bool = False) -> set[str]:
    """The modules ``name`` imports (survey's and others), without those
    under ``if TYPE_CHECKING:`` unless ``typing_too``."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    skipped: set[int] = set()
    if not typing_too:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped.update(id(n) for statement in node.body for n in ast.walk(statement))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return found


def survey_imports(name: str) -> set[str]:
    return {m for m in imports(name) if m in MODULES and m != name}


def test_the_floor_imports_only_the_floor() -> None:
    """Typed tables and their inputs import nothing from the definitions, the
    report or the database: a question type can build its table from them."""
    for name in FLOOR:
        assert survey_imports(name) <= FLOOR, name
        assert not {m for m in imports(name) if m.split(".")[0] == "sqlalchemy"}, name


QUESTION_TYPES = {name for name in MODULES if name.startswith("survey.questions")}


def test_question_types_stand_on_the_floor_and_use_the_definitions_for_their_types_only() -> None:
    """A question type builds its table from the value objects and never
    imports the definitions (which look the types up), the report or the
    database; it names ``QuestionDef`` for its type hints only."""
    for name in QUESTION_TYPES:
        assert survey_imports(name) <= FLOOR | QUESTION_TYPES | {"survey.i18n"}, name
        assert not {m for m in imports(name) if m.split(".")[0] == "sqlalchemy"}, name
    assert "survey.definitions.definition" in imports("survey.questions.base", typing_too=True)


def test_only_the_aggregates_read_the_database() -> None:
    readers = {
        name
        for name in MODULES
        if name.startswith(("survey.analysis", "survey.reporting"))
        and any(m.split(".")[0] == "sqlalchemy" for m in imports(name))
    }
    assert readers == {"survey.analysis.aggregates"}


def test_responses_and_privacy_do_not_import_the_analysis() -> None:
    for name in MODULES:
        if name.startswith(("survey.responses", "survey.privacy")):
            assert not {m for m in survey_imports(name) if m.startswith("survey.analysis")}, name


def test_no_import_circles_in_survey() -> None:
    """Tarjan's strongly connected components over the imports of every
    module of survey/ (imports under ``if TYPE_CHECKING:`` never run and
    are left out): none has more than one module."""
    graph = {name: survey_imports(name) for name in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(component)

    for name in sorted(graph):
        if name not in index:
            visit(name)
    assert circles == []
