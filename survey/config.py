"""Configuration: defaults first, then ``SURVEY_*`` environment variables.

The environment wins over the defaults, and explicit ``overrides`` passed to
``create_app`` (tests) win over the environment. Outside development and tests
the app refuses to start without ``SURVEY_SECRET_KEY`` (every code hash, draft
token and session cookie depends on it) and without an ``https://``
``SURVEY_PUBLIC_BASE_URL`` (every absolute link handed out is made from it,
never from the request's Host header: ``survey.urls``).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from survey.i18n import parse_fallbacks


class ConfigError(SystemExit):
    """The configuration cannot be used; the message says what to set.

    A ``SystemExit``: the ``flask`` command, gunicorn or a script that
    starts the app stops with this one line (exit status 1) instead of a
    traceback."""

    def __str__(self) -> str:
        return f"configuration error: {self.code}"


DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105

DEFAULTS: dict[str, Any] = {
    "SURVEY_ENV": "production",
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Brussels",
    "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
    # Languages with an interface catalog (translations/<code>); a survey may
    # declare others: their readers get the interface along the fallbacks.
    "SUPPORTED_LANGUAGES": ("nl", "fr", "en", "de"),
    # Per language, the languages tried next for a survey text (and the
    # interface) it lacks, before the survey's first language: German
    # readers in Belgium read French sooner than Dutch.
    "LANGUAGE_FALLBACKS": "de:fr,nl",
    "WTF_CSRF_TIME_LIMIT": None,
    # Uploads (survey files, CSV) and answer pages never need more than this.
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    # Planners are logged out after this many minutes without a request.
    "PLANNER_IDLE_MINUTES": 30,
    "SUPPRESSION_THRESHOLD": 10,
    # Partner organisations a sector needs before its figures are published.
    "PARTNER_SECTOR_MIN": 3,
    "DRAFT_LIFETIME_DAYS": 30,
    # Rate limits (``survey.ratelimits``). With more than one app process the
    # counters must live in a shared store (redis://...): memory:// counts
    # per process. A moving window: a burst across a minute boundary gets no
    # second allowance.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": False,
    "RATELIMIT_STRATEGY": "moving-window",
    # Installations sharing one Redis (a province hosting several zones)
    # each set their own prefix.
    "RATELIMIT_KEY_PREFIX": "zvp",
    # Redis down: each process goes on counting in its own memory (weaker,
    # never off) and tries the store again after a while.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_CODES_PER_ADDRESS": "10/minute",
    "RATELIMIT_CODES_PER_SURVEY": "600/hour",
    "RATELIMIT_LOGIN_PER_ADDRESS": "5/minute",
    "RATELIMIT_LOGIN_PER_ACCOUNT": "20/hour",
    # Where residents and partners reach the site: every absolute link
    # (letters, partner links, resume links) starts with it. Required in
    # production; development and tests default to ``make run``'s address.
    "PUBLIC_BASE_URL": None,
    # Reverse proxies in front of the app whose X-Forwarded-For and
    # X-Forwarded-Proto are trusted (Werkzeug's ProxyFix); 0: none.
    "PROXY_FIX": 0,
    # How many app processes serve this installation (the gunicorn config
    # sets SURVEY_WORKERS); only used to warn about per-process limits.
    "WORKERS": 1,
    # "json": one JSON object per log line (production); "text" otherwise.
    "LOG_FORMAT": None,
    # One log line per request (endpoint, status, duration); production.
    "LOG_REQUESTS": None,
    # Where finished letter files wait for their download (they hold codes
    # and addresses: deleted from the page, and by the purge at the end of
    # fieldwork); default: the instance folder's ``letters``.
    "LETTERS_DIR": None,
    # Where the report's background PDFs and the report page's charts are
    # kept, read by every app process; default: the instance folder's
    # ``report-pdfs`` and ``report-charts``.
    "REPORT_PDF_DIR": None,
    "REPORT_CHART_DIR": None,
    # Partner e-mail (``survey.partners.mail``): nothing is sent while
    # SMTP_HOST is unset; the planners copy links or download the CSV.
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_SECURITY": "starttls",
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_FROM": None,
    "SMTP_TIMEOUT": 20,
    "PRIVACY_CONTROLLER": "de lokale politiezone",
    "PRIVACY_CONTACT": "de functionaris voor gegevensbescherming van de politiezone",
}

# Environment variables read, and how each is parsed.
_ENV_KEYS: dict[str, type] = {
    "SURVEY_ENV": str,
    "SURVEY_SECRET_KEY": str,
    "SURVEY_DATABASE_URL": str,
    "SURVEY_SUPPRESSION_THRESHOLD": int,
    "SURVEY_PARTNER_SECTOR_MIN": int,
    "SURVEY_DRAFT_LIFETIME_DAYS": int,
    "SURVEY_RATELIMIT_STORAGE_URI": str,
    "SURVEY_RATELIMIT_KEY_PREFIX": str,
    "SURVEY_RATELIMIT_CODES_PER_ADDRESS": str,
    "SURVEY_RATELIMIT_CODES_PER_SURVEY": str,
    "SURVEY_RATELIMIT_LOGIN_PER_ADDRESS": str,
    "SURVEY_RATELIMIT_LOGIN_PER_ACCOUNT": str,
    "SURVEY_PUBLIC_BASE_URL": str,
    "SURVEY_PROXY_FIX": int,
    "SURVEY_WORKERS": int,
    "SURVEY_LOG_FORMAT": str,
    "SURVEY_LOG_REQUESTS": bool,
    "SURVEY_PLANNER_IDLE_MINUTES": int,
    "SURVEY_LETTERS_DIR": str,
    "SURVEY_REPORT_PDF_DIR": str,
    "SURVEY_REPORT_CHART_DIR": str,
    "SURVEY_PRIVACY_CONTROLLER": str,
    "SURVEY_PRIVACY_CONTACT": str,
    "SURVEY_LANGUAGE_FALLBACKS": str,
    "SURVEY_SESSION_COOKIE_SECURE": bool,
    "SURVEY_SMTP_HOST": str,
    "SURVEY_SMTP_PORT": int,
    "SURVEY_SMTP_SECURITY": str,
    "SURVEY_SMTP_USER": str,
    "SURVEY_SMTP_PASSWORD": str,
    "SURVEY_SMTP_FROM": str,
    "SURVEY_SMTP_TIMEOUT": int,
}


def _parse(kind: type, raw: str) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{raw!r} is not a whole number") from exc
    return raw


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the settings named by ``SURVEY_*`` variables, without the prefix
    (``SURVEY_DATABASE_URL`` becomes ``SQLALCHEMY_DATABASE_URI``)."""
    env = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    for name, kind in _ENV_KEYS.items():
        if name not in env:
            continue
        value = _parse(kind, env[name])
        if name == "SURVEY_ENV":
            settings["SURVEY_ENV"] = value
        elif name == "SURVEY_SECRET_KEY":
            settings["SECRET_KEY"] = value
        elif name == "SURVEY_DATABASE_URL":
            settings["SQLALCHEMY_DATABASE_URI"] = value
        else:
            settings[name.removeprefix("SURVEY_")] = value
    return settings


