"""The fieldwork part of the report's methods section in words: the sample
design, the letter waves, the response rate overall and per stratum, the
fieldwork days, the survey version and the margins' source. Everything
comes from the report JSON's ``fieldwork`` object
(``survey.analysis.fieldwork_facts``); dates are days, in the report's
language.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel import Locale
from babel.dates import format_date
from flask_babel import get_locale, gettext

from survey.analysis.weighting_summary import dimension_label
from survey.reporting.numbers import LOCALE, integer, num

Json = dict[str, Any]


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


def day(value: str | None) -> str:
    """An ISO date as a day in the report's language: 14 september 2026,
    14 septembre 2026 (Dutch outside a request or command's language)."""
    if not value:
        return "-"
    language = get_locale()
    return str(format_date(date.fromisoformat(value), format="long", locale=language or LOCALE))


def untranslated_note(report_language: str, text_language: str) -> str:
    """A planner's text (consultation title, margins' source, a partner
    sector) that has no version in the report's language is quoted as
    entered; this sentence says so ("" when it is in the report's language)."""
    if text_language == report_language:
        return ""
    name = Locale.parse(text_language).get_display_name(str(get_locale() or LOCALE))
    return _("Not translated: entered in %(language)s only.", language=name)


def consultation_title(model: Json) -> str:
    """The consultation's title, with the note when it is not translated."""
    consultation = model["consultation"]
    note = untranslated_note(model["language"], consultation["title_language"])
    return f"{consultation['title']} ({note})" if note else str(consultation["title"])


def stratum_words(label: str) -> str:
    """A stratum key (``district=Noord|sex=V|age=30-44``) in words:
    "district Noord, sex V, age band 30-44" in the report's language."""
    parts = []
    for part in label.split("|"):
        name, _sep, value = part.partition("=")
        parts.append(f"{dimension_label(name)} {value}" if value else _("everyone"))
    return ", ".join(parts)


def _sample_sentence(sample: Json) -> str:
    values = {
        "drawn": integer(sample["drawn"]),
        "frame": integer(sample["frame_people"]) if sample["frame_people"] else "-",
        "dimensions": ", ".join(dimension_label(d) for d in sample["dimensions"]) or "-",
        "day": day(sample["drawn_on"]),
        "minimum": integer(sample["minimum"]),
    }
    if sample["method"] == "per_stratum":
        return _(
            "On %(day)s the platform drew a stratified random sample of %(drawn)s people from "
            "the register extract of %(frame)s people, the same number in every stratum "
            "(strata by %(dimensions)s).",
            **values,
        )
    return _(
        "On %(day)s the platform drew a stratified random sample of %(drawn)s people from the "
        "register extract of %(frame)s people, in proportion to the strata (strata by "
        "%(dimensions)s; at least %(minimum)s per stratum).",
        **values,
    )


def _days_sentence(fieldwork: Json) -> str:
    if not fieldwork["first_day"]:
        return _("No response has been received yet.")
    return _(
        "Responses came in from %(first)s to %(last)s.",
        first=day(fieldwork["first_day"]),
        last=day(fieldwork["last_day"]),
    )


def _version_sentence(fieldwork: Json) -> str:
    versions = fieldwork["versions_answered"]
    if len(versions) > 1:
        return _(
            "The responses were given on versions %(versions)s of the questionnaire: compare "
            "answers across versions with care (method break). This report describes version "
            "%(version)s.",
            versions=", ".join(str(v) for v in versions),
            version=fieldwork["survey_version"],
        )
    return _(
        "Every response was given on version %(version)s of the questionnaire.",
        version=fieldwork["survey_version"],
    )


def _margins_sentence(model: Json, fieldwork: Json) -> str:
    source = fieldwork["margins_source"]
    if not source:
        return _("The planner did not enter the source and date of the population margins.")
    if fieldwork["margins_date"]:
        sentence = _(
            "Source of the population margins: %(source)s (reference date %(day)s).",
            source=source,
            day=day(fieldwork["margins_date"]),
        )
    else:
        sentence = _("Source of the population margins: %(source)s.", source=source)
    note = untranslated_note(model["language"], fieldwork["margins_source_language"])
    return f"{sentence} {note}" if note else sentence


def fieldwork_sentences(model: Json) -> Json:
    """The methods section's fieldwork in words (``sample``, ``days``,
    ``rate``, ``version``, ``margins``) and its tables (``waves``,
    ``strata``); empty when the model has no fieldwork."""
    fieldwork = model.get("fieldwork")
    if not fieldwork:
        return {}
    sample = fieldwork["sample"]
    result: Json = {
        "days": _days_sentence(fieldwork),
        "version": _version_sentence(fieldwork),
        "margins": _margins_sentence(model, fieldwork),
        "sample": "",
        "rate": "",
        "waves": fieldwork["waves"],
        "strata": [],
        "strata_note": "",
    }
    if fieldwork["fieldwork_until"]:
        result["days"] += " " + _(
            "Fieldwork ended on %(day)s.", day=day(fieldwork["fieldwork_until"])
        )
    if sample is None:
        result["sample"] = (
            _(
                "No sample was drawn through the platform: residents answered through the open "
                "link or on paper, so there is no response rate."
            )
            if not fieldwork["codes_issued"]
            else _(
                "No sample was drawn through the platform; %(issued)s invitation codes were "
                "made and %(used)s of them were used (%(rate)s %%).",
                issued=integer(fieldwork["codes_issued"]),
                used=integer(fieldwork["codes_used"]),
                rate=num(fieldwork["response_rate"], 1),
            )
        )
        return result
    result["sample"] = _sample_sentence(sample)
    result["rate"] = _(
        "%(used)s of the %(drawn)s people drawn answered with their code: a response rate of "
        "%(rate)s %%. Responses through the open link or on paper without a code do not count "
        "in this rate.",
        used=integer(fieldwork["codes_used"]),
        drawn=integer(sample["drawn"]),
        rate=num(fieldwork["response_rate"], 1),
    )
    result["strata"] = [
        {**s, "words": stratum_words(s["label"]), "rate_text": num(s["rate"], 1)}
        for s in sample["strata"]
    ]
    result["strata_note"] = (
        _(
            "A stratum where 1 to %(last)s people used their code shows x, as any small number.",
            last=model["suppression_threshold"] - 1,
        )
        if sample["strata_known"]
        else _(
            "The addresses and the link between people and codes were deleted at the end of "
            "fieldwork, so the response per stratum is no longer known."
        )
    )
    return result
