"""The decision page of the input report: what a member of the zonal security
council reads in two minutes. It proposes priorities and attention points,
each with its evidence on one line (residents' concern and priority share
with their 95 % interval, partners' importance, the trend of the registered
facts), in whole percentages; states the rule that produced the labels once;
and says what could change them (sensitivity).

Everything comes from the published report JSON (``Report.to_json()``): the
shares and intervals are ``estimate_indicators`` and ``estimate_ci95``
(weighted when the report is), the label rule is
``priority_method.label_rule``. A share the report hides stays hidden ("x"),
and a share on fewer answers than a table would show is not quoted.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from survey.reporting.numbers import fixed, integer, num, whole, whole_range

Json = dict[str, Any]

SHOWN_LABELS = ("priority", "attention")
"""The proposals the page lists one by one; basic police care is one line."""


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


def proposal_words(p: Json) -> str:
    """The proposed label in the report's language. The JSON's ``proposal``
    is Dutch in every report (contract); ``proposal_key`` says which."""
    words = {
        "priority": _("priority"),
        "attention": _("attention point"),
        "basic": _("basic police care"),
    }
    return words.get(p.get("proposal_key") or "", str(p["proposal"]))


def _share(p: Json, name: str, hidden_below: int) -> str:
    """A resident share with its interval in whole points, "x" when hidden,
    "-" when the phenomenon has none or its base is too small to quote."""
    if name in (p.get("suppressed_indicators") or []):
        return "x"
    value = p["estimate_indicators"].get(name)
    if value is None or p["bases"].get(name, 0) < hidden_below:
        return "-"
    bounds = (p.get("estimate_ci95") or {}).get(name)
    if not bounds:
        return whole(value)
    return f"{whole(value)} ({whole_range(bounds)})"


def _importance(p: Json) -> str:
    if "importance" in (p.get("suppressed_indicators") or []):
        return "x"
    value = p["estimate_indicators"].get("importance")
    return "-" if value is None else fixed(value, 1)


def _partner_priority(p: Json) -> str:
    """The partners' priority share in whole percent, with the top-3 count."""
    if "partner_priority" in (p.get("suppressed_indicators") or []):
        return "x"
    value = p["estimate_indicators"].get("partner_priority")
    if value is None:
        return "-"
    figures = p.get("partners") or {}
    if figures.get("top3") is None:
        return whole(value)
    return _("%(share)s (top 3: %(n)s)", share=whole(value), n=integer(figures["top3"]))


def partner_indicator(priorities: list[Json]) -> str:
    """The partners' indicator the report shows beside the residents':
    ``partner_priority`` when a partner survey asks what the zone should
    do (the default partner survey), else ``importance``."""
    if any("partner_priority" in (p.get("bases") or {}) for p in priorities):
        return "partner_priority"
    return "importance"


def matrix_columns(priorities: list[Json]) -> list[str]:
    """The indicators of the matrix table, in every writer: the residents',
    the partners' (:func:`partner_indicator`; both when some phenomena have
    importance too) and the registered figures."""
    partners = ["importance", "partner_priority"]
    if partner_indicator(priorities) == "importance":
        partners = ["importance"]
    elif not any("importance" in (p.get("bases") or {}) for p in priorities):
        partners = ["partner_priority"]
    return ["concern", "priority", *partners, "victimisation", "facts", "trend"]


def _trend(p: Json) -> str:
    objective = p.get("objective")
    if not objective:
        return "-"
    if objective.get("trend_note") == "too_few_facts":
        return _("too few facts")
    trend = objective.get("trend_percent")
    if trend is None:
        return integer(objective["value"])
    sign = "+" if trend > 0 else ""
    return f"{integer(objective['value'])} ({sign}{whole(trend)})"


def evidence(p: Json, hidden_below: int, partners: str = "importance") -> Json:
    """The evidence of one phenomenon, as the cells of its line;
    ``partners``: the cell of :func:`partner_indicator`."""
    return {
        "concern": _share(p, "concern", hidden_below),
        "priority": _share(p, "priority", hidden_below),
        "importance": _importance(p),
        "partners": _importance(p) if partners == "importance" else _partner_priority(p),
        "facts": _trend(p),
    }


def rule_sentence(rule: Json) -> str:
    """The rule that produced the proposed labels, in words (stated once)."""
    return _(
        "The rule: a phenomenon is proposed as a priority when it ranks in the top "
        "%(top)s with a score of at least %(minimum)s. Any other phenomenon in the top "
        "%(attention_top)s, or with a score of at least %(attention_minimum)s, is proposed "
        "as an attention point. The others are basic police care. The score runs from 0 "
        "to 1 and combines the indicators with the weights of the priority matrix.",
        top=int(rule["priority_max_rank"]),
        minimum=num(rule["priority_min_score"]),
        attention_top=int(rule["attention_max_rank"]),
        attention_minimum=num(rule["attention_min_score"]),
    )


