"""The time a survey takes, as the start page promises it, follows the
survey: its items and its words (``survey.definitions.duration``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from support import RESIDENT_FILE

from survey.definitions.definition import build_definition
from survey.definitions.duration import estimated_minutes, estimated_seconds
from survey.definitions.validation import validate_definition


def _resident() -> dict[str, Any]:
    return yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))


def _minutes(raw: dict[str, Any], language: str = "nl") -> int:
    assert validate_definition(raw).ok
    return estimated_minutes(build_definition(raw), language)


def test_the_default_resident_survey_takes_about_ten_minutes() -> None:
    # 15 neighbourhood rows, 11 victimisation rows, 14 police and background
    # items: the methodologist's review puts the old, shorter survey at 7 to 9
    # minutes on a phone, and the VM's paper form at 10 to 15.
    assert 9 <= _minutes(_resident()) <= 12


def test_a_local_module_of_ten_rows_adds_to_the_promise() -> None:
    raw = _resident()
    before = estimated_seconds(build_definition(raw))
    extra = copy.deepcopy(raw)
    extra["pages"].append(
        {
            "key": "lokaal",
            "title": {"nl": "Uw gemeente"},
            "questions": [
                {
                    "key": "lokaal",
                    "type": "matrix",
                    "scale": "frequentie",
                    "text": {"nl": "Hoe vaak komen deze problemen voor in het centrum?"},
                    "rows": [
                        {"key": f"r{i}", "label": {"nl": f"Probleem nummer {i} in het centrum"}}
                        for i in range(10)
                    ],
                }
            ],
        }
    )
    after = estimated_seconds(build_definition(extra))
    # 81 words to read (the question 9, the four points of the scale 12, ten
    # rows of 6) at 4 words a second, 4 s an answer per row, 3 s a page.
    assert after - before == pytest.approx(81 / 4 + 10 * 4.0 + 3.0)
    assert _minutes(extra) == _minutes(raw) + 1


def test_a_question_only_some_see_weighs_less_than_one_everyone_sees() -> None:
    raw = _resident()
    shown = copy.deepcopy(raw)
    shown["pages"][-1]["questions"].append(
        {"key": "extra", "type": "text", "long": True, "text": {"nl": "Nog iets?"}}
    )
    hidden = copy.deepcopy(shown)
    hidden["pages"][-1]["questions"][-1]["show_if"] = {"question": "contact", "equals": 1}
    base = estimated_seconds(build_definition(raw))
    assert (
        0
        < estimated_seconds(build_definition(hidden)) - base
        < (estimated_seconds(build_definition(shown)) - base)
    )


def test_a_one_question_survey_promises_the_start_and_check_pages_too() -> None:
    raw = {
        "format": 1,
        "key": "kort",
        "consultation": "kort-2026",
        "audience": "citizen",
        "access": "open",
        "languages": ["nl"],
        "title": {"nl": "Kort"},
        "pages": [
            {
                "key": "p",
                "title": {"nl": "P"},
                "questions": [{"key": "q", "type": "text", "text": {"nl": "Ja?"}}],
            }
        ],
    }
    # The start page (180 words, 45 s), the code and the check page (75 s),
    # one page (3 s) and the question (27 s, a word): 150 s, about 3 minutes.
    assert estimated_seconds(build_definition(raw)) == pytest.approx(150.25)
    assert _minutes(raw) == 3
