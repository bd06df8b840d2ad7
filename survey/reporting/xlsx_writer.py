"""The report as an XLSX workbook: one sheet per table, plus a contents sheet.

Suppressed cells are written as the letter "x": the number is absent from
the file, so nobody can unhide it (a hidden column or a white font would
still hold the value). Percentages are numbers 0-100 with two decimals, as
in the JSON. The first percentage of every table is its ``estimate``
(weighted when the report is weighted, ``survey.analysis.estimates``),
headed as weighted or unweighted; a weighted table adds the unweighted
percentage for comparison. Texts (labels, titles, quotes, names) are string
cells, never formulas or links (``survey.privacy.spreadsheets``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext

from survey.analysis.model import QuestionResult, Report
from survey.analysis.priority import INDICATOR_BASES, indicator_label
from survey.analysis.tables import (
    HIDDEN,
    CategoricalTable,
    GridTable,
    MatrixTable,
    MultipleTable,
    NumberTable,
    RankingTable,
    TextTable,
)
from survey.analysis.weighting_summary import column_label, dimension_label
from survey.privacy.spreadsheets import xlsx_workbook
from survey.reporting import partners
from survey.reporting.decision import matrix_columns, proposal_words
from survey.reporting.html_writer import disclosure_sentence
from survey.reporting.methods import consultation_title

Json = dict[str, Any]
SUPPRESSED = "x"


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


class _Book:
    """Sheets with unique names of at most 31 characters and a contents list."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.book = xlsx_workbook(self.buffer, {"in_memory": True})
        self.bold = self.book.add_format({"bold": True})
        self.title = self.book.add_format({"bold": True, "font_size": 13, "font_color": "#1d4f91"})
        self.pct = self.book.add_format({"num_format": "0.00"})
        self.muted = self.book.add_format({"font_color": "#5a6270", "italic": True})
        self.contents: list[tuple[str, str]] = []
        self.names: set[str] = set()
        self.index = self.book.add_worksheet(_("Contents")[:31])
        self.names.add(self.index.name.lower())

    def sheet(self, name: str, title: str) -> Any:
        base = re.sub(r"[\[\]:*?/\\]", "_", name)[:28] or "tabel"
        candidate = base
        number = 2
        while candidate.lower() in self.names:
            suffix = f"~{number}"
            candidate = base[: 31 - len(suffix)] + suffix
            number += 1
        self.names.add(candidate.lower())
        worksheet = self.book.add_worksheet(candidate)
        worksheet.write(0, 0, title, self.title)
        worksheet.set_column(0, 0, 46)
        worksheet.set_column(1, 12, 13)
        self.contents.append((candidate, title))
        return worksheet

    def close(self) -> bytes:
        self.index.write(0, 0, _("Contents"), self.title)
        self.index.set_column(0, 0, 32)
        self.index.set_column(1, 1, 90)
        for row, (name, title) in enumerate(self.contents, start=2):
            self.index.write_url(row, 0, f"internal:'{name}'!A1", string=name)
            self.index.write(row, 1, title)
        self.book.close()
        return self.buffer.getvalue()


def _value(value: Any, suppressed: bool) -> Any:
    if suppressed:
        return SUPPRESSED
    return value


def _shown(value: Any) -> Any:
    """A figure of the weighting facts, "x" when suppressed."""
    return SUPPRESSED if value is None else value


def _write_row(book: _Book, ws: Any, row: int, values: list[Any]) -> None:
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, float):
            ws.write_number(row, col, value, book.pct)
        else:
            ws.write(row, col, value)


def _estimate_header(kind: str) -> str:
    if kind == "weighted":
        return _("Weighted percent")
    if kind == "margins":
        return _("Weighted percent (population margins)")
    return _("Percent (unweighted)")


