"""Population margins of a consultation, from the contract's margins CSV
(``dimension,code,population``, e.g. ``district,1,12034``), read by
``survey.analysis.margins`` (the rules are in docs/margins.md).

All or nothing: an upload replaces every margin of the dimensions it
names, only if no row has an error. Errors are listed per row, in Dutch.
Dimensions whose totals disagree are stored, with a warning on the page.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from survey.analysis.margins import (
    MarginsRefused,
    dimension_totals,
    parse_margins,
    totals_disagree,
)
from survey.analysis.weighting_summary import margin_totals_notice
from survey.extensions import DbSession
from survey.models import Consultation, PopulationMargin
from survey.planner.csvfile import CsvRefused


def import_margins(session: DbSession, consultation: Consultation, data: bytes) -> int:
    """Store the margins in ``data``; return how many rows were stored.
    Raises ``CsvRefused`` with every error. Flushes only."""
    try:
        margins = parse_margins(data)
    except MarginsRefused as exc:
        raise CsvRefused(exc.errors) from exc
    session.execute(
        delete(PopulationMargin).where(
            PopulationMargin.consultation_id == consultation.id,
            PopulationMargin.dimension.in_(sorted(margins)),
        )
    )
    rows = sorted(
        (dimension, code, population)
        for dimension, populations in margins.items()
        for code, population in populations.items()
    )
    session.add_all(
        PopulationMargin(
            consultation_id=consultation.id, dimension=dimension, code=code, population=population
        )
        for dimension, code, population in rows
    )
    session.flush()
    return len(rows)


def set_margins_source(
    session: DbSession, consultation: Consultation, source: str, on: date | None
) -> None:
    """Record where the margins come from (e.g. "Statbel, bevolking op 1
    januari 2026") and their reference date. Flushes only."""
    consultation.margins_source = source.strip()[:200]
    consultation.margins_date = on
    session.flush()


def margins_of(session: DbSession, consultation: Consultation) -> list[PopulationMargin]:
    """The consultation's population margins by dimension, then code."""
    return list(
        session.scalars(
            select(PopulationMargin)
            .where(PopulationMargin.consultation_id == consultation.id)
            .order_by(PopulationMargin.dimension, PopulationMargin.code)
        )
    )


def totals_warning(margins: list[PopulationMargin]) -> str | None:
    """The warning of the margins page when the stored dimensions add up to
    different totals (the same warning every weighted report carries)."""
    table: dict[str, dict[int, float]] = {}
    for margin in margins:
        table.setdefault(margin.dimension, {})[margin.code] = float(margin.population)
    if not totals_disagree(table):
        return None
    return margin_totals_notice(dimension_totals(table)).message
