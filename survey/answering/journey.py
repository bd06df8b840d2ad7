"""The answering journey: one engine for every way a survey is answered.

A ``Journey`` is made per request from the survey definition, a store (see
``survey.answering.stores``) and the language of the page, and answers
everything the residents' and partners' pages (and the paper form) ask:

- ``page_screen``: what a page shows (its questions given the earlier
  answers, progress, the previous page);
- ``read``: a posted page parsed and checked into answers or problems
  (each with the field its error summary links to); ``read_form``: every
  page of one form at once (paper);
- ``save``: the answers of a page kept in the store; the next page;
- ``next_page`` / ``previous_page`` / ``first_page`` / ``resume_page``;
- ``can_visit`` / ``can_check``: a page cannot be reached before the pages
  before it are answered (unless the store lets every page be visited);
- ``check_sections``: the "check your answers" page (and the receipt);
- ``submit``: every answer checked again, then written once by the store.

It has no request globals: the posted form comes in as a plain mapping, and
nothing here renders, redirects or commits (the caller does, once).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from survey.answering.display import answer_lines
from survey.answering.pages import (
    FieldProblem,
    FormData,
    PageOutcome,
    PageView,
    anchor_for,
    field_problems,
    page_view,
    read_page,
    read_question,
    shown_pages,
)
from survey.answering.stores import AnswerStore, DraftStore
from survey.definitions.conditions import shown_questions
from survey.definitions.definition import PageDef, QuestionDef, SurveyDefinition
from survey.i18n import text_for
from survey.responses.checking import check_values


@dataclass(frozen=True)
class PageScreen:
    """What one page shows: its questions (``view``), the values in its
    fields, the problems found when it was posted, and where it is in the
    journey (``step`` of ``total`` shown pages, the ``previous`` page)."""

    view: PageView
    values: Mapping[str, Any]
    step: int
    total: int
    previous: PageDef | None
    problems: list[FieldProblem] = field(default_factory=list)
    # New questions appeared on the page when it was posted (no errors).
    changed: bool = False
    order_seed: int | None = None
    """The seed of the respondent's shuffled option orders (the store's)."""

    def in_order(self, question: QuestionDef) -> QuestionDef:
        """``question`` with its options in the order this respondent sees
        them (``QuestionType.in_order``)."""
        return question.qtype.in_order(question, self.order_seed)

    @property
    def page(self) -> PageDef:
        """The page the screen is of (``view.page``): its key, titles and
        place in the survey."""
        return self.view.page


@dataclass(frozen=True)
class CheckRow:
    """One shown question on the check page or the receipt: its text and
    its answer as lines in the journey's language (empty: not answered)."""

    question: QuestionDef
    text: str
    lines: list[str]

    @property
    def key(self) -> str:
        """The question's key; the summary row carries it as ``data-question``."""
        return self.question.key

    @property
    def anchor(self) -> str:
        """The id of the question's first input on its page."""
        return anchor_for(self.question, self.question.key)


@dataclass(frozen=True)
class CheckSection:
    """The shown questions of one page, with the page's title."""

    page: PageDef
    title: str
    rows: list[CheckRow]


@dataclass(frozen=True)
class PageStatus:
    """A page in a task list: whether any of its shown questions is answered."""

    page: PageDef
    answered: bool


@dataclass(frozen=True)
class FormReading:
    """Every question of one form read at once (the paper form): the
    ``values`` that could be read, what the fields show again
    (``shown_values``) and every problem (unreadable fields, then the rules
    of the answers that could be read)."""

    values: dict[str, Any]
    shown_values: dict[str, Any]
    problems: list[FieldProblem]


@dataclass(frozen=True)
class SubmitOutcome:
    """``status``: ``stored``; or why nothing was stored: ``already`` (sent
    before), ``conflict`` (changed since the check page was shown),
    ``problems`` (an answer breaks a rule; ``problems`` says which) or
    ``code_used`` (the letter's code was used meanwhile)."""

    status: str
    problems: list[FieldProblem] = field(default_factory=list)


