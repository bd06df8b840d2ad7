"""Figures of the fieldwork dashboard, each one SQL GROUP BY or read from
the report: responses per day and mode, completion of invitation codes,
drafts started and finished, drop-off per page, completion time, response
rate per wave and stratum (``survey.planner.progress``), representativeness
of the respondents per demographic dimension against the consultation's
population margins (respondents % vs population %, in percentage points),
and the topline of the key questions as the input report publishes them
(``survey.planner.topline``).

``live_figures`` gives every figure that changes while fieldwork runs as
display text under a stable key: the page shows them and the dashboard's
JSON sends them, so both say the same.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import Integer, cast, func, select

from survey.analysis.report import ReportError, ReportSettings, build_report
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
from survey.planner import progress
from survey.planner.progress import CompletionTime, Drafts, PageStop, Rate, percent
from survey.planner.topline import ToplineTable, topline

# The dimensions shown first, in this order; others follow by name.
DIMENSION_ORDER = ("district", "age", "sex")


@dataclass(frozen=True)
class DayCount:
    """Responses submitted on one day."""

    day: date
    count: int


@dataclass(frozen=True)
class GroupRow:
    """One group of a dimension: respondents in it and their share (of the
    valid answers, in percent), beside the population and its share."""

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
    """The representativeness of one dimension question."""

    dimension: str
    question_key: str
    question_text: str
    answered: int
    rows: list[GroupRow]


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the fieldwork page. ``topline`` is None below the
    suppression threshold of responses or when the report cannot be built
    (``topline_problem`` then says why)."""

    responses: int
    by_mode: dict[str, int]
    per_day: list[DayCount]
    codes_issued: int
    codes_used: int
    dimensions: list[DimensionTable]
    drafts: Drafts
    drop_off: list[PageStop]
    completion: CompletionTime
    waves: list[Rate]
    strata: list[Rate]
    topline: list[ToplineTable] | None
    topline_problem: str | None = None

    @property
    def completion_percent(self) -> float | None:
        """Codes used per code issued, in percent."""
        return percent(self.codes_used, self.codes_issued)


def dashboard(session: DbSession, survey: Survey, settings: ReportSettings) -> Dashboard:
    """Every figure of the dashboard for ``survey``; the topline is built
    with the report ``settings`` (the configured threshold and the report's
    defaults, so it hides what the report hides). Reads only."""
    language = settings.language
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
    definition = definition_of(survey)
    responses = sum(by_mode.values())
    tables: list[ToplineTable] | None = None
    if responses < settings.threshold:
        # Every figure would be suppressed, and the disclosure audit of a
        # report on a handful of responses takes minutes: not on every refresh.
        problem: str | None = _(
            "The topline is shown from %(n)s responses on (the suppression threshold).",
            n=settings.threshold,
        )
    else:
        try:
            tables, problem = topline(build_report(session, survey.key, settings)), None
        except ReportError:
            problem = _("The topline cannot be built: open the report for the reason.")
    return Dashboard(
        responses=responses,
        by_mode=by_mode,
        per_day=per_day,
        codes_issued=int(issued),
        codes_used=int(used or 0),
        dimensions=representativeness(session, survey, language),
        drafts=progress.drafts(session, survey),
        drop_off=progress.drop_off(session, survey, definition, language, _("Check your answers")),
        completion=progress.completion_time(session, survey),
        waves=progress.wave_rates(session, survey),
        strata=progress.stratum_rates(session, survey),
        topline=tables,
        topline_problem=problem,
    )


def _one_decimal(value: float | None) -> str:
    return "–" if value is None else str(format_decimal(value, "0.0"))


def live_figures(board: Dashboard) -> dict[str, str]:
    """The figures that change during fieldwork as display text (numbers in
    the page's locale, "–" for none, "x" for a suppressed estimate), by a
    key that names where each is shown."""
    figures: dict[str, str] = {
        "responses": str(board.responses),
        "codes.used": str(board.codes_used),
        "codes.issued": str(board.codes_issued),
        "codes.percent": _one_decimal(board.completion_percent),
        "drafts.started": str(board.drafts.started),
        "drafts.finished": str(board.drafts.finished),
        "drafts.in_progress": str(board.drafts.in_progress),
        "drafts.stopped": str(board.drafts.stopped),
        "drafts.percent": _one_decimal(board.drafts.finished_percent),
        "time.median": _one_decimal(board.completion.median),
        "time.responses": str(board.completion.responses),
    }
    for mode, n in board.by_mode.items():
        figures[f"mode.{mode}"] = str(n)
    for page in board.drop_off:
        figures[f"page.{page.index}.in_progress"] = str(page.in_progress)
        figures[f"page.{page.index}.stopped"] = str(page.stopped)
    for band in board.completion.bands:
        figures[f"time.band.{band.lower}"] = str(band.count)
    for prefix, rates in (("wave", board.waves), ("stratum", board.strata)):
        for rate in rates:
            figures[f"{prefix}.{rate.key}.sent"] = str(rate.sent)
            figures[f"{prefix}.{rate.key}.used"] = str(rate.used)
            figures[f"{prefix}.{rate.key}.percent"] = _one_decimal(rate.percent)
            if rate.answered_before_next is not None:
                figures[f"{prefix}.{rate.key}.before_next"] = str(rate.answered_before_next)
    for table in board.topline or []:
        figures[f"topline.{table.key}.valid"] = "x" if table.valid is None else str(table.valid)
        for i, line in enumerate(table.lines):
            value = "x" if line.suppressed else _one_decimal(line.estimate)
            figures[f"topline.{table.key}.{i}"] = value
    return figures


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
                sample_percent=percent(counts.get(code, 0), answered),
                population=population.get(code),
                population_percent=(
                    percent(population[code], population_total) if code in population else None
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
