"""Scenario 3: the response exports (CSV, XLSX, SAV) at 100k (and 1M with
``--full``): seconds and peak RSS, each in a fresh process. Baseline: every
answer row of the survey streamed to a CSV as stored (no pivot, no
labels), the cost of reading the data at all.
"""

from __future__ import annotations

from typing import Any

from bench.common import WORK, log, run_worker
from bench.datagen import sqlite_dataset

FORMATS = ("bare", "csv", "xlsx", "sav")


def run(sizes: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {"sqlite": []}
    for size in sizes:
        url, _info = sqlite_dataset(size, WORK)
        row: dict[str, Any] = {"size": size}
        for fmt in FORMATS:
            log(f"  export: {fmt}, {size} responses")
            try:
                row[fmt] = run_worker("export", url=url, fmt=fmt, timeout=3600)
            except Exception as exc:  # recorded, the run goes on
                row[fmt] = {"error": str(exc)[-800:]}
        out["sqlite"].append(row)
    return out
