"""Outdated translations: a translation the editor writes records the
reference text it translates; when that text changes, the translation is
outdated, wherever the question has moved; a reflowed text is the same
text; a file without records marks nothing."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from survey.definitions.editing import add_page, move_page, move_question
from survey.definitions.translations import (
    confirm_translations,
    fingerprint,
    outdated,
    record_sources,
    text_entries,
)
from survey.definitions.validation import validate_definition


@pytest.fixture(autouse=True)
def _context(app: Flask) -> Iterator[None]:
    with app.test_request_context("/planner/"):
        yield


def survey() -> dict[str, Any]:
    return {
        "format": 1,
        "key": "vertaling",
        "consultation": "zvp-2026",
        "audience": "citizen",
        "access": "open",
        "languages": ["nl", "fr"],
        "title": {"nl": "Veiligheid", "fr": "Sécurité"},
        "pages": [
            {
                "key": "een",
                "title": {"nl": "Een"},
                "questions": [
                    {"key": "a", "type": "text", "text": {"nl": "Vraag A", "fr": "Question A"}},
                    {"key": "b", "type": "text", "text": {"nl": "Vraag B"}},
                ],
            }
        ],
    }


def stale(definition: dict[str, Any]) -> set[tuple[Any, str]]:
    return outdated(definition, text_entries(definition))


def translated(before: dict[str, Any], path: tuple[Any, ...], lang: str, text: str) -> Any:
    after = copy.deepcopy(before)
    node: Any = after
    for part in path:
        node = node[part]
    node[lang] = text
    return record_sources(before, after)


def reworded(definition: dict[str, Any], path: tuple[Any, ...], text: str) -> Any:
    after = copy.deepcopy(definition)
    node: Any = after
    for part in path:
        node = node[part]
    node["nl"] = text
    return record_sources(definition, after)


A_TEXT = ("pages", 0, "questions", 0, "text")


def test_a_file_without_records_marks_nothing_and_a_reworded_text_outdates_its_translation() -> (
    None
):
    raw = survey()
    assert stale(raw) == set()
    # Rewording a text that was translated before records existed: unknown, not outdated.
    assert stale(reworded(raw, A_TEXT, "Vraag A, anders")) == set()
    made = translated(raw, A_TEXT, "fr", "Question A, traduite")
    assert made["translation_sources"] == {"questions.a.text": {"fr": fingerprint("Vraag A")}}
    assert validate_definition(made).ok
    assert stale(made) == set()
    assert stale(reworded(made, A_TEXT, "Vraag A,  herwerkt")) == {(A_TEXT, "fr")}


def test_a_reflowed_reference_text_is_the_same_text() -> None:
    made = translated(survey(), A_TEXT, "fr", "Question A, traduite")
    assert stale(reworded(made, A_TEXT, "  Vraag\n A ")) == set()


def test_moving_keeps_the_mark_and_confirming_clears_it() -> None:
    made = reworded(translated(survey(), A_TEXT, "fr", "Question A, traduite"), A_TEXT, "Nieuw")
    moved = move_question(made, "a", 1)
    assert stale(moved) == {(("pages", 0, "questions", 1, "text"), "fr")}
    paged = move_page(add_page(moved, {"nl": "Twee"}), "een", 1)
    assert stale(paged) == {(("pages", 1, "questions", 1, "text"), "fr")}
    assert (
        stale(confirm_translations(paged, [(("pages", 1, "questions", 1, "text"), "fr")])) == set()
    )


def test_a_removed_translation_or_text_takes_its_record_with_it() -> None:
    made = translated(survey(), A_TEXT, "fr", "Question A, traduite")
    without = copy.deepcopy(made)
    del without["pages"][0]["questions"][0]["text"]["fr"]
    assert "translation_sources" not in record_sources(made, without)
    gone = copy.deepcopy(made)
    del gone["pages"][0]["questions"][0]
    assert "translation_sources" not in record_sources(made, gone)
