"""One measurement in a fresh interpreter: ``python -m bench.worker TASK JSON``.

Prints one JSON line with the timings and the peak resident memory
(VmHWM) of this process, so each size is measured without anything left
over from earlier work. Tasks:

- ``report``: the bare GROUP BY baseline, then the full input report model
  and its JSON (optionally its PDF), on the survey of ``url``.
- ``report_page``: the demo's report as a planner meets it: the bare report
  model, the report page and the PDF download through the app, each with
  its ratio to the bare model.
- ``export``: one export (``csv``, ``xlsx``, ``sav``) or the bare baseline
  (``bare``: every answer row streamed to a CSV, no pivot, no labels).
- ``explain``: the plan of the main aggregation query.
"""

from __future__ import annotations

import inspect
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import SURVEY_KEY, WORK, current_rss_mb, make_app, peak_rss_mb

BARE_GROUP_BY = (
    "SELECT a.variable_id, a.code, count(*) FROM answers a "
    "JOIN variables v ON v.id = a.variable_id "
    "WHERE v.survey_id = :survey GROUP BY a.variable_id, a.code"
)


def _survey_id(session: Any) -> int:
    from sqlalchemy import text

    return int(
        session.execute(
            text("SELECT id FROM surveys WHERE key = :k"), {"k": SURVEY_KEY}
        ).scalar_one()
    )


def bare_group_by(session: Any, survey_id: int) -> tuple[float, int]:
    from sqlalchemy import text

    began = time.perf_counter()
    rows = session.execute(text(BARE_GROUP_BY), {"survey": survey_id}).all()
    return time.perf_counter() - began, len(rows)


def task_report(
    url: str, pdf: bool = False, repeat: int = 1, profile: bool = False
) -> dict[str, Any]:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.json_writer import render_json

    app = make_app(url)
    out: dict[str, Any] = {}
    with app.app_context():
        session = db.session
        survey_id = _survey_id(session)
        bare = [bare_group_by(session, survey_id) for _ in range(repeat + 1)]
        out["bare_group_by_s"] = min(t for t, _ in bare[1:]) if repeat else bare[0][0]
        out["bare_group_by_first_s"] = bare[0][0]
        out["bare_rows"] = bare[0][1]
        out["rss_before_mb"] = current_rss_mb()
        times = []
        model: Any = None
        profiler = None
        # Like the bare GROUP BY: a first (cold) build, reported apart, then
        # the best of ``repeat`` builds. The profiled build is an extra one,
        # left out of the timings: the profiler makes every Python call
        # several times slower.
        for attempt in range(1 + repeat + (1 if profile else 0)):
            session.rollback()
            # Every build the whole work: the audit and charts a second
            # build would find in memory (survey.memo) are measured by
            # ``report_page``.
            forget()
            if attempt == 1 + repeat:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            began = time.perf_counter()
            model = build_report(session, SURVEY_KEY, ReportSettings())
            built = time.perf_counter()
            data = render_json(model.to_json())
            done = time.perf_counter()
            if profiler is not None:
                profiler.disable()
            elif attempt == 0:
                out["report_json_first_s"] = done - began
            else:
                times.append((built - began, done - built, done - began))
        best = min(times, key=lambda t: t[2])
        out["model_s"], out["json_s"], out["report_json_s"] = best
        out["json_bytes"] = len(data)
        published = model.to_json()
        out["responses"] = published.get("responses")
        out["questions"] = len(published.get("questions", []))
        out["weighting"] = bool(published.get("weighting"))
        out["crosstabs"] = len(published.get("crosstabs") or [])
        out["priorities"] = len(published.get("priorities") or [])
        out["peak_rss_json_mb"] = peak_rss_mb()
        if profiler is not None:
            out["profile"] = _profile_text(profiler)
        if pdf:
            from survey.reporting.commands import render

            forget()
            began = time.perf_counter()
            document = render(model, "pdf")
            out["pdf_s"] = time.perf_counter() - began
            out["pdf_bytes"] = len(document)
            out["pdf_pages"] = document.count(b"/Type /Page\n") or document.count(b"/Type/Page")
            (WORK / "report.pdf").write_bytes(document)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def forget() -> None:
    """Empty the memory of audits and charts (``survey.memo``)."""
    from survey import memo

    memo.AUDITS.clear()
    memo.CHARTS.clear()
    memo.PDFS.clear()