def _option_sheet(
    book: _Book, name: str, title: str, table: Json, model: Json, ranking: bool
) -> None:
    ws = book.sheet(name, title)
    kind = table.get("estimates", "unweighted")
    headers = [
        _("Answer"),
        _("Code"),
        _("Chosen") if ranking else _("Number"),
        _estimate_header(kind),
        _("Interval (95%), lower bound"),
        _("Interval (95%), upper bound"),
    ]
    if kind != "unweighted":
        headers += [
            _("Unweighted percent"),
            _("Unweighted interval (95%), lower bound"),
            _("Unweighted interval (95%), upper bound"),
        ]
    if ranking:
        headers += [_("First place"), _("Borda points")]
    headers.append(_("Suppressed"))
    for col, header in enumerate(headers):
        ws.write(2, col, header, book.bold)
    row = 3
    for option in table.get("options") or []:
        hidden = bool(option.get("suppressed"))
        label = option["label"] + (f" ({_('not in the base')})" if option.get("missing") else "")
        estimate_ci = option.get("estimate_ci95") or [None, None]
        # A ranking counts how often an option was chosen at all, then adds
        # the first places and the Borda score.
        prefix = "chosen_" if ranking else ""
        values = [
            label,
            option["code"],
            _value(option.get(f"{prefix}count"), hidden),
            _value(option.get("estimate"), hidden),
            _value(estimate_ci[0], hidden),
            _value(estimate_ci[1], hidden),
        ]
        if kind != "unweighted":
            ci = option.get("ci95") or [None, None]
            values += [
                _value(option.get(f"{prefix}percent"), hidden),
                _value(ci[0], hidden),
                _value(ci[1], hidden),
            ]
        if ranking:
            values += [
                _value(option.get("first_count"), hidden or bool(option.get("first_suppressed"))),
                _value(option.get("borda"), hidden),
            ]
        values.append(_("yes") if hidden else _("no"))
        _write_row(book, ws, row, values)
        row += 1
    row += 1
    for label, value in (
        (_("Valid answers"), table.get("valid")),
        (_("No answer or don't know"), table.get("missing")),
        (_("Effective n after weighting"), table.get("effective_n")),
        (_("Base"), table.get("base_flag")),
    ):
        if value is None:
            continue
        ws.write(row, 0, label, book.bold)
        ws.write(row, 1, value)
        row += 1


def _options_sheet(book: _Book, question: QuestionResult, model: Json) -> None:
    table = question.figures
    _option_sheet(book, question.key, question.text, table, model, ranking=False)


def _ranking_sheet(book: _Book, question: QuestionResult, model: Json) -> None:
    table = question.figures
    _option_sheet(book, question.key, question.text, table, model, ranking=True)


def _matrix_sheets(book: _Book, question: QuestionResult, model: Json) -> None:
    for row in question.figures.get("rows", []):
        _option_sheet(
            book,
            f"{question.key}.{row['key']}",
            f"{question.text} - {row['label']}",
            row,
            model,
            ranking=False,
        )


def _number_sheets(book: _Book, question: QuestionResult, model: Json) -> None:
    figures = question.figures
    ws = book.sheet(question.key, question.text)
    hidden = bool(figures.get("suppressed"))
    weighted = figures["estimates"] == "weighted"
    ci = figures.get("estimate_ci95") or [None, None]
    lines: list[tuple[str, Any]] = [
        (_("Valid answers"), figures["valid"]),
        (_("No answer"), figures["missing"]),
        (
            _("Weighted mean") if weighted else _("Mean (unweighted)"),
            _value(figures.get("estimate_mean"), hidden),
        ),
        (
            _("Weighted median") if weighted else _("Median (unweighted)"),
            _value(figures.get("estimate_median"), hidden),
        ),
        (_("Interval (95%), lower bound"), _value(ci[0], hidden)),
        (_("Interval (95%), upper bound"), _value(ci[1], hidden)),
    ]
    if weighted:
        lines += [
            (_("Unweighted mean"), _value(figures.get("mean"), hidden)),
            (_("Unweighted median"), _value(figures.get("median"), hidden)),
            (_("Effective n after weighting"), figures.get("effective_n")),
        ]
    for row, (label, value) in enumerate(lines, start=2):
        ws.write(row, 0, label, book.bold)
        if value is not None:
            ws.write(row, 1, value)
    if figures.get("bands"):
        _option_sheet(
            book,
            f"{question.key}.bands",
            question.text,
            {**figures, "options": figures["bands"], "estimates": figures["bands_estimates"]},
            model,
            ranking=False,
        )


def _no_sheet(book: _Book, question: QuestionResult, model: Json) -> None:
    """A text question has no table of its own (its themes have a sheet)."""


def _grid_sheet(book: _Book, question: QuestionResult, model: Json) -> None:
    """A table of a kind without a sheet of its own, as the rows it lays
    itself out in (``Grid``); a kind without a grid has no sheet."""
    table = question.table
    if not isinstance(table, GridTable):
        return
    grid = table.grid()
    ws = book.sheet(question.key, question.text)
    for col, header in enumerate(grid.header):
        ws.write(2, col, header, book.bold)
    row = 3
    for cells in grid.rows:
        _write_row(book, ws, row, [SUPPRESSED if cell is HIDDEN else cell for cell in cells])
        row += 1
    row += 1
    for label, value in grid.notes:
        ws.write(row, 0, label, book.bold)
        if value is not None:
            ws.write(row, 1, value)
        row += 1


