"""Where the answers of one respondent are kept until they are sent.

The journey (``survey.answering.journey``) reads and writes answers only
through these protocols, so that one engine serves every way of answering:

- the resident's draft (``survey.residents.drafts.ResidentDraftStore``): a
  draft row reached with the secrets in the browser's cookie, pages in order;
- the partner's draft (``survey.partners.drafts.PartnerDraftStore``): the
  draft of a personal link, its parts in any order, every save guarded by the
  revision the form was built from;
- the paper form (``survey.planner.paper.PaperStore``): every answer typed in
  one form, sent at once.

Every store writes its response with ``survey.responses.storage.ResponseWriter``
(the one write path of responses) and leaves the commit to its caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from survey.definitions.definition import PageDef, QuestionDef


class ChangedMeanwhile(Exception):
    """The answers were saved or sent by another request (another window,
    tab or device) after this one read them: nothing of this request may be
    kept. The caller rolls back and shows the answers as they are now."""


class AnswerStore(Protocol):
    """What the journey needs of any store."""

    @property
    def values(self) -> Mapping[str, Any]:
        """The answers kept so far: question key -> typed answer value
        (see ``survey.questions.base``)."""
        ...

    @property
    def reached(self) -> int | None:
        """The index of the furthest page the respondent may visit (the
        pages before it are answered); None when every page may be visited
        in any order."""
        ...

    @property
    def order_seed(self) -> int | None:
        """The seed of the respondent's shuffled option orders (``shuffle``
        in the survey file): the same for every page view of the same
        answers, so a reload does not move the options; None shows every
        option in the file's order (a paper form is typed in that order)."""
        ...

    def prepare_submit(self) -> str | None:
        """Get ready to send: re-read (and lock, where the store can) what
        the submit writes. Returns a status that ends the submit before the
        answers are checked (``already``: sent before; ``conflict``: changed
        since the form was shown), or None to go on."""
        ...

    def store_response(self, shown: list[QuestionDef], kept: Mapping[str, Any]) -> str:
        """Write the checked answers (``kept``, the values of the ``shown``
        questions) as one response and mark them sent. Flushes; returns
        ``stored``, or why nothing was written (``code_used``: the letter's
        code was used meanwhile; ``problems``: nothing to send)."""
        ...


class DraftStore(AnswerStore, Protocol):
    """A store that keeps answers page by page before they are sent."""

    def save_page(
        self, page: PageDef, page_values: dict[str, Any], *, reached: int, language: str
    ) -> None:
        """Replace the answers of ``page`` (its shown questions' values in
        ``page_values``; answers to its hidden questions are dropped) and
        note ``reached``, the index of the page the respondent goes to next.
        Flushes; raises ``ChangedMeanwhile`` when another request saved or
        sent the answers since they were read."""
        ...
