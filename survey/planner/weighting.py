"""A consultation's weighting choices, set by a planner on the margins page
and used by every report and export of the consultation
(``survey.analysis.settings.WeightingChoices``; ``report build``'s options
override them for one report).

Rules (docs/margins.md, "Weighting choices"):

- The categories a planner chooses from are, per dimension of the stored
  margins, the codes of the margins and those of the dimension's question in
  the consultation's citizen surveys (the first survey by key that asks it),
  labelled as that question labels them. A code neither has is refused.
- ``minimum``: a whole number from 0 to ``MINIMUM_MAX``; empty is the
  default (``DEFAULT_MINIMUM``).
- A merge names a category and the category it is weighted with: both of
  the same dimension, the second one in the margins, not the first one
  itself, each category merged at most once. Ordered dimensions (age bands)
  are merged with a neighbour by the rule itself, so a merge is declared
  only on a nominal dimension. A line with neither category is skipped;
  one with only one of them is refused.
- All or nothing: with any problem nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from survey.analysis import aggregates
from survey.analysis.collapsing import DEFAULT_MINIMUM
from survey.analysis.settings import MINIMUM_MAX, WeightingChoices
from survey.analysis.weighting_summary import dimension_label
from survey.definitions.definition import QuestionDef, definition_of
from survey.extensions import DbSession
from survey.models import Consultation


@dataclass(frozen=True)
class Category:
    """One category a planner can merge: its code, its label in the survey
    (empty when no survey asks it), and its population (None: the margins
    lack it)."""

    code: int
    label: str
    population: int | None

    @property
    def in_margins(self) -> bool:
        """Whether the margins have this category (only those can take a merge)."""
        return self.population is not None


@dataclass(frozen=True)
class DimensionCategories:
    """A weighting dimension with its categories, in the question's order
    (codes only the margins have after them, by code)."""

    dimension: str
    label: str
    ordered: bool
    """Age bands and other banded dimensions: merged with a neighbour by the
    rule, never by declaration."""
    categories: tuple[Category, ...]

    def category(self, code: int) -> Category | None:
        """The category with ``code``, or None."""
        return next((c for c in self.categories if c.code == code), None)


def choice_value(dimension: str, code: int) -> str:
    """A category as a form value: ``sex:3``."""
    return f"{dimension}:{code}"


def category_text(dimension: DimensionCategories, category: Category) -> str:
    """A category in words for a list: "sex: Anders (code 3)"."""
    label = category.label or _("no label")
    return str(
        _(
            "%(dimension)s: %(label)s (code %(code)s)",
            dimension=dimension.label,
            label=label,
            code=category.code,
        )
    )


def weighting_categories(
    session: DbSession, consultation: Consultation
) -> list[DimensionCategories]:
    """The dimensions of the consultation's stored margins with their
    categories (see the rules), by dimension name."""
    margins = aggregates.margins(session, consultation.id)
    questions: dict[str, tuple[QuestionDef, str]] = {}
    for survey in aggregates.consultation_surveys(session, consultation.id):
        if survey.audience != "citizen":
            continue
        definition = definition_of(survey)
        for dimension, question in definition.dimension_questions().items():
            questions.setdefault(dimension, (question, definition.default_language))
    result = []
    for dimension, populations in sorted(margins.items()):
        found = questions.get(dimension)
        codes: list[int] = []
        labels: dict[int, str] = {}
        ordered = False
        if found is not None:
            question, language = found
            groups = question.dimension_codes(language)
            codes, labels = list(groups.valid), groups.labels
            ordered = bool(question.spec.get("bands"))
        codes += sorted(c for c in populations if c not in codes)
        result.append(
            DimensionCategories(
                dimension,
                dimension_label(dimension),
                ordered,
                tuple(Category(c, labels.get(c, ""), populations.get(c)) for c in codes),
            )
        )
    return result


def stored_choices(consultation: Consultation) -> WeightingChoices:
    """The consultation's weighting choices (the defaults when none were saved)."""
    return WeightingChoices.from_stored(consultation.weighting)


