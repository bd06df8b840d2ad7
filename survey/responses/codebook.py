"""The codebook of a response export: per column its label, type, codes
and their labels, missing codes, measurement level and number format, in
the language chosen for the export. One home for what the SPSS file's
dictionary, the XLSX codebook sheet and the documentation say about each
variable (docs/response-file.md).

Rules:

- Labels and value labels are in the chosen language, falling back to the
  survey's first language; the columns the export adds (``response_id``,
  ``language``, ``mode``, ``weight``) are labelled through the interface
  catalogs.
- Variable labels: the question text, with the row label for a matrix row,
  the option label for a ``multiple`` option, or the rank for a ranking.
- Measurement level: **ordinal** for answers on an ordered scale (a
  question with a named ``scale``, or of type ``scale``), **scale** for
  numbers and the weight, **nominal** for the rest (options without an
  order, ranks, chosen/not chosen, texts).
- Number formats (SPSS ``Fw.d``): codes get the width of their longest code
  and no decimals (``F1.0`` for codes 1-9, ``F2.0`` up to 99); a number the
  width of its ``min``/``max`` with its ``decimals``; the weight ``F8.4``.
- SPSS names (``spss_name``): the column's name when SPSS accepts it (at
  most 64 bytes, a letter first, then letters, digits and ``. _ @ # $``,
  not ending in a period, not a reserved word such as ``by``). Otherwise a
  valid name made from it: a ``v`` before a first character that is no
  letter, other characters as ``_``, and a name too long cut to 57 bytes
  plus ``_`` and 6 characters of its SHA-256, so that it stays the same in
  every export; the column's full name then starts its variable label. The
  CSV and XLSX keep the full names (an import reads them).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Literal

from flask_babel import force_locale, gettext

from survey.definitions.definition import QuestionDef, SurveyDefinition
from survey.i18n import text_for
from survey.responses.weights import WEIGHT_COLUMN, WeightColumn

Measure = Literal["nominal", "ordinal", "scale"]

WEIGHT_FORMAT = (8, 4)
"""SPSS format of the weight: F8.4."""
DEFAULT_NUMBER_WIDTH = 8


@dataclass(frozen=True)
class CodebookEntry:
    """One column of the export. ``width``/``decimals`` are the SPSS format
    ``Fwidth.decimals`` of a numeric column; ``text`` columns hold strings."""

    name: str
    label: str
    kind: str
    """The question type, or ``meta`` / ``weight`` for the added columns."""
    measure: Measure
    text: bool = False
    values: dict[int, str] = field(default_factory=dict)
    missing: tuple[int, ...] = ()
    width: int = DEFAULT_NUMBER_WIDTH
    decimals: int = 0
    question: str | None = None
    note: str = ""
    """More about the column: bands of a number, how the weight was made."""
    spss_name: str = ""
    """The name in the SPSS file (``spss_names``); set by ``codebook``."""

    @property
    def spss_label(self) -> str:
        """The SPSS variable label: the label, after the full column name when
        the SPSS name had to differ from it."""
        if self.spss_name and self.spss_name != self.name:
            return f"{self.name}: {self.label}"
        return self.label

    @property
    def spss_format(self) -> str:
        return f"F{self.width}.{self.decimals}"


SPSS_MAX_NAME = 64
SPSS_RESERVED = frozenset(
    {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
)
_SPSS_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._@#$]*")


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


def valid_spss_name(name: str) -> bool:
    return (
        len(name.encode("utf-8")) <= SPSS_MAX_NAME
        and _SPSS_NAME.fullmatch(name) is not None
        and not name.endswith(".")
        and name.lower() not in SPSS_RESERVED
    )


def spss_names(names: list[str]) -> dict[str, str]:
    """A valid, unique (case-insensitively) SPSS name for every column name
    (see the module docstring)."""
    result: dict[str, str] = {}
    taken = {name.lower() for name in names if valid_spss_name(name)}
    for name in names:
        if valid_spss_name(name):
            result[name] = name
            continue
        short = re.sub(r"[^A-Za-z0-9._@#$]", "_", name)
        if not short[:1].isascii() or not short[:1].isalpha():
            short = "v" + short
        short = short.rstrip(".") or "v"
        if short.lower() in SPSS_RESERVED:
            short = "v_" + short
        if len(short) > SPSS_MAX_NAME or short.lower() in taken:
            digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]
            short = f"{short[: SPSS_MAX_NAME - 7].rstrip('.')}_{digest}"
        number = 2
        candidate = short
        while candidate.lower() in taken:
            suffix = f"_{number}"
            candidate = short[: SPSS_MAX_NAME - len(suffix)] + suffix
            number += 1
        taken.add(candidate.lower())
        result[name] = candidate
    return result


def is_ordered(question: QuestionDef) -> bool:
    """Answers on an ordered scale: a named ``scale`` or a ``scale`` question."""
    return question.type == "scale" or isinstance(question.spec.get("scale"), str)


def _code_width(codes: list[int]) -> int:
    return max((len(str(code)) for code in codes), default=1)


def _number_format(question: QuestionDef) -> tuple[int, int]:
    decimals = int(question.spec.get("decimals", 0))
    limits = [question.spec.get("min"), question.spec.get("max")]
    if any(limit is None for limit in limits):
        return max(DEFAULT_NUMBER_WIDTH, decimals + 2), decimals
    digits = max(len(str(int(abs(float(limit))))) for limit in limits if limit is not None)
    negative = 1 if any(float(limit) < 0 for limit in limits if limit is not None) else 0
    return digits + negative + (decimals + 1 if decimals else 0), decimals


def _column_label(question: QuestionDef, name: str, text: str, language: str) -> str:
    suffix = name[len(question.key) + 1 :] if name != question.key else ""
    if not suffix:
        return text
    if question.type == "matrix":
        row = next((r for r in question.rows if r.key == suffix), None)
        return f"{text} - {text_for(row.label, language)}" if row else text
    if question.type == "multiple":
        option = question.option(int(suffix))
        return f"{text} - {text_for(option.label, language)}" if option else text
    return _("%(text)s (rank %(rank)s)", text=text, rank=suffix)


def _question_entries(question: QuestionDef, language: str) -> list[CodebookEntry]:
    text = text_for(question.text, language)
    names = question.qtype.column_names(question)
    options = {o.code: text_for(o.label, language) for o in question.options}
    missing = tuple(o.code for o in question.options if o.missing)[:3]
    entries = []
    for name in names:
        label = _column_label(question, name, text, language)
        if question.type == "text":
            entries.append(
                CodebookEntry(name, label, "text", "nominal", text=True, question=question.key)
            )
        elif question.type == "number":
            width, decimals = _number_format(question)
            note = ""
            if question.spec.get("bands"):
                bands = "; ".join(f"{c} = {b}" for c, b in question.band_labels().items())
                note = _(
                    "Bands (%(dimension)s): %(bands)s", dimension=question.dimension, bands=bands
                )
            entries.append(
                CodebookEntry(
                    name,
                    label,
                    "number",
                    "scale",
                    width=width,
                    decimals=decimals,
                    question=question.key,
                    note=note,
                )
            )
        elif question.type == "multiple":
            chosen = {0: _("Not chosen"), 1: _("Chosen")}
            entries.append(
                CodebookEntry(
                    name,
                    label,
                    "multiple",
                    "nominal",
                    values=chosen,
                    width=1,
                    question=question.key,
                )
            )
        else:
            measure: Measure = (
                "ordinal" if is_ordered(question) and question.type != "ranking" else "nominal"
            )
            entries.append(
                CodebookEntry(
                    name,
                    label,
                    question.type,
                    measure,
                    values=dict(options),
                    missing=missing,
                    width=_code_width(list(options)),
                    question=question.key,
                )
            )
    return entries


def codebook(
    definition: SurveyDefinition, language: str | None = None, weights: WeightColumn | None = None
) -> list[CodebookEntry]:
    """Every column of the export, in file order: ``response_id``,
    ``language``, the questions' columns, ``mode`` and, with ``weights``,
    ``weight``. Texts in ``language`` (default: the survey's first)."""
    language = language if language in definition.languages else definition.default_language
    assert language is not None
    with force_locale(language):
        entries = [
            CodebookEntry("response_id", _("Response (opaque id)"), "meta", "nominal", text=True),
            CodebookEntry("language", _("Language of the response"), "meta", "nominal", text=True),
        ]
        for question in definition.questions:
            entries.extend(_question_entries(question, language))
        entries.append(
            CodebookEntry(
                "mode",
                _("Way of answering (web, paper, import)"),
                "meta",
                "nominal",
                text=True,
            )
        )
        if weights is not None:
            width, decimals = WEIGHT_FORMAT
            entries.append(
                CodebookEntry(
                    WEIGHT_COLUMN,
                    weights.label,
                    "weight",
                    "scale",
                    width=width,
                    decimals=decimals,
                    note=weights.description,
                )
            )
    names = spss_names([e.name for e in entries])
    return [replace(e, spss_name=names[e.name]) for e in entries]
