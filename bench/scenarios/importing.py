"""Scenario 4: ``flask responses import`` of a response file of N rows
(the contract layout, written by the CSV export of the synthetic data) into
a fresh database with the survey open; the real command in a child process,
timed, with its peak RSS. Baseline: the bulk Core insert of the same number
of responses (``bench.datagen``), the database's own speed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import (
    PUBLIC_BASE_URL,
    SECRET,
    SURVEY_KEY,
    WORK,
    count_responses,
    log,
    make_app,
    run_worker,
    sqlite_url,
)
from bench.datagen import build_pool, insert_responses, prepare_schema, sqlite_dataset


def response_file(size: int) -> Path:
    """The CSV export of the synthetic data set of ``size`` responses."""
    url, _info = sqlite_dataset(size, WORK)
    result = run_worker("export", url=url, fmt="csv", keep=True)
    return Path(result["path"])


def run(size: int) -> dict[str, Any]:
    log(f"  import: {size} rows")
    path = response_file(size)
    target = WORK / "import.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    url = sqlite_url(target)
    app = make_app(url)
    prepare_schema(app)
    with app.app_context():
        from survey.extensions import db

        db.engine.dispose()
    env = {
        "SURVEY_ENV": "production",
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SURVEY_DATABASE_URL": url,
    }
    began = time.perf_counter()
    cli = run_worker(
        "cli",
        timeout=3600,
        args=["--app", "survey", "responses", "import", SURVEY_KEY, str(path)],
        env=env,
    )
    seconds = time.perf_counter() - began
    result: dict[str, Any] = {
        "rows": size,
        "seconds": round(cli["seconds"], 2),
        "seconds_with_startup": round(seconds, 2),
        "exit": cli["exit"],
        "peak_rss_mb": round(cli["peak_rss_mb"], 1),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "stored": count_responses(url),
    }
    # Baseline: the same number of responses by bulk Core insert.
    base = WORK / "import-baseline.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{base}{suffix}").unlink(missing_ok=True)
    app = make_app(sqlite_url(base))
    prepare_schema(app)
    pool = build_pool(app, size=500)
    info = insert_responses(app, pool, size)
    with app.app_context():
        from survey.extensions import db

        db.engine.dispose()
    result["baseline_s"] = info["total_s"]
    result["ratio"] = round(seconds / info["total_s"], 1) if info["total_s"] else None
    path.unlink(missing_ok=True)
    return result
