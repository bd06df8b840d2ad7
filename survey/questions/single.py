"""``single``: one choice among options (radio buttons)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l
from typing_extensions import override
from wtforms import StringField

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.tables import Summary
from survey.i18n import text_for
from survey.questions.base import DimensionCodes, QuestionType
from survey.questions.choices import categorical
from survey.questions.editor import (
    ChoicesForm,
    ConcernForm,
    ShuffleForm,
    Spec,
    UnsafetyForm,
    put_setting,
)

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker


class SingleForm(ChoicesForm, ShuffleForm, ConcernForm, UnsafetyForm):
    """Options or a scale, concern or unsafety codes and a dimension."""

    dimension = StringField(_l("Dimension (for results by group and weighting)"))

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        return {**super().fill(spec), "dimension": spec.get("dimension", "")}

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        put_setting(spec, "dimension", self.dimension.data)


class SingleChoice(QuestionType):
    """Radio buttons. Stores one code; a ``missing`` code (weet niet) is kept
    but left out of the percentage base. May carry a ``dimension`` for
    cross-tabs and weighting (its groups are the options that are not
    ``missing``), and the measures ``concern`` (on an ordered scale),
    ``victimisation`` (first option = yes), ``unsafety`` (the feeling of
    unsafety: the share of valid answers in ``unsafety_codes``, shown per
    municipality) and ``partner_points`` (a partner's extra attention point
    counted with the phenomenon of the chosen option)."""

    name = "single"
    position = 10
    keys: ClassVar[frozenset[str]] = frozenset(
        {"options", "scale", "dimension", "concern_codes", "unsafety_codes", "shuffle"}
    )
    measures: ClassVar[frozenset[str]] = frozenset(
        {"concern", "victimisation", "unsafety", "partner_points"}
    )
    gives_dimension = True
    shuffle_default: ClassVar[bool | None] = False
    editor = SingleForm

    @override
    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        checker.choices(spec, path)
        if "dimension" in spec:
            checker.identifier(spec["dimension"], f"{path}.dimension")
        checker.concern_codes(spec, path)
        checker.unsafety_codes(spec, path)
        checker.shuffle(spec, path)

    @override
    def dimension_codes(self, question: QuestionDef, language: str) -> DimensionCodes:
        return DimensionCodes(
            [o.code for o in question.options if not o.missing],
            {o.code: text_for(o.label, language) for o in question.options},
            frozenset(o.code for o in question.options if o.missing),
        )

    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """One answer per respondent: a categorical table over the options."""
        table, crosstabs = categorical(question, None, figures, context)
        return Summary(table, crosstabs)
