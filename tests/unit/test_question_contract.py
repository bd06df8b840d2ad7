"""One contract for every question type in the registry (forms-runner's
shared examples): each type, given its specimen (a question and an answer
to it), keeps its answer through the response file, the answer rows and
its own form partial, checks every one of its keys in a survey file, reads
its answer aloud, summarises answers into a table of a kind the writers
and the report schema know, and turns its settings into an editor form and
back. A type in the registry without a specimen here fails."""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from disclosure_reports import Unweighted
from flask import Flask, render_template_string
from formtools import _Parser
from jsonschema import Draft202012Validator
from report_schema import SCHEMA
from support import ROOT
from werkzeug.datastructures import MultiDict

from survey.analysis.disclosure import protect
from survey.analysis.inputs import CrossCounts, SummaryContext
from survey.analysis.tables import (
    HIDDEN,
    Category,
    GridTable,
    Summary,
)
from survey.answering.pages import field_id
from survey.definitions.definition import QuestionDef, RowDef, build_definition
from survey.definitions.validation import validate_definition
from survey.questions import REGISTRY
from survey.questions.base import CellError, StoredAnswer
from survey.questions.date import MonthTable
from survey.questions.editor import form_for
from survey.reporting.xlsx_writer import QUESTION_SHEETS
from survey.responses.csv_export import _csv_cell

FREQ = [
    {"code": 1, "label": {"nl": "Nooit", "fr": "Jamais"}},
    {"code": 2, "label": {"nl": "Soms"}},
    {"code": 3, "label": {"nl": "Vaak"}},
    {"code": 9, "label": {"nl": "Weet niet"}, "missing": True},
]
EARLIER = {
    "key": "eerder",
    "type": "single",
    "text": {"nl": "Eerder?"},
    "options": [{"code": 1, "label": {"nl": "Ja"}}, {"code": 2, "label": {"nl": "Nee"}}],
}

# A question of each type (canonical: no key with its default value) and an
# answer to it that checks clean.
SPECIMENS: dict[str, tuple[dict[str, Any], Any]] = {
    "single": (
        {
            "key": "slachtoffer",
            "type": "single",
            "text": {"nl": "Was u slachtoffer?", "fr": "Avez-vous été victime ?"},
            "help": {"nl": "De voorbije 12 maanden."},
            "required": True,
            "measure": "victimisation",
            "dimension": "groep",
            "options": [
                {"code": 1, "label": {"nl": "Ja"}},
                {"code": 2, "label": {"nl": "Nee"}},
                {"code": 9, "label": {"nl": "Weet niet"}, "missing": True},
            ],
        },
        2,
    ),
    "scale": (
        {
            "key": "overlast",
            "type": "scale",
            "text": {"nl": "Hoe vaak is er overlast?"},
            "show_if": {"question": "eerder", "equals": 1},
            "measure": "concern",
            "concern_codes": [3],
            "scale": "freq",
        },
        3,
    ),
    "multiple": (
        {
            "key": "vervoer",
            "type": "multiple",
            "text": {"nl": "Hoe verplaatst u zich?"},
            "max": 2,
            "measure": "priority",
            "options": [
                {"code": 1, "label": {"nl": "Te voet"}, "phenomenon": "drugs"},
                {"code": 2, "label": {"nl": "Fiets"}},
                {"code": 3, "label": {"nl": "Auto"}},
                {"code": 4, "label": {"nl": "Geen van deze"}, "exclusive": True},
            ],
        },
        [1, 3],
    ),
    "matrix": (
        {
            "key": "problemen",
            "type": "matrix",
            "text": {"nl": "Hoe vaak komen deze problemen voor?"},
            "required": True,
            "measure": "concern",
            "concern_codes": [3],
            "scale": "freq",
            "rows": [
                {"key": "lawaai", "label": {"nl": "Lawaai"}},
                {"key": "drugs", "label": {"nl": "Drugsoverlast"}, "phenomenon": "drugs"},
            ],
        },
        {"lawaai": 1, "drugs": 9},
    ),
    "ranking": (
        {
            "key": "top",
            "type": "ranking",
            "choose": 2,
            "text": {"nl": "Wat eerst?"},
            "show_if": {"any": [{"question": "eerder", "answered": True}]},
            "options": [
                {"code": 1, "label": {"nl": "Drugs"}, "phenomenon": "drugs"},
                {"code": 2, "label": {"nl": "Verkeer"}},
                {"code": 3, "label": {"nl": "Inbraak"}},
            ],
        },
        [3, 1],
    ),
    "number": (
        {
            "key": "afstand",
            "type": "number",
            "text": {"nl": "Hoe ver woont u van uw werk?"},
            "min": 0,
            "max": 120.5,
            "decimals": 1,
            "unit": {"nl": "km", "fr": "km"},
            "bands": {"dimension": "afstand", "edges": [0, 5, 20.5]},
        },
        12.5,
    ),
    "text": (
        {
            "key": "opmerking",
            "type": "text",
            "text": {"nl": "Wilt u nog iets kwijt?"},
            "long": True,
            "max_length": 300,
        },
        "Meer licht in de straat.\nEn minder lawaai.",
    ),
    "date": (
        {
            "key": "wanneer",
            "type": "date",
            "text": {"nl": "Wanneer gebeurde het?", "fr": "Quand ?"},
            "required": True,
            "min": "2020-01-01",
            "max": "2026-12-31",
        },
        "2026-03-27",
    ),
}

