"""The report as HTML, from the templates in ``reports/`` (a zone may restyle
them): the planner workspace shows the fragment, the download and the PDF
use the whole document.

Everything shown comes from the report model's published JSON
(``Report.to_json()``); the writer only adds charts (drawn from the same
numbers) and sentences that put key figures in words. Every percentage,
mean and indicator shown is the ``estimate`` the JSON holds (weighted when
the report is weighted, ``survey.analysis.estimates``), labelled as
weighted or unweighted; the writer never picks or recomputes one.
Questions are shown by the kind of their table
(``survey.analysis.tables``), never by their question type.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext, ngettext
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from survey.analysis.model import QuestionResult, Report
from survey.analysis.priority import indicator_label
from survey.analysis.tables import (
    CategoricalTable,
    MatrixTable,
    MultipleTable,
    NumberTable,
    RankingTable,
)
from survey.analysis.weighting_summary import column_label, dimension_label, mode_label
from survey.reporting import charts, partners
from survey.reporting.chart_store import ChartImage
from survey.reporting.charts import Chart
from survey.reporting.decision import (
    decision_page,
    matrix_columns,
    partner_indicator,
    proposal_words,
)
from survey.reporting.methods import day, fieldwork_sentences, untranslated_note
from survey.reporting.municipalities import municipality_sections
from survey.reporting.numbers import ci_text, fixed, integer, num, pct, whole
from survey.reporting.print_charts import print_uri

REPORTS_FOLDER = Path(__file__).resolve().parents[2] / "reports"
TEMPLATE = "input_report.html"
STYLESHEET = "report.css"

Json = dict[str, Any]


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


def reports_folder() -> Path:
    """``reports/`` of the project, or ``SURVEY_REPORTS_FOLDER`` when set."""
    if has_app_context():
        configured = current_app.config.get("SURVEY_REPORTS_FOLDER")
        if configured:
            return Path(configured)
    return REPORTS_FOLDER


def environment() -> Environment:
    """The Jinja environment of the report templates, with gettext and the
    number filters (``pct``, ``num``, ``int``, ``ci``, ``whole``): one per
    reports folder, so a template is compiled once per process (~60 ms of
    every report page otherwise), and compiled again when its file changes
    (Jinja checks the file's time)."""
    return _environment(str(reports_folder()))


@functools.lru_cache(maxsize=4)
def _environment(folder: str) -> Environment:
    # A restyled folder (SURVEY_REPORTS_FOLDER) need not copy every table
    # partial: what it lacks comes from the project's own reports/.
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(folder), FileSystemLoader(str(REPORTS_FOLDER))]),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, newstyle=True
    )
    env.filters["pct"] = pct
    env.filters["num"] = fixed
    env.filters["int"] = integer
    env.filters["ci"] = ci_text
    env.filters["whole"] = whole
    return env


def stylesheet() -> str:
    """The report's stylesheet (``report.css`` of the reports folder)."""
    return (reports_folder() / STYLESHEET).read_text(encoding="utf-8")


