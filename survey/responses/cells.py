"""The cross-tab cell of a response, stored on its answer rows at write time.

A response's cell is its mode and its codes on the survey's dimension
questions (``SurveyDefinition.dimension_questions``: district, age band,
sex, ...), None when a dimension was not shown or left empty - exactly what
the report's cross-tabs and weighting group by. Cells are numbered in
``response_cells``; every answer row gets its response's ``cell_id``, so the
report counts answers per cell with one GROUP BY on the answers table.

A response's cell is fixed once its answers are written: answers are never
updated in place (a reopened partner response is deleted and written again,
and gets its cell again).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from survey.definitions.definition import SurveyDefinition
from survey.extensions import DbSession
from survey.models import ResponseCell, dimensions_signature

CellCodes = tuple[int | None, ...]


def dimension_variable_ids(
    definition: SurveyDefinition, variable_ids: Mapping[str, int]
) -> list[int]:
    """The variable ids of the survey's dimension questions, in the order the
    report uses (first question per dimension, in survey order)."""
    return [
        variable_ids[question.key]
        for question in definition.dimension_questions().values()
        if question.key in variable_ids
    ]


def encode_codes(codes: CellCodes) -> str:
    """A cell's dimension codes as stored: comma-separated, empty for not answered (``3,2,``)."""
    return ",".join("" if code is None else str(code) for code in codes)


def decode_codes(text: str, k: int) -> CellCodes:
    """The ``k`` dimension codes of a stored cell text (None for not answered); the inverse of
    ``encode_codes``."""
    if k == 0:
        return ()
    return tuple(None if part == "" else int(part) for part in text.split(","))


class CellNumbers:
    """Finds (or creates) the ``response_cells`` id of (mode, codes) for one
    survey, with a cache: a survey has a few thousand cells at most."""

    def __init__(self, session: DbSession, survey_id: int, dimension_ids: list[int]) -> None:
        self.session = session
        self.survey_id = survey_id
        self.dimension_ids = list(dimension_ids)
        self.signature = dimensions_signature(self.dimension_ids)
        self.cache: dict[tuple[str, CellCodes], int] = {}

    def codes_of(self, answers: Iterable[Mapping[str, Any]]) -> CellCodes:
        """The dimension codes of one response's answer rows (dicts with
        ``variable_id`` and ``code``)."""
        found: dict[int, int | None] = {}
        wanted = set(self.dimension_ids)
        for row in answers:
            if row["variable_id"] in wanted:
                found[row["variable_id"]] = row["code"]
        return tuple(found.get(variable_id) for variable_id in self.dimension_ids)

    def id_for(self, mode: str, codes: CellCodes) -> int:
        """The id of the cell of ``mode`` and ``codes``, made (and flushed) the first time it is
        needed and cached after."""
        key = (mode, codes)
        cell_id = self.cache.get(key)
        if cell_id is None:
            cell_id = self._lookup(mode, encode_codes(codes))
            self.cache[key] = cell_id
        return cell_id

    def _values(self, mode: str, codes: str) -> dict[str, Any]:
        return {
            "survey_id": self.survey_id,
            "dimensions": self.signature,
            "mode": mode,
            "codes": codes,
        }

    def _lookup(self, mode: str, codes: str) -> int:
        values = self._values(mode, codes)
        found = self.session.connection().scalar(_FIND_CELL, values)
        return int(found) if found is not None else self._create(values)

    def _create(self, values: dict[str, Any]) -> int:
        # Two submits may create the same cell at once: the second one's
        # insert does nothing (PostgreSQL waits for the first to commit) and
        # the select below finds the first one's row.
        connection = self.session.connection()
        table: Table = ResponseCell.__table__  # type: ignore[assignment]
        insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        connection.execute(insert(table).values(**values).on_conflict_do_nothing())
        return int(connection.scalar(_FIND_CELL, values) or 0)


def _find_cell_statement() -> Any:
    """The cell's id by its key (``survey_id``, ``dimensions``, ``mode``,
    ``codes``)."""
    table: Table = ResponseCell.__table__  # type: ignore[assignment]
    return select(table.c.id).where(
        (table.c.survey_id == bindparam("survey_id"))
        & (table.c.dimensions == bindparam("dimensions"))
        & (table.c.mode == bindparam("mode"))
        & (table.c.codes == bindparam("codes"))
    )


_FIND_CELL = _find_cell_statement()