TYPES = list(REGISTRY)
BAD_VALUE = {"wrong": [1, 2]}
"""A value no key of any type accepts."""


def survey_of(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "format": 1,
        "key": "contract-test",
        "consultation": "contract-test",
        "audience": "citizen",
        "access": "open",
        "languages": ["nl", "fr"],
        "title": {"nl": "Contract"},
        "phenomena": [{"key": "drugs", "label": {"nl": "Drugs"}}],
        "scales": {"freq": FREQ},
        "pages": [
            {"key": "een", "title": {"nl": "Een"}, "questions": [EARLIER, dict(spec)]},
        ],
    }


@pytest.fixture(params=TYPES)
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def specimen(name: str) -> tuple[dict[str, Any], Any]:
    assert name in SPECIMENS, f"question type {name!r} has no specimen in this contract"
    spec, answer = SPECIMENS[name]
    return copy.deepcopy(spec), copy.deepcopy(answer)


@pytest.fixture
def question(specimen: tuple[dict[str, Any], Any]) -> QuestionDef:
    spec, _answer = specimen
    return build_definition(survey_of(spec)).question(spec["key"])


@pytest.fixture
def answer(specimen: tuple[dict[str, Any], Any]) -> Any:
    return specimen[1]


# --- rules: the survey file ---------------------------------------------------------------


def test_the_specimen_is_a_valid_question(specimen: tuple[dict[str, Any], Any]) -> None:
    assert validate_definition(survey_of(specimen[0])).problems == []


def test_every_own_key_is_checked(name: str, specimen: tuple[dict[str, Any], Any]) -> None:
    """A nonsense value under any key of the type refuses the file, with a
    problem at that key or at the question."""
    spec = specimen[0]
    path = "pages[0].questions[1]"
    for key in sorted(REGISTRY[name].keys):
        broken = {**spec, key: BAD_VALUE}
        problems = validate_definition(survey_of(broken)).problems
        assert problems, f"{name}.{key}: {BAD_VALUE} passed"
        assert any(p.startswith((f"{path}.{key}", f"{path}:")) for p in problems), problems


def test_a_key_of_no_type_is_refused(specimen: tuple[dict[str, Any], Any]) -> None:
    problems = validate_definition(survey_of({**specimen[0], "colour": "red"})).problems
    assert problems == ["pages[0].questions[1].colour: is not a known key"]


def test_equals_on_the_question_is_checked_or_refused(question: QuestionDef) -> None:
    """A condition that compares the question's answer with a value it can
    never hold is refused."""
    later = {"key": "later", "type": "text", "text": {"nl": "?"}}
    later["show_if"] = {"question": question.key, "equals": "nonsense"}
    raw = survey_of(question.spec)
    raw["pages"][0]["questions"].append(later)
    assert validate_definition(raw).problems


# --- input: the response file and the form -----------------------------------------------


def _as_csv(cells: Mapping[str, Any]) -> dict[str, str]:
    # The export hands numbers to the CSV writer as numbers (only texts are
    # neutralised); the file holds their str().
    return {name: str(_csv_cell(value)) for name, value in cells.items()}


def test_an_answer_survives_the_response_file(question: QuestionDef, answer: Any) -> None:
    qtype = question.qtype
    cells = qtype.to_cells(question, answer)
    assert list(cells) == qtype.column_names(question)
    assert qtype.from_cells(question, _as_csv(cells)) == answer
    empty = _as_csv(qtype.to_cells(question, qtype.empty(question)))
    assert set(empty.values()) == {""}
    assert not qtype.is_answered(question, qtype.from_cells(question, empty))


def test_columns_are_the_cells_with_labels(question: QuestionDef) -> None:
    columns = question.qtype.columns(question, "nl")
    assert [c.name for c in columns] == question.qtype.column_names(question)
    for column in columns:
        assert column.label.startswith(question.text["nl"])
        assert column.measure in {"nominal", "ordinal", "scale"}
        assert len(column.missing) <= 3


