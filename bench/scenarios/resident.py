"""Scenario 1: residents answering, through the real HTTP path.

gunicorn serves ``create_app()`` on 127.0.0.1; client processes (stdlib
``http.client``) walk the whole journey of an open copy of the default
resident survey: the start page, begin, every page posted with valid
answers and the page's CSRF token, the check page, the final submit and
the thank-you page. Measured with 1, 4 and 16 concurrent clients, on SQLite
(file, WAL) and PostgreSQL:

- complete responses per second (whole journeys);
- final submits per second: every client first fills drafts up to the check
  page, then all of them submit at once;
- the bare-stack ceiling: ``bench.baseline_app`` (Flask + SQLAlchemy Core,
  same gunicorn command, same tables) inserting the same answer rows in one
  transaction per request;
- the bare-stack ceiling of the whole journey: the same app's ``/j/`` pages
  take the same requests per complete response (static pages of the app's
  mean page size with a CSRF-like token, POSTs parsed and redirected, the
  final POST inserting the answer rows), so complete responses/s get a ratio
  too.

In process (Flask test client): CPU ms per page render (``time.process_time``
over many renders) and SQL statements per request (SQLAlchemy
``before_cursor_execute``) for every page, the short and the longest, and a
page of 60 questions, to show the count does not grow with questions.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml
from werkzeug.datastructures import MultiDict

from bench.common import (
    PUBLIC_BASE_URL,
    PYTHON,
    RESIDENT_FILE,
    ROOT,
    SECRET,
    WORK,
    Postgres,
    free_port,
    log,
    make_app,
    run_worker,
    sqlite_url,
)
from bench.httpclient import (
    Browser,
    Script,
    Steps,
    TestClientBrowser,
    bare_journey,
    journey,
    journey_steps,
    submit_checked,
)

KEY = "burgers-bench"
WIDE_KEY = "burgers-wide"
WORKERS = 4  # gunicorn sync workers: 2 x cores, the usual advice for I/O-bound apps


# --- database and server -------------------------------------------------------


def prepare_database(url: str) -> tuple[int, Path]:
    """Tables, the open copy of the resident survey and a wide variant
    (one page with 60 questions); returns the survey id and the copy's file."""
    from survey.definitions.lifecycle import open_survey
    from survey.definitions.store import import_survey
    from survey.extensions import db

    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    raw["key"] = KEY
    raw["access"] = "open"
    wide = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    wide["key"] = WIDE_KEY
    wide["access"] = "open"
    template = next(q for p in wide["pages"] for q in p["questions"] if q["key"] == "contact")
    extra = []
    for i in range(60):
        question = {k: v for k, v in template.items() if k not in ("show_if",)}
        question["key"] = f"extra_{i + 1}"
        extra.append(question)
    wide["pages"].insert(0, {"key": "breed", "title": {"nl": "Zestig vragen"}, "questions": extra})
    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        survey = import_survey(db.session, raw).survey
        open_survey(db.session, survey.key)
        import_survey(db.session, wide)
        open_survey(db.session, WIDE_KEY)
        db.session.commit()
        survey_id = int(survey.id)
        db.engine.dispose()
    path = WORK / "burgers-bench.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return survey_id, path