def build_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge defaults, environment and overrides, and check the result."""
    config = dict(DEFAULTS)
    config.update(from_environment())
    config.update(overrides or {})
    env = config["SURVEY_ENV"]
    if env not in {"production", "development", "testing"}:
        raise ConfigError(f"SURVEY_ENV must be production, development or testing, not {env!r}")
    if not config.get("SECRET_KEY"):
        if env == "production":
            raise ConfigError(
                "SURVEY_SECRET_KEY is not set: set it to a long random value "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        config["SECRET_KEY"] = DEVELOPMENT_SECRET
    if env != "production":
        # The development server and the test client speak plain HTTP.
        config.setdefault("SESSION_COOKIE_SECURE", False)
        if "SESSION_COOKIE_SECURE" not in (overrides or {}) and (
            "SURVEY_SESSION_COOKIE_SECURE" not in os.environ
        ):
            config["SESSION_COOKIE_SECURE"] = False
    config["TESTING"] = env == "testing" or bool(config.get("TESTING"))
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(instance_path) / "survey.sqlite"
        )
    config["PUBLIC_BASE_URL"] = public_base_url(config.get("PUBLIC_BASE_URL"), env)
    _check_operations(config, env)
    _engine_options(config, env)
    return config


DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def public_base_url(raw: str | None, env: str) -> str:
    """``SURVEY_PUBLIC_BASE_URL`` checked and without a trailing slash:
    ``scheme://host[:port]``, no path, query, fragment or user name. In
    production it is required and must be https (partner links carry a
    256-bit credential); elsewhere it defaults to ``make run``'s address."""
    if not raw:
        if env == "production":
            raise ConfigError(
                "SURVEY_PUBLIC_BASE_URL is not set: set it to the address residents and "
                "partners use, e.g. https://bevraging.politiezone.be (links in letters, "
                "partner links and resume links are made from it, never from the request)"
            )
        return DEVELOPMENT_BASE_URL
    text = raw.strip().rstrip("/")
    parts = urlsplit(text)
    try:
        valid_port = parts.port is None or parts.port > 0
    except ValueError:  # not a number, or above 65535
        valid_port = False
    if parts.scheme not in ("http", "https") or not parts.hostname or not valid_port:
        raise ConfigError(
            f"SURVEY_PUBLIC_BASE_URL {raw!r} must look like https://bevraging.politiezone.be"
        )
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise ConfigError(
            f"SURVEY_PUBLIC_BASE_URL {raw!r} must be scheme://host[:port] only: the app is "
            "served at the root of its host (no path, query or user name)"
        )
    if env == "production" and parts.scheme != "https":
        raise ConfigError(
            f"SURVEY_PUBLIC_BASE_URL {raw!r} must start with https:// in production: "
            "partner and resume links are credentials"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _check_operations(config: dict[str, Any], env: str) -> None:
    """Proxy hops, rate-limit strings and log settings: checked here, so a
    typo stops the start with one line instead of failing on a request."""
    from limits import parse_many

    hops = config.get("PROXY_FIX") or 0
    if not isinstance(hops, int) or not 0 <= hops <= 5:
        raise ConfigError(f"SURVEY_PROXY_FIX must be 0 to 5 (trusted proxies), not {hops!r}")
    for name in (
        "RATELIMIT_CODES_PER_ADDRESS",
        "RATELIMIT_CODES_PER_SURVEY",
        "RATELIMIT_LOGIN_PER_ADDRESS",
        "RATELIMIT_LOGIN_PER_ACCOUNT",
    ):
        try:
            parse_many(str(config[name]))
        except ValueError as exc:
            raise ConfigError(
                f"SURVEY_{name} {config[name]!r} is not a limit such as 10/minute"
            ) from exc
    threshold = config.get("SUPPRESSION_THRESHOLD")
    if not isinstance(threshold, int) or isinstance(threshold, bool) or not 2 <= threshold <= 100:
        # 1 would publish every count: disclosure control cannot be configured away.
        raise ConfigError(
            f"SURVEY_SUPPRESSION_THRESHOLD must be a whole number from 2 to 100, not {threshold!r}"
        )
    sector_min = config.get("PARTNER_SECTOR_MIN")
    if not isinstance(sector_min, int) or isinstance(sector_min, bool) or not 2 <= sector_min <= 50:
        # 1 would publish a sector of one organisation: that organisation.
        raise ConfigError(
            f"SURVEY_PARTNER_SECTOR_MIN must be a whole number from 2 to 50, not {sector_min!r}"
        )
    _check_smtp(config)
    try:
        config["LANGUAGE_FALLBACKS"] = parse_fallbacks(config.get("LANGUAGE_FALLBACKS") or "")
    except ValueError as exc:
        raise ConfigError(
            f"SURVEY_LANGUAGE_FALLBACKS: {exc} (chains such as 'de:fr,nl; lb:de,fr')"
        ) from exc
    if config.get("LOG_FORMAT") is None:
        config["LOG_FORMAT"] = "json" if env == "production" else "text"
    if config["LOG_FORMAT"] not in ("json", "text"):
        raise ConfigError(f"SURVEY_LOG_FORMAT must be json or text, not {config['LOG_FORMAT']!r}")
    if config.get("LOG_REQUESTS") is None:
        config["LOG_REQUESTS"] = env == "production"


def _engine_options(config: dict[str, Any], env: str) -> None:
    """SQLAlchemy's engine options the app needs on top of any given."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        # A pooled connection is checked before use: one dropped by a
        # database restart is replaced without a failed request. A SQLite
        # file does not disconnect.
        options.setdefault("pool_pre_ping", True)
    if env == "production":
        # Exception messages end up in the log: no SQL parameter values
        # (answers, code hashes) in them.
        options.setdefault("hide_parameters", True)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


SMTP_SECURITY = ("starttls", "ssl", "none")


def _check_smtp(config: dict[str, Any]) -> None:
    """The partner e-mail settings: all or nothing beyond the host."""
    if not config.get("SMTP_HOST"):
        config["SMTP_HOST"] = None
        return
    if config.get("SMTP_SECURITY") not in SMTP_SECURITY:
        raise ConfigError(
            f"SURVEY_SMTP_SECURITY must be starttls, ssl or none, not {config['SMTP_SECURITY']!r}"
        )
    port = config.get("SMTP_PORT")
    if not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigError(f"SURVEY_SMTP_PORT must be a port number, not {port!r}")
    sender = str(config.get("SMTP_FROM") or "")
    if "@" not in sender:
        raise ConfigError(
            "SURVEY_SMTP_FROM is not set: set it to the sender of the partner e-mails, "
            "e.g. 'Politiezone Voorbeeld <veiligheidsplan@politie-voorbeeldzone.be>'"
        )
    if bool(config.get("SMTP_USER")) != bool(config.get("SMTP_PASSWORD")):
        raise ConfigError(
            "SURVEY_SMTP_USER and SURVEY_SMTP_PASSWORD are set together or not at all"
        )
