"""The planner's session: started at login, renewed by every workspace
request, ended at logout, after a period without requests, or when the
user's session version has moved on (``survey.workspace.accounts``).

The session is Flask's signed cookie. It holds the user id (Flask-Login),
the session version it was issued under and the time of the last request
(seconds since the epoch). A copy of the cookie is as good as the original
until the version moves on; that is what ends every copy at once.
"""

from __future__ import annotations

import re
import time
from urllib.parse import unquote

from flask import current_app, request, session
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from survey.models import PlannerUser

SEEN = "planner_seen"
VERSION = "planner_session_version"
IDLE_MINUTES_DEFAULT = 30

# The characters of a path and query (RFC 3986) and nothing else: no
# scheme, no host, no backslash, no space, no control character (CR/LF in a
# Location header was a 500) and nothing outside ASCII.
_WORKSPACE_PATH = re.compile(r"/planner/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]{0,2000}")


def start_session(user: PlannerUser) -> None:
    """A new session for ``user`` after a correct password: whatever the
    cookie held before is dropped (no session fixation)."""
    session.clear()
    session.permanent = True
    login_user(user)
    session[VERSION] = user.session_version
    session[SEEN] = int(time.time())


def end_session() -> None:
    """End this browser's session (the user's other sessions are ended by
    ``accounts.end_sessions``)."""
    logout_user()
    session.clear()


def keep_session(user: PlannerUser) -> None:
    """Keep this browser's session after ``user`` ended their own sessions
    (a new password of their own): it takes the new version; every other
    session of theirs stays ended."""
    session[VERSION] = user.session_version


def renew_session(user: PlannerUser) -> LazyString | None:
    """Check this request's session of ``user``: issued under the user's
    current session version, and its previous request no longer ago than
    ``PLANNER_IDLE_MINUTES`` (default 30). Returns why it has ended (a
    message for the login page), or None after noting this request as the
    last one."""
    if session.get(VERSION) != user.session_version:
        return _l("Your session has ended. Log in again.")
    limit = 60 * int(current_app.config.get("PLANNER_IDLE_MINUTES", IDLE_MINUTES_DEFAULT))
    now = int(time.time())
    seen = session.get(SEEN)
    if not isinstance(seen, int) or now - seen > limit:
        return _l("You were logged out after a period of inactivity. Log in again.")
    session[SEEN] = now
    return None


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a page of the workspace on this site, else
    None: refused are absolute and scheme-relative URLs, backslashes,
    control characters (CR/LF), anything outside ASCII, empty and dot
    segments (also percent-encoded) that could climb out of ``/planner/``."""
    if not target or not _WORKSPACE_PATH.fullmatch(target):
        return None
    path = unquote(target.split("?", 1)[0])
    segments = path.split("/")[1:]
    if "\\" in path or "" in segments[:-1] or any(s in (".", "..") for s in segments):
        return None
    if not path.isascii() or not path.isprintable():
        return None
    return target


def return_path() -> str | None:
    """Where to come back to after logging in: the page asked for, when it
    can be asked for again (a GET inside the workspace)."""
    if request.method != "GET":
        return None
    return safe_next(request.full_path.removesuffix("?"))
