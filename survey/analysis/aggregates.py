"""The only database access of the analysis: SQL aggregates over answers.

Every figure of the input report starts here as a GROUP BY over integer codes
(``Answer.code``), numbers (``Answer.number``) or the response mode; no
response is ever loaded as an object, so memory stays flat as responses grow.
The functions return plain tuples, dicts and dataclasses; what they mean is
worked out by pure functions (``survey.analysis.cube``,
``survey.analysis.collect`` and the table builders).

One path: ``survey_aggregates`` reads a survey (the report's, and every other
survey of its consultation for the priority matrix) through ``answer_cube``,
two GROUP BYs over the answers, which carry their response's cell (mode and
dimension codes, ``survey.responses.cells``), from which every count, base,
cross-tab row and raking cell is derived; plus the values of number
questions. Every answer has its cell since migration 0002 (which gave the
answers written before it theirs); a database where one has not gets
``InconsistentCube`` (run ``flask db upgrade``) instead of wrong figures.

Conventions:

- ``code None`` in a result is an answer row with code NULL: the question (or
  matrix row, or rank) was shown and left empty. No row means not shown.
- Codes of ``missing: true`` options are returned as they are; the report
  decides that they are missing (it knows the options).
- ``valid respondents`` of a multiple-choice variable are the distinct
  responses with at least one answer row whose code is a non-missing option
  of its question; that is the base of a multiple-choice question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select

from survey.analysis import cube
from survey.analysis.cube import AnswerCube, CellKey, InconsistentCube
from survey.analysis.fieldwork_facts import (
    FieldworkFacts,
    LetterWave,
    SampleDesign,
    StratumRate,
    rate,
)
from survey.analysis.suppression import suppress_table
from survey.definitions.definition import QuestionDef, SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.models import (
    Answer,
    Consultation,
    FreeText,
    InvitationCode,
    LetterRun,
    ObjectiveIndicator,
    PartnerOrganisation,
    PopulationMargin,
    QuestionOption,
    Response,
    ResponseCell,
    Sample,
    SampleFrame,
    SampleMember,
    Survey,
    TagCorrection,
    Variable,
    dimensions_signature,
)
from survey.responses.cells import decode_codes


class SurveyNotFound(LookupError):
    """No survey with this key."""


@dataclass(frozen=True)
class VariableRow:
    """A variable of a survey (one stored answer column) and the question, matrix row
    and rank it belongs to."""

    id: int
    name: str
    question_id: int
    question_key: str
    row_key: str | None
    rank: int | None


def find_survey(session: DbSession, key: str) -> Survey:
    """The survey with this key; raises ``SurveyNotFound`` when there is none."""
    survey = session.scalar(select(Survey).where(Survey.key == key))
    if survey is None:
        raise SurveyNotFound(key)
    return survey


def consultation_surveys(session: DbSession, consultation_id: int) -> list[Survey]:
    """The surveys of a consultation, by key."""
    return list(
        session.scalars(
            select(Survey).where(Survey.consultation_id == consultation_id).order_by(Survey.key)
        )
    )


def consultation_of(session: DbSession, consultation_id: int) -> Consultation:
    """The consultation with this id (it must exist)."""
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
    """Responses of a survey per mode (online, paper, import ...): counts of
    responses, every response counted once."""
    rows = session.execute(
        select(Response.mode, func.count())
        .where(Response.survey_id == survey_id)
        .group_by(Response.mode)
    ).all()
    return {str(mode): int(n) for mode, n in rows}


def number_values(
    session: DbSession, variable_ids: Sequence[int]
) -> dict[int, list[tuple[int, float, int]]]:
    """``(cell_id, value, count)`` per number variable (answered rows only),
    ordered by value, then cell. Grouped by (variable, cell, code, number),
    the order of the covering index ``ix_answers_report_cube``, so that no
    sort is needed; the few groups per (cell, value) are added up here. The
    report adds the cells up for its unweighted figures and weights them
    for the weighted ones."""
    if not variable_ids:
        return {}
    rows = session.execute(
        select(Answer.variable_id, Answer.cell_id, Answer.number, func.count())
        .where(Answer.variable_id.in_(variable_ids), Answer.number.is_not(None))
        .group_by(Answer.variable_id, Answer.cell_id, Answer.code, Answer.number)
    ).all()
    totals: dict[tuple[int, float, int], int] = defaultdict(int)
    for variable_id, cell_id, value, n in rows:
        totals[(int(variable_id), float(value or 0.0), int(cell_id or 0))] += int(n)
    result: dict[int, list[tuple[int, float, int]]] = defaultdict(list)
    for (variable_id, value, cell_id), n in sorted(totals.items()):
        result[variable_id].append((cell_id, value, n))
    return dict(result)


def values_of(cells: Sequence[tuple[int, float, int]]) -> list[tuple[float, int]]:
    """``(value, count)`` over all cells, values ascending."""
    totals: dict[float, int] = defaultdict(int)
    for _cell, value, n in cells:
        totals[value] += n
    return sorted(totals.items())


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


@dataclass(frozen=True)
class PartnerResponseRow:
    """A partner organisation that sent a survey: who it is and whether it
    agreed to be named."""

    survey_id: int
    partner_id: int
    name: str
    sector: str
    named: bool


def partner_responses(session: DbSession, survey_ids: Sequence[int]) -> list[PartnerResponseRow]:
    """The organisations that sent each of ``survey_ids``."""
    if not survey_ids:
        return []
    rows = session.execute(
        select(
            Response.survey_id,
            PartnerOrganisation.id,
            PartnerOrganisation.name,
            PartnerOrganisation.sector,
            PartnerOrganisation.named,
        )
        .join(PartnerOrganisation, PartnerOrganisation.id == Response.partner_id)
        .where(Response.survey_id.in_(survey_ids))
    ).all()
    return [PartnerResponseRow(int(s), int(i), str(n), str(c), bool(k)) for s, i, n, c, k in rows]


def partner_codes(
    session: DbSession, variable_ids: Sequence[int]
) -> list[tuple[int, int, int | None]]:
    """``(variable_id, partner organisation id, code)`` of partner answers."""
    if not variable_ids:
        return []
    rows = session.execute(
        select(Answer.variable_id, Response.partner_id, Answer.code)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.variable_id.in_(variable_ids), Response.partner_id.is_not(None))
    ).all()
    return [(int(v), int(p or 0), None if c is None else int(c)) for v, p, c in rows]


@dataclass(frozen=True)
class TextRow:
    """One redacted free-text answer, with the partner's organisation when it may be named."""

    variable_id: int
    redacted: str
    partner_name: str | None
    """The organisation's name, only when it agreed to be named."""
    partner_id: int | None = None


