"""The only database access of the analysis: SQL aggregates over answers.

Every figure of the input report starts here as a GROUP BY over integer codes
(``Answer.code``), numbers (``Answer.number``) or the response mode; no
response is ever loaded as an object, so memory stays flat as responses grow.
The functions return plain tuples, dicts and dataclasses; what they mean is
worked out by the pure functions of ``survey.analysis.report`` and
``survey.analysis.cube``. The report's main path is ``answer_cube``: two
GROUP BYs over the answers (they carry their response's cell) from which
every count, base, cross-tab row and raking cell is derived; the per-figure
queries (``code_counts``, ``cell_counts``, ...) are the path for answers
without a stored cell, and serve the other surveys of a consultation.

Conventions:

- ``code None`` in a result is an answer row with code NULL: the question (or
  matrix row, or rank) was shown and left empty. No row means not shown.
- Codes of ``missing: true`` options are returned as they are; the report
  decides that they are missing (it knows the options).
- ``valid respondents`` of a variable are the distinct responses with at least
  one answer row whose code is a non-missing option of its question (joined to
  ``QuestionOption`` in SQL); that is the base of a multiple-choice question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import aliased

from survey.extensions import DbSession
from survey.models import (
    Answer,
    Consultation,
    FreeText,
    ObjectiveIndicator,
    PartnerOrganisation,
    PopulationMargin,
    QuestionOption,
    Response,
    ResponseCell,
    Survey,
    Variable,
    dimensions_signature,
)
from survey.responses.cells import decode_codes

CellKey = tuple[Any, ...]
MODE_DIMENSION = "mode"


class SurveyNotFound(LookupError):
    """No survey with this key."""


@dataclass(frozen=True)
class VariableRow:
    id: int
    name: str
    question_id: int
    question_key: str
    row_key: str | None
    rank: int | None


def find_survey(session: DbSession, key: str) -> Survey:
    survey = session.scalar(select(Survey).where(Survey.key == key))
    if survey is None:
        raise SurveyNotFound(key)
    return survey


def consultation_surveys(session: DbSession, consultation_id: int) -> list[Survey]:
    return list(
        session.scalars(
            select(Survey).where(Survey.consultation_id == consultation_id).order_by(Survey.key)
        )
    )


def consultation_of(session: DbSession, consultation_id: int) -> Consultation:
    consultation = session.get(Consultation, consultation_id)
    assert consultation is not None
    return consultation


def variables(session: DbSession, survey_id: int) -> list[VariableRow]:
    """The stored answer slots of a survey, with their question key."""
    from survey.models import Question

    rows = session.execute(
        select(
            Variable.id,
            Variable.name,
            Variable.question_id,
            Question.key,
            Variable.row_key,
            Variable.rank,
        )
        .join(Question, Question.id == Variable.question_id)
        .where(Variable.survey_id == survey_id)
        .order_by(Variable.position)
    ).all()
    return [VariableRow(*row) for row in rows]


def responses_by_mode(session: DbSession, survey_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Response.mode, func.count())
        .where(Response.survey_id == survey_id)
        .group_by(Response.mode)
    ).all()
    return {str(mode): int(n) for mode, n in rows}


def code_counts(session: DbSession, survey_id: int) -> dict[int, dict[int | None, int]]:
    """Answer rows per (variable, code) for the whole survey, in ONE GROUP BY:
    ``{variable_id: {code: count}}``; code None = shown, left empty."""
    rows = session.execute(
        select(Answer.variable_id, Answer.code, func.count())
        .join(Variable, Variable.id == Answer.variable_id)
        .where(Variable.survey_id == survey_id)
        .group_by(Answer.variable_id, Answer.code)
    ).all()
    result: dict[int, dict[int | None, int]] = defaultdict(dict)
    for variable_id, code, n in rows:
        result[int(variable_id)][None if code is None else int(code)] = int(n)
    return dict(result)


def _valid_option_join(answer: Any) -> Any:
    """Join condition: the answer's code is a non-missing option of its question."""
    return and_(
        QuestionOption.question_id == Variable.question_id,
        QuestionOption.code == answer.code,
        QuestionOption.missing == false(),
    )


