"""Absolute links handed to people: partner links, letters (and their QR
codes), resume links, and the residents' address planners print on posters.

One seam, ``public_url``: the links start with ``PUBLIC_BASE_URL`` and never
with the request's Host header or scheme. A forged ``Host:`` (or a reverse
proxy that passes its internal name, or plain http behind TLS) would
otherwise hand a 256-bit partner credential to another server. Relative
links inside pages keep using ``url_for``: a browser resolves them against
the page it is on.
"""

from __future__ import annotations

from typing import Any

import click
from flask import current_app, has_request_context, request

from survey.config import ConfigError, public_base_url


def public_url(endpoint: str, *, base: str | None = None, **values: Any) -> str:
    """The absolute address of ``endpoint`` (``"residents.start"``, or
    ``".resume_link"`` for the current blueprint) with ``values`` as URL
    parts and query arguments, under ``base`` (a command's ``--base-url``)
    or the configured ``PUBLIC_BASE_URL``. Works without a request (commands)."""
    if endpoint.startswith("."):
        blueprint = request.blueprint if has_request_context() else None
        if not blueprint:
            raise ValueError(f"{endpoint!r} needs a request of a blueprint")
        endpoint = blueprint + endpoint
    root = base or current_app.config["PUBLIC_BASE_URL"]
    # Only the path and query are built here; the host comes from ``root``.
    adapter = current_app.url_map.bind("public.invalid", url_scheme="https")
    return root.rstrip("/") + adapter.build(endpoint, values)


def base_url_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Click callback of a command's ``--base-url``: checked like
    ``SURVEY_PUBLIC_BASE_URL`` (scheme://host[:port]); None keeps the
    configured address."""
    if value is None:
        return None
    try:
        return public_base_url(value, "development")
    except ConfigError as exc:
        raise click.BadParameter(str(exc.code)) from exc