QUESTION_SHEETS: dict[str, Callable[[_Book, QuestionResult, Json], None]] = {
    CategoricalTable.kind: _options_sheet,
    MultipleTable.kind: _options_sheet,
    RankingTable.kind: _ranking_sheet,
    MatrixTable.kind: _matrix_sheets,
    NumberTable.kind: _number_sheets,
    TextTable.kind: _no_sheet,
}
"""The sheets of each table kind; another kind gets the sheet of its grid."""


def render_xlsx(report: Report) -> bytes:
    """The report model as an XLSX workbook (bytes): the report's facts, the
    weighting, a sheet per question, the priority matrix, partners, free
    text and the cross-tabs."""
    model = report.to_json()
    book = _Book()
    _report_sheet(book, model)
    _weighting_sheet(book, model)
    for question in report.questions:
        QUESTION_SHEETS.get(question.kind, _grid_sheet)(book, question, model)
    _priorities_sheet(book, model)
    _partner_sheet(book, model)
    _free_text_sheet(book, model)
    for number, tab in enumerate(model.get("crosstabs") or [], start=1):
        _crosstab_sheet(book, number, tab)
    return book.close()


def _report_sheet(book: _Book, model: Json) -> None:
    """The first sheet: what the report is, its disclosure and weighting."""
    ws = book.sheet(_("Report"), model.get("title", ""))
    facts = [
        (_("Survey"), model["survey"]),
        (_("Consultation"), consultation_title(model)),
        (_("Date of the report"), model["generated_on"]),
        (_("Responses"), model["responses"]),
        (_("Suppression threshold"), model["suppression_threshold"]),
        (_("Hidden figures (fewer answers than the threshold)"), model["disclosure"]["primary"]),
        (_("Hidden figures (to protect others)"), model["disclosure"]["complementary"]),
        (_("Disclosure check"), disclosure_sentence(model)),
        (
            _("Figures"),
            _("weighted") if model["estimates"] == "weighted" else _("unweighted"),
        ),
    ]
    weighting = model.get("weighting")
    if weighting:
        facts += [
            (
                _("Weighting dimensions"),
                ", ".join(dimension_label(d) for d in weighting["dimensions"]),
            ),
            # None: suppressed by the disclosure audit (see ``WeightingSummary``).
            (_("Design effect"), _shown(weighting["design_effect"])),
            (_("Effective sample size"), _shown(weighting["effective_n"])),
            (_("Responses without a weight"), _shown(weighting["excluded_responses"])),
        ]
        facts += [(_("Warning"), w["message"]) for w in weighting["warnings"]]
    if model.get("weighting_problem"):
        facts.append((_("Weighting"), model["weighting_problem"]["message"]))
    for row, (label, value) in enumerate(facts, start=2):
        ws.write(row, 0, label, book.bold)
        ws.write(row, 1, value)


def _weighting_sheet(book: _Book, model: Json) -> None:
    """The population margins against the responses (weighted reports)."""
    weighting = model.get("weighting")
    if not weighting:
        return
    ws = book.sheet(_("Weighting"), _("Population margins and responses"))
    headers = [
        _("Characteristic"),
        _("Code"),
        _("Group"),
        _("Population"),
        _("Population %"),
        _("Responses %"),
        _("Weighted %"),
    ]
    for col, header in enumerate(headers):
        ws.write(2, col, header, book.bold)
    for row, m in enumerate(weighting["margins"], start=3):
        _write_row(
            book,
            ws,
            row,
            [
                dimension_label(m["dimension"]),
                m["code"],
                m["label"],
                m["population"],
                m.get("population_percent"),
                SUPPRESSED if m.get("sample_suppressed") else m.get("sample_percent"),
                m.get("weighted_percent"),
            ],
        )


