"""The base class of the question types, and the value objects they share.

A question type owns its whole life, in one module per type (``single.py``,
``matrix.py``, ...) plus its form partial (``templates/questions/``); every
other module asks the type through ``question.qtype`` (the registry in
``survey.questions``) and never switches on the type's name. The facets:

- **input**: the form partial, reading an answer from a posted form
  (``from_form``) or from response-file cells (``from_cells``), checking it
  (``check``: problems with the field they are about), where an error link
  points (``first_field``) and what a field that could not be read shows
  again (``tolerant``);
- **storage**: the stored answer slots (``variables``), the answer rows of
  a value (``answer_rows``) and back (``from_rows``), the response-file
  columns with their labels, measurement level and value kind
  (``columns``, ``to_cells``), and what the report's aggregates read of it
  (``tallied``, ``counts_respondents``, ``number_values``, ``free_text``);
- **display**: the answer as lines of text (``answer_lines``) on the check
  page and the partners' receipt;
- **rules**: its own keys in a survey file (``keys``, ``validate``, with
  paths), the values a ``show_if`` may test (``check_condition_value``),
  condition matching (``is_answered``, ``matches``) and what the page
  script needs (``browser_value``, ``browser_answered``);
- **editor**: a Flask-WTF form of its settings (``editor``) that turns a
  question's definition into a form and back, and the settings a new
  question starts with (``starter``);
- **summary**: its typed table from the report's aggregates (``summary``);
- **demo**: a plausible answer for synthetic data (``sample``).

Answer values, per type: single/scale ``int | None``; multiple
``list[int]``; matrix ``dict[row_key, int | None]``; ranking ``list[int]``
in rank order; number ``int | float | None``; text ``str | None``; date
``str | None`` (ISO ``yyyy-mm-dd``). Values are plain JSON, so drafts keep
them as they are.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple, Protocol

from flask_babel import lazy_gettext as _l

from survey.i18n import text_for

if TYPE_CHECKING:
    from survey.analysis.inputs import SummaryContext, SurveyFigures
    from survey.analysis.tables import Summary
    from survey.definitions.definition import OptionDef, QuestionDef, RowDef
    from survey.definitions.validation import Checker
    from survey.questions.editor import QuestionForm

COMMON_KEYS = frozenset({"key", "type", "text", "help", "required", "show_if", "measure"})
QUESTION_KEY_RE = re.compile(r"[a-z0-9_]{1,40}")
"""A question key, and the key of a row, a phenomenon, a dimension or a scale."""

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


class StoredAnswer(NamedTuple):
    """An answer row as read back: its variable, code, number and text."""

    variable: VariableSpec
    code: int | None
    number: float | None
    text: str | None


ValueKind = Literal["code", "number", "text", "date"]
"""What the cells of a response-file column hold: an option code (or 0/1), a
number, a text (neutralised in spreadsheets, a string in SPSS) or a day
(ISO in CSV, a date cell in XLSX, DATE in SPSS)."""


@dataclass(frozen=True)
class Column:
    """One column of the response file (CSV, XLSX, SAV) as a type declares
    it: its variable label (the question text in the chosen language, with
    the row, option or rank), value labels, up to three user-missing codes,
    SPSS measurement level (ordinal for answers on an ordered scale), the
    kind of its cells, the SPSS format of a numeric column (``Fwidth.decimals``:
    ``F1.0`` for codes 1-9) and a note for the codebook (the bands of a
    number)."""

    name: str
    label: str
    value_labels: Mapping[int | float, str] = field(default_factory=dict)
    missing: tuple[int, ...] = ()
    measure: Literal["nominal", "ordinal", "scale"] = "nominal"
    kind: ValueKind = "code"
    width: int = 8
    decimals: int = 0
    note: str = ""


class DimensionCodes(NamedTuple):
    """The groups of one dimension question."""

    valid: list[int]
    """Codes that are a group, in option (or band) order."""
    labels: dict[int, str]
    """Label of every code, missing codes included."""
    missing: frozenset[int]
    """Codes of ``missing: true`` options: no group."""


class FormData(Protocol):
    """A posted form: one value per name, or every value of a name."""

    def get(self, key: str, default: str, /) -> str:
        """The first value posted under ``key``, or ``default``."""
        ...

    def getlist(self, key: str) -> list[str]:
        """Every value posted under ``key``, in order (empty: none)."""
        ...


class Sampler(Protocol):
    """What the demo's synthetic respondent offers a type that makes up an
    answer (``QuestionType.sample``): the type knows the shape of its answer,
    the respondent which codes are likely (``survey.demo.synthetic``)."""

    rng: random.Random

    def code(self, question: QuestionDef, row: RowDef | None = None) -> int | None:
        """One option code for the question (or one row of it)."""
        ...

    def weights(self, question: QuestionDef) -> dict[int, float]:
        """How much the respondent likes each option (multiple choice)."""
        ...

    def rank_weights(self, question: QuestionDef) -> dict[int, float]:
        """How urgent each option is to the respondent (a ranking)."""
        ...

    def pick(self, weights: Mapping[int, float]) -> int:
        """One code, drawn with these weights."""
        ...

    def text(self, question: QuestionDef) -> str | None:
        """A written answer, or None."""
        ...


class CellError(ValueError):
    """A cell or form field that cannot be read; ``field`` names it."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


