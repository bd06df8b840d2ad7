"""The ZVP consultation platform: ``create_app()`` builds the Flask app."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, commands."""
    from survey.config import build_config

    app = Flask(__name__, instance_relative_config=True)
    # The default SQLite database lives in the instance folder.
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(build_config(app.instance_path, overrides))

    from survey.cli import register_commands
    from survey.web import (
        register_blueprints,
        register_error_pages,
        register_extensions,
        register_security_headers,
    )

    register_extensions(app)
    register_blueprints(app)
    register_error_pages(app)
    register_security_headers(app)
    register_commands(app)
    return app
