"""A "Weet niet" in a ranking stands alone. Ranked beside real choices it
counted that person's choices but not the person (the base of every share is
the respondents with a valid first choice), so a share of the report and the
priority matrix could pass 100 %."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from survey.answering.journey import Journey
from survey.definitions.definition import QuestionDef, SurveyDefinition, build_definition
from survey.definitions.validation import validate_definition
from tests.unit.test_answering_journey import MemoryStore

NOT_COMBINED = "This option cannot be combined with the other options."


def definition(*, all_ranks: bool = False) -> SurveyDefinition:
    raw: dict[str, Any] = {
        "format": 1,
        "key": "ranking-dont-know",
        "consultation": "zvp-test",
        "audience": "citizen",
        "access": "open",
        "languages": ["nl"],
        "title": {"nl": "Prioriteiten"},
        "pages": [
            {
                "key": "prioriteiten",
                "title": {"nl": "Prioriteiten"},
                "questions": [
                    {
                        "key": "top",
                        "type": "ranking",
                        "choose": 2,
                        "all_ranks": all_ranks,
                        "text": {"nl": "Wat moet de politie eerst aanpakken?"},
                        "options": [
                            {"code": 1, "label": {"nl": "Drugs"}},
                            {"code": 2, "label": {"nl": "Verkeer"}},
                            {"code": 3, "label": {"nl": "Inbraak"}},
                            {"code": 9, "label": {"nl": "Weet niet"}, "missing": True},
                        ],
                    }
                ],
            }
        ],
    }
    assert validate_definition(raw).problems == []
    return build_definition(raw)


def submit(survey: SurveyDefinition, *ranks: int) -> tuple[list[str], dict[str, Any]]:
    """The resident's page posted with these ranks: the messages and what was kept."""
    journey = Journey(survey, MemoryStore(), "nl")
    page = survey.pages[0]
    form = MultiDict({f"top.{rank}": str(code) for rank, code in enumerate(ranks, start=1)})
    outcome = journey.read(page, form)
    if outcome.status == "errors":
        return [str(p.message) for p in outcome.problems], journey.values
    journey.save(page, outcome)
    return [], journey.values


@pytest.mark.parametrize("ranks", [(9, 1), (1, 9)])
def test_a_resident_cannot_rank_dont_know_beside_real_choices(ranks: tuple[int, int]) -> None:
    problems, kept = submit(definition(), *ranks)
    assert problems == [NOT_COMBINED]
    assert kept == {}


@pytest.mark.parametrize("all_ranks", [False, True])
def test_dont_know_on_its_own_is_an_answer_even_in_a_forced_top_two(all_ranks: bool) -> None:
    problems, kept = submit(definition(all_ranks=all_ranks), 9)
    assert problems == []
    assert kept == {"top": [9]}


def test_real_choices_are_still_ranked() -> None:
    assert submit(definition(all_ranks=True), 2, 1) == ([], {"top": [2, 1]})
    problems, _kept = submit(definition(all_ranks=True), 2)
    assert problems == ["Choose exactly 2 options."]


class Respondent:
    """A synthetic respondent for whom "Weet niet" is as likely as anything."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def rank_weights(self, question: QuestionDef) -> dict[int, float]:
        return {o.code: 1.0 for o in question.options}

    def pick(self, weights: Mapping[int, float]) -> int:
        codes = sorted(weights)
        return self.rng.choices(codes, [weights[c] for c in codes])[0]


def test_the_demo_never_makes_up_dont_know_beside_real_choices() -> None:
    survey = definition()
    question = survey.question("top")
    answers = [
        question.qtype.sample(question, Respondent(seed))  # type: ignore[arg-type]
        for seed in range(400)
    ]
    assert [9] in answers  # "Weet niet" is drawn, on its own
    for ranks in answers:
        assert question.qtype.check(question, ranks) == [], ranks
        assert 9 not in ranks or ranks == [9]
    # So a valid first choice is a person who chose anything: no option is chosen
    # by more people than the base of its share.
    valid_first = sum(1 for ranks in answers if ranks and ranks[0] != 9)
    assert all(sum(code in ranks for ranks in answers) <= valid_first for code in (1, 2, 3))
