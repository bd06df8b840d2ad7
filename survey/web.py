"""The ``register_*`` steps of ``create_app``: extensions, blueprints,
error pages and security headers.

Log lines name the endpoint, never the path: paths carry partner and resume
tokens, query strings carry letter codes (``survey.logs``)."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Flask, Response, abort, current_app, g, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from survey import ratelimits
from survey.database import configure_engine
from survey.extensions import babel, csrf, db, login_manager, migrate
from survey.i18n import (
    LANGUAGE_NAMES,
    lang_attribute,
    language_name,
    say,
    select_locale,
    tagged,
    text_for,
)
from survey.logs import configure_logging
from survey.urls import public_url

log = logging.getLogger(__name__)


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` in URLs, limited to what an INTEGER column holds: a
    longer number is a 404, not an overflow error in the database driver."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _limit_plain_forms() -> None:
    """Werkzeug applies MAX_FORM_MEMORY_SIZE to multipart bodies only; a
    form without files never needs more either, so a larger urlencoded (or
    other) body gets 413 too. Uploads keep MAX_CONTENT_LENGTH."""
    if request.mimetype != "multipart/form-data":
        request.max_content_length = current_app.config["MAX_FORM_MEMORY_SIZE"]


def _refuse_nul_bytes() -> None:
    """PostgreSQL refuses NUL in text and SQLite stores it: refuse it in
    posted fields (400) and in the planners' addresses (404), so both
    databases behave alike and no query ever sees one. The residents' and
    partners' pages check their own addresses, and query options are checked
    by the views that read them, with their own messages."""
    if "\x00" in request.path and request.path.startswith("/planner/"):
        abort(404)
    for name, value in request.form.items(multi=True):
        if "\x00" in name or "\x00" in value:
            abort(400)


def register_proxy(app: Flask) -> None:
    """Behind ``SURVEY_PROXY_FIX`` = N trusted reverse proxies, the client's
    address is taken from the last N entries of X-Forwarded-For (the rate
    limits count per client, not per proxy). Nothing else is taken from the
    proxy: links come from ``PUBLIC_BASE_URL``, and a request seen as https
    would make Flask-WTF demand a Referer the pages never send
    (``Referrer-Policy: no-referrer``)."""
    hops = int(app.config["PROXY_FIX"])
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=0, x_host=0, x_port=0, x_prefix=0
        )


def register_extensions(app: Flask) -> None:
    """Attach the extensions to ``app``, in the order their hooks must run:
    logging, the proxy, the id converter, the database (with its idle
    connection check), migrations, translations, the form size and NUL-byte
    checks (before CSRF reads the form), CSRF, login, rate limits; and the
    template globals."""
    # First: the request log's clock starts before any other hook.
    configure_logging(app)
    register_proxy(app)
    # Before any blueprint adds its rules.
    app.url_map.converters["int"] = DatabaseIntConverter
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            configure_engine(engine)
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/../migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    babel.init_app(app, locale_selector=select_locale)
    # Before the CSRF check, which is the first to read the form.
    app.before_request(_limit_plain_forms)
    app.before_request(_refuse_nul_bytes)
    csrf.init_app(app)
    login_manager.init_app(app)
    ratelimits.init_app(app)

    from survey import models

    @login_manager.user_loader  # type: ignore[untyped-decorator]
    def load_user(user_id: str) -> models.PlannerUser | None:
        if not user_id.isdigit():
            return None
        user = db.session.get(models.PlannerUser, int(user_id))
        return user if user is not None and user.active else None

    app.jinja_env.globals.update(
        text_for=text_for,
        say=say,
        tagged=tagged,
        lang_attribute=lang_attribute,
        language_name=language_name,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        public_url=public_url,
    )
    app.jinja_env.policies["ext.i18n.trimmed"] = True


def register_blueprints(app: Flask) -> None:
    """Every area's pages: the front door (/), residents (/s/), partners
    (/p/) and the planners' workspace (/planner/, ``survey.workspace``)."""
    from survey.health import bp as health_bp
    from survey.home import bp as home_bp
    from survey.partners.routes import bp as partner_bp
    from survey.residents.routes import bp as residents_bp
    from survey.workspace import blueprints as workspace_blueprints

    for blueprint in (health_bp, home_bp, residents_bp, partner_bp, *workspace_blueprints()):
        app.register_blueprint(blueprint)


def register_error_pages(app: Flask) -> None:
    """Every error is a Dutch page; a crash gets an incident id that is
    logged with the traceback and shown to the user instead of it."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        return render_template("errors/http.html", code=code, error=exc), code

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unreachable(exc: DBAPIError) -> tuple[str, int]:
        """The database is down or unreachable: a Dutch 503 page. A posted
        form comes back with every value in hidden fields and a retry button,
        so nothing typed is lost; the retry is safe because every save and
        submit is idempotent (draft revision, submission key)."""
        incident = secrets.token_hex(4)
        log.error(
            "incident %s: database unavailable on %s %s: %s",
            incident,
            request.method,
            request.endpoint,
            type(exc.orig).__name__ if exc.orig else type(exc).__name__,
        )
        _safe_rollback()
        fields: list[tuple[str, str]] = []
        if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
            fields = list(request.form.items(multi=True))
        page = render_template("errors/503.html", incident=incident, fields=fields)
        return page, 503

    @app.errorhandler(Exception)
    def crash(exc: Exception) -> tuple[str, int]:
        incident = secrets.token_hex(4)
        log.exception("incident %s on %s %s", incident, request.method, request.endpoint)
        _safe_rollback()
        return render_template("errors/500.html", incident=incident), 500


def _safe_rollback() -> None:
    # With a dead connection even the rollback can fail; the error page
    # must still be shown.
    try:
        db.session.rollback()
    except Exception:
        log.warning("rollback failed after an error", exc_info=True)


def register_security_headers(app: Flask) -> None:
    """Every response gets a strict CSP (no inline script or style), no
    sniffing, no referrer, no framing; a page that set ``g.no_store`` is
    never cached. A security header a view set itself is kept."""

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if getattr(g, "no_store", False):
            response.headers["Cache-Control"] = "no-store"
        return response