def _crosstab_sheet(book: _Book, number: int, tab: Json) -> None:
    """One cross-tab: per group its number and percentage of each answer."""
    subject = tab.get("row_label") or tab["question_text"]
    name = f"X{number:03d} {tab['question']}" + (f".{tab['row']}" if tab.get("row") else "")
    weighted = tab["estimates"] == "weighted"
    ws = book.sheet(
        name,
        _(
            "%(subject)s by %(dimension)s (%(kind)s)",
            subject=subject,
            dimension=dimension_label(tab["dimension"]),
            kind=_("weighted column percentages") if weighted else _("unweighted"),
        ),
    )
    ws.write(2, 0, _("Answer"), book.bold)
    columns = tab["columns"]
    for col, column in enumerate(columns, start=1):
        label = column_label(tab["dimension"], column["code"], column["label"])
        ws.write(2, 2 * col - 1, _("%(group)s: number", group=label), book.bold)
        ws.write(
            2,
            2 * col,
            (
                _("%(group)s: weighted %%", group=label)
                if weighted
                else _("%(group)s: %% (unweighted)", group=label)
            ),
            book.bold,
        )
    ws.write(3, 0, _("Valid answers"), book.muted)
    for col, column in enumerate(columns, start=1):
        ws.write(3, 2 * col - 1, _value(column["valid"], bool(column["suppressed"])))
    for row, option in enumerate(tab["options"], start=4):
        ws.write(row, 0, option["label"])
        for col, cell in enumerate(option["cells"], start=1):
            hidden = bool(cell["suppressed"])
            ws.write(row, 2 * col - 1, _value(cell["count"], hidden))
            if hidden:
                ws.write(row, 2 * col, SUPPRESSED)
            elif cell["estimate"] is not None:
                ws.write_number(row, 2 * col, cell["estimate"], book.pct)


def _priorities_sheet(book: _Book, model: Json) -> None:
    priorities = model.get("priorities") or []
    if not priorities:
        return
    method = model.get("priority_method") or {}
    weighted = method.get("estimates") == "weighted"
    ws = book.sheet(_("Priority matrix"), _("Priority matrix"))
    ws.write(
        1,
        0,
        _("Residents' indicators weighted") if weighted else _("All indicators unweighted"),
        book.muted,
    )
    names = matrix_columns(priorities)
    based = [n for n in names if n in INDICATOR_BASES]
    headers = [
        _("Phenomenon"),
        _("Key"),
        _("Federal priority"),
        *[indicator_label(n) for n in names],
        _("Score"),
        _("Rank"),
        _("Rank interval low"),
        _("Rank interval high"),
        _("Proposal"),
        _("Reason"),
    ]
    if weighted:
        headers += [
            _("%(indicator)s, unweighted", indicator=indicator_label(n))
            for n in ("concern", "priority", "victimisation")
        ]
    headers += [_("Base: %(indicator)s", indicator=indicator_label(n)) for n in based]
    for col, header in enumerate(headers):
        ws.write(2, col, header, book.bold)
    for row, p in enumerate(priorities, start=3):
        hidden = set(p.get("suppressed_indicators") or [])
        interval = p.get("rank_interval") or [None, None]
        shown = p["estimate_indicators"]
        too_few = (p.get("objective") or {}).get("trend_note") == "too_few_facts"
        values = [p["label"], p["phenomenon"], _("yes") if p["federal_priority"] else _("no")]
        values += [
            SUPPRESSED
            if n in hidden
            else _("too few facts")
            if n == "trend" and too_few
            else shown.get(n)
            for n in names
        ]
        values += [
            p.get("score"),
            p.get("rank"),
            interval[0],
            interval[1],
            proposal_words(p),
            p.get("reason"),
        ]
        if weighted:
            values += [
                SUPPRESSED if n in hidden else p["indicators"].get(n)
                for n in ("concern", "priority", "victimisation")
            ]
        values += [p["bases"].get(n) for n in based]
        _write_row(book, ws, row, values)
    row = len(priorities) + 4
    ws.write(row, 0, _("Weights"), book.bold)
    for offset, (name, weight) in enumerate((method.get("weights") or {}).items(), start=1):
        ws.write(row + offset, 0, indicator_label(name))
        ws.write(row + offset, 1, weight)
    row += len(method.get("weights") or {}) + 2
    ws.write(row, 0, _("Share of each source in the score"), book.bold)
    labels = {
        "residents": _("residents"),
        "partners": _("partners"),
        "registered": _("registered facts"),
    }
    for offset, source in enumerate(method.get("sources") or [], start=1):
        ws.write(row + offset, 0, labels.get(source["source"], source["source"]))
        ws.write_number(row + offset, 1, source["weight_share"])
        if source["people"] is not None:
            ws.write_number(row + offset, 2, source["people"])


