"""The note under a table without percentages tells the reader why: a base
hidden by the disclosure control (to protect respondents in other tables)
is not a small base, and the annex never says "fewer than 30 answers" of a
question that 1,500 residents answered."""

from __future__ import annotations

from flask import Flask

from survey.reporting.html_writer import base_note

RULES = {"hidden_below": 30, "unreliable_below": 100}


def test_a_hidden_base_is_explained_as_protection_not_as_too_few_answers(app: Flask) -> None:
    with app.test_request_context("/"):
        hidden_base = {"valid": None, "valid_suppressed": True, "base_flag": "hidden"}
        protected = base_note(hidden_base, RULES)
        small = base_note({"valid": 12, "base_flag": "hidden"}, RULES)
        careful = base_note({"valid": 80, "base_flag": "unreliable"}, RULES)
        plain = base_note({"valid": 800, "base_flag": "ok"}, RULES)
    assert "beschermen" in protected and "Minder dan" not in protected
    assert small == "Minder dan 30 geldige antwoorden: de percentages worden niet getoond."
    assert careful.startswith("Minder dan 100 geldige antwoorden")
    assert plain == ""
