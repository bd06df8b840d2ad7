"""``date``: a day, typed as day, month and year (GOV.UK's date input),
between ``min`` and ``max``; summarised by month."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from babel.dates import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from typing_extensions import override
from wtforms import StringField
from wtforms.validators import Optional, Regexp

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.tables import HIDDEN, CategoricalTable, Category, Grid, Json, Summary
from survey.i18n import text_for
from survey.questions.base import (
    AnswerRow,
    CellError,
    Column,
    FormData,
    Problem,
    QuestionType,
    Sampler,
    StoredAnswer,
)
from survey.questions.editor import QuestionForm, Spec, put_setting

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker

PARTS = ("day", "month", "year")
"""The fields of the partial: ``key.day``, ``key.month``, ``key.year``."""
ISO = r"^\d{4}-\d{2}-\d{2}$"
EXAMPLE = _l("Enter a real date, for example 27 3 2026.")
MISSING_PART = {
    "day": _l("The date must include a day."),
    "month": _l("The date must include a month."),
    "year": _l("The date must include a year."),
}


def parse_day(text: Any) -> date | None:
    """A day written as ISO ``yyyy-mm-dd`` (None when it is not one)."""
    if not isinstance(text, str) or len(text) != 10 or not text.isascii():
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def short(day: date) -> str:
    """A day as people type it into the three fields: 27 3 2026."""
    return f"{day.day} {day.month} {day.year}"


def month_code(day: date) -> int:
    """The month of a day as a code: ``yyyymm``."""
    return day.year * 100 + day.month


@dataclass(frozen=True)
class MonthTable(CategoricalTable):
    """The answers of a date question by month, oldest first: each month a
    category with code ``yyyymm`` (months without answers are left out).
    Every answer is in one month, so the months add up to ``valid`` and are
    protected as a categorical table."""

    kind: ClassVar[str] = "months"

    def to_json(self) -> Json:
        """The categorical table's JSON with ``months`` (each ``month`` as
        ``yyyy-mm``) in place of ``options``."""
        table = super().to_json()
        months = []
        for entry in table.pop("options"):
            code = entry.pop("code")
            months.append({"month": f"{code // 100:04d}-{code % 100:02d}", **entry})
        return {**table, "months": months}

    def grid(self) -> Grid:
        """The table as the writers lay it out: per month the count, the
        estimate (the weighted percent when the report is weighted, else the
        percent of valid answers) with its 95% interval, and beside a
        weighted one the unweighted percent; suppressed months are hidden."""
        weighted = self.weighted is not None
        header = [_("Month"), _("Number")]
        header.append(_("Weighted percent") if weighted else _("Percent (unweighted)"))
        header += [_("Interval (95%), lower bound"), _("Interval (95%), upper bound")]
        if weighted:
            header.append(_("Unweighted percent"))
        rows = []
        for month in self.to_json()["months"]:
            ci = month["estimate_ci95"] or [None, None]
            figures = [month["count"], month["estimate"], *ci]
            if weighted:
                figures.append(month["percent"])
            rows.append((month["label"], *(HIDDEN if month["suppressed"] else f for f in figures)))
        return Grid(
            tuple(header),
            tuple(rows),
            ((_("Valid answers"), self.valid), (_("No answer"), self.missing)),
        )


class DateForm(QuestionForm):
    """The earliest and the latest day."""

    min = StringField(_l("Earliest day (yyyy-mm-dd)"), validators=[Optional(), Regexp(ISO)])
    max = StringField(_l("Latest day (yyyy-mm-dd)"), validators=[Optional(), Regexp(ISO)])

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        return {**super().fill(spec), "min": spec.get("min", ""), "max": spec.get("max", "")}

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        put_setting(spec, "min", self.min.data)
        put_setting(spec, "max", self.max.data)


class DateQuestion(QuestionType):
    """A day. On the page three fields, day, month and year (GOV.UK's date
    input: people know their dates as numbers, and no date picker is
    needed). The answer is the ISO day ``yyyy-mm-dd``; it is stored with
    its month as the code (``yyyymm``: SQL counts answers by month like any
    code) and the day ``yyyymmdd`` as the number. Exported as a day: ISO in
    CSV, a date cell in XLSX, DATE11 in SPSS. A ``show_if`` can test only
    whether it is ``answered``."""

    name = "date"
    position = 80
    answer_seconds_each = 10.0
    keys: ClassVar[frozenset[str]] = frozenset({"min", "max"})
    uses_options = False
    browser_answered = "all"
    editor = DateForm

    # --- rules -------------------------------------------------------------------
    @override
    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        limits = {}
        for name in ("min", "max"):
            if name in spec:
                day = parse_day(spec[name])
                if day is None:
                    checker.problem(f"{path}.{name}", "not_a_day", value=spec[name])
                else:
                    limits[name] = day
        if len(limits) == 2 and limits["min"] > limits["max"]:
            checker.problem(f"{path}.max", "max_before_min")

    @override
    def check_condition_value(
        self, value: Any, key: str, codes: Sequence[int], path: str, checker: Checker
    ) -> None:
        checker.problem(path, "only_answered", type=self.name)

    # --- storage -------------------------------------------------------------------
    @override
    def columns(self, question: QuestionDef, language: str) -> list[Column]:
        text = text_for(question.text, language)
        return [Column(question.key, text, measure="scale", kind="date")]

    @override
    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        day = parse_day(value)
        if day is None:
            return [AnswerRow(question.key)]
        number = day.year * 10000 + day.month * 100 + day.day
        return [AnswerRow(question.key, code=month_code(day), number=float(number))]

    @override
    def from_rows(self, question: QuestionDef, rows: Sequence[StoredAnswer]) -> Any:
        number = rows[0].number
        if number is None:
            return None
        ymd = int(number)
        return date(ymd // 10000, ymd // 100 % 100, ymd % 100).isoformat()

    @override
    def to_cells(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        return {question.key: parse_day(value)}

    # --- input ---------------------------------------------------------------------
    @override
    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> str | None:
        raw = cells.get(question.key, "").strip()
        if raw == "":
            return None
        day = parse_day(raw)
        if day is None:
            raise CellError(question.key, _l("Write the day as 2026-03-27."))
        return day.isoformat()

    @override
    def from_form(self, question: QuestionDef, form: FormData) -> str | None:
        typed: dict[str, str] = {}
        for part in PARTS:
            name = f"{question.key}.{part}"
            values = form.getlist(name)
            if len(values) > 1:
                raise CellError(name, _l("This answer was sent more than once."))
            typed[part] = values[0].strip() if values else ""
        if not any(typed.values()):
            return None
        for part in PARTS:
            if not typed[part]:
                raise CellError(f"{question.key}.{part}", MISSING_PART[part])
        for part in PARTS:
            if not typed[part].isascii() or not typed[part].isdigit():
                raise CellError(f"{question.key}.{part}", EXAMPLE)
        if len(typed["year"]) != 4:
            raise CellError(f"{question.key}.year", _l("The year must have 4 numbers."))
        if len(typed["day"]) > 2 or len(typed["month"]) > 2:
            # date() raises OverflowError, not ValueError, past a C long.
            raise CellError(f"{question.key}.day", EXAMPLE)
        try:
            day = date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
        except ValueError as exc:
            raise CellError(f"{question.key}.day", EXAMPLE) from exc
        return day.isoformat()

    @override
    def tolerant(self, question: QuestionDef, form: FormData) -> Any:
        return {part: form.get(f"{question.key}.{part}", "") for part in PARTS}

    @override
    def first_field(self, question: QuestionDef) -> str:
        return f"{question.key}.day"

    @override
    def check(self, question: QuestionDef, value: Any) -> list[Problem]:
        if value is None:
            if question.required:
                return [(f"{question.key}.day", _l("Answer this question."))]
            return []
        day = parse_day(value)
        if day is None:
            return [(f"{question.key}.day", EXAMPLE)]
        low = parse_day(question.spec.get("min"))
        high = parse_day(question.spec.get("max"))
        if (low and day < low) or (high and day > high):
            return [(f"{question.key}.day", _out_of_range(low, high))]
        return []

    # --- display ---------------------------------------------------------------------
    @override
    def answer_lines(self, question: QuestionDef, value: Any, language: str) -> list[str]:
        day = parse_day(value)
        return [format_date(day, "long", locale=language) if day else str(value)]

    @override
    def matches(self, question: QuestionDef, value: Any, code: Any) -> bool:
        return False

    # --- summary -----------------------------------------------------------------------
    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """The answers by month (code ``yyyymm``), oldest first, over the
        valid answers (every answered day); ``missing`` = shown, not answered."""
        counts = figures.counts(question.key)
        months = sorted(code for code in counts if code is not None)
        valid = sum(counts[code] for code in months)
        return Summary(
            MonthTable(
                tuple(
                    Category(code, _month_label(code, context.language), counts[code])
                    for code in months
                ),
                valid=valid,
                missing=sum(counts.values()) - valid,
                weighted=figures.weighted([question.key], months),
            )
        )

    # --- demo ----------------------------------------------------------------------------
    @override
    def sample(self, question: QuestionDef, sampler: Sampler) -> Any:
        low = parse_day(question.spec.get("min")) or date(2025, 1, 1)
        high = parse_day(question.spec.get("max")) or max(low, date(2025, 12, 31))
        return date.fromordinal(sampler.rng.randint(low.toordinal(), high.toordinal())).isoformat()


def _out_of_range(low: date | None, high: date | None) -> Any:
    """The message for a day outside ``min``..``max``, naming the limits."""
    if low and high:
        return _l("Enter a date from %(min)s to %(max)s.", min=short(low), max=short(high))
    if low:
        return _l("Enter %(min)s or a later date.", min=short(low))
    assert high is not None
    return _l("Enter %(max)s or an earlier date.", max=short(high))


def _month_label(code: int, language: str) -> str:
    """A month as people name it: "maart 2026"."""
    return str(format_date(date(code // 100, code % 100, 1), "LLLL y", locale=language))
