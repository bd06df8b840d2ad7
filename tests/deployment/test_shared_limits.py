"""Rate limits shared by every worker through a real Redis, on gunicorn with
4 workers against a real PostgreSQL; what the app logs meanwhile; and the
warning an installation gets when its workers would each count alone. One
test, one stack (its parts share the servers, which take ~10 s to set up).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from planner_helpers import make_user
from resident_flow import make_codes
from security.livehttp import ANSWERS, Browser, Reply, short_survey_file
from stack import PUBLIC_BASE_URL, Instance, Stack, get, start_stack, stop_stack
from support import import_file

CLIENT = "198.51.100.7"  # one client, as nginx reports it (X-Forwarded-For)
_FRESH = itertools.count(1)  # the last byte of addresses not used before


def _browser(instance: Instance, address: str) -> Browser:
    return Browser(f"127.0.0.1:{instance.port}", headers={"X-Forwarded-For": address})


def _form_pairs(reply: Reply, **values: str) -> list[tuple[str, str]]:
    form = reply.form()
    pairs = [(name, field.value) for name, field in form.fields.items()]
    return [(name, values.get(name, value)) for name, value in pairs]


def _guess(browser: Browser, page: Reply, field: str, value: str) -> int:
    return browser.post(page.path, _form_pairs(page, **{field: value})).status


def _at_once(count: int, attempt: Callable[[int], int]) -> Counter[int]:
    """The statuses of ``count`` attempts sent 8 at a time (so that every
    worker takes some)."""
    with ThreadPoolExecutor(8) as pool:
        return Counter(pool.map(attempt, range(count)))


def _sign_in(browser: Browser, page: Reply, email: str, password: str) -> int:
    return browser.post(page.path, _form_pairs(page, email=email, password=password)).status


def _one_by_one(
    instance: Instance, count: int, path: str, attempt: Callable[[Browser, Reply, int], int]
) -> Counter[int]:
    """The statuses of ``count`` attempts, each from a new address, one
    after the other (a failed attempt is counted after its answer: attempts
    at once could all pass the check before any is counted)."""
    statuses: Counter[int] = Counter()
    for n in range(count):
        browser = _browser(instance, f"203.0.113.{next(_FRESH)}")
        statuses[attempt(browser, browser.get(path), n)] += 1
    return statuses


def _setup_data(stack: Stack, tmp_path: Path) -> dict[str, Any]:
    """Two invitation surveys, a partner link, a planner: set up through the
    services in this process, on the instances' database and secret."""
    from support import PARTNER_FILE

    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.partners.links import issue_link
    from survey.partners.organisations import clean, create_organisation

    app = stack.app()
    try:
        first = import_file(app, short_survey_file(tmp_path, "kort-een", "invitation"))
        second = import_file(app, short_survey_file(tmp_path, "kort-twee", "invitation"))
        partner_key = import_file(app, PARTNER_FILE)
        codes = make_codes(app, first, 2)
        make_user(app, "ana@zone.test", "planner")
        make_user(app, "ben@zone.test", "planner")
        with app.app_context():
            organisation = create_organisation(
                db.session, clean("Parket Gent", "justitie", "parket@example.be")
            )
            survey = find_survey(db.session, partner_key)
            assert survey is not None
            token = issue_link(db.session, organisation, survey).token
            db.session.commit()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return {"first": first, "second": second, "codes": codes, "token": token}


@pytest.fixture
def limited(tmp_path: Path) -> Any:
    stack = start_stack(tmp_path, "limits")
    data = _setup_data(stack, tmp_path)
    instance = Instance(stack, "limits", workers=4, SURVEY_RATELIMIT_CODES_PER_SURVEY="25/hour")
    try:
        instance.start()
        yield stack, instance, data
    finally:
        instance.stop()
        stop_stack(stack)


