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


def test_resident_peak_through_http_and_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The resident scenario's pieces: an open-loop load against the app
    served over HTTP (a threaded Werkzeug server here, gunicorn in the
    benchmark) completes journeys without errors and stores each one; the
    in-process counts cover every page type and page; the table shows them."""
    import threading

    from werkzeug.serving import make_server

    from bench import common
    from bench.common import count_responses, machine, make_app, sqlite_url
    from bench.httpclient import Browser, journey
    from bench.load import KINDS, open_loop
    from bench.report_md import evaluate, markdown
    from bench.scenarios import resident

    monkeypatch.setattr(resident, "WORK", tmp_path)
    monkeypatch.setattr(common, "WORK", tmp_path)
    url = sqlite_url(tmp_path / "resident.sqlite")
    resident.prepare_database(url)
    server = make_server("127.0.0.1", 0, make_app(url), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_port
        script: dict = {}
        learner = Browser(port)
        journey(learner, resident.KEY, script, learn=True)
        learner.close()
        weight = resident.page_weight(port, script)
        before = count_responses(url)
        peak = open_loop(
            port, resident.KEY, script, rate=20, seconds=10, warmup_s=1, think_s=(0.0, 0.05)
        )
        stored = count_responses(url) - before
    finally:
        server.shutdown()
        thread.join()
    assert peak["errors"] == 0, peak["first_errors"]
    assert peak["journeys_completed"] >= 1
    assert stored == peak["submitted"]
    # Which page types fall inside the counted window depends on how far the
    # loaded machine lets the server lag (on a busy CI machine no journey
    # may start inside it); every type is held by the in-process counts below.
    assert peak["pages"] and set(peak["pages"]) <= set(KINDS)
    assert set(weight) == set(resident.PAGE_KINDS)
    assert all("/static/css/app.css" in row["assets"] for row in weight.values())

    typed = resident.per_page_type(url, journeys=1)
    assert set(typed) == set(KINDS)
    pages = resident.per_page(url, renders=1)
    # Every page of the survey and the 60-question page, each read with the
    # same statements (no query per question).
    assert len(pages) == 8
    assert len({page["sql_statements"] for page in pages.values()}) == 1

    results = {
        "generated": "now",
        "mode": "quick",
        "machine": machine(),
        "scenarios": {
            "resident": {
                "workers": 1,
                "peak": {"rate": 20, "seconds": 4},
                "headroom": {"rate": 80, "seconds": 0},
                "databases": {
                    "sqlite": {
                        "per_page_type": typed,
                        "peak": peak,
                        "stored": {"submitted": peak["submitted"], "responses": stored},
                    }
                },
                "weight": weight,
                "pages": pages,
            }
        },
    }
    results["targets"] = evaluate(results, None)
    text = markdown(results, None)
    assert "| sqlite | page GET |" in text
    verdicts = {t["target"]: t["verdict"] for t in results["targets"]}
    assert verdicts["no errors at 20 requests/s, every answer sent is stored (sqlite)"] == "PASS"


def test_a_resident_run_too_short_to_reach_the_submit_passes_no_target() -> None:
    """Targets are met by what was measured: a run whose residents never
    reached the check page neither passes the p95 of every page type nor
    the answers stored (0 of 0)."""
    from bench.report_md import evaluate

    page = {"requests": 10, "errors": 0, "p50_ms": 5.0, "p95_ms": 9.0, "p99_ms": 9.0}
    peak = {
        "rate_asked": 50.0,
        "requests": 30,
        "errors": 0,
        "pages": {kind: page for kind in ("start", "begin", "page GET", "page POST")},
    }
    results = {
        "scenarios": {
            "resident": {
                "databases": {"sqlite": {"peak": peak, "stored": {"submitted": 0, "responses": 0}}}
            }
        }
    }
    verdicts = {t["target"]: (t["verdict"], t["measured"]) for t in evaluate(results, None)}
    verdict, measured = verdicts["p95 of every page type <= 300 ms at 50 requests/s (sqlite)"]
    assert verdict == "FAIL"
    assert "not measured: check, submit, thanks" in measured
    stored = verdicts["no errors at 50 requests/s, every answer sent is stored (sqlite)"]
    assert stored[0] == "FAIL"


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


def test_the_demo_report_page_and_pdf_are_timed_against_the_bare_model(tmp_path: Path) -> None:
    from bench.common import machine
    from bench.report_md import evaluate, markdown
    from bench.scenarios.report import demo_database
    from bench.worker import STEPS, task_report_page

    url = demo_database(tmp_path / "demo.sqlite", residents=120)
    page = task_report_page(url, repeat=1)
    for step in STEPS:
        assert page[f"{step}_s"] > 0 and page[f"{step}_ratio"] > 0
    assert page["all_charts_s"] >= page["first_screen_s"] >= page["page_first_s"]
    assert page["charts"] > page["charts_first_screen"] > 0
    assert page["model_s"] > 0 and page["page_bytes"] > 10_000
    assert page["pdf_bytes"] > 10_000
    results = {
        "generated": "now",
        "mode": "quick",
        "machine": machine(),
        "scenarios": {"report": {"sqlite": [], "postgresql": [], "explain": {}, "demo_page": page}},
    }
    results["targets"] = evaluate(results, None)
    assert any(t["target"].startswith("demo report page") for t in results["targets"])
    assert any(t["target"].startswith("demo PDF") for t in results["targets"])
    text = markdown(results, None)
    assert "| report page, opened again |" in text and "| PDF after the page |" in text
    assert "| + the charts fetched at once, drawn |" in text
    assert "| + every chart drawn, one after the other |" in text
    assert "| every chart again, from the store |" in text
    # The target is judged on the first open, what a planner waits for.
    page_target = next(t for t in results["targets"] if t["target"].startswith("demo report page"))
    assert "first open" in page_target["target"]
    assert page_target["verdict"] == ("PASS" if page["page_first_s"] <= 1.0 else "FAIL")