def valid_respondents(session: DbSession, variable_ids: Sequence[int]) -> dict[int, int]:
    """Distinct responses with at least one valid (non-missing) code, per variable."""
    if not variable_ids:
        return {}
    rows = session.execute(
        select(Answer.variable_id, func.count(func.distinct(Answer.response_id)))
        .join(Variable, Variable.id == Answer.variable_id)
        .join(QuestionOption, _valid_option_join(Answer))
        .where(Answer.variable_id.in_(variable_ids))
        .group_by(Answer.variable_id)
    ).all()
    return {int(v): int(n) for v, n in rows}


def shown_respondents(session: DbSession, variable_ids: Sequence[int]) -> dict[int, int]:
    """Distinct responses with any answer row (shown), per variable."""
    if not variable_ids:
        return {}
    rows = session.execute(
        select(Answer.variable_id, func.count(func.distinct(Answer.response_id)))
        .where(Answer.variable_id.in_(variable_ids))
        .group_by(Answer.variable_id)
    ).all()
    return {int(v): int(n) for v, n in rows}


def number_values(
    session: DbSession, variable_ids: Sequence[int]
) -> dict[int, list[tuple[float, int]]]:
    """``(value, count)`` per number variable (answered rows only), values
    ascending. Grouped by (variable, cell, code, number), the order of the
    covering index ``ix_answers_report_cube``, so that no sort is needed;
    the few groups per value are added up here."""
    if not variable_ids:
        return {}
    rows = session.execute(
        select(Answer.variable_id, Answer.number, func.count())
        .where(Answer.variable_id.in_(variable_ids), Answer.number.is_not(None))
        .group_by(Answer.variable_id, Answer.cell_id, Answer.code, Answer.number)
    ).all()
    totals: dict[tuple[int, float], int] = defaultdict(int)
    for variable_id, value, n in rows:
        totals[(int(variable_id), float(value or 0.0))] += int(n)
    result: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (variable_id, value), n in sorted(totals.items()):
        result[variable_id].append((value, n))
    return dict(result)


# --- weighting ---------------------------------------------------------------


def cell_counts(
    session: DbSession, survey_id: int, dimension_variable_ids: Sequence[int]
) -> dict[CellKey, int]:
    """Responses grouped by their codes on the weighting dimensions (None when
    a dimension was not answered): the cells that raking works on."""
    dims = [aliased(Answer) for _ in dimension_variable_ids]
    columns = [d.code for d in dims]
    query = select(*columns, func.count()).select_from(Response)
    for dim, variable_id in zip(dims, dimension_variable_ids, strict=True):
        query = query.outerjoin(
            dim, and_(dim.response_id == Response.id, dim.variable_id == variable_id)
        )
    rows: list[Any] = list(
        session.execute(query.where(Response.survey_id == survey_id).group_by(*columns)).all()
    )
    return {tuple(None if c is None else int(c) for c in row[:-1]): int(row[-1]) for row in rows}


# --- partners, free text, consultation data ----------------------------------


def codes_by_sector(
    session: DbSession, variable_ids: Sequence[int]
) -> list[tuple[int, str, int | None, int]]:
    """``(variable_id, partner sector, code, count)`` over partner responses."""
    if not variable_ids:
        return []
    rows = session.execute(
        select(Answer.variable_id, PartnerOrganisation.sector, Answer.code, func.count())
        .join(Response, Response.id == Answer.response_id)
        .join(PartnerOrganisation, PartnerOrganisation.id == Response.partner_id)
        .where(Answer.variable_id.in_(variable_ids))
        .group_by(Answer.variable_id, PartnerOrganisation.sector, Answer.code)
    ).all()
    return [(int(v), str(s), None if c is None else int(c), int(n)) for v, s, c, n in rows]


def partner_response_count(session: DbSession, survey_id: int) -> dict[str, int]:
    """Partner responses per sector."""
    rows = session.execute(
        select(PartnerOrganisation.sector, func.count())
        .join(Response, Response.partner_id == PartnerOrganisation.id)
        .where(Response.survey_id == survey_id)
        .group_by(PartnerOrganisation.sector)
    ).all()
    return {str(s): int(n) for s, n in rows}