def test_an_answer_survives_its_answer_rows(question: QuestionDef, answer: Any) -> None:
    qtype = question.qtype
    specs = {v.name: v for v in qtype.variables(question)}
    for value in (answer, qtype.empty(question)):
        rows = qtype.answer_rows(question, value)
        assert rows, "a shown question stores at least one row"
        assert {row.variable for row in rows} <= set(specs)
        stored = [StoredAnswer(specs[r.variable], r.code, r.number, r.text) for r in rows]
        again = qtype.from_rows(question, stored)
        assert again == value or not (
            qtype.is_answered(question, again) or qtype.is_answered(question, value)
        )


def test_the_specimen_checks_clean_and_a_missing_required_answer_does_not(
    question: QuestionDef, answer: Any
) -> None:
    from dataclasses import replace

    qtype = question.qtype
    assert qtype.check(question, answer) == []
    required = replace(question, spec={**question.spec, "required": True})
    problems = qtype.check(required, qtype.empty(question))
    assert problems
    fields = {question.key, *qtype.column_names(question), qtype.first_field(question)}
    assert {name for name, _message in problems} <= fields


def _render(app: Flask, question: QuestionDef, value: Any, errors: Any = None) -> str:
    with app.test_request_context():
        return render_template_string(
            '{% import "questions/_question.html" as q %}'
            '<form method="post" action="/x">{{ q.render(question, value, errors, "nl") }}</form>',
            question=question,
            value=value,
            errors=errors,
        )


def _posted(html: str) -> MultiDict[str, str]:
    parser = _Parser()
    parser.feed(html)
    return MultiDict(parser.forms[0].data())


def test_the_partial_renders_the_answer_and_posts_it_back(
    app: Flask, question: QuestionDef, answer: Any
) -> None:
    """What a browser sends for the rendered partial reads as the answer;
    the error link of the whole question points at an input of it."""
    html = _render(app, question, answer)
    assert question.qtype.from_form(question, _posted(html)) == answer
    assert f'id="{field_id(question.qtype.first_field(question))}"' in html
    empty = question.qtype.from_form(question, _posted(_render(app, question, None)))
    assert not question.qtype.is_answered(question, empty)


def test_errors_show_at_their_field(app: Flask, question: QuestionDef) -> None:
    field = question.qtype.first_field(question)
    html = _render(app, question, None, {field: ["Kijk dit na."]})
    assert f'id="e-{field_id(field)}"' in html and "Kijk dit na." in html


def test_unreadable_fields_are_shown_again(app: Flask, question: QuestionDef) -> None:
    """Nonsense in every field is refused with a message about a field of
    the question, or dropped; the page shows what can be shown again."""
    names = {question.key, *question.qtype.column_names(question)}
    html = _render(app, question, None)
    form = _posted(html)
    garbage = MultiDict([(name, "x\u00a0?") for name in {*form.keys(), *names}])
    try:
        question.qtype.from_form(question, garbage)
    except CellError as exc:
        assert exc.field.partition(".")[0] == question.key
    shown = question.qtype.tolerant(question, garbage)
    assert _render(app, question, shown, {question.key: ["?"]})


# --- display and conditions --------------------------------------------------------------------


def test_the_answer_reads_as_lines(app: Flask, question: QuestionDef, answer: Any) -> None:
    with app.test_request_context():
        for language in ("nl", "fr"):
            lines = question.qtype.answer_lines(question, answer, language)
            assert lines and all(isinstance(line, str) and line for line in lines)


def test_conditions_see_the_answer(question: QuestionDef, answer: Any) -> None:
    qtype = question.qtype
    assert qtype.is_answered(question, answer)
    assert not qtype.is_answered(question, qtype.empty(question))
    json.dumps(qtype.browser_value(question, answer))
    assert qtype.browser_answered in {"any", "all"}


# --- summary --------------------------------------------------------------------------------


class Figures(Unweighted):
    """``SurveyFigures`` over a few answers of one question, counted from
    the answer rows its type writes (every answer shown)."""

    def __init__(self, question: QuestionDef, answers: Sequence[Any]) -> None:
        self.question = question
        self.rows = [question.qtype.answer_rows(question, a) for a in answers]

    def _of(self, variable: str) -> list[list[Any]]:
        return [[r for r in rows if r.variable == variable] for rows in self.rows]

    def has(self, variable: str) -> bool:
        return any(self._of(variable))

    def counts(self, variable: str) -> Mapping[int | None, int]:
        return Counter(r.code for rows in self._of(variable) for r in rows)

    def respondents(self, variable: str) -> tuple[int, int]:
        per = [rows for rows in self._of(variable) if rows]
        valid = [rows for rows in per if any(r.code in self.question.valid_codes for r in rows)]
        return len(valid), len(per)

    def numbers(self, variable: str) -> Sequence[tuple[float, int]]:
        found = Counter(
            r.number for rows in self._of(variable) for r in rows if r.number is not None
        )
        return sorted(found.items())

    def crosstabs(self, variable: str) -> Sequence[CrossCounts]:
        return []


