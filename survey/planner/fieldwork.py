"""Figures of the fieldwork dashboard, each one SQL GROUP BY: responses per
day and mode, completion of invitation codes, and representativeness of
the sample per demographic dimension against the consultation's
population margins (sample % vs population %, in percentage points).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, cast, func, select

from survey.definitions.definition import definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import (
    Answer,
    InvitationCode,
    PopulationMargin,
    Question,
    Response,
    Survey,
    Variable,
)

# The dimensions shown first, in this order; others follow by name.
DIMENSION_ORDER = ("district", "age", "sex")


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class GroupRow:
    code: int
    label: str
    sample: int
    sample_percent: float | None
    population: int | None
    population_percent: float | None

    @property
    def difference(self) -> float | None:
        """Sample minus population share, in percentage points."""
        if self.sample_percent is None or self.population_percent is None:
            return None
        return round(self.sample_percent - self.population_percent, 1)


@dataclass(frozen=True)
class DimensionTable:
    dimension: str
    question_key: str
    question_text: str
    answered: int
    rows: list[GroupRow]


@dataclass(frozen=True)
class Dashboard:
    responses: int
    by_mode: dict[str, int]
    per_day: list[DayCount]
    codes_issued: int
    codes_used: int
    dimensions: list[DimensionTable]

    @property
    def completion_percent(self) -> float | None:
        if not self.codes_issued:
            return None
        return round(100 * self.codes_used / self.codes_issued, 1)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def dashboard(session: DbSession, survey: Survey, language: str = "nl") -> Dashboard:
    """Every figure of the dashboard for ``survey``."""
    per_day = [
        DayCount(day, int(n))
        for day, n in session.execute(
            select(Response.submitted_on, func.count())
            .where(Response.survey_id == survey.id)
            .group_by(Response.submitted_on)
            .order_by(Response.submitted_on)
        ).all()
    ]
    by_mode = {
        str(mode): int(n)
        for mode, n in session.execute(
            select(Response.mode, func.count())
            .where(Response.survey_id == survey.id)
            .group_by(Response.mode)
        ).all()
    }
    issued, used = session.execute(
        select(func.count(), func.coalesce(func.sum(cast(InvitationCode.used, Integer)), 0)).where(
            InvitationCode.survey_id == survey.id
        )
    ).one()
    return Dashboard(
        responses=sum(by_mode.values()),
        by_mode=by_mode,
        per_day=per_day,
        codes_issued=int(issued),
        codes_used=int(used or 0),
        dimensions=representativeness(session, survey, language),
    )


def representativeness(
    session: DbSession, survey: Survey, language: str = "nl"
) -> list[DimensionTable]:
    """Per dimension question (``dimension:`` or number ``bands``): the
    respondents per code with a valid (non-missing) answer, beside the
    population margins of the same dimension."""
    definition = definition_of(survey)
    margins: dict[str, dict[int, int]] = {}
    for margin_dimension, margin_code, margin_population in session.execute(
        select(
            PopulationMargin.dimension, PopulationMargin.code, PopulationMargin.population
        ).where(PopulationMargin.consultation_id == survey.consultation_id)
    ).all():
        margins.setdefault(margin_dimension, {})[int(margin_code)] = int(margin_population)
    questions = session.execute(
        select(Question.key, Question.dimension, Variable.id)
        .join(Variable, Variable.question_id == Question.id)
        .where(Question.survey_id == survey.id, Question.dimension.is_not(None))
    ).all()
    order = {name: i for i, name in enumerate(DIMENSION_ORDER)}
    tables: list[DimensionTable] = []
    for key, dimension, variable_id in sorted(
        questions, key=lambda q: (order.get(str(q[1]), len(order)), str(q[1]))
    ):
        question = definition.question(key)
        counts: dict[int, int] = {
            int(code or 0): int(n)
            for code, n in session.execute(
                select(Answer.code, func.count())
                .where(Answer.variable_id == variable_id, Answer.code.is_not(None))
                .group_by(Answer.code)
            ).all()
        }
        groups = question.dimension_codes(language)
        valid_codes, labels = groups.valid, groups.labels
        population = margins.get(str(dimension), {})
        answered = sum(counts.get(code, 0) for code in valid_codes)
        population_total = sum(population.values())
        rows = [
            GroupRow(
                code=code,
                label=labels.get(code, str(code)),
                sample=counts.get(code, 0),
                sample_percent=_percent(counts.get(code, 0), answered),
                population=population.get(code),
                population_percent=(
                    _percent(population[code], population_total) if code in population else None
                ),
            )
            for code in sorted(set(valid_codes) | set(population))
        ]
        tables.append(
            DimensionTable(
                dimension=str(dimension),
                question_key=key,
                question_text=text_for(question.text, language),
                answered=answered,
                rows=rows,
            )
        )
    return tables


def per_day_chart(per_day: list[DayCount], title: str) -> str | None:
    """A small bar chart of responses per day as a PNG data URI (the page
    also shows the same numbers as a table)."""
    if not per_day:
        return None
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 2.4), dpi=100)
    axes = figure.add_subplot()
    days: list[Any] = [d.day for d in per_day]
    axes.bar(days, [d.count for d in per_day], color="#1d4f91")
    axes.set_title(title, fontsize=10)
    axes.tick_params(labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
