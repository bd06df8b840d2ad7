"""The problems the validator finds in a survey file, as data: where
(``path``, e.g. ``pages[0].questions[2].max``), what (``code``) and with
which values (``params``). A problem reads as one English line
``path: message`` (the contract of survey files and the command line,
docs/survey-file.md); the planner's workspace says the same problem in
the planner's language from its code and values
(``survey.definitions.explain``), never by reading the English line.

A new kind of problem is a new code here, with its English message and
its words in ``explain``; a test checks that every code has both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MESSAGES: Mapping[str, str] = {
    # shapes and scalars
    "not_mapping": "must be a mapping, not {kind}",
    "top_not_mapping": "must be a mapping at the top, not {kind}",
    "not_list": "must be a list, not {kind}",
    "empty": "must not be empty",
    "unknown_key": "is not a known key",
    "required": "is required",
    "not_whole": "must be a whole number, not {kind}",
    "below_minimum": "must be at least {minimum}",
    "above_maximum": "must be at most {maximum}",
    "not_number": "must be a number, not {kind}",
    "not_finite": "must be a finite number",
    "not_boolean": "must be true or false, not {kind}",
    "bad_identifier": "{value!r} must match {pattern}",
    "not_one_of": "{value!r} must be one of {allowed}",
    "nested_too_deeply": "is nested too deeply",
    "unreadable": "{reason}",
    "unsupported_format": "{value!r} is not supported (use 1)",
    # texts and languages
    "not_text": "must be a mapping of language to text, not {kind}",
    "text_not_string": "must be text, not {kind}",
    "foreign_language": "is not one of the survey's languages",
    "too_long": "is longer than {limit} characters",
    "first_language_missing": "is missing (the first language must be everywhere)",
    "language_twice": "lists a language twice",
    "not_language_code": "{value!r} is not a language code: use a lower-case ISO 639 code "
    "such as nl, fr, de or tr",
    "bad_text_id": "must be the id of a text (at most 300 characters)",
    "not_other_language": "is not one of the survey's other languages",
    "bad_fingerprint": "must be 16 hex digits (a fingerprint)",
    # survey, pages, questions
    "partner_access": "partner access goes with the partner audience, and only with it",
    "page_condition": "is not supported on pages; put it on the questions",
    "too_many_questions": "a survey has at most {limit} questions",
    "key_used_twice": "{value!r} is used twice",
    "measure_not_possible": "{measure!r} is not possible here (allowed: {allowed})",
    "dimension_used_twice": "{dimension!r} is used by another question",
    # options, scales, phenomena
    "too_many_options": "has more than {limit} options",
    "code_used_twice": "{value} is used twice",
    "unknown_phenomenon": "{value!r} is not one of the survey's phenomena",
    "options_or_scale": "needs either options or scale (exactly one)",
    "unknown_scale": "{name!r} is not defined under scales",
    "concern_only": "only applies to measure: concern",
    "concern_required": "is required for measure: concern",
    "unsafety_only": "only applies to measure: unsafety",
    "unsafety_required": "is required for measure: unsafety",
    "not_one_of_the_codes": "{value} is not one of the codes",
    # question types
    "max_below_min": "must not be below min",
    "max_before_min": "must not be before min",
    "not_increasing": "must be strictly increasing",
    "not_a_day": "{value!r} must be a day as 2026-03-27",
    "rows_required": "is required for a matrix",
    "choose_required": "is required for a ranking",
    # conditions
    "condition_shape": "needs question (with equals, in or answered), or all, any, not",
    "condition_tests": "needs exactly one of equals, in, answered",
    "not_question_key": "must be a question key, not {kind}",
    "not_earlier": "{reference!r} is not a question on an earlier page or earlier on this page",
    "rows_only_matrix": "{reference!r}: only a matrix has rows",
    "not_a_row": "{reference!r}: {row!r} is not a row of {key!r}",
    "not_a_code": "{value!r} is not a code of {key!r}",
    "only_answered": "a {type} answer can only be tested with answered",
    # storing (survey.definitions.store)
    "not_a_draft": "survey {key} is {state}; only a draft can get a new version",
    "other_consultation": "survey {key} belongs to another consultation",
}


@dataclass(frozen=True)
class Problem:
    """One problem: its ``path`` in the file, its ``code`` (a key of
    ``MESSAGES``) and the values its message names."""

    path: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise KeyError(f"no message for the problem code {self.code!r}")

    @property
    def message(self) -> str:
        """The message in English, as the survey file reference shows it."""
        return MESSAGES[self.code].format(**self.params)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def lines(problems: list[Problem]) -> list[str]:
    """The problems as English lines ``path: message``."""
    return [str(problem) for problem in problems]
