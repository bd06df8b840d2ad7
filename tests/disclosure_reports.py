"""Reports built in a test for the disclosure tests (``tests/unit/test_disclosure*.py``):
a survey's answers, listed in the test, go through the steps the report takes
(groups folded into the unknown column, the question types' tables,
``disclosure.protect_report``), and ``solvable`` reads the published figures
as a careful reader would (``disclosure_check``: linear programming over the
report JSON, written apart from the product's relations and audit)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from disclosure_check import recoverable

from survey.analysis.disclosure import (
    Protected,
    fold_groups,
    folded_groups,
    protect_report,
)
from survey.analysis.inputs import CrossCounts, CrossDimension, SummaryContext, WeightBase
from survey.analysis.model import WeightingSummary
from survey.analysis.tables import (
    UNKNOWN_COLUMN,
    Summary,
    TextThemes,
    WeightedCounts,
    WeightedNumbers,
)
from survey.definitions.definition import SurveyDefinition, build_definition
from survey.definitions.validation import validate_definition

Person = dict[str, Any]


def options(*codes: int, missing: int | None = 9) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [{"code": c, "label": {"nl": f"optie {c}"}} for c in codes]
    if missing is not None:
        found.append({"code": missing, "label": {"nl": "Weet niet"}, "missing": True})
    return found


DISTRICT = {
    "key": "wijk",
    "type": "single",
    "text": {"nl": "In welke wijk woont u?"},
    "dimension": "district",
    "options": options(1, 2, missing=None),
}


def survey(*questions: dict[str, Any]) -> SurveyDefinition:
    raw = {
        "format": 1,
        "key": "disclosure-test",
        "consultation": "disclosure-test",
        "audience": "citizen",
        "access": "open",
        "languages": ["nl"],
        "title": {"nl": "Disclosure"},
        "phenomena": [
            {"key": "drugs", "label": {"nl": "Drugs"}},
            {"key": "inbraak", "label": {"nl": "Inbraak"}},
        ],
        "scales": {"freq": options(1, 2, 3), "yes_no": options(1, 2)},
        "pages": [{"key": "een", "title": {"nl": "Een"}, "questions": list(questions)}],
    }
    assert validate_definition(raw).problems == []
    return build_definition(raw)


def people(*groups: tuple[int, Person]) -> list[Person]:
    """``n`` respondents giving these answers, for each ``(n, answers)``."""
    return [dict(answers) for n, answers in groups for _ in range(n)]


class Unweighted:
    """The weighted half of ``SurveyFigures`` for an unweighted report: no
    weighted tally, no weighted numbers (the fakes of the tests inherit it)."""

    def weighted(
        self, variables: Sequence[str], valid_codes: Collection[int], base: WeightBase = "answers"
    ) -> WeightedCounts | None:
        return None

    def weighted_numbers(self, variable: str) -> WeightedNumbers | None:
        return None


class Answers(Unweighted):
    """``SurveyFigures`` counted from the answers of a list of respondents
    (a respondent shown a question has its key, with None for no answer),
    cross-tabbed by the dimensions' questions as the database does: a
    respondent without a valid group is in the unknown column, and a
    dimension's own question has no cross-tab by itself. ``"mode"`` holds a
    respondent's response mode when the report cross-tabs by mode."""

    def __init__(
        self, definition: SurveyDefinition, answers: Sequence[Person], modes: bool = False
    ) -> None:
        self.definition = definition
        self.answers = answers
        self.dimensions = {
            q.spec["dimension"]: q for q in definition.questions if q.spec.get("dimension")
        }
        self.modes = modes

    def _rows(self, person: Person, variable: str) -> list[Any]:
        question = self.definition.question(variable.split(".")[0])
        if question.key not in person:
            return []
        rows = question.qtype.answer_rows(question, person[question.key])
        return [r for r in rows if r.variable == variable]

    def _valid(self, person: Person, variable: str) -> bool:
        question = self.definition.question(variable.split(".")[0])
        return any(r.code in question.valid_codes for r in self._rows(person, variable))

    def has(self, variable: str) -> bool:
        return any(self._rows(p, variable) for p in self.answers)

    def counts(self, variable: str) -> Mapping[int | None, int]:
        return Counter(r.code for p in self.answers for r in self._rows(p, variable))

    def respondents(self, variable: str) -> tuple[int, int]:
        shown = [p for p in self.answers if self._rows(p, variable)]
        return sum(1 for p in shown if self._valid(p, variable)), len(shown)

    def numbers(self, variable: str) -> Sequence[tuple[float, int]]:
        found = Counter(
            r.number for p in self.answers for r in self._rows(p, variable) if r.number is not None
        )
        return sorted(found.items())

    def group_counts(self) -> dict[str, dict[Any, int]]:
        """Per dimension, respondents per group (per mode: responses)."""
        found: dict[str, dict[Any, int]] = {}
        for name, question in self.dimensions.items():
            groups = question.dimension_codes("nl").valid
            counted = Counter(p.get(question.key) for p in self.answers)
            found[name] = {code: counted.get(code, 0) for code in groups}
        if self.modes:
            found["mode"] = dict(Counter(p["mode"] for p in self.answers))
        return found

    def crosstabs(self, variable: str) -> Sequence[CrossCounts]:
        own = variable.split(".")[0]
        found = []
        groups_of: list[tuple[str, tuple[Any, ...], Mapping[Any, str], Any]] = []
        for name, question in self.dimensions.items():
            if question.key == own:
                continue
            codes = question.dimension_codes("nl")
            groups_of.append((name, tuple(codes.valid), codes.labels, question.key))
        if self.modes:
            modes = tuple(sorted({p["mode"] for p in self.answers}))
            groups_of.append(("mode", modes, {m: m for m in modes}, "mode"))
        for name, columns, labels, source in groups_of:
            counts: Counter[tuple[int | None, Any]] = Counter()
            respondents: Counter[Any] = Counter()
            for person in self.answers:
                group = person.get(source)
                group = group if group in columns else UNKNOWN_COLUMN
                for row in self._rows(person, variable):
                    counts[(row.code, group)] += 1
                if self._valid(person, variable):
                    respondents[group] += 1
            found.append(CrossCounts(CrossDimension(name, columns, labels), counts, respondents))
        return found


