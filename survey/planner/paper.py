"""Typing in a paper questionnaire: one long form with every question, read
and sent by the answering journey (``survey.answering.journey``) with a
store that holds the typed answers and sends them at once (``PaperStore``),
stored with mode ``paper``.

A paper respondent may answer a question the routing told them to skip;
such answers are dropped (the question was not meant for them), as the
web pages do when an earlier answer changes. A question left blank is
stored as missing, required or not (required is a rule of the web pages:
on paper, item non-response is data). A hidden submission key makes a
double click store one response.

A form number (written on the form when it came in) makes the form
findable: typed in again as a first entry it is refused, not doubled.
Double entry: a second person types the same form as a second entry; it
is compared with the stored first entry question by question, and the
differences are shown to resolve (the stored response is then replaced
by the resolved one, keeping its id, number and date).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from survey.answering.display import answer_lines
from survey.answering.journey import FormReading, Journey
from survey.answering.pages import FormData, anchor_for, field_label
from survey.definitions.definition import QuestionDef, SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import Response, ResponseMode, Survey
from survey.models.base import today
from survey.responses.checking import check_values
from survey.responses.csv_export import cell_text, iter_records
from survey.responses.csv_import import FORM_NUMBER_RE
from survey.responses.storage import ResponseWriter, delete_responses

KEY_PREFIX = "paper-"


def new_submission_key() -> str:
    """A fresh submission key for a paper form (``paper-`` and 192 random bits): the form page
    carries it, so a form sent twice is stored once."""
    return KEY_PREFIX + secrets.token_urlsafe(24)


def blank_fields(definition: SurveyDefinition) -> dict[str, Any]:
    """Values of an empty form (nothing chosen)."""
    return {q.key: q.qtype.empty(q) for q in definition.questions}


class PaperStore:
    """One typed-in questionnaire as a store of the answering journey
    (``survey.answering.stores.AnswerStore``): the answers come from the
    form, every page at once, and are sent at once with the form's
    submission key, language and date of receipt."""

    def __init__(
        self,
        session: DbSession,
        survey: Survey,
        *,
        language: str,
        submitted_on: date | None,
        submission_key: str,
    ) -> None:
        self.session = session
        self.survey = survey
        self.language = language
        self.submitted_on = submitted_on
        self.submission_key = submission_key
        self.answers: dict[str, Any] = {}
        self.response_id: int | None = None
        self.form_number: str | None = None

    @property
    def order_seed(self) -> None:
        """None: staff type a paper form in the order it was printed."""
        return None

    @property
    def values(self) -> Mapping[str, Any]:
        """The answers read from the form."""
        return self.answers

    @property
    def reached(self) -> None:
        """None: one form holds every page, so every page may be visited."""
        return None  # one form holds every page

    def sent_before(self) -> bool:
        """Whether a response with this form's submission key is stored."""
        return (
            self.session.scalar(
                select(Response.id).where(Response.submission_key == self.submission_key)
            )
            is not None
        )

    def prepare_submit(self) -> str | None:
        """``already`` when the form was stored before (a double click or a reload), else None."""
        # The same form sent twice (double click, reload): stored once.
        return "already" if self.sent_before() else None

    def store_response(self, shown: list[QuestionDef], kept: Mapping[str, Any]) -> str:
        """Write the response as a paper form (with its form number and date of receipt);
        ``stored``."""
        self.response_id = ResponseWriter(self.session, self.survey).insert(
            shown,
            kept,
            mode=ResponseMode.PAPER,
            language=self.language,
            submission_key=self.submission_key,
            submitted_on=self.submitted_on,
            form_number=self.form_number,
        )
        return "stored"


@dataclass(frozen=True)
class SummaryLine:
    """One line of the paper form's error summary: the field it links to
    (``anchor``), what names it (a question, a matrix row or a field of the
    form) and the message."""

    anchor: str
    label: str
    message: str


def error_summary(
    definition: SurveyDefinition, errors: Mapping[str, list[str]], language: str
) -> list[SummaryLine]:
    """The errors in the order of the form (its own fields first, then the
    questions as printed), each named as the typist sees it, not by its
    variable name."""
    own = {
        "": ("", ""),
        "form_number": ("f-form-number", _("Form number")),
        "entry": ("entry-first", _("Entry")),
        "submitted_on": ("submitted_on", _("Date of receipt")),
        "language": ("language", _("Language of the questionnaire")),
    }
    lines = [
        SummaryLine(anchor, label, message)
        for name, (anchor, label) in own.items()
        for message in errors.get(name, [])
    ]
    for question in definition.questions:
        names = [n for n in errors if n == question.key or n.startswith(question.key + ".")]
        for name in names:
            label = text_for(field_label(question, name), language, definition.default_language)
            lines.extend(
                SummaryLine(anchor_for(question, name), label, message) for message in errors[name]
            )
    return lines


