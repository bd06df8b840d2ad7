"""The mutation runner's test selection (scripts/mutation.py): a mutant runs only the
tests that execute its statement, so the statement must be found whole."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

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
