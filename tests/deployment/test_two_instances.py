"""The deployment of docs/deployment.md beyond one machine's single process:
nginx in front of two app instances (gunicorn, 2 workers each) on different
ports, sharing one PostgreSQL and one Redis. 500 residents answer through
nginx while one instance is killed and started again and the database is
restarted once; every confirmed response is stored exactly once, and no
resident sees a server error outside those two outage windows.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from security.livehttp import ANSWERS, Browser, Reply, short_survey_file
from stack import Instance, Nginx, start_stack, stop_stack
from support import import_file

RESIDENTS = 500
# After an outage ends, requests already queued may still fail for a moment
# (a request that met the database down answers the 503 page).
GRACE_SECONDS = 5.0


@dataclass
class Resident(Browser):
    """A resident's browser that, like a person, tries again when the page
    says something went wrong (the app's 503 page has a retry button that
    posts the same answers) or the connection breaks."""

    failures: list[tuple[float, str]] = field(default_factory=list)

    def request(self, method: str, path: str, body: bytes | None = None) -> Reply:
        for _attempt in range(300):
            try:
                reply = super().request(method, path, body)
            except (OSError, http.client.HTTPException) as exc:
                self.failures.append((time.monotonic(), type(exc).__name__))
            else:
                if reply.status < 500:
                    return reply
                self.failures.append((time.monotonic(), str(reply.status)))
            time.sleep(0.2)
        raise AssertionError(f"{method} {path} kept failing: {self.failures[-5:]}")


def _answer(host: str, key: str, number: int) -> tuple[bool, list[tuple[float, str]]]:
    """One resident's whole journey; whether the thank-you page confirmed it."""
    browser = Resident(host)
    reply = browser.follow(browser.submit(browser.get(f"/s/{key}")))
    for _step in range(12):
        if reply.path.endswith("/bedankt") and reply.status == 200:
            return True, browser.failures
        reply = browser.follow(
            browser.submit(reply, {**ANSWERS, "opmerkingen": f"nummer {number}"})
        )
    return False, browser.failures


def test_500_residents_answer_through_an_instance_crash_and_a_database_restart(
    tmp_path: Path,
) -> None:
    stack = start_stack(tmp_path, "twin")
    app = stack.app()
    try:
        key = import_file(app, short_survey_file(tmp_path, "kort-open", "open"))
    finally:
        from survey.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    first = Instance(stack, "first", workers=2)
    second = Instance(stack, "second", workers=2)
    nginx = Nginx(tmp_path, [first.port, second.port])
    outages: list[tuple[float, float]] = []
    confirmed = Counter[bool]()
    done = threading.Event()
    try:
        first.start()
        second.start()
        nginx.start()
        host = f"127.0.0.1:{nginx.port}"
        results: list[tuple[bool, list[tuple[float, str]]]] = []

        def one(number: int) -> None:
            outcome = _answer(host, key, number)
            results.append(outcome)
            confirmed[outcome[0]] += 1

        pool = ThreadPoolExecutor(10)
        futures = [pool.submit(one, n) for n in range(1, RESIDENTS + 1)]

        def wait_for(count: int) -> None:
            while len(results) < count and not done.is_set():
                time.sleep(0.05)

        # One instance crashes (every process killed at once) and comes back.
        wait_for(RESIDENTS // 5)
        began = time.monotonic()
        first.kill()
        time.sleep(1.0)
        first.start()
        outages.append((began, time.monotonic() + GRACE_SECONDS))
        # The database restarts once.
        wait_for(RESIDENTS // 2)
        began = time.monotonic()
        stack.pg.pause()
        time.sleep(2.0)
        stack.pg.resume()
        outages.append((began, time.monotonic() + GRACE_SECONDS))
        for future in futures:
            future.result(timeout=600)
        pool.shutdown()
    finally:
        done.set()
        nginx.stop()
        second.stop()
        first.stop()
        urls = stack.database_url.replace("+psycopg", "")
        try:
            with psycopg.connect(urls) as conn:
                texts = [row[0] for row in conn.execute("SELECT text FROM free_texts")]
                stored = conn.execute("SELECT count(*) FROM responses").fetchone()
        finally:
            stop_stack(stack)

    assert confirmed == {True: RESIDENTS}, confirmed
    # Every confirmed response is stored, and stored once.
    assert stored is not None and stored[0] == RESIDENTS
    assert Counter(texts) == {f"nummer {n}": 1 for n in range(1, RESIDENTS + 1)}
    # Server errors (or broken connections) only within the outage windows.
    failures = [f for _ok, fs in results for f in fs]
    outside = [
        (round(when - outages[0][0], 2), what)
        for when, what in failures
        if not any(start <= when <= end for start, end in outages)
    ]
    assert outside == [], outside[:20]
    # The outages were real: residents met the Dutch 503 page while the
    # database was down, and went on.
    in_restart = Counter(what for when, what in failures if outages[1][0] <= when <= outages[1][1])
    assert in_restart["503"] > 0, Counter(what for _when, what in failures)
