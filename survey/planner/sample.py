"""A stratified random sample from the consultation's frame, for one survey
with invitation codes, as the Veiligheidsmonitor draws from the register.

Strata are the combinations of the chosen frame dimensions (``district``,
``municipality``, ``sex``, ``age`` in bands, ``language``). Allocation:

- ``proportional``: ``size`` spread over the strata in proportion to their
  people (largest remainders, so the shares add up to ``size``), then each
  stratum raised to ``minimum`` (or all its people, if fewer): the total can
  exceed ``size`` by what the minimum adds.
- ``per_stratum``: ``size`` people in every stratum (or all, if fewer).

Within a stratum the people are drawn by ``random.Random(seed)``, strata in
label order and people in frame order: the same frame, settings and seed
draw the same people. The seed is stored with the sample.

Each drawn person gets a one-time code (``survey.residents.codes``); the
member row links person and code until the purge at the end of fieldwork.
Nothing links a code to a response.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from survey.extensions import DbSession
from survey.models import FramePerson, Sample, SampleFrame, SampleMember, Survey
from survey.residents.codes import CodesRefused, code_hash, code_ids, generate_codes, seal_code

DIMENSIONS = ("district", "municipality", "sex", "age", "language")
# How the planner reads the frame's dimensions and coded values (the sample
# form, the strata tables); districts and municipalities are shown as the
# frame names them.
DIMENSION_LABELS = {
    "district": _l("district"),
    "municipality": _l("municipality"),
    "sex": _l("sex"),
    "age": _l("age band"),
    "language": _l("language"),
}
SEX_LABELS = {"m": _l("men"), "f": _l("women"), "x": _l("sex X")}
LANGUAGE_LABELS = {
    "nl": _l("Dutch-speaking"),
    "fr": _l("French-speaking"),
    "en": _l("English-speaking"),
}
DEFAULT_AGE_BANDS = (18, 35, 50, 65)
METHODS = ("proportional", "per_stratum")
MAX_SEED = 2**31 - 1


class SampleRefused(ValueError):
    """The sample cannot be drawn; the message says why (in Dutch)."""


@dataclass(frozen=True)
class Stratum:
    """One stratum of a sample: its key (``stratum_label``), the people of
    the frame in it and the number drawn."""

    label: str
    population: int
    drawn: int

    @property
    def text(self) -> str:
        """The stratum as the planner reads it (``stratum_text``)."""
        return stratum_text(self.label)


def age_band(age: int, bands: Sequence[int]) -> str:
    """The label of the band ``age`` falls in: bands are lower bounds, e.g.
    (18, 35, 50, 65) gives 0-17, 18-34, 35-49, 50-64 and 65+."""
    lower = 0
    for bound in bands:
        if age < bound:
            return f"{lower}-{bound - 1}"
        lower = bound
    return f"{lower}+"


def parse_age_bands(raw: str) -> list[int]:
    """Lower bounds typed as "18,35,50,65": rising whole numbers from 1 to 120."""
    try:
        bands = [int(part) for part in raw.replace(" ", "").split(",") if part]
    except ValueError as exc:
        raise SampleRefused(_("Type the age bands as rising ages, e.g. 18,35,50,65.")) from exc
    if not bands or any(not 1 <= b <= 120 for b in bands) or bands != sorted(set(bands)):
        raise SampleRefused(_("Type the age bands as rising ages, e.g. 18,35,50,65."))
    return bands


def allocate(
    populations: dict[str, int], method: str, size: int, minimum: int = 0
) -> dict[str, int]:
    """How many to draw per stratum (see the module's rules)."""
    if method == "per_stratum":
        return {label: min(size, n) for label, n in populations.items()}
    total = sum(populations.values())
    exact = {label: size * n / total for label, n in populations.items()}
    shares = {label: int(value) for label, value in exact.items()}
    left = size - sum(shares.values())
    for label in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))[:left]:
        shares[label] += 1
    return {label: min(populations[label], max(shares[label], minimum)) for label in populations}


