"""``python -m bench`` (``make bench``): every scenario with its baseline,
the targets checked, results written to ``bench/results/latest.json`` and
``latest.md`` and the table printed.

Options:
  --quick        small sizes and short runs (a smoke run, ~2 minutes); results
                 go to the work directory, not to bench/results/
  --full         also 1M responses (report, exports); ~1 hour; also writes
                 bench/results/full.json, whose 1M figures later runs show
  --only NAME    one scenario: resident, report, exports, import
  --merge        with --only: put that scenario's results into the committed
                 bench/results/latest.json and latest.md, the other scenarios
                 kept as measured in their run (the table says so)
  --fresh        regenerate the cached synthetic data sets
  --no-postgres  SQLite only
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench.common import RESULTS, WORK, Postgres, log, machine
from bench.report_md import evaluate, markdown

SCENARIOS = ("resident", "report", "exports", "import")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs")
    parser.add_argument("--full", action="store_true", help="also 1M responses")
    parser.add_argument("--only", choices=SCENARIOS, help="run one scenario")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data sets")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--merge", action="store_true", help="with --only: merge into bench/results/latest.*"
    )
    args = parser.parse_args(argv)
    if args.merge and (not args.only or args.quick):
        parser.error("--merge needs --only and a run that is not --quick")
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    WORK.mkdir(parents=True, exist_ok=True)
    chosen = [args.only] if args.only else list(SCENARIOS)
    postgres = not args.no_postgres and Postgres.available()
    if args.quick:
        report_sizes, pdf_size, pg_size = [2_000], 2_000, (2_000 if postgres else None)
        export_sizes, import_size = [2_000], 1_000
    else:
        report_sizes, pdf_size, pg_size = (
            [10_000, 100_000],
            100_000,
            (100_000 if postgres else None),
        )
        export_sizes, import_size = [10_000, 100_000], 100_000
        if args.full:
            report_sizes.append(1_000_000)
            export_sizes.append(1_000_000)
    results: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full" if args.full else "default",
        "machine": machine(),
        "scenarios": {},
        "durations_s": {},
    }
    try:
        for name in chosen:
            began = time.perf_counter()
            log(f"== {name}")
            if name == "resident":
                from bench.scenarios import resident

                databases = ("sqlite", "postgresql") if postgres else ("sqlite",)
                results["scenarios"]["resident"] = resident.run(args.quick, databases)
            elif name == "report":
                from bench.scenarios import report

                results["scenarios"]["report"] = report.run(
                    report_sizes, pdf_size, pg_size, fresh=args.fresh
                )
            elif name == "exports":
                from bench.scenarios import exports

                results["scenarios"]["exports"] = exports.run(export_sizes)
            elif name == "import":
                from bench.scenarios import importing

                results["scenarios"]["import"] = importing.run(import_size)
            results["durations_s"][name] = round(time.perf_counter() - began, 1)
    finally:
        Postgres.stop()
    return results


def merged(latest: dict[str, Any], rerun: dict[str, Any], name: str) -> dict[str, Any]:
    """``latest`` with scenario ``name`` replaced by the one of ``rerun``,
    marked with when and under which load it was measured."""
    scenario = dict(rerun["scenarios"][name])
    scenario["rerun"] = {
        "generated": rerun["generated"],
        "load_average_at_start": rerun["machine"]["load_average_at_start"],
    }
    out = dict(latest)
    out["scenarios"] = {**latest["scenarios"], name: scenario}
    out["durations_s"] = {**latest.get("durations_s", {}), **rerun["durations_s"]}
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    results = run(args)
    if args.merge:
        latest = json.loads((RESULTS / "latest.json").read_text(encoding="utf-8"))
        results = merged(latest, results, args.only)
    previous_full = None
    full_path = RESULTS / "full.json"
    if not args.full and full_path.exists():
        previous_full = json.loads(full_path.read_text(encoding="utf-8"))
    results["targets"] = evaluate(results, previous_full)
    notes = RESULTS.parent / "notes.md"
    # The notes explain the committed results, not a smoke or partial run.
    if notes.exists() and not (args.quick or (args.only and not args.merge)):
        results["notes"] = notes.read_text(encoding="utf-8").strip()
    text = markdown(results, previous_full)
    if args.quick:
        out_json, out_md = WORK / "quick.json", WORK / "quick.md"
    elif args.only and not args.merge:
        out_json, out_md = WORK / f"only-{args.only}.json", WORK / f"only-{args.only}.md"
    else:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out_json, out_md = RESULTS / "latest.json", RESULTS / "latest.md"
        if args.full:
            full_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    out_json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    out_md.write_text(text, encoding="utf-8")
    print(text)
    log(f"written: {out_json} and {out_md}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
