"""The weights of a consultation's priority matrix, set by a planner on
screen and recorded in every report (``PriorityMethod.weights`` and
``weights_source``).

Rules:

- One weight per indicator (concern, priority, importance, partner_priority, victimisation,
  facts, trend): a number from 0 to 100, with a decimal point or comma; an
  empty field is 0 (the indicator is not used). At least one weight is
  above 0. Only the ratios matter: the report states each source's share
  of the score.
- Going back to the defaults removes the planner's weights
  (``ranking.DEFAULT_WEIGHTS``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from survey.analysis import priority, ranking
from survey.extensions import DbSession
from survey.models import Consultation

MAX_WEIGHT = 100.0


def parse_weights(form: Mapping[str, str]) -> tuple[dict[str, float] | None, dict[str, str]]:
    """The weights of a posted form: ``(weights, {})`` or ``(None, problems)``
    with a Dutch message per field (``""`` for the form as a whole)."""
    weights: dict[str, float] = {}
    problems: dict[str, str] = {}
    for name in priority.INDICATORS:
        raw = (form.get(name) or "").strip().replace(",", ".")
        if not raw:
            weights[name] = 0.0
            continue
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0 <= value <= MAX_WEIGHT):
            problems[name] = _(
                "Enter a weight from 0 to %(max)s for %(indicator)s.",
                max=int(MAX_WEIGHT),
                indicator=priority.indicator_label(name),
            )
            continue
        weights[name] = value
    if not problems and not any(v > 0 for v in weights.values()):
        problems[""] = _("Give at least one indicator a weight above 0.")
    return (None, problems) if problems else (weights, {})


def save_weights(
    session: DbSession, consultation: Consultation, weights: Mapping[str, float] | None
) -> None:
    """Store the planner's weights (None: back to the defaults). Flushes only."""
    consultation.matrix_weights = None if weights is None else dict(weights)
    session.flush()


def weights_view(session: DbSession, consultation: Consultation) -> dict[str, Any]:
    """What the matrix page shows: the weights in use, where they come from,
    and each source's share of the score over the indicators the
    consultation's surveys ask (``priority.asked_indicators``)."""
    weights, source = priority.matrix_weights(consultation.matrix_weights)
    asked = priority.asked_indicators(session, consultation.id)
    shares = priority.source_weights(weights, asked, {})
    return {
        "weights": {name: weights.get(name, 0.0) for name in priority.INDICATORS},
        "source": source,
        "defaults": dict(ranking.DEFAULT_WEIGHTS),
        "shares": {share.source: share.weight_share for share in shares},
        "labels": {name: priority.indicator_label(name) for name in priority.INDICATORS},
    }
