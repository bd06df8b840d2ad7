"""A small seeded survey for the report tests, and independent computations
of its figures in plain Python over the raw values that were stored (no code
of survey.analysis is used here, on purpose)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

MINI_SURVEY = """
format: 1
key: mini-2026
consultation: mini-consultatie
audience: citizen
access: open
languages: [nl]
title: {nl: "Mini-bevraging"}
phenomena:
  - {key: drugs, label: {nl: "Drugs"}, federal_priority: true}
  - {key: verkeer, label: {nl: "Verkeer"}}
  - {key: inbraak, label: {nl: "Inbraak"}}
scales:
  freq:
    - {code: 1, label: {nl: "Nooit"}}
    - {code: 2, label: {nl: "Soms"}}
    - {code: 3, label: {nl: "Vaak"}}
    - {code: 9, label: {nl: "Weet niet"}, missing: true}
pages:
  - key: buurt
    title: {nl: "Buurt"}
    questions:
      - key: problemen
        type: matrix
        scale: freq
        measure: concern
        concern_codes: [3]
        text: {nl: "Hoe vaak?"}
        rows:
          - {key: drugs, label: {nl: "Drugsoverlast"}, phenomenon: drugs}
          - {key: snelheid, label: {nl: "Te snel rijden"}, phenomenon: verkeer}
      - key: veilig
        type: scale
        scale: freq
        text: {nl: "Voelt u zich onveilig?"}
      - key: slachtoffer
        type: single
        measure: victimisation
        text: {nl: "Slachtoffer van inbraak?"}
        options:
          - {code: 1, label: {nl: "Ja"}}
          - {code: 2, label: {nl: "Nee"}}
          - {code: 9, label: {nl: "Zeg ik liever niet"}, missing: true}
      - key: aangifte
        type: single
        show_if: {question: slachtoffer, equals: 1}
        text: {nl: "Aangifte gedaan?"}
        options:
          - {code: 1, label: {nl: "Aangifte: ja"}}
          - {code: 2, label: {nl: "Aangifte: nee"}}
  - key: prio
    title: {nl: "Prioriteiten"}
    questions:
      - key: top
        type: ranking
        choose: 2
        measure: priority
        text: {nl: "Wat eerst?"}
        options:
          - {code: 1, label: {nl: "Drugs eerst"}, phenomenon: drugs}
          - {code: 2, label: {nl: "Verkeer eerst"}, phenomenon: verkeer}
          - {code: 3, label: {nl: "Inbraak eerst"}, phenomenon: inbraak}
      - key: waar
        type: multiple
        text: {nl: "Waar meer politie?"}
        options:
          - {code: 1, label: {nl: "Straat"}}
          - {code: 2, label: {nl: "Centrum"}}
          - {code: 3, label: {nl: "School"}}
          - {code: 9, label: {nl: "Weet niet waar"}, missing: true, exclusive: true}
      - key: opmerking
        type: text
        text: {nl: "Nog iets?"}
  - key: over-u
    title: {nl: "Over u"}
    questions:
      - key: wijk
        type: single
        dimension: district
        text: {nl: "Wijk?"}
        options:
          - {code: 1, label: {nl: "Noord"}}
          - {code: 2, label: {nl: "Zuid"}}
      - key: leeftijd
        type: number
        min: 16
        max: 99
        text: {nl: "Leeftijd?"}
        bands: {dimension: age, edges: [16, 40, 65]}
      - key: geslacht
        type: single
        dimension: sex
        text: {nl: "Geslacht?"}
        options:
          - {code: 1, label: {nl: "Man"}}
          - {code: 2, label: {nl: "Vrouw"}}
