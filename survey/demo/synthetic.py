"""Synthetic respondents and answers for the demo. Not real data.

Pure functions of a seeded ``random.Random``: the same seed gives the same
responses. Each question type makes up the shape of its answer
(``QuestionType.sample``) and asks the synthetic respondent (a ``Sampler``)
which codes are likely, so the generator follows any survey; a few rules make the picture plausible
(districts differ in their problems, older residents answer more often and
worry more, victims report some facts more than others), so weighting,
cross-tabs and the priority matrix all have something to show.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from survey.definitions.conditions import evaluate
from survey.definitions.definition import QuestionDef, RowDef, SurveyDefinition
from survey.demo.comments import PARTNER_POINTS, RESIDENT_COMMENTS

# Share of residents per district (codes 1..5) and per age band in the
# population, and how much more likely each age band is to answer.
DISTRICT_POPULATION = {1: 14200, 2: 9800, 3: 7600, 4: 5400, 5: 3900}
AGE_POPULATION = {1: 7600, 2: 9100, 3: 13300, 4: 10900}
SEX_POPULATION = {1: 20150, 2: 20750}
AGE_RESPONSE = {1: 0.55, 2: 0.8, 3: 1.0, 4: 1.35}
AGE_RANGES = {1: (16, 29), 2: (30, 44), 3: (45, 64), 4: (65, 92)}

# How often a phenomenon is "a frequent problem", by district.
BASE_CONCERN = {
    "drugs": 0.22,
    "verkeer": 0.38,
    "inbraak": 0.17,
    "milieu": 0.28,
    "overlast": 0.2,
    "cybercrime": 0.15,
    "geweld": 0.07,
    "fraude": 0.06,
    "mensenhandel": 0.03,
    "radicalisering": 0.03,
}
DISTRICT_FACTOR = {
    1: {"drugs": 1.8, "overlast": 1.6, "geweld": 1.5},
    2: {"verkeer": 1.3, "inbraak": 1.4},
    3: {"milieu": 1.5, "verkeer": 1.2},
    4: {"inbraak": 1.6, "drugs": 0.6},
    5: {"verkeer": 1.5, "overlast": 0.6, "drugs": 0.5},
}
VICTIM_RATE = {
    "inbraak": 0.045,
    "fietsdiefstal": 0.08,
    "online_fraude": 0.11,
    "geweld": 0.03,
    "verkeersongeval": 0.025,
    "vernieling": 0.06,
}
REPORT_RATE = {
    "aangifte_inbraak": 0.82,
    "aangifte_fiets": 0.48,
    "aangifte_online": 0.41,
    "aangifte_geweld": 0.46,
    "aangifte_ongeval": 0.9,
    "aangifte_vernieling": 0.36,
}


@dataclass(frozen=True)
class Respondent:
    district: int
    age: int
    age_band: int
    sex: int
    worry: float  # 0..1, drives concern and feelings of unsafety


def _weighted(rng: random.Random, weights: dict[int, float]) -> int:
    codes = list(weights)
    return rng.choices(codes, weights=[weights[c] for c in codes])[0]


def draw_respondent(rng: random.Random) -> Respondent:
    district = _weighted(rng, {k: float(v) for k, v in DISTRICT_POPULATION.items()})
    band = _weighted(rng, {k: AGE_POPULATION[k] * AGE_RESPONSE[k] for k in AGE_POPULATION})
    low, high = AGE_RANGES[band]
    sex = _weighted(rng, {1: 46.0, 2: 51.0, 3: 1.0, 9: 2.0})
    worry = min(1.0, max(0.0, rng.gauss(0.35 + 0.08 * band, 0.2)))
    return Respondent(district, rng.randint(low, high), band, sex, worry)


class ResidentGenerator:
    """Answer values for the resident survey, question by question."""

    def __init__(self, definition: SurveyDefinition, rng: random.Random) -> None:
        self.definition = definition
        self.rng = rng
        # Each question without a rule gets a fixed preference over its
        # codes, so its distribution looks like an opinion, not noise.
        self.preferences: dict[str, dict[int, float]] = {}

    def respond(self) -> tuple[Respondent, dict[str, Any]]:
        person = draw_respondent(self.rng)
        values: dict[str, Any] = {}
        for question in self.definition.questions:
            if not evaluate(question.show_if, self.definition, values):
                continue
            value = self.value(question, person, values)
            if value is not None:
                values[question.key] = value
        return person, values

    def _preference(self, question: QuestionDef) -> dict[int, float]:
        if question.key not in self.preferences:
            self.preferences[question.key] = {
                o.code: (0.04 if o.missing else self.rng.uniform(0.3, 1.0))
                for o in question.options
            }
        return self.preferences[question.key]

    def _skips(self, question: QuestionDef) -> bool:
        return not question.required and self.rng.random() < 0.03

    def value(self, question: QuestionDef, person: Respondent, values: dict[str, Any]) -> Any:
        if question.dimension == "district":
            return person.district if person.district in question.codes else None
        if question.dimension == "sex":
            return person.sex if person.sex in question.codes else None
        if question.dimension == "age" and question.spec.get("bands"):
            return person.age  # a number banded into the age dimension: the age in years
        if self._skips(question):
            return question.qtype.empty(question) or None
        return question.qtype.sample(question, ResidentSampler(self, person))

    def _code(self, question: QuestionDef, person: Respondent) -> int:
        """One code of a question with options, by its rules or preferences."""
        rng = self.rng
        if question.key in REPORT_RATE:
            return 1 if rng.random() < REPORT_RATE[question.key] else 2
        if question.key == "onveilig":
            # 1 = always .. 5 = never unsafe; worried people feel unsafe more often.
            centre = 4.6 - 3.0 * person.worry
            code = min(5, max(1, round(rng.gauss(centre, 0.8))))
            return 9 if rng.random() < 0.02 else code
        if question.key == "contact":
            return 1 if rng.random() < 0.31 else 2
        return _weighted(rng, self._preference(question))

    def _text(self, question: QuestionDef) -> str | None:
        rng = self.rng
        if question.key.startswith("aandachtspunt"):
            return rng.choice(PARTNER_POINTS) if rng.random() < 0.5 else None
        return rng.choice(RESIDENT_COMMENTS) if rng.random() < 0.22 else None

    def _concern(self, phenomenon: str | None, person: Respondent) -> float:
        if phenomenon is None:
            return 0.05
        base = BASE_CONCERN.get(phenomenon, 0.1)
        factor = DISTRICT_FACTOR.get(person.district, {}).get(phenomenon, 1.0)
        return min(0.95, base * factor * (0.6 + 0.9 * person.worry))

    def _matrix_cell(
        self, question: QuestionDef, row: str, phenomenon: str | None, person: Respondent
    ) -> int | None:
        rng = self.rng
        missing_codes = [o.code for o in question.options if o.missing]
        if missing_codes and rng.random() < 0.04:
            return missing_codes[0]
        if question.measure == "victimisation":
            return 1 if rng.random() < VICTIM_RATE.get(row, 0.04) else 2
        if question.measure == "concern":
            concern_codes = list(question.spec.get("concern_codes", []))
            p = self._concern(phenomenon, person)
            valid = [o.code for o in question.options if not o.missing]
            if concern_codes and rng.random() < p:
                return int(rng.choice(concern_codes))
            others = [c for c in valid if c not in concern_codes]
            # "Sometimes" is likelier for people who worry.
            weights = {c: (1.0 + person.worry * i) for i, c in enumerate(others)}
            return _weighted(rng, weights) if weights else None
        return _weighted(
            rng,
            {
                o.code: w
                for o, w in zip(question.options, self._preference(question).values(), strict=True)
            },
        )


class ResidentSampler:
    """One synthetic resident as a ``Sampler``: the question type makes up
    the shape of the answer, the resident's district, age and worries which
    codes are likely."""

    def __init__(self, generator: ResidentGenerator, person: Respondent) -> None:
        self.generator = generator
        self.person = person
        self.rng = generator.rng

    def code(self, question: QuestionDef, row: RowDef | None = None) -> int | None:
        if row is None:
            return self.generator._code(question, self.person)
        return self.generator._matrix_cell(question, row.key, row.phenomenon, self.person)

    def weights(self, question: QuestionDef) -> dict[int, float]:
        return self.generator._preference(question)

    def rank_weights(self, question: QuestionDef) -> dict[int, float]:
        return {
            o.code: self.generator._concern(o.phenomenon, self.person) + 0.02
            for o in question.options
        }

    def pick(self, weights: Mapping[int, float]) -> int:
        return _weighted(self.rng, dict(weights))

    def text(self, question: QuestionDef) -> str | None:
        return self.generator._text(question)


SECTOR_IMPORTANCE = {
    "burgemeester": {"overlast": 5, "verkeer": 5, "inbraak": 4, "drugs": 4, "milieu": 4},
    "parket": {"drugs": 5, "geweld": 5, "mensenhandel": 4, "fraude": 4, "cybercrime": 4},
    "federale politie": {"drugs": 5, "mensenhandel": 5, "radicalisering": 5, "cybercrime": 4},
    "onderwijs": {"drugs": 4, "cybercrime": 4, "verkeer": 5, "geweld": 3},
    "welzijn": {"geweld": 5, "drugs": 4, "overlast": 3, "mensenhandel": 3},
    "haven": {"drugs": 5, "mensenhandel": 4, "fraude": 4, "milieu": 4},
}


class PartnerSampler:
    """One synthetic partner as a ``Sampler``: importance follows its
    sector's concerns; it agrees to be named or not (``named``)."""

    def __init__(self, sector: str, rng: random.Random, named: bool) -> None:
        self.preferred = SECTOR_IMPORTANCE.get(sector, {})
        self.rng = rng
        self.named = named

    def code(self, question: QuestionDef, row: RowDef | None = None) -> int | None:
        rng = self.rng
        if row is None:
            if question.key == "vermelding":
                return 1 if self.named else 2
            return rng.choice(sorted(question.valid_codes))
        valid = sorted(o.code for o in question.options if not o.missing)
        if question.measure == "importance":
            centre = self.preferred.get(row.phenomenon or "", 2.6)
            return min(valid[-1], max(valid[0], round(rng.gauss(centre, 0.7))))
        return rng.choice(valid)

    def weights(self, question: QuestionDef) -> dict[int, float]:
        return {o.code: 1.0 for o in question.options}

    def rank_weights(self, question: QuestionDef) -> dict[int, float]:
        return {o.code: self.preferred.get(o.phenomenon or "", 2.6) for o in question.options}

    def pick(self, weights: Mapping[int, float]) -> int:
        return _weighted(self.rng, dict(weights))

    def text(self, question: QuestionDef) -> str | None:
        pool = PARTNER_POINTS if question.key.startswith("aandachtspunt") else RESIDENT_COMMENTS
        return self.rng.choice(pool) if self.rng.random() < 0.6 else None


def partner_values(
    definition: SurveyDefinition, sector: str, rng: random.Random, named: bool
) -> dict[str, Any]:
    """A partner's answers: importance follows its sector's concerns."""
    sampler = PartnerSampler(sector, rng, named)
    values: dict[str, Any] = {}
    for question in definition.questions:
        value = question.qtype.sample(question, sampler)
        if value is not None:
            values[question.key] = value
    return values
