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

The score counts killed mutants, timeouts (an endless loop is detected) and documented
equivalent mutants (``bench/mutation-equivalents.toml``: mutants with no runtime effect,
each with its reason) as detected, nothing else. Results go to
``bench/results/mutation.md``; the per-module sections of modules not run this time are
kept as they were.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

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
        (),
        ("tests/integration/test_disclosure_audit.py",),
    ),
    Module(
        "disclosure",
        "survey/analysis/disclosure.py",
        ("tests/unit/test_report_tables.py",),
        ("tests/unit/test_report_model.py", "tests/unit/test_question_contract.py"),
    ),
    Module(
        "tables",
        "survey/analysis/tables.py",
        # test_ranking: the label rule (LABEL_RULE) lives here.
        ("tests/unit/test_report_tables.py", "tests/unit/test_ranking.py"),
        ("tests/unit/test_question_contract.py",),
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
        ("tests/unit/test_partner_sectors.py",),
        ("tests/unit/test_report_model.py",),
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


def run_tests(module_name: str) -> int:
    """The mutmut runner: 0 when the module's tests pass, 1 on any failure (mutmut 2 counts
    only exit code 1 as killed; pytest exits 2 on an import error)."""
    module = next(m for m in MODULES if m.name == module_name)
    pytest = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    stages = [[*pytest, "--noconftest", *module.tests]] if module.tests else []
    if module.wider:
        stages.append([*pytest, *module.wider])
    for command in stages:
        if subprocess.call(command) != 0:
            return 1
    return 0


def mutate(module: Module, scratch: Path, minutes: float | None) -> float:
    """Run mutmut over one module in the scratch copy, stopped after ``minutes`` if
    given (the mutants not reached stay untested); the seconds it took."""
    env = dict(os.environ)
    env.pop("SURVEY_TEST_DATABASE", None)
    env["PYTHONPATH"] = str(scratch)
    env.setdefault("MPLBACKEND", "Agg")
    (scratch / ".mutmut-cache").unlink(missing_ok=True)
    runner = f"{PYTHON} {scratch / 'scripts' / 'mutation.py'} --run-tests {module.name}"
    started = time.monotonic()
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
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
    restore_module(module, scratch)
    return time.monotonic() - started


def restore_module(module: Module, scratch: Path) -> None:
    """Put the original module back in the scratch copy: a stopped run may leave a
    mutant in place, and ``mutmut show`` diffs against the file as it is."""
    shutil.copy2(ROOT / module.path, scratch / module.path)


@dataclass(frozen=True)
class Survivor:
    """A surviving mutant: its line number, the original and the mutated line."""

    line_number: int
    original: str
    mutated: str


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


def collect(scratch: Path) -> tuple[dict[str, int], list[Survivor]]:
    """Counts per mutmut status and the survivors, from mutmut's cache."""
    db = sqlite3.connect(scratch / ".mutmut-cache")
    rows = db.execute(
        "SELECT m.id, m.status, l.line_number FROM Mutant m JOIN Line l ON m.line = l.id"
    ).fetchall()
    db.close()
    counts: dict[str, int] = {}
    survivors = []
    for mutant_id, status, line_number in rows:
        counts[status] = counts.get(status, 0) + 1
        if status == "bad_survived":
            original, mutated = mutant_diff(scratch, mutant_id)
            survivors.append(Survivor(line_number + 1, original, mutated))
    return counts, survivors


def load_equivalents() -> dict[str, list[dict[str, str]]]:
    """The documented equivalent mutants per module."""
    with EQUIVALENTS.open("rb") as handle:
        data = tomllib.load(handle)
    by_module: dict[str, list[dict[str, str]]] = {}
    for entry in data.get("equivalent", []):
        by_module.setdefault(entry["module"], []).append(entry)
    return by_module


def section(
    module: Module,
    counts: dict[str, int],
    survivors: list[Survivor],
    equivalents: list[dict[str, str]],
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
        reason = next(
            (
                e["reason"]
                for e in equivalents
                if e["line"] == survivor.original and e["mutant"] == survivor.mutated
            ),
            None,
        )
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
    lines = [
        f"### {module.name}",
        "",
        f"`{module.path}`, tests: {', '.join(f'`{t}`' for t in module.tests + module.wider)}; "
        f"{seconds:.0f} s on {time.strftime('%Y-%m-%d', time.gmtime())}.",
        "",
    ]
    if accepted:
        lines += ["Accepted equivalent mutants:", ""]
        for survivor, reason in accepted:
            lines.append(
                f"- line {survivor.line_number}: `{survivor.original}` → `{survivor.mutated}`: "
                f"{reason}"
            )
        lines.append("")
    if real:
        lines += ["Survivors not explained (a test is missing, or the mutant needs a reason):", ""]
        for survivor in real:
            lines.append(
                f"- line {survivor.line_number}: `{survivor.original}` → `{survivor.mutated}`"
            )
        lines.append("")
    if not accepted and not real:
        lines += ["No survivors.", ""]
    return row, "\n".join(lines)


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
    parser.add_argument("--run-tests", metavar="MODULE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_tests:
        return run_tests(args.run_tests)
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
            copy_project(scratch)
            print(f"==> mutating {module.path}", flush=True)
            seconds = mutate(module, scratch, args.minutes)
        counts, survivors = collect(scratch)
        rows[module.name], sections[module.name] = section(
            module, counts, survivors, equivalents.get(module.name, []), seconds
        )
        print(rows[module.name], flush=True)
        write_results(rows, sections)
    return 0


if __name__ == "__main__":
    sys.exit(main())