"""

MARGINS = {"district": {1: 6000, 2: 4000}, "sex": {1: 4900, 2: 5100}}
MARGINS_CSV = (
    "dimension,code,population\ndistrict,1,6000\ndistrict,2,4000\nsex,1,4900\nsex,2,5100\n"
)

COMMENTS = [
    "Er wordt veel te snel gereden in onze straat.",
    "Drugs aan het station, elke avond dealers.",
    "Bel mij op 0470 12 34 56 over de inbraak bij de buren.",
    "Alles goed.",
]


def _pick(rng: random.Random, weighted: dict[Any, float]) -> Any:
    items = list(weighted.items())
    return rng.choices([k for k, _ in items], [w for _, w in items])[0]


@dataclass
class Respondent:
    values: dict[str, Any]
    mode: str


@dataclass
class Dataset:
    key: str
    respondents: list[Respondent] = field(default_factory=list)


def generate(n: int = 160, seed: int = 7) -> list[Respondent]:
    rng = random.Random(seed)
    people = []
    for _i in range(n):
        values: dict[str, Any] = {
            "problemen": {
                "drugs": _pick(rng, {1: 30, 2: 35, 3: 25, 9: 6, None: 4}),
                "snelheid": _pick(rng, {1: 15, 2: 35, 3: 45, 9: 3, None: 2}),
            },
            # Code 1 is rare: a small cell to suppress.
            "veilig": _pick(rng, {1: 3, 2: 40, 3: 50, 9: 4, None: 3}),
            "slachtoffer": _pick(rng, {1: 12, 2: 80, 9: 5, None: 3}),
            "wijk": _pick(rng, {1: 55, 2: 43, None: 2}),
            "leeftijd": _pick(rng, {None: 4, 0: 96}),
            "geslacht": _pick(rng, {1: 48, 2: 50, None: 2}),
        }
        if values["leeftijd"] == 0:
            values["leeftijd"] = rng.randint(16, 90)
        if values["slachtoffer"] == 1:
            values["aangifte"] = _pick(rng, {1: 50, 2: 45, None: 5})
        ranks = rng.sample([1, 2, 3], k=_pick(rng, {0: 5, 1: 25, 2: 70}))
        # Inbraak (3) is chosen rarely.
        ranks = [c for c in ranks if c != 3 or rng.random() < 0.06]
        values["top"] = ranks
        kind = rng.random()
        if kind < 0.06:
            values["waar"] = [9]
        elif kind < 0.12:
            values["waar"] = []
        else:
            values["waar"] = sorted(rng.sample([1, 2, 3], k=rng.randint(1, 2)))
        if rng.random() < 0.25:
            values["opmerking"] = rng.choice(COMMENTS)
        mode = "paper" if rng.random() < 0.1 else "web"
        people.append(Respondent(values, mode))
    return people


def load(
    app: Flask, tmp_path: Path, people: list[Respondent], survey_file: str = MINI_SURVEY
) -> str:
    """Import and open the mini survey (or a variant of it); store every respondent."""
    from survey.definitions.definition import definition_of
    from survey.definitions.lifecycle import open_survey
    from survey.definitions.loader import load_definition
    from survey.definitions.store import import_survey
    from survey.extensions import db
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    with app.app_context():
        survey = import_survey(db.session, load_definition(survey_file.encode())).survey
        open_survey(db.session, survey.key)
        writer = ResponseWriter(db.session, survey)
        definition = definition_of(survey)
        for person in people:
            shown, kept, problems = check_values(definition, person.values)
            assert not problems, problems
            writer.write(shown, kept, mode=person.mode)
        db.session.commit()
        return str(survey.key)


# --- independent figures ------------------------------------------------------


def wilson(count: float, n: float) -> list[float]:
    z = 1.959963984540054
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if p == 0 else max(0.0, centre - half)
    high = 1.0 if p == 1 else min(1.0, centre + half)
    return [round(low * 100, 2), round(high * 100, 2)]


def single_figures(answers: list[Any], valid_codes: set[int]) -> dict[str, Any]:
    """``answers``: one entry per respondent who was shown the question
    (None = left empty)."""
    valid = sum(1 for a in answers if a in valid_codes)
    counts: dict[int, int] = {}
    for a in answers:
        if a is not None:
            counts[a] = counts.get(a, 0) + 1
    return {"valid": valid, "missing": len(answers) - valid, "counts": counts}


def complementary(counts: dict[int, int], threshold: int = 10) -> set[int]:
    """The contract's rule for a table adding up to ``valid``."""
    hidden = {c for c, n in counts.items() if 0 < n < threshold}
    if len(hidden) == 1:
        rest = sorted((n, c) for c, n in counts.items() if c not in hidden)
        if rest:
            hidden.add(rest[0][1])
    return hidden


def rake(people: list[tuple[tuple[int, ...], Any]], margins: list[dict[int, float]]) -> list[float]:
    """Plain iterative proportional fitting on respondents: weights with mean 1."""
    weights = [1.0] * len(people)
    n = len(people)
    targets = [{c: v / sum(m.values()) * n for c, v in m.items()} for m in margins]
    for _sweep in range(10000):
        worst = 0.0
        for d, target in enumerate(targets):
            sums: dict[int, float] = {}
            for (cell, _), w in zip(people, weights, strict=True):
                sums[cell[d]] = sums.get(cell[d], 0.0) + w
            for i, (cell, _) in enumerate(people):
                weights[i] *= target[cell[d]] / sums[cell[d]]
            worst = max(worst, *(abs(sums[c] / target[c] - 1) for c in target))
        if worst < 1e-13:
            break
    mean = sum(weights) / n
    return [w / mean for w in weights]


def kish(weights: list[float]) -> float:
    return sum(weights) ** 2 / sum(w * w for w in weights)
