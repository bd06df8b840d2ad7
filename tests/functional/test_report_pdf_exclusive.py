"""One PDF job is laid out once, however many server processes are asked
for it at the same moment (two gunicorn workers, a double click reaching
both): the first to claim the job makes it, the others join it. A process
that dies while it holds a job leaves nothing that stops the next one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from flask import Flask
from pdf_checks import page_texts
from planner_helpers import load_demo_residents
from support import ROOT

KEY = "burgers-2026"
KEPT = 40_000

# Two server processes of the same app (same database, same instance
# folder), each asked at the same instant for the same PDF.
SERVER = textwrap.dedent(
    """
    import json, sys, threading, time
    from survey import create_app
    from survey.analysis.report import ReportSettings
    from survey.reporting import pdf_jobs
    import survey.reporting.pdf_writer  # loaded before the start, like a warm worker

    url, instance, key, at = sys.argv[1:5]
    app = create_app({"SURVEY_ENV": "testing", "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": url,
                      "RATELIMIT_ENABLED": False, "SERVER_NAME": None})
    app.instance_path = instance
    with app.app_context():
        time.sleep(max(0.0, float(at) - time.time()))
        job = pdf_jobs.start(app, key, {"threshold": "10"}, ReportSettings(threshold=10))
    workers = [t for t in threading.enumerate() if t.name.startswith("report-pdf-")]
    for worker in workers:
        worker.join(600)
    print(json.dumps({"job": job.id, "laid_out": len(workers)}))
    """
)

# A process that claims a job and keeps it until it is killed.
HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from survey.reporting.pdf_jobs import claim
    fd = claim(Path(sys.argv[1]), sys.argv[2])
    print("held" if fd is not None else "refused", flush=True)
    time.sleep(600)
    """
)


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _claim_elsewhere(folder: Path, identifier: str) -> str:
    """What another process gets when it claims the job (and lets go)."""
    code = (
        "import sys; from pathlib import Path; from survey.reporting.pdf_jobs import claim; "
        "print('held' if claim(Path(sys.argv[1]), sys.argv[2]) is not None else 'refused')"
    )
    out, err = _python(code, str(folder), identifier).communicate(timeout=120)
    assert err == "" or "Warning" in err, err
    return out.strip()


def test_two_processes_asked_for_the_same_pdf_lay_it_out_once(
    app: Flask, database_url: str
) -> None:
    load_demo_residents(app, 200)
    folder = Path(app.instance_path) / "report-pdfs"
    for old in folder.glob("*") if folder.is_dir() else []:
        old.unlink()
    # A folder with many files kept from the last day: a process that starts
    # a job looks through them (to remove the old ones) before it records the
    # job, long enough for the other process to find no job either.
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(KEPT):
        (folder / f"job-kept{number}.json").touch()
    at = time.time() + 25  # both are loaded by then, on a busy machine too
    servers = [
        _python(SERVER, database_url, app.instance_path, KEY, str(at)) for _server in range(2)
    ]
    results = []
    for server in servers:
        out, err = server.communicate(timeout=900)
        assert server.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert results[0]["job"] == results[1]["job"]
    # One process laid the PDF out; the other joined its job.
    assert sorted(r["laid_out"] for r in results) == [0, 1]
    state = json.loads((folder / f"job-{results[0]['job']}.json").read_text(encoding="utf-8"))
    assert state["state"] == "done", state
    assert len(list(folder.glob("job-kept*.json"))) == KEPT
    pdfs = list(folder.glob("inputrapport-*.pdf"))
    assert [p.name for p in pdfs] == [state["filename"]]
    assert "Inputrapport" in page_texts(pdfs[0].read_bytes())[0]
    # The claim ended with the job: nothing is left to hold the next one.
    assert not list(folder.glob("*.lock"))
    assert _claim_elsewhere(folder, results[0]["job"]) == "held"


def test_a_job_held_by_a_live_process_is_refused_and_freed_when_it_dies(
    tmp_path: Path,
) -> None:
    identifier = "0123456789abcdef0123456789abcdef"
    holder = _python(HOLDER, str(tmp_path), identifier)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        assert _claim_elsewhere(tmp_path, identifier) == "refused"
        # Killed mid-job: it removes nothing, its lock file stays behind.
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=60)
        assert (tmp_path / f"job-{identifier}.lock").exists()
        assert _claim_elsewhere(tmp_path, identifier) == "held"
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.communicate(timeout=60)


def test_a_claim_is_exclusive_within_one_process_too(tmp_path: Path) -> None:
    """Two threads of one worker (two requests) each open the lock anew."""
    from survey.reporting.pdf_jobs import claim, release

    identifier = "fedcba9876543210fedcba9876543210"
    first = claim(tmp_path, identifier)
    assert first is not None
    assert claim(tmp_path, identifier) is None
    release(tmp_path, identifier, first)
    assert not (tmp_path / f"job-{identifier}.lock").exists()
    again = claim(tmp_path, identifier)
    assert again is not None
    release(tmp_path, identifier, again)