@dataclass(frozen=True)
class TextRow:
    variable_id: int
    redacted: str
    partner_name: str | None
    """The organisation's name, only when it agreed to be named."""


def redacted_texts(
    session: DbSession, variable_ids: Sequence[int], consent_variable_id: int | None = None
) -> list[TextRow]:
    """Redacted free texts (never the raw text) of the given variables. With
    ``consent_variable_id`` (the partner's ``vermelding`` question) the
    organisation's name comes along only when that answer is code 1."""
    if not variable_ids:
        return []
    if consent_variable_id is None:
        rows = session.execute(
            select(FreeText.variable_id, FreeText.redacted)
            .where(FreeText.variable_id.in_(variable_ids))
            .order_by(FreeText.id)
        ).all()
        return [TextRow(int(v), str(t), None) for v, t in rows]
    consent = aliased(Answer)
    named = session.execute(
        select(FreeText.variable_id, FreeText.redacted, PartnerOrganisation.name, consent.code)
        .join(Response, Response.id == FreeText.response_id)
        .outerjoin(PartnerOrganisation, PartnerOrganisation.id == Response.partner_id)
        .outerjoin(
            consent,
            and_(
                consent.response_id == FreeText.response_id,
                consent.variable_id == consent_variable_id,
            ),
        )
        .where(FreeText.variable_id.in_(variable_ids))
        .order_by(FreeText.id)
    ).all()
    return [
        TextRow(int(v), str(t), str(name) if name is not None and code == 1 else None)
        for v, t, name, code in named
    ]


def distinct_texts(session: DbSession, variable_ids: Sequence[int]) -> list[tuple[int, str, int]]:
    """``(lowest id, redacted text, copies)`` per distinct redacted free text
    (never the raw text) of the given variables, in the order of the lowest
    id: the same short comment comes back thousands of times, and is sent
    and tagged once."""
    if not variable_ids:
        return []
    lowest = func.min(FreeText.id)
    rows = session.execute(
        select(lowest, FreeText.redacted, func.count())
        .where(FreeText.variable_id.in_(variable_ids))
        .group_by(FreeText.redacted)
        .order_by(lowest)
    ).all()
    return [(int(i), str(t), int(n)) for i, t, n in rows]


def margins(session: DbSession, consultation_id: int) -> dict[str, dict[int, int]]:
    rows = session.execute(
        select(PopulationMargin.dimension, PopulationMargin.code, PopulationMargin.population)
        .where(PopulationMargin.consultation_id == consultation_id)
        .order_by(PopulationMargin.dimension, PopulationMargin.code)
    ).all()
    result: dict[str, dict[int, int]] = defaultdict(dict)
    for dimension, code, population in rows:
        result[str(dimension)][int(code)] = int(population)
    return dict(result)


@dataclass(frozen=True)
class IndicatorRow:
    phenomenon: str
    year: int
    value: float
    unit: str
    source: str


def objective_indicators(session: DbSession, consultation_id: int) -> list[IndicatorRow]:
    rows = session.execute(
        select(
            ObjectiveIndicator.phenomenon_key,
            ObjectiveIndicator.year,
            ObjectiveIndicator.value,
            ObjectiveIndicator.unit,
            ObjectiveIndicator.source,
        )
        .where(ObjectiveIndicator.consultation_id == consultation_id)
        .order_by(ObjectiveIndicator.phenomenon_key, ObjectiveIndicator.year)
    ).all()
    return [IndicatorRow(str(p), int(y), float(v), str(u), str(s)) for p, y, v, u, s in rows]


