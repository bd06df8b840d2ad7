"""The benchmark harness (``bench/``) runs: its smallest pieces, in process,
on throwaway SQLite files, so ``make bench`` cannot rot unnoticed. No
timing is asserted: only that every step completes and counts add up."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_datagen_report_export_and_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import worker
    from bench.common import machine, make_app, sqlite_url
    from bench.datagen import build_pool, insert_responses, prepare_schema
    from bench.report_md import evaluate, markdown
    from bench.worker import task_export, task_report

    monkeypatch.setattr(worker, "WORK", tmp_path)
    url = sqlite_url(tmp_path / "data.sqlite")
    app = make_app(url)
    prepare_schema(app)
    pool = build_pool(app, size=300)
    info = insert_responses(app, pool, 400)
    assert info["responses"] == 400
    assert info["answer_rows"] > 400 * 20

    report = task_report(url, repeat=1)
    assert report["responses"] == 400
    assert report["bare_rows"] > 0
    assert report["questions"] > 10
    exported = task_export(url, "csv")
    assert exported["bytes"] > 0

    results = {
        "generated": "now",
        "mode": "quick",
        "machine": machine(),
        "scenarios": {
            "report": {"sqlite": [{**report, "size": 400}], "postgresql": [], "explain": {}},
            "exports": {"sqlite": [{"size": 400, "csv": exported}]},
        },
    }
    results["targets"] = evaluate(results, None)
    text = markdown(results, None)
    assert "## 2. Input report" in text
    assert "| SQLite | 400 |" in text


def test_resident_journey_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import common
    from bench.common import sqlite_url
    from bench.scenarios import resident

    monkeypatch.setattr(resident, "WORK", tmp_path)
    monkeypatch.setattr(common, "WORK", tmp_path)
    url = sqlite_url(tmp_path / "resident.sqlite")
    resident.prepare_database(url)
    costs = resident.render_costs(url, renders=1)
    # Every page of the survey rendered, the wide page too, and one full
    # journey stored its answers.
    assert len(costs["pages"]) == 8
    assert costs["answer_rows_per_response"] > 30
    assert all(page["sql_statements"] > 0 for page in costs["pages"].values())
    # The stack's floor: the bare journey ran in its own interpreter, the
    # page GET's template time was caught between Flask's signals.
    floor = costs["stack_floor_ms"]
    assert set(floor) == {"bare_journey", "flask_request", "orm_read_commit", "page_template"}
    assert all(value > 0 for value in floor.values())


def test_bare_journey_takes_the_same_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bare stack's journey (bench.baseline_app's /j/ pages) makes as
    many requests as the app's and stores the response's answer rows."""
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.engine import Engine

    from bench import baseline_app
    from bench.common import make_app, sqlite_url
    from bench.httpclient import TestClientBrowser, bare_journey, journey, journey_steps
    from bench.scenarios import resident
    from survey import extensions

    monkeypatch.setattr(resident, "WORK", tmp_path)
    url = sqlite_url(tmp_path / "resident.sqlite")
    survey_id, _file = resident.prepare_database(url)
    app_browser = TestClientBrowser(make_app(url).test_client())
    script: dict = {}
    journey(app_browser, resident.KEY, script, learn=True)  # type: ignore[arg-type]
    pairs = [("a", "1:1"), ("a", "2:")]
    monkeypatch.setenv("BENCH_DATABASE_URL", url)
    monkeypatch.setenv("BENCH_SURVEY_ID", str(survey_id))
    bare_browser = TestClientBrowser(baseline_app.create_app().test_client())
    # The app's SQLite BEGIN listener is on every Engine of this process; the
    # bare app (its own process under gunicorn) begins its transactions itself.
    event.remove(Engine, "begin", extensions._sqlite_begin)
    try:
        bare_journey(bare_browser, journey_steps(script), pairs)  # type: ignore[arg-type]
    finally:
        event.listen(Engine, "begin", extensions._sqlite_begin)
    assert bare_browser.requests == app_browser.requests
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM answers WHERE cell_id IS NULL")
        ).scalar_one()
    engine.dispose()
    assert stored == len(pairs)


def test_letters_scenario_prepares_a_sample_and_reports_its_target(tmp_path: Path) -> None:
    from bench.common import make_app, sqlite_url
    from bench.report_md import evaluate, markdown
    from bench.scenarios import letters

    url = sqlite_url(tmp_path / "letters.sqlite")
    letters.prepare(url, 40)
    app = make_app(url)
    with app.app_context():
        from sqlalchemy import func, select

        from survey.extensions import db
        from survey.models import SampleMember

        assert db.session.scalar(select(func.count()).select_from(SampleMember)) == 40
        db.engine.dispose()
    measured = {
        "letters": 40,
        "seconds": 0.2,
        "letters_per_s": 200.0,
        "cpu_s": 0.1,
        "letters_per_cpu_s": 400.0,
        "load_average": 1.0,
        "exit": 0,
        "pages": 40,
        "peak_rss_mb": 100.0,
        "file_mb": 0.1,
        "baseline_per_s": 20.0,
        "ratio": 10.0,
        "target_per_s": 200,
    }
    results = {
        "generated": "now",
        "mode": "quick",
        "machine": {
            "cpu": "x",
            "cores": 2,
            "memory_mb": 1,
            "os": "x",
            "load_average_at_start": 0,
            "python": "3",
            "versions": {},
        },
        "scenarios": {"letters": measured},
    }
    (target,) = evaluate(results, None)
    assert target["verdict"] == "PASS" and "200" in target["target"]
    assert "## 5. Letters" in markdown(results, None)
