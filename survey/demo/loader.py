"""``flask demo``: the default consultation with synthetic responses.

Idempotent: the surveys are imported and opened when missing, and synthetic
responses are added only when the demo consultation has none yet. Every
response it writes is flagged ``synthetic`` and the consultation's title says
so, so demo figures can never pass for real ones.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from survey.definitions.definition import definition_of
from survey.definitions.loader import load_definition
from survey.definitions.store import find_survey, import_survey
from survey.definitions.templates import DEFAULT_SURVEYS
from survey.demo.synthetic import (
    AGE_POPULATION,
    DISTRICT_POPULATION,
    SEX_POPULATION,
    ResidentGenerator,
    partner_values,
)
from survey.extensions import DbSession
from survey.models import (
    Consultation,
    ObjectiveIndicator,
    PartnerLink,
    PartnerOrganisation,
    PlannerUser,
    PopulationMargin,
    Response,
    ResponseMode,
    Role,
    Survey,
    SurveyState,
)
from survey.partners.organisations import record_consent
from survey.residents.codes import generate_codes
from survey.responses.checking import check_values
from survey.responses.storage import ResponseWriter
from survey.tokens import new_url_token, token_hash
from survey.workspace.accounts import create_user

DEMO_PLANNER = "demo-analist@voorbeeldzone.be"
DEMO_TITLE = "DEMO - synthetische gegevens - ZVP 2026-2031"
DEMO_MARGINS_SOURCE = "Demo: synthetische bevolkingscijfers (geen echte bron)"
# The demo surveys speak French too: so do the title and the margins' source.
DEMO_TRANSLATIONS = {
    "fr": {
        "title": "DÉMO - données synthétiques - PZS 2026-2031",
        "margins_source": "Démo : chiffres de population synthétiques (aucune source réelle)",
        "sectors": {
            "burgemeester": "bourgmestre",
            "federale politie": "police fédérale",
            "haven": "port",
            "onderwijs": "enseignement",
            "parket": "parquet",
            "welzijn": "aide sociale",
        },
    }
}
FIELDWORK_START = date(2026, 9, 14)
FIELDWORK_DAYS = 42

# Registered facts per year (synthetic, in the spirit of the crime barometer).
INDICATORS = {
    "drugs": (410, 468),
    "verkeer": (690, 655),
    "inbraak": (212, 236),
    "milieu": (150, 171),
    "overlast": (380, 402),
    "cybercrime": (260, 335),
    "geweld": (298, 305),
    "fraude": (88, 95),
    "mensenhandel": (6, 9),
    "radicalisering": (3, 2),
}

PARTNERS = [
    ("Kabinet van de burgemeester Hoogveld", "burgemeester", True, True),
    ("Kabinet van de burgemeester Zandberge", "burgemeester", True, False),
    ("Parket Oost-Vlaanderen, afdeling Gent", "parket", True, True),
    ("Federale gerechtelijke politie", "federale politie", True, True),
    ("Scholengemeenschap De Linde", "onderwijs", True, False),
    ("OCMW / Sociaal Huis Kerkhove", "welzijn", True, True),
    ("Havenbedrijf Lindendaal", "haven", False, False),
    ("Centrum Algemeen Welzijnswerk", "welzijn", False, False),
]


class DemoError(Exception):
    """The demo cannot be loaded: a negative number of residents, or made-up
    answers that break the survey's rules (a bug in the generator)."""


def _ensure_survey(session: DbSession, filename: str) -> Survey:
    raw = load_definition((DEFAULT_SURVEYS / filename).read_bytes())
    survey = find_survey(session, raw["key"])
    if survey is None:
        survey = import_survey(session, raw).survey
    if survey.state is SurveyState.DRAFT:
        survey.transition(SurveyState.OPEN)
    session.flush()
    return survey


