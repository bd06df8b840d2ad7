"""Scenario 5: addressed letters at scale. A frame of 1.25 x N people is
imported and a stratified sample of N drawn (district x sex x age band),
then ``flask letters print`` writes every letter of wave 1 as one PDF: the
real command in a child process (which shares the work over one process
per core), timed (app start and reading the sample included), with its
peak RSS and its CPU seconds (its own and its workers'). Target: >= 200 letters/s for N = 10,000.
Baseline: every letter laid out by WeasyPrint from HTML (the way before),
the same page template once per letter, on 50 letters.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.common import (
    PUBLIC_BASE_URL,
    SECRET,
    SURVEY_KEY,
    WORK,
    log,
    make_app,
    run_worker,
    sqlite_url,
)
from bench.datagen import prepare_schema
from bench.framegen import frame_csv, frame_rows

BASELINE_LETTERS = 50
TARGET_PER_S = 200


def prepare(url: str, size: int) -> None:
    """A fresh database with the survey (access: invitation), a frame and a
    drawn sample of ``size``."""
    app = make_app(url)
    prepare_schema(app, access="invitation")
    with app.app_context():
        from survey.definitions.store import find_survey
        from survey.extensions import db
        from survey.planner.frame import import_frame
        from survey.planner.sample import draw_sample

        survey = find_survey(db.session, SURVEY_KEY)
        frame = import_frame(
            db.session, survey.consultation, frame_csv(frame_rows(size * 5 // 4))
        ).frame
        draw_sample(
            db.session,
            survey,
            frame,
            dimensions=["district", "sex", "age"],
            method="proportional",
            size=size,
            seed=1,
        )
        db.session.commit()
        db.engine.dispose()


def baseline_per_s(url: str) -> float:
    """Letters a second when WeasyPrint lays out every letter (the way
    before ``survey.planner.letterpress``): the same page template laid out
    once per letter, in process."""
    app = make_app(url)
    with app.test_request_context("/planner/"):
        from survey.definitions.store import find_survey
        from survey.extensions import db
        from survey.planner.letters import templates

        survey = find_survey(db.session, SURVEY_KEY)
        began = time.perf_counter()
        for _ in range(BASELINE_LETTERS):
            templates(survey.consultation, survey, 1, ["nl"], PUBLIC_BASE_URL)
        seconds = time.perf_counter() - began
        db.engine.dispose()
    return BASELINE_LETTERS / seconds


def run(size: int) -> dict[str, Any]:
    log(f"  letters: {size} letters")
    target = WORK / "letters.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    url = sqlite_url(target)
    prepare(url, size)
    out = WORK / "letters.pdf"
    out.unlink(missing_ok=True)
    env = {
        "SURVEY_ENV": "production",
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SURVEY_DATABASE_URL": url,
        "SURVEY_LETTERS_DIR": str(WORK / "letters"),
    }
    cli = run_worker(
        "cli",
        timeout=3600,
        args=["--app", "survey", "letters", "print", SURVEY_KEY, "--out", str(out)],
        env=env,
    )
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    pages = re.search(r"Pages:\s+(\d+)", info)
    per_s = size / cli["seconds"] if cli["exit"] == 0 else 0.0
    base = baseline_per_s(url)
    return {
        "letters": size,
        "seconds": round(cli["seconds"], 2),
        "letters_per_s": round(per_s, 1),
        "cpu_s": round(cli.get("cpu_s", 0.0), 1),
        "letters_per_cpu_s": round(size / cli["cpu_s"], 1) if cli.get("cpu_s") else None,
        "load_average": round(os.getloadavg()[0], 1),
        "exit": cli["exit"],
        "pages": int(pages.group(1)) if pages else 0,
        "peak_rss_mb": round(cli["peak_rss_mb"], 1),
        "file_mb": round(out.stat().st_size / 1e6, 1) if out.exists() else 0,
        "baseline_per_s": round(base, 1),
        "ratio": round(per_s / base, 1) if base else None,
        "target_per_s": TARGET_PER_S,
    }
