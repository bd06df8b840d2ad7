"""Rate limits on what can be guessed: letter codes, resume codes and the
planners' sign-in. Every limit and key function lives here; a view carries
one decorator (``@code_entry`` or ``@sign_in``).

Two limits guard each form:
- per client address, every attempt (``RATELIMIT_CODES_PER_ADDRESS``,
  10 a minute; ``RATELIMIT_LOGIN_PER_ADDRESS``, 5 a minute);
- per target, failed attempts only: the survey whose codes are guessed
  (``RATELIMIT_CODES_PER_SURVEY``, 600 an hour for each survey's letter
  codes and again for its resume codes) and the planner account signed in
  to (``RATELIMIT_LOGIN_PER_ACCOUNT``, 20 an hour). Those hold against an
  attacker who rotates addresses. The price: while a survey's budget is
  spent, nobody can type a code for it (residents who hold a link or a
  cookie go on answering); SECURITY.md has the arithmetic.

The counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` counts per
process, so an installation with more than one app process (gunicorn
``-w 4``, two machines) needs a shared store (``redis://``). The app warns at
start when it can tell (``declared_workers``) that it runs with several
workers on memory storage. When Redis cannot be reached each process counts in its
own memory until Redis answers again (Flask-Limiter's in-memory fallback).

Keys hold no personal data: an address or an e-mail address becomes an
HMAC keyed with the app's secret, so Redis never sees either.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

from survey.extensions import limiter
from survey.tokens import token_hash

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

_SURVEY_KEY = re.compile(r"[a-z0-9-]{3,64}")
# Redis: a dead or unreachable store must cost a request ~1 s, not hang it.
REDIS_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


def _configured(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def client_address() -> str:
    """The client's address (after ``SURVEY_PROXY_FIX``), as an HMAC."""
    address = request.remote_addr or "unknown"
    return "address:" + token_hash(address, "ratelimit-address")[:32]


def survey_target() -> str:
    """The survey in the address (``/s/<key>/...``); every malformed key
    shares one bucket, so made-up keys cannot multiply the budget."""
    key = str((request.view_args or {}).get("key", ""))
    return "survey:" + (key if _SURVEY_KEY.fullmatch(key) else "-")


def account_target() -> str:
    """The planner account a sign-in names (its e-mail address, as an HMAC)."""
    email = request.form.get("email", "")[:254].strip().lower()
    return "account:" + token_hash(email, "ratelimit-account")[:32]


def failed_attempt(response: Response) -> bool:
    """Whether an attempt tried a code or password and let nobody in: a
    right one answers with a redirect, a wrong one with the form again. An
    attempt refused by a limit (429) tried nothing and costs nothing."""
    return response.status_code not in (301, 302, 303, 429)


def _guarded(per_address: str, per_target: str, target: Callable[[], str]) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        per_target_limit = limiter.limit(
            _configured(per_target),
            key_func=target,
            methods=["POST"],
            deduct_when=failed_attempt,
        )
        per_address_limit = limiter.limit(
            _configured(per_address), key_func=client_address, methods=["POST"]
        )
        return cast(F, per_address_limit(per_target_limit(view)))

    return decorate


code_entry = _guarded("RATELIMIT_CODES_PER_ADDRESS", "RATELIMIT_CODES_PER_SURVEY", survey_target)
"""Decorator of a form where a letter code or resume code is typed."""

sign_in = _guarded("RATELIMIT_LOGIN_PER_ADDRESS", "RATELIMIT_LOGIN_PER_ACCOUNT", account_target)
"""Decorator of the planners' sign-in form."""


def declared_workers(app: Flask, argv: list[str] | None = None) -> int:
    """How many worker processes serve this installation, as far as the app
    can tell: ``SURVEY_WORKERS`` (set by deploy/gunicorn.conf.py), gunicorn's
    ``WEB_CONCURRENCY``, or ``-w N`` / ``--workers N`` on a gunicorn command
    line (the workers inherit the master's)."""
    configured = int(app.config.get("WORKERS") or 1)
    if configured > 1:
        return configured
    concurrency = os.environ.get("WEB_CONCURRENCY", "")
    if concurrency.isdigit() and int(concurrency) > 1:
        return int(concurrency)
    args = sys.argv if argv is None else argv
    if not args or not os.path.basename(args[0]).startswith("gunicorn"):
        return configured
    for index, arg in enumerate(args):
        value = None
        if arg in ("-w", "--workers") and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--workers="):
            value = arg.partition("=")[2]
        elif arg.startswith("-w") and len(arg) > 2:
            value = arg[2:]
        if value is not None and value.isdigit():
            return int(value)
    return configured


def shared_storage(app: Flask) -> bool:
    """Whether the counters are shared by every process of the installation."""
    return not str(app.config["RATELIMIT_STORAGE_URI"]).startswith("memory://")


def init_app(app: Flask) -> None:
    """Bind the limiter to ``app``, with short Redis timeouts; warn when
    several workers would each count in their own memory."""
    if str(app.config["RATELIMIT_STORAGE_URI"]).startswith(("redis://", "rediss://")):
        options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        for name, value in REDIS_OPTIONS.items():
            options.setdefault(name, value)
        app.config["RATELIMIT_STORAGE_OPTIONS"] = options
    limiter.init_app(app)
    workers = declared_workers(app)
    if app.config["RATELIMIT_ENABLED"] and workers > 1 and not shared_storage(app):
        log.warning(
            "rate limits are counted per process (RATELIMIT_STORAGE_URI memory://) but "
            "%s workers serve this installation: a client gets up to %s times every limit; "
            "set SURVEY_RATELIMIT_STORAGE_URI=redis://... (docs/deployment.md)",
            workers,
            workers,
        )


def storage_reachable() -> bool:
    """Whether the rate-limit store answers (always true for memory)."""
    if not limiter.enabled or not limiter.initialized:
        return True
    try:
        return bool(limiter.storage.check())
    except Exception:  # whatever the client raised: not reachable
        return False