def redacted_texts(
    session: DbSession, variable_ids: Sequence[int], *, partners: bool = False
) -> list[TextRow]:
    """Redacted free texts (never the raw text) of the given variables. With
    ``partners`` each comes with its organisation (``partner_id``), and its
    name only when the organisation agreed to be named
    (``PartnerOrganisation.named``)."""
    if not variable_ids:
        return []
    if not partners:
        rows = session.execute(
            select(FreeText.variable_id, FreeText.redacted)
            .where(FreeText.variable_id.in_(variable_ids))
            .order_by(FreeText.id)
        ).all()
        return [TextRow(int(v), str(t), None) for v, t in rows]
    named = session.execute(
        select(
            FreeText.variable_id,
            FreeText.redacted,
            PartnerOrganisation.id,
            PartnerOrganisation.name,
            PartnerOrganisation.named,
        )
        .join(Response, Response.id == FreeText.response_id)
        .outerjoin(PartnerOrganisation, PartnerOrganisation.id == Response.partner_id)
        .where(FreeText.variable_id.in_(variable_ids))
        .order_by(FreeText.id)
    ).all()
    return [
        TextRow(
            int(v),
            str(t),
            str(name) if name is not None and agreed else None,
            None if partner is None else int(partner),
        )
        for v, t, partner, name, agreed in named
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


@dataclass(frozen=True)
class ConcernSlot:
    """One variable that speaks about a phenomenon's concern: its valid
    codes and the codes that count as "a problem"."""

    variable_id: int
    valid_codes: frozenset[int]
    concern_codes: frozenset[int]


def concern_respondents(
    session: DbSession, slots: Sequence[ConcernSlot]
) -> list[tuple[int, int, int]]:
    """``(cell_id, valid respondents, concerned respondents)`` of one
    phenomenon: per cell, the distinct responses with a valid answer on any
    of the ``slots``, and those with a concern code on at least one of them.
    One GROUP BY over the covering index ``ix_answers_report_cube``; cells
    in ascending order."""
    slots = [s for s in slots if s.valid_codes]
    if not slots:
        return []
    valid = or_(
        false(),
        *[
            and_(Answer.variable_id == s.variable_id, Answer.code.in_(sorted(s.valid_codes)))
            for s in slots
        ],
    )
    hit = or_(
        false(),
        *[
            and_(
                Answer.variable_id == s.variable_id,
                Answer.code.in_(sorted(s.concern_codes & s.valid_codes)),
            )
            for s in slots
            if s.concern_codes & s.valid_codes
        ],
    )
    rows = session.execute(
        select(
            Answer.cell_id,
            func.count(func.distinct(case((valid, Answer.response_id)))),
            func.count(func.distinct(case((hit, Answer.response_id)))),
        )
        .where(Answer.variable_id.in_(sorted({s.variable_id for s in slots})))
        .group_by(Answer.cell_id)
        .order_by(Answer.cell_id)
    ).all()
    return [(int(cell or 0), int(v), int(h)) for cell, v, h in rows if v]


def survey_texts(session: DbSession, survey_id: int) -> list[tuple[int, str, int]]:
    """``distinct_texts`` of every variable of a survey (only text questions
    store free text)."""
    ids = session.scalars(select(Variable.id).where(Variable.survey_id == survey_id)).all()
    return distinct_texts(session, list(ids))


def tag_corrections(session: DbSession, consultation_id: int) -> dict[str, tuple[str, ...]]:
    """The planners' phenomena per comment text (SHA-256 of its redacted form)."""
    rows = session.execute(
        select(TagCorrection.text_hash, TagCorrection.phenomena).where(
            TagCorrection.consultation_id == consultation_id
        )
    ).all()
    return {str(text_hash): tuple(sorted(phenomena or [])) for text_hash, phenomena in rows}


def margins(session: DbSession, consultation_id: int) -> dict[str, dict[int, int]]:
    """The population margins of a consultation: ``{dimension: {code: population}}``
    (persons, as the planner entered them)."""
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
    """One objective figure: a phenomenon's value in a year (facts or another unit) and
    its source."""

    phenomenon: str
    year: int
    value: float
    unit: str
    source: str


def objective_indicators(session: DbSession, consultation_id: int) -> list[IndicatorRow]:
    """The objective figures of a consultation, by phenomenon and year."""
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


def stored_cells(
    session: DbSession, survey_id: int, dimension_variable_ids: Sequence[int]
) -> dict[int, tuple[str, CellKey]]:
    """``cell_id`` -> (mode, dimension codes) of the survey's cells over these
    dimension variables (``survey.responses.cells``). Cells over other
    variables are left: they belong to answers of an earlier draft version,
    which went with its variables."""
    rows = session.execute(
        select(ResponseCell.id, ResponseCell.mode, ResponseCell.codes).where(
            ResponseCell.survey_id == survey_id,
            ResponseCell.dimensions == dimensions_signature(list(dimension_variable_ids)),
        )
    ).all()
    k = len(dimension_variable_ids)
    return {int(cell_id): (str(mode), decode_codes(str(codes), k)) for cell_id, mode, codes in rows}


def _variable_filter(variable_ids: Sequence[int]) -> Any:
    """``variable_id IN (...)``, written as one BETWEEN when the ids are
    consecutive (a survey's variables are numbered together at import): the
    same rows, but PostgreSQL tests a range on every scanned row instead of
    hashing the value against the list (measured: ``bench/notes.md``)."""
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
) -> AnswerCube:
    """The ``AnswerCube`` of ``variable_ids`` (respondent counts for
    ``respondent_variable_ids``, a subset). Both GROUP BYs read only the
    covering index ``ix_answers_report_cube`` (variable_id, cell_id, code,
    number, response_id): the first one all of it in index order, the second
    one the entries of the few multiple-choice variables. Raises
    ``InconsistentCube`` when an answer has no cell of these dimensions."""
    stored = stored_cells(session, survey_id, dimension_variable_ids)
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
    unplaced = {cell for _v, cell, _code, _n in counts} - stored.keys()
    if unplaced:
        raise InconsistentCube(
            "some answers carry no cell of the survey's dimension questions (run flask db upgrade)"
        )
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