def _response_cells(survey_id: int, dimension_variable_ids: Sequence[int]) -> Any:
    """One row per response: its id, mode, its code on each dimension (NULL
    when not answered) and ``cid``, a small integer numbering the distinct
    (mode, codes) combinations. Materialised once, so that every answer row
    needs one lookup instead of one per dimension, and grouped on ``cid``: a
    GROUP BY over integers is about twice as fast as over the mode string and
    the nullable codes (SQLite sorts every joined answer row)."""
    dims = [aliased(Answer) for _ in dimension_variable_ids]
    codes = [d.code.label(f"d{i}") for i, d in enumerate(dims)]
    query = select(
        Response.id.label("rid"),
        Response.mode.label("mode"),
        *codes,
        func.dense_rank().over(order_by=[Response.mode, *[d.code for d in dims]]).label("cid"),
    ).select_from(Response)
    for dim, variable_id in zip(dims, dimension_variable_ids, strict=True):
        query = query.outerjoin(
            dim, and_(dim.response_id == Response.id, dim.variable_id == variable_id)
        )
    return query.where(Response.survey_id == survey_id).cte("cells").prefix_with("MATERIALIZED")


def _cell_keys(cells: Any, k: int) -> Any:
    """``cid`` -> (mode, dimension codes), one row per combination."""
    columns = [cells.c.cid, cells.c.mode, *[cells.c[f"d{i}"] for i in range(k)]]
    return select(*columns).distinct().subquery("keys")


def _cell_tuple(row: Any, k: int) -> CellKey:
    return tuple(None if c is None else int(c) for c in row[1 : k + 1])


def _null_first(value: Any) -> tuple[bool, Any]:
    return (value is not None, value)


def stored_cells(
    session: DbSession,
    survey_id: int,
    variable_ids: Sequence[int],
    dimension_variable_ids: Sequence[int],
) -> dict[int, tuple[str, CellKey]] | None:
    """``cell_id`` -> (mode, dimension codes) of the cells stored on the
    answer rows (``survey.responses.cells``), or None when they cannot be
    used: an answer of ``variable_ids`` without a cell (written before cells
    existed), or a cell built over other dimension variables than these."""
    signature = dimensions_signature(list(dimension_variable_ids))
    rows = session.execute(
        select(
            ResponseCell.id, ResponseCell.dimensions, ResponseCell.mode, ResponseCell.codes
        ).where(ResponseCell.survey_id == survey_id)
    ).all()
    if any(dimensions != signature for _id, dimensions, _mode, _codes in rows):
        return None
    if variable_ids and session.scalar(
        select(Answer.id)
        .where(Answer.variable_id.in_(variable_ids), Answer.cell_id.is_(None))
        .limit(1)
    ):
        return None
    k = len(dimension_variable_ids)
    return {
        int(cell_id): (str(mode), decode_codes(str(codes), k))
        for cell_id, _dimensions, mode, codes in rows
    }


def cell_code_counts(
    session: DbSession,
    survey_id: int,
    variable_ids: Sequence[int],
    dimension_variable_ids: Sequence[int],
) -> list[tuple[str, CellKey, int, int | None, int]]:
    """``(mode, dimension codes, variable_id, code, count)``: the answers of
    the given variables grouped by the mode and dimension answers of their
    response. Cross-tabs by every dimension and the weighted tallies are
    sums over these rows. The fallback of ``answer_cube`` for answers
    without a stored cell: the answers are grouped by (variable, ``cid``,
    code) and only the few thousand groups are joined back to their mode
    and codes. Rows come sorted by (mode, codes,
    variable, code), NULL first, whatever the engine, so that the sums built
    from them (weighted tallies in floating point) are the same everywhere."""
    if not variable_ids:
        return []
    k = len(dimension_variable_ids)
    cells = _response_cells(survey_id, dimension_variable_ids)
    cube = (
        select(
            Answer.variable_id.label("variable_id"),
            cells.c.cid,
            Answer.code.label("code"),
            func.count().label("n"),
        )
        .select_from(cells)
        .join(Answer, Answer.response_id == cells.c.rid)
        .where(Answer.variable_id.in_(variable_ids))
        .group_by(Answer.variable_id, cells.c.cid, Answer.code)
        .subquery("cube")
    )
    keys = _cell_keys(cells, k)
    query = select(
        keys.c.mode,
        *[keys.c[f"d{i}"] for i in range(k)],
        cube.c.variable_id,
        cube.c.code,
        cube.c.n,
    ).join_from(cube, keys, keys.c.cid == cube.c.cid)
    rows: list[Any] = list(session.execute(query).all())
    result = [
        (
            str(row[0]),
            _cell_tuple(row, k),
            int(row[k + 1]),
            None if row[k + 2] is None else int(row[k + 2]),
            int(row[k + 3]),
        )
        for row in rows
    ]
    result.sort(key=lambda r: (r[0], *map(_null_first, r[1]), r[2], _null_first(r[3])))
    return result


