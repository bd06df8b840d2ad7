"""``scale``: a single choice on an ordered scale, shown as a row of points."""

from __future__ import annotations

from survey.questions.single import SingleChoice


class ScaleChoice(SingleChoice):
    """Like ``single`` (same keys, storage and figures), rendered as a
    horizontal row of points from the first to the last option of the
    scale (``questions/scale.html``)."""

    name = "scale"
    position = 20