@dataclass(frozen=True)
class SurveyAggregates:
    """Everything the report reads of one survey, as aggregates: its
    variables, the answer cube and what the cube gives (answer rows per
    variable and code; valid and shown respondents of multiple-choice
    variables), responses per mode and the values of number questions."""

    survey: Survey
    definition: SurveyDefinition
    variables: dict[str, VariableRow]
    """Stored answer slots by name (``key``, ``key.row``, ``key.rank``)."""
    dimensions: dict[str, QuestionDef]
    """Dimension name -> its question, for the dimensions that are stored."""
    dimension_ids: list[int]
    """The variables of ``dimensions``, in that order: the cells' codes."""
    cube: AnswerCube
    by_mode: dict[str, int]
    counts: dict[int, dict[int | None, int]]
    """``{variable_id: {code: answer rows}}``; code None = shown, left empty."""
    valid_respondents: dict[int, int]
    shown_respondents: dict[int, int]
    number_cells: dict[int, list[tuple[int, float, int]]]
    """``(cell_id, value, count)`` per number variable, by value and cell."""

    @cached_property
    def numbers(self) -> dict[int, list[tuple[float, int]]]:
        """``(value, count)`` per number variable, values ascending."""
        return {v: values_of(cells) for v, cells in self.number_cells.items()}

    @property
    def responses(self) -> int:
        """All responses of the survey (every response has one mode)."""
        # Every response has a mode (NOT NULL): the modes add up to all.
        return sum(self.by_mode.values())