class FigureNumbers:
    """Numbers the report's figures in the order the template shows them."""

    def __init__(self) -> None:
        """Start at figure 1."""
        self.count = 0

    def next(self) -> int:
        """The number of the next figure."""
        self.count += 1
        return self.count


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: letters, digits and spaces as they
    are, every other character as a CSS escape (no quote or ``<`` can end
    the string or the style element)."""
    escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def render_report_html(
    report: Report,
    *,
    standalone: bool = False,
    pdf: bool = False,
    chart_image: Callable[[Chart], ChartImage] | None = None,
) -> str:
    """The report as HTML. ``standalone`` gives a whole document with the
    stylesheet embedded (a downloaded file has no server to fetch it from);
    otherwise a fragment for a page that links ``reports/report.css`` itself
    (the workspace's CSP refuses inline styles). ``pdf`` adds the title page
    and page layout of the annex. ``chart_image`` gives each chart's
    ``<img>`` (the report page's served charts,
    ``survey.reporting.chart_store``); without it every chart is drawn
    into the document. The template gets the published JSON as ``r`` and
    the questions by page as ``themes`` (``kind``, ``figures``)."""
    env = environment()
    template = env.get_template(TEMPLATE)
    model = report.to_json()
    # The PDF paints a lighter rendition of the same SVG.
    chart_uri = print_uri if pdf else screen_uri
    return template.render(
        r=model,
        charts=build_charts(report),
        chart_uri=chart_uri,
        chart_image=chart_image or (lambda chart: embedded_image(chart, chart_uri)),
        figures=FigureNumbers(),
        d=decision_page(model),
        m=municipality_sections(model),
        fw=fieldwork_sentences(model),
        title_note=untranslated_note(model["language"], model["consultation"]["title_language"]),
        day=day,
        summary=summary_sentences(model),
        method=method_sentences(model),
        matrix=matrix_sentences(model),
        standalone=standalone or pdf,
        pdf=pdf,
        css=stylesheet() if (standalone or pdf) else "",
        # The running footer of the PDF's pages, in the report's language.
        page_footer=css_string(_("Input report ZVP")),
        themes=themes(report),
        dimension_label=dimension_label,
        indicator_label=indicator_label,
        proposal_words=proposal_words,
        column_label=column_label,
        mode_label=mode_label,
        concern_rule=concern_rule,
        base_note=base_note,
        partner_sections=partners.partner_sections(
            model.get("partner_input") or {}, model.get("priorities") or [], model["language"]
        ),
        partner_sectors=partners.sector_rows(model.get("partner_input") or {}, model["language"]),
        partner_indicators=partners.indicator_rows(model.get("priorities") or []),
        partner_indicator_columns=partners.indicator_columns(),
        partner_other_quotes=partners.untagged_quotes(model.get("partner_input") or {}),
        partner_rules=partners.rule_sentences(model.get("partner_input") or {}),
        partner_source=partners.source,
    )


def screen_uri(chart: Chart) -> str:
    """The chart for ``<img src>`` on screen and in the HTML download."""
    return chart.data_uri


def embedded_image(chart: Chart, uri: Callable[[Chart], str]) -> ChartImage:
    """A chart drawn into the document as a data address (the downloads
    are read without the server), without a size: the SVG has its own."""
    return ChartImage(uri(chart), 0, 0, lazy=False)


def themes(report: Report) -> list[Json]:
    """Questions grouped by survey page, in page order (the results per theme)."""
    pages: dict[str, Json] = {
        key: {"key": key, "title": title, "questions": []} for key, title in report.pages
    }
    for question in report.questions:
        pages.setdefault(
            question.page,
            {"key": question.page, "title": question.page_title, "questions": []},
        )["questions"].append(question)
    return [p for p in pages.values() if p["questions"]]


def _option_bars(question: QuestionResult) -> Chart | None:
    """Bars of the options' percentages (categorical, multiple, ranking)."""
    table = question.table
    assert isinstance(table, CategoricalTable | MultipleTable | RankingTable)
    figures = question.figures
    options = [o for o in figures["options"] if not o.get("missing")]
    if all(o.get("estimate") is None for o in options):
        return None  # nothing to draw: every percentage is hidden
    return charts.bar_chart(
        question.text,
        [o["label"] for o in options],
        [o.get("estimate") for o in options],
        [o.get("estimate_ci95") for o in options],
        unit_note=(
            _("percent of respondents who chose an option (line: interval at 95%)")
            if table.percent_of == "respondents"
            else ""
        ),
        kind=figures["estimates"],
    )


def _matrix_bars(question: QuestionResult) -> Chart | None:
    """One stacked bar per matrix row."""
    rows = question.figures["rows"]
    if not rows or all(o.get("estimate") is None for r in rows for o in r["options"]):
        return None
    return charts.stacked_bars(
        question.text,
        [
            (row["label"], [o.get("estimate") for o in row["options"] if not o.get("missing")])
            for row in rows
        ],
        [o["label"] for o in rows[0]["options"] if not o.get("missing")],
        kind=rows[0]["estimates"],
    )


def _band_bars(question: QuestionResult) -> Chart | None:
    """Bars of the bands of a number."""
    figures = question.figures
    bands = figures.get("bands")
    if not bands or all(b.get("estimate") is None for b in bands):
        return None
    return charts.bar_chart(
        question.text,
        [b["label"] for b in bands],
        [b.get("estimate") for b in bands],
        [b.get("estimate_ci95") for b in bands],
        kind=figures["bands_estimates"],
    )


QUESTION_CHARTS: dict[str, Callable[[QuestionResult], Chart | None]] = {
    CategoricalTable.kind: _option_bars,
    MultipleTable.kind: _option_bars,
    RankingTable.kind: _option_bars,
    MatrixTable.kind: _matrix_bars,
    NumberTable.kind: _band_bars,
}
"""The chart of each table kind (a text has none)."""


def build_charts(report: Report) -> dict[str, Chart]:
    """Charts keyed by question key (a matrix gets one stacked chart);
    ``priority_matrix`` and ``response``."""
    found: dict[str, Chart] = {}
    for question in report.questions:
        draw = QUESTION_CHARTS.get(question.kind)
        chart = draw(question) if draw is not None else None
        if chart is not None:
            found[question.key] = chart
    model = report.to_json()
    priorities = model.get("priorities") or []
    if priorities:
        weighted = model["priority_method"]["estimates"] == "weighted"
        y_name = partner_indicator(priorities)
        found["priority_matrix"] = charts.bubble_chart(
            _("Priority matrix"),
            [
                (
                    p["label"],
                    p.get("rank"),
                    p["estimate_indicators"].get("concern"),
                    p["estimate_indicators"].get(y_name),
                    p["estimate_indicators"].get("facts"),
                )
                for p in priorities
            ],
            x_label=(
                _("residents: weighted share who see it as a problem (%)")
                if weighted
                else _("residents: unweighted share who see it as a problem (%)")
            ),
            y_label=(
                _("partners: mean importance (1-5)")
                if y_name == "importance"
                else _("partners: share who want it as a priority (%)")
            ),
            size_label=_("registered facts"),
            caption=(
                _("Residents' figures weighted; partners' figures are never weighted.")
                if weighted
                else _("Unweighted figures.")
            ),
        )
    ranked = [p for p in priorities if p.get("rank") is not None]
    rule = (model.get("priority_method") or {}).get("label_rule")
    if ranked and rule:
        found["priority_ranks"] = charts.rank_chart(
            _("Score and rank of every phenomenon"),
            [
                (
                    p["label"],
                    p["rank"],
                    p.get("rank_interval"),
                    p.get("score"),
                    p["proposal_key"],
                    proposal_words(p),
                )
                for p in ranked
            ],
            [
                (int(rule["priority_max_rank"]), _("priorities")),
                (int(rule["attention_max_rank"]), _("attention points")),
            ],
        )
    district = _district_response(model)
    if district is not None:
        found["response"] = district
    return found


def _district_response(model: Json) -> Chart | None:
    weighting = model.get("weighting")
    if not weighting:
        return None
    margins = [m for m in weighting["margins"] if m["dimension"] == "district"]
    if not margins:
        return None
    return charts.grouped_bars(
        _("Responses and population per district"),
        [m["label"] for m in margins],
        [
            (_("responses (unweighted)"), [m.get("sample_percent") for m in margins]),
            (_("population"), [m.get("population_percent") for m in margins]),
        ],
    )


def _join(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return _("%(first)s and %(last)s", first=", ".join(items[:-1]), last=items[-1])


def _or(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s or %(last)s", first=", ".join(items[:-1]), last=items[-1])


def base_note(table: Json, rules: Json) -> str:
    """The note under a table whose percentages are not shown or are
    flagged (its ``base_flag``). A base the disclosure control hid
    (``valid_suppressed``) is no small base: the note says it protects
    respondents, never that there were too few answers."""
    if table.get("valid_suppressed"):
        return _(
            "The number of valid answers is not shown, to protect respondents in other "
            "tables; so are the percentages."
        )
    flag = table.get("base_flag")
    if flag == "hidden":
        return _(
            "Fewer than %(n)s valid answers: percentages are not shown.", n=rules["hidden_below"]
        )
    if flag == "unreliable":
        return _(
            "Fewer than %(n)s valid answers: read the percentages with care.",
            n=rules["unreliable_below"],
        )
    return ""


def concern_rule(figures: Json) -> str:
    """The concern rule of a ``measure: concern`` question in words: which
    answers count as a problem, which do not, and that the missing ones
    ("weet niet") stay out of the base (the survey file's ``concern_codes``
    and ``missing`` options)."""
    rows = figures.get("rows")
    options = rows[0]["options"] if rows else figures.get("options") or []
    codes = set(figures.get("concern_codes") or [])
    quoted = [(o, f"\u201c{o['label']}\u201d") for o in options]
    counted = [q for o, q in quoted if o["code"] in codes]
    others = [q for o, q in quoted if o["code"] not in codes and not o.get("missing")]
    missing = [q for o, q in quoted if o.get("missing")]
    sentence = _(
        "Concern indicator: a respondent counts as seeing a problem when they answer "
        "%(counted)s (on at least one row of the phenomenon); %(others)s does not count.",
        counted=_or(counted),
        others=_or(others),
    )
    if missing:
        sentence += " " + _(
            "%(missing)s is left out of the base, like an unanswered question.",
            missing=_or(missing),
        )
    return sentence


def _participation(model: Json) -> list[str]:
    """Who answered, and whether there are enough answers to show shares."""
    if model.get("audience") == "partner":
        first = _(
            "%(n)s partner organisations took part in the survey.", n=integer(model["responses"])
        )
    else:
        first = _("%(n)s residents took part in the survey.", n=integer(model["responses"]))
    sentences = [first]
    hidden_below = model["base_rules"]["hidden_below"]
    if model["responses"] < hidden_below:
        sentences.append(
            _(
                "With this few responses the report cannot show percentages yet: a percentage "
                "needs at least %(n)s answers, and numbers of 1 to %(last)s answers are hidden.",
                n=hidden_below,
                last=model["suppression_threshold"] - 1,
            )
        )
    return sentences


def _weighting_sentence(model: Json) -> str:
    weighting = model.get("weighting")
    if weighting:
        return _(
            "The results are weighted so that they match the population by %(dimensions)s.",
            dimensions=_join([dimension_label(d) for d in weighting["dimensions"]]),
        )
    if model.get("weighting_problem"):
        return _(
            "The results are unweighted: weighting to the population margins is not possible "
            "yet (see the chapter on how the consultation was done)."
        )
    return _("The results are unweighted: they describe the people who answered.")


def _figure_sentences(p: Json, hidden_below: int, weighted: bool) -> list[str]:
    """The concern and priority share of one phenomenon in words, whole
    percentages, each saying whether it is weighted; a share on fewer
    answers than a table would show is not quoted."""
    shown = {
        name: value
        for name, value in p["estimate_indicators"].items()
        if p["bases"].get(name, hidden_below) >= hidden_below
    }
    label = p["label"].lower()
    sentences = []
    if shown.get("concern") is not None:
        values = {"share": whole(shown["concern"]), "label": label}
        sentences.append(
            _(
                "%(share)s of residents say %(label)s is a problem in their neighbourhood "
                "(weighted).",
                **values,
            )
            if weighted
            else _(
                "%(share)s of residents say %(label)s is a problem in their neighbourhood "
                "(unweighted).",
                **values,
            )
        )
    if shown.get("priority") is not None:
        values = {"share": whole(shown["priority"]), "label": label}
        sentences.append(
            _(
                "%(share)s of residents put %(label)s among the problems the police should "
                "tackle first (weighted).",
                **values,
            )
            if weighted
            else _(
                "%(share)s of residents put %(label)s among the problems the police should "
                "tackle first (unweighted).",
                **values,
            )
        )
    return sentences


def summary_sentences(model: Json) -> list[str]:
    """The summary in plain Dutch (B1): what residents find most pressing,
    in whole percentages, then the proposals, then who answered and whether
    the figures are weighted (the figures the report shows,
    ``estimate_indicators``), and that the council decides."""
    hidden_below = model["base_rules"]["hidden_below"]
    priorities = [p for p in model.get("priorities") or [] if p.get("rank") is not None]
    weighted = (model.get("priority_method") or {}).get("estimates") == "weighted"
    sentences = _participation(model)
    if priorities:
        sentences.append(
            _(
                "The priority matrix ranks these phenomena highest: %(names)s.",
                names=_join([p["label"] for p in priorities[:3]]),
            )
        )
    for p in priorities[:3]:
        sentences.extend(_figure_sentences(p, hidden_below, weighted))
    proposed = [p["label"] for p in priorities if p.get("proposal_key") == "priority"]
    attention = [p["label"] for p in priorities if p.get("proposal_key") == "attention"]
    if proposed:
        sentences.append(_("Proposed as priorities: %(names)s.", names=_join(proposed)))
    if attention:
        sentences.append(_("Proposed as attention points: %(names)s.", names=_join(attention)))
    sentences.append(_weighting_sentence(model))
    sentences.append(
        _("These are proposals for the zonal security council; the council chooses the priorities.")
    )
    return sentences


def disclosure_sentence(model: Json) -> str:
    """The disclosure audit's verdict in words (methods section)."""
    verdict = model.get("disclosure") or {}
    values = {
        "primary": integer(verdict.get("primary", 0)),
        "complementary": integer(verdict.get("complementary", 0)),
        "width": model["suppression_threshold"],
    }
    if verdict.get("audited"):
        return _(
            "%(primary)s figures are hidden because they rest on too few answers, and "
            "%(complementary)s more to protect them. A check of every published figure "
            "(linear programming) confirms that no hidden number can be narrowed down to "
            "fewer than %(width)s possible values.",
            **values,
        )
    return _(
        "%(primary)s figures are hidden because they rest on too few answers, and "
        "%(complementary)s more to protect them. The check of every published figure could "
        "not protect every hidden number: do not publish this report.",
        **values,
    )


def _collapsed_sentences(weighting: Json) -> Json:
    """The groups weighted together and the characteristics that dropped
    out of the weighting, in words (``survey.analysis.collapsing``)."""
    result: Json = {}
    if weighting.get("collapsed"):
        minimum = weighting.get("collapse_minimum") or 0
        result["collapsed"] = (
            _(
                "Groups with fewer than %(minimum)s complete responses are weighted together "
                "with a neighbouring group (an age band with the adjacent band that has fewer "
                "responses; other groups only where the planner said which), so that no weight "
                "rests on a handful of people. Their population margins are added up. "
                "Weighted together:",
                minimum=integer(minimum),
            )
            if minimum
            else _(
                "Groups are weighted together where the planner said so; their population "
                "margins are added up. Weighted together:"
            )
        )
        result["collapsed_groups"] = [_collapsed_line(g) for g in weighting["collapsed"]]
    unanswered = weighting.get("unanswered_weighted") or []
    if unanswered:
        result["unanswered"] = _(
            "Responses without an answer on %(dimensions)s are weighted on the other "
            "characteristics only: on this one they keep their own number.",
            dimensions=_join([dimension_label(d) for d in unanswered]),
        )
    dropped = weighting.get("dropped_dimensions") or []
    if dropped:
        result["dropped"] = _(
            "%(dimensions)s is not used for the weighting: its groups had too few responses, "
            "even weighted together, to be weighted separately.",
            dimensions=_join([dimension_label(d) for d in dropped]),
        )
    return result


def _collapsed_line(group: Json) -> str:
    """One merged category in words: its members with their responses, or
    without numbers where they are not published."""
    lacking = set(group.get("lacking") or [])
    members = []
    for code, label, n in zip(group["codes"], group["labels"], group["responses"], strict=True):
        name = _("%(label)s (not in the margins)", label=label) if code in lacking else label
        if n is not None:
            name = str(
                ngettext("%(name)s: %(num)s response", "%(name)s: %(num)s responses", n, name=name)
            )
        members.append(name)
    dimension, groups = dimension_label(group["dimension"]), " + ".join(members)
    if group["suppressed"]:
        return _(
            "%(dimension)s: %(groups)s (the numbers of responses are not published)",
            dimension=dimension,
            groups=groups,
        )
    return _("%(dimension)s: %(groups)s", dimension=dimension, groups=groups)


def _excluded_line(group: Json) -> str:
    """One group of responses left out of the weighting, in words (its
    number is "x" when suppressed)."""
    dimension = dimension_label(group["dimension"])
    if group["responses"] is None:
        if group["reason"] == "no_answer":
            return _("x responses without an answer on %(dimension)s", dimension=dimension)
        return _(
            "x responses with %(dimension)s %(label)s, a group the margins lack",
            dimension=dimension,
            label=group["label"] or group["code"],
        )
    if group["reason"] == "no_answer":
        return str(
            ngettext(
                "%(num)s response without an answer on %(dimension)s",
                "%(num)s responses without an answer on %(dimension)s",
                group["responses"],
                dimension=dimension,
            )
        )
    return str(
        ngettext(
            "%(num)s response with %(dimension)s %(label)s, a group the margins lack",
            "%(num)s responses with %(dimension)s %(label)s, a group the margins lack",
            group["responses"],
            dimension=dimension,
            label=group["label"] or group["code"],
        )
    )


def method_sentences(model: Json) -> Json:
    """Sentences of the method section (numbers Dutch-style)."""
    weighting = model.get("weighting")
    result: Json = {
        "threshold": _(
            "Every figure based on 1 to %(last)s answers is not shown (marked x), so that "
            "nobody can be recognised. Other figures are hidden too where a hidden number "
            "could otherwise be worked out from totals, percentages, rankings or other "
            "tables.",
            last=model["suppression_threshold"] - 1,
        ),
        "disclosure": disclosure_sentence(model),
        "bases": _(
            "Percentages on fewer than %(hidden)s answers are not shown; percentages on fewer "
            "than %(unreliable)s answers are marked as uncertain. A group of fewer than "
            "%(hidden)s respondents gets no column of its own in the cross-tabs: its "
            "respondents are counted under \u201cunknown\u201d.",
            hidden=model["base_rules"]["hidden_below"],
            unreliable=model["base_rules"]["unreliable_below"],
        ),
        "ci": _(
            "Each percentage has an interval (at 95%): the range in which the true share in "
            "the population lies, with a certainty of 95%. The more answers, the narrower the "
            "interval. Two percentages whose intervals overlap may not really differ."
        ),
        "excluded": "",
        "excluded_groups": [],
        "collapsed": "",
        "collapsed_groups": [],
        "dropped": "",
        "unanswered": "",
        "order": "",
    }
    shuffled = [f"\u201c{q['text']}\u201d" for q in model["questions"] if q.get("shuffled")]
    if shuffled:
        result["order"] = _(
            "Every respondent saw the options of %(questions)s in an order of their own, drawn "
            "at random, so that no option gains from being listed first. Options such as "
            "\u201cdon't know\u201d or \u201cnone of these\u201d kept their place at the "
            "end. Paper forms list the options in the order of the survey file.",
            questions=_join(shuffled),
        )
    dimensions = _join([dimension_label(d) for d in weighting["dimensions"]]) if weighting else ""
    if weighting and weighting["design_effect"] is None:
        result["weighting"] = _(
            "Some groups answer more often than others. To correct for this, every answer "
            "gets a weight so that the responses match the population by %(dimensions)s "
            "(raking). Every percentage, mean, cross-tab, indicator and chart in this report is "
            "weighted, with the unweighted number of answers beside it. The design effect and "
            "the effective sample size are not published here: they follow from the number of "
            "responses per group, and would give a group hidden in this report back. For the "
            "same reason no table gives its effective number of answers or the interval of a "
            "weighted percentage.",
            dimensions=dimensions,
        )
    elif weighting:
        result["weighting"] = _(
            "Some groups answer more often than others. To correct for this, every answer "
            "gets a weight so that the responses match the population by %(dimensions)s "
            "(raking). Every percentage, mean, cross-tab, indicator and chart in this report is "
            "weighted, with the unweighted number of answers beside it. The design effect is "
            "%(deff)s: the weighted results are as precise as a simple random sample of "
            "%(neff)s people.",
            dimensions=dimensions,
            deff=num(weighting["design_effect"]),
            neff=integer(weighting["effective_n"]),
        )
    if weighting:
        # Only weights that reach the margins make the dimensions' own shares
        # the margins; otherwise those shares are estimates like the rest.
        margins = (
            _(
                "The shares of %(dimensions)s themselves are the population margins and have "
                "no interval.",
                dimensions=dimensions,
            )
            if weighting["converged"]
            else _(
                "The weights do not reach the population margins, so the shares of "
                "%(dimensions)s in this report are weighted estimates like every other figure, "
                "not the margins themselves.",
                dimensions=dimensions,
            )
        )
        result["weighting"] = f"{result['weighting']} {margins}"
        # None: the number is suppressed (written "x"), not zero.
        if weighting["excluded_responses"] is None or weighting["excluded_responses"]:
            result["excluded"] = _(
                "%(excluded)s responses get no weight: they count in the unweighted numbers "
                "only, never in a weighted figure (they are not given a weight of 0: they are "
                "left out). Per characteristic (a response can lack more than one):",
                excluded=integer(weighting["excluded_responses"]),
            )
            result["excluded_groups"] = [_excluded_line(g) for g in weighting["excluded"]]
        result.update(_collapsed_sentences(weighting))
    elif model.get("weighting_problem"):
        result["weighting"] = _(
            "The results are not weighted: every figure in this report is unweighted and "
            "describes the people who answered."
        )
    else:
        result["weighting"] = _(
            "No population margins were used, so the results are not weighted: every figure "
            "in this report is unweighted and describes the people who answered."
        )
    return result


def base_unit(unit: str) -> str:
    """What an indicator's base counts, in words."""
    return {
        "respondents": _("respondents"),
        "answers": _("answers"),
        "partner_answers": _("answers of partners"),
    }.get(unit, unit)


def matrix_sentences(model: Json) -> Json:
    """What the priority matrix rests on, in words: weighted or not, how much
    each source weighs, and the base of every indicator."""
    method = model.get("priority_method") or {}
    weighted = method.get("estimates") == "weighted"
    result: Json = {
        "estimates": (
            _(
                "The residents' indicators (concern, priority, victimisation) are weighted; the "
                "partners' indicators are never weighted, because partners are not a sample of "
                "the population."
            )
            if weighted
            else _("All indicators are unweighted: they describe the people who answered.")
        ),
        "sources": "",
        "bases": [],
        "columns": matrix_columns(model.get("priorities") or []),
    }
    parts = []
    for source in method.get("sources") or []:
        if not source["indicators"]:
            continue
        share = whole(source["weight_share"] * 100)
        if source["source"] == "residents":
            parts.append(
                _("residents (%(n)s responses) %(share)s", n=integer(source["people"]), share=share)
            )
        elif source["source"] == "partners":
            parts.append(
                _(
                    "partners (%(n)s organisations) %(share)s",
                    n=integer(source["people"]),
                    share=share,
                )
            )
        else:
            parts.append(_("registered facts %(share)s", share=share))
    if parts:
        result["sources"] = _("Share of each source in the score: %(parts)s.", parts=_join(parts))
    bases = (model.get("priority_method") or {}).get("indicator_bases") or {}
    for name, unit in bases.items():
        counts = [
            p["bases"][name] for p in model.get("priorities") or [] if name in p.get("bases", {})
        ]
        if not counts:
            continue
        low, high = min(counts), max(counts)
        result["bases"].append(
            {
                "label": indicator_label(name),
                "unit": base_unit(unit),
                "range": integer(low) if low == high else f"{integer(low)} - {integer(high)}",
            }
        )
    return result