def _partner_indicator_sheet(book: _Book, model: Json) -> None:
    """The partners' indicator per phenomenon (the matrix rows' ``partners``)."""
    indicators = partners.indicator_rows(model.get("priorities") or [])
    if not indicators:
        return
    ws = book.sheet(
        _("Partners' indicator"), _("What partners want the zone to do, per phenomenon")
    )
    names = partners.indicator_columns()
    for col, header in enumerate([_("Phenomenon"), _("Key"), *(h for _n, h in names)]):
        ws.write(2, col, header, book.bold)
    for row, entry in enumerate(indicators, start=3):
        _write_row(
            book,
            ws,
            row,
            [
                entry["label"],
                entry["phenomenon"],
                *(SUPPRESSED if entry[k] is None else entry[k] for k, _h in names),
            ],
        )


def _partner_sheet(book: _Book, model: Json) -> None:
    """Sectors, the rule sentences and every comment (with its phenomena);
    then the answers per phenomenon, one row per group and option, as the
    report shows them (``survey.reporting.partners``)."""
    partner = model.get("partner_input") or {}
    if not partner.get("responses"):
        return
    ws = book.sheet(_("Partners"), _("Input from partners"))
    row = 2
    for sentence in partners.rule_sentences(partner):
        ws.write(row, 0, sentence, book.muted)
        row += 1
    row += 1
    ws.write(row, 0, _("Sector"), book.bold)
    ws.write(row, 1, _("Organisations"), book.bold)
    for sector in partners.sector_rows(partner, model["language"]):
        row += 1
        note = f" ({sector['note']})" if sector["note"] else ""
        ws.write(row, 0, sector["text"] + note)
        ws.write(row, 1, sector["n"])
    row += 2
    ws.write(row, 0, _("What partners wrote"), book.bold)
    ws.write(row, 1, _("Organisation"), book.bold)
    ws.write(row, 2, _("Phenomena"), book.bold)
    labels = {p["phenomenon"]: p["label"] for p in partner.get("phenomena") or []}
    for quote in partner.get("quotes", []):
        row += 1
        ws.write(row, 0, quote["text"])
        ws.write(row, 1, partners.source(quote))
        ws.write(row, 2, ", ".join(labels.get(p, p) for p in quote["phenomena"]))
    _partner_places(book, ws, row + 2, partner, model["language"])
    _partner_indicator_sheet(book, model)
    if not partner.get("phenomena"):
        return
    ws = book.sheet(_("Partners per phenomenon"), _("What partners answered, per phenomenon"))
    headers = [
        _("Phenomenon"),
        _("Question"),
        _("Organisation or group"),
        _("Organisations"),
        _("Answer"),
        _("Number"),
    ]
    for col, header in enumerate(headers):
        ws.write(2, col, header, book.bold)
    groups = {g["key"]: g for g in partner.get("groups") or []}
    row = 2
    for phenomenon in partner["phenomena"]:
        for answers in phenomenon["answers"]:
            for entry in answers["groups"]:
                group = groups[entry["group"]]
                counted = [
                    *(
                        (o["label"], n)
                        for o, n in zip(answers["options"], entry["counts"], strict=True)
                    ),
                    (_("no answer"), entry["no_answer"]),
                ]
                for label, n in counted:
                    row += 1
                    _write_row(
                        book,
                        ws,
                        row,
                        [
                            phenomenon["label"],
                            answers["text"],
                            partners.plain(partners.group_label(group, partner, model["language"])),
                            group["organisations"],
                            label,
                            n,
                        ],
                    )


def _partner_places(book: _Book, ws: Any, row: int, partner: Json, language: str) -> None:
    """The places partners named per phenomenon ("Where does this happen
    most?"), from ``row`` on: redacted, and named as the comments are."""
    places = [
        (section["label"], short["question"], answer)
        for section in partners.partner_sections(partner, language=language)
        for short in section["short_answers"]
        for answer in short["answers"]
    ]
    if not places:
        return
    for col, header in enumerate(
        (_("Places partners named"), _("Organisation"), _("Phenomenon"), _("Question"))
    ):
        ws.write(row, col, header, book.bold)
    for label, question, answer in places:
        row += 1
        _write_row(book, ws, row, [answer["text"], answer["source"], label, question])


def _free_text_sheet(book: _Book, model: Json) -> None:
    free = model.get("free_text") or {}
    if not free.get("comments"):
        return
    ws = book.sheet(_("Comments"), _("What residents wrote"))
    ws.write(2, 0, _("Phenomenon"), book.bold)
    ws.write(2, 1, _("Comments"), book.bold)
    row = 3
    for theme in free["themes"]:
        ws.write(row, 0, theme["label"])
        ws.write(row, 1, _value(theme["count"], bool(theme["suppressed"])))
        for quote in theme["quotes"]:
            row += 1
            ws.write(row, 0, quote, book.muted)
        row += 1