def survey_aggregates(session: DbSession, survey: Survey) -> SurveyAggregates:
    """Read one survey: four queries (variables, cells, the two GROUP BYs of
    the cube), responses per mode and the number values."""
    definition = definition_of(survey)
    by_name = {v.name: v for v in variables(session, survey.id)}
    dimensions = {d: q for d, q in definition.dimension_questions().items() if q.key in by_name}
    dimension_ids = [by_name[q.key].id for q in dimensions.values()]
    stored = [(q.qtype, by_name[v.name].id) for q, v in definition.variables() if v.name in by_name]
    respondent_ids = [i for qtype, i in stored if qtype.counts_respondents]
    number_ids = [i for qtype, i in stored if qtype.number_values]
    answers = answer_cube(
        session, survey.id, [v.id for v in by_name.values()], respondent_ids, dimension_ids
    )
    valid, shown = cube.respondents(answers)
    return SurveyAggregates(
        survey=survey,
        definition=definition,
        variables=by_name,
        dimensions=dimensions,
        dimension_ids=dimension_ids,
        cube=answers,
        by_mode=responses_by_mode(session, survey.id),
        counts=cube.code_counts(answers),
        valid_respondents=valid,
        shown_respondents=shown,
        number_cells=number_values(session, number_ids),
    )


# --- fieldwork (the methods section) ----------------------------------------


