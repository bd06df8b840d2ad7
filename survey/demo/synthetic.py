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
from survey.demo.comments import (
    PARTNER_EVIDENCE,
    PARTNER_PLACES,
    PARTNER_POINT_PHENOMENA,
    PARTNER_POINTS,
    RESIDENT_COMMENTS,
)

# Share of residents per district (codes 1..5) and per age band (15-24,
# 25-44, 45-64, 65+: the VM's population of 15 and older) in the
# population, and how much more likely each age band is to answer.
DISTRICT_POPULATION = {1: 14200, 2: 9800, 3: 7600, 4: 5400, 5: 3900}
AGE_POPULATION = {1: 4900, 2: 12700, 3: 13100, 4: 10200}
SEX_POPULATION = {1: 20150, 2: 20750}
AGE_RESPONSE = {1: 0.5, 2: 0.75, 3: 1.0, 4: 1.3}
AGE_RANGES = {1: (15, 24), 2: (25, 44), 3: (45, 64), 4: (65, 92)}
# Highest diploma of the respondents (1 low, 2 middle, 3 high, 4 still in
# education): the higher educated answer more often than their population
# share, and most 15-24-year-olds are still at school.
EDUCATION_RESPONSE = {1: 0.22, 2: 0.37, 3: 0.41}
EDUCATION_YOUNG = {1: 0.12, 2: 0.2, 3: 0.06, 4: 0.62}

# How often a phenomenon is a problem "at least sometimes" in the
# neighbourhood (the VM's reading), before the district's factor.
BASE_CONCERN = {
    "drugs": 0.34,
    "verkeer": 0.55,
    "inbraak": 0.3,
    "woninginbraak": 0.28,
    "milieu": 0.45,
    "overlast": 0.36,
    "cybercrime": 0.15,
    "geweld": 0.14,
    "ifg": 0.05,
    "fraude": 0.06,
    "mensenhandel": 0.03,
    "radicalisering": 0.03,
}
DISTRICT_FACTOR = {
    1: {"drugs": 1.8, "overlast": 1.6, "geweld": 1.5},
    2: {"verkeer": 1.3, "inbraak": 1.4, "woninginbraak": 1.3},
    3: {"milieu": 1.5, "verkeer": 1.2},
    4: {"inbraak": 1.4, "woninginbraak": 1.7, "drugs": 0.6},
    5: {"verkeer": 1.5, "overlast": 0.6, "drugs": 0.5},
}
# Victims in the past 12 months per matrix row (share of residents).
VICTIM_RATE = {
    "inbraak": 0.04,
    "fietsdiefstal": 0.08,
    "auto": 0.04,
    "diefstal_geweld": 0.012,
    "online_fraude": 0.11,
    "hacking": 0.05,
    "geweld": 0.03,
    "lastiggevallen": 0.065,
    "vernieling": 0.06,
    "verkeersongeval": 0.02,
    "gezin": 0.02,
}
# Per follow-up: the share of victims who filed a report (aangifte, code 1)
# and who only told the police (code 2); the rest did not (code 3). Burglary
# follows the VM's 74 % aangifte (politie.be/5381).
REPORT_RATE = {
    "aangifte_inbraak": (0.74, 0.1),
    "aangifte_fiets": (0.34, 0.1),
    "aangifte_auto": (0.55, 0.1),
    "aangifte_diefstal_geweld": (0.5, 0.12),
    "aangifte_online": (0.3, 0.12),
    "aangifte_geweld": (0.35, 0.12),
    "aangifte_vernieling": (0.3, 0.1),
    "aangifte_ongeval": (0.8, 0.1),
}


@dataclass(frozen=True)
class Respondent:
    """A synthetic resident: district code (1..5), age in whole years, its
    age band (1..4, ``AGE_RANGES``), sex code, education code (1..4, 9 not
    said) and ``worry``."""

    district: int
    age: int
    age_band: int
    sex: int
    education: int
    worry: float  # 0..1, drives concern and feelings of unsafety


def _weighted(rng: random.Random, weights: dict[int, float]) -> int:
    codes = list(weights)
    return rng.choices(codes, weights=[weights[c] for c in codes])[0]


