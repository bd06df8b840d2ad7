"""The answering journey engine on its own, without Flask: no app, no
request, no database. A respondent's answers live in an in-memory store
that keeps the same promises as the real ones (``survey.answering.stores``);
the real stores are exercised by the functional and browser tests."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from survey.answering.browser import show_if_data
from survey.answering.journey import Journey
from survey.answering.stores import ChangedMeanwhile
from survey.definitions.definition import PageDef, QuestionDef, SurveyDefinition, build_definition
from survey.definitions.validation import validate_definition

YES_NO = [{"code": 1, "label": {"nl": "Ja", "fr": "Oui"}}, {"code": 2, "label": {"nl": "Nee"}}]


@pytest.fixture(scope="module")
def definition() -> SurveyDefinition:
    raw = {
        "format": 1,
        "key": "journey-test",
        "consultation": "zvp-test",
        "audience": "citizen",
        "access": "open",
        "languages": ["nl", "fr"],
        "title": {"nl": "Reis"},
        "scales": {
            "freq": [
                {"code": 1, "label": {"nl": "Nooit"}},
                {"code": 2, "label": {"nl": "Vaak"}},
                {"code": 9, "label": {"nl": "Weet niet"}, "missing": True},
            ]
        },
        "pages": [
            {
                "key": "buurt",
                "title": {"nl": "Uw buurt", "fr": "Votre quartier"},
                "questions": [
                    {
                        "key": "veilig",
                        "type": "single",
                        "required": True,
                        "text": {
                            "nl": "Voelt u zich veilig?",
                            "fr": "Vous sentez-vous en sécurité ?",
                        },
                        "options": YES_NO,
                    },
                    {
                        "key": "waarom",
                        "type": "text",
                        "required": True,
                        "text": {"nl": "Waarom niet?"},
                        "show_if": {"question": "veilig", "equals": 2},
                    },
                ],
            },
            {
                "key": "slachtoffer",
                "title": {"nl": "Slachtoffer"},
                "questions": [
                    {
                        "key": "inbraak",
                        "type": "single",
                        "text": {"nl": "Inbraak?"},
                        "options": YES_NO,
                    },
                    {
                        "key": "hinder",
                        "type": "matrix",
                        "required": True,
                        "scale": "freq",
                        "text": {"nl": "Hoe vaak?"},
                        "rows": [
                            {"key": "lawaai", "label": {"nl": "Lawaai"}},
                            {"key": "afval", "label": {"nl": "Afval"}},
                        ],
                    },
                ],
            },
            {
                "key": "aangifte",
                "title": {"nl": "Aangifte"},
                "questions": [
                    {
                        "key": "aangifte",
                        "type": "single",
                        "text": {"nl": "Aangifte gedaan?"},
                        "options": YES_NO,
                        "show_if": {"question": "inbraak", "equals": 1},
                    },
                    {
                        "key": "tevreden",
                        "type": "single",
                        "text": {"nl": "Tevreden?"},
                        "options": YES_NO,
                        "show_if": {
                            "all": [
                                {"question": "inbraak", "equals": 1},
                                {"question": "aangifte", "equals": 1},
                            ]
                        },
                    },
                ],
            },
            {
                "key": "over-u",
                "title": {"nl": "Over u"},
                "questions": [
                    {
                        "key": "leeftijd",
                        "type": "number",
                        "required": True,
                        "min": 16,
                        "max": 110,
                        "text": {"nl": "Leeftijd"},
                    },
                    {
                        "key": "top",
                        "type": "ranking",
                        "choose": 2,
                        "text": {"nl": "Prioriteiten"},
                        "options": [
                            {"code": 1, "label": {"nl": "Drugs"}},
                            {"code": 2, "label": {"nl": "Verkeer"}},
                            {"code": 3, "label": {"nl": "Inbraak"}},
                        ],
                    },
                ],
            },
        ],
    }
    assert validate_definition(raw).problems == []
    return build_definition(raw)


class MemoryStore:
    """A draft kept in memory: pages in order (``reached``), or any order
    (``reached=None``); sent once."""

    def __init__(self, values: dict[str, Any] | None = None, reached: int | None = 0) -> None:
        self.answers: dict[str, Any] = dict(values or {})
        self.furthest = reached
        self.language = ""
        self.sent: list[tuple[list[str], dict[str, Any]]] = []
        self.changed_elsewhere = False

    @property
    def values(self) -> Mapping[str, Any]:
        return self.answers

    @property
    def order_seed(self) -> None:
        return None

    @property
    def reached(self) -> int | None:
        return self.furthest

    def save_page(
        self, page: PageDef, page_values: dict[str, Any], *, reached: int, language: str
    ) -> None:
        if self.changed_elsewhere:
            raise ChangedMeanwhile()
        own = {q.key for q in page.questions}
        self.answers = {k: v for k, v in self.answers.items() if k not in own} | page_values
        if self.furthest is not None:
            self.furthest = max(self.furthest, reached)
        self.language = language

    def prepare_submit(self) -> str | None:
        return "already" if self.sent else None

    def store_response(self, shown: list[QuestionDef], kept: Mapping[str, Any]) -> str:
        self.sent.append(([q.key for q in shown], dict(kept)))
        return "stored"


def posted(**fields: Any) -> MultiDict[str, str]:
    """A posted form: ``name=value`` or ``name=[values]`` (dots as ``__``)."""
    form: MultiDict[str, str] = MultiDict()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            form.add(name.replace("__", "."), str(item))
    return form


def page(journey: Journey[Any], key: str) -> PageDef:
    found = journey.page(key)
    assert found is not None
    return found


def answer(journey: Journey[MemoryStore], key: str, **fields: Any) -> PageDef | None:
    """Post page ``key`` with ``fields``; it must be saved. The next page."""
    outcome = journey.read(page(journey, key), posted(**fields))
    assert outcome.status == "saved", [(p.name, str(p.message)) for p in outcome.problems]
    return journey.save(page(journey, key), outcome)


def test_a_resident_cannot_open_a_page_before_answering_the_ones_before(
    definition: SurveyDefinition,
) -> None:
    journey = Journey(definition, MemoryStore(), "nl")
    assert journey.first_page() == page(journey, "buurt")
    assert journey.can_visit(page(journey, "buurt"))
    assert not journey.can_visit(page(journey, "slachtoffer"))
    assert not journey.can_check()
    assert journey.resume_page() == page(journey, "buurt")

    following = answer(journey, "buurt", veilig=1)
    assert following == page(journey, "slachtoffer")
    assert journey.can_visit(following) and not journey.can_visit(page(journey, "over-u"))
    assert journey.resume_page() == following
    assert journey.store.language == "nl"


def test_a_page_whose_questions_are_all_hidden_is_skipped(definition: SurveyDefinition) -> None:
    journey = Journey(definition, MemoryStore({"veilig": 1}, reached=1), "nl")
    # No burglary: the reporting page has nothing for this resident.
    following = answer(journey, "slachtoffer", inbraak=2, hinder__lawaai=1, hinder__afval=9)
    assert following == page(journey, "over-u")
    assert journey.view(page(journey, "aangifte")).visible == []
    assert journey.can_visit(page(journey, "over-u"))
    assert journey.next_page(page(journey, "slachtoffer")) == page(journey, "over-u")
    # A burglary brings the page back.
    assert answer(journey, "slachtoffer", inbraak=1, hinder__lawaai=1, hinder__afval=1) == page(
        journey, "aangifte"
    )


def test_progress_counts_the_pages_this_resident_is_shown(definition: SurveyDefinition) -> None:
    journey = Journey(definition, MemoryStore({"veilig": 1, "inbraak": 2}, reached=3), "nl")
    screen = journey.screen(journey.view(page(journey, "over-u")))
    assert (screen.step, screen.total) == (3, 3)
    assert screen.previous == page(journey, "slachtoffer")
    assert journey.previous_page(page(journey, "slachtoffer")) == page(journey, "buurt")
    assert journey.previous_page(page(journey, "buurt")) is None


def test_a_question_brought_up_on_the_same_page_is_asked_before_moving_on(
    definition: SurveyDefinition,
) -> None:
    journey = Journey(definition, MemoryStore(), "nl")
    buurt = page(journey, "buurt")
    view = journey.view(buurt)
    # Rendered hidden, for the page script to show at once.
    assert [q.key for q in view.questions] == ["veilig", "waarom"]
    assert view.is_hidden(definition.question("waarom"))
    outcome = journey.read(buurt, posted(veilig=2))
    assert outcome.status == "changed" and outcome.problems == []
    screen = journey.screen_after(outcome)
    assert screen.changed and screen.values["veilig"] == 2
    assert not screen.view.is_hidden(definition.question("waarom"))
    assert journey.values == {}  # nothing saved
    assert answer(journey, "buurt", veilig=2, waarom="Te donker") == page(journey, "slachtoffer")
    assert journey.values == {"veilig": 2, "waarom": "Te donker"}


def test_answers_to_a_question_that_is_not_shown_are_not_kept(
    definition: SurveyDefinition,
) -> None:
    journey = Journey(definition, MemoryStore({"veilig": 2, "waarom": "Te donker"}), "nl")
    # Changed to "safe": the reason is hidden now, and a forged one is dropped.
    answer(journey, "buurt", veilig=1, waarom="Toch iets")
    assert journey.values == {"veilig": 1}


def test_problems_point_at_the_field_and_keep_what_was_typed(
    definition: SurveyDefinition,
) -> None:
    journey = Journey(definition, MemoryStore({"veilig": 1, "inbraak": 2}, reached=3), "nl")
    over_u = page(journey, "over-u")
    outcome = journey.read(over_u, posted(leeftijd="veertig", top__1=2, top__2=2))
    assert outcome.status == "errors"
    found = {(p.name, p.anchor, str(p.message)) for p in outcome.problems}
    assert found == {
        ("leeftijd", "f-leeftijd", "Enter a number, for example 42."),
        ("top", "f-top-1", "Choose each option only once."),
    }
    assert journey.screen_after(outcome).values["leeftijd"] == "veertig"
    # A matrix row names the row, and links to it.
    slachtoffer = page(journey, "slachtoffer")
    rows = journey.read(slachtoffer, posted(hinder__lawaai=1)).problems
    assert [(p.name, p.anchor, p.label["nl"]) for p in rows] == [
        ("hinder.afval", "f-hinder-afval", "Afval")
    ]
    assert journey.values == {"veilig": 1, "inbraak": 2}


def test_save_and_continue_later_keeps_an_incomplete_page_but_not_a_wrong_one(
    definition: SurveyDefinition,
) -> None:
    journey = Journey(definition, MemoryStore(reached=None), "nl")
    slachtoffer = page(journey, "slachtoffer")
    # Parts in any order: a partner opens the second part first.
    assert journey.can_visit(slachtoffer) and journey.can_check()
    incomplete = journey.read(slachtoffer, posted(hinder__lawaai=2), partial=True)
    assert incomplete.status == "saved"
    journey.save(slachtoffer, incomplete)
    assert journey.values == {"inbraak": None, "hinder": {"lawaai": 2, "afval": None}}
    wrong = journey.read(slachtoffer, posted(hinder__lawaai=7), partial=True)
    assert wrong.status == "errors"
    assert [str(p.message) for p in wrong.problems] == ["Choose one of the options."]
    # New questions on the page do not stop a partial save.
    buurt = page(journey, "buurt")
    assert journey.read(buurt, posted(veilig=2), partial=True).status == "saved"
    assert [p.page.key for p in journey.page_statuses() if p.answered] == ["slachtoffer"]


def test_a_save_that_lost_a_race_keeps_nothing(definition: SurveyDefinition) -> None:
    store = MemoryStore()
    journey = Journey(definition, store, "nl")
    outcome = journey.read(page(journey, "buurt"), posted(veilig=1))
    store.changed_elsewhere = True
    with pytest.raises(ChangedMeanwhile):
        journey.save(page(journey, "buurt"), outcome)
    assert journey.values == {}


def test_the_check_page_lists_the_shown_answers_as_a_person_reads_them(
    definition: SurveyDefinition,
) -> None:
    values = {
        "veilig": 1,
        "inbraak": 1,
        "hinder": {"lawaai": 2, "afval": 9},
        "aangifte": 1,
        "leeftijd": 42,
        "top": [3, 1],
    }
    journey = Journey(definition, MemoryStore(values, reached=4), "fr")
    sections = journey.check_sections()
    assert [(s.page.key, s.title) for s in sections] == [
        ("buurt", "Votre quartier"),  # French where given, else Dutch
        ("slachtoffer", "Slachtoffer"),
        ("aangifte", "Aangifte"),
        ("over-u", "Over u"),
    ]
    rows = {row.key: row for section in sections for row in section.rows}
    assert rows["veilig"].text == "Vous sentez-vous en sécurité ?"
    assert rows["veilig"].lines == ["Oui"]
    assert rows["hinder"].lines == ["Lawaai: Vaak", "Afval: Weet niet"]
    assert rows["hinder"].anchor == "f-hinder-lawaai"
    assert rows["top"].lines == ["1. Inbraak", "2. Drugs"]
    assert rows["leeftijd"].lines == ["42"]
    assert rows["tevreden"].lines == []  # shown, not answered
    assert "waarom" not in rows  # not shown


def test_submit_checks_every_answer_again_and_sends_once(definition: SurveyDefinition) -> None:
    store = MemoryStore({"veilig": 1, "inbraak": 2, "aangifte": 1, "top": [1]}, reached=4)
    journey = Journey(definition, store, "nl")
    refused = journey.submit()
    assert refused.status == "problems" and store.sent == []
    assert {(p.name, p.question.page_key, p.anchor) for p in refused.problems} == {
        ("hinder.lawaai", "slachtoffer", "f-hinder-lawaai"),
        ("hinder.afval", "slachtoffer", "f-hinder-afval"),
        ("leeftijd", "over-u", "f-leeftijd"),
    }
    store.answers |= {"hinder": {"lawaai": 1, "afval": 2}, "leeftijd": 30}
    assert journey.submit().status == "stored"
    shown, kept = store.sent[0]
    # The answer to a question hidden by a later change is dropped, not refused.
    assert "aangifte" not in shown and "aangifte" not in kept
    assert kept["leeftijd"] == 30
    assert journey.submit().status == "already"
    assert len(store.sent) == 1


def test_a_paper_form_is_read_whole_with_every_problem_at_once(
    definition: SurveyDefinition,
) -> None:
    journey = Journey(definition, MemoryStore(reached=None), "nl")
    reading = journey.read_form(
        posted(veilig=2, inbraak=2, aangifte=1, hinder__lawaai=1, leeftijd="oud")
    )
    assert reading.values["veilig"] == 2 and "leeftijd" not in reading.values
    assert reading.shown_values["leeftijd"] == "oud"
    assert sorted((p.name, str(p.message)) for p in reading.problems) == [
        ("hinder.afval", "Answer this row."),
        ("leeftijd", "Enter a number, for example 42."),  # not also "Answer this question."
        ("waarom", "Answer this question."),
    ]


def test_the_page_script_gets_what_it_needs_to_show_a_question_at_once(
    definition: SurveyDefinition,
) -> None:
    journey = Journey(definition, MemoryStore({"inbraak": 1}, reached=2), "nl")
    buurt = journey.view(page(journey, "buurt"))
    assert show_if_data(buurt, definition.question("veilig")) is None
    assert show_if_data(buurt, definition.question("waarom")) == {
        "if": {"question": "veilig", "equals": 2},
        "known": {},
        "answered": {"veilig": "any"},
    }
    # A condition on an earlier page's answer and one on this page: the
    # earlier answer comes along, the script reads the other from the form.
    aangifte = journey.view(page(journey, "aangifte"))
    assert show_if_data(aangifte, definition.question("aangifte")) is None
    assert show_if_data(aangifte, definition.question("tevreden")) == {
        "if": definition.question("tevreden").show_if,
        "known": {"inbraak": 1},
        "answered": {"aangifte": "any"},
    }


ENGINE = ("journey.py", "pages.py", "display.py", "browser.py", "stores.py")


@pytest.mark.parametrize("module", ENGINE)
def test_the_engine_has_no_request_globals(module: str) -> None:
    """The engine's modules import nothing of Flask but Babel's gettext
    (which works without an app); the Flask side is ``rendering.py``."""
    path = Path(__file__).resolve().parents[2] / "survey" / "answering" / module
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        name
        for node in ast.walk(tree)
        for name in (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert not {m for m in imported if m.split(".")[0] in ("flask", "werkzeug")}
    assert "survey.answering.rendering" not in imported