def report(
    definition: SurveyDefinition,
    answers: Sequence[Person],
    threshold: int = 10,
    *,
    themes: TextThemes | None = None,
    weighting: WeightingSummary | None = None,
    modes: bool = False,
) -> Protected:
    """The report's disclosure steps (``report._protect``) over these answers."""
    counted = Answers(definition, answers, modes)
    figures = fold_groups(counted, folded_groups(counted.group_counts(), len(answers), threshold))
    questions = [
        (q, q.qtype.summary(q, figures, SummaryContext("nl"))) for q in definition.questions
    ]
    by_mode = Counter(p["mode"] for p in answers) if modes else Counter({"web": len(answers)})
    return protect_report(
        questions,
        figures,
        free_text=themes or TextThemes(0, 0, ()),
        weighting=weighting,
        dimension_tables={name: (q.key, None) for name, q in counted.dimensions.items()},
        responses=len(answers),
        responses_by_mode=dict(by_mode),
        threshold=threshold,
    )


def published(
    definition: SurveyDefinition, protected: Protected, responses: int, threshold: int
) -> dict[str, Any]:
    """What the report JSON publishes of these tables (``Report.to_json``)."""
    questions = []
    for question, summary in zip(definition.questions, protected.summaries, strict=True):
        entry = {"key": question.key, "type": question.type, **summary.table.to_json()}
        if question.spec.get("dimension"):
            entry["dimension"] = question.spec["dimension"]
        questions.append(entry)
    return {
        "questions": questions,
        "crosstabs": [x.to_json() for s in protected.summaries for x in s.crosstabs],
        "responses": responses,
        "suppression_threshold": threshold,
        "free_text": protected.free_text.to_json(),
        "priorities": [],
    }


def solvable(
    definition: SurveyDefinition, protected: Protected, responses: int, threshold: int
) -> dict[Any, tuple[float, float]]:
    """Every hidden count a reader of the published figures pins to an
    interval narrower than the threshold (the independent attack)."""
    return recoverable(
        published(definition, protected, responses, threshold), threshold, definition.raw
    )


def hidden_cells(summary: Summary) -> dict[tuple[Any, Any], Any]:
    """(option, group) -> mark of every hidden cross-tab cell."""
    return {cell: mark for x in summary.crosstabs for cell, mark in x.cell_marks.items()}


def marks(summary: Summary) -> dict[int, Any]:
    """Option code -> mark of the question's own table."""
    return {c.code: c.mark for c in summary.table.categories}  # type: ignore[attr-defined]


HINDER = {
    "key": "hinder",
    "type": "single",
    "text": {"nl": "Hoe vaak heeft u last van lawaai?"},
    "options": options(1, 2, 3),
}


def in_district(district: int, *answers: tuple[int, int]) -> list[tuple[int, Person]]:
    """``(n, code)`` answers to ``hinder`` of respondents of one district."""
    return [(n, {"wijk": district, "hinder": code}) for n, code in answers]


VERVOER = {
    "key": "vervoer",
    "type": "multiple",
    "text": {"nl": "Hoe verplaatst u zich?"},
    "options": options(1, 2, 3, missing=None),
}


AGE_BANDS = {
    "key": "leeftijd",
    "type": "number",
    "text": {"nl": "Hoe oud bent u?"},
    "min": 0,
    "max": 120,
    "bands": {"dimension": "age", "edges": [16, 30, 65]},
}