def _last_before(pages: list[PageDef], page: PageDef) -> PageDef | None:
    earlier = [p for p in pages if p.index < page.index]
    return earlier[-1] if earlier else None


# The store of a journey; ``save`` needs one that keeps answers page by page.
S = TypeVar("S", bound=AnswerStore, covariant=True)


class Journey(Generic[S]):
    """The answering journey of one respondent (see the module docstring)."""

    def __init__(
        self, definition: SurveyDefinition, store: S, language: str, *, required: bool = True
    ) -> None:
        """``required``: whether required questions must be answered (the
        answer pages); the paper form stores a blank as missing."""
        self.definition = definition
        self._store = store
        self.language = language
        self.required = required

    @property
    def store(self) -> S:
        """Where the answers are kept (a resident or partner draft, a paper
        form), typed as the caller made the journey."""
        return self._store

    @property
    def values(self) -> Mapping[str, Any]:
        """The answers kept so far, by question key."""
        return self.store.values

    def text(self, texts: Mapping[str, str] | None) -> str:
        """A survey text in the journey's language (the survey's first
        language where it is missing)."""
        return text_for(texts, self.language, self.definition.default_language)

    # --- pages ---------------------------------------------------------------

    def page(self, key: str) -> PageDef | None:
        """The page ``key`` of the survey, shown or not; None when there is none."""
        for page in self.definition.pages:
            if page.key == key:
                return page
        return None

    def shown_pages(self, values: Mapping[str, Any] | None = None) -> list[PageDef]:
        """The pages with a shown question given ``values`` (default: the store's)."""
        return shown_pages(self.definition, self.values if values is None else values)

    def first_page(self) -> PageDef | None:
        """The first shown page given the answers kept; None when no page
        has a shown question."""
        shown = self.shown_pages()
        return shown[0] if shown else None

    def next_page(self, page: PageDef, values: Mapping[str, Any] | None = None) -> PageDef | None:
        """The next shown page after ``page``, or None after the last."""
        for candidate in self.shown_pages(values):
            if candidate.index > page.index:
                return candidate
        return None

    def previous_page(
        self, page: PageDef, values: Mapping[str, Any] | None = None
    ) -> PageDef | None:
        """The shown page before ``page``, or None before the first."""
        return _last_before(self.shown_pages(values), page)

    def can_visit(self, page: PageDef) -> bool:
        """Whether the respondent may open ``page``: every page before it
        was answered (the store's ``reached``), or the store lets every page
        be visited."""
        reached = self.store.reached
        return reached is None or page.index <= reached

    def can_check(self) -> bool:
        """Whether the check page (from which the answers are sent) may be
        shown: every page was answered, or the store lets every page be
        visited."""
        reached = self.store.reached
        return reached is None or reached >= len(self.definition.pages)

    def resume_page(self) -> PageDef | None:
        """Where a returning respondent goes on: the first shown page not
        yet answered, or None when every page is (then: the check page)."""
        reached = self.store.reached
        if reached is None:
            return None
        for page in self.shown_pages():
            if page.index >= reached:
                return page
        return None

    def page_statuses(self) -> list[PageStatus]:
        """The shown pages as a task list: whether each holds an answer."""
        shown, kept = shown_questions(self.definition, self.values)
        answered = {q.page_index for q in shown if q.qtype.is_answered(q, kept.get(q.key))}
        return [PageStatus(page, page.index in answered) for page in self.shown_pages()]

    # --- one page ------------------------------------------------------------

    def view(self, page: PageDef) -> PageView:
        """The questions of ``page`` given the answers kept so far."""
        return page_view(self.definition, self.values, page)

    def screen(
        self,
        view: PageView,
        shown_values: Mapping[str, Any] | None = None,
        problems: list[FieldProblem] | None = None,
        *,
        changed: bool = False,
    ) -> PageScreen:
        """What the page of ``view`` shows: the store's answers, with the
        ``shown_values`` of a page posted and shown again on top."""
        values = {**self.values, **shown_values} if shown_values else self.values
        shown = self.shown_pages(values)
        keys = [p.key for p in shown]
        page = view.page
        return PageScreen(
            view=view,
            values=values,
            step=keys.index(page.key) + 1 if page.key in keys else 1,
            total=len(shown),
            previous=_last_before(shown, page),
            problems=problems or [],
            changed=changed,
            order_seed=self.store.order_seed,
        )

    def read(self, page: PageDef, form: FormData, *, partial: bool = False) -> PageOutcome:
        """Read the posted fields of ``page`` (see ``pages.read_page``)."""
        return read_page(self.definition, self.values, page, form, partial=partial)

    def screen_after(self, outcome: PageOutcome) -> PageScreen:
        """The page shown again after a post that was not saved."""
        return self.screen(
            outcome.view,
            outcome.shown_values,
            outcome.problems,
            changed=outcome.status == "changed",
        )

    def values_after(self, page: PageDef, outcome: PageOutcome) -> dict[str, Any]:
        """The store's answers with those of ``page`` replaced by the saved
        ``outcome`` (answers to its questions that are not shown dropped)."""
        own = {q.key for q in page.questions}
        merged = {k: v for k, v in self.values.items() if k not in own}
        merged.update(outcome.page_values)
        return merged

    def save(self: Journey[DraftStore], page: PageDef, outcome: PageOutcome) -> PageDef | None:
        """Keep the answers of a page read as ``saved`` in the store and
        return the next shown page (None: the check page comes next). The
        store notes how far the respondent got. Raises ``ChangedMeanwhile``
        (from the store) when the answers changed since they were read."""
        if outcome.status != "saved":
            raise ValueError(f"a page read as {outcome.status!r} is not saved")
        following = self.next_page(page, self.values_after(page, outcome))
        reached = following.index if following is not None else len(self.definition.pages)
        self.store.save_page(page, outcome.page_values, reached=reached, language=self.language)
        return following

    # --- one form with every page --------------------------------------------

    def read_form(self, form: FormData) -> FormReading:
        """Read every question of the survey from one posted form (the paper
        form) and check the answers that could be read, as the submit will:
        answers to questions that are not shown are dropped."""
        values: dict[str, Any] = {}
        shown_values: dict[str, Any] = {}
        unreadable: list[FieldProblem] = []
        for question in self.definition.questions:
            value, problems = read_question(question, form)
            shown_values[question.key] = value
            if problems:
                unreadable.extend(FieldProblem(question, n, m) for n, m in problems)
            else:
                values[question.key] = value
        _, _, problems = check_values(
            self.definition, values, hidden_is_error=False, required=self.required
        )
        # An unreadable answer is missing from ``values``: its question is
        # not also reported as unanswered.
        unread = {p.question.key for p in unreadable}
        checked = [
            p for p in field_problems(self.definition, problems) if p.question.key not in unread
        ]
        return FormReading(values, shown_values, unreadable + checked)

    # --- check and submit ------------------------------------------------------

    def check_sections(self) -> list[CheckSection]:
        """The shown questions and their answers, page by page."""
        shown, kept = shown_questions(self.definition, self.values)
        sections: list[CheckSection] = []
        for page in self.definition.pages:
            rows = [
                CheckRow(q, self.text(q.text), answer_lines(q, kept.get(q.key), self.language))
                for q in shown
                if q.page_index == page.index
            ]
            if rows:
                sections.append(CheckSection(page, self.text(page.title), rows))
        return sections

    def submit(self) -> SubmitOutcome:
        """Send the answers: the store gets ready (and may refuse), every
        answer is checked again (answers to questions hidden by a later
        change are dropped, not refused), then the store writes the response
        once. Flushes; the caller commits when the status is ``stored`` and
        rolls back otherwise."""
        refused = self.store.prepare_submit()
        if refused is not None:
            return SubmitOutcome(refused)
        shown, kept, problems = check_values(
            self.definition, self.values, hidden_is_error=False, required=self.required
        )
        if problems:
            return SubmitOutcome("problems", field_problems(self.definition, problems))
        return SubmitOutcome(self.store.store_response(shown, kept))
