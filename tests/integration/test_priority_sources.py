"""The priority matrix reads every survey of its consultation from the database
(``priority.collect_counts``, ``build_priorities``), whichever survey's report
asks for it. A residents' survey and a partners' survey of one consultation are
stored here from answers the test knows, and the matrix is compared with figures
computed from those answers apart from ``survey.analysis`` (numpy, raking in
``test_weighted_report``). The matrix is built on its own, without the rest of
the report, so that these checks stay fast enough for the mutation runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from report_data import MARGINS, MARGINS_CSV, load
from test_weighted_report import SURVEY, Data, indicators, people_with_parking, rake

PARTNERS = """
format: 1
key: mini-partners-2026
consultation: mini-consultatie
audience: partner
access: partner
languages: [nl]
title: {nl: "Mini-bevraging van de partners"}
phenomena:
  - {key: drugs, label: {nl: "Drugs"}, federal_priority: true}
  - {key: overlast, label: {nl: "Overlast"}}
scales:
  aanpak:
    - {code: 1, label: {nl: "Prioriteit"}}
    - {code: 2, label: {nl: "Aandachtspunt"}}
    - {code: 3, label: {nl: "Geen extra inzet"}}
    - {code: 9, label: {nl: "Geen zicht op"}, missing: true}
pages:
  - key: aanpak
    title: {nl: "Aanpak"}
    questions:
      - key: aanpak
        type: matrix
        scale: aanpak
        measure: partner_priority
        text: {nl: "Wat moet de zone met dit fenomeen doen?"}
        rows:
          - {key: drugs, label: {nl: "Drugs"}, phenomenon: drugs}
          - {key: overlast, label: {nl: "Overlast"}, phenomenon: overlast}
"""

# A residents' survey of the same consultation that asks no indicator (its key
# sorts first): the matrix passes it by and counts none of its people.
NEIGHBOURHOOD = """
format: 1
key: buurt-2026
consultation: mini-consultatie
audience: citizen
access: open
languages: [nl]
title: {nl: "Buurtbevraging"}
pages:
  - key: buurt
    title: {nl: "Buurt"}
    questions:
      - key: tevreden
        type: single
        text: {nl: "Bent u tevreden over uw buurt?"}
        options:
          - {code: 1, label: {nl: "Ja"}}
          - {code: 2, label: {nl: "Nee"}}
"""

# What each of the partners answered (drugs, overlast); 9 is "Geen zicht op".
PARTNER_ANSWERS = [
    (1, 2),
    (1, 3),
    (2, 9),
    (1, 1),
    (3, 2),
    (9, 2),
    (2, 3),
    (1, 9),
]


def _partners_asking(questions: str) -> str:
    """The partners' survey with ``questions`` (YAML) on its page before its own."""
    return PARTNERS.replace("    questions:\n", "    questions:\n" + questions, 1)


PARTNERS_ASKING_CONCERN = _partners_asking(
    """      - key: wijk
        type: single
        dimension: district
        text: {nl: "In welke wijk werkt uw organisatie?"}
        options:
          - {code: 1, label: {nl: "Noord"}}
          - {code: 2, label: {nl: "Zuid"}}
      - key: problemen
        type: matrix
        measure: concern
        concern_codes: [3]
        text: {nl: "Hoe vaak ziet u drugsoverlast?"}
        options:
          - {code: 1, label: {nl: "Nooit"}}
          - {code: 2, label: {nl: "Soms"}}
          - {code: 3, label: {nl: "Vaak"}}
        rows:
          - {key: drugs, label: {nl: "Drugsoverlast"}, phenomenon: drugs}
""",
)


