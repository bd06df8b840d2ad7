"""Scenario 1: residents at a realistic peak, as they feel it.

The app runs as deployed (gunicorn with ``deploy/gunicorn.conf.py``, its
default 4 sync workers, production settings) on 127.0.0.1, on SQLite (file,
WAL) and on PostgreSQL, with an open copy of the default resident survey.
Measured:

- latency per page type at the peak (``bench.load.open_loop``): 50 resident
  page requests per second for 60 s, as after a press release about the
  survey; p50, p95, p99 and max per page type (start, begin, page GET, page
  POST, check, submit, thank-you), errors, journeys completed and stored;
  then a shorter run at twice the peak, to show the margin;
- page weight: the bytes of each page type's HTML and of the CSS and
  JavaScript it loads, as sent and gzip-compressed (what a compressing
  proxy would send);
- the server's CPU per request at the peak (gunicorn's workers and the
  database server, from /proc): what share of the machine the peak takes,
  whatever else runs on it;
- in process (Flask test client, warm): SQL statements and CPU ms per page
  type, and per page of the survey plus one page of 60 questions, to show
  neither grows with the questions on a page.
"""

from __future__ import annotations

import gzip
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from bench.common import (
    PUBLIC_BASE_URL,
    PYTHON,
    RESIDENT_FILE,
    ROOT,
    SECRET,
    WORK,
    Postgres,
    count_responses,
    free_port,
    log,
    make_app,
    sqlite_url,
    tree_cpu_seconds,
)
from bench.httpclient import Browser, Script, TestClientBrowser, journey
from bench.load import KINDS, THINK_S, Visit, open_loop

