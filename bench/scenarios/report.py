"""Scenario 2: the input report at 10k, 100k (and 1M with ``--full``)
synthetic responses, as JSON (all questions, cross-tabs by district, age,
sex and mode, weighting on the stored margins, suppression, priority
matrix) and as PDF with every chart at 100k. Baseline: one hand-written
GROUP BY (variable_id, code) in the same process. Each size runs in a fresh
process, so its peak RSS is its own. The plan of the main aggregation query
is recorded on SQLite (EXPLAIN QUERY PLAN) and PostgreSQL (EXPLAIN ANALYZE).

Then the demo (``flask demo``: 1,500 residents) as a planner meets it: the
report page and the PDF download through the app against the bare report
model, with their ratios (worker task ``report_page``; targets of issue 19:
page < 1 s, PDF < 5 s on 2 cores).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import WORK, Postgres, log, make_app, run_worker, sqlite_url
from bench.datagen import build_pool, generate, sqlite_dataset


def run(
    sizes: list[int], pdf_size: int | None, pg_size: int | None, fresh: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {"sqlite": [], "postgresql": [], "explain": {}, "datasets": {}}
    for size in sizes:
        log(f"  report: SQLite, {size} responses")
        url, info = sqlite_dataset(size, WORK, fresh=fresh)
        out["datasets"][f"sqlite-{size}"] = info
        # The worker, as for the bare GROUP BY, times the best of ``repeat``
        # builds after a first one.
        repeat = 2 if size <= 100_000 else 1
        result = run_worker(
            "report", url=url, pdf=(size == pdf_size), repeat=repeat, profile=size >= 100_000
        )
        result["size"] = size
        out["sqlite"].append(result)
        if size == max(sizes):
            out["explain"]["sqlite"] = run_worker("explain", url=url)
    if pg_size and Postgres.available():
        log(f"  report: PostgreSQL, {pg_size} responses")
        url = Postgres.database("bench_report")
        from bench.datagen import prepare_schema

        app = make_app(url)
        prepare_schema(app)
        pool = build_pool(app)
        with app.app_context():
            from survey.extensions import db

            db.engine.dispose()
        info = generate(url, pg_size, pool)
        out["datasets"][f"postgresql-{pg_size}"] = info
        result = run_worker("report", url=url, repeat=2, profile=False)
        result["size"] = pg_size
        out["postgresql"].append(result)
        out["explain"]["postgresql"] = run_worker("explain", url=url)
        Postgres.database("bench_report")  # drop the data
    log("  report: the demo's page and PDF (1,500 residents)")
    out["demo_page"] = run_worker("report_page", url=demo_database())
    return out


def demo_database(target: Path | None = None, residents: int = 1500) -> str:
    """A fresh SQLite file with the demo consultation (what ``flask demo``
    loads: 1,500 residents, margins, partners)."""
    target = target or WORK / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    url = sqlite_url(target)
    app = make_app(url)
    with app.app_context():
        from survey.demo.loader import load_demo
        from survey.extensions import db

        db.create_all()
        load_demo(db.session, residents=residents)
        db.session.commit()
        db.engine.dispose()
    return url