def cell_valid_respondents(
    session: DbSession,
    survey_id: int,
    variable_ids: Sequence[int],
    dimension_variable_ids: Sequence[int],
) -> list[tuple[str, CellKey, int, int]]:
    """``(mode, dimension codes, variable_id, respondents with >= 1 valid
    code)`` for multiple-choice variables, sorted like ``cell_code_counts``."""
    if not variable_ids:
        return []
    k = len(dimension_variable_ids)
    cells = _response_cells(survey_id, dimension_variable_ids)
    # A response is in one cell only: its distinct respondents per
    # (variable, cell) add up to the variable's valid respondents.
    cube = (
        select(
            Answer.variable_id.label("variable_id"),
            cells.c.cid,
            func.count(func.distinct(Answer.response_id)).label("n"),
        )
        .select_from(cells)
        .join(Answer, Answer.response_id == cells.c.rid)
        .join(Variable, Variable.id == Answer.variable_id)
        .join(QuestionOption, _valid_option_join(Answer))
        .where(Answer.variable_id.in_(variable_ids))
        .group_by(Answer.variable_id, cells.c.cid)
        .subquery("cube")
    )
    keys = _cell_keys(cells, k)
    query = select(
        keys.c.mode,
        *[keys.c[f"d{i}"] for i in range(k)],
        cube.c.variable_id,
        cube.c.n,
    ).join_from(cube, keys, keys.c.cid == cube.c.cid)
    rows: list[Any] = list(session.execute(query).all())
    result = [(str(row[0]), _cell_tuple(row, k), int(row[k + 1]), int(row[k + 2])) for row in rows]
    result.sort(key=lambda r: (r[0], *map(_null_first, r[1]), r[2]))
    return result


@dataclass(frozen=True)
class AnswerCube:
    """The answers of a survey grouped by their response's stored cell
    (``stored_cells``): two GROUP BYs over the answers table instead of one
    per figure. Everything the report counts is a sum over these rows (a
    response is in exactly one cell); ``survey.analysis.cube`` derives the
    figures."""

    cells: dict[int, tuple[str, CellKey]]
    """``cell_id`` -> (mode, dimension codes; None = not answered)."""
    counts: list[tuple[int, int, int | None, int]]
    """``(variable_id, cell_id, code, answer rows)``; code None = shown, left empty."""
    respondents: list[tuple[int, int, int, int]]
    """``(variable_id, cell_id, shown respondents, valid respondents)`` of
    the respondent variables (multiple choice): distinct responses with any
    answer row, and with at least one code that is a non-missing option."""


def _variable_filter(variable_ids: Sequence[int]) -> Any:
    """``variable_id IN (...)``, written as one BETWEEN when the ids are
    consecutive (a survey's variables are numbered together at import): the
    same rows, but PostgreSQL tests a range on every scanned row instead of
    hashing the value against the list (~15 % of the cube's time)."""
    ids = sorted(set(variable_ids))
    if ids and ids[-1] - ids[0] == len(ids) - 1:
        return Answer.variable_id.between(ids[0], ids[-1])
    return Answer.variable_id.in_(ids)


