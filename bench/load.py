"""Residents at a peak: an open-loop load of page requests, and what each
page type feels like under it.

Open loop: requests are sent at the moments a Poisson process at ``rate``
per second draws, whether or not earlier answers have come back, as
residents arriving after a press release do. Each request belongs to a
resident (``Visit``) walking the survey with the answers learned once
(``bench.httpclient.journey``): the start page, begin, every page shown and
posted with its CSRF token, the check page, the final submit and the
thank-you page. At each moment the resident who has waited longest since
the last answer (at least a think time) sends the next request; when nobody
is ready, a new resident arrives. So the rate is the one asked for, and the
mix of page types is that of whole journeys.

Latency is counted from the moment a request was due, not from when a
client thread got round to sending it, so a server that falls behind shows
as latency instead of as fewer requests (no coordinated omission).
"""

from __future__ import annotations

import heapq
import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from bench.httpclient import CSRF_RE, Browser, Script, expect_status

# Page types, in journey order (the keys of every per-type table).
KINDS = ("start", "begin", "page GET", "page POST", "check", "submit", "thanks")
# Think time between a resident's answer and their next request, seconds.
# Shorter than a real resident's (half a minute per page) so that journeys
# end within a run and the final submits are measured too; the server sees
# the same mix of requests either way.
THINK_S = (0.5, 2.5)


class HttpLike(Protocol):
    requests: int

    def request(
        self, method: str, path: str, pairs: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str]: ...

    def close(self) -> None: ...


def page_kind(key: str, path: str, method: str) -> str:
    """The page type of a request of the resident journey of survey ``key``."""
    address = path.split("?", 1)[0]
    if address == f"/s/{key}":
        return "start" if method == "GET" else "begin"
    if "/stap/" in address:
        return f"page {method}"
    if address.endswith("/controle"):
        return "check" if method == "GET" else "submit"
    if address.endswith("/bedankt"):
        return "thanks"
    return f"other {method}"


class Visit:
    """One resident's journey, one request per ``step``."""

    def __init__(self, browser: HttpLike, key: str, script: Script) -> None:
        self.browser = browser
        self.key = key
        self.script = script
        self.method = "GET"
        self.path = f"/s/{key}"
        self.html = ""
        self.seen: dict[str, int] = {}
        self.done = False

    @property
    def next_kind(self) -> str:
        return page_kind(self.key, self.path, self.method)

    def step(self) -> tuple[str, str]:
        """Send the next request; (page type, body). Raises on an answer a
        resident would not get (an error page, a wrong redirect)."""
        kind = self.next_kind
        if self.method == "GET":
            status, _location, body = self.browser.request("GET", self.path)
            expect_status(status, 200, kind)
            if kind == "thanks":
                self.done = True
            else:
                self.html = body
                self.method = "POST"
            return kind, body
        token = CSRF_RE.search(self.html)
        if token is None:
            raise RuntimeError(f"no CSRF token on {self.path}")
        occurrence = self.seen.get(self.path, 0)
        self.seen[self.path] = occurrence + 1
        action, pairs = self.script[(self.path, occurrence)]
        status, location, body = self.browser.request(
            "POST", action, [("csrf_token", token.group(1)), *pairs]
        )
        if status == 200 and kind == "page POST":
            self.html = body  # shown again: questions appeared on the same page
        else:
            expect_status(status, 302, kind)
            self.path = location
            self.method = "GET"
        return kind, body


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile ``p`` (0-100) of ``values``; 0 if empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered) + 0.4999))
    return ordered[min(len(ordered), rank) - 1]


def open_loop(
    port: int,
    key: str,
    script: Script,
    rate: float,
    seconds: float,
    *,
    seed: int = 1,
    warmup_s: float = 0.0,
    think_s: tuple[float, float] = THINK_S,
    threads: int = 96,
    browser: Callable[[int], HttpLike] = Browser,
) -> dict[str, Any]:
    """Residents' page requests at ``rate`` per second (Poisson) for
    ``seconds`` against the app on ``port``: latency percentiles per page
    type (ms, from the moment each request was due), errors, journeys.

    The same load runs ``warmup_s`` before, not counted: a server at a peak
    has been serving for a while (its workers have compiled their templates
    and opened their connections), and residents are already part-way
    through their journeys when the counted window opens."""
    rng = random.Random(seed)
    due: list[float] = []
    at = -warmup_s + rng.expovariate(rate)
    while at < seconds:
        due.append(at)
        at += rng.expovariate(rate)
    lock = threading.Lock()
    ready: list[tuple[float, int, Visit]] = []  # (ready at, order, visit)
    latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
    errors: dict[str, int] = {}
    first_errors: list[str] = []
    lags: list[float] = []
    counts = {"started": 0, "submitted": 0, "completed": 0}
    order = iter(range(1 << 62))

    def send(visit: Visit, due_at: float) -> None:
        lags.append(time.perf_counter() - due_at)
        kind = visit.next_kind
        try:
            kind, _body = visit.step()
            ok = True
        except Exception as exc:  # counted per page type, shown in the results
            ok = False
            visit.done = True
            with lock:
                if len(first_errors) < 3:
                    first_errors.append(repr(exc)[:200])
        finished = time.perf_counter()
        counted = due_at >= began
        with lock:
            if ok and kind == "submit":
                counts["submitted"] += 1
            if counted and ok:
                latencies.setdefault(kind, []).append(finished - due_at)
            if counted and not ok:
                errors[kind] = errors.get(kind, 0) + 1
            if visit.done:
                if counted and ok and kind == "thanks":
                    counts["completed"] += 1
                visit.browser.close()
            else:
                think = rng.uniform(*think_s)
                heapq.heappush(ready, (finished - began + think, next(order), visit))

    pool = ThreadPoolExecutor(max_workers=threads)
    load_before = os.getloadavg()[0]
    began = time.perf_counter() + warmup_s  # the counted window opens
    for moment in due:
        wait = began + moment - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        with lock:
            if ready and ready[0][0] <= moment:
                visit = heapq.heappop(ready)[2]
            else:
                visit = Visit(browser(port), key, script)
                counts["started"] += 1
        pool.submit(send, visit, began + moment)
    pool.shutdown(wait=True)
    in_window = [moment for moment in due if moment >= 0]
    elapsed = time.perf_counter() - began
    with lock:
        for _ready_at, _n, visit in ready:
            visit.browser.close()
    per_kind = {
        kind: {
            "requests": len(values),
            "errors": errors.get(kind, 0),
            "p50_ms": _ms(percentile(values, 50)),
            "p95_ms": _ms(percentile(values, 95)),
            "p99_ms": _ms(percentile(values, 99)),
            "max_ms": _ms(max(values, default=0.0)),
        }
        for kind, values in latencies.items()
        if values or errors.get(kind)
    }
    return {
        "rate_asked": rate,
        "seconds": seconds,
        "warmup_s": warmup_s,
        "requests_with_warmup": len(due),
        "requests": len(in_window),
        "rate_sent": round(len(in_window) / seconds, 1),
        "elapsed_s": round(elapsed, 1),
        "errors": sum(errors.values()),
        "first_errors": first_errors,
        "journeys_started": counts["started"],
        "journeys_completed": counts["completed"],
        # Every final submit of the run, warm-up included (what must be stored).
        "submitted": counts["submitted"],
        "send_lag_p99_ms": _ms(percentile(lags, 99)),
        # The machine's 1-minute load average as the run began and ended:
        # other work on it moves the percentiles.
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "pages": per_kind,
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