def draw_respondent(rng: random.Random) -> Respondent:
    """A resident drawn as the respondents of a real survey fall: districts
    by population, age bands by population times response rate (older
    residents answer more), an age uniform in the band, and a worry that
    grows with the band; an education as respondents' diplomas fall (2% do
    not say)."""
    district = _weighted(rng, {k: float(v) for k, v in DISTRICT_POPULATION.items()})
    band = _weighted(rng, {k: AGE_POPULATION[k] * AGE_RESPONSE[k] for k in AGE_POPULATION})
    low, high = AGE_RANGES[band]
    sex = _weighted(rng, {1: 46.0, 2: 51.0, 3: 1.0, 9: 2.0})
    worry = min(1.0, max(0.0, rng.gauss(0.35 + 0.08 * band, 0.2)))
    shares = EDUCATION_YOUNG if band == 1 else EDUCATION_RESPONSE
    education = 9 if rng.random() < 0.02 else _weighted(rng, shares)
    return Respondent(district, rng.randint(low, high), band, sex, education, worry)


class ResidentGenerator:
    """Answer values for the resident survey, question by question."""

    def __init__(self, definition: SurveyDefinition, rng: random.Random) -> None:
        self.definition = definition
        self.rng = rng
        # Each question without a rule gets a fixed preference over its
        # codes, so its distribution looks like an opinion, not noise.
        self.preferences: dict[str, dict[int, float]] = {}

    def respond(self) -> tuple[Respondent, dict[str, Any]]:
        """A new resident and their answers in survey order: a question
        hidden by its ``show_if`` is skipped, as on the real pages."""
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
        """The resident's answer: their own district, sex, education and age
        for the dimension questions; else about 3% skip an optional question;
        the neighbourhood score follows worry; 12% tick only the exclusive
        option ("none of these") of a multiple choice that has one; the rest
        is the type's sample (None: not answered)."""
        own = {"district": person.district, "sex": person.sex, "education": person.education}
        if question.dimension in own:
            code = own[str(question.dimension)]
            return code if code in question.codes else None
        if question.dimension == "age" and question.spec.get("bands"):
            return person.age  # a number banded into the age dimension: the age in years
        if self._skips(question):
            return question.qtype.empty(question) or None
        if question.key == "buurtscore":
            # 0 = very unsafe .. 10 = very safe; worried people score lower.
            return min(10, max(0, round(self.rng.gauss(8.6 - 3.0 * person.worry, 1.2))))
        exclusive = [o.code for o in question.options if o.exclusive]
        if exclusive and self.rng.random() < 0.12:
            return exclusive[:1]
        return question.qtype.sample(question, ResidentSampler(self, person))

    def _code(self, question: QuestionDef, person: Respondent) -> int:
        """One code of a question with options, by its rules or preferences."""
        rng = self.rng
        if question.key in REPORT_RATE:
            filed, told = REPORT_RATE[question.key]
            roll = rng.random()
            return 1 if roll < filed else 2 if roll < filed + told else 3
        if question.key in {"onveilig", "onveilig_verkeer"}:
            # 1 = always .. 5 = never unsafe; worried people feel unsafe more
            # often. The VM's shares: about 3 % always or often unsafe, 29 %
            # sometimes, 68 % rarely or never (politie.be/5381); traffic makes
            # more people feel unsafe than the street does.
            centre = (4.9 if question.key == "onveilig" else 4.4) - 1.7 * person.worry
            return min(5, max(1, round(rng.gauss(centre, 0.8))))
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
            concern_codes = sorted(int(c) for c in question.spec.get("concern_codes", []))
            p = self._concern(phenomenon, person)
            valid = [o.code for o in question.options if not o.missing]
            if concern_codes and rng.random() < p:
                # The mildest concern code ("soms") is the commonest; the
                # stronger ones ("vaak") grow with worry.
                strong = 0.25 + 0.6 * person.worry
                return _weighted(
                    rng, {c: 1.0 if i == 0 else strong for i, c in enumerate(concern_codes)}
                )
            others = [c for c in valid if c not in concern_codes]
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
        """A code by the generator's rules (reporting rates, unsafety that
        follows worry, concern that follows the district), else by the
        question's fixed preference."""
        if row is None:
            return self.generator._code(question, self.person)
        return self.generator._matrix_cell(question, row.key, row.phenomenon, self.person)

    def weights(self, question: QuestionDef) -> dict[int, float]:
        """The question's fixed preference (the same for every resident)."""
        return self.generator._preference(question)

    def rank_weights(self, question: QuestionDef) -> dict[int, float]:
        """How likely each option's phenomenon is a problem to this resident."""
        return {
            o.code: self.generator._concern(o.phenomenon, self.person) + 0.02
            for o in question.options
        }

    def pick(self, weights: Mapping[int, float]) -> int:
        """One code drawn with probability proportional to its weight."""
        return _weighted(self.rng, dict(weights))

    def text(self, question: QuestionDef) -> str | None:
        """A canned comment for 22% of residents (a point of attention for
        half of them on ``aandachtspunt*`` questions), else None."""
        return self.generator._text(question)