def answer_cube(
    session: DbSession,
    survey_id: int,
    variable_ids: Sequence[int],
    respondent_variable_ids: Sequence[int],
    dimension_variable_ids: Sequence[int],
) -> AnswerCube | None:
    """The ``AnswerCube`` of ``variable_ids`` (respondent counts for
    ``respondent_variable_ids``, a subset), or None when the answers do not
    all carry a usable cell (see ``stored_cells``): the caller then runs the
    per-figure queries above. Both GROUP BYs read only the covering index
    ``ix_answers_report_cube`` (variable_id, cell_id, code, number,
    response_id): the first one all of it in index order, the second one the
    entries of the few multiple-choice variables."""
    stored = stored_cells(session, survey_id, variable_ids, dimension_variable_ids)
    if stored is None:
        return None
    counts: list[tuple[int, int, int | None, int]] = []
    if variable_ids:
        # Thousands of rows: run on the session's connection (same
        # transaction) without the ORM's per-row result processing, and
        # turned into plain tuples a few hundred at a time (the columns are
        # integers already), so that the result rows do not live long enough
        # for the garbage collector to promote them to its oldest generation
        # (all of them alive at once cost a full collection every other
        # report).
        result: Any = session.connection().execute(
            select(Answer.variable_id, Answer.cell_id, Answer.code, func.count())
            .where(_variable_filter(variable_ids))
            .group_by(Answer.variable_id, Answer.cell_id, Answer.code)
        )
        counts = [
            (v, cell, code, n) for part in result.partitions(500) for v, cell, code, n in part
        ]
    respondents: list[tuple[int, int, int, int]] = []
    if respondent_variable_ids:
        respondents = _respondents(session, respondent_variable_ids, counts)
    return AnswerCube(stored, counts, respondents)


def _respondents(
    session: DbSession,
    variable_ids: Sequence[int],
    counts: Sequence[tuple[int, int, int | None, int]],
) -> list[tuple[int, int, int, int]]:
    """``(variable_id, cell_id, shown respondents, valid respondents)`` of
    multiple-choice variables, from their entries in the covering index and
    their rows of the cube (``counts``).

    A multiple-choice answer is stored as one row per chosen code, or as
    one row with code NULL when nothing was chosen, never both
    (``MultipleChoice.answer_rows``, the only way answer rows are written).
    So where every code the cube holds for a variable is a valid option (no
    missing option chosen, no unknown code), the valid respondents of a cell
    are its shown respondents minus its NULL rows, and one count(DISTINCT)
    per cell is enough; a second one, of the responses with a valid code,
    is counted only for the variables where that does not hold. That second
    count over every entry of the variables was half of this query's time.
    """
    # The valid codes come first, in a query of their own, so that the
    # GROUP BY reads the covering index only (no join per answer row).
    options: list[Any] = list(
        session.execute(
            select(Variable.id, QuestionOption.code)
            .join(QuestionOption, QuestionOption.question_id == Variable.question_id)
            .where(Variable.id.in_(variable_ids), QuestionOption.missing == false())
            .order_by(Variable.id, QuestionOption.code)
        ).all()
    )
    valid_codes: dict[int, set[int]] = {int(v): set() for v in variable_ids}
    for variable_id, code in options:
        valid_codes[int(variable_id)].add(int(code))
    empty: dict[tuple[int, int], int] = {}
    seen: set[int] = set()
    other_codes: set[int] = set()
    for variable_id, cell_id, code, n in counts:
        codes = valid_codes.get(variable_id)
        if codes is not None:
            seen.add(variable_id)
            if code is None:
                empty[(variable_id, cell_id)] = n
            elif code not in codes:
                other_codes.add(variable_id)
    # Counted exactly: the variables with a stored code that is not a valid
    # option, and (defensively) those without rows in the cube.
    other_codes |= set(valid_codes) - seen
    columns: list[Any] = [
        Answer.variable_id,
        Answer.cell_id,
        func.count(func.distinct(Answer.response_id)),
    ]
    if other_codes:
        valid = case(
            (
                or_(
                    false(),
                    *[
                        and_(Answer.variable_id == variable_id, Answer.code.in_(sorted(codes)))
                        for variable_id, codes in valid_codes.items()
                        if variable_id in other_codes
                    ],
                ),
                Answer.response_id,
            )
        )
        columns.append(func.count(func.distinct(valid)))
    rows: list[Any] = list(
        session.execute(
            select(*columns)
            .where(Answer.variable_id.in_(variable_ids))
            .group_by(Answer.variable_id, Answer.cell_id)
        ).all()
    )
    result = []
    for row in rows:
        variable_id, cell_id, shown = int(row[0]), int(row[1]), int(row[2])
        if variable_id in other_codes:
            valid_n = int(row[3])
        else:
            valid_n = shown - empty.get((variable_id, cell_id), 0)
        result.append((variable_id, cell_id, shown, valid_n))
    return result
