"""Configuration: defaults first, then ``SURVEY_*`` environment variables.

The environment wins over the defaults, and explicit ``overrides`` passed to
``create_app`` (tests) win over the environment. Outside development and tests
the app refuses to start without ``SURVEY_SECRET_KEY``: every code hash, draft
token and session cookie depends on it.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any


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
    # Not pool_pre_ping: a pooled connection is pinged only after it has
    # been idle this long (``extensions.check_connections_after_idle``).
    "DB_IDLE_CHECK_SECONDS": 10,
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "BABEL_DEFAULT_LOCALE": "nl",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Brussels",
    "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
    "SUPPORTED_LANGUAGES": ("nl", "fr", "en"),
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
    "DRAFT_LIFETIME_DAYS": 30,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": False,
    # Where residents and partners reach the site, printed in letters and
    # links; unset, pages use the address of the request.
    "PUBLIC_BASE_URL": None,
    "PRIVACY_CONTROLLER": "de lokale politiezone",
    "PRIVACY_CONTACT": "de functionaris voor gegevensbescherming van de politiezone",
}

# Environment variables read, and how each is parsed.
_ENV_KEYS: dict[str, type] = {
    "SURVEY_ENV": str,
    "SURVEY_SECRET_KEY": str,
    "SURVEY_DATABASE_URL": str,
    "SURVEY_SUPPRESSION_THRESHOLD": int,
    "SURVEY_DRAFT_LIFETIME_DAYS": int,
    "SURVEY_RATELIMIT_STORAGE_URI": str,
    "SURVEY_PUBLIC_BASE_URL": str,
    "SURVEY_PLANNER_IDLE_MINUTES": int,
    "SURVEY_PRIVACY_CONTROLLER": str,
    "SURVEY_PRIVACY_CONTACT": str,
    "SURVEY_SESSION_COOKIE_SECURE": bool,
    "SURVEY_DB_IDLE_CHECK_SECONDS": int,
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
    return config
