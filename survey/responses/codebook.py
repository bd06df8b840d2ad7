"""The codebook of a response export: per column its label, type, codes and
their labels, missing codes, measurement level, number format and notes,
in the language chosen for the export. What the SPSS file's dictionary and
the XLSX codebook sheet say about each variable (docs/response-file.md).

What a question's columns are is its type's (``QuestionType.columns``:
labels, value labels, missing codes, measure, format, notes); the codebook
adds the columns of the export itself (``response_id``, ``language``,
``mode``, ``weight``), labelled through the interface catalogs, and a valid
SPSS name for every column.

SPSS names (``spss_names``): the column's name when SPSS accepts it (at most
64 bytes, a letter first, then letters, digits and ``. _ @ # $``, not
ending in a period, not a reserved word such as ``by``). Otherwise a valid
name made from it: a ``v`` before a first character that is no letter,
other characters as ``_``, and a name too long cut to 57 bytes plus ``_``
and 6 characters of its SHA-256, so that it stays the same in every export;
the column's full name then starts its variable label. The CSV and XLSX
keep the full names (an import reads them).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from flask_babel import force_locale, gettext

from survey.definitions.definition import SurveyDefinition
from survey.questions.base import Column
from survey.responses.weights import WEIGHT_COLUMN, WeightColumn

WEIGHT_FORMAT = (8, 4)
"""SPSS format of the weight: F8.4."""
SPSS_MAX_NAME = 64
SPSS_RESERVED = frozenset(
    {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
)
_SPSS_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._@#$]*")


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


@dataclass(frozen=True)
class CodebookEntry:
    """One column of the export: as its question type declares it (or as
    the export adds it), with its question's type (``meta`` and ``weight``
    for the export's own columns) and its name in the SPSS file."""

    column: Column
    kind: str
    spss_name: str

    @property
    def name(self) -> str:
        """The column name in the response file."""
        return self.column.name

    @property
    def label(self) -> str:
        """The column's variable label."""
        return self.column.label

    @property
    def text(self) -> bool:
        """Strings in SPSS: the texts people wrote and the export's ids."""
        return self.column.kind == "text"

    @property
    def spss_label(self) -> str:
        """The SPSS variable label: the label, after the full column name when
        the SPSS name had to differ from it."""
        if self.spss_name != self.name:
            return f"{self.name}: {self.label}"
        return self.label

    @property
    def spss_format(self) -> str:
        """The SPSS print format: ``DATE11`` for a date, else ``F<width>.<decimals>``."""
        if self.column.kind == "date":
            return "DATE11"
        return f"F{self.column.width}.{self.column.decimals}"


def valid_spss_name(name: str) -> bool:
    """Whether ``name`` can be an SPSS variable name as it is: at most
    ``SPSS_MAX_NAME`` bytes, SPSS's name pattern, no final dot, not reserved."""
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


def codebook(
    definition: SurveyDefinition, language: str | None = None, weights: WeightColumn | None = None
) -> list[CodebookEntry]:
    """Every column of the export, in file order: ``response_id``,
    ``language``, the questions' columns, ``mode`` and, with ``weights``,
    ``weight``. Texts in ``language`` (default: the survey's first)."""
    language = language if language in definition.languages else definition.default_language
    assert language is not None
    with force_locale(language):
        found: list[tuple[Column, str]] = [
            (Column("response_id", _("Response (opaque id)"), kind="text"), "meta"),
            (Column("language", _("Language of the response"), kind="text"), "meta"),
        ]
        found += [
            (column, question.type)
            for question in definition.questions
            for column in question.qtype.columns(question, language)
        ]
        found.append(
            (Column("mode", _("Way of answering (web, paper, import)"), kind="text"), "meta")
        )
        if weights is not None:
            width, decimals = WEIGHT_FORMAT
            found.append(
                (
                    Column(
                        WEIGHT_COLUMN,
                        weights.label,
                        measure="scale",
                        kind="number",
                        width=width,
                        decimals=decimals,
                        note=weights.description,
                    ),
                    "weight",
                )
            )
    names = spss_names([column.name for column, _kind in found])
    return [CodebookEntry(column, kind, names[column.name]) for column, kind in found]