def _store(
    app: Flask,
    survey_file: str,
    answers: list[dict[str, Any]],
    sectors: list[str] | None = None,
) -> str:
    """Import and open a survey, store ``answers``; its key. With ``sectors``, each
    answer is a partner organisation's of that sector (one organisation each)."""
    from survey.definitions.definition import definition_of
    from survey.definitions.lifecycle import open_survey
    from survey.definitions.loader import load_definition
    from survey.definitions.store import import_survey
    from survey.extensions import db
    from survey.models import PartnerOrganisation
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    with app.app_context():
        survey = import_survey(db.session, load_definition(survey_file.encode())).survey
        open_survey(db.session, survey.key)
        writer = ResponseWriter(db.session, survey)
        definition = definition_of(survey)
        for number, values in enumerate(answers):
            shown, kept, problems = check_values(definition, values)
            assert not problems, problems
            partner_id = None
            if sectors is not None:
                organisation = PartnerOrganisation(
                    name=f"organisatie {number}",
                    sector=sectors[number],
                    contact_email=f"organisatie{number}@example.be",
                )
                db.session.add(organisation)
                db.session.flush()
                partner_id = organisation.id
            writer.write(shown, kept, mode="web", partner_id=partner_id)
        db.session.commit()
        return str(survey.key)


@pytest.fixture
def consultation(app: Flask, tmp_path: Path) -> tuple[Data, str, str]:
    """The residents' survey of ``test_weighted_report``, a partners' survey and a
    residents' survey that asks no indicator, in one consultation, their answers
    stored; (the residents' data, the keys of the first two)."""
    people = people_with_parking()
    residents = load(app, tmp_path, people, SURVEY)
    partners = _store(
        app,
        PARTNERS,
        [{"aanpak": {"drugs": drugs, "overlast": overlast}} for drugs, overlast in PARTNER_ANSWERS],
    )
    _store(app, NEIGHBOURHOOD, [{"tevreden": 1 + i % 2} for i in range(5)])
    return Data(people), residents, partners


def _matrix(app: Flask, report_of: str, **settings: Any) -> Any:
    """The priority matrix as the report of survey ``report_of`` builds it: with
    that report's own aggregates and, when it is weighted, its cell weights."""
    from survey.analysis import collect, priority
    from survey.analysis.settings import ReportSettings
    from survey.extensions import db

    chosen = ReportSettings(**settings)
    with app.app_context():
        data = collect.collect(db.session, report_of, chosen)
        return priority.build_priorities(
            db.session,
            data.consultation,
            data.aggregates,
            chosen,
            known_weights=None if data.weighting is None else data.weighting.cell_weights,
        )


def _rows(matrix: Any) -> dict[str, Any]:
    return {row.phenomenon: row for row in matrix.rows}


def test_the_matrix_counts_the_residents_and_the_partners_of_every_survey(
    app: Flask, consultation: tuple[Data, str, str]
) -> None:
    """Built for the partners' report, the matrix reads the residents' survey from
    the database, and the other way round: the same figures either way, each
    indicator what the stored answers give (concern per resident over both traffic
    rows, the ranking's priority share, burglary victimisation per answer, the
    partners' share of "Prioriteit"), and the number of residents and partners
    the method states."""
    data, residents, partners = consultation
    expected = indicators(data, np.ones(data.n))
    for report_of in (partners, residents):
        matrix = _matrix(app, report_of, margins={})
        rows = _rows(matrix)
        assert set(rows) == {"drugs", "verkeer", "inbraak", "overlast"}
        compared = 0
        for phenomenon, values in expected.items():
            row = rows[phenomenon]
            for name, value in values.items():
                if name in row.suppressed_indicators:
                    continue
                assert row.indicators[name] == round(value, 2), (report_of, phenomenon, name)
                compared += 1
            assert row.weighted_indicators is None
        assert compared >= 5
        both = [
            p
            for p in data.people
            if p.values["problemen"]["snelheid"] in (1, 2, 3)
            or p.values["problemen"]["parkeren"] in (1, 2, 3)
        ]
        assert rows["verkeer"].bases["concern"] == len(both)
        # Partners: of those with a view (9 left out), the share answering 1.
        for index, phenomenon in enumerate(("drugs", "overlast")):
            answers = [a[index] for a in PARTNER_ANSWERS if a[index] != 9]
            figures = rows[phenomenon].partners
            assert figures is not None
            assert figures.organisations == len(answers)
            assert figures.priority == round(100 * answers.count(1) / len(answers), 2)
            assert figures.attention == round(100 * answers.count(2) / len(answers), 2)
        assert rows["verkeer"].partners is None
        people = {s.source: s.people for s in matrix.method.sources}
        assert people["residents"] == data.n
        assert people["partners"] == len(PARTNER_ANSWERS)
        assert matrix.method.estimates == "unweighted"
        # The label each phenomenon has in the consultation, not its key.
        assert rows["drugs"].label == "Drugs" and rows["drugs"].federal_priority


