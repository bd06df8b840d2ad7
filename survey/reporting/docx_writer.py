"""The report as an editable Word document (DOCX, python-docx), for the zone
that writes its ZVP in Word: the same chapters as the PDF annex, with real
headings (the navigation pane and a table of contents find them), real
Word tables with a repeated header row, and the charts as pictures with
their alt text. Every sentence and number is the one the HTML and PDF show:
the writer calls the same builders (``decision_page``, ``summary_sentences``,
``fieldwork_sentences``, ...) over the same report JSON.

And the charts as a ZIP (``render_charts_zip``): per chart an SVG, a PNG and
a CSV of the numbers it draws, for slides and for the ZVP text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from flask_babel import gettext

from survey.analysis.model import Report
from survey.analysis.priority import indicator_label
from survey.analysis.weighting_summary import dimension_label, mode_label
from survey.privacy.spreadsheets import CsvWriter
from survey.reporting import partners
from survey.reporting.charts import Chart
from survey.reporting.decision import decision_page, matrix_columns, proposal_words
from survey.reporting.html_writer import (
    build_charts,
    matrix_sentences,
    method_sentences,
    summary_sentences,
    themes,
)
from survey.reporting.methods import consultation_title, day, fieldwork_sentences
from survey.reporting.municipalities import municipality_sections
from survey.reporting.numbers import ci_text, fixed, integer

Json = dict[str, Any]
PICTURE_WIDTH = Cm(16)


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


def _table(doc: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """A Word table whose header row repeats on every page and whose rows
    are never split across pages."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    for index, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        if index == 0:
            properties.append(OxmlElement("w:tblHeader"))
        properties.append(OxmlElement("w:cantSplit"))
    return table  # type: ignore[no-any-return]


def _picture(doc: DocxDocument, chart: Chart | None, number: list[int]) -> None:
    """A chart as a picture with its alt text and a numbered caption."""
    if chart is None:
        return
    png = chart.png()
    if not png:
        return
    doc.add_picture(io.BytesIO(png), width=PICTURE_WIDTH)
    doc.inline_shapes[-1]._inline.docPr.set("descr", chart.alt)
    number[0] += 1
    caption = _("Figure %(n)s.", n=number[0])
    doc.add_paragraph(f"{caption} {chart.caption}".strip(), style="Caption")


def _language(doc: DocxDocument, language: str) -> None:
    """The document's language (spelling check and screen readers)."""
    run_properties = doc.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), {"nl": "nl-BE", "fr": "fr-BE"}.get(language, language))
    run_properties.append(lang)