def draw_sample(
    session: DbSession,
    survey: Survey,
    frame: SampleFrame,
    *,
    dimensions: Sequence[str],
    method: str,
    size: int,
    minimum: int = 0,
    age_bands: Sequence[int] = DEFAULT_AGE_BANDS,
    seed: int | None = None,
) -> Sample:
    """Draw a sample from ``frame`` for ``survey`` and give every member a
    code. Raises ``SampleRefused``. Flushes; the caller commits."""
    if survey.access != "invitation":
        raise SampleRefused(_("A sample needs a survey with invitation codes."))
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown or len(set(dimensions)) != len(dimensions):
        raise SampleRefused(_("Choose strata from: %(names)s.", names=", ".join(DIMENSIONS)))
    if method not in METHODS:
        raise SampleRefused(_("Choose proportional or a size per stratum."))
    if size < 1 or minimum < 0:
        raise SampleRefused(_("The sample size must be at least 1."))
    if seed is None:
        seed = secrets.randbelow(MAX_SEED)
    elif not 0 <= seed <= MAX_SEED:
        raise SampleRefused(_("The seed is a whole number from 0 to %(max)s.", max=MAX_SEED))
    people: dict[str, list[int]] = defaultdict(list)
    rows = session.execute(
        select(
            FramePerson.id,
            FramePerson.district,
            FramePerson.municipality,
            FramePerson.sex,
            FramePerson.birth_year,
            FramePerson.language,
        )
        .where(FramePerson.frame_id == frame.id)
        .order_by(FramePerson.id)
    )
    for person_id, district, municipality, sex, birth_year, language in rows:
        values = {
            "district": district,
            "municipality": municipality,
            "sex": sex,
            "age": age_band(frame.reference_year - birth_year, age_bands),
            "language": language,
        }
        people[stratum_label(dimensions, values)].append(int(person_id))
    if not people:
        raise SampleRefused(_("The frame has no people."))
    populations = {label: len(ids) for label, ids in people.items()}
    if method == "proportional" and size > sum(populations.values()):
        raise SampleRefused(
            _(
                "The frame has %(n)s people: the sample cannot be larger.",
                n=sum(populations.values()),
            )
        )
    counts = allocate(populations, method, size, minimum)
    rng = random.Random(seed)
    drawn: list[tuple[str, int]] = []
    for label in sorted(people):
        drawn.extend((label, person_id) for person_id in rng.sample(people[label], counts[label]))
    try:
        batch = generate_codes(session, survey, len(drawn))
    except CodesRefused as exc:
        raise SampleRefused(str(exc)) from exc
    ids = code_ids(session, survey, batch.batch)
    sample = Sample(
        survey_id=survey.id,
        frame_id=frame.id,
        seed=seed,
        dimensions=list(dimensions),
        age_bands=list(age_bands),
        method=method,
        size=size,
        minimum=minimum,
        drawn=len(drawn),
        strata={label: [populations[label], counts[label]] for label in sorted(people)},
        batch=batch.batch,
    )
    session.add(sample)
    session.flush()
    session.execute(
        insert(SampleMember),
        [
            {
                "sample_id": sample.id,
                "person_id": person_id,
                "invitation_code_id": ids[code_hash(code)],
                "sealed_code": seal_code(code),
                "stratum": label,
            }
            for (label, person_id), code in zip(drawn, batch.codes, strict=True)
        ],
    )
    session.flush()
    return sample


def stratum_label(dimensions: Sequence[str], values: dict[str, str]) -> str:
    """``district=Noord|sex=f|age=35-49``; "alle" without dimensions."""
    return "|".join(f"{d}={values[d]}" for d in dimensions) or "alle"


def stratum_text(label: str) -> str:
    """A stratum as the planner reads it: ``district=Noord|sex=f|age=35-49``
    becomes "Noord, women, 35-49 years" (in the page's language); "alle"
    becomes "everyone". A part that is not ``dimension=value`` is shown as
    it is."""
    if label == "alle":
        return str(_("everyone"))
    parts: list[str] = []
    for part in label.split("|"):
        dimension, _sep, value = part.partition("=")
        if dimension == "sex" and value in SEX_LABELS:
            parts.append(str(SEX_LABELS[value]))
        elif dimension == "language" and value in LANGUAGE_LABELS:
            parts.append(str(LANGUAGE_LABELS[value]))
        elif dimension == "age" and value:
            parts.append(str(_("%(band)s years", band=value)))
        else:
            parts.append(value or part)
    return ", ".join(parts)


def strata_of(sample: Sample) -> list[Stratum]:
    """The strata of a sample in label order, with what the frame held and
    what was drawn in each."""
    return [
        Stratum(label=label, population=int(pair[0]), drawn=int(pair[1]))
        for label, pair in sorted(sample.strata.items())
    ]


def samples_of(session: DbSession, survey: Survey) -> list[Sample]:
    """Every sample of the survey, oldest first."""
    return list(
        session.scalars(select(Sample).where(Sample.survey_id == survey.id).order_by(Sample.id))
    )


def latest_sample(session: DbSession, survey: Survey) -> Sample | None:
    """The sample letters go to: the survey's newest."""
    return session.scalar(
        select(Sample).where(Sample.survey_id == survey.id).order_by(Sample.id.desc()).limit(1)
    )
