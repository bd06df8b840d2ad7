"""The partner part of the report laid out for reading, from the report
JSON (``partner_input``) as every writer reads it: per phenomenon one table
with a row per organisation or group and a column per question, then the
comments about it. The groups and their rules are those of
``survey.analysis.partner_answers``; nothing here adds up figures across
groups."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

Json = dict[str, Any]


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


def group_label(group: Json) -> str:
    """An organisation's name, or the group's sector and size."""
    if group["kind"] == "named":
        return str(group["name"])
    if group["kind"] == "sector":
        return _(
            "%(sector)s (%(n)s organisations)", sector=group["sector"], n=group["organisations"]
        )
    return _("Other organisations (%(n)s)", n=group["organisations"])


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


def partner_sections(partner: Json) -> list[Json]:
    """Per phenomenon: ``label``, ``columns`` (the question texts),
    ``rows`` (``label`` of the organisation or group, ``cells``: lines per
    column) and ``quotes`` (``text``, ``organisation`` or None)."""
    groups = partner.get("groups") or []
    sections = []
    for phenomenon in partner.get("phenomena") or []:
        answers = phenomenon["answers"]
        by_group = [{e["group"]: e for e in a["groups"]} for a in answers]
        rows = [
            {
                "label": group_label(group),
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
                "columns": [a["text"] for a in answers],
                "rows": rows if answers else [],
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