MAX_INTEGER_DIGITS = 15
"""Whole numbers in survey files and answers stay below 10**15: exact as a
float (numbers are stored as floats), far above any code, limit or edge.
Longer digit strings are refused before ``int()``, which refuses more than
4300 digits with a ValueError nobody expects."""

_INT_RE = re.compile(r"[+-]?\d+")
_DECIMAL_RE = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


def parse_code(field: str, raw: str) -> int:
    """An option code from a cell or form field: plain ASCII digits only."""
    text = raw.strip()
    if not text.isascii() or not _INT_RE.fullmatch(text):
        raise CellError(field, _l("Choose one of the options."))
    if len(text.lstrip("+-").lstrip("0")) > MAX_INTEGER_DIGITS:
        # No option has such a code: a survey file's codes are bounded too.
        raise CellError(field, _l("Choose one of the options."))
    return int(text)


def typed_code(raw: str) -> int | None:
    """A code typed into a field, when it reads as one (to show again)."""
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def parse_number(field: str, raw: str, decimals: int) -> int | float:
    """A number typed by a person: comma or point as decimal mark; full-width
    digits are folded to ASCII; NaN, infinity and exponents are refused."""
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    if not text.isascii() or not _DECIMAL_RE.fullmatch(text):
        raise CellError(field, _l("Enter a number, for example 42."))
    whole = re.split("[.,]", text.lstrip("+-"))[0].lstrip("0")
    value = float(text.replace(",", ".")) if len(whole) <= MAX_INTEGER_DIGITS else math.inf
    if not abs(value) < 10**MAX_INTEGER_DIGITS:
        raise CellError(
            field,
            _l(
                "Enter a smaller number: at most %(digits)s digits before the decimal mark.",
                digits=MAX_INTEGER_DIGITS,
            ),
        )
    if decimals == 0:
        if value != int(value):
            raise CellError(field, _l("Enter a whole number, without decimals."))
        return int(value)
    return round(value, decimals)


def option_label(question: QuestionDef, code: Any, language: str) -> str:
    """The label of option ``code`` in ``language`` (the code itself when
    it is no option)."""
    option = question.option(code) if isinstance(code, int) else None
    return text_for(option.label, language) if option else str(code)


def shuffle_options(options: Sequence[OptionDef], seed: int, salt: str) -> tuple[OptionDef, ...]:
    """``options`` in an order shuffled by ``seed`` and ``salt`` (the same
    pair gives the same order, in any process): the options that stay
    (``OptionDef.stays``: "weet niet", "geen van deze", ``fixed``) keep their
    place, the others are permuted among the remaining places. Only the
    order changes: codes and labels are the options' own."""
    movable = [i for i, option in enumerate(options) if not option.stays]
    moved = [options[i] for i in movable]
    random.Random(f"{seed}:{salt}").shuffle(moved)
    result = list(options)
    for place, option in zip(movable, moved, strict=True):
        result[place] = option
    return tuple(result)