STEPS = (
    "page_first",
    "first_screen",
    "all_charts",
    "charts_again",
    "page",
    "pdf_after_page",
    "pdf_again",
    "pdf_first",
)
"""The steps ``task_report_page`` times, each with its ratio to the bare model."""
PAGE_TARGET_S = 1.0
PDF_TARGET_S = 5.0
DEMO_KEY = "burgers-2026"
PLANNER = ("bench-planner@zone.invalid", "bench-planner-password-0123")


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its ended children (the PDF's
    chart drawers, ``survey.reporting.print_charts``, are processes)."""
    mine, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def _timed(action: Any) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process and the children it waited
    for, result) of ``action()``."""
    wall, cpu = time.perf_counter(), _cpu_with_children()
    result = action()
    return time.perf_counter() - wall, _cpu_with_children() - cpu, result


def task_report_page(url: str, repeat: int = 2) -> dict[str, Any]:
    """The demo's report (``flask demo``: 1,500 residents, margins,
    partners) as a planner meets it, in this process through the app's test
    client (no network, so the figures are the app's own work):

    - ``model``: the bare report model (``build_report``), nothing
      remembered (best of ``repeat``);
    - ``page_first``: the report page's HTML with nothing remembered and
      no chart stored (issue 19's target): the page names its charts by
      address (``survey.reporting.chart_store``) and draws none;
      ``first_screen``: then the charts the browser fetches at once
      (``chart_store.EAGER``), drawn by their own requests, counted from
      the page's start; ``all_charts``: then every chart, one request
      after the other (a browser asks several workers at once, so this is
      the CPU the charts cost, not the wait); ``charts_again``: every chart
      asked for again with the charts remembered in this process forgotten
      (another worker: read from the store); ``page``: the page opened
      again (the audit found in ``survey.memo``);
    - ``pdf_after_page``: the PDF made after the page (the usual way; its
      layout is new; it reads the charts the page's requests drew);
      ``pdf_again``: asked for again (the job rebuilds the model and finds
      the file of the same HTML); ``pdf_first``: the PDF with nothing
      remembered, no chart stored and no file (its charts drawn by a
      second process while WeasyPrint reads the HTML,
      ``survey.reporting.print_charts``). The PDF is made by a background
      job (``survey.reporting.pdf_jobs``); here its work (``make``) runs in
      this thread, so its CPU seconds are counted; the page's request only
      starts it.

    Each with wall and CPU seconds (CPU is steadier on a shared machine;
    it counts the PDF's chart drawers, processes the job forks, so on two
    cores a PDF's CPU may exceed its wall time),
    its ratio to the bare model, the load average, and the targets of
    issue 19 (page < 1 s, PDF < 5 s on 2 cores)."""
    import html
    import re

    from survey import memo
    from survey.analysis.report import build_report
    from survey.extensions import db
    from survey.workspace.accounts import create_user
    from survey.workspace.views.reports import default_settings

    app = make_app(url)
    out: dict[str, Any] = {"load_average": round(os.getloadavg()[0], 1)}
    with app.app_context():
        create_user(db.session, PLANNER[0], PLANNER[1], "viewer")
        db.session.commit()
    client = app.test_client()
    login = client.get("/planner/aanmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login)
    response = client.post(
        "/planner/aanmelden",
        data={
            "email": PLANNER[0],
            "password": PLANNER[1],
            "csrf_token": token.group(1) if token else "",
        },
    )
    if response.status_code != 302:
        raise RuntimeError(f"bench planner could not log in: {response.status_code}")
    page_url = f"/planner/rapporten/{DEMO_KEY}"

    def get(path: str) -> Any:
        answer = client.get(path)
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code}")
        return answer

    def pdf(*, fresh: bool) -> bytes:
        """The background job's work, in this thread: ``fresh`` removes the
        finished files first, so the layout is done again."""
        from survey.reporting import pdf_jobs
        from survey.reporting.options import ReportOptions

        with app.test_request_context(page_url):
            folder = pdf_jobs.jobs_dir()
            if fresh:
                for old in folder.glob("inputrapport-*.pdf"):
                    old.unlink()
            settings = default_settings()
            query = ReportOptions(threshold=settings.threshold).query()
            job = pdf_jobs.PdfJob(
                pdf_jobs.job_id(DEMO_KEY, query, settings.language),
                DEMO_KEY,
                query,
                settings.language,
            )
            pdf_jobs.make(folder, job, settings)
            db.session.rollback()
            path = pdf_jobs.pdf_file(job)
            if path is None:
                raise RuntimeError(f"the PDF job failed: {job.problem}")
            return path.read_bytes()

    def model() -> Any:
        with app.test_request_context(page_url):
            built = build_report(db.session, DEMO_KEY, default_settings())
            db.session.rollback()
            return built

    def forget_stored_charts() -> None:
        from survey.reporting import chart_store

        with app.test_request_context(page_url):
            for old in chart_store.charts_dir().glob("chart-*"):
                old.unlink()

    def charts_of(page: Any) -> list[tuple[str, bool]]:
        """(address, fetched at once) of every chart the page names."""
        images = re.findall(
            r'<img src="([^"]*/grafiek/[^"]*)"([^>]*)>', page.get_data(as_text=True)
        )
        return [(html.unescape(src), 'loading="lazy"' not in attr) for src, attr in images]

    # A first page (and chart) for the imports and template compilation, left out.
    for src, _eager in charts_of(get(page_url))[:1]:
        get(src)
    models = []
    for _ in range(repeat):
        forget()
        models.append(_timed(model))
    out["model_s"], out["model_cpu_s"], _model = min(models, key=lambda t: t[0])
    forget()
    forget_stored_charts()
    out["page_first_s"], out["page_first_cpu_s"], first = _timed(lambda: get(page_url))
    charts = charts_of(first)
    eager = [src for src, at_once in charts if at_once]
    wall, cpu, _drawn = _timed(lambda: [get(src) for src in eager])
    out["first_screen_s"] = out["page_first_s"] + wall
    out["first_screen_cpu_s"] = out["page_first_cpu_s"] + cpu
    wall, cpu, _drawn = _timed(lambda: [get(src) for src, at_once in charts if not at_once])
    out["all_charts_s"] = out["first_screen_s"] + wall
    out["all_charts_cpu_s"] = out["first_screen_cpu_s"] + cpu
    out["charts"], out["charts_first_screen"] = len(charts), len(eager)
    memo.CHARTS.clear()
    out["charts_again_s"], out["charts_again_cpu_s"], _read = _timed(
        lambda: [get(src) for src, _at_once in charts]
    )
    out["page_s"], out["page_cpu_s"], page = _timed(lambda: get(page_url))
    out["page_bytes"] = len(page.data)
    out["pdf_after_page_s"], out["pdf_after_page_cpu_s"], data = _timed(lambda: pdf(fresh=True))
    out["pdf_again_s"], out["pdf_again_cpu_s"], _again = _timed(lambda: pdf(fresh=False))
    forget()
    forget_stored_charts()
    out["pdf_first_s"], out["pdf_first_cpu_s"], _pdf = _timed(lambda: pdf(fresh=True))
    out["pdf_bytes"] = len(data)
    for name in STEPS:
        out[f"{name}_ratio"] = round(out[f"{name}_s"] / out["model_s"], 2)
    out["page_target_s"], out["pdf_target_s"] = PAGE_TARGET_S, PDF_TARGET_S
    out["load_average_after"] = round(os.getloadavg()[0], 1)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _profile_text(profiler: Any, lines: int = 18) -> str:
    import io
    import pstats

    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(lines)
    text = buffer.getvalue()
    # Keep the table, drop the header noise and absolute paths.
    keep = [
        line.replace(str(Path(__file__).resolve().parent.parent) + "/", "")
        for line in text.splitlines()
    ]
    keep = [line.replace(sys.prefix + "/lib/python3.11/site-packages/", "") for line in keep]
    return "\n".join(line for line in keep if line.strip())[:6000]