def test_the_residents_figures_are_weighted_whichever_report_reads_them(
    app: Flask, consultation: tuple[Data, str, str]
) -> None:
    """With the report's margins, the residents' indicators are raked (the same
    weights as raking the stored answers here), in the residents' own report and
    in the partners' report, which reads the residents from the database; the
    consultation's stored margins weigh them when the report names none. The
    partners' figures are never weighted."""
    from survey.extensions import db
    from survey.models import Consultation
    from survey.planner.margins import import_margins

    data, residents, partners = consultation
    expected = indicators(data, data.w)
    unweighted = indicators(data, np.ones(data.n))
    answers = [a[0] for a in PARTNER_ANSWERS if a[0] != 9]
    with app.app_context():
        consultation = db.session.query(Consultation).filter_by(key="mini-consultatie").one()
        import_margins(db.session, consultation, MARGINS_CSV.encode())
        db.session.commit()
    cases: list[tuple[str, dict[str, Any]]] = [
        (report_of, settings)
        for settings in ({"margins": MARGINS}, {})
        for report_of in (partners, residents)
    ]
    for report_of, settings in cases:
        matrix = _matrix(app, report_of, **settings)
        assert matrix.method.estimates == "weighted"
        rows = _rows(matrix)
        compared = 0
        for phenomenon, values in expected.items():
            row = rows[phenomenon]
            assert row.weighted_indicators is not None
            for name, value in values.items():
                if name in row.suppressed_indicators:
                    continue
                assert row.weighted_indicators[name] == round(value, 2), (phenomenon, name)
                assert row.estimate_indicators[name] == round(value, 2), (phenomenon, name)
                assert row.indicators[name] == round(unweighted[phenomenon][name], 2)
                compared += 1
        assert compared >= 5
        drugs = rows["drugs"].partners
        assert drugs is not None
        assert drugs.priority == round(100 * answers.count(1) / len(answers), 2)


def test_a_consultation_with_only_partners_is_never_called_weighted(
    app: Flask, tmp_path: Path
) -> None:
    """A consultation whose only survey is the partners' has nobody to weigh:
    the matrix says unweighted even with margins set, and counts no residents."""
    from survey.definitions.lifecycle import open_survey
    from survey.definitions.loader import load_definition
    from survey.definitions.store import import_survey
    from survey.extensions import db

    with app.app_context():
        survey = import_survey(db.session, load_definition(PARTNERS.encode())).survey
        open_survey(db.session, survey.key)
        db.session.commit()
        key = str(survey.key)
    matrix = _matrix(app, key, margins=MARGINS)
    assert matrix.method.estimates == "unweighted"
    people = {s.source: s.people for s in matrix.method.sources}
    assert people["residents"] == 0 and people["partners"] == 0


def test_the_planner_weighs_only_the_indicators_the_surveys_ask(
    app: Flask, consultation: tuple[Data, str, str]
) -> None:
    """The matrix page offers the indicators the consultation's surveys ask (here
    concern, priority, victimisation and the partners' priority) and the registered
    figures, in the method's order."""
    from survey.analysis import priority
    from survey.extensions import db
    from survey.models import Consultation

    with app.app_context():
        consultation_id = db.session.query(Consultation).filter_by(key="mini-consultatie").one().id
        asked = priority.asked_indicators(db.session, consultation_id)
    wanted = {"concern", "priority", "victimisation", "partner_priority", "facts", "trend"}
    assert asked == tuple(name for name in priority.INDICATORS if name in wanted)


