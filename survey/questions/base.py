"""The base class of the question types.

One class per type (``single.py``, ``matrix.py``, ...). A type knows its
keys in a survey file and checks them, names its stored variables, turns
cells of a response file or fields of a posted form into an answer value,
checks that value, and turns it into answer rows and back into cells.

Answer values, per type: single/scale ``int | None``; multiple
``list[int]``; matrix ``dict[row_key, int | None]``; ranking ``list[int]``
in rank order; number ``int | float | None``; text ``str | None``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from survey.analysis.inputs import SummaryContext, SurveyFigures
    from survey.analysis.tables import Summary
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker

COMMON_KEYS = frozenset({"key", "type", "text", "help", "required", "show_if", "measure"})

# A message for the person answering, with the variable it is about.
Problem = tuple[str, Any]


@dataclass(frozen=True)
class VariableSpec:
    """A stored answer slot (see ``survey.models.Variable``)."""

    name: str
    row_key: str | None = None
    rank: int | None = None
    phenomenon: str | None = None


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer: the variable name, an option code and/or a number,
    and for text questions the text itself."""

    variable: str
    code: int | None = None
    number: float | None = None
    text: str | None = None


class CellError(ValueError):
    """A cell or form field that cannot be read; ``field`` names it."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


_INT_RE = re.compile(r"[+-]?\d+")
_DECIMAL_RE = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


def parse_code(field: str, raw: str) -> int:
    """An option code from a cell or form field: plain ASCII digits only."""
    text = raw.strip()
    if not text.isascii() or not _INT_RE.fullmatch(text):
        raise CellError(field, _l("Choose one of the options."))
    return int(text)


def parse_number(field: str, raw: str, decimals: int) -> int | float:
    """A number typed by a person: comma or point as decimal mark; full-width
    digits are folded to ASCII; NaN, infinity and exponents are refused."""
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    if not text.isascii() or not _DECIMAL_RE.fullmatch(text):
        raise CellError(field, _l("Enter a number, for example 42."))
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise CellError(field, _l("Enter a number, for example 42."))
    if decimals == 0:
        if value != int(value):
            raise CellError(field, _l("Enter a whole number, without decimals."))
        return int(value)
    return round(value, decimals)


class QuestionType(ABC):
    """Base of every question type; subclasses set ``name`` and the keys."""

    name: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()
    measures: ClassVar[frozenset[str]] = frozenset()
    uses_options: ClassVar[bool] = True
    template: ClassVar[str]

    # --- the survey file -------------------------------------------------
    def allowed_keys(self) -> frozenset[str]:
        return COMMON_KEYS | self.keys

    @abstractmethod
    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        """Check the type's own keys; common keys are checked by the caller."""

    # --- storage ---------------------------------------------------------
    def variables(self, question: QuestionDef) -> list[VariableSpec]:
        return [VariableSpec(name=question.key)]

    def column_names(self, question: QuestionDef) -> list[str]:
        """The response-file columns of this question, in order."""
        return [v.name for v in self.variables(question)]

    def empty(self, question: QuestionDef) -> Any:
        return None

    def is_answered(self, question: QuestionDef, value: Any) -> bool:
        return value is not None and value != "" and value != [] and value != {}

    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        """Rows to store for a shown question; a row with no code and no
        number records "shown, not answered"."""
        code = value if isinstance(value, int) else None
        return [AnswerRow(question.key, code=code)]

    # --- reading answers -------------------------------------------------
    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> Any:
        """The answer value from response-file cells (strings; '' is empty).
        Raises ``CellError`` for a cell that cannot be read."""
        raw = cells.get(question.key, "")
        if raw.strip() == "":
            return None
        return parse_code(question.key, raw)

    def from_form(self, question: QuestionDef, form: Any) -> Any:
        """The answer value from a posted form (a werkzeug MultiDict). A field
        sent twice is refused: a real form never does that."""
        cells: dict[str, str] = {}
        for name in self.column_names(question):
            values = form.getlist(name)
            if len(values) > 1:
                raise CellError(name, _l("This answer was sent more than once."))
            cells[name] = values[0] if values else ""
        return self.from_cells(question, cells)

    def to_cells(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        """Response-file cells for a value (None for an empty cell)."""
        return {question.key: value}

    def check(self, question: QuestionDef, value: Any) -> list[Problem]:
        """Problems with a typed value of a shown question: required, codes
        that are not options, limits. Each problem names the field."""
        problems: list[Problem] = []
        if question.required and not self.is_answered(question, value):
            problems.append((question.key, _l("Answer this question.")))
        if isinstance(value, int) and value not in question.codes:
            problems.append((question.key, _l("Choose one of the options.")))
        return problems

    # --- conditions ------------------------------------------------------
    def matches(self, question: QuestionDef, value: Any, code: Any) -> bool:
        """Whether ``value`` satisfies ``equals: code`` in a ``show_if``."""
        return bool(value == code)

    # --- summary -----------------------------------------------------------
    @abstractmethod
    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """The question's table and cross-tabs, unsuppressed (disclosure
        control is the report's next step), built from the aggregates."""
