"""How long a survey takes to answer, worked out from the survey itself
(its items and its words), so that the promise on the start page follows
the questions a zone adds or removes.

The model (a model, not a measurement: only a timed pilot gives the real
figure), for a resident on a phone:

- reading: every word of the questions, help texts, options and rows once,
  at ``WORDS_PER_SECOND`` (240 words a minute, silent reading of plain text), and
  the intro with the privacy notice (``START_WORDS``) on the start page;
- answering: each question type's ``answer_seconds`` (a matrix per row, a
  ranking per rank, ...);
- a question with a ``show_if`` counts for ``CONDITIONAL_SHARE`` of its
  time: only some respondents see it (about 1 in 10 is a victim of an
  offence or had contact with the police);
- fixed costs: ``PAGE_SECONDS`` per page change and ``FIXED_SECONDS`` for
  the letter code and the check page.

The total is rounded to whole minutes, at least 1.
"""

from __future__ import annotations

import math
import re

from survey.definitions.definition import QuestionDef, SurveyDefinition
from survey.i18n import text_for

WORDS_PER_SECOND = 4.0
START_WORDS = 180
"""The privacy notice and the start page's own texts, besides the intro."""
CONDITIONAL_SHARE = 0.1
PAGE_SECONDS = 3.0
FIXED_SECONDS = 75.0
"""30 s to type the letter's code, 45 s to look over the check page."""

_WORD_RE = re.compile(r"\w+")


def words(text: str) -> int:
    """The words of ``text`` (runs of letters or digits)."""
    return len(_WORD_RE.findall(text))


def question_words(question: QuestionDef, language: str) -> int:
    """The words a respondent reads for ``question``: its text and help,
    every option label and every row label, once."""
    parts = [text_for(question.text, language), text_for(question.help, language)]
    parts += [text_for(o.label, language) for o in question.options]
    parts += [text_for(r.label, language) for r in question.rows]
    return sum(words(part) for part in parts)


def question_seconds(question: QuestionDef, language: str) -> float:
    """Reading and answering one question, in seconds, before the share of
    a conditional question."""
    reading = question_words(question, language) / WORDS_PER_SECOND
    return reading + question.qtype.answer_seconds(question)


def estimated_seconds(definition: SurveyDefinition, language: str | None = None) -> float:
    """The modelled time to answer the whole survey, in seconds."""
    lang = language or definition.default_language
    intro = words(text_for(definition.raw.get("intro"), lang, definition.default_language))
    total = (intro + START_WORDS) / WORDS_PER_SECOND + FIXED_SECONDS
    total += PAGE_SECONDS * len(definition.pages)
    for question in definition.questions:
        share = CONDITIONAL_SHARE if question.show_if else 1.0
        total += share * question_seconds(question, lang)
    return total


def estimated_minutes(definition: SurveyDefinition, language: str | None = None) -> int:
    """The time to answer the survey in whole minutes (at least 1), as the
    start page promises it."""
    return max(1, math.ceil(estimated_seconds(definition, language) / 60 - 0.5))