def check_code_value(
    value: Any, key: str, codes: Sequence[int], path: str, checker: Checker
) -> None:
    """``value`` in a condition on question ``key`` must be one of its codes."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in codes:
        checker.problem(path, "not_a_code", value=value, key=key)


class QuestionType(ABC):
    """Base of every question type; subclasses set ``name``, their keys and
    the facets that differ from these defaults (those of a question whose
    answer is one option code, stored under the question key)."""

    name: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()
    """The type's own keys in a survey file, besides ``COMMON_KEYS``."""
    measures: ClassVar[frozenset[str]] = frozenset()
    """The ``measure`` values the type can feed the priority report with."""
    uses_options: ClassVar[bool] = True
    """The answer is codes of the question's options (``options`` or ``scale``)."""
    has_rows: ClassVar[bool] = False
    """The question has ``rows``, each a variable a condition can refer to
    as ``key.row``."""
    gives_dimension: ClassVar[bool] = False
    """The question can give a dimension for cross-tabs and weighting."""
    editor: ClassVar[type[QuestionForm]]
    """The form of the type's settings (``survey.questions.editor``)."""
    position: ClassVar[int] = 100
    """Where the type comes when types are listed (messages, docs)."""
    answer_seconds_each: ClassVar[float] = 6.0
    """Seconds to answer one item of the type, reading aside
    (``answer_seconds``; ``survey.definitions.duration``)."""
    shuffle_default: ClassVar[bool | None] = None
    """Whether the options are shown in an order shuffled per respondent
    when the survey file has no ``shuffle`` key; None: the type never
    shuffles (its options are an ordered scale, or it has none)."""

    # What the report's aggregates read of the type's answer rows.
    tallied: ClassVar[bool] = True
    """Its codes are categories, tallied per cell for cross-tabs and weighting."""
    counts_respondents: ClassVar[bool] = False
    """Its valid and shown respondents are counted (not only its answer rows)."""
    number_values: ClassVar[bool] = False
    """Its summary reads the distribution of its stored numbers."""
    typed_conditions: ClassVar[bool] = False
    """A ``show_if`` test of this question compares with values the planner
    types (``condition_values``), not with answers chosen from a list."""
    free_text: ClassVar[bool] = False
    """Its answers are texts, redacted and tagged for the free-text themes."""

    browser_answered: ClassVar[Literal["any", "all"]] = "any"
    """When the page script counts the question as answered: any of its
    fields filled in, or all of them (the parts of one value)."""

    @property
    def partial(self) -> str:
        """The form partial (``templates/``) with the macro ``render``."""
        return f"questions/{self.name}.html"

    # --- editor: a new question -----------------------------------------------
    def starter(self, language: str) -> dict[str, Any]:
        """The settings a new question of this type starts with in the
        editor, besides its key, type and text, so that it passes the rules
        at once: two options to rename where it has options, one row where
        it has rows (labels in ``language``, the survey's first)."""
        spec: dict[str, Any] = {}
        if self.uses_options:
            spec["options"] = [
                {"code": code, "label": {language: str(_l("Option %(n)s", n=code))}}
                for code in (1, 2)
            ]
        if self.has_rows:
            spec["rows"] = [{"key": "rij_1", "label": {language: str(_l("Row 1"))}}]
        return spec

    # --- rules: the survey file ---------------------------------------------
    def allowed_keys(self) -> frozenset[str]:
        """The keys a question of this type may have in a survey file: the
        common keys and the type's own; any other key is a problem."""
        return COMMON_KEYS | self.keys

    @abstractmethod
    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        """Check every one of the type's own keys (``keys``); common keys are
        checked by the caller."""

    def check_condition_value(
        self, value: Any, key: str, codes: Sequence[int], path: str, checker: Checker
    ) -> None:
        """A value that ``equals`` or ``in`` of a ``show_if`` compares this
        question's answer with: one of its codes (``codes``)."""
        check_code_value(value, key, codes, path, checker)

    def condition_values(self, question: QuestionDef, text: str, several: bool) -> list[Any]:
        """The values ``equals`` (one) or ``in`` (``several``) of a ``show_if``
        compares this question's answer with, typed by a planner in the
        editor's condition pickers; a type with ``typed_conditions`` reads
        them (``CellError`` with the message for the planner), the others
        have their values chosen from their answers."""
        raise NotImplementedError(self.name)

    def condition_text(self, question: QuestionDef, values: Sequence[Any], language: str) -> str:
        """The values of a ``show_if`` test of this question as a planner
        types them in ``language`` (what ``condition_values`` reads back):
        the editor's overview and condition pickers show them so."""
        return ", ".join(str(value) for value in values)

    # --- storage ------------------------------------------------------------
    def variables(self, question: QuestionDef) -> list[VariableSpec]:
        """The answer slots stored for the question (one per row, option or
        rank where the type has them; here one, named after the key)."""
        return [VariableSpec(name=question.key)]

    def column_names(self, question: QuestionDef) -> list[str]:
        """The response-file columns of this question, in order."""
        return [v.name for v in self.variables(question)]

    def columns(self, question: QuestionDef, language: str) -> list[Column]:
        """The response-file columns with their labels in ``language``:
        the options as value labels, ``missing: true`` codes as missing,
        ordinal when the options are ordered (``ordered``), as wide as the
        longest code."""
        text = text_for(question.text, language)
        labels: dict[int | float, str] = {
            o.code: text_for(o.label, language) for o in question.options
        }
        missing = tuple(o.code for o in question.options if o.missing)[:3]
        measure: Literal["nominal", "ordinal", "scale"] = (
            ("ordinal" if self.ordered(question) else "nominal") if labels else "scale"
        )
        width = max((len(str(int(code))) for code in labels), default=8)
        return [
            Column(
                name,
                self.column_label(question, name, text, language),
                labels,
                missing if labels else (),
                measure,
                width=width,
            )
            for name in self.column_names(question)
        ]

    def ordered(self, question: QuestionDef) -> bool:
        """The options are an ordered scale (a named ``scale`` of the survey
        file): the column's measurement level is then ordinal."""
        return isinstance(question.spec.get("scale"), str)

    def column_label(self, question: QuestionDef, name: str, text: str, language: str) -> str:
        """The variable label of column ``name``: the question ``text``, with
        what the column adds to it."""
        suffix = name[len(question.key) + 1 :] if name != question.key else ""
        return f"{text} ({suffix})" if suffix else text

    def empty(self, question: QuestionDef) -> Any:
        """The value of a question not answered yet (fills an empty form)."""
        return None

    def remark(self, question: QuestionDef) -> bool:
        """Its texts are remarks a report may quote (a partner's comment),
        not short answers shown as what they are (a place, a name)."""
        return self.free_text

    def is_answered(self, question: QuestionDef, value: Any) -> bool:
        """Whether ``value`` counts as an answer for ``required`` and the
        check page: not None, not an empty text, list or mapping."""
        return value is not None and value != "" and value != [] and value != {}

    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        """Rows to store for a shown question; a row with no code and no
        number records "shown, not answered"."""
        code = value if isinstance(value, int) else None
        return [AnswerRow(question.key, code=code)]

    def from_rows(self, question: QuestionDef, rows: Sequence[StoredAnswer]) -> Any:
        """The answer value of a shown question from its stored rows (the
        inverse of ``answer_rows``)."""
        return rows[0].code

    def dimension_codes(self, question: QuestionDef, language: str) -> DimensionCodes | None:
        """The groups of the question as a dimension (None: it gives none)."""
        return None

    def answer_seconds(self, question: QuestionDef) -> float:
        """Seconds to answer the question once it is read: one item of
        ``answer_seconds_each`` (a matrix counts its rows, a ranking its ranks)."""
        return self.answer_seconds_each

    # --- input ----------------------------------------------------------------
    def shuffled(self, question: QuestionDef) -> bool:
        """Whether the question's options are shown in an order shuffled per
        respondent: its ``shuffle`` key, else the type's default."""
        if self.shuffle_default is None:
            return False
        return bool(question.spec.get("shuffle", self.shuffle_default))

    def in_order(self, question: QuestionDef, seed: int | None) -> QuestionDef:
        """The question as one respondent sees it: its options shuffled with
        the respondent's ``seed`` when it is ``shuffled`` (None: in the file's
        order, as on paper and in the planners' views)."""
        if seed is None or not self.shuffled(question):
            return question
        return replace(question, options=shuffle_options(question.options, seed, question.key))

    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> Any:
        """The answer value from response-file cells (strings; '' is empty).
        Raises ``CellError`` for a cell that cannot be read."""
        raw = cells.get(question.key, "")
        if raw.strip() == "":
            return None
        return parse_code(question.key, raw)

    def from_form(self, question: QuestionDef, form: FormData) -> Any:
        """The answer value from a posted form (a werkzeug MultiDict). A field
        sent twice is refused: a real form never does that."""
        cells: dict[str, str] = {}
        for name in self.column_names(question):
            values = form.getlist(name)
            if len(values) > 1:
                raise CellError(name, _l("This answer was sent more than once."))
            cells[name] = values[0] if values else ""
        return self.from_cells(question, cells)

    def tolerant(self, question: QuestionDef, form: FormData) -> Any:
        """What to show again in the fields of a question whose posted value
        could not be read: the readable codes (the raw text for typed
        answers). Used only to render the page again, never stored."""
        return typed_code(form.get(question.key, ""))

    def first_field(self, question: QuestionDef) -> str:
        """The field an error about the whole question points at."""
        return question.key

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

    # --- display --------------------------------------------------------------
    def answer_lines(self, question: QuestionDef, value: Any, language: str) -> list[str]:
        """An answered value as lines of text, as the person reads it."""
        return [option_label(question, value, language)]

    # --- conditions -------------------------------------------------------------
    def matches(self, question: QuestionDef, value: Any, code: Any) -> bool:
        """Whether ``value`` satisfies ``equals: code`` in a ``show_if``."""
        return bool(value == code)

    def browser_value(self, question: QuestionDef, value: Any) -> Any:
        """The answer as the page script reads it: JSON, and compared like
        the fields it reads (codes and numbers)."""
        return value

    # --- summary ----------------------------------------------------------------
    @abstractmethod
    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """The question's table and cross-tabs, unsuppressed (disclosure
        control is the report's next step), built from the aggregates."""

    # --- demo -------------------------------------------------------------------
    def sample(self, question: QuestionDef, sampler: Sampler) -> Any:
        """A plausible answer of the synthetic respondent ``sampler``."""
        return sampler.code(question)