class Entry:
    """Which typing of a paper form a post is."""

    FIRST = "first"
    SECOND = "second"


@dataclass(frozen=True)
class Difference:
    """A question the two entries of a form answer differently, as lines
    of text (empty: not answered)."""

    question: QuestionDef
    text: str
    first: list[str]
    second: list[str]


@dataclass
class PaperOutcome:
    """``stored``: the questionnaire is stored (now, or by an earlier post
    of the same form); ``checked``: a second entry matched the first, or
    its differences were resolved (the stored response replaced);
    ``differences``: a second entry differs from the first (nothing
    written yet: show them to resolve); otherwise ``errors`` per field (the
    key ``""`` for the form as a whole) and the ``fields`` to show again."""

    stored: bool
    language: str
    fields: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    submitted_on_raw: str = ""
    submission_key: str = ""
    form_number: str = ""
    entry: str = Entry.FIRST
    checked: bool = False
    differences: list[Difference] = field(default_factory=list)


@dataclass(frozen=True)
class _FirstEntry:
    id: int
    public_id: str
    language: str
    submitted_on: date


def _first_entry(session: DbSession, survey: Survey, form_number: str) -> _FirstEntry | None:
    found = session.execute(
        select(Response.id, Response.public_id, Response.language, Response.submitted_on).where(
            Response.survey_id == survey.id, Response.form_number == form_number
        )
    ).first()
    return _FirstEntry(*found) if found is not None else None


def store_paper(session: DbSession, survey: Survey, form: FormData) -> PaperOutcome:
    """Read and store one typed-in questionnaire (a first entry), or check
    a second entry against the first (see the module docstring). On any
    problem nothing is stored and the outcome carries the errors per field.
    Flushes; the caller commits when ``stored`` or ``checked``."""
    definition = definition_of(survey)
    errors: dict[str, list[str]] = {}
    language, raw_date, submitted_on, entry = _form_fields(definition, form, errors)
    key = form.get("submission_key", "")
    if not key.startswith(KEY_PREFIX) or not 20 <= len(key) <= 64:
        key = new_submission_key()
    store = PaperStore(
        session, survey, language=language, submitted_on=submitted_on, submission_key=key
    )
    form_number = form.get("form_number", "").strip()
    outcome = PaperOutcome(False, language, {}, errors, raw_date, key, form_number, entry)
    if entry == Entry.FIRST and store.sent_before():
        outcome.stored = True
        return outcome
    first = _check_form_number(session, survey, form_number, entry, errors)
    journey = Journey(definition, store, language, required=False)
    reading = journey.read_form(form)
    for problem in reading.problems:
        errors.setdefault(problem.name, []).append(str(problem.message))
    if not reading.problems and not _answers_something(definition, reading.values):
        errors.setdefault("", []).append(
            _("Type at least one answer: a form left entirely blank is not stored.")
        )
    if errors:
        outcome.fields = reading.shown_values
        return outcome
    if first is not None:  # a second entry
        _check_second_entry(session, survey, definition, first, reading, form, outcome)
        return outcome
    store.answers = reading.values
    store.form_number = form_number or None
    sent = journey.submit()
    for problem in sent.problems:  # the rules read_form checked: none expected
        errors.setdefault(problem.name, []).append(str(problem.message))
    outcome.stored = sent.status in ("stored", "already")
    if not outcome.stored:
        outcome.fields = reading.shown_values
    return outcome


def _form_fields(
    definition: SurveyDefinition, form: FormData, errors: dict[str, list[str]]
) -> tuple[str, str, date | None, str]:
    """The form's own fields: the questionnaire's language (the survey's
    default when not one of its languages), the date of receipt as typed
    and read (today when empty; None when unreadable; never in the
    future), and which entry it is (first unless "second"). Problems are
    added to ``errors`` per field."""
    language = form.get("language", "")
    if language not in definition.languages:
        errors.setdefault("language", []).append(_("Choose the language of the questionnaire."))
        language = definition.default_language
    raw_date = form.get("submitted_on", "").strip()
    submitted_on: date | None = None
    try:
        submitted_on = date.fromisoformat(raw_date) if raw_date else today()
    except ValueError:
        errors.setdefault("submitted_on", []).append(_("Enter the date as YYYY-MM-DD."))
    if submitted_on is not None and submitted_on > today():
        errors.setdefault("submitted_on", []).append(_("The date cannot be in the future."))
    raw_entry = form.get("entry", "")
    entry = Entry.SECOND if raw_entry == Entry.SECOND else Entry.FIRST
    if raw_entry not in ("", Entry.FIRST, Entry.SECOND):
        errors.setdefault("entry", []).append(_("Choose a first or a second entry."))
    return language, raw_date, submitted_on, entry


