"""The partner part of the report laid out for reading, from the report
JSON (``partner_input``) as every writer reads it: per phenomenon the
partners' own indicator (the matrix row's ``partners`` block: the share
of organisations that want a priority, with their top-3 count), one table
with a row per organisation or group and a column per question, then the
comments about it. The groups and their rules are those of
``survey.analysis.partner_answers``; nothing here adds up figures across
groups."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from markupsafe import Markup, escape

from survey.models.consultation import SOURCE_LANGUAGE
from survey.reporting.methods import untranslated_note
from survey.reporting.numbers import integer, whole

Json = dict[str, Any]


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


def sector_name(partner: Json, sector: str) -> tuple[str, str]:
    """A sector's name in the report's language and the language that name
    is in (``partner_input.sector_labels``; a file without them: the sector
    as entered, in Dutch)."""
    entry = (partner.get("sector_labels") or {}).get(sector)
    if not entry:
        return sector, SOURCE_LANGUAGE
    return str(entry["text"]), str(entry["language"])


def _sector_markup(partner: Json, sector: str, language: str) -> Markup:
    """The sector's name, marked with its language where that is not the
    report's (a screen reader then reads the Dutch as Dutch)."""
    text, text_language = sector_name(partner, sector)
    if text_language == language:
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(text_language, text)


def group_label(group: Json, partner: Json, language: str = SOURCE_LANGUAGE) -> Markup:
    """An organisation's name, or the group's sector (in the report's
    ``language`` where the planner translated it) and size. Markup: an
    untranslated sector is marked with its language; ``str()`` of it is
    the plain text for the writers without markup."""
    if group["kind"] == "named":
        return escape(group["name"])
    if group["kind"] == "sector":
        template = escape(_("%(sector)s (%(n)s organisations)", sector="{sector}", n="{n}"))
        return template.format(
            sector=_sector_markup(partner, group["sector"], language), n=group["organisations"]
        )
    return escape(_("Other organisations (%(n)s)", n=group["organisations"]))


def source(said: Json) -> str:
    """Who wrote a comment or named a place: the organisation where it is
    shown by name, else "a partner organisation" (the same words for both)."""
    return str(said["organisation"] or _("a partner organisation"))


def plain(markup: Markup) -> str:
    """The text of a label for the writers without markup (XLSX, DOCX)."""
    return str(markup.striptags())


def sector_rows(partner: Json, language: str = SOURCE_LANGUAGE) -> list[Json]:
    """The responses per sector for the sectors table, in ``by_sector``'s
    order: ``label`` (Markup, as :func:`group_label`), ``text`` (plain),
    ``n`` and ``note`` (that the name is not translated, or "")."""
    rows = []
    for sector, n in (partner.get("by_sector") or {}).items():
        text, text_language = sector_name(partner, sector)
        rows.append(
            {
                "label": _sector_markup(partner, sector, language),
                "text": text,
                "n": n,
                "note": untranslated_note(language, text_language),
            }
        )
    return rows


def answer_lines(answers: Json, entry: Json, *, named: bool) -> list[str]:
    """What one group answered to one question row: the option a named
    organisation chose, or per option how many of the group chose it."""
    labels = [o["label"] for o in answers["options"]]
    counts = entry["counts"]
    lines = [
        label if named else f"{label}: {n}" for label, n in zip(labels, counts, strict=True) if n
    ]
    if entry["no_answer"]:
        lines.append(_("no answer") if named else _("no answer: %(n)s", n=entry["no_answer"]))
    return lines


def indicator_sentence(figures: Json | None) -> str:
    """The partners' indicator of one phenomenon in words (the matrix row's
    ``partners`` block); empty when it has none or all of it is withheld."""
    if not figures:
        return ""
    parts = []
    if figures.get("priority") is not None:
        parts.append(
            _(
                "%(priority)s of %(n)s organisations want a priority, %(attention)s an "
                "attention point",
                priority=whole(figures["priority"]),
                attention=whole(figures.get("attention") or 0.0),
                n=integer(figures["organisations"]),
            )
        )
    if figures.get("top3") is not None:
        parts.append(
            _(
                "%(k)s of %(n)s put it in their top 3",
                k=integer(figures["top3"]),
                n=integer(figures["top3_organisations"]),
            )
        )
    if figures.get("extra_points"):
        parts.append(_("extra attention points: %(n)s", n=integer(figures["extra_points"])))
    return "; ".join(parts) + "." if parts else ""