def test_partners_who_answer_a_residents_question_are_counted_but_never_weighted(
    app: Flask, tmp_path: Path
) -> None:
    """A partners' survey may ask the residents' concern question, and even name a
    district: its organisations then count in the unweighted concern beside the
    residents, but the weighted concern is the residents' alone, raked to the
    population; organisations are never weighted as if they were residents."""
    people = people_with_parking()
    residents = load(app, tmp_path, people, SURVEY)
    answers = [(1, 3), (1, 3), (2, 3), (2, 1), (1, 2), (2, 3), (1, 3), (2, 2)]
    _store(
        app,
        PARTNERS_ASKING_CONCERN,
        [
            {"wijk": district, "problemen": {"drugs": code}, "aanpak": {"drugs": 1}}
            for district, code in answers
        ],
    )
    district = {"district": MARGINS["district"]}
    data = Data(people)
    column = data.column(lambda v: v["wijk"])
    known = ~np.isnan(column)
    w = np.zeros(data.n)
    w[known] = rake(column[known].astype(int).reshape(-1, 1), [MARGINS["district"]])
    drugs = data.column(lambda v: v["problemen"]["drugs"])
    valid = np.isin(drugs, [1, 2, 3])
    hits = drugs == 3
    # The residents' report: the partners' survey is read from the database.
    row = _rows(_matrix(app, residents, margins=district))["drugs"]
    assert row.weighted_indicators is not None
    weighted = w[valid & hits].sum() / w[valid & (w > 0)].sum() * 100
    assert row.weighted_indicators["concern"] == round(weighted, 2)
    partner_hits = sum(1 for _d, code in answers if code == 3)
    pooled = (hits[valid].sum() + partner_hits) / (valid.sum() + len(answers)) * 100
    assert row.indicators["concern"] == round(pooled, 2)
    assert row.bases["concern"] == valid.sum() + len(answers)


PARTNERS_ASKING_IMPORTANCE = _partners_asking(
    """      - key: belang
        type: matrix
        measure: importance
        text: {nl: "Hoe belangrijk is dit fenomeen voor uw organisatie?"}
        options:
          - {code: 1, label: {nl: "Helemaal niet belangrijk"}}
          - {code: 2, label: {nl: "Weinig belangrijk"}}
          - {code: 3, label: {nl: "Redelijk belangrijk"}}
          - {code: 4, label: {nl: "Belangrijk"}}
          - {code: 5, label: {nl: "Zeer belangrijk"}}
        rows:
          - {key: drugs, label: {nl: "Drugs"}, phenomenon: drugs}
""",
)


def test_the_partners_importance_is_averaged_per_sector(app: Flask) -> None:
    """Partners rate how important drugs are (1-5): the matrix shows the mean of
    all of them and, per sector with at least the partner minimum (3) of
    organisations, that sector's mean."""
    from survey.analysis.settings import DEFAULT_PARTNER_SECTOR_MIN

    ratings = {"school": [5, 4, 4], "welzijn": [2, 3, 3, 1]}
    assert DEFAULT_PARTNER_SECTOR_MIN == 3
    rated = [(sector, code) for sector, codes in ratings.items() for code in codes]
    key = _store(
        app,
        PARTNERS_ASKING_IMPORTANCE,
        [{"belang": {"drugs": code}, "aanpak": {"drugs": 1}} for _sector, code in rated],
        sectors=[sector for sector, _code in rated],
    )
    row = _rows(_matrix(app, key))["drugs"]
    every = [c for codes in ratings.values() for c in codes]
    assert row.indicators["importance"] == round(sum(every) / len(every), 2)
    assert {s: (m.n, m.mean) for s, m in row.importance_by_sector.items()} == {
        sector: (len(codes), round(sum(codes) / len(codes), 2)) for sector, codes in ratings.items()
    }