KEY = "burgers-bench"
WIDE_KEY = "burgers-wide"
WORKERS = 4  # deploy/gunicorn.conf.py's default (SURVEY_WORKERS)
PEAK_RATE = 50.0  # resident page requests per second after a press release
PEAK_SECONDS = 60.0
HEADROOM_RATE = 100.0
HEADROOM_SECONDS = 30.0
WARMUP_SECONDS = 10.0
# A smoke run (--quick) is too short for journeys at the peak's think time
# to reach the check page: residents think less, so every page type is met.
QUICK_THINK_S = (0.1, 0.5)
# Pages with a body a resident sees (the others answer with a redirect).
PAGE_KINDS = ("start", "page GET", "check", "thanks")
_ASSET_RE = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/static/[^"?]+)[^"]*"')


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
    """The app under gunicorn as deployed (``deploy/gunicorn.conf.py``) on a
    free loopback port."""

    def __init__(self, env: dict[str, str], workers: int = WORKERS) -> None:
        self.port = free_port()
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        self.proc = subprocess.Popen(
            [
                gunicorn,
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "SURVEY_WORKERS": str(workers), **env},
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
                    raise RuntimeError(f"gunicorn exited; see {WORK / 'gunicorn.log'}") from exc
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("gunicorn did not answer")

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


# --- page weight -------------------------------------------------------------------


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def page_weight(port: int, script: Script) -> dict[str, Any]:
    """Per page type, the heaviest page's HTML and the CSS and JavaScript it
    loads: bytes as sent and gzip-compressed, and the total of a first
    visit (nothing cached yet)."""
    visit = Visit(Browser(port), KEY, script)
    heaviest: dict[str, bytes] = {}
    while not visit.done:
        kind, body = visit.step()
        if kind in PAGE_KINDS:
            data = body.encode("utf-8")
            if len(data) > len(heaviest.get(kind, b"")):
                heaviest[kind] = data
    visit.browser.close()
    assets: dict[str, bytes] = {}
    out: dict[str, Any] = {}
    for kind, html in heaviest.items():
        paths = sorted(set(_ASSET_RE.findall(html.decode("utf-8"))))
        for path in paths:
            if path not in assets:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                    assets[path] = r.read()
        html_gz = _gzip_size(html)
        asset_bytes = sum(len(assets[p]) for p in paths)
        asset_gz = sum(_gzip_size(assets[p]) for p in paths)
        out[kind] = {
            "html": len(html),
            "html_gzip": html_gz,
            "assets": paths,
            "css_js": asset_bytes,
            "css_js_gzip": asset_gz,
            "total": len(html) + asset_bytes,
            "total_gzip": html_gz + asset_gz,
        }
    return out


# --- in-process measurements ----------------------------------------------------


class _Counter:
    """SQL statements sent by an engine while attached; transaction control
    (BEGIN, which the app sends itself on SQLite only) is not counted."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.count = 0

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.count += 1

    def __enter__(self) -> _Counter:
        from sqlalchemy import event

        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc: Any) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self)


def per_page_type(url: str, journeys: int) -> dict[str, Any]:
    """SQL statements and CPU ms per request of each page type, in process
    (test client, warm: one journey first, not counted): the mean over
    ``journeys`` whole journeys, the statements as the range seen."""
    from survey.extensions import db

    app = make_app(url)
    with app.app_context():
        engine = db.engine
    script: Script = {}
    journey(TestClientBrowser(app.test_client()), KEY, script, learn=True)  # type: ignore[arg-type]
    cpu: dict[str, list[float]] = {}
    statements: dict[str, list[int]] = {}
    for _ in range(journeys):
        visit = Visit(TestClientBrowser(app.test_client()), KEY, script)
        while not visit.done:
            with _Counter(engine) as counter:
                began = time.process_time()
                kind, _body = visit.step()
                spent = time.process_time() - began
            cpu.setdefault(kind, []).append(spent)
            statements.setdefault(kind, []).append(counter.count)
    with app.app_context():
        db.engine.dispose()
    return {
        kind: {
            "cpu_ms": round(sum(cpu[kind]) / len(cpu[kind]) * 1000, 2),
            "statements": [min(statements[kind]), max(statements[kind])],
        }
        for kind in KINDS
        if kind in cpu
    }


def per_page(url: str, renders: int) -> dict[str, Any]:
    """CPU ms per render and SQL statements of every page of the survey and
    of the 60-question page (a GET of a page already reached)."""
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db

    app = make_app(url)
    with app.app_context():
        engine = db.engine
    pages: dict[str, Any] = {}
    for key in (KEY, WIDE_KEY):
        client = app.test_client()
        # Walk to the check page so every page can be shown again.
        journey(TestClientBrowser(client), key, {}, learn=True, stop_at_check=True)  # type: ignore[arg-type]
        with app.app_context():
            survey = find_survey(db.session, key)
            assert survey is not None
            sizes = {
                page.key: (
                    len(page.questions),
                    sum(len(q.qtype.variables(q)) for q in page.questions),
                )
                for page in definition_of(survey).pages
            }
        for page_key, (questions, fields) in sizes.items():
            if key == WIDE_KEY and page_key != "breed":
                continue
            path = f"/s/{key}/stap/{page_key}"
            if client.get(path).status_code != 200:
                continue
            with _Counter(engine) as counter:
                client.get(path)
            began = time.process_time()
            for _ in range(renders):
                client.get(path)
            per_render = (time.process_time() - began) / renders * 1000
            name = page_key if key == KEY else f"{page_key} (60 questions)"
            pages[name] = {
                "questions": questions,
                "fields": fields,
                "cpu_ms": round(per_render, 2),
                "sql_statements": counter.count,
            }
    with app.app_context():
        db.engine.dispose()
    return pages


# --- the scenario ----------------------------------------------------------------


def run(
    quick: bool = False, databases: tuple[str, ...] = ("sqlite", "postgresql")
) -> dict[str, Any]:
    peak_seconds = 10.0 if quick else PEAK_SECONDS
    headroom_seconds = 0.0 if quick else HEADROOM_SECONDS
    journeys = 3 if quick else 20
    renders = 20 if quick else 200
    think_s = QUICK_THINK_S if quick else THINK_S
    out: dict[str, Any] = {
        "workers": WORKERS,
        "peak": {
            "rate": PEAK_RATE,
            "seconds": peak_seconds,
            "warmup_s": WARMUP_SECONDS,
            "think_s": list(think_s),
        },
        "headroom": {"rate": HEADROOM_RATE, "seconds": headroom_seconds},
        "databases": {},
    }
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
        prepare_database(url)
        result: dict[str, Any] = {"per_page_type": per_page_type(url, journeys)}
        if name == "sqlite":
            out["pages"] = per_page(url, renders)
        server = Server(app_env(url))
        try:
            script: Script = {}
            learner = Browser(server.port)
            journey(learner, KEY, script, learn=True)
            learner.close()
            if "weight" not in out:
                out["weight"] = page_weight(server.port, script)
            before = count_responses(url)
            log(f"    {PEAK_RATE:.0f} requests/s for {peak_seconds:.0f} s")
            # The server's processes: gunicorn's and the database server's.
            roots = [server.proc.pid, *(Postgres.pids() if name == "postgresql" else [])]
            cpu = tree_cpu_seconds(roots)
            result["peak"] = open_loop(
                server.port,
                KEY,
                script,
                PEAK_RATE,
                peak_seconds,
                warmup_s=WARMUP_SECONDS,
                think_s=think_s,
            )
            cpu = tree_cpu_seconds(roots) - cpu
            result["peak"]["server_cpu_ms_per_request"] = round(
                cpu * 1000 / max(1, result["peak"]["requests_with_warmup"]), 2
            )
            submitted = result["peak"]["submitted"]
            if headroom_seconds:
                log(f"    {HEADROOM_RATE:.0f} requests/s for {headroom_seconds:.0f} s")
                result["headroom"] = open_loop(
                    server.port,
                    KEY,
                    script,
                    HEADROOM_RATE,
                    headroom_seconds,
                    seed=2,
                    warmup_s=WARMUP_SECONDS / 2,
                    think_s=think_s,
                )
                submitted += result["headroom"]["submitted"]
        finally:
            server.stop()
        result["stored"] = {"submitted": submitted, "responses": count_responses(url) - before}
        out["databases"][name] = result
    return out


def main() -> None:  # pragma: no cover - manual use
    import json

    print(json.dumps(run(quick=True, databases=("sqlite",)), indent=1))


if __name__ == "__main__":
    main()