SECTOR_IMPORTANCE = {
    "burgemeester": {
        "overlast": 5,
        "verkeer": 5,
        "woninginbraak": 4,
        "inbraak": 4,
        "drugs": 4,
        "milieu": 4,
    },
    "parket": {
        "drugs": 5,
        "ifg": 5,
        "geweld": 5,
        "mensenhandel": 4,
        "fraude": 4,
        "cybercrime": 4,
    },
    "federale politie": {"drugs": 5, "mensenhandel": 5, "radicalisering": 5, "cybercrime": 4},
    "onderwijs": {"drugs": 4, "cybercrime": 4, "verkeer": 5, "geweld": 3},
    "welzijn": {"ifg": 5, "geweld": 4, "drugs": 4, "overlast": 3, "mensenhandel": 3},
    "haven": {"drugs": 5, "mensenhandel": 4, "fraude": 4, "milieu": 4},
}


# The roles a sector's organisations play (codes of the partner survey's
# ``<phenomenon>_rol`` options): a mayor acts administratively, the parket
# investigates and prosecutes, a school signals and prevents.
SECTOR_ROLES = {
    "burgemeester": {3: 3.0, 2: 1.5, 1: 1.0},
    "parket": {4: 3.0, 6: 1.0},
    "federale politie": {4: 3.0, 5: 2.0, 1: 1.0},
    "onderwijs": {1: 3.0, 2: 3.0},
    "welzijn": {6: 3.0, 1: 2.0, 2: 1.5},
    "haven": {5: 3.0, 1: 2.0},
}
WHOLE_ZONE_SECTORS = {"parket", "federale politie"}
"""Sectors that speak for the whole zone, not for one commune."""


