"""The per-municipality sections of the input report, as the HTML, PDF and
DOCX writers show them: one section per group of the district dimension
with the key figures of the proposed priorities and attention points, in
whole percentages with their 95 % interval (a mayor reads them like the
decision page), or one line saying why the group is not shown apart.

Everything comes from the published report JSON (``municipalities``,
built by ``survey.analysis.municipalities``): a hidden figure stays "x", a
figure on too small a base "-", and a figure on fewer answers than
``base_rules.unreliable_below`` is marked with an asterisk.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from survey.analysis.weighting_summary import dimension_label
from survey.reporting.numbers import integer, whole, whole_range

Json = dict[str, Any]

UNRELIABLE_MARK = "*"


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


def indicator_words(name: str) -> str:
    """What an indicator counts, in a few words beside the item (the
    chapter's intro says the rest: short, so that a municipality's table
    keeps to the page of its heading in every language)."""
    return {
        "concern": _("problem"),
        "priority": _("tackle first"),
        "victimisation": _("victim, past 12 months"),
    }.get(name, name)


def _answer_labels(model: Json, figure: Json) -> str:
    """The labels of the answers a figure counts (its ``codes``), from the
    question's own table: "Altijd, Vaak"."""
    question: Json = next((q for q in model["questions"] if q["key"] == figure["question"]), {})
    labels = {o["code"]: o["label"] for o in question.get("options") or []}
    return ", ".join(labels.get(code, str(code)) for code in figure["codes"])


def _row(model: Json, figure: Json) -> Json:
    """One figure as a table row. The feeling of unsafety is no
    phenomenon's: its row names the indicator and the answers it counts."""
    if figure["indicator"] == "unsafety":
        phenomenon = _("Feeling of unsafety")
        what = _("feels unsafe: %(answers)s", answers=_answer_labels(model, figure).lower())
    else:
        phenomenon = figure["phenomenon_label"]
        what = indicator_words(figure["indicator"])
    return {
        "phenomenon": phenomenon,
        "what": what,
        "item": figure["label"],
        "share": _share(figure),
        "base": "x" if figure["suppressed"] else integer(figure["valid"]),
        "zone": "-" if figure.get("zone_estimate") is None else whole(figure["zone_estimate"]),
    }


def _share(figure: Json) -> str:
    if figure["suppressed"]:
        return "x"
    value = figure["estimate"]
    if value is None:
        return "-"
    bounds = figure.get("estimate_ci95")
    text = f"{whole(value)} ({whole_range(bounds)})" if bounds else whole(value)
    return text + (UNRELIABLE_MARK if figure["base_flag"] == "unreliable" else "")


def _groups(rows: list[Json]) -> list[Json]:
    """The rows by phenomenon (consecutive rows of one phenomenon), so that
    a page shows its name once beside its rows rather than on every row."""
    groups: list[Json] = []
    for row in rows:
        if groups and groups[-1]["phenomenon"] == row["phenomenon"]:
            groups[-1]["rows"].append(row)
        else:
            groups.append({"phenomenon": row["phenomenon"], "rows": [row]})
    return groups


def _status_line(section: Json) -> str:
    if section["status"] == "protected":
        return _(
            "%(name)s: not shown apart, to protect a smaller group of respondents.",
            name=section["label"],
        )
    return _("%(name)s: too few answers to show apart.", name=section["label"])


def municipality_sections(model: Json) -> Json | None:
    """The chapter's view: ``intro`` and ``note`` sentences, the tables'
    ``header`` and ``sections``,
    each with its ``label``, ``rows`` (``phenomenon``, ``what``, ``item``,
    ``share``, ``base``, ``zone``: the zone's figure beside it) and the same
    rows by phenomenon (``groups``: ``phenomenon``, ``rows``), or its
    ``line``; None when the report has none."""
    block = model.get("municipalities")
    if not block or not block["sections"]:
        return None
    rules = model["base_rules"]
    sections = []
    for section in block["sections"]:
        entry: Json = {"code": section["code"], "label": section["label"]}
        if section["status"] != "shown":
            entry["line"] = _status_line(section)
        else:
            entry["rows"] = [_row(model, f) for f in section["figures"]]
            entry["groups"] = _groups(entry["rows"])
        sections.append(entry)
    weighted = block["estimates"] == "weighted"
    return {
        # Python gettext does not format a msgid without values: one "%".
        "header": [
            _("Phenomenon"),
            _("Question"),
            _("Share (interval at 95%)"),
            _("Base"),
            _("Whole zone"),
        ],
        "intro": _(
            "One section per %(dimension)s, for its mayor: the residents' feeling of unsafety "
            "and their figures behind the proposed priorities and attention points. Each "
            "percentage is a share of the residents of that %(dimension)s who answered the "
            "question, in whole percentages with its 95%% interval between brackets. A "
            "%(dimension)s with too few answers is not shown apart.",
            dimension=dimension_label(block["dimension"]),
        ),
        "note": " ".join(
            [
                _("The percentages are weighted.")
                if weighted
                else _("The percentages are unweighted."),
                _(
                    "x = not shown, to protect respondents; - = fewer than %(n)s answers; "
                    "%(mark)s = fewer than %(m)s answers: read with care. Base: the group's "
                    "residents who answered the question.",
                    n=rules["hidden_below"],
                    mark=UNRELIABLE_MARK,
                    m=rules["unreliable_below"],
                ),
                _("Whole zone: the same share among all residents of the zone who answered."),
            ]
        ),
        "sections": sections,
    }
