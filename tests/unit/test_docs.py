"""The documentation in docs/ stays true to the code.

A planner who copies an example from docs/survey-file.md gets a file the
validator accepts (or, for an example of a mistake, exactly the problems the
page shows); every key the validator accepts, every command and option of the
command line and every ``SURVEY_*`` setting is documented; and no link in the
README or in docs/ leads nowhere.

Examples are marked with an HTML comment on the line before their code block:
``<!-- example: KIND -->``. Kinds in docs/survey-file.md:

- ``survey``: a complete survey file; the first one is the *host* of the others;
- ``questions``: a list of questions, checked as the only page of the host;
- ``part``: top-level keys that replace the host's;
- ``invalid questions`` / ``invalid part`` / ``invalid file``: the same, or a
  whole file as text, followed by a ``text`` block with the exact problems.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from docs_support import (
    COMMAND_LINE,
    CONFIGURATION,
    DOCS,
    HEADING_RE,
    ROOT,
    SURVEY_FILE,
    Block,
    blocks,
    prose_lines,
    section,
    sections,
    shown_after,
    table_keys,
)
from flask import Flask

import survey.config
from survey.definitions.loader import load_definition
from survey.definitions.validation import TOP_KEYS, Checker, validate_definition, validate_file
from survey.questions import REGISTRY

# Written on other branches (the report engine): a link to them may lead
# nowhere until those branches are merged. Remove an entry once its file is
# in main.
PENDING_DOCS = frozenset({"docs/report-json.md", "docs/report.schema.json"})
LINK_RE = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped,
    spaces as hyphens."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found: set[str] = set()
    for line in prose_lines(path):
        heading = HEADING_RE.match(line)
        if heading:
            slug = github_slug(heading.group(2))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
    return found


# --- the survey file reference ------------------------------------------------


def survey_examples() -> list[Block]:
    return [b for b in blocks(SURVEY_FILE) if b.marker is not None]


def host() -> dict[str, Any]:
    first = next(b for b in survey_examples() if b.marker == "survey")
    loaded: dict[str, Any] = load_definition(first.text)
    return loaded


def as_survey(block: Block) -> dict[str, Any] | str:
    """The survey an example stands for: the file text for ``survey`` and
    ``invalid file``, else the host with the fragment in it."""
    kind = block.marker.removeprefix("invalid ") if block.marker else ""
    if kind in ("survey", "file"):
        return block.text
    raw = copy.deepcopy(host())
    # Read as the app reads a survey file (a day stays text, for one).
    fragment = load_definition(block.text)
    if kind == "questions":
        questions = fragment if isinstance(fragment, list) else [fragment]
        raw["pages"] = [{"key": "voorbeeld", "title": {"nl": "Voorbeeld"}, "questions": questions}]
    else:
        assert kind == "part", f"line {block.line}: unknown example kind {block.marker!r}"
        raw.update(fragment)
    return raw


def problems_of(block: Block) -> list[str]:
    survey_or_text = as_survey(block)
    if isinstance(survey_or_text, str):
        return validate_file(survey_or_text).problems
    return validate_definition(survey_or_text).problems


def expected_problems(block: Block) -> list[str]:
    return shown_after(SURVEY_FILE, block).splitlines()


VALID = [b for b in survey_examples() if not b.marker or not b.marker.startswith("invalid")]
INVALID = [b for b in survey_examples() if b.marker and b.marker.startswith("invalid")]


def test_every_yaml_example_in_the_survey_file_reference_is_checked() -> None:
    unmarked = [b.line for b in blocks(SURVEY_FILE) if b.language == "yaml" and not b.marker]
    assert unmarked == [], f"yaml blocks without an <!-- example: ... --> marker at {unmarked}"
    kinds = {b.marker for b in survey_examples()}
    assert kinds <= {
        "survey",
        "questions",
        "part",
        "invalid questions",
        "invalid part",
        "invalid file",
    }
    assert "survey" in kinds and INVALID


@pytest.mark.parametrize("block", VALID, ids=lambda b: f"line{b.line}-{b.marker}")
def test_a_planner_who_copies_an_example_gets_a_valid_survey(block: Block) -> None:
    assert problems_of(block) == []


@pytest.mark.parametrize("block", INVALID, ids=lambda b: f"line{b.line}")
def test_an_example_of_a_mistake_gets_exactly_the_problems_the_page_shows(block: Block) -> None:
    assert problems_of(block) == expected_problems(block)


def test_every_top_level_key_is_in_the_table_of_top_level_keys() -> None:
    assert table_keys(section(SURVEY_FILE, "Top-level keys")) == set(TOP_KEYS)


def test_every_question_type_has_its_section_with_exactly_its_own_keys() -> None:
    common = table_keys(section(SURVEY_FILE, "Common keys"))
    assert common == set.intersection(*(set(t.allowed_keys()) for t in REGISTRY.values()))
    assert table_keys(section(SURVEY_FILE, "Questions")) == set(REGISTRY)
    for name, qtype in REGISTRY.items():
        documented = table_keys(section(SURVEY_FILE, f"`{name}`"))
        assert documented == set(qtype.allowed_keys()) - common, name


# Where the validator checks the keys of a mapping (by its path), and the
# section of docs/survey-file.md that documents them. Questions and the top
# level are compared with the registry and TOP_KEYS above.
NESTED_SECTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^$|\.questions\[\d+\]$"), ""),
    (re.compile(r"^phenomena\[\d+\]$"), "Phenomena"),
    (re.compile(r"(^scales\.\w+|\.options)\[\d+\]$"), "Options and scales"),
    (re.compile(r"^pages\[\d+\]$"), "Pages"),
    (re.compile(r"\.rows\[\d+\]$"), "Rows of a matrix"),
    (re.compile(r"\.bands$"), "Dimensions:"),
    (re.compile(r"\.show_if(\.(all|any)\[\d+\]|\.not)*$"), "Conditions:"),
]


def _section_for(path: str) -> str:
    for pattern, title in NESTED_SECTIONS:
        if pattern.search(path):
            return title
    raise AssertionError(f"the validator checks keys at {path!r}: map it to a section")


def test_the_keys_of_options_rows_pages_bands_and_conditions_are_documented(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Record which keys the validator accepts where, while it checks every
    # valid example of the page (together they use every structure).
    accepted: dict[str, set[str]] = {}
    check_keys = Checker.unknown_keys

    def recording(self: Checker, value: dict[str, Any], allowed: frozenset[str], path: str) -> None:
        accepted.setdefault(_section_for(path), set()).update(allowed)
        check_keys(self, value, allowed, path)

    monkeypatch.setattr(Checker, "unknown_keys", recording)
    for block in VALID:
        problems_of(block)
    accepted.pop("", None)
    assert set(accepted) == {title for _p, title in NESTED_SECTIONS if title}
    for title, keys in accepted.items():
        lines = section(SURVEY_FILE, title)
        if title == "Conditions:":
            # The forms table shows keys inside examples: `{question: K, in: [...]}`.
            spans = " ".join(re.findall(r"`([^`]*)`", "\n".join(lines)))
            documented = set(re.findall(r"(\w+):", spans))
        else:
            documented = table_keys(lines)
        assert documented == keys, title


# --- the command line -------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_app() -> Flask:
    from survey import create_app

    return create_app({"SURVEY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    """Every command and group under ``group`` with its full name."""
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path + " ")


def documentation_of(path: str, lines: list[str]) -> str | None:
    """The text that documents a command: its own section (a heading whose
    backticked name starts with the command), or its row in a table."""
    # The name, then only arguments or options (`db upgrade [REVISION]`), so
    # that `db` does not stand for `db upgrade`.
    name = re.compile(r"`" + re.escape(path) + r"(?: [^a-z`][^`]*)?`")
    heading_title = next(
        (h.group(2) for line in lines if (h := HEADING_RE.match(line)) and name.search(h.group(2))),
        None,
    )
    if heading_title is not None:
        return "\n".join([heading_title, *sections(COMMAND_LINE)[heading_title]])
    return next(
        (line for line in lines if line.startswith("|") and name.match(line[1:].strip())), None
    )


def named_in(text: str, param: click.Parameter) -> bool:
    if isinstance(param, click.Argument):
        return re.search(rf"\b{re.escape(param.human_readable_name)}\b", text) is not None
    longest = max(param.opts + param.secondary_opts, key=len)
    return re.search(rf"(?<![\w-]){re.escape(longest)}(?![\w-])", text) is not None


def test_every_command_and_option_of_the_app_is_documented(cli_app: Flask) -> None:
    lines = prose_lines(COMMAND_LINE)
    missing: list[str] = []
    for path, command in commands(cli_app.cli):
        params = [p for p in command.params if p.name != "help"]
        if isinstance(command, click.Group) and not params:
            continue
        text = documentation_of(path, lines)
        if text is None:
            missing.append(path)
            continue
        missing.extend(f"{path} {p.human_readable_name}" for p in params if not named_in(text, p))
    assert missing == []


def test_every_documented_command_exists(cli_app: Flask) -> None:
    known = {path for path, _command in commands(cli_app.cli)}
    documented = []
    for line in prose_lines(COMMAND_LINE):
        heading = HEADING_RE.match(line)
        if heading and heading.group(1) == "###":
            documented.append(re.findall(r"`([^`]*)`", heading.group(2))[0])
        elif line.startswith("| `db "):
            documented.append(re.findall(r"`([^`]*)`", line)[0])
    names = [" ".join(w for w in d.split() if re.fullmatch(r"[a-z-]+", w)) for d in documented]
    assert names and [n for n in names if n not in known] == []


# --- configuration ------------------------------------------------------------------


def test_every_survey_setting_the_app_reads_is_documented_and_no_other() -> None:
    read = set(re.findall(r"SURVEY_[A-Z_]*[A-Z]", inspect.getsource(survey.config)))
    assert table_keys(section(CONFIGURATION, "Settings")) == read


# --- links ----------------------------------------------------------------------------


def links(path: Path) -> Iterator[str]:
    for line in prose_lines(path):
        for target in LINK_RE.findall(line):
            if not re.match(r"[a-z]+:", target):
                yield target


def broken_links(path: Path, exists: Callable[[Path], bool] = Path.exists) -> list[str]:
    broken = []
    for target in links(path):
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        relative = resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else ""
        if not exists(resolved):
            if relative not in PENDING_DOCS:
                broken.append(target)
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(target)
    return broken


def test_the_readme_links_only_to_files_and_headings_that_exist() -> None:
    assert list(links(ROOT / "README.md")), "the README links to the docs"
    assert broken_links(ROOT / "README.md") == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "shared/" not in readme, "the README points at docs/, not at ../shared"


@pytest.mark.parametrize("name", sorted(p.name for p in DOCS.glob("*.md")))
def test_links_between_the_docs_lead_somewhere(name: str) -> None:
    assert broken_links(DOCS / name) == []


def test_a_link_to_a_missing_file_or_heading_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[a](#title) [b](#nothing) [c](other.md)\n", encoding="utf-8")
    assert broken_links(page) == ["#nothing", "other.md"]