class PartnerSampler:
    """One synthetic partner as a ``Sampler``: its answers follow its
    sector's concerns (``SECTOR_IMPORTANCE``, 2.6 for a phenomenon it does
    not name); it agrees to be named or not (``named``)."""

    def __init__(self, sector: str, rng: random.Random, named: bool) -> None:
        self.preferred = SECTOR_IMPORTANCE.get(sector, {})
        self.roles = SECTOR_ROLES.get(sector, {})
        self.rng = rng
        self.named = named

    def code(self, question: QuestionDef, row: RowDef | None = None) -> int | None:
        """Consent to be named follows ``named``; an ``importance`` row
        centres on the sector's rating of its phenomenon; a
        ``partner_priority`` row turns that rating into prioriteit (4.5 and
        up), aandachtspunt (3.5 and up) or geen extra inzet, and a phenomenon
        the sector does not name gets "geen zicht op" a third of the time;
        a phenomenon the sector rates high is seen growing more often;
        anything else is a uniform valid code."""
        rng = self.rng
        if row is None:
            if question.key == "vermelding":
                return 1 if self.named else 2
            return rng.choice(sorted(question.valid_codes))
        valid = sorted(o.code for o in question.options if not o.missing)
        missing = [o.code for o in question.options if o.missing]
        rating = self.preferred.get(row.phenomenon or "")
        if question.measure == "importance":
            centre = 2.6 if rating is None else rating
            return min(valid[-1], max(valid[0], round(rng.gauss(centre, 0.7))))
        if question.measure == "partner_priority":
            if rating is None and missing and rng.random() < 0.35:
                return missing[0]
            drawn = rng.gauss(2.6 if rating is None else rating, 0.6)
            return valid[0] if drawn >= 4.5 else valid[1] if drawn >= 3.5 else valid[-1]
        if question.key == "trend" and len(valid) == 3:
            if missing and rng.random() < 0.1:
                return missing[0]
            rising = 0.55 if (rating or 0) >= 4 else 0.25
            roll = rng.random()
            return valid[2] if roll < rising else valid[1] if roll < rising + 0.5 else valid[0]
        return rng.choice(valid)

    def weights(self, question: QuestionDef) -> dict[int, float]:
        """The sector's roles on a role question (each role at least a
        little likely); every option equally likely elsewhere."""
        if question.key.endswith("_rol"):
            return {o.code: self.roles.get(o.code, 0.3) for o in question.options}
        return {o.code: 1.0 for o in question.options}

    def rank_weights(self, question: QuestionDef) -> dict[int, float]:
        """The sector's rating of each option's phenomenon (2.6 otherwise) to
        the fourth power: a partner's top 3 is mostly the phenomena its
        sector rates highest, as its priorities are."""
        return {o.code: self.preferred.get(o.phenomenon or "", 2.6) ** 4 for o in question.options}

    def pick(self, weights: Mapping[int, float]) -> int:
        """One code drawn with probability proportional to its weight."""
        return _weighted(self.rng, dict(weights))

    def text(self, question: QuestionDef) -> str | None:
        """What the partner sees of a phenomenon (``<phenomenon>_wat``) and
        where (``_waar``); a canned point of attention for 60% of partners;
        any other comment for 40%."""
        rng = self.rng
        phenomenon, _sep, part = question.key.rpartition("_")
        if part == "wat" and phenomenon in PARTNER_EVIDENCE:
            return PARTNER_EVIDENCE[phenomenon]
        if part == "waar":
            return rng.choice(PARTNER_PLACES)
        if question.key.startswith("aandachtspunt"):
            return rng.choice(PARTNER_POINTS) if rng.random() < 0.6 else None
        return rng.choice(RESIDENT_COMMENTS) if rng.random() < 0.4 else None


def partner_values(
    definition: SurveyDefinition, sector: str, rng: random.Random, named: bool
) -> dict[str, Any]:
    """A partner's answers in survey order, following its sector's concerns;
    a question hidden by its ``show_if`` is skipped, as on the real pages.
    Sectors of ``WHOLE_ZONE_SECTORS`` speak for the whole zone (the
    exclusive option of a multiple choice about communes); an extra
    attention point is tagged with its phenomenon (``partner_points``)."""
    sampler = PartnerSampler(sector, rng, named)
    values: dict[str, Any] = {}
    for question in definition.questions:
        if not evaluate(question.show_if, definition, values):
            continue
        value = question.qtype.sample(question, sampler)
        exclusive = [o.code for o in question.options if o.exclusive]
        if question.key == "gemeenten" and exclusive and sector in WHOLE_ZONE_SECTORS:
            value = exclusive[:1]
        if question.measure == "partner_points":
            value = _point_tag(question, values)
        if value is not None:
            values[question.key] = value
    return values


def _point_tag(question: QuestionDef, values: Mapping[str, Any]) -> int | None:
    """The option naming the phenomenon of the attention point just written
    (the text question ``aandachtspunt_N`` before ``aandachtspunt_N_...``);
    the last option ("none of these") when no option names it."""
    point = values.get(question.key.rsplit("_", 1)[0])
    phenomenon = PARTNER_POINT_PHENOMENA.get(point) if isinstance(point, str) else None
    codes = [o.code for o in question.options if o.phenomenon == phenomenon]
    if codes:
        return codes[0]
    return question.options[-1].code if question.options else None
