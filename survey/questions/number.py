"""``number``: a whole number (or with ``decimals``) between ``min`` and ``max``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from typing_extensions import override
from wtforms import IntegerField, StringField
from wtforms.validators import Optional

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.intervals import summarise_numbers
from survey.analysis.tables import CategoricalTable, Category, NumberTable, Summary
from survey.i18n import text_for
from survey.questions.base import (
    AnswerRow,
    CellError,
    Column,
    DimensionCodes,
    FormData,
    Problem,
    QuestionType,
    Sampler,
    StoredAnswer,
    parse_number,
)
from survey.questions.editor import (
    ListField,
    NumberField,
    QuestionForm,
    Spec,
    put_setting,
    texts_data,
    texts_field,
    texts_value,
)

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker

MAX_UNIT_LENGTH = 50

# Several numbers of a condition: one per line, or separated by semicolons
# or commas; with decimals a comma between two digits is a decimal comma.
_WHOLE_SEPARATORS = re.compile(r"[,;\n]")
_DECIMAL_SEPARATORS = re.compile(r"[;\n]|,(?!\d)|(?<!\d),")


def band_code(edges: list[float], value: float) -> int | None:
    """Band of ``value`` for ``edges`` [e0, e1, ..., ek]: code 1 for
    e0 <= v < e1, ..., code k+1 for v >= ek; None below e0."""
    if value < edges[0]:
        return None
    code = 1
    for edge in edges[1:]:
        if value >= edge:
            code += 1
    return code


def band_labels(edges: Sequence[float]) -> dict[int, str]:
    """Labels of the band codes 1..k of ``edges``: ``[16, 30, 45, 65]`` gives
    1 = "16-29", 2 = "30-44", 3 = "45-64", 4 = "65+" (the upper bound of a
    band is the next edge minus 1: ages are whole years)."""
    labels: dict[int, str] = {}
    for index, low in enumerate(edges):
        if index + 1 < len(edges):
            labels[index + 1] = f"{_plain(low)}-{_plain(edges[index + 1] - 1)}"
        else:
            labels[index + 1] = f"{_plain(low)}+"
    return labels


def _whole_or_not(value: float | int) -> float | int:
    return int(value) if float(value).is_integer() else value


def _plain(value: float) -> str:
    return str(_whole_or_not(value))


def format_number(value: float | int, language: str) -> str:
    """A number as a person reads it: Dutch and French write a decimal comma."""
    text = str(value)
    return text.replace(".", ",") if language in ("nl", "fr") else text


def _out_of_range(low: float | None, high: float | None) -> Any:
    """The message for a number outside ``min``..``max``, naming the limits
    the question has (one of them may be absent)."""
    if low is not None and high is not None:
        return _l("Enter a number from %(min)s to %(max)s.", min=low, max=high)
    if low is not None:
        return _l("Enter %(min)s or a larger number.", min=low)
    return _l("Enter %(max)s or a smaller number.", max=high)


class NumberForm(QuestionForm):
    """Limits, decimals, the unit and the bands of a number."""

    min = NumberField(_l("Smallest answer"))
    max = NumberField(_l("Largest answer"))
    decimals = IntegerField(_l("Decimals"), validators=[Optional()])
    unit = texts_field(_l("Unit"))
    unit_everywhere = StringField(_l("Unit, the same in every language"))
    band_dimension = StringField(_l("Dimension of the bands"))
    band_edges = ListField(_l("Lower bounds of the bands"), whole=False)

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        unit = spec.get("unit")
        bands = spec.get("bands") or {}
        return {
            **super().fill(spec),
            "min": spec.get("min"),
            "max": spec.get("max"),
            "decimals": spec.get("decimals"),
            "unit": texts_data(None if isinstance(unit, str) else unit),
            "unit_everywhere": unit if isinstance(unit, str) else "",
            "band_dimension": bands.get("dimension", ""),
            "band_edges": list(bands.get("edges") or []),
        }

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        for name in ("min", "max", "decimals"):
            if getattr(self, name).data is not None:
                spec[name] = getattr(self, name).data
        put_setting(spec, "unit", self.unit_everywhere.data or texts_value(self.unit))
        if self.band_dimension.data or self.band_edges.data:
            spec["bands"] = {"dimension": self.band_dimension.data, "edges": self.band_edges.data}


class NumberQuestion(QuestionType):
    """A typed number. Stored in ``Answer.number``; with ``bands`` the band
    code is stored as ``Answer.code`` too, so the banded number (e.g. age
    band) is a dimension for cross-tabs and weighting like any single."""

    name = "number"
    position = 60
    keys: ClassVar[frozenset[str]] = frozenset({"min", "max", "decimals", "bands", "unit"})
    uses_options = False
    gives_dimension = True
    tallied = False
    number_values = True
    typed_conditions = True
    editor = NumberForm

    @override
    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        ok = True
        for name in ("min", "max"):
            if name in spec:
                ok = checker.number(spec[name], f"{path}.{name}") and ok
        if "decimals" in spec:
            checker.integer(spec["decimals"], f"{path}.decimals", minimum=0, maximum=6)
        if ok and "min" in spec and "max" in spec and spec["min"] > spec["max"]:
            checker.problem(f"{path}.max", "max_below_min")
        if "bands" in spec:
            self._check_bands(spec["bands"], f"{path}.bands", checker)
        if "unit" in spec:
            self._check_unit(spec["unit"], f"{path}.unit", checker)

    @staticmethod
    def _check_bands(bands: Any, path: str, checker: Checker) -> None:
        if not checker.is_mapping(bands, path):
            return
        checker.unknown_keys(bands, frozenset({"dimension", "edges"}), path)
        checker.identifier(bands.get("dimension"), f"{path}.dimension")
        edges = bands.get("edges")
        if not checker.is_list(edges, f"{path}.edges"):
            return
        if not all(checker.number(e, f"{path}.edges[{i}]") for i, e in enumerate(edges)):
            return
        if any(b <= a for a, b in pairwise(edges)):
            checker.problem(f"{path}.edges", "not_increasing")

    @staticmethod
    def _check_unit(unit: Any, path: str, checker: Checker) -> None:
        """A translated text, or one plain string for every language."""
        if isinstance(unit, str):
            if not unit.strip():
                checker.problem(path, "empty")
            elif len(unit) > MAX_UNIT_LENGTH:
                checker.problem(path, "too_long", limit=MAX_UNIT_LENGTH)
            return
        checker.text(unit, path, max_length=MAX_UNIT_LENGTH)

    @override
    def check_condition_value(
        self, value: Any, key: str, codes: Sequence[int], path: str, checker: Checker
    ) -> None:
        checker.number(value, f"{path}.equals")

    @override
    def condition_values(self, question: QuestionDef, text: str, several: bool) -> list[Any]:
        """The numbers a planner typed for is / is not (one) or is one of /
        is none of (``several``: one per line, or separated by commas or
        semicolons; with decimals ``1,5, 2`` is 1.5 and 2). Each is read as
        a resident's answer is, with the question's decimals, and must lie
        within its ``min`` and ``max`` (an answer outside them never
        comes)."""
        separators = _DECIMAL_SEPARATORS if self.decimals(question) else _WHOLE_SEPARATORS
        parts = [part for part in separators.split(text) if part.strip()]
        if not parts:
            empty = _l("Enter at least one number.") if several else _l("Enter a number.")
            raise CellError(question.key, empty)
        if not several and len(parts) > 1:
            raise CellError(
                question.key, _l("Enter one number; to test several, choose 'is one of'.")
            )
        values: list[Any] = []
        for part in parts:
            value = parse_number(question.key, part, self.decimals(question))
            for _key, message in self.check(question, value):
                raise CellError(question.key, message)
            values.append(value)
        return values

    @override
    def condition_text(self, question: QuestionDef, values: Sequence[Any], language: str) -> str:
        """``1,5, 2`` in Dutch and French (a decimal comma, the values
        separated by a comma and a space, as ``condition_values`` reads
        them); a whole value without decimals."""
        return ", ".join(format_number(_whole_or_not(value), language) for value in values)

    @staticmethod
    def decimals(question: QuestionDef) -> int:
        """The decimals an answer keeps (``decimals``, 0 to 6; default 0:
        whole numbers only)."""
        return int(question.spec.get("decimals", 0))

    @override
    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        if value is None:
            return [AnswerRow(question.key)]
        code = None
        bands = question.spec.get("bands")
        if bands:
            code = band_code(bands["edges"], float(value))
        return [AnswerRow(question.key, code=code, number=float(value))]

    @override
    def from_rows(self, question: QuestionDef, rows: Sequence[StoredAnswer]) -> Any:
        number = rows[0].number
        if number is None:
            return None
        return int(number) if not question.spec.get("decimals") else number

    @override
    def dimension_codes(self, question: QuestionDef, language: str) -> DimensionCodes | None:
        bands = question.spec.get("bands")
        if not bands:
            return None
        labels = band_labels([float(e) for e in bands["edges"]])
        return DimensionCodes(list(labels), labels, frozenset())

    @override
    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> int | float | None:
        raw = cells.get(question.key, "")
        if raw.strip() == "":
            return None
        return parse_number(question.key, raw, self.decimals(question))

    @override
    def tolerant(self, question: QuestionDef, form: FormData) -> Any:
        return form.get(question.key, "")

    @override
    def check(self, question: QuestionDef, value: Any) -> list[Problem]:
        problems: list[Problem] = []
        if value is None:
            if question.required:
                problems.append((question.key, _l("Answer this question.")))
            return problems
        low, high = question.spec.get("min"), question.spec.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            problems.append((question.key, _out_of_range(low, high)))
        return problems

    @override
    def answer_lines(self, question: QuestionDef, value: Any, language: str) -> list[str]:
        unit = question.spec.get("unit")
        text = format_number(value, language)
        return [f"{text} {text_for(unit, language)}" if unit else text]

    def columns(self, question: QuestionDef, language: str) -> list[Column]:
        """One number column, measured on a scale, as wide as its ``min`` and
        ``max`` with its ``decimals``; the codebook names its bands."""
        decimals = self.decimals(question)
        limits = [question.spec.get("min"), question.spec.get("max")]
        width = max(8, decimals + 2)
        if all(limit is not None for limit in limits):
            digits = max(len(str(int(abs(float(limit))))) for limit in limits if limit is not None)
            negative = any(float(limit) < 0 for limit in limits if limit is not None)
            width = digits + int(negative) + (decimals + 1 if decimals else 0)
        groups = self.dimension_codes(question, language)
        note = ""
        if groups is not None:
            note = gettext(
                "Bands (%(dimension)s): %(bands)s",
                dimension=question.dimension,
                bands="; ".join(f"{code} = {label}" for code, label in groups.labels.items()),
            )
        return [
            Column(
                question.key,
                text_for(question.text, language),
                measure="scale",
                kind="number",
                width=width,
                decimals=decimals,
                note=note,
            )
        ]

    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """Mean, median and the interval of the mean of the answered values;
        with ``bands`` the band counts on the same base."""
        counts = figures.counts(question.key)
        values = figures.numbers(question.key)
        valid = sum(n for _value, n in values)
        missing = sum(counts.values()) - valid
        bands = None
        groups = self.dimension_codes(question, context.language)
        if groups is not None:
            bands = CategoricalTable(
                tuple(
                    Category(code, label, counts.get(code, 0))
                    for code, label in groups.labels.items()
                ),
                valid=valid,
                missing=missing,
                weighted=figures.weighted([question.key], frozenset(groups.labels)),
            )
        summary = summarise_numbers(values) if valid else None
        return Summary(
            NumberTable(
                valid,
                missing,
                summary,
                bands,
                weighted=figures.weighted_numbers(question.key),
            )
        )

    @override
    def sample(self, question: QuestionDef, sampler: Sampler) -> Any:
        low = question.spec.get("min", 0)
        high = question.spec.get("max", 100)
        return sampler.rng.randint(int(low), int(high))