def crosses_boundary(rank_interval: list[int] | None, rule: Json) -> bool:
    """Does the rank interval reach across a rank boundary of the rule (the
    top ``priority_max_rank`` or the top ``attention_max_rank``)? Then the
    margins of error alone could give the phenomenon another label."""
    if not rank_interval:
        return False
    low, high = rank_interval
    boundaries = (int(rule["priority_max_rank"]), int(rule["attention_max_rank"]))
    return any(low <= boundary < high for boundary in boundaries)


def sensitivity_sentences(model: Json) -> list[str]:
    """What could change the labels: the margins of error (phenomena whose
    rank interval crosses a boundary of the rule) and the weights (the top
    under every weight moved up or down)."""
    method = model.get("priority_method") or {}
    rule = method.get("label_rule") or {}
    sentences = []
    uncertain = [
        p
        for p in model.get("priorities") or []
        if p.get("rank") is not None and rule and crosses_boundary(p.get("rank_interval"), rule)
    ]
    if uncertain:
        # Built apart: pybabel does not extract a gettext call nested in another.
        names = [
            _(
                "%(label)s (rank %(low)s to %(high)s)",
                label=p["label"],
                low=p["rank_interval"][0],
                high=p["rank_interval"][1],
            )
            for p in uncertain
        ]
        sentences.append(
            _(
                "Uncertain because of the margins of error: %(names)s. Their rank interval "
                "crosses a boundary of the rule, so with another sample their proposal could "
                "be different.",
                names=", ".join(names),
            )
        )
    elif rule and model.get("priorities"):
        sentences.append(
            _(
                "No rank interval crosses a boundary of the rule: the margins of error alone do "
                "not change a proposal."
            )
        )
    sensitivity = method.get("sensitivity")
    if sensitivity:
        values = {"n": sensitivity["top"], "delta": whole(sensitivity["delta"] * 100)}
        if sensitivity["stable"]:
            sentences.append(
                _(
                    "The top %(n)s stays the same when any weight of the matrix moves by "
                    "%(delta)s up or down.",
                    **values,
                )
            )
        else:
            sentences.append(
                _(
                    "The top %(n)s changes when some weights move by %(delta)s: read the "
                    "ranking as an indication, not a verdict.",
                    **values,
                )
            )
    return sentences


def decision_page(model: Json) -> Json:
    """The decision page: ``rows`` (the proposed priorities and attention
    points by rank, each with its ``evidence``), ``basic`` (the labels of the
    other phenomena), ``rule``, ``sensitivity`` and ``estimates`` (what the
    shares are)."""
    method = model.get("priority_method") or {}
    rule = method.get("label_rule")
    hidden_below = model["base_rules"]["hidden_below"]
    ranked = [p for p in model.get("priorities") or [] if p.get("rank") is not None]
    partners = partner_indicator(model.get("priorities") or [])
    rows = [
        {
            "label": p["label"],
            "federal_priority": p["federal_priority"],
            "proposal": proposal_words(p),
            "proposal_key": p["proposal_key"],
            "rank": p["rank"],
            "rank_interval": p.get("rank_interval"),
            "uncertain": rule is not None and crosses_boundary(p.get("rank_interval"), rule),
            "evidence": evidence(p, hidden_below, partners),
        }
        for p in ranked
        if p.get("proposal_key") in SHOWN_LABELS
    ]
    weighted = method.get("estimates") == "weighted"
    if partners == "importance":
        partners_header = _("Partners: importance")
    else:
        partners_header = _("Partners: priority (top 3)")
    return {
        "partners_header": partners_header,
        "partners_note": (
            ""
            if partners == "importance"
            else _(
                "Partners: the share of partner organisations that want a priority (an action "
                "plan of its own), with the number that put it in their top 3."
            )
        ),
        "rows": rows,
        "basic": [
            p["label"]
            for p in model.get("priorities") or []
            if p.get("proposal_key") not in SHOWN_LABELS
        ],
        "rule": rule_sentence(rule) if rule else "",
        "sensitivity": sensitivity_sentences(model),
        "estimates": (
            _(
                "Residents' shares are weighted, in whole percentages with their 95% interval "
                "between brackets; partners' importance is their mean score from 1 to 5; "
                "registered facts are the latest year with the change on the year before."
            )
            if weighted
            else _(
                "Residents' shares are unweighted, in whole percentages with their 95% "
                "interval between brackets; partners' importance is their mean score from 1 "
                "to 5; registered facts are the latest year with the change on the year before."
            )
        ),
    }