def indicator_columns() -> list[tuple[str, str]]:
    """The columns of the partners' indicator table, ``(key, heading)``,
    for every writer."""
    return [
        ("priority", _("Priority (%)")),
        ("attention", _("Attention point (%)")),
        ("organisations", _("Organisations")),
        ("top3", _("In their top 3")),
        ("top3_organisations", _("Organisations that chose a top 3")),
        ("extra_points", _("Extra attention points")),
    ]


def indicator_rows(priorities: list[Json]) -> list[Json]:
    """The partners' indicator per phenomenon for the overview table, in the
    matrix's order: ``label`` and the ``partners`` block of the row."""
    return [
        {"phenomenon": p["phenomenon"], "label": p["label"], **p["partners"]}
        for p in priorities
        if p.get("partners")
    ]


def partner_sections(
    partner: Json, priorities: list[Json] | None = None, language: str = SOURCE_LANGUAGE
) -> list[Json]:
    """Per phenomenon: ``label``, ``indicator`` (:func:`indicator_sentence`
    from the matrix rows ``priorities``), ``columns`` (the question texts),
    ``rows`` (``label`` of the organisation or group, ``cells``: lines per
    column; ``label`` is Markup, see :func:`group_label`), ``short_answers``
    (per one-line question about the phenomenon, the places partners named:
    ``question``, ``heading``, ``answers`` with ``text`` and ``source``) and ``quotes``
    (``text``, ``organisation`` or None)."""
    groups = partner.get("groups") or []
    figures = {p["phenomenon"]: p.get("partners") for p in priorities or []}
    sections = []
    for phenomenon in partner.get("phenomena") or []:
        answers = phenomenon["answers"]
        by_group = [{e["group"]: e for e in a["groups"]} for a in answers]
        rows = [
            {
                "label": group_label(group, partner, language),
                "named": group["kind"] == "named",
                "cells": [
                    answer_lines(a, found[group["key"]], named=group["kind"] == "named")
                    for a, found in zip(answers, by_group, strict=True)
                ],
            }
            for group in groups
        ]
        sections.append(
            {
                "phenomenon": phenomenon["phenomenon"],
                "label": phenomenon["label"],
                "indicator": indicator_sentence(figures.get(phenomenon["phenomenon"])),
                "columns": [a["text"] for a in answers],
                "rows": rows if answers else [],
                "short_answers": [
                    {
                        "question": short["text"],
                        "heading": _("%(question)s (answers of partners)", question=short["text"]),
                        "answers": [
                            {
                                "text": a["text"],
                                "source": source(a),
                            }
                            for a in short["answers"]
                        ],
                    }
                    for short in phenomenon["short_answers"]
                ],
                "quotes": phenomenon["quotes"],
            }
        )
    return sections


def untagged_quotes(partner: Json) -> list[Json]:
    """The comments about no phenomenon of the list."""
    return [q for q in partner.get("quotes") or [] if not q["phenomena"]]


def rule_sentences(partner: Json) -> list[str]:
    """How partners' answers are shown, and what is left out."""
    minimum = partner.get("sector_min", 3)
    sentences = [
        _(
            "Organisations that agreed to be named are shown by name. The others are shown "
            "together per sector when the sector has at least %(n)s of them, else together as "
            "other organisations, which then hold at least %(n)s organisations (if need be with "
            "organisations that agreed to be named, which are then not named). So no figure "
            "shows the answer of one organisation that did not agree to be named.",
            n=minimum,
        )
    ]
    if partner.get("withheld"):
        sentences.append(
            _(
                "The answers of %(n)s organisations are not shown: fewer than %(k)s "
                "organisations answered without agreeing to be named.",
                n=partner["withheld"],
                k=minimum,
            )
        )
    if partner.get("quotes_withheld"):
        sentences.append(
            _(
                "%(n)s comments of those organisations are not shown either.",
                n=partner["quotes_withheld"],
            )
        )
    return sentences
