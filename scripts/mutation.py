"""Mutation testing of the statistics and privacy core (``make mutation``).

    python scripts/mutation.py                    # every module below, one after another
    python scripts/mutation.py ranking suppression  # only these, in this order (the others
                                                  # keep their last committed results)
    python scripts/mutation.py --list             # the modules, their files and tests
    python scripts/mutation.py --minutes 20 weighting  # stop after 20 minutes: partial results

Each module is mutated by mutmut 2 (pinned in the dev dependencies) in a scratch copy of
the project (``$TMPDIR/zvp-survey-mutation``), never in the work tree: mutmut edits the
file in place, and a copy keeps the work tree usable while it runs. ``PYTHONPATH`` points
the tests at the copy (the editable install's finder comes after the path).

Every mutant runs the module's own fast tests first, then the report tests that reach
it (``pytest -x``: a mutant killed by the unit tests never pays for the others). mutmut 2
counts only exit code 1 as killed; the runner maps every failing exit code (2: a mutant
that breaks the import) to 1.

Only the tests that execute the mutated line run: before mutating, the module's tests run
once under coverage with one dynamic context per test phase, and a ``mutmut_config.py``
in the scratch copy (mutmut 2's ``pre_mutation`` hook) narrows each mutant's test command
to the tests that reach its statement. A statement run at import time or by a fixture
(setup, teardown) runs every test; a statement no test reaches survives without running
anything (no test can notice a change to code it never runs). ``--verify N`` checks the
selection afterwards: N mutants drawn at random, each run against the selected tests and
against all of them, must get the same verdict.

The score counts killed mutants, timeouts (an endless loop is detected) and documented
equivalent mutants (``bench/mutation-equivalents.toml``: mutants with no runtime effect,
each with its reason) as detected, nothing else. Results go to
``bench/results/mutation.md``; the per-module sections of modules not run this time are
kept as they were.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"
RESULTS = ROOT / "bench" / "results" / "mutation.md"
EQUIVALENTS = ROOT / "bench" / "mutation-equivalents.toml"
TARGET = 90.0


@dataclass(frozen=True)
class Module:
    """One mutated module: its own fast tests (run without the app's conftest), then the
    wider tests that reach it through the report (with the conftest: app and database)."""

    name: str
    path: str
    tests: tuple[str, ...]
    wider: tuple[str, ...] = ()


MODULES = (
    Module(
        "suppression",
        "survey/analysis/suppression.py",
        ("tests/unit/test_suppression.py", "tests/unit/test_audit.py"),
    ),
    Module(
        "audit",
        "survey/analysis/audit.py",
        ("tests/unit/test_audit.py",),
    ),
    Module(
        "relations",
        "survey/analysis/relations.py",
        # test_relations: small reports' tables built in the test, every relation
        # evaluated on the answers and each hidden count's range solved with SciPy.
        ("tests/unit/test_relations.py",),
        # test_disclosure_audit: whole reports attacked from their JSON (slow: about
        # 90 s a mutant, run only for the mutants the unit tests miss).
        ("tests/integration/test_disclosure_audit.py",),
    ),
    Module(
        "disclosure",
        "survey/analysis/disclosure.py",
        # test_disclosure: whole reports built in the test, attacked apart from the audit
        # (not test_disclosure_properties: random reports, too slow for every mutant).
        ("tests/unit/test_report_tables.py", "tests/unit/test_disclosure.py"),
        ("tests/unit/test_report_model.py", "tests/unit/test_question_contract.py"),
    ),
    Module(
        "tables",
        "survey/analysis/tables.py",
        # test_ranking: the label rule (LABEL_RULE) lives here.
        ("tests/unit/test_report_tables.py", "tests/unit/test_ranking.py"),
        # test_report_model: the themes, the priority matrix and its method as published.
        ("tests/unit/test_question_contract.py", "tests/unit/test_report_model.py"),
    ),
    Module(
        "intervals",
        "survey/analysis/intervals.py",
        ("tests/unit/test_intervals.py",),
        ("tests/unit/test_report_tables.py",),
    ),
    Module(
        "weighting",
        "survey/analysis/weighting.py",
        ("tests/unit/test_weighting.py",),
    ),
    Module(
        "collapsing",
        "survey/analysis/collapsing.py",
        ("tests/unit/test_collapsing.py",),
    ),
    Module(
        "estimates",
        "survey/analysis/estimates.py",
        (),
        ("tests/unit/test_report_tables.py", "tests/unit/test_report_model.py"),
    ),
    Module(
        "ranking",
        "survey/analysis/ranking.py",
        ("tests/unit/test_ranking.py",),
        ("tests/unit/test_report_model.py",),
    ),
    Module(
        "priority",
        "survey/analysis/priority.py",
        # test_priority_tallies: the tallies from a survey's counts built in the test.
        ("tests/unit/test_priority_tallies.py", "tests/unit/test_partner_sectors.py"),
        # test_priority_sources: the code that reads the database (collect_counts,
        # _survey_counts, asked_indicators, build_priorities), on two small surveys
        # stored in the test, the matrix built without the rest of the report. Not
        # test_weighted_report: its fixture builds a whole report, so every line the
        # report runs would select every test, at half a minute a mutant.
        ("tests/unit/test_report_model.py", "tests/integration/test_priority_sources.py"),
    ),
    Module(
        "redaction",
        "survey/privacy/redaction.py",
        ("tests/unit/test_redaction.py", "tests/unit/test_tagging.py"),
    ),
    Module(
        "spreadsheets",
        "survey/privacy/spreadsheets.py",
        ("tests/unit/test_spreadsheets.py",),
    ),
)


def scratch_dir() -> Path:
    """The scratch copy, outside the work tree."""
    return Path(tempfile.gettempdir()) / f"zvp-survey-mutation-{os.getuid()}"


def copy_project(scratch: Path) -> None:
    """Copy what the tests read (code, tests, catalogs, docs, report templates,
    configuration) afresh."""
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("survey", "tests", "translations", "docs", "scripts", "migrations", "reports"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, scratch / name, ignore=ignore)
    for name in ("pyproject.toml", "babel.cfg", "README.md"):
        shutil.copy2(ROOT / name, scratch / name)


SELECTION = ".mutation-selection.json"
ALL = "all"

# mutmut 2 imports mutmut_config from its working directory (the scratch copy) in every
# worker; pre_mutation may change the test command of one mutant (reset after it).
MUTMUT_CONFIG = """\
import json
from pathlib import Path

_SELECTION = json.loads(Path(__file__).with_name({selection!r}).read_text())


def pre_mutation(context):
    choice = _SELECTION.get(str(context.current_line_index + 1), {all!r})
    if choice == []:
        # No test executes this statement: nothing can notice the change.
        context.config.test_command = "true"
    elif choice != {all!r}:
        line = context.current_line_index + 1
        context.config.test_command = f"{{context.config._default_test_command}} --line {{line}}"
"""


OWN_TESTS = "MUTATION_OWN_TESTS"
"""Set (``--own-tests``) for a run without the wider stage: the environment carries it to
mutmut, the fork server and every test run of the mutants."""


def stages(module: Module) -> list[tuple[str, tuple[str, ...]]]:
    """The pytest stages of a module: its own tests without the app's conftest, then the
    wider tests with it (not in a run with ``--own-tests``); each as (extra pytest
    option, test files)."""
    result = [("--noconftest", module.tests)] if module.tests else []
    if module.wider and not os.environ.get(OWN_TESTS):
        result.append(("", module.wider))
    return result


def run_tests(
    module_name: str, line: int | None = None, timeout: float | None = None, server: bool = True
) -> int:
    """The mutmut runner: 0 when the module's tests pass, 1 on any failure (mutmut 2 counts
    only exit code 1 as killed; pytest exits 2 on an import error). With ``line``, only the
    tests the selection file lists for that line run (all of them if it lists none: the
    hook never asks for a line without tests). A run longer than ``timeout`` counts as a
    failure (an endless loop is detected). Without ``server``, every stage runs in a new
    process even when a fork server runs (as before the server existed)."""
    module = next(m for m in MODULES if m.name == module_name)
    only: list[str] | None = None
    if line is not None:
        choice = json.loads(Path(SELECTION).read_text()).get(str(line), ALL)
        only = None if choice == ALL or not choice else choice
    for option, files in stages(module):
        if only is not None:
            files = tuple(f for f in files if any(t.split("::")[0] == f for t in only))
            if not files:
                continue
        arguments = ["-x", "-q", "-p", "no:cacheprovider", *filter(None, [option]), *files]
        if stage_fails(arguments, only, timeout, server):
            return 1
    return 0


def stage_fails(
    arguments: list[str], only: list[str] | None, timeout: float | None, server: bool
) -> bool:
    """Whether one pytest stage fails (or outlasts ``timeout``): through the fork server
    when one runs in this directory (and ``server``), else in a new process."""
    if server and Path(SERVER).exists():
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            try:
                client.connect(SERVER)
            except OSError:
                # No server after all (it was stopped): a new process, never a false kill.
                return stage_fails(arguments, only, timeout, server=False)
            client.settimeout(timeout)
            client.sendall(json.dumps({"arguments": arguments, "only": only}).encode() + b"\n")
            try:
                return client.makefile().readline().strip() != "0"
            except TimeoutError:
                return True
    command = [sys.executable, str(Path(__file__).resolve()), "--pytest"]
    if only is not None:
        command += ["--only", json.dumps(only)]
    try:
        return subprocess.call([*command, "--", *arguments], timeout=timeout) != 0
    except subprocess.TimeoutExpired:
        return True


SERVER = ".mutation-server.sock"
PRELOAD = ".mutation-preload.json"
SERVER_LOG = ".mutation-server.log"


def serve() -> int:
    """The fork server (internal): import once the third-party modules the tests use (the
    recording run listed them; never the project's own, which a mutant changes), then
    for every request fork a child that runs one pytest stage and answer its exit code.
    A mutant then pays for pytest's start and SciPy's import once per module, not once
    per run. A client that hangs up (mutmut's timeout) has its child killed."""
    import importlib

    for name in json.loads(Path(PRELOAD).read_text()):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 (an optional module: the child imports what it needs)
            continue
    Path(SERVER).unlink(missing_ok=True)
    running: list[int] = []

    def stop(_signal: int, _frame: object) -> None:
        # A mutant's endless loop would outlive the server (and the run) and spin on.
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(SERVER)
        server.listen(4)
        while True:
            connection, _ = server.accept()
            with connection:
                request = json.loads(connection.makefile().readline())
                child = os.fork()
                if child == 0:
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    server.close()
                    connection.close()
                    code = 3
                    try:
                        # The output of the last run, for a run that fails unexpectedly.
                        log = os.open(SERVER_LOG, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                        os.dup2(log, 1)
                        os.dup2(log, 2)
                        random.seed()
                        code = run_pytest(request["arguments"], None, request["only"], "")
                    except BaseException:
                        traceback.print_exc()
                    finally:
                        sys.stdout.flush()
                        sys.stderr.flush()
                        os._exit(code)
                running.append(child)
                code = wait_for(child, connection)
                running.remove(child)
                with contextlib.suppress(OSError):
                    connection.sendall(f"{code}\n".encode())


def wait_for(child: int, connection: socket.socket) -> int:
    """The exit code of a forked child; the child is killed (and 1 returned) when the
    client hangs up first."""
    while True:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        readable, _, _ = select.select([connection], [], [], 0.05)
        if readable and not connection.recv(1):
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            return 1


@contextlib.contextmanager
def fork_server(scratch: Path, env: dict[str, str]) -> Iterator[None]:
    """A fork server in the scratch copy while the block runs."""
    # A socket left by a server that was killed would pass for this one's.
    (scratch / SERVER).unlink(missing_ok=True)
    process = subprocess.Popen(
        [str(PYTHON), str(scratch / "scripts" / "mutation.py"), "--serve"],
        cwd=scratch,
        env=env,
    )
    try:
        deadline = time.monotonic() + 300
        while not (scratch / SERVER).exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the fork server did not start")
            time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait()
        (scratch / SERVER).unlink(missing_ok=True)


class _Contexts:
    """A pytest plugin that labels what each test phase executes (coverage's dynamic
    contexts): ``<node id>|setup``, ``|call``, ``|teardown``; collection and imports keep
    the empty context."""

    def __init__(self, coverage: Any) -> None:
        self.coverage = coverage

    def pytest_runtest_setup(self, item: Any) -> None:
        self.coverage.switch_context(f"{item.nodeid}|setup")

    def pytest_runtest_call(self, item: Any) -> None:
        self.coverage.switch_context(f"{item.nodeid}|call")

    def pytest_runtest_teardown(self, item: Any) -> None:
        self.coverage.switch_context(f"{item.nodeid}|teardown")


class _Only:
    """A pytest plugin that keeps only the listed tests; if one of them is not collected
    (a test renamed since the recording), it keeps every test instead, so the selection
    never drops a test by mistake."""

    def __init__(self, node_ids: set[str]) -> None:
        self.node_ids = node_ids

    def pytest_collection_modifyitems(self, config: Any, items: list[Any]) -> None:
        collected = {item.nodeid for item in items}
        files = {item.nodeid.split("::")[0] for item in items}
        wanted = {n for n in self.node_ids if n.split("::")[0] in files}
        if not wanted <= collected:
            print(f"mutation: {len(wanted - collected)} selected tests not found; running all")
            return
        config.hook.pytest_deselected(items=[i for i in items if i.nodeid not in wanted])
        items[:] = [i for i in items if i.nodeid in wanted]


def run_pytest(arguments: list[str], record: str | None, only: list[str] | None, path: str) -> int:
    """Run pytest in this process, recording coverage contexts of ``path`` into ``record``
    (and the third-party modules the tests import into the preload list), or keeping
    only the tests in ``only`` (node ids)."""
    import hypothesis
    import pytest

    # A verdict must not depend on the machine's load (Hypothesis's 200 ms deadline) or
    # on the run (random examples): the same examples every time, however long they take.
    hypothesis.settings.register_profile("mutation", deadline=None, derandomize=True)
    hypothesis.settings.load_profile("mutation")
    plugins: list[object] = []
    coverage = None
    scratch = Path(record or ".").resolve().parent
    if record is not None:
        import coverage as coverage_module

        coverage = coverage_module.Coverage(data_file=record, include=[path], branch=False)
        coverage.start()
        plugins.append(_Contexts(coverage))
    if only is not None:
        plugins.append(_Only(set(only)))
    # pytest rewrites the asserts of its plugins' packages (Hypothesis) on import and
    # warns (an error here) when they came first; their asserts are internal checks.
    ignore = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    try:
        return int(pytest.main([*ignore, *arguments], plugins=plugins))
    finally:
        if coverage is not None:
            coverage.stop()
            coverage.save()
            write_preload(scratch)


def write_preload(scratch: Path) -> None:
    """Add the third-party modules loaded now to the fork server's preload list: every
    module not from the scratch copy (the project, its tests) and not coverage's."""
    path = scratch / PRELOAD
    names = set(json.loads(path.read_text())) if path.exists() else set()
    for name, loaded in list(sys.modules.items()):
        where = getattr(loaded, "__file__", None)
        if where is None or where.startswith(str(scratch)):
            continue
        if name.split(".")[0] not in {"survey", "tests", "mutmut_config", "coverage"}:
            names.add(name)
    path.write_text(json.dumps(sorted(names)))


def statement_lines(source: str) -> dict[int, range]:
    """For every line of a module, the lines of the statement it belongs to (a simple
    statement whole; a compound statement's header with its decorators, not its body).
    A mutant changes its statement, and coverage may record any line of it."""
    spans: list[tuple[int, int]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.stmt | ast.excepthandler):
            continue
        decorators = getattr(node, "decorator_list", [])
        start = min([node.lineno] + [d.lineno for d in decorators])
        end = node.end_lineno or start
        body = getattr(node, "body", None)
        if isinstance(body, list) and body:
            end = max(start, body[0].lineno - 1)
        spans.append((start, end))
    lines: dict[int, range] = {}
    # Widest first, so a nested statement's own span wins on its lines.
    for start, end in sorted(spans, key=lambda s: s[0] - s[1]):
        for number in range(start, end + 1):
            lines[number] = range(start, end + 1)
    return lines


def record_selection(module: Module, scratch: Path, env: dict[str, str]) -> dict[str, object]:
    """Run the module's tests once under coverage and write, per line of the module, the
    tests that execute its statement (``all`` when it runs at import time or in a fixture;
    an empty list when no test reaches it) to the selection file; the selection."""
    import coverage as coverage_module

    path = str(scratch / module.path)
    contexts: dict[int, set[str]] = {}
    for number, (option, files) in enumerate(stages(module)):
        data_file = str(scratch / f".mutation-coverage-{number}")
        command = [sys.executable, str(scratch / "scripts" / "mutation.py"), "--pytest"]
        command += ["--record", data_file, "--path", path]
        command += ["--", "-q", "-p", "no:cacheprovider", *filter(None, [option]), *files]
        subprocess.run(command, cwd=scratch, env=env, check=True)
        data = coverage_module.CoverageData(data_file)
        data.read()
        for line, found in (data.contexts_by_lineno(path) or {}).items():
            contexts.setdefault(line, set()).update(found)
    statements = statement_lines((scratch / module.path).read_text())
    selection: dict[str, object] = {}
    for line in range(1, len((scratch / module.path).read_text().splitlines()) + 1):
        labels: set[str] = set()
        for number in statements.get(line, range(line, line + 1)):
            labels |= contexts.get(number, set())
        if any(not label.endswith("|call") for label in labels):
            selection[str(line)] = ALL
        else:
            selection[str(line)] = sorted({label.rsplit("|", 1)[0] for label in labels})
    (scratch / SELECTION).write_text(json.dumps(selection, indent=0))
    (scratch / "mutmut_config.py").write_text(MUTMUT_CONFIG.format(selection=SELECTION, all=ALL))
    return selection


def scratch_env(scratch: Path) -> dict[str, str]:
    """The environment of the tests in the scratch copy: SQLite, the copy first on the
    path (before the editable install's finder)."""
    env = dict(os.environ)
    env.pop("SURVEY_TEST_DATABASE", None)
    env["PYTHONPATH"] = str(scratch)
    env.setdefault("MPLBACKEND", "Agg")
    # mutmut rewrites the module within the same second: a cached .pyc could hide it.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def mutate(module: Module, scratch: Path, minutes: float | None, resume: bool = False) -> float:
    """Record which tests reach which line, then run mutmut over one module in the
    scratch copy, stopped after ``minutes`` if given (the mutants not reached stay
    untested); the seconds it took, recording included. With ``resume``, go on with the
    run in the scratch copy: the same selection, and mutmut keeps the verdicts it has."""
    env = scratch_env(scratch)
    runner = f"{PYTHON} {scratch / 'scripts' / 'mutation.py'} --run-tests {module.name}"
    started = time.monotonic()
    if resume:
        forget_stale_lines(module, scratch)
    else:
        (scratch / ".mutmut-cache").unlink(missing_ok=True)
        shutil.copy2(scratch / module.path, scratch / ORIGINAL)
        record_selection(module, scratch, env)
    with fork_server(scratch, env):
        run_mutmut(module, scratch, env, runner, minutes)
    restore_module(module, scratch)
    return time.monotonic() - started


def forget_stale_lines(module: Module, scratch: Path) -> None:
    """Drop the lines of mutmut's cache that no longer read as the module does (a
    ``mutmut show`` during a run records the line of the mutant then in place, and the
    run then stops on a line it cannot find); mutmut registers them again."""
    restore_module(module, scratch)
    source = (scratch / module.path).read_text().splitlines()
    db = sqlite3.connect(scratch / ".mutmut-cache")
    with db:
        for line_id, number, text in db.execute("SELECT id, line_number, line FROM Line"):
            if number >= len(source) or source[number] != text:
                db.execute("DELETE FROM Mutant WHERE line = ?", (line_id,))
                db.execute("DELETE FROM Line WHERE id = ?", (line_id,))
    db.close()


def run_mutmut(
    module: Module, scratch: Path, env: dict[str, str], runner: str, minutes: float | None
) -> None:
    """Mutmut over the module, stopped after ``minutes`` if given."""
    process = subprocess.Popen(
        [
            str(MUTMUT),
            "run",
            "--paths-to-mutate",
            module.path,
            "--tests-dir",
            "tests",
            "--runner",
            runner,
            "--simple-output",
            "--no-progress",
        ],
        cwd=scratch,
        env=env,
        start_new_session=True,
    )
    try:
        process.wait(timeout=None if minutes is None else minutes * 60)
    except subprocess.TimeoutExpired:
        pass
    finally:
        # Stopped by --minutes, or the run itself stopped (Ctrl-C, SIGTERM): mutmut too.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()


def check_sample(
    module: Module,
    scratch: Path,
    env: dict[str, str],
    rows: list[tuple[int, int]],
    count: int,
    timeout: float,
) -> list[str]:
    """The verdicts of ``count`` mutants of ``rows`` (id, line index) drawn at random, with
    all tests in new processes and with the selected ones through the fork server; the
    mutants whose verdicts differ."""
    selection = json.loads((scratch / SELECTION).read_text())
    base = [str(PYTHON), str(scratch / "scripts" / "mutation.py"), "--run-tests", module.name]
    differing = []
    for mutant_id, line_index in random.Random(23).sample(rows, min(count, len(rows))):
        line = line_index + 1
        subprocess.run([str(MUTMUT), "apply", str(mutant_id)], cwd=scratch, env=env, check=True)
        try:
            verdicts = []
            # All tests as the runner ran them before the selection and the fork server
            # existed (a new process per stage), then the selected ones through the server.
            for extra in (["--no-server"], ["--line", str(line)]):
                if extra and selection.get(str(line)) == []:
                    verdicts.append("survived")
                    continue
                code = subprocess.run(
                    [*base, "--timeout", str(timeout), *extra],
                    cwd=scratch,
                    env=env,
                    capture_output=True,
                    check=False,
                ).returncode
                verdicts.append("killed" if code else "survived")
        finally:
            restore_module(module, scratch)
        chosen = selection.get(str(line), ALL)
        tests = chosen if isinstance(chosen, str) else f"{len(chosen)} tests"
        same = "same" if verdicts[0] == verdicts[1] else "DIFFERENT"
        print(
            f"mutant {mutant_id} (line {line}, {tests}): all tests {verdicts[0]}, "
            f"selected tests {verdicts[1]}: {same}",
            flush=True,
        )
        if verdicts[0] != verdicts[1]:
            differing.append(f"mutant {mutant_id} on line {line}")
    return differing


def verify(module: Module, scratch: Path, count: int) -> list[str]:
    """Check the test selection on ``count`` mutants of the last run, drawn at random
    (seeded): each is applied and run against its selected tests and against all of the
    module's tests; the mutants whose verdicts differ (empty when the selection is exact
    on the sample). Prints one line per mutant."""
    env = scratch_env(scratch)
    db = sqlite3.connect(scratch / ".mutmut-cache")
    rows = db.execute(
        "SELECT m.id, l.line_number FROM Mutant m JOIN Line l ON m.line = l.id "
        "WHERE m.status != 'untested'"
    ).fetchall()
    db.close()
    base = [str(PYTHON), str(scratch / "scripts" / "mutation.py"), "--run-tests", module.name]
    with fork_server(scratch, env):
        started = time.monotonic()
        subprocess.run(
            [*base, "--no-server"], cwd=scratch, env=env, check=True, capture_output=True
        )
        # An endless loop gets ten times the unmutated run, as in mutmut; timed on the
        # slower of the two ways of running, so that neither is cut short.
        timeout = 10 * (time.monotonic() - started)
        return check_sample(module, scratch, env, rows, count, timeout)


ORIGINAL = ".mutation-original.py"


def restore_module(module: Module, scratch: Path) -> None:
    """Put the original module back in the scratch copy: a stopped run may leave a
    mutant in place, and ``mutmut show`` diffs against the file as it is. The original
    is the one copied when the run started (the work tree may have changed since)."""
    saved = scratch / ORIGINAL
    shutil.copy2(saved if saved.exists() else ROOT / module.path, scratch / module.path)


@dataclass(frozen=True)
class Survivor:
    """A surviving mutant: its line number, the original and the mutated line, and where
    the line stands (``place``): its enclosing function and the occurrence of its text."""

    line_number: int
    original: str
    mutated: str
    unreached: bool = False
    function: str = ""
    occurrence_in_function: int = 1
    occurrence_in_module: int = 1


@dataclass(frozen=True)
class Place:
    """Where a line stands in its module, independent of its line number: the qualified
    name of the innermost function or class whose span (decorators and header included)
    holds it ("" at module level), and how many lines with the same stripped text
    occur up to and including it in that scope and in the whole module (1 = the first)."""

    function: str
    occurrence_in_function: int
    occurrence_in_module: int


def place(source: str, line_number: int) -> Place:
    """The place of line ``line_number`` (1-based) of ``source``."""
    scopes: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                start = min([child.lineno] + [d.lineno for d in child.decorator_list])
                scopes.append((start, child.end_lineno or child.lineno, name))
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    lines = [line.strip() for line in source.splitlines()]
    text = lines[line_number - 1]
    # The innermost scope is the one that starts last among those holding the line.
    holding = [s for s in scopes if s[0] <= line_number <= s[1]]
    start, _, function = max(holding, default=(1, len(lines), ""))
    in_function = sum(1 for n in range(start, line_number + 1) if lines[n - 1] == text)
    in_module = sum(1 for n in range(1, line_number + 1) if lines[n - 1] == text)
    return Place(function, in_function, in_module)


def matches(entry: dict[str, Any], survivor: Survivor) -> bool:
    """Whether an entry of the equivalents file names this survivor: the same original
    and mutated line and, when the entry says so, the same enclosing ``function`` and
    ``occurrence`` of the line's text (counted in that function when the entry names
    one, else in the module). An entry without either matches every place of its text."""
    if entry["line"] != survivor.original or entry["mutant"] != survivor.mutated:
        return False
    if "function" in entry and entry["function"] != survivor.function:
        return False
    if "occurrence" in entry:
        counted = (
            survivor.occurrence_in_function
            if "function" in entry
            else survivor.occurrence_in_module
        )
        return bool(entry["occurrence"] == counted)
    return True


def mutant_diff(scratch: Path, mutant_id: int) -> tuple[str, str]:
    """The original and mutated lines of one mutant (``mutmut show``), stripped."""
    shown = subprocess.run(
        [str(MUTMUT), "show", str(mutant_id)],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    removed = [line[1:].strip() for line in shown.splitlines() if re.match(r"-[^-]", line)]
    added = [line[1:].strip() for line in shown.splitlines() if re.match(r"\+[^+]", line)]
    return " / ".join(removed), " / ".join(added)


def collect(module: Module, scratch: Path) -> tuple[dict[str, int], list[Survivor]]:
    """Counts per mutmut status and the survivors of ``module``, from mutmut's cache."""
    db = sqlite3.connect(scratch / ".mutmut-cache")
    rows = db.execute(
        "SELECT m.id, m.status, l.line_number FROM Mutant m JOIN Line l ON m.line = l.id"
    ).fetchall()
    db.close()
    selection_file = scratch / SELECTION
    selection = json.loads(selection_file.read_text()) if selection_file.exists() else {}
    saved = scratch / ORIGINAL
    source = (saved if saved.exists() else scratch / module.path).read_text()
    counts: dict[str, int] = {}
    survivors = []
    for mutant_id, status, line_number in rows:
        counts[status] = counts.get(status, 0) + 1
        if status == "bad_survived":
            original, mutated = mutant_diff(scratch, mutant_id)
            unreached = selection.get(str(line_number + 1)) == []
            where = place(source, line_number + 1)
            survivors.append(
                Survivor(
                    line_number + 1,
                    original,
                    mutated,
                    unreached,
                    where.function,
                    where.occurrence_in_function,
                    where.occurrence_in_module,
                )
            )
    return counts, survivors


ENTRY_KEYS = {"module", "line", "mutant", "reason", "function", "occurrence"}


def load_equivalents(path: Path = EQUIVALENTS) -> dict[str, list[dict[str, Any]]]:
    """The documented equivalent mutants per module."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    by_module: dict[str, list[dict[str, Any]]] = {}
    for entry in data.get("equivalent", []):
        unknown = set(entry) - ENTRY_KEYS
        missing = {"module", "line", "mutant", "reason"} - set(entry)
        # A misspelt "occurence" would otherwise widen the entry to every place silently.
        if unknown or missing:
            raise ValueError(
                f"{path.name}: entry {entry.get('line')!r} has unknown keys {sorted(unknown)} "
                f"or lacks {sorted(missing)}"
            )
        by_module.setdefault(entry["module"], []).append(entry)
    return by_module


def section(
    module: Module,
    counts: dict[str, int],
    survivors: list[Survivor],
    equivalents: list[dict[str, Any]],
    seconds: float,
) -> tuple[str, str]:
    """The summary row and the detail section of one module."""
    untested = counts.get("untested", 0)
    total = sum(counts.values()) - untested
    # "Suspicious" in mutmut 2 is a kill that took long (a loaded machine): killed.
    killed = counts.get("ok_killed", 0) + counts.get("ok_suspicious", 0)
    timeout = counts.get("bad_timeout", 0)
    accepted: list[tuple[Survivor, str]] = []
    real: list[Survivor] = []
    for survivor in survivors:
        reason = next((e["reason"] for e in equivalents if matches(e, survivor)), None)
        if reason is None:
            real.append(survivor)
        else:
            accepted.append((survivor, reason))
    if total:
        score = 100.0 * (killed + timeout + len(accepted)) / total
        shown = f"**{score:.1f} %**"
        verdict = "ok" if score >= TARGET else f"below {TARGET:.0f} %"
        if untested:
            verdict = f"partial: {untested} of {total + untested} mutants not reached; " + verdict
    else:
        shown, verdict = "none", "not run: the tests fail without mutations (see the log)"
    row = (
        f"| {module.name} | `{module.path}` | {total} | {killed} | {timeout} | {len(accepted)} "
        f"| {len(real)} | {shown} | {verdict} |"
    )
    tests = module.tests if os.environ.get(OWN_TESTS) else module.tests + module.wider
    lines = [
        f"### {module.name}",
        "",
        f"`{module.path}`, tests: {', '.join(f'`{t}`' for t in tests)}; "
        f"{seconds:.0f} s on {time.strftime('%Y-%m-%d', time.gmtime())}.",
        "",
    ]
    if os.environ.get(OWN_TESTS) and module.wider:
        lines[2] += (
            f" The wider stage ({', '.join(f'`{t}`' for t in module.wider)}) was not run"
            " (`--own-tests`): a score over the module's own tests only."
        )
    if accepted:
        lines += ["Accepted equivalent mutants:", ""]
        for survivor, reason in accepted:
            lines.append(
                f"- line {survivor.line_number}{_in(survivor)}: `{survivor.original}` → "
                f"`{survivor.mutated}`: {reason}"
            )
        lines.append("")
    if real:
        lines += ["Survivors not explained (a test is missing, or the mutant needs a reason):", ""]
        for survivor in real:
            lines.append(
                f"- line {survivor.line_number}{_in(survivor)}: `{survivor.original}` → "
                f"`{survivor.mutated}`"
                + (" (no test runs this line)" if survivor.unreached else "")
            )
        lines.append("")
    if not accepted and not real:
        lines += ["No survivors.", ""]
    return row, "\n".join(lines)


def _in(survivor: Survivor) -> str:
    """`` (in `function`)`` for a survivor inside a function or class, else nothing."""
    return f" (in `{survivor.function}`)" if survivor.function else ""


HEADER = """# Mutation testing of the statistics and privacy core

Written by `make mutation` (scripts/mutation.py; docs/mutation-testing.md says how to read it).
Score = (killed + timeout + documented equivalent) / mutants; the target is 90 % per module.

| module | file | mutants | killed | timeout | equivalent | survived | score | |
|---|---|---|---|---|---|---|---|---|
"""


def write_results(rows: dict[str, str], sections: dict[str, str]) -> None:
    """Merge this run's modules into the results file, keeping the others."""
    old_rows, old_sections = read_results()
    old_rows.update(rows)
    old_sections.update(sections)
    order = [m.name for m in MODULES]
    body = HEADER + "".join(old_rows[n] + "\n" for n in order if n in old_rows)
    body += "\n## Per module\n\n" + "\n".join(old_sections[n] for n in order if n in old_sections)
    RESULTS.write_text(body)


def read_results() -> tuple[dict[str, str], dict[str, str]]:
    """The rows and sections of the committed results file, by module name."""
    if not RESULTS.exists():
        return {}, {}
    text = RESULTS.read_text()
    rows = {}
    for line in text.splitlines():
        match = re.match(r"\| (\w+) \| `", line)
        if match:
            rows[match.group(1)] = line
    sections = {}
    parts = re.split(r"^### ", text.split("## Per module", 1)[-1], flags=re.MULTILINE)
    for part in parts[1:]:
        name = part.split("\n", 1)[0].strip()
        sections[name] = "### " + part.rstrip() + "\n"
    return rows, sections


def main() -> int:
    """Run the chosen modules and write the results."""
    if sys.argv[1:] == ["--serve"]:
        return serve()
    if sys.argv[1:2] == ["--pytest"]:
        # Internal: one pytest stage, recording contexts or keeping only some tests.
        own, _, arguments = _split(sys.argv[2:])
        only = json.loads(own["--only"]) if "--only" in own else None
        return run_pytest(arguments, own.get("--record"), only, own.get("--path", ""))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="module names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the modules and stop")
    parser.add_argument(
        "--minutes", type=float, help="stop each module after this long (partial results)"
    )
    parser.add_argument(
        "--collect",
        action="store_true",
        help="only write the results of the last module run in the scratch copy",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="go on with a stopped run of the module in the scratch copy",
    )
    parser.add_argument(
        "--verify",
        type=int,
        metavar="N",
        help="after each module, run N of its mutants against all its tests too and "
        "report any verdict the test selection changed",
    )
    parser.add_argument(
        "--own-tests",
        action="store_true",
        help="run each mutant against the module's own tests only, not the wider stage "
        "(for a module whose wider tests take minutes a mutant; the results say so)",
    )
    parser.add_argument("--run-tests", metavar="MODULE", help=argparse.SUPPRESS)
    parser.add_argument("--line", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--no-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.own_tests:
        os.environ[OWN_TESTS] = "1"
    # A stopped run (SIGTERM) still stops mutmut and the fork server (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.run_tests:
        return run_tests(args.run_tests, args.line, args.timeout, not args.no_server)
    if args.list:
        for m in MODULES:
            print(f"{m.name:13} {m.path:34} {' '.join(m.tests)} | {' '.join(m.wider)}")
        return 0
    unknown = set(args.modules) - {m.name for m in MODULES}
    if unknown:
        parser.error(f"unknown module(s): {', '.join(sorted(unknown))}")
    by_name = {m.name: m for m in MODULES}
    chosen = [by_name[name] for name in args.modules] if args.modules else list(MODULES)
    equivalents = load_equivalents()
    scratch = scratch_dir()
    rows, sections = {}, {}
    for module in chosen:
        if args.collect:
            restore_module(module, scratch)
            seconds = time.time() - (scratch / ".mutmut-cache").stat().st_ctime
        else:
            if not args.resume:
                copy_project(scratch)
            print(f"==> mutating {module.path}", flush=True)
            seconds = mutate(module, scratch, args.minutes, args.resume)
        counts, survivors = collect(module, scratch)
        rows[module.name], sections[module.name] = section(
            module, counts, survivors, equivalents.get(module.name, []), seconds
        )
        print(rows[module.name], flush=True)
        write_results(rows, sections)
        if args.verify:
            differing = verify(module, scratch, args.verify)
            print(
                f"==> {module.name}: test selection checked on {args.verify} mutants: "
                + (f"verdicts differ for {', '.join(differing)}" if differing else "same verdicts"),
                flush=True,
            )
    return 0


def _split(argv: list[str]) -> tuple[dict[str, str], str, list[str]]:
    """``--option value ... -- pytest arguments``: the options and the pytest arguments."""
    cut = argv.index("--")
    own = dict(zip(argv[:cut:2], argv[1:cut:2], strict=True))
    return own, "--", argv[cut + 1 :]


if __name__ == "__main__":
    sys.exit(main())
