"""``scale``: a single choice on an ordered scale, shown as a row of points."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from survey.questions.single import SingleChoice

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef


class ScaleChoice(SingleChoice):
    """Like ``single`` (same keys, storage and figures), rendered as a
    horizontal row of points from the first to the last option of the
    scale (``questions/scale.html``)."""

    name = "scale"
    position = 20
    # An ordered scale keeps its order: no ``shuffle``.
    keys: ClassVar[frozenset[str]] = SingleChoice.keys - {"shuffle"}
    shuffle_default = None

    def ordered(self, question: QuestionDef) -> bool:
        """A scale's points are ordered, whatever its options are called."""
        return True
