"""What the methods section says about the fieldwork (value objects; the
counts come from ``survey.analysis.aggregates.fieldwork_facts``), from the platform's
own tables: the sample design (frame, strata, size), the letter waves, the
invitation codes issued and used, the response rate overall and per stratum,
the fieldwork days, the survey versions answered, and the population
margins' source and date as the planner entered them.

Counts only, never a person: a stratum's used codes come from the sample
members while they exist (the purge at the end of fieldwork deletes them;
then only the drawn counts of ``Sample.strata`` remain and the rate per
stratum is not known). A used-code count of 1 .. threshold-1 in a stratum
is hidden with its rate, as any published count is, and since the strata
add up to the codes used, so are complements until the hidden strata add
up to the threshold (``suppression.suppress_table``). Response days are days
(a response is never timed beyond its day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

Json = dict[str, Any]


def rate(used: int, drawn: int) -> float | None:
    """Used codes per drawn person, percent with one decimal."""
    return None if drawn <= 0 else round(100.0 * used / drawn, 1)


@dataclass(frozen=True, slots=True)
class StratumRate:
    """One stratum of the sample: its frame count, how many were drawn and,
    while the members exist, how many used their code (``None`` when hidden
    or not known) and the rate in percent."""

    label: str
    population: int
    drawn: int
    used: int | None
    rate: float | None


@dataclass(frozen=True, slots=True)
class LetterWave:
    """One printed wave (1 = invitation, 2 and up = reminders)."""

    wave: int
    letters: int
    made_on: date


@dataclass(frozen=True)
class SampleDesign:
    """The latest sample of the survey: ``method`` is ``proportional`` (size
    spread over the strata, at least ``minimum`` each) or ``per_stratum``."""

    method: str
    dimensions: tuple[str, ...]
    size: int
    minimum: int
    drawn: int
    drawn_on: date
    frame_people: int | None
    frame_imported_on: date | None
    strata: tuple[StratumRate, ...]
    strata_known: bool
    """The used codes per stratum are known (the members are not purged)."""


@dataclass(frozen=True)
class FieldworkFacts:
    """The fieldwork of one survey for the methods section (see the module)."""

    survey_version: int
    versions_answered: tuple[int, ...]
    first_day: date | None
    last_day: date | None
    fieldwork_until: date | None
    codes_issued: int
    codes_used: int
    sample: SampleDesign | None
    waves: tuple[LetterWave, ...]
    margins_source: str
    margins_date: date | None
    margins_source_language: str = "nl"
    """The language ``margins_source`` is in: the report's when the planner
    entered it in that language, else Dutch (not translated)."""

    @property
    def response_rate(self) -> float | None:
        """Codes used per person drawn, percent (one decimal); without a
        sample, codes used per code issued; ``None`` without codes."""
        if self.sample is not None:
            return rate(self.codes_used, self.sample.drawn)
        return rate(self.codes_used, self.codes_issued)

    def to_json(self) -> Json:
        """The ``fieldwork`` object of the report JSON (dates ISO)."""
        sample = self.sample
        return {
            "survey_version": self.survey_version,
            "versions_answered": list(self.versions_answered),
            "first_day": None if self.first_day is None else self.first_day.isoformat(),
            "last_day": None if self.last_day is None else self.last_day.isoformat(),
            "fieldwork_until": (
                None if self.fieldwork_until is None else self.fieldwork_until.isoformat()
            ),
            "codes_issued": self.codes_issued,
            "codes_used": self.codes_used,
            "response_rate": self.response_rate,
            "sample": None
            if sample is None
            else {
                "method": sample.method,
                "dimensions": list(sample.dimensions),
                "size": sample.size,
                "minimum": sample.minimum,
                "drawn": sample.drawn,
                "drawn_on": sample.drawn_on.isoformat(),
                "frame_people": sample.frame_people,
                "frame_imported_on": (
                    None
                    if sample.frame_imported_on is None
                    else sample.frame_imported_on.isoformat()
                ),
                "strata_known": sample.strata_known,
                "strata": [
                    {
                        "label": s.label,
                        "population": s.population,
                        "drawn": s.drawn,
                        "used": s.used,
                        "rate": s.rate,
                    }
                    for s in sample.strata
                ],
            },
            "waves": [
                {"wave": w.wave, "letters": w.letters, "made_on": w.made_on.isoformat()}
                for w in self.waves
            ],
            "margins_source": self.margins_source,
            "margins_source_language": self.margins_source_language,
            "margins_date": None if self.margins_date is None else self.margins_date.isoformat(),
        }
