"""Storing survey definitions: import (new survey or new draft version) and
export back to YAML.

The stored ``Survey.definition`` is the validated file itself, so an export
re-imports to the same survey. Questions, options and variables are derived
rows, rebuilt when a draft gets a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from survey.definitions.definition import build_definition
from survey.definitions.loader import dump_definition
from survey.definitions.problems import Problem, lines
from survey.definitions.validation import validate_definition
from survey.extensions import DbSession
from survey.models import (
    Consultation,
    Phenomenon,
    Question,
    QuestionOption,
    Survey,
    SurveyState,
    Variable,
)


class ImportRefused(Exception):
    """The definition cannot be stored; ``issues`` lists why (as English
    lines ``path: message`` in ``problems``)."""

    def __init__(self, issues: list[Problem]) -> None:
        super().__init__("; ".join(lines(issues)))
        self.issues = issues

    @property
    def problems(self) -> list[str]:
        """Why, as English lines ``path: message``."""
        return lines(self.issues)


@dataclass
class ImportResult:
    """The stored survey, and whether the import created it (False: a new
    version of the draft with the same key)."""

    survey: Survey
    created: bool


def import_survey(session: DbSession, raw: Any) -> ImportResult:
    """Store a new survey, or a new version of a draft survey with the same
    key. Raises ``ImportRefused`` when the definition is invalid, the survey
    is no longer a draft, or it would move to another consultation. Flushes;
    the caller commits."""
    result = validate_definition(raw)
    if not result.ok or result.definition is None:
        raise ImportRefused(result.issues)
    definition = result.definition
    consultation = _consultation(session, definition)
    survey = session.scalar(select(Survey).where(Survey.key == definition["key"]))
    created = survey is None
    if survey is None:
        survey = Survey(
            key=definition["key"],
            consultation=consultation,
            audience=definition["audience"],
            access=definition["access"],
            definition=definition,
            version=1,
            state=SurveyState.DRAFT,
        )
        session.add(survey)
    else:
        if survey.state is not SurveyState.DRAFT:
            raise ImportRefused(
                [Problem("key", "not_a_draft", {"key": survey.key, "state": survey.state.value})]
            )
        if survey.consultation_id != consultation.id:
            raise ImportRefused(
                [Problem("consultation", "other_consultation", {"key": survey.key})]
            )
        session.execute(delete(Variable).where(Variable.survey_id == survey.id))
        session.execute(delete(Question).where(Question.survey_id == survey.id))
        session.expire(survey, ["questions", "variables"])
        survey.definition = definition
        survey.audience = definition["audience"]
        survey.access = definition["access"]
        survey.version += 1
    session.flush()
    _derive_rows(session, survey)
    return ImportResult(survey=survey, created=created)


def _consultation(session: DbSession, definition: dict[str, Any]) -> Consultation:
    consultation = session.scalar(
        select(Consultation).where(Consultation.key == definition["consultation"])
    )
    if consultation is None:
        consultation = Consultation(
            key=definition["consultation"], title=definition["consultation"]
        )
        session.add(consultation)
        session.flush()
    known = {p.key for p in consultation.phenomena}
    for item in definition.get("phenomena", []):
        if item["key"] not in known:
            consultation.phenomena.append(
                Phenomenon(
                    key=item["key"],
                    label=item["label"],
                    federal_priority=bool(item.get("federal_priority", False)),
                    position=len(consultation.phenomena),
                )
            )
            known.add(item["key"])
    return consultation


def _derive_rows(session: DbSession, survey: Survey) -> None:
    view = build_definition(survey.definition)
    var_position = 0
    for question_def in view.questions:
        question = Question(
            survey_id=survey.id,
            key=question_def.key,
            type=question_def.type,
            page_key=question_def.page_key,
            position=question_def.position,
            measure=question_def.measure,
            dimension=question_def.dimension,
            required=question_def.required,
            config={
                k: v
                for k, v in question_def.spec.items()
                if k not in {"key", "type", "text", "help", "options", "rows", "show_if"}
            },
        )
        question.options = [
            QuestionOption(
                code=o.code,
                label=o.label,
                missing=o.missing,
                phenomenon=o.phenomenon,
                position=i,
            )
            for i, o in enumerate(question_def.options)
        ]
        session.add(question)
        session.flush()
        for spec in question_def.variables():
            session.add(
                Variable(
                    survey_id=survey.id,
                    question_id=question.id,
                    name=spec.name,
                    row_key=spec.row_key,
                    rank=spec.rank,
                    phenomenon=spec.phenomenon,
                    position=var_position,
                )
            )
            var_position += 1
    session.flush()


def export_yaml(survey: Survey) -> str:
    """The survey's definition as a survey file."""
    return dump_definition(survey.definition)


def find_survey(session: DbSession, key: str) -> Survey | None:
    """The survey with ``key``, or None."""
    return session.scalar(select(Survey).where(Survey.key == key))
