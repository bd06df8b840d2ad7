"""Writing complete responses: one ``Response`` row, its answer rows and its
free texts, inserted in bulk in the caller's transaction.

Nothing here commits: the request or command that calls ``write`` commits
once, so a response is stored whole or not at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any, TypedDict, Unpack, cast

from sqlalchemy import Table, select

from survey.definitions.definition import QuestionDef, SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.models import Answer, FreeText, Response, ResponseMode, Survey, Variable
from survey.privacy.redaction import redact
from survey.responses.cells import CellNumbers, dimension_variable_ids

_INSERT_RESPONSE = cast(Table, Response.__table__).insert()
_INSERT_ANSWERS = cast(Table, Answer.__table__).insert()
_INSERT_TEXTS = cast(Table, FreeText.__table__).insert()


class ResponseMeta(TypedDict, total=False):
    """What a response row records besides its answers (defaults: a web
    response in Dutch, not synthetic, submitted today)."""

    mode: str
    language: str
    submission_key: str | None
    partner_id: int | None
    synthetic: bool
    submitted_on: date | None


def new_public_id() -> str:
    """An opaque response id for exports: random, so it reveals no order."""
    return secrets.token_hex(12)


class ResponseWriter:
    """Stores responses of one survey; looks the variable ids up once per
    survey version (they are derived at import and replaced only with a new
    draft version, which is a new ``definition_of`` view)."""

    def __init__(self, session: DbSession, survey: Survey) -> None:
        self.session = session
        self.survey = survey
        self.definition: SurveyDefinition = definition_of(survey)
        memo_key = ("variable-ids", survey.id)
        known = self.definition.memo.get(memo_key)
        if known is None:
            ids: dict[str, int] = dict(
                session.execute(
                    select(Variable.name, Variable.id).where(Variable.survey_id == survey.id)
                ).all()
            )
            known = (ids, dimension_variable_ids(self.definition, ids))
            if ids:  # not before the variables are flushed
                self.definition.memo[memo_key] = known
        self.variable_ids: dict[str, int] = dict(known[0])
        self.cells = CellNumbers(session, survey.id, known[1])

    def _response_values(self, meta: ResponseMeta) -> dict[str, Any]:
        values: dict[str, Any] = {
            "public_id": new_public_id(),
            "survey_id": self.survey.id,
            "survey_version": self.survey.version,
            "mode": meta.get("mode", ResponseMode.WEB),
            "language": meta.get("language", "nl"),
            "submission_key": meta.get("submission_key"),
            "partner_id": meta.get("partner_id"),
            "synthetic": meta.get("synthetic", False),
        }
        submitted_on = meta.get("submitted_on")
        if submitted_on is not None:
            values["submitted_on"] = submitted_on
        return values

    def _insert_rows(self, answers: list[dict[str, Any]], texts: list[dict[str, Any]]) -> None:
        # Core executemany on the tables, not an ORM bulk insert: the ORM
        # splits the rows into batches by which values are None (code or
        # number), several statements per response.
        connection = self.session.connection()
        if answers:
            connection.execute(_INSERT_ANSWERS, answers)
        if texts:
            connection.execute(_INSERT_TEXTS, texts)

    def insert(
        self, shown: list[QuestionDef], values: Mapping[str, Any], **meta: Unpack[ResponseMeta]
    ) -> int:
        """``write`` with a Core insert of the response row, for callers
        that need only its id (the final submit): no ORM object, no flush."""
        row = self._response_values(meta)
        key = self.session.connection().execute(_INSERT_RESPONSE, row).inserted_primary_key
        assert key is not None  # a single-row insert
        response_id = int(key[0])
        self._insert_rows(*self.rows_for(response_id, shown, values, mode=row["mode"]))
        return response_id

    def write(
        self, shown: list[QuestionDef], values: Mapping[str, Any], **meta: Unpack[ResponseMeta]
    ) -> Response:
        """Store one response whose ``values`` were checked (see
        ``survey.responses.checking.check_values``) for the ``shown``
        questions. Every shown question gets at least one answer row."""
        row = self._response_values(meta)
        response = Response(**row)
        self.session.add(response)
        self.session.flush()
        self._insert_rows(*self.rows_for(response.id, shown, values, mode=row["mode"]))
        return response

    def rows_for(
        self,
        response_id: int,
        shown: list[QuestionDef],
        values: Mapping[str, Any],
        *,
        mode: str = ResponseMode.WEB,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Answer and free-text rows (dicts for a bulk insert). Every answer
        row carries the response's cell (``survey.responses.cells``): its
        ``mode`` and its codes on the dimension questions."""
        answers, texts = self.unplaced_rows(shown, values)
        cell_id = self.cells.id_for(mode, self.cells.codes_of(answers))
        _place(answers, texts, response_id, cell_id)
        return answers, texts

    def unplaced_rows(
        self, shown: list[QuestionDef], values: Mapping[str, Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """``rows_for`` before the response and its cell are known: their
        ``response_id`` and ``cell_id`` are None until ``_place``."""
        answers: list[dict[str, Any]] = []
        texts: list[dict[str, Any]] = []
        for question in shown:
            for row in question.qtype.answer_rows(question, values.get(question.key)):
                variable_id = self.variable_ids[row.variable]
                answers.append(
                    {
                        "response_id": None,
                        "variable_id": variable_id,
                        "code": row.code,
                        "number": row.number,
                        "cell_id": None,
                    }
                )
                if row.text:
                    texts.append(
                        {
                            "response_id": None,
                            "variable_id": variable_id,
                            "text": row.text,
                            "redacted": redact(row.text),
                        }
                    )
        return answers, texts


def _place(
    answers: list[dict[str, Any]], texts: list[dict[str, Any]], response_id: int, cell_id: int
) -> None:
    for answer in answers:
        answer["response_id"] = response_id
        answer["cell_id"] = cell_id
    for text in texts:
        text["response_id"] = response_id