def _check_form_number(
    session: DbSession,
    survey: Survey,
    form_number: str,
    entry: str,
    errors: dict[str, list[str]],
) -> _FirstEntry | None:
    """The stored first entry a second entry is checked against; errors
    when the number is not usable for the entry."""
    problems: list[str] = []
    first = _first_entry(session, survey, form_number) if form_number else None
    if form_number and not FORM_NUMBER_RE.fullmatch(form_number):
        problems.append(_("A form number has at most 32 characters."))
    elif entry == Entry.SECOND and not form_number:
        problems.append(_("Type the number of the form you check."))
    elif form_number:
        if entry == Entry.SECOND and first is None:
            problems.append(
                _(
                    "No form with number %(number)s is stored yet: type it as a first entry.",
                    number=form_number,
                )
            )
        elif entry == Entry.FIRST and first is not None:
            problems.append(
                _(
                    "Form %(number)s is already stored. To check it, type it again as a "
                    "second entry.",
                    number=form_number,
                )
            )
    if problems:
        errors["form_number"] = problems
        return None
    return first if entry == Entry.SECOND else None


def _answers_something(definition: SurveyDefinition, values: Mapping[str, Any]) -> bool:
    shown, kept, _problems = check_values(definition, values, hidden_is_error=False, required=False)
    return any(q.qtype.is_answered(q, kept.get(q.key)) for q in shown)


def _cells(definition: SurveyDefinition, values: Mapping[str, Any]) -> dict[str, str]:
    """The shown questions' answers as response-file cells (text)."""
    shown, kept, _problems = check_values(definition, values, hidden_is_error=False, required=False)
    cells: dict[str, str] = {}
    for question in shown:
        for name, value in question.qtype.to_cells(question, kept.get(question.key)).items():
            cells[name] = cell_text(value)
    return cells


def _value(question: QuestionDef, cells: Mapping[str, str]) -> Any:
    # The cells were written from a checked value: they read back.
    return question.qtype.from_cells(
        question, {name: cells.get(name, "") for name in question.qtype.column_names(question)}
    )


def _check_second_entry(
    session: DbSession,
    survey: Survey,
    definition: SurveyDefinition,
    first: _FirstEntry,
    reading: FormReading,
    form: FormData,
    outcome: PaperOutcome,
) -> None:
    """Compare a second entry with the stored first, question by question.
    Equal: ``checked``. Different and resolved (``choose-<key>`` is
    ``first`` or ``second`` for every difference): the stored response is
    replaced by the resolved answers, ``checked``. Otherwise the
    ``differences`` to show (with errors where a choice is missing)."""
    record = next(iter(iter_records(session, survey, response_ids=[first.id])), None)
    first_cells = {n: cell_text(v) for n, v in (record.cells if record else {}).items()}
    second_cells = _cells(definition, reading.values)
    language = outcome.language
    differences: list[Difference] = []
    for question in definition.questions:
        names = question.qtype.column_names(question)
        if [first_cells.get(n, "") for n in names] == [second_cells.get(n, "") for n in names]:
            continue
        differences.append(
            Difference(
                question,
                text_for(question.text, language, definition.default_language),
                answer_lines(question, _value(question, first_cells), language),
                answer_lines(question, _value(question, second_cells), language),
            )
        )
    if not differences:
        outcome.checked = True
        return
    outcome.differences = differences
    if form.get("resolve", "") != "1":
        return
    merged = dict(first_cells)
    for difference in differences:
        key = difference.question.key
        choice = form.get(f"choose-{key}", "")
        if choice not in (Entry.FIRST, Entry.SECOND):
            outcome.errors.setdefault(f"choose-{key}", []).append(_("Choose which entry is right."))
            continue
        source = first_cells if choice == Entry.FIRST else second_cells
        for name in difference.question.qtype.column_names(difference.question):
            merged[name] = source.get(name, "")
    if outcome.errors:
        return
    values = {q.key: _value(q, merged) for q in definition.questions}
    shown, kept, problems = check_values(definition, values, hidden_is_error=False, required=False)
    for name, message in problems:  # each answer passed alone: none expected
        outcome.errors.setdefault(name, []).append(str(message))
    if outcome.errors:
        return
    delete_responses(session, [first.id])
    ResponseWriter(session, survey).insert(
        shown,
        kept,
        mode=ResponseMode.PAPER,
        language=first.language,
        public_id=first.public_id,
        form_number=outcome.form_number,
        submitted_on=first.submitted_on,
    )
    outcome.checked = True
