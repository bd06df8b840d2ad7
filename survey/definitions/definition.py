"""A typed, read-only view over a validated survey definition.

Built once per survey version (see ``definition_of``) and shared by the
answer pages, the response file, the demo and the report, so that options
of a named scale, question order and variable names are worked out in one
place.

Dimensions (district, age, sex, ...) are what cross-tabs and weighting group
responses by; the stored response cells (``survey.responses.cells``), the
report's cross-tabs and its weighting all follow these rules:

- A ``single`` or ``scale`` question names its dimension with ``dimension:``;
  a ``number`` question with ``bands: {dimension, edges}`` (its band code is
  stored beside the number). When several questions name the same
  dimension, the first one in survey order gives it
  (``SurveyDefinition.dimension_questions``).
- The groups of a single/scale dimension are its options; ``missing: true``
  options are no group.
- The groups of a banded number are 1..k for its k edges: ``edges: [16, 30,
  45, 65]`` gives 1 = "16-29", 2 = "30-44", 3 = "45-64", 4 = "65+": the upper
  bound of a band is the next edge minus 1, ages being whole years.

Which types give a dimension and what its groups are is each type's own
(``QuestionType.gives_dimension`` and ``dimension_codes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from survey.questions import get_type
from survey.questions.base import DimensionCodes, QuestionType, VariableSpec


@dataclass(frozen=True)
class OptionDef:
    """One answer option (its own or from a named scale): ``code`` is what
    is stored; a ``missing`` option (don't know, no answer) is left out of
    the percentage base and is no dimension group; ``phenomenon`` feeds the
    priority matrix; an ``exclusive`` option of a ``multiple`` question
    cannot be combined with another; a ``fixed`` option (and every missing
    or exclusive one) keeps its place when the options are shuffled."""

    code: int
    label: dict[str, str]
    missing: bool = False
    phenomenon: str | None = None
    exclusive: bool = False
    fixed: bool = False

    @property
    def stays(self) -> bool:
        """The option keeps its place in a shuffled order: "weet niet"
        (missing), "geen van deze" (exclusive) and any option marked
        ``fixed`` ("ander")."""
        return self.fixed or self.missing or self.exclusive


@dataclass(frozen=True)
class RowDef:
    """One row of a matrix question: its key (the variable ``question.row``)
    and label, and the phenomenon it feeds the priority matrix with."""

    key: str
    label: dict[str, str]
    phenomenon: str | None = None


@dataclass(frozen=True)
class QuestionDef:
    """One question as the survey file gives it (``spec``), with where it
    stands (its page; ``position``: its 0-based place in the whole survey)
    and its options resolved from a named scale."""

    key: str
    type: str
    spec: dict[str, Any]
    page_key: str
    page_index: int
    position: int
    options: tuple[OptionDef, ...]
    rows: tuple[RowDef, ...]

    @cached_property
    def qtype(self) -> QuestionType:
        """The question type that handles this question (``type``)."""
        return get_type(self.type)

    @property
    def text(self) -> dict[str, str]:
        """The question text per language."""
        return dict(self.spec.get("text", {}))

    @property
    def help(self) -> dict[str, str] | None:
        """The help text per language shown under the question, if any."""
        return self.spec.get("help")

    @property
    def required(self) -> bool:
        """Whether a shown question must be answered (default no)."""
        return bool(self.spec.get("required", False))

    @property
    def show_if(self) -> dict[str, Any] | None:
        """The condition on earlier answers under which the question is
        shown (None: always shown); see ``survey.definitions.conditions``."""
        return self.spec.get("show_if")

    @property
    def measure(self) -> str | None:
        """What the question feeds the priority report with (``concern``,
        ``victimisation``, ``priority``, ...), if anything."""
        return self.spec.get("measure")

    @property
    def dimension(self) -> str | None:
        """The dimension the question gives: ``dimension``, or the
        ``dimension`` of its ``bands``; None when it gives none."""
        if "dimension" in self.spec:
            return str(self.spec["dimension"])
        bands = self.spec.get("bands")
        return str(bands["dimension"]) if bands else None

    def option(self, code: int) -> OptionDef | None:
        """The option with ``code``, or None when it has none."""
        for option in self.options:
            if option.code == code:
                return option
        return None

    @property
    def codes(self) -> frozenset[int]:
        """Every option code, missing codes included."""
        return frozenset(o.code for o in self.options)

    @property
    def valid_codes(self) -> frozenset[int]:
        """The option codes in the percentage base (not ``missing``)."""
        return frozenset(o.code for o in self.options if not o.missing)

    def variables(self) -> list[VariableSpec]:
        """The answer slots stored for the question, as its type names them."""
        return self.qtype.variables(self)

    def dimension_codes(self, language: str) -> DimensionCodes:
        """The groups of this dimension question, labelled in ``language``
        (its type's ``dimension_codes``; none for a question without a
        dimension)."""
        groups = self.qtype.dimension_codes(self, language)
        return groups if groups is not None else DimensionCodes([], {}, frozenset())


@dataclass(frozen=True)
class PageDef:
    """One page of the survey: its key, title per language, 0-based
    ``index`` and its questions in order."""

    key: str
    title: dict[str, str]
    index: int
    questions: tuple[QuestionDef, ...]


@dataclass(frozen=True)
class SurveyDefinition:
    """A whole survey version: the validated file (``raw``), its pages and
    its questions in survey order, found by key."""

    raw: dict[str, Any]
    pages: tuple[PageDef, ...]
    questions: tuple[QuestionDef, ...]
    _by_key: dict[str, QuestionDef] = field(repr=False)
    # Per-version caches of the request code (the variable ids of
    # ``ResponseWriter``): they live exactly as long as this view of the version.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def key(self) -> str:
        """The survey's key in the file (stable across versions)."""
        return str(self.raw["key"])

    @property
    def languages(self) -> list[str]:
        """The survey's languages; the first is the reference language."""
        return list(self.raw["languages"])

    @property
    def default_language(self) -> str:
        """The reference language (the first of ``languages``): every text has it."""
        return self.languages[0]

    @property
    def phenomena(self) -> list[dict[str, Any]]:
        """The candidate priorities the survey speaks about, as in the file."""
        return list(self.raw.get("phenomena", []))

    def question(self, key: str) -> QuestionDef:
        """The question with ``key`` (``KeyError`` when there is none)."""
        return self._by_key[key]

    def has_question(self, key: str) -> bool:
        """Whether the survey has a question with ``key``."""
        return key in self._by_key

    def variables(self) -> list[tuple[QuestionDef, VariableSpec]]:
        """Every answer slot of the survey with its question, in survey order
        (the order of the response file's columns)."""
        return [(q, v) for q in self.questions for v in q.variables()]

    def dimension_questions(self) -> dict[str, QuestionDef]:
        """Dimension name -> the question that gives it (the first one in
        survey order), in survey order."""
        found: dict[str, QuestionDef] = {}
        for question in self.questions:
            dimension = question.dimension
            if dimension and dimension not in found and question.qtype.gives_dimension:
                found[dimension] = question
        return found


def _options(spec: dict[str, Any], scales: dict[str, Any]) -> tuple[OptionDef, ...]:
    raw = spec.get("options")
    if raw is None and isinstance(spec.get("scale"), str):
        raw = scales.get(spec["scale"], [])
    return tuple(
        OptionDef(
            code=int(o["code"]),
            label=dict(o["label"]),
            missing=bool(o.get("missing", False)),
            phenomenon=o.get("phenomenon"),
            exclusive=bool(o.get("exclusive", False)),
            fixed=bool(o.get("fixed", False)),
        )
        for o in raw or []
    )


def build_definition(raw: dict[str, Any]) -> SurveyDefinition:
    """Build the view; ``raw`` must already have passed validation."""
    scales = raw.get("scales") or {}
    pages: list[PageDef] = []
    questions: list[QuestionDef] = []
    position = 0
    for page_index, page in enumerate(raw["pages"]):
        page_questions = []
        for spec in page["questions"]:
            question = QuestionDef(
                key=spec["key"],
                type=spec["type"],
                spec=spec,
                page_key=page["key"],
                page_index=page_index,
                position=position,
                options=_options(spec, scales),
                rows=tuple(
                    RowDef(key=r["key"], label=dict(r["label"]), phenomenon=r.get("phenomenon"))
                    for r in spec.get("rows", [])
                ),
            )
            position += 1
            page_questions.append(question)
            questions.append(question)
        pages.append(
            PageDef(
                key=page["key"],
                title=dict(page["title"]),
                index=page_index,
                questions=tuple(page_questions),
            )
        )
    return SurveyDefinition(
        raw=raw,
        pages=tuple(pages),
        questions=tuple(questions),
        _by_key={q.key: q for q in questions},
    )


_CACHE: dict[tuple[int, int, str], SurveyDefinition] = {}


def definition_of(survey: Any) -> SurveyDefinition:
    """The view for a stored ``Survey``, cached per survey, version and
    creation time (a new draft version always bumps ``version``)."""
    cache_key = (survey.id, survey.version, str(survey.created_at))
    view = _CACHE.get(cache_key)
    if view is None:
        if len(_CACHE) > 256:
            _CACHE.clear()
        view = _CACHE[cache_key] = build_definition(survey.definition)
    return view