def task_export(url: str, fmt: str, keep: bool = False) -> dict[str, Any]:
    from survey.definitions.store import find_survey
    from survey.extensions import db

    app = make_app(url)
    WORK.mkdir(parents=True, exist_ok=True)
    # One file per process: several runs (or the smoke test) may share WORK.
    path = WORK / f"export-{os.getpid()}.{'csv' if fmt == 'bare' else fmt}"
    out: dict[str, Any] = {}
    with app.app_context():
        survey = find_survey(db.session, SURVEY_KEY)
        assert survey is not None
        out["rss_before_mb"] = current_rss_mb()
        began = time.perf_counter()
        cpu = time.process_time()
        if fmt == "bare":
            out["rows"] = _bare_export(db.session, int(survey.id), path)
        elif fmt == "csv":
            from survey.responses.csv_export import iter_csv

            kwargs: dict[str, Any] = {}
            if "labels" in inspect.signature(iter_csv).parameters:
                kwargs["labels"] = True
                out["labels"] = True
            with open(path, "wb") as handle:
                for chunk in iter_csv(db.session, survey, **kwargs):
                    handle.write(chunk)
        elif fmt == "xlsx":
            from survey.responses.xlsx_export import write_xlsx

            out["rows"] = write_xlsx(db.session, survey, str(path))
        elif fmt == "sav":
            from survey.responses.sav_export import write_sav

            out["rows"] = write_sav(db.session, survey, str(path))
        else:
            raise SystemExit(f"unknown format {fmt}")
        out["seconds"] = time.perf_counter() - began
        out["cpu_s"] = time.process_time() - cpu
        out["bytes"] = path.stat().st_size
    out["peak_rss_mb"] = peak_rss_mb()
    if keep:
        kept = path.with_name(f"responses-{out.get('rows') or 'n'}.csv")
        path.replace(kept)
        out["path"] = str(kept)
    else:
        path.unlink(missing_ok=True)
    return out