def test_limits_hold_across_four_workers_and_the_log_keeps_no_secrets(limited: Any) -> None:
    """One journey through the limits of a production instance (gunicorn,
    4 workers, PostgreSQL, Redis behind SURVEY_PROXY_FIX=1), then its log."""
    stack, instance, data = limited
    first, second = data["first"], data["second"]

    # --- one address, 60 letter-code guesses at once over 4 workers: 10 tried.
    guesser = _browser(instance, CLIENT)
    page = guesser.get(f"/s/{first}/code")
    statuses = _at_once(60, lambda n: _guess(guesser, page, "code", f"AAAA-AAAA-{n:04d}"))
    assert statuses == {200: 10, 429: 50}, statuses

    # The same for resume codes (their own budget), and for planner sign-in.
    page = guesser.get(f"/s/{first}/hervat")
    statuses = _at_once(60, lambda n: _guess(guesser, page, "resume_code", f"AAAA-{n:04d}-AAAA"))
    assert statuses == {200: 10, 429: 50}, statuses
    page = guesser.get("/planner/aanmelden")
    statuses = _at_once(40, lambda n: _sign_in(guesser, page, "ana@zone.test", f"wrong-{n}"))
    assert statuses == {401: 5, 429: 35}, statuses
    # Every worker took part: the counters are shared, not per process.
    code_entries = [
        r["pid"] for r in instance.log_records() if r.get("endpoint") == "residents.code"
    ]
    assert len(set(code_entries)) >= 2, Counter(code_entries)

    # --- an attacker rotating addresses: the survey's own budget (25 failed
    # attempts an hour here) stops the guessing.
    statuses = _one_by_one(
        instance,
        60,
        f"/s/{second}/code",
        lambda b, p, n: _guess(b, p, "code", f"CCCC-{n:04d}-CCCC"),
    )
    assert statuses == {200: 25, 429: 35}, statuses
    # The price (SECURITY.md): while it is spent, no one can enter a code
    # for that survey; other surveys are not touched.
    resident = _browser(instance, "192.0.2.50")
    page = resident.get(f"/s/{second}/code")
    assert _guess(resident, page, "code", "KKKK-KKKK-KKKK") == 429
    page = resident.get(f"/s/{first}/code")
    entered = resident.post(page.path, _form_pairs(page, code=data["codes"][0]))
    assert entered.status == 302, entered.status

    # One account from many addresses: 20 failed sign-ins an hour (the
    # e-mail address as typed, in any case).
    statuses = _one_by_one(
        instance,
        25,
        "/planner/aanmelden",
        lambda b, p, n: _sign_in(b, p, "BEN@zone.test ", f"x{n}"),
    )
    assert statuses == {401: 20, 429: 5}, statuses

    # --- a resident's whole journey with a letter code and a resume code.
    reply = resident.follow(resident.get(f"/s/{first}/stap/een"))
    resume_code = re.search(r'class="resume-code">([A-Z0-9-]+)<', reply.body)
    resume_link = re.search(r'href="(http[^"]+/hervat/[^"]+)"', reply.body)
    assert resume_code and resume_link, reply.text[:500]
    # Links come from SURVEY_PUBLIC_BASE_URL, even with a forged Host.
    assert resume_link.group(1).startswith(f"{PUBLIC_BASE_URL}/s/{first}/hervat/")
    forged = Browser(
        f"127.0.0.1:{instance.port}",
        headers={"Host": "evil.example:666", "X-Forwarded-For": "192.0.2.50"},
        cookies=dict(resident.cookies),
    )
    again = forged.get(f"/s/{first}/stap/een")
    assert f'href="{PUBLIC_BASE_URL}/s/{first}/hervat/' in again.body
    assert "evil.example" not in again.body
    other = _browser(instance, "192.0.2.51")
    page = other.get(f"/s/{first}/hervat")
    resumed = other.post(page.path, _form_pairs(page, resume_code=resume_code.group(1)))
    assert resumed.status == 302, resumed.status
    reply = other.follow(resumed)
    reply = other.follow(other.submit(reply, ANSWERS))
    reply = other.follow(other.submit(reply, {**ANSWERS, "opmerkingen": "Mijn straat is donker"}))
    thanks = other.follow(other.submit(reply))
    assert thanks.path.endswith("/bedankt"), thanks.path
    # A partner opens their personal link.
    partner = _browser(instance, "192.0.2.60")
    assert partner.get(f"/p/{data['token']}").status == 200

    # --- Redis down: readiness says so, the forms keep working and each
    # process counts on its own until Redis is back.
    stack.redis.pause()
    try:
        status, body = get(instance.port, "/readyz")
        assert status == 503 and b'"ratelimit":"unreachable"' in body, body
        assert get(instance.port, "/healthz")[0] == 200
        late = _browser(instance, "192.0.2.70")
        page = late.get(f"/s/{first}/code")
        assert _guess(late, page, "code", "DDDD-DDDD-DDDD") == 200
    finally:
        stack.redis.resume()
    assert get(instance.port, "/readyz")[0] == 200

    # --- the log: one JSON object per line, requests by endpoint name, and
    # no token, code, address, answer or raw path anywhere.
    records = instance.log_records()
    requests = [r for r in records if r["logger"] == "survey.requests"]
    assert {"residents.code", "residents.resume_code", "auth.login", "partner.start"} <= {
        r["endpoint"] for r in requests
    }
    for record in requests:
        assert set(record) == {
            "time", "level", "logger", "pid", "message",
            "method", "endpoint", "status", "duration_ms",
        }  # fmt: skip
    text = instance.log_text()
    secrets = [
        data["token"],
        *data["codes"],
        *(code.replace("-", "") for code in data["codes"]),
        resume_code.group(1),
        resume_code.group(1).replace("-", ""),
        resume_link.group(1).rsplit("/", 1)[1],
        "Mijn straat is donker",
        "198.51.100",
        "203.0.113",
        "192.0.2.",
        "ana@zone.test",
        "ben@zone.test",
        "/p/",
        "/hervat",
        "code=",
    ]
    leaked = [secret for secret in secrets if secret.lower() in text.lower()]
    assert leaked == [], leaked
    assert not any(r["level"] == "warning" and "per process" in r["message"] for r in records)

    # --- the same 4 workers on memory:// would each count alone (a client
    # gets up to 4 times every limit): the app says so at start.
    alone = Instance(stack, "memory", workers=4, SURVEY_RATELIMIT_STORAGE_URI="memory://")
    try:
        alone.start()
        warnings = [
            r
            for r in alone.log_records()
            if r["logger"] == "survey.ratelimits" and r["level"] == "warning"
        ]
    finally:
        alone.stop()
    assert warnings, alone.log_text()[-2000:]
    assert "4 workers" in warnings[0]["message"]
    assert "SURVEY_RATELIMIT_STORAGE_URI=redis://" in warnings[0]["message"]