def load_demo(session: DbSession, *, seed: int = 2026, residents: int = 1500) -> str:
    """Load the demo; return a one-line summary. Flushes, the caller commits."""
    if residents < 0:
        raise DemoError("--residents must be zero or more")
    resident_survey = _ensure_survey(session, "burgers.yaml")
    partner_survey = _ensure_survey(session, "partners.yaml")
    consultation = resident_survey.consultation
    existing = session.scalar(
        select(func.count(Response.id))
        .join(Survey, Survey.id == Response.survey_id)
        .where(Survey.consultation_id == consultation.id)
    )
    if existing:
        return f"demo already loaded: {existing} responses in {consultation.key}"
    consultation.title = DEMO_TITLE
    consultation.translations = DEMO_TRANSLATIONS
    consultation.retention_until = date(2027, 12, 31)
    _margins(session, consultation)
    _indicators(session, consultation)
    rng = random.Random(seed)
    written = _residents(session, resident_survey, rng, residents)
    partners = _partners(session, partner_survey, rng)
    lines = [
        f"demo loaded: {written} synthetic resident responses and {partners} partner responses "
        f"in {consultation.key} (surveys {resident_survey.key}, {partner_survey.key}; "
        "synthetic data, not real)"
    ]
    codes = generate_codes(session, resident_survey, 3).codes
    lines.append(
        f"try the resident survey at /s/{resident_survey.key} with one of these letter codes: "
        + ", ".join(codes)
    )
    if session.scalar(select(func.count(PlannerUser.id))) == 0:
        password = secrets.token_urlsafe(12)
        create_user(session, DEMO_PLANNER, password, Role.ADMIN, name="Demo-analist")
        lines.append(
            f"planner workspace /planner/: log in as {DEMO_PLANNER} with password {password} "
            "(demo account, shown only now)"
        )
    return "\n".join(lines)


def _margins(session: DbSession, consultation: Consultation) -> None:
    # Synthetic, and the methods section says so.
    consultation.margins_source = DEMO_MARGINS_SOURCE
    consultation.margins_date = date(2026, 1, 1)
    for dimension, table in (
        ("district", DISTRICT_POPULATION),
        ("age", AGE_POPULATION),
        ("sex", SEX_POPULATION),
    ):
        for code, population in table.items():
            session.add(
                PopulationMargin(
                    consultation=consultation, dimension=dimension, code=code, population=population
                )
            )


def _indicators(session: DbSession, consultation: Consultation) -> None:
    for phenomenon, (previous, latest) in INDICATORS.items():
        for year, value in ((2024, previous), (2025, latest)):
            session.add(
                ObjectiveIndicator(
                    consultation=consultation,
                    phenomenon_key=phenomenon,
                    year=year,
                    value=float(value),
                    unit="geregistreerde feiten",
                    source="synthetisch (demo)",
                )
            )


def _residents(session: DbSession, survey: Survey, rng: random.Random, count: int) -> int:
    definition = definition_of(survey)
    generator = ResidentGenerator(definition, rng)
    writer = ResponseWriter(session, survey)
    for _ in range(count):
        _person, values = generator.respond()
        shown, kept, problems = check_values(definition, values)
        if problems:
            raise DemoError(f"generated answers break the survey rules: {problems[:3]}")
        roll = rng.random()
        language = "fr" if roll < 0.03 else "en" if roll < 0.05 else "nl"
        writer.write(
            shown,
            kept,
            mode=ResponseMode.PAPER if rng.random() < 0.15 else ResponseMode.WEB,
            language=language,
            synthetic=True,
            submitted_on=FIELDWORK_START
            + timedelta(days=int(rng.triangular(0, FIELDWORK_DAYS, 3))),
        )
    session.flush()
    return count


def _partners(session: DbSession, survey: Survey, rng: random.Random) -> int:
    definition = definition_of(survey)
    writer = ResponseWriter(session, survey)
    answered = 0
    for name, sector, responds, named in PARTNERS:
        organisation = session.scalar(
            select(PartnerOrganisation).where(PartnerOrganisation.name == name)
        )
        if organisation is None:
            organisation = PartnerOrganisation(
                name=name, sector=sector, contact_email=f"info@{sector.replace(' ', '')}.example.be"
            )
            session.add(organisation)
            session.flush()
        # The demo's links are not handed to anyone: the token is thrown away.
        link = PartnerLink(
            organisation_id=organisation.id,
            survey_id=survey.id,
            token_hash=token_hash(new_url_token(), "partner"),
        )
        session.add(link)
        # Days only: the partner's link keeps no time of day.
        opened = datetime.combine(FIELDWORK_START + timedelta(days=rng.randint(1, 10)), time())
        if not responds:
            # One organisation opened its link and stopped; the other never did.
            if sector == "haven":
                link.first_opened_at = opened
            continue
        values = partner_values(definition, sector, rng, named)
        shown, kept, problems = check_values(definition, values)
        if problems:
            raise DemoError(f"generated partner answers break the survey rules: {problems[:3]}")
        response = writer.write(
            shown, kept, mode=ResponseMode.WEB, partner_id=organisation.id, synthetic=True
        )
        response.submitted_on = opened.date() + timedelta(days=rng.randint(0, 20))
        link.first_opened_at = opened
        link.submitted_at = datetime.combine(response.submitted_on, time())
        record_consent(organisation, kept, response.submitted_on)
        answered += 1
    session.flush()
    return answered