def _bare_export(session: Any, survey_id: int, path: Path) -> int:
    """Every answer row of the survey, streamed in response order to a CSV:
    what reading the data costs before any pivoting or labelling."""
    import csv

    from sqlalchemy import text

    statement = text(
        "SELECT r.public_id, a.variable_id, a.code, a.number FROM answers a "
        "JOIN responses r ON r.id = a.response_id WHERE r.survey_id = :s "
        "ORDER BY a.response_id, a.id"
    ).execution_options(stream_results=True, yield_per=5000)
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for partition in session.execute(statement, {"s": survey_id}).partitions():
            writer.writerows(partition)
            count += len(partition)
    return count


def task_explain(url: str) -> dict[str, Any]:
    """The plans of the report's aggregation over the answers
    (``aggregates.answer_cube``): the cube GROUP BY (variable, cell, code) over
    every answer of the survey (``query``/``plan``) and the multiple-choice
    respondents (``respondents_query``/``respondents_plan``)."""
    from sqlalchemy import event

    from survey.analysis import aggregates
    from survey.definitions.definition import definition_of
    from survey.extensions import db

    app = make_app(url)
    with app.app_context():
        session = db.session
        survey = aggregates.find_survey(session, SURVEY_KEY)
        definition = definition_of(survey)
        variables = aggregates.variables(session, survey.id)
        by_name = {v.name: v.id for v in variables}
        dims = [
            by_name[q.key] for q in definition.dimension_questions().values() if q.key in by_name
        ]
        multiple = [
            by_name[q.key]
            for q in definition.questions
            if q.type == "multiple" and q.key in by_name
        ]
        captured: list[tuple[str, Any]] = []

        def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_a: Any) -> None:
            captured.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        aggregates.answer_cube(session, survey.id, [v.id for v in variables], multiple, dims)
        event.remove(db.engine, "before_cursor_execute", capture)
        grouped = [(s, p) for s, p in captured if "GROUP BY" in s]
        dialect = db.engine.dialect.name
        connection = session.connection().connection.driver_connection
        cursor = connection.cursor()
        out: dict[str, Any] = {"dialect": dialect}
        for prefix, (statement, parameters) in zip(("", "respondents_"), grouped, strict=False):
            if dialect == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                plan = "\n".join(f"{row[0]}|{row[1]}|{row[3]}" for row in cursor.fetchall())
            else:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            out[f"{prefix}query"] = " ".join(statement.split())
            out[f"{prefix}plan"] = plan
    return out


def task_cli(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """A ``flask`` command run in this process (as the ``flask`` script
    would), timed, with this process's peak RSS."""

    os.environ.update(env)
    from flask.cli import main as flask_main

    sys.argv = ["flask", *args]
    began = time.perf_counter()
    code: Any = 0
    try:
        flask_main()
    except SystemExit as exc:
        code = exc.code
    return {
        "exit": code if isinstance(code, int) else 1,
        "seconds": time.perf_counter() - began,
        "peak_rss_mb": peak_rss_mb(),
        # CPU of this process and the worker processes it waited for: on a
        # shared machine the steadier measure.
        "cpu_s": sum(
            usage.ru_utime + usage.ru_stime
            for usage in (
                resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN),
            )
        ),
    }


TASKS = {
    "report": task_report,
    "report_page": task_report_page,
    "export": task_export,
    "explain": task_explain,
    "cli": task_cli,
}


def main() -> None:
    task = sys.argv[1]
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    result = TASKS[task](**args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