def _question_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft202012Validator({"$ref": "#/$defs/question", "$defs": schema["$defs"]})


def _answers(question: QuestionDef, answer: Any, n: int) -> Iterator[Any]:
    sampler = Sampler(random.Random(n))
    for index in range(n):
        yield answer if index % 3 == 0 else question.qtype.sample(question, sampler)


def test_the_summary_is_a_table_the_report_knows(
    app: Flask, question: QuestionDef, answer: Any
) -> None:
    """Its JSON follows the report schema before and after disclosure
    control, and every writer can show its kind."""
    validator = _question_validator()
    with app.app_context():
        for n in (0, 4, 60):
            summary = question.qtype.summary(
                question,
                Figures(question, list(_answers(question, answer, n))),
                SummaryContext("nl"),
            )
            for table in (summary.table, protect(summary, 10).table):
                entry = {
                    "key": question.key,
                    "type": question.type,
                    "page": "een",
                    "page_title": "Een",
                    "text": question.text["nl"],
                    **table.to_json(),
                }
                errors = [e.message[:200] for e in validator.iter_errors(entry)]
                assert not errors, errors
    kind = summary.table.kind
    assert kind in QUESTION_SHEETS or isinstance(summary.table, GridTable)
    template = (ROOT / "reports" / "input_report.html").read_text(encoding="utf-8")
    assert (
        f'q.kind == "{kind}"' in template or (ROOT / "reports" / "tables" / f"{kind}.html").exists()
    )


def test_a_date_question_lays_out_a_hidden_month_apart_from_figures_it_cannot_show(
    app: Flask,
) -> None:
    """The spreadsheet writes its mark only where disclosure hid a figure, and
    leaves a cell empty where there is nothing to show: 28 answers are too few
    for percentages, so March shows its 15 and empty cells; February (1 answer)
    and January (12, its complement) are hidden, months and figures alike."""
    months = (Category(202601, "januari", 12), Category(202602, "februari", 1))
    months += (Category(202603, "maart", 15),)
    table = protect(Summary(MonthTable(months, valid=28, missing=2)), 3).table
    assert isinstance(table, GridTable)
    with app.test_request_context():
        grid = table.grid()
    january, february, march = (row[1:] for row in grid.rows)
    assert january == february == (HIDDEN, HIDDEN, HIDDEN, HIDDEN)
    assert march == (15, None, None, None)
    assert HIDDEN not in march


# --- editor ----------------------------------------------------------------------------------


def _form_data(form: Any) -> MultiDict[str, str]:
    """What a browser posts for the form's fields."""
    out: MultiDict[str, str] = MultiDict()

    def walk(field: Any) -> None:
        if field.type in ("FormField", "FieldList"):
            for sub in field:
                walk(sub)
        elif field.type == "BooleanField":
            if field.data:
                out.add(field.name, "y")
        elif field.type == "SelectField":
            out.add(field.name, field.data or "")
        elif field.type not in ("CSRFTokenField", "SubmitField"):
            out.add(field.name, field._value())

    for field in form:
        walk(field)
    return out


def test_the_editor_form_gives_the_definition_back(
    app: Flask, name: str, specimen: tuple[dict[str, Any], Any]
) -> None:
    spec = specimen[0]
    qtype = REGISTRY[name]
    with app.test_request_context():
        form = form_for(qtype, spec, meta={"csrf": False})
        assert form.definition() == spec
        posted = form_for(qtype, {}, formdata=_form_data(form), meta={"csrf": False})
        assert posted.validate(), posted.errors
        assert posted.definition() == spec


# --- demo ------------------------------------------------------------------------------------


class Sampler:
    """A respondent without preferences."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def code(self, question: QuestionDef, row: RowDef | None = None) -> int | None:
        return self.rng.choice(sorted(question.codes))

    def weights(self, question: QuestionDef) -> dict[int, float]:
        return {o.code: 1.0 for o in question.options}

    def rank_weights(self, question: QuestionDef) -> dict[int, float]:
        return self.weights(question)

    def pick(self, weights: Mapping[int, float]) -> int:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def text(self, question: QuestionDef) -> str | None:
        return self.rng.choice(["Goed zo.", None])


def test_a_made_up_answer_checks_clean(question: QuestionDef) -> None:
    sampler = Sampler(random.Random(7))
    for _ in range(30):
        assert question.qtype.check(question, question.qtype.sample(question, sampler)) == []
