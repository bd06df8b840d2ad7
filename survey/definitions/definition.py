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
    code: int
    label: dict[str, str]
    missing: bool = False
    phenomenon: str | None = None
    exclusive: bool = False


@dataclass(frozen=True)
class RowDef:
    key: str
    label: dict[str, str]
    phenomenon: str | None = None


@dataclass(frozen=True)
class QuestionDef:
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
        return get_type(self.type)

    @property
    def text(self) -> dict[str, str]:
        return dict(self.spec.get("text", {}))

    @property
    def help(self) -> dict[str, str] | None:
        return self.spec.get("help")

    @property
    def required(self) -> bool:
        return bool(self.spec.get("required", False))

    @property
    def show_if(self) -> dict[str, Any] | None:
        return self.spec.get("show_if")

    @property
    def measure(self) -> str | None:
        return self.spec.get("measure")

    @property
    def dimension(self) -> str | None:
        if "dimension" in self.spec:
            return str(self.spec["dimension"])
        bands = self.spec.get("bands")
        return str(bands["dimension"]) if bands else None

    def option(self, code: int) -> OptionDef | None:
        for option in self.options:
            if option.code == code:
                return option
        return None

    @property
    def codes(self) -> frozenset[int]:
        return frozenset(o.code for o in self.options)

    @property
    def valid_codes(self) -> frozenset[int]:
        return frozenset(o.code for o in self.options if not o.missing)

    def variables(self) -> list[VariableSpec]:
        return self.qtype.variables(self)

    def dimension_codes(self, language: str) -> DimensionCodes:
        """The groups of this dimension question, labelled in ``language``
        (its type's ``dimension_codes``; none for a question without a
        dimension)."""
        groups = self.qtype.dimension_codes(self, language)
        return groups if groups is not None else DimensionCodes([], {}, frozenset())


@dataclass(frozen=True)
class PageDef:
    key: str
    title: dict[str, str]
    index: int
    questions: tuple[QuestionDef, ...]


@dataclass(frozen=True)
class SurveyDefinition:
    raw: dict[str, Any]
    pages: tuple[PageDef, ...]
    questions: tuple[QuestionDef, ...]
    _by_key: dict[str, QuestionDef] = field(repr=False)
    # Per-version caches of the request code (the variable ids of
    # ``ResponseWriter``): they live exactly as long as this view of the version.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def key(self) -> str:
        return str(self.raw["key"])

    @property
    def languages(self) -> list[str]:
        return list(self.raw["languages"])

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def phenomena(self) -> list[dict[str, Any]]:
        return list(self.raw.get("phenomena", []))

    def question(self, key: str) -> QuestionDef:
        return self._by_key[key]

    def has_question(self, key: str) -> bool:
        return key in self._by_key

    def variables(self) -> list[tuple[QuestionDef, VariableSpec]]:
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
