"""The mutation runner's test selection (scripts/mutation.py): a mutant runs only the
tests that execute its statement, so the statement must be found whole."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mutation.py"


def runner():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("mutation_runner", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SOURCE = """\
import math

LIMIT = 3


@property
@staticmethod
def share(
    count,
    base=1,
):
    if (
        base > 0
        and count >= 0
    ):
        return round(
            count / base,
            2,
        )
    try:
        math.sqrt(count)
    except (ValueError,
            TypeError):
        return None
    return 0.0
"""


def test_a_mutant_on_any_line_of_a_statement_selects_the_tests_of_the_whole_statement() -> None:
    lines = runner().statement_lines(SOURCE)
    # A def with its decorators and its signature over several lines: one header.
    assert all(lines[n] == range(6, 12) for n in range(6, 12))
    # A condition over several lines is the if's header, not its body.
    assert all(lines[n] == range(12, 16) for n in range(12, 16))
    # A call over several lines is one statement.
    assert all(lines[n] == range(16, 20) for n in range(16, 20))
    # An except clause over two lines.
    assert lines[22] == lines[23] == range(22, 24)
    assert lines[3] == range(3, 4) and lines[24] == range(24, 25)


LOOPS = """\
def first(rows):
    for row in rows:
        if not row:
            continue
        if row[0]:
            continue
    return rows


class Table:
    @staticmethod
    def second(rows):
        for row in rows:
            if row:
                continue
            continue
"""

CONTINUE_TO_BREAK = {"line": "continue", "mutant": "break"}


def survivor_at(line_number: int):  # type: ignore[no-untyped-def]
    module = runner()
    where = module.place(LOOPS, line_number)
    return module.Survivor(
        line_number,
        "continue",
        "break",
        function=where.function,
        occurrence_in_function=where.occurrence_in_function,
        occurrence_in_module=where.occurrence_in_module,
    )


def test_a_line_is_placed_by_its_function_and_the_occurrence_of_its_text() -> None:
    module = runner()
    place, at = module.place, module.Place
    assert place(LOOPS, 4) == at("first", 1, 1)
    assert place(LOOPS, 6) == at("first", 2, 2)
    # A method is named with its class; the decorator belongs to it.
    assert place(LOOPS, 11) == at("Table.second", 1, 1)
    assert place(LOOPS, 15) == at("Table.second", 1, 3)
    assert place(LOOPS, 16) == at("Table.second", 2, 4)
    assert place(LOOPS, 9).function == ""


def test_an_equivalent_continue_is_accepted_at_its_own_place_only() -> None:
    matches = runner().matches
    places = [4, 6, 15, 16]
    in_function = {**CONTINUE_TO_BREAK, "function": "first", "occurrence": 2}
    assert [matches(in_function, survivor_at(n)) for n in places] == [False, True, False, False]
    # Without a function the occurrence counts in the whole module.
    in_module = {**CONTINUE_TO_BREAK, "occurrence": 3}
    assert [matches(in_module, survivor_at(n)) for n in places] == [False, False, True, False]
    whole_function = {**CONTINUE_TO_BREAK, "function": "Table.second"}
    assert [matches(whole_function, survivor_at(n)) for n in places] == [False, False, True, True]


def test_an_entry_with_only_the_line_text_still_matches_every_place() -> None:
    matches = runner().matches
    assert all(matches(CONTINUE_TO_BREAK, survivor_at(n)) for n in (4, 6, 15, 16))
    assert not matches({"line": "continue", "mutant": "pass"}, survivor_at(4))


def test_moving_the_line_does_not_move_the_entry() -> None:
    module = runner()
    moved = "import math\n\n\n" + LOOPS
    entry = {**CONTINUE_TO_BREAK, "function": "first", "occurrence": 2}
    where = module.place(moved, 9)
    survivor = module.Survivor(
        9,
        "continue",
        "break",
        False,
        where.function,
        where.occurrence_in_function,
        where.occurrence_in_module,
    )
    assert module.matches(entry, survivor)


def test_a_misspelt_key_in_the_equivalents_file_stops_the_run(tmp_path: Path) -> None:
    module = runner()
    path = tmp_path / "equivalents.toml"
    path.write_text(
        '[[equivalent]]\nmodule = "m"\nline = "continue"\nmutant = "break"\n'
        'occurence = 2\nreason = "typo"\n'
    )
    try:
        module.load_equivalents(path)
    except ValueError as error:
        assert "occurence" in str(error)
    else:
        raise AssertionError("a misspelt key was accepted")


def test_the_committed_equivalents_file_is_valid() -> None:
    by_module = runner().load_equivalents()
    assert "suppression" in by_module
    assert all(e["reason"].strip() for entries in by_module.values() for e in entries)


def test_a_run_with_own_tests_leaves_the_wider_stage_out_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = runner()
    relations = next(m for m in module.MODULES if m.name == "relations")
    assert [files for _option, files in module.stages(relations)] == [
        relations.tests,
        relations.wider,
    ]
    monkeypatch.setenv(module.OWN_TESTS, "1")
    assert [files for _option, files in module.stages(relations)] == [relations.tests]
    _row, text = module.section(relations, {"ok_killed": 3}, [], [], 1.0)
    assert "was not run (`--own-tests`)" in text
    assert "test_disclosure_audit.py`) was not run" in text


def _children(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (Linux /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{parent}\n" in text:
            found.append(int(status.parent.name))
    return found


def test_stopping_the_fork_server_stops_a_mutant_stuck_in_an_endless_loop(
    tmp_path: Path,
) -> None:
    """The run ends (its minutes are up) while a mutant loops for ever: the loop must
    end with the server, not spin on at full CPU with no parent."""
    mutation = runner()
    scratch = tmp_path / "scratch"
    (scratch / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, scratch / "scripts" / "mutation.py")
    (scratch / mutation.PRELOAD).write_text("[]")
    (scratch / "test_loop.py").write_text("def test_loop():\n    while True:\n        pass\n")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    request = {"arguments": ["-q", "-p", "no:cacheprovider", "test_loop.py"], "only": None}
    # The client stays connected until after the server is stopped, as the run's
    # client is when its time is up (a client that hangs up has its child killed).
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client, contextlib.chdir(scratch):
        with mutation.fork_server(scratch, env):
            server = [p for p in _children(os.getpid()) if "--serve" in _cmdline(p)]
            assert len(server) == 1
            client.connect(str(scratch / mutation.SERVER))
            client.sendall(json.dumps(request).encode() + b"\n")
            deadline = time.monotonic() + 60
            while not (looping := _children(server[0])):
                assert time.monotonic() < deadline, "the server never started the stage"
                time.sleep(0.05)
        # The server is stopped: its stuck child with it.
        deadline = time.monotonic() + 10
        while _alive(looping[0]):
            assert time.monotonic() < deadline, "the endless loop outlived the fork server"
            time.sleep(0.05)


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for its (gone) parent."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