PRINTED = ("done", "deleted")
"""The states of a letter run that was printed (a deleted run's file is
gone once downloaded; its letters were made)."""


def _sample_design(session: DbSession, sample: Sample, threshold: int) -> SampleDesign:
    frame = None if sample.frame_id is None else session.get(SampleFrame, sample.frame_id)
    used_by_stratum = dict(
        session.execute(
            select(SampleMember.stratum, func.count())
            .join(InvitationCode, InvitationCode.id == SampleMember.invitation_code_id)
            .where(SampleMember.sample_id == sample.id, InvitationCode.used.is_(True))
            .group_by(SampleMember.stratum)
        ).all()
    )
    members = session.scalar(
        select(func.count()).select_from(SampleMember).where(SampleMember.sample_id == sample.id)
    )
    known = bool(members)
    # The used codes of the strata add up to the published codes used: a
    # table like any other (primary, and complements until the hidden ones
    # add up to the threshold), or one hidden stratum is the total less the
    # others.
    hidden_strata = (
        suppress_table(
            {label: int(used_by_stratum.get(label, 0)) for label in sample.strata}, threshold
        )
        if known
        else set()
    )
    strata = []
    for label, (population, drawn) in sorted(sample.strata.items()):
        used = int(used_by_stratum.get(label, 0)) if known else None
        hidden = label in hidden_strata
        strata.append(
            StratumRate(
                label=label,
                population=int(population),
                drawn=int(drawn),
                used=None if hidden else used,
                rate=None if hidden or used is None else rate(used, int(drawn)),
            )
        )
    return SampleDesign(
        method=sample.method,
        dimensions=tuple(sample.dimensions),
        size=sample.size,
        minimum=sample.minimum,
        drawn=sample.drawn,
        drawn_on=sample.drawn_on,
        frame_people=None if frame is None else frame.people,
        frame_imported_on=None if frame is None else frame.imported_on,
        strata=tuple(strata),
        strata_known=known,
    )


def fieldwork_facts(
    session: DbSession, key: str, consultation: Consultation, threshold: int, language: str
) -> FieldworkFacts:
    """The fieldwork facts of survey ``key`` for the methods section (reads
    only; ``survey.analysis.fieldwork_facts`` says what they mean), the
    margins' source in ``language`` where the planner entered it so."""
    survey = session.scalars(select(Survey).where(Survey.key == key)).one()
    first_day, last_day = session.execute(
        select(func.min(Response.submitted_on), func.max(Response.submitted_on)).where(
            Response.survey_id == survey.id
        )
    ).one()
    versions = tuple(
        session.scalars(
            select(Response.survey_version)
            .where(Response.survey_id == survey.id)
            .distinct()
            .order_by(Response.survey_version)
        )
    )
    issued, used = session.execute(
        select(func.count(), func.count().filter(InvitationCode.used.is_(True))).where(
            InvitationCode.survey_id == survey.id
        )
    ).one()
    sample = session.scalars(
        select(Sample).where(Sample.survey_id == survey.id).order_by(Sample.id.desc())
    ).first()
    waves: tuple[LetterWave, ...] = ()
    if sample is not None:
        waves = tuple(
            LetterWave(run.wave, run.total, run.created_at.date())
            for run in session.scalars(
                select(LetterRun)
                .where(LetterRun.sample_id == sample.id, LetterRun.state.in_(PRINTED))
                .order_by(LetterRun.wave, LetterRun.id)
            )
        )
    source, source_language = consultation.text_in("margins_source", language)
    return FieldworkFacts(
        survey_version=survey.version,
        versions_answered=versions,
        first_day=first_day,
        last_day=last_day,
        fieldwork_until=consultation.fieldwork_until,
        codes_issued=int(issued or 0),
        codes_used=int(used or 0),
        sample=None if sample is None else _sample_design(session, sample, threshold),
        waves=waves,
        margins_source=source,
        margins_date=consultation.margins_date,
        margins_source_language=source_language,
    )
