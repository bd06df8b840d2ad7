"""A new question type is one module and one form partial: a throwaway
type defined here (``stars``, one to five stars) and its partial, written
to a folder of its own, go through a resident's page, the check page, the
response file and the input report without any other module knowing it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
import yaml
from flask import Flask
from flask_babel import lazy_gettext as _l
from formtools import Page
from jinja2 import ChoiceLoader, FileSystemLoader
from resident_flow import start, submit
from support import import_file
from wtforms import IntegerField
from wtforms.validators import Optional

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.tables import CategoricalTable, Category, Summary
from survey.questions import register, unregister
from survey.questions.base import AnswerRow, CellError, Problem, QuestionType
from survey.questions.editor import QuestionForm, Spec, put_setting

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker

# --- the one module --------------------------------------------------------------------------


class StarsForm(QuestionForm):
    stars = IntegerField(_l("Stars"), validators=[Optional()])

    @classmethod
    def fill(cls, spec: Spec) -> Spec:
        return {**super().fill(spec), "stars": spec.get("stars")}

    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        put_setting(spec, "stars", self.stars.data)


class Stars(QuestionType):
    """One to ``stars`` stars (default 5); stored as the number of stars."""

    name = "stars"
    keys: ClassVar[frozenset[str]] = frozenset({"stars"})
    uses_options = False
    editor = StarsForm

    @staticmethod
    def most(question: QuestionDef) -> int:
        return int(question.spec.get("stars", 5))

    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        if "stars" in spec:
            checker.integer(spec["stars"], f"{path}.stars", minimum=2, maximum=10)

    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> int | None:
        raw = cells.get(question.key, "").strip()
        if not raw:
            return None
        if not raw.isdigit() or not 1 <= int(raw) <= self.most(question):
            raise CellError(question.key, "Give a number of stars.")
        return int(raw)

    def check(self, question: QuestionDef, value: Any) -> list[Problem]:
        if value is None and question.required:
            return [(question.key, "Give a number of stars.")]
        return []

    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        return [AnswerRow(question.key, code=value)]

    def answer_lines(self, question: QuestionDef, value: Any, language: str) -> list[str]:
        return ["★" * value]

    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        counts = figures.counts(question.key)
        stars = range(1, self.most(question) + 1)
        valid = sum(counts.get(n, 0) for n in stars)
        return Summary(
            CategoricalTable(
                tuple(Category(n, "★" * n, counts.get(n, 0)) for n in stars),
                valid=valid,
                missing=sum(counts.values()) - valid,
                weighted=figures.weighted([question.key], list(stars)),
            )
        )


# --- the one partial --------------------------------------------------------------------------

PARTIAL = """{% import "questions/_parts.html" as p %}
{% macro render(question, value, errors, lang) -%}
{% call p.question_fieldset(question, errors, lang) %}
  {{ p.error(errors, question.key) }}
  {% for n in range(1, (question.spec.stars or 5) + 1) %}
  <input type="radio" id="{{ p.fid(question.key) }}{{ '' if loop.first else '-' ~ n }}"
         name="{{ question.key }}" value="{{ n }}"{% if value == n %} checked{% endif %}>
  <label for="{{ p.fid(question.key) }}{{ '' if loop.first else '-' ~ n }}">{{ n }} ★</label>
  {% endfor %}
{%- endcall %}
{%- endmacro %}
"""

KEY = "sterren-test"
SURVEY = {
    "format": 1,
    "key": KEY,
    "consultation": KEY,
    "audience": "citizen",
    "access": "open",
    "languages": ["nl"],
    "title": {"nl": "Uw oordeel"},
    "pages": [
        {
            "key": "oordeel",
            "title": {"nl": "Uw oordeel"},
            "questions": [
                {
                    "key": "sterren",
                    "type": "stars",
                    "stars": 5,
                    "required": True,
                    "text": {"nl": "Hoeveel sterren geeft u de wijkagent?"},
                }
            ],
        }
    ],
}


@pytest.fixture
def stars(app: Flask, tmp_path: Path) -> Iterator[str]:
    """The type registered and its partial findable, for this test only."""
    folder = tmp_path / "templates" / "questions"
    folder.mkdir(parents=True)
    (folder / "stars.html").write_text(PARTIAL, encoding="utf-8")
    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([loader, FileSystemLoader(str(tmp_path / "templates"))])
    register(Stars())
    try:
        path = tmp_path / "sterren.yaml"
        path.write_text(yaml.safe_dump(SURVEY, allow_unicode=True), encoding="utf-8")
        yield import_file(app, path)
    finally:
        unregister("stars")
        app.jinja_env.loader = loader


def test_a_new_type_goes_from_the_page_to_the_report(
    app: Flask, client: Any, runner: Any, stars: str, tmp_path: Path
) -> None:
    page = Page(start(client, stars))
    assert "4 ★" in page.text
    posted = page.form().set("sterren", "4").submit(client)
    assert posted.status_code == 302, Page(posted).text[:500]
    check = client.get(posted.location)
    assert "★★★★" in Page(check).text
    submit(client, check)

    lines = ["sterren", *(["5"] * 29), "3"]
    data = tmp_path / "import.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert runner.invoke(args=["responses", "import", stars, str(data)]).exit_code == 0

    out = tmp_path / "export.csv"
    assert runner.invoke(args=["responses", "export", stars, "--out", str(out)]).exit_code == 0
    exported = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert sorted(row["sterren"] for row in exported) == sorted(["4", "3", *(["5"] * 29)])

    report = tmp_path / "report"
    for fmt in ("json", "html", "xlsx"):
        result = runner.invoke(
            args=["report", "build", stars, "--format", fmt, "--out", f"{report}.{fmt}"]
        )
        assert result.exit_code == 0, result.output
    question = json.loads(Path(f"{report}.json").read_text())["questions"][0]
    assert question["type"] == "stars" and question["valid"] == 31
    counts = {o["label"]: o["count"] for o in question["options"]}
    assert counts["★★★★"] is None and counts["★★★"] is None  # 1 each: suppressed
    # With valid = 31 published, the two hidden ones add up to 2: each would
    # be known within 0 .. 2, so the 29 is hidden as their complement.
    assert counts["★★★★★"] is None
    assert 'id="q-sterren"' in Path(f"{report}.html").read_text(encoding="utf-8")
