"""Population margins of a consultation, from the contract's margins CSV
(``dimension,code,population``, e.g. ``district,1,12034``).

All or nothing: an upload replaces every margin of the dimensions it
names, only if no row has an error. Errors are listed per row, in Dutch.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import delete, select

from survey.extensions import DbSession
from survey.models import Consultation, PopulationMargin
from survey.planner.csvfile import MAX_WHOLE_DIGITS, CsvRefused, parse_int, read_table

DIMENSION_RE = re.compile(r"[a-z0-9_]{1,40}")


def import_margins(session: DbSession, consultation: Consultation, data: bytes) -> int:
    """Store the margins in ``data``; return how many rows were stored.
    Raises ``CsvRefused`` with every error. Flushes only."""
    errors: list[str] = []
    rows: dict[tuple[str, int], int] = {}
    for number, cells in read_table(data, ("dimension", "code", "population")):
        dimension = cells.get("dimension", "").lower()
        code = parse_int(cells.get("code", ""))
        population = parse_int(cells.get("population", ""))
        if not DIMENSION_RE.fullmatch(dimension):
            errors.append(
                _(
                    "Row %(row)s: the dimension must be a name like district, age or sex.",
                    row=number,
                )
            )
            continue
        if code is None:
            errors.append(
                _(
                    "Row %(row)s: the code must be a whole number of at most %(digits)s digits.",
                    row=number,
                    digits=MAX_WHOLE_DIGITS,
                )
            )
            continue
        if population is None or population < 0:
            errors.append(
                _(
                    "Row %(row)s: the population must be a whole number of 0 or more, "
                    "with at most %(digits)s digits.",
                    row=number,
                    digits=MAX_WHOLE_DIGITS,
                )
            )
            continue
        if (dimension, code) in rows:
            errors.append(
                _(
                    "Row %(row)s: %(dimension)s code %(code)s appears twice.",
                    row=number,
                    dimension=dimension,
                    code=code,
                )
            )
            continue
        rows[(dimension, code)] = population
    if not rows and not errors:
        errors.append(_("The file has no rows with margins."))
    totals: dict[str, int] = {}
    for (dimension, _code), population in rows.items():
        totals[dimension] = totals.get(dimension, 0) + population
    errors.extend(
        _("The population of dimension %(dimension)s adds up to 0.", dimension=dimension)
        for dimension, total in totals.items()
        if total == 0
    )
    if errors:
        raise CsvRefused(errors)
    session.execute(
        delete(PopulationMargin).where(
            PopulationMargin.consultation_id == consultation.id,
            PopulationMargin.dimension.in_(sorted(totals)),
        )
    )
    session.add_all(
        PopulationMargin(
            consultation_id=consultation.id, dimension=dimension, code=code, population=population
        )
        for (dimension, code), population in sorted(rows.items())
    )
    session.flush()
    return len(rows)


def margins_of(session: DbSession, consultation: Consultation) -> list[PopulationMargin]:
    return list(
        session.scalars(
            select(PopulationMargin)
            .where(PopulationMargin.consultation_id == consultation.id)
            .order_by(PopulationMargin.dimension, PopulationMargin.code)
        )
    )
