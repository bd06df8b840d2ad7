"""Test mode: a planner walks a survey as a resident would, with the real
pages, conditions and checks of the answering journey, and nothing is
stored. The answers given so far travel with the pages (a signed value in
the form or the address), never in the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from survey.definitions.definition import PageDef, QuestionDef

_SALT = "survey-trial-answers"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.secret_key), salt=_SALT)


def seal(values: Mapping[str, Any]) -> str:
    """The answers of a test walk as a signed text for the next page."""
    return str(_serializer().dumps(dict(values)))


def unseal(token: str) -> dict[str, Any]:
    """The answers sealed by ``seal``; none for an empty, altered or
    foreign text (the walk starts over rather than trusting it)."""
    if not token:
        return {}
    try:
        values = _serializer().loads(token)
    except BadSignature:
        return {}
    return values if isinstance(values, dict) else {}


class TrialStore:
    """A store of the answering journey (``survey.answering.stores.DraftStore``)
    that keeps the answers in memory for one request and writes nothing:
    every page may be visited, and sending "stores" nothing."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    @property
    def values(self) -> Mapping[str, Any]:
        """The answers given so far in this walk."""
        return self._values

    @property
    def reached(self) -> int | None:
        """None: a tester may open any page."""
        return None

    @property
    def order_seed(self) -> int | None:
        """None: a test walk lists options in the file's order, the order the
        planner edits (a resident's shuffled order is seeded by the draft)."""
        return None

    def prepare_submit(self) -> str | None:
        """Nothing to lock or re-read."""
        return None

    def store_response(self, shown: list[QuestionDef], kept: Mapping[str, Any]) -> str:
        """The answers passed every check; nothing is written."""
        return "stored"

    def save_page(
        self, page: PageDef, page_values: dict[str, Any], *, reached: int, language: str
    ) -> None:
        """Replace the page's answers in memory."""
        own = {q.key for q in page.questions}
        self._values = {k: v for k, v in self._values.items() if k not in own}
        self._values.update(page_values)