class Server:
    """gunicorn serving an app factory on a free loopback port."""

    def __init__(self, factory: str, env: dict[str, str], workers: int = WORKERS) -> None:
        self.port = free_port()
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        self.proc = subprocess.Popen(
            [
                gunicorn,
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "120",
                factory,
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=subprocess.DEVNULL,
            stderr=open(WORK / "gunicorn.log", "ab"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    break
            except Exception as exc:
                if self.proc.poll() is not None:
                    raise RuntimeError(
                        f"gunicorn {factory} exited; see {WORK / 'gunicorn.log'}"
                    ) from exc
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"gunicorn {factory} did not answer")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def app_env(url: str) -> dict[str, str]:
    return {
        "SURVEY_ENV": "production",
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SURVEY_DATABASE_URL": url,
        "SURVEY_SESSION_COOKIE_SECURE": "0",
    }


# --- clients -------------------------------------------------------------------


def _journeys(port: int, walk: Any, deadline_s: float, start: Any, out: Any) -> None:
    """Walk ``walk(browser, timings)`` again and again until the deadline,
    each time as a new visitor (fresh connection and cookies)."""
    browser = Browser(port)
    done = errors = requests = 0
    timings: dict[str, list[float]] = {}
    start.wait()
    began = time.perf_counter()
    while time.perf_counter() - began < deadline_s:
        try:
            walk(browser, timings)
            done += 1
        except Exception as exc:  # counted, shown in the results
            errors += 1
            if errors == 1:
                out.put(("error", repr(exc)[:300]))
        requests += browser.requests
        browser.close()
        browser = Browser(port)
    out.put(("done", done, errors, time.perf_counter() - began, requests, timings))


def _journey_client(port: int, script: Script, deadline_s: float, start: Any, out: Any) -> None:
    def walk(browser: Browser, timings: dict[str, list[float]]) -> None:
        journey(browser, KEY, script, timings=timings)

    _journeys(port, walk, deadline_s, start, out)


def _bare_journey_client(
    port: int,
    steps: Steps,
    pairs: list[tuple[str, str]],
    deadline_s: float,
    start: Any,
    out: Any,
) -> None:
    def walk(browser: Browser, timings: dict[str, list[float]]) -> None:
        bare_journey(browser, steps, pairs, timings=timings)

    _journeys(port, walk, deadline_s, start, out)


def _submit_client(port: int, script: Script, count: int, ready: Any, start: Any, out: Any) -> None:
    prepared = []
    for _ in range(count):
        browser = Browser(port)
        token = journey(browser, KEY, script, stop_at_check=True)
        browser.close()
        prepared.append((browser, token))
    ready.wait()
    start.wait()
    began = time.perf_counter()
    latencies = []
    errors = 0
    for browser, token in prepared:
        t = time.perf_counter()
        try:
            submit_checked(browser, KEY, token)
        except Exception:
            errors += 1
        latencies.append(time.perf_counter() - t)
        browser.close()
    out.put(("done", count - errors, errors, time.perf_counter() - began, latencies))


def _baseline_client(
    port: int, pairs: list[tuple[str, str]], deadline_s: float, start: Any, out: Any
) -> None:
    browser = Browser(port)
    done = errors = 0
    start.wait()
    began = time.perf_counter()
    while time.perf_counter() - began < deadline_s:
        status, _loc, _body = browser.request("POST", "/submit", pairs)
        if status == 302:
            done += 1
        else:
            errors += 1
    out.put(("done", done, errors, time.perf_counter() - began, []))


def _run_clients(
    target: Any, clients: int, args: tuple[Any, ...], barrier: bool = False
) -> list[Any]:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    start = ctx.Barrier(clients + 1)
    ready = ctx.Barrier(clients + 1) if barrier else None
    procs = []
    for _ in range(clients):
        proc_args = (*args, ready, start, out) if barrier else (*args, start, out)
        procs.append(ctx.Process(target=target, args=proc_args))
    for p in procs:
        p.start()
    if ready is not None:
        ready.wait()
    start.wait()
    results = []
    errors: list[str] = []
    while len(results) < clients:
        item = out.get(timeout=900)
        if item[0] == "error":
            errors.append(item[1])
        else:
            results.append(item)
    for p in procs:
        p.join()
    if errors:
        log(f"    client errors: {errors[:2]}")
    return results


def journeys(port: int, script: Script, clients: int, seconds: float) -> dict[str, Any]:
    return _journey_figures(
        _run_clients(_journey_client, clients, (port, script, seconds)), clients
    )


def bare_journeys(
    port: int, steps: Steps, pairs: list[tuple[str, str]], clients: int, seconds: float
) -> dict[str, Any]:
    return _journey_figures(
        _run_clients(_bare_journey_client, clients, (port, steps, pairs, seconds)), clients
    )


def _journey_figures(results: list[Any], clients: int) -> dict[str, Any]:
    done = sum(r[1] for r in results)
    errors = sum(r[2] for r in results)
    elapsed = max(r[3] for r in results)
    requests = sum(r[4] for r in results)
    merged: dict[str, list[float]] = {}
    for r in results:
        for name, values in r[5].items():
            merged.setdefault(name, []).extend(values)
    return {
        "clients": clients,
        "responses": done,
        "errors": errors,
        "seconds": round(elapsed, 2),
        "responses_per_s": round(done / elapsed, 1),
        "requests_per_s": round(requests / elapsed, 1),
        "requests_per_response": round(requests / done, 1) if done else None,
        "latency_ms": {
            name: {"p50": _ms(_pct(v, 50)), "p95": _ms(_pct(v, 95))} for name, v in merged.items()
        },
    }


def submits(port: int, script: Script, clients: int, total: int) -> dict[str, Any]:
    per_client = max(1, total // clients)
    results = _run_clients(_submit_client, clients, (port, script, per_client), barrier=True)
    done = sum(r[1] for r in results)
    elapsed = max(r[3] for r in results)
    latencies = [x for r in results for x in r[4]]
    return {
        "clients": clients,
        "submits": done,
        "errors": sum(r[2] for r in results),
        "submits_per_s": round(done / elapsed, 1),
        "latency_ms": {"p50": _ms(_pct(latencies, 50)), "p95": _ms(_pct(latencies, 95))},
    }


def baseline(
    port: int, pairs: list[tuple[str, str]], clients: int, seconds: float
) -> dict[str, Any]:
    results = _run_clients(_baseline_client, clients, (port, pairs, seconds))
    done = sum(r[1] for r in results)
    elapsed = max(r[3] for r in results)
    return {
        "clients": clients,
        "submits": done,
        "errors": sum(r[2] for r in results),
        "submits_per_s": round(done / elapsed, 1),
    }


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- in-process measurements ----------------------------------------------------


def render_costs(url: str, renders: int) -> dict[str, Any]:
    """CPU ms per page render and SQL statements per request, per page."""
    from sqlalchemy import event

    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db

    app = make_app(url)
    results: dict[str, Any] = {"pages": {}}
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    for key in (KEY, WIDE_KEY):
        client = app.test_client()
        browser = TestClientBrowser(client)
        script: Script = {}
        # Walk to the check page so every page can be shown (page_index is the end).
        journey(browser, key, script, learn=True, stop_at_check=True)  # type: ignore[arg-type]
        with app.app_context():
            survey = find_survey(db.session, key)
            assert survey is not None
            definition = definition_of(survey)
            sizes = {
                page.key: (
                    len(page.questions),
                    sum(len(q.qtype.variables(q)) for q in page.questions),
                )
                for page in definition.pages
            }
        for page_key, (questions, fields) in sizes.items():
            if key == WIDE_KEY and page_key != "breed":
                continue
            path = f"/s/{key}/stap/{page_key}"
            first = client.get(path)
            if first.status_code != 200:
                continue
            statements.clear()
            event.listen(engine, "before_cursor_execute", count)
            client.get(path)
            event.remove(engine, "before_cursor_execute", count)
            sql = len(statements)
            cpu = time.process_time()
            for _ in range(renders):
                client.get(path)
            per_render = (time.process_time() - cpu) / renders * 1000
            name = page_key if key == KEY else f"{page_key} (60 questions)"
            results["pages"][name] = {
                "questions": questions,
                "fields": fields,
                "cpu_ms": round(per_render, 2),
                "sql_statements": sql,
            }
    # The check page and the final submit: statements per request too (the
    # second submit: the first in a process also looks up the variable ids
    # and may create the response's cell).
    client = app.test_client()
    script = {}
    journey(TestClientBrowser(client), KEY, script, learn=True)  # type: ignore[arg-type]
    results["request_cpu_ms"] = request_cpu(app, script, max(10, renders // 4))
    client = app.test_client()
    token = journey(TestClientBrowser(client), KEY, script, stop_at_check=True)  # type: ignore[arg-type]
    page_path = f"/s/{KEY}/stap/politie"
    page_html = client.get(page_path).get_data(as_text=True)
    action, pairs = next(v for k, v in script.items() if k[0] == page_path)
    statements.clear()
    event.listen(engine, "before_cursor_execute", count)
    client.post(action, data=MultiDict([("csrf_token", _token(page_html)), *pairs]))
    results["page_post_sql"] = len(statements)
    statements.clear()
    client.get(f"/s/{KEY}/controle")
    check_sql = len(statements)
    statements.clear()
    client.post(f"/s/{KEY}/controle", data={"csrf_token": token})
    submit_sql = len(statements)
    event.remove(engine, "before_cursor_execute", count)
    results["check_page_sql"] = check_sql
    results["final_submit_sql"] = submit_sql
    pages = {k: v for k, v in results["pages"].items() if "60" not in k}
    short = min(pages.items(), key=lambda kv: kv[1]["fields"])
    longest = max(pages.items(), key=lambda kv: kv[1]["fields"])
    results["short_page"] = {"page": short[0], **short[1]}
    results["longest_page"] = {"page": longest[0], **longest[1]}
    wide = next((v for k, v in results["pages"].items() if "60" in k), None)
    counts = {v["sql_statements"] for v in results["pages"].values()}
    results["sql_constant"] = len(counts) == 1
    results["wide_page"] = wide
    with app.app_context():
        answer_pairs = _answer_pairs(db.session)
    results["stack_floor_ms"] = stack_floor(
        app, url, script, answer_pairs, max(10, renders // 4), renders
    )
    with app.app_context():
        db.engine.dispose()
    results["answer_rows_per_response"] = len(answer_pairs)
    results["_pairs"] = answer_pairs
    return results


def _token(html: str) -> str:
    from bench.httpclient import CSRF_RE

    found = CSRF_RE.search(html)
    return found.group(1) if found else ""


def _cpu_ms(fn: Any, count: int, digits: int = 2) -> float:
    """CPU ms per call of ``fn``, warm (one call first, not counted)."""
    fn()
    began = time.process_time()
    for _ in range(count):
        fn()
    return round((time.process_time() - began) / count * 1000, digits)


def request_cpu(app: Any, script: Script, n: int) -> dict[str, float]:
    """CPU ms per request in process (Flask test client, warm caches): a
    page GET and POST of the longest page, the check page, the final submit
    and a whole journey (all its requests)."""
    cpu_ms = _cpu_ms
    client = app.test_client()
    journey(TestClientBrowser(client), KEY, script, stop_at_check=True)  # type: ignore[arg-type]
    page_path = f"/s/{KEY}/stap/politie"
    html = client.get(page_path).get_data(as_text=True)
    action, pairs = next(v for k, v in script.items() if k[0] == page_path)
    form = MultiDict([("csrf_token", _token(html)), *pairs])
    out = {
        "page_get": cpu_ms(lambda: client.get(page_path), n),
        "page_post": cpu_ms(lambda: client.post(action, data=form), n),
        "check_get": cpu_ms(lambda: client.get(f"/s/{KEY}/controle"), n),
    }
    ready = []
    for _ in range(n + 1):
        other = app.test_client()
        ready.append((other, journey(TestClientBrowser(other), KEY, script, stop_at_check=True)))  # type: ignore[arg-type]
    queue = iter(ready)

    def submit() -> None:
        other, token = next(queue)
        other.post(f"/s/{KEY}/controle", data={"csrf_token": token})

    out["final_submit"] = cpu_ms(submit, n)
    out["whole_journey"] = cpu_ms(
        lambda: journey(TestClientBrowser(app.test_client()), KEY, script),  # type: ignore[arg-type]
        max(3, n // 5),
    )
    return out


def stack_floor(
    app: Any, url: str, script: Script, answer_pairs: list[tuple[str, str]], n: int, renders: int
) -> dict[str, float]:
    """What a request costs before the app's own logic, in process (CPU ms,
    warm): the floor that decides whether a throughput target can be met.

    - ``bare_journey``: the bare stack's whole journey (``bench.baseline_app``
      ``/j/``: the same requests, static pages) through the test client;
    - ``flask_request``: a GET of a view that returns a short string, on a
      Flask app without extensions (routing, request and response objects,
      the test client);
    - ``orm_read_commit``: reading the survey row by its key through the
      ORM (without its definition, as the resident pages do) in a new
      session and committing: what any resident request does at least once;
    - ``page_template``: the part of a page GET spent rendering its
      template (``before_render_template`` to ``template_rendered``), with
      the question HTML kept per survey version as in production."""
    from flask import Flask, before_render_template, template_rendered
    from sqlalchemy import select
    from sqlalchemy.orm import defer

    from survey.extensions import db
    from survey.models import Survey

    def cpu_ms(fn: Any, count: int) -> float:
        return _cpu_ms(fn, count, digits=3)

    out: dict[str, float] = {}
    with app.app_context():
        survey_id = db.session.scalar(select(Survey.id).where(Survey.key == KEY))
        db.session.remove()
    # In its own interpreter: the app's engine hooks are registered on
    # every SQLAlchemy engine of a process that imported ``survey``.
    out["bare_journey"] = round(
        run_worker(
            "bare_journey",
            url=url,
            survey_id=survey_id,
            steps=journey_steps(script),
            pairs=answer_pairs,
            count=max(3, n // 5),
        )["cpu_ms"],
        3,
    )

    minimal = Flask("floor")
    minimal.add_url_rule("/", "index", lambda: "ok")
    minimal_client = minimal.test_client()
    out["flask_request"] = cpu_ms(lambda: minimal_client.get("/"), renders)

    def read_and_commit() -> None:
        with app.app_context():
            db.session.execute(
                select(Survey).where(Survey.key == KEY).options(defer(Survey.definition))
            ).scalar_one()
            db.session.commit()

    out["orm_read_commit"] = cpu_ms(read_and_commit, renders)

    client = app.test_client()
    journey(TestClientBrowser(client), KEY, script, stop_at_check=True)  # type: ignore[arg-type]
    page_path = f"/s/{KEY}/stap/politie"
    spent = [0.0]
    began = [0.0]

    def before(*_args: Any, **_kwargs: Any) -> None:
        began[0] = time.process_time()

    def after(*_args: Any, **_kwargs: Any) -> None:
        spent[0] += time.process_time() - began[0]

    client.get(page_path)
    with (
        before_render_template.connected_to(before, app),
        template_rendered.connected_to(after, app),
    ):
        for _ in range(renders):
            client.get(page_path)
    out["page_template"] = round(spent[0] / renders * 1000, 3)
    return out


def _answer_pairs(session: Any) -> list[tuple[str, str]]:
    """The answer rows of the response just submitted, as baseline form pairs."""
    from sqlalchemy import select

    from survey.models import Answer, Response, Survey

    response_id = session.scalar(
        select(Response.id).join(Survey).where(Survey.key == KEY).order_by(Response.id.desc())
    )
    rows = session.execute(
        select(Answer.variable_id, Answer.code).where(Answer.response_id == response_id)
    ).all()
    return [("a", f"{v}:{'' if c is None else c}") for v, c in rows]


# --- the scenario ----------------------------------------------------------------


def run(
    quick: bool = False, databases: tuple[str, ...] = ("sqlite", "postgresql")
) -> dict[str, Any]:
    seconds = 2.0 if quick else 6.0
    clients_list = (1, 4) if quick else (1, 4, 16)
    submit_total = 24 if quick else 160
    renders = 20 if quick else 200
    out: dict[str, Any] = {"workers": WORKERS, "seconds_per_run": seconds, "databases": {}}
    WORK.mkdir(parents=True, exist_ok=True)
    for name in databases:
        if name == "postgresql":
            if not Postgres.available():
                out["databases"][name] = {"skipped": "no PostgreSQL server binaries"}
                continue
            url = Postgres.database("bench_resident")
        else:
            path = WORK / "resident.sqlite"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            url = sqlite_url(path)
        log(f"  resident: {name}")
        survey_id, _file = prepare_database(url)
        result: dict[str, Any] = {}
        if name == "sqlite":
            costs = render_costs(url, renders)
            out["render"] = {k: v for k, v in costs.items() if not k.startswith("_")}
            pairs = costs["_pairs"]
        else:
            pairs = out.get("_pairs") or render_costs(url, 2)["_pairs"]
        out["_pairs"] = pairs
        server = Server("survey:create_app()", app_env(url))
        try:
            script: Script = {}
            learner = Browser(server.port)
            journey(learner, KEY, script, learn=True)
            learner.close()
            page_bytes = round(sum(learner.page_bytes) / max(1, len(learner.page_bytes)))
            result["journeys"] = [journeys(server.port, script, c, seconds) for c in clients_list]
            result["final_submit"] = [
                submits(server.port, script, c, submit_total) for c in clients_list
            ]
        finally:
            server.stop()
        # The ceilings: the bare stack, for the final submit and the journey.
        server = Server(
            "bench.baseline_app:create_app()",
            {
                "BENCH_DATABASE_URL": url,
                "BENCH_SURVEY_ID": str(survey_id),
                "BENCH_PAGE_BYTES": str(page_bytes),
            },
        )
        try:
            result["baseline"] = [baseline(server.port, pairs, c, seconds) for c in clients_list]
            steps = journey_steps(script)
            result["baseline_journeys"] = [
                bare_journeys(server.port, steps, pairs, c, seconds) for c in clients_list
            ]
        finally:
            server.stop()
        result["bare_page_bytes"] = page_bytes
        result["stored_check"] = _stored(url)
        ceiling = max(b["submits_per_s"] for b in result["baseline"])
        best_submit = max(s["submits_per_s"] for s in result["final_submit"])
        result["ceiling_per_s"] = ceiling
        result["final_submit_best_per_s"] = best_submit
        result["final_submit_ratio"] = round(best_submit / ceiling, 3) if ceiling else None
        four = next((j for j in result["journeys"] if j["clients"] == 4), None)
        result["journeys_4_clients_per_s"] = four["responses_per_s"] if four else None
        bare_four = next((j for j in result["baseline_journeys"] if j["clients"] == 4), None)
        result["bare_journeys_4_clients_per_s"] = (
            bare_four["responses_per_s"] if bare_four else None
        )
        result["journeys_4_clients_ratio"] = (
            round(four["responses_per_s"] / bare_four["responses_per_s"], 3)
            if four and bare_four and bare_four["responses_per_s"]
            else None
        )
        result["journey_ceiling_per_s"] = max(
            j["responses_per_s"] for j in result["baseline_journeys"]
        )
        out["databases"][name] = result
    out.pop("_pairs", None)
    return out


def _stored(url: str) -> dict[str, int]:
    """Responses and answer rows stored: nothing lost under concurrency."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        responses = conn.execute(text("SELECT count(*) FROM responses")).scalar_one()
        answers = conn.execute(text("SELECT count(*) FROM answers")).scalar_one()
    engine.dispose()
    return {"responses": int(responses), "answers": int(answers)}


def main() -> None:  # pragma: no cover - manual use
    import json

    print(json.dumps(run(quick=True, databases=("sqlite",)), indent=1))


if __name__ == "__main__":
    main()