def _contents(doc: DocxDocument) -> None:
    """A table of contents as a Word field over the chapter headings (levels
    1 and 2: chapters and municipalities). python-docx cannot lay out page
    numbers, so the field holds a line saying how to fill it, and the
    document asks Word to update its fields when it is opened."""
    doc.add_heading(_("Contents"), level=1)
    paragraph = doc.add_paragraph()
    parts = [("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None)]
    for kind, instruction in parts:
        run = OxmlElement("w:r")
        if kind is not None:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run.append(field)
        else:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            run.append(text)
        paragraph._p.append(run)
    paragraph.add_run(_("Update this table of contents in Word: right-click it, Update field."))
    end = OxmlElement("w:r")
    field = OxmlElement("w:fldChar")
    field.set(qn("w:fldCharType"), "end")
    end.append(field)
    paragraph._p.append(end)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)


def _decision(doc: DocxDocument, model: Json) -> None:
    d = decision_page(model)
    doc.add_heading(_("Proposal to the zonal security council"), level=1)
    doc.add_paragraph(
        _(
            "The consultation proposes these priorities and attention points for the zonal "
            "security plan. The council decides; this page gives the evidence for each "
            "proposal in one line."
        )
    )
    if d["rows"]:
        _table(
            doc,
            [
                _("Phenomenon"),
                _("Proposal"),
                _("Rank (interval)"),
                _("Residents: a problem in the neighbourhood"),
                _("Residents: tackle first"),
                d["partners_header"],
                _("Registered facts (trend)"),
            ],
            [
                [
                    row["label"] + (" (F)" if row["federal_priority"] else ""),
                    row["proposal"] + (f" ({_('uncertain')})" if row["uncertain"] else ""),
                    f"{row['rank']}"
                    + (
                        f" ({row['rank_interval'][0]}-{row['rank_interval'][1]})"
                        if row["rank_interval"]
                        else ""
                    ),
                    row["evidence"]["concern"],
                    row["evidence"]["priority"],
                    row["evidence"]["partners"],
                    row["evidence"]["facts"],
                ]
                for row in d["rows"]
            ],
        )
        doc.add_paragraph(" ".join(s for s in (d["estimates"], d["partners_note"]) if s))
    if d["basic"]:
        doc.add_paragraph(_("Basic police care: %(names)s.", names=", ".join(d["basic"])))
    if d["rule"]:
        doc.add_heading(_("How the proposals are made"), level=2)
        doc.add_paragraph(d["rule"])
    if d["sensitivity"]:
        doc.add_heading(_("What could change them"), level=2)
        for sentence in d["sensitivity"]:
            doc.add_paragraph(sentence)


def _collapsed(doc: DocxDocument, method: Json) -> None:
    """The groups weighted together and the characteristics left out, as in
    the HTML and PDF methods."""
    if method["collapsed"]:
        doc.add_paragraph(method["collapsed"])
        for line in method["collapsed_groups"]:
            doc.add_paragraph(line, style="List Bullet")
    for key in ("dropped", "unanswered"):
        if method[key]:
            doc.add_paragraph(method[key])


def _methods(doc: DocxDocument, model: Json) -> None:
    doc.add_heading("2. " + _("How the consultation was done"), level=1)
    fw = fieldwork_sentences(model)
    if fw:
        doc.add_heading(_("Population and sample"), level=2)
        doc.add_paragraph(fw["sample"])
        if fw["waves"]:
            _table(
                doc,
                [_("Wave"), _("Letters"), _("Made on")],
                [
                    [
                        _("invitation") if w["wave"] == 1 else _("reminder %(n)s", n=w["wave"] - 1),
                        integer(w["letters"]),
                        day(w["made_on"]),
                    ]
                    for w in fw["waves"]
                ],
            )
        if fw["rate"]:
            doc.add_paragraph(fw["rate"])
        if fw["strata"]:
            _table(
                doc,
                [
                    _("Stratum"),
                    _("Population"),
                    _("Drawn"),
                    _("Answered with their code"),
                    _("Response rate (%)"),
                ],
                [
                    [
                        s["words"],
                        integer(s["population"]),
                        integer(s["drawn"]),
                        integer(s["used"]),
                        "x" if s["rate"] is None else s["rate_text"],
                    ]
                    for s in fw["strata"]
                ],
            )
            doc.add_paragraph(fw["strata_note"])
        doc.add_heading(_("Fieldwork"), level=2)
        doc.add_paragraph(fw["days"])
        doc.add_paragraph(fw["version"])
    doc.add_heading(_("Responses"), level=2)
    _table(
        doc,
        [_("Way of answering"), _("Number")],
        [[mode_label(mode), integer(n)] for mode, n in model["responses_by_mode"].items()],
    )
    method = method_sentences(model)
    doc.add_heading(_("Weighting"), level=2)
    weighting = model.get("weighting")
    if fw and weighting:
        doc.add_paragraph(fw["margins"])
    # As in the HTML and PDF: why the figures are unweighted, and what the
    # weighting warns about, are part of the methods, not only of the page.
    problem = model.get("weighting_problem")
    if problem:
        doc.add_paragraph(problem["message"])
    doc.add_paragraph(method["weighting"])
    if weighting:
        for warning in weighting.get("warnings", []):
            doc.add_paragraph(warning["message"])
        _collapsed(doc, method)
        _table(
            doc,
            [
                _("Characteristic"),
                _("Group"),
                _("Population"),
                _("Population %"),
                _("Responses %"),
                _("Weighted %"),
            ],
            [
                [
                    dimension_label(m["dimension"]),
                    m["label"],
                    integer(m["population"]),
                    fixed(m.get("population_percent")),
                    "x" if m.get("sample_suppressed") else fixed(m.get("sample_percent")),
                    fixed(m.get("weighted_percent")),
                ]
                for m in weighting["margins"]
            ],
        )
    doc.add_heading(_("Protecting respondents"), level=2)
    for key in ("threshold", "disclosure", "bases"):
        doc.add_paragraph(method[key])
    doc.add_heading(_("Margins of error"), level=2)
    doc.add_paragraph(method["ci"])


def _option_rows(table: Json) -> list[list[str]]:
    rows = []
    for o in table.get("options") or []:
        hidden = bool(o.get("suppressed"))
        count = o.get("count", o.get("chosen_count"))
        rows.append(
            [
                o["label"],
                "x" if hidden else integer(count),
                "x" if hidden else fixed(o.get("estimate")),
                "x" if hidden else ci_text(o.get("estimate_ci95")),
            ]
        )
    return rows


def _results(doc: DocxDocument, report: Report, charts: dict[str, Chart], fig: list[int]) -> None:
    doc.add_heading("3. " + _("Results per theme"), level=1)
    header = [_("Answer"), _("Number"), _("%"), _("Interval (95%)")]
    for theme in themes(report):
        doc.add_heading(theme["title"], level=2)
        for question in theme["questions"]:
            figures = question.figures
            doc.add_heading(question.text, level=3)
            _picture(doc, charts.get(question.key), fig)
            if figures.get("rows"):
                for row in figures["rows"]:
                    doc.add_paragraph(row["label"], style="Caption")
                    _table(doc, header, _option_rows(row))
            elif figures.get("options"):
                _table(doc, header, _option_rows(figures))
            elif figures.get("bands"):
                _table(doc, header, _option_rows({"options": figures["bands"]}))
            if "valid" in figures:
                doc.add_paragraph(
                    _(
                        "Valid answers: %(valid)s; no answer or don't know: %(missing)s.",
                        valid=integer(figures.get("valid")),
                        missing=integer(figures.get("missing")),
                    )
                )


def _indicator(p: Json, name: str) -> str:
    if name in (p.get("suppressed_indicators") or []):
        return "x"
    value = p["estimate_indicators"].get(name)
    if value is None:
        return "-"
    return integer(value) if name == "facts" else fixed(value)


def _matrix(doc: DocxDocument, model: Json, charts: dict[str, Chart], fig: list[int]) -> None:
    doc.add_heading("4. " + _("Priority matrix"), level=1)
    sentences = matrix_sentences(model)
    doc.add_paragraph(sentences["estimates"])
    if sentences["sources"]:
        doc.add_paragraph(sentences["sources"])
    priorities = model.get("priorities") or []
    columns = matrix_columns(priorities)
    _table(
        doc,
        [
            _("Rank"),
            _("Phenomenon"),
            *[indicator_label(n) for n in columns],
            _("Score"),
            _("Rank interval"),
            _("Proposal"),
        ],
        [
            [
                str(p["rank"] or "-"),
                p["label"],
                *[_indicator(p, n) for n in columns],
                "-" if p["score"] is None else fixed(p["score"]),
                "-" if not p["rank_interval"] else "{}-{}".format(*p["rank_interval"]),
                proposal_words(p),
            ]
            for p in priorities
        ],
    )
    _picture(doc, charts.get("priority_ranks"), fig)
    _picture(doc, charts.get("priority_matrix"), fig)
    doc.add_heading(_("Why this proposal"), level=2)
    rule = decision_page(model)["rule"]
    if rule:
        doc.add_paragraph(rule)
    for p in priorities:
        doc.add_paragraph(f"{p['label']}: {p['reason']}")


def _partners(doc: DocxDocument, model: Json) -> None:
    """The partners' chapter (its content is the partner report's; kept in
    its own function so that both can change apart)."""
    doc.add_heading("5. " + _("Input from partners"), level=1)
    partner_input = model.get("partner_input") or {}
    if not partner_input.get("responses"):
        doc.add_paragraph(_("No partner has answered yet."))
        return
    doc.add_paragraph(
        _("%(n)s partner organisations answered.", n=integer(partner_input["responses"]))
    )
    for quote in partner_input.get("quotes") or []:
        doc.add_paragraph(f"“{quote['text']}” ({partners.source(quote)})", style="Quote")
    for section in partners.partner_sections(partner_input, language=model["language"]):
        for short in section["short_answers"]:
            doc.add_heading(f"{section['label']}: {short['heading']}", level=3)
            for answer in short["answers"]:
                doc.add_paragraph(f"{answer['text']} ({answer['source']})", style="List Bullet")


def _free_text(doc: DocxDocument, model: Json) -> None:
    doc.add_heading("6. " + _("What residents wrote"), level=1)
    free = model.get("free_text") or {}
    if not free.get("comments"):
        doc.add_paragraph(_("No resident wrote a comment."))
        return
    _table(
        doc,
        [_("Phenomenon"), _("Number")],
        [[t["label"], "x" if t["suppressed"] else integer(t["count"])] for t in free["themes"]],
    )
    for theme in free["themes"]:
        if theme.get("quotes"):
            doc.add_heading(theme["label"], level=2)
            for quote in theme["quotes"]:
                doc.add_paragraph(quote, style="Quote")


def _municipalities(doc: DocxDocument, model: Json) -> None:
    """One heading per municipality with its key figures (or why it has none)."""
    m = municipality_sections(model)
    if m is None:
        return
    doc.add_heading("7. " + _("Key figures per municipality"), level=1)
    doc.add_paragraph(m["intro"])
    doc.add_paragraph(m["note"])
    for section in m["sections"]:
        doc.add_heading(section["label"], level=2)
        if "rows" not in section:
            doc.add_paragraph(section["line"])
            continue
        _table(
            doc,
            m["header"],
            [
                [r["phenomenon"], f"{r['item']} ({r['what']})", r["share"], r["base"], r["zone"]]
                for r in section["rows"]
            ],
        )


def render_docx(report: Report) -> bytes:
    """The report model as a Word document (bytes): decision page, summary,
    methods, results per theme, priority matrix, partners, free text and
    the key figures per municipality, with the charts as pictures. The
    tables by group are in the HTML and XLSX versions."""
    model = report.to_json()
    charts = build_charts(report)
    doc = Document()
    _language(doc, model.get("language") or "nl")
    doc.core_properties.title = f"{_('Input report')} - {model['title']}"
    doc.core_properties.language = model.get("language") or "nl"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(_("Input report of the consultation"), level=0)
    doc.add_paragraph(f"{model['title']} - {consultation_title(model)}")
    _decision(doc, model)
    _contents(doc)
    doc.add_heading("1. " + _("Summary"), level=1)
    for sentence in summary_sentences(model):
        doc.add_paragraph(sentence)
    _methods(doc, model)
    figure_number = [0]
    _results(doc, report, charts, figure_number)
    _matrix(doc, model, charts, figure_number)
    _partners(doc, model)
    _free_text(doc, model)
    _municipalities(doc, model)
    doc.add_paragraph(
        _(
            "This document holds the chapters of the annex; the HTML and XLSX versions of "
            "the report hold the tables by group."
        )
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    """A chart's numbers as CSV (UTF-8 with BOM, decimal point, as the
    response files), through the neutraliser: a label from a survey file
    could start with "=", and no text of it may run as a formula."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def render_charts_zip(report: Report) -> bytes:
    """Every chart of the report as SVG and PNG with a CSV of its numbers
    and a text of its alt text, numbered in report order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (key, chart) in enumerate(build_charts(report).items(), start=1):
            name = f"{number:02d}-{key}"
            archive.writestr(f"{name}.svg", chart.svg)
            archive.writestr(f"{name}.png", chart.png())
            archive.writestr(f"{name}.csv", _csv(chart.table))
            archive.writestr(f"{name}.txt", chart.alt)
    return buffer.getvalue()