def parse_choices(
    minimum: str,
    unanswered: bool,
    merges: list[tuple[str, str]],
    categories: list[DimensionCategories],
) -> tuple[WeightingChoices | None, dict[str, str]]:
    """The choices of the posted form: ``(choices, {})`` or ``(None,
    problems)``, a Dutch message per field (``minimum``, ``merges-N-group``,
    ``merges-N-into``, as the form names them). ``merges`` are the posted
    (category, into) values in order."""
    problems: dict[str, str] = {}
    value = _minimum(minimum)
    if value is None:
        problems["minimum"] = _(
            "Enter a whole number from 0 to %(high)s as the minimum number of responses per group.",
            high=MINIMUM_MAX,
        )
    by_name = {d.dimension: d for d in categories}
    into: dict[str, dict[int, int]] = {}
    for index, (group, target) in enumerate(merges):
        if not group.strip() and not target.strip():
            continue
        field, problem = _merge_problem(group, target, by_name, into)
        if problem is not None:
            problems[f"merges-{index}-{field}"] = problem
    if problems or value is None:
        return None, problems
    return WeightingChoices(value, into, unanswered), {}


def _minimum(raw: str) -> int | None:
    """The posted minimum (empty: the default), or None when it is no whole
    number from 0 to ``MINIMUM_MAX``."""
    text = raw.strip()
    if not text:
        return DEFAULT_MINIMUM
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        return None
    value = int(text)
    return value if value <= MINIMUM_MAX else None


def _merge_problem(
    group: str,
    target: str,
    by_name: dict[str, DimensionCategories],
    into: dict[str, dict[int, int]],
) -> tuple[str, str | None]:
    """Check one merge line: ``(field, message)`` of its problem, or
    ``("", None)`` with the merge added to ``into``."""
    source = _category(group, by_name)
    if source is None:
        return "group", _("Choose a group from the list.")
    destination = _category(target, by_name)
    if destination is None:
        return "into", _("Choose the group it is weighted with from the list.")
    (dimension, code), (other, target_code) = source, destination
    text = category_text(by_name[dimension], _found(by_name, dimension, code))
    if dimension != other:
        return "into", _(
            "%(group)s can only be weighted with a group of the same characteristic.",
            group=text,
        )
    if code == target_code:
        return "into", _("%(group)s cannot be weighted with itself.", group=text)
    if not _found(by_name, other, target_code).in_margins:
        return "into", _(
            "%(group)s is not in the population margins: choose a group that is.",
            group=category_text(by_name[other], _found(by_name, other, target_code)),
        )
    if by_name[dimension].ordered and _found(by_name, dimension, code).in_margins:
        return "group", _(
            "The groups of %(dimension)s are in order: a group with too few responses is "
            "weighted with its neighbour by the rule, so it cannot be chosen here.",
            dimension=by_name[dimension].label,
        )
    if code in into.get(dimension, {}):
        return "group", _(
            "%(group)s is chosen twice: weight each group with one other group.", group=text
        )
    into.setdefault(dimension, {})[code] = target_code
    return "", None


def _category(value: str, by_name: dict[str, DimensionCategories]) -> tuple[str, int] | None:
    """``dimension:code`` of a listed category, or None."""
    dimension, _sep, code = value.strip().partition(":")
    found = by_name.get(dimension)
    if found is None or not (code.isascii() and code.lstrip("-").isdigit() and len(code) <= 10):
        return None
    return (dimension, int(code)) if found.category(int(code)) is not None else None


def _found(by_name: dict[str, DimensionCategories], dimension: str, code: int) -> Category:
    category = by_name[dimension].category(code)
    assert category is not None
    return category


def save_choices(session: DbSession, consultation: Consultation, choices: WeightingChoices) -> None:
    """Store the consultation's weighting choices. Flushes only."""
    consultation.weighting = choices.stored()
    session.flush()


def merge_rows(choices: WeightingChoices, blank: int = 2) -> list[dict[str, Any]]:
    """The form's merge lines for ``choices``: each declared merge, then
    ``blank`` empty lines for new ones."""
    rows: list[dict[str, Any]] = [
        {"group": choice_value(dimension, code), "into": choice_value(dimension, target)}
        for dimension, merges in sorted(choices.into.items())
        for code, target in sorted(merges.items())
    ]
    return rows + [{"group": "", "into": ""} for _ in range(blank)]
