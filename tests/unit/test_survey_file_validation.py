"""Survey files: every fault is listed with its path, nothing raises."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from survey.definitions.validation import validate_definition, validate_file

DEFAULTS = Path(__file__).resolve().parents[2] / "survey" / "definitions" / "default_surveys"


def _minimal() -> dict:
    return {
        "format": 1,
        "key": "test-survey",
        "consultation": "zvp-test",
        "audience": "citizen",
        "access": "open",
        "languages": ["nl", "fr"],
        "title": {"nl": "Test"},
        "phenomena": [{"key": "drugs", "label": {"nl": "Drugs"}}],
        "scales": {"jn": [{"code": 1, "label": {"nl": "Ja"}}, {"code": 2, "label": {"nl": "Nee"}}]},
        "pages": [
            {
                "key": "p1",
                "title": {"nl": "Pagina"},
                "questions": [
                    {"key": "q1", "type": "single", "text": {"nl": "Vraag?"}, "scale": "jn"},
                    {
                        "key": "q2",
                        "type": "single",
                        "text": {"nl": "Vervolg?"},
                        "scale": "jn",
                        "show_if": {"question": "q1", "equals": 1},
                    },
                ],
            }
        ],
    }


@pytest.mark.parametrize("name", ["burgers.yaml", "partners.yaml", "pulse.yaml"])
def test_default_surveys_validate(name: str) -> None:
    result = validate_file((DEFAULTS / name).read_bytes())
    assert result.problems == []


def test_minimal_survey_is_valid() -> None:
    assert validate_definition(_minimal()).problems == []


def test_file_with_many_faults_lists_each_with_its_path() -> None:
    raw = _minimal()
    raw["key"] = "Bad Key!"
    raw["audience"] = "everyone"
    raw["languages"] = ["nl", "xx"]
    raw["unexpected"] = True
    page = raw["pages"][0]
    page["questions"].append(
        {
            "key": "q3",
            "type": "single",
            "text": {"fr": "Pas de néerlandais"},
            "options": [
                {"code": 1, "label": {"nl": "A"}},
                {"code": 1, "label": {"nl": "B"}},
                {"code": "x", "label": {"nl": "C"}},
            ],
        }
    )
    page["questions"].append(
        {
            "key": "q1",
            "type": "slider",
            "text": {"nl": "Dubbel"},
            "show_if": {"question": "q9", "equals": 1},
        }
    )
    page["questions"].append(
        {
            "key": "q5",
            "type": "ranking",
            "text": {"nl": "Top"},
            "options": [{"code": 1, "label": {"nl": "A"}, "phenomenon": "nope"}],
        }
    )
    problems = validate_definition(raw).problems
    expected = [
        "key: 'Bad Key!' must match",
        "audience: 'everyone' must be one of",
        "languages[1]: 'xx' is not a language code",
        "unexpected: is not a known key",
        "pages[0].questions[2].text.fr: is not one of the survey's languages",
        "pages[0].questions[2].text.nl: is missing",
        "pages[0].questions[2].options[1].code: 1 is used twice",
        "pages[0].questions[2].options[2].code: must be a whole number",
        "pages[0].questions[3].type: 'slider' must be one of",
        "pages[0].questions[3].show_if.question: 'q9' is not a question",
        "pages[0].questions[3].key: 'q1' is used twice",
        "pages[0].questions[4].choose: is required",
        "pages[0].questions[4].options[0].phenomenon: 'nope' is not one of",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)
    assert len(problems) == len(expected), problems


def test_show_if_may_not_look_forward() -> None:
    raw = _minimal()
    questions = raw["pages"][0]["questions"]
    questions[0]["show_if"] = {"question": "q2", "equals": 1}
    problems = validate_definition(raw).problems
    assert any(p.startswith("pages[0].questions[0].show_if.question") for p in problems)


def test_show_if_on_a_matrix_row_checks_row_and_code() -> None:
    raw = _minimal()
    questions = raw["pages"][0]["questions"]
    questions.insert(
        0,
        {
            "key": "m",
            "type": "matrix",
            "text": {"nl": "Grid"},
            "scale": "jn",
            "rows": [{"key": "a", "label": {"nl": "A"}}],
        },
    )
    questions[1]["show_if"] = {"question": "m.a", "equals": 1}
    assert validate_definition(raw).problems == []
    questions[1]["show_if"] = {"question": "m.b", "equals": 3}
    problems = validate_definition(copy.deepcopy(raw)).problems
    assert problems == ["pages[0].questions[1].show_if.question: 'm.b': 'b' is not a row of 'm'"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"a: &x [1]\nb: *x\n", "aliases"),
        (b"key: [unclosed\n", "line 2"),
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"- just\n- a list\n", "must be a mapping"),
        (b"x" * (1024 * 1024 + 1), "larger than"),
    ],
)
def test_unreadable_files_give_one_clear_problem(content: bytes, fragment: str) -> None:
    result = validate_file(content)
    assert not result.ok
    assert len(result.problems) == 1
    assert fragment in result.problems[0]


def test_yaml_bomb_is_refused_without_expanding() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    result = validate_file(bomb.encode())
    assert not result.ok and "aliases" in result.problems[0]


def test_wrong_types_everywhere_never_raise() -> None:
    for junk in (None, 1, "text", [], {"pages": "x"}, {"pages": [None, 3, {"questions": {}}]}):
        result = validate_definition(junk)
        assert not result.ok
    raw = _minimal()
    raw["pages"][0]["questions"][0] = {"key": 5, "type": ["single"], "text": "plain", "show_if": []}
    assert not validate_definition(raw).ok


def test_round_trip_through_yaml_keeps_the_definition() -> None:
    original = yaml.safe_load((DEFAULTS / "burgers.yaml").read_text(encoding="utf-8"))
    from survey.definitions.loader import dump_definition, load_definition

    again = load_definition(dump_definition(original))
    assert again == original


@pytest.mark.parametrize(
    ("unit", "problems"),
    [
        ({"nl": "km", "fr": "km"}, []),
        ("km/u", []),
        (5, ["pages[0].questions[2].unit: must be a mapping of language to text, not a number"]),
        ("", ["pages[0].questions[2].unit: must not be empty"]),
        (
            {"fr": "km"},
            ["pages[0].questions[2].unit.nl: is missing (the first language must be everywhere)"],
        ),
        ("k" * 51, ["pages[0].questions[2].unit: is longer than 50 characters"]),
    ],
)
def test_a_number_unit_is_a_text(unit: object, problems: list[str]) -> None:
    """``unit: 5`` used to pass and then break the resident's page: a unit
    is a translated text or one plain string."""
    raw = _minimal()
    raw["pages"][0]["questions"].append(
        {"key": "afstand", "type": "number", "text": {"nl": "Hoe ver?"}, "unit": unit}
    )
    assert validate_definition(raw).problems == problems


@pytest.mark.parametrize(
    ("limits", "problems"),
    [
        ({"min": "2024-01-01", "max": "2026-12-31"}, []),
        (
            {"min": "2026-02-30"},
            ["pages[0].questions[2].min: '2026-02-30' must be a day as 2026-03-27"],
        ),
        ({"max": 2026}, ["pages[0].questions[2].max: 2026 must be a day as 2026-03-27"]),
        (
            {"min": "2026-01-02", "max": "2026-01-01"},
            ["pages[0].questions[2].max: must not be before min"],
        ),
    ],
)
def test_the_limits_of_a_date_are_days(limits: dict[str, object], problems: list[str]) -> None:
    raw = _minimal()
    raw["pages"][0]["questions"].append(
        {"key": "wanneer", "type": "date", "text": {"nl": "Wanneer?"}, **limits}
    )
    assert validate_definition(raw).problems == problems


def test_a_date_can_only_be_tested_with_answered() -> None:
    raw = _minimal()
    questions = raw["pages"][0]["questions"]
    questions.append({"key": "wanneer", "type": "date", "text": {"nl": "Wanneer?"}})
    questions.append(
        {
            "key": "waar",
            "type": "text",
            "text": {"nl": "Waar?"},
            "show_if": {"question": "wanneer", "equals": 202603},
        }
    )
    assert validate_definition(raw).problems == [
        "pages[0].questions[3].show_if: a date answer can only be tested with answered"
    ]
    questions[-1]["show_if"] = {"question": "wanneer", "answered": True}
    assert validate_definition(raw).problems == []


def _nested_not(depth: int) -> dict:
    cond: dict = {"question": "q1", "equals": 1}
    for _ in range(depth):
        cond = {"not": cond}
    return cond


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda raw: raw.update(languages=["nl", "fr", "nl"]),
            "languages: lists a language twice",
        ),
        (
            lambda raw: raw.update(access="partner"),
            "access: partner access goes with the partner audience, and only with it",
        ),
        (
            lambda raw: raw.update(format=2),
            "format: 2 is not supported (use 1)",
        ),
        (
            lambda raw: raw["pages"][0]["questions"][1].update(
                show_if={"question": "q1.row", "equals": 1}
            ),
            "pages[0].questions[1].show_if.question: 'q1.row': only a matrix has rows",
        ),
        (
            lambda raw: raw["pages"][0]["questions"][1].update(
                show_if={"question": "q1", "equals": 1, "answered": True}
            ),
            "pages[0].questions[1].show_if: needs exactly one of equals, in, answered",
        ),
        (
            lambda raw: raw["pages"][0]["questions"][1].update(
                show_if={"any": [{"question": "q1", "in": [1, 7]}]}
            ),
            "pages[0].questions[1].show_if.any[0]: 7 is not a code of 'q1'",
        ),
        (
            lambda raw: raw["pages"][0]["questions"][1].update(show_if=_nested_not(12)),
            "pages[0].questions[1].show_if" + ".not" * 11 + ": is nested too deeply",
        ),
        (
            lambda raw: raw["scales"]["jn"].append({"code": 1, "label": {"nl": "Ja"}, "x": 1}),
            "scales.jn[2].x: is not a known key",
        ),
    ],
)
def test_each_fault_in_a_survey_file_is_named_at_its_path(change, problem: str) -> None:
    raw = _minimal()
    change(raw)
    assert problem in validate_definition(raw).problems


def test_a_survey_may_declare_any_language() -> None:
    raw = _minimal()
    raw["languages"] = ["de", "fr", "tr"]
    raw["title"] = {"de": "Sicherheit", "tr": "Güvenlik"}
    for page in raw["pages"]:
        page["title"] = {"de": "Seite"}
        for question in page["questions"]:
            question["text"] = {"de": "Frage?"}
    for option in raw["scales"]["jn"]:
        option["label"] = {"de": option["label"]["nl"]}
    raw["phenomena"][0]["label"] = {"de": "Drogen"}
    assert validate_definition(raw).problems == []
    raw["languages"] = ["de", "xx", "DE", 7]
    assert [p for p in validate_definition(raw).problems if p.startswith("languages")] == [
        f"languages[{i}]: {bad!r} is not a language code: use a lower-case ISO 639 code "
        "such as nl, fr, de or tr"
        for i, bad in ((1, "xx"), (2, "DE"), (3, 7))
    ]


@pytest.mark.parametrize(
    ("settings", "problems"),
    [
        ({"measure": "unsafety", "unsafety_codes": [1]}, []),
        ({"measure": "unsafety"}, ["unsafety_codes: is required for measure: unsafety"]),
        ({"unsafety_codes": [1]}, ["unsafety_codes: only applies to measure: unsafety"]),
        (
            {"measure": "concern", "concern_codes": [1], "unsafety_codes": [1]},
            ["unsafety_codes: only applies to measure: unsafety"],
        ),
        (
            {"measure": "unsafety", "unsafety_codes": [1, 7]},
            ["unsafety_codes[1]: 7 is not one of the codes"],
        ),
        ({"measure": "unsafety", "unsafety_codes": []}, ["unsafety_codes: must not be empty"]),
    ],
)
def test_the_feeling_of_unsafety_names_the_codes_it_counts(
    settings: dict[str, object], problems: list[str]
) -> None:
    raw = _minimal()
    raw["pages"][0]["questions"][0].update(settings)
    found = validate_definition(raw).problems
    assert found == [f"pages[0].questions[0].{p}" for p in problems]


def test_the_feeling_of_unsafety_is_one_answer_not_a_matrix() -> None:
    raw = _minimal()
    raw["pages"][0]["questions"].append(
        {
            "key": "q3",
            "type": "matrix",
            "text": {"nl": "Onveilig?"},
            "scale": "jn",
            "rows": [{"key": "straat", "label": {"nl": "Op straat"}}],
            "measure": "unsafety",
        }
    )
    assert validate_definition(raw).problems == [
        "pages[0].questions[2].measure: 'unsafety' is not possible here "
        "(allowed: concern, importance, partner_priority, victimisation)"
    ]


def test_codes_of_a_question_without_readable_options_are_not_blamed_twice() -> None:
    """An unknown scale is one problem, not also one per counted code."""
    raw = _minimal()
    raw["pages"][0]["questions"][0].update(
        scale="bestaat_niet", measure="unsafety", unsafety_codes=[1, 2]
    )
    problems = validate_definition(raw).problems
    assert "pages[0].questions[0].scale: 'bestaat_niet' is not defined under scales" in problems
    assert not [p for p in problems if "unsafety_codes" in p]
