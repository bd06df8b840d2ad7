"""The workspace shell: every blueprint under ``/planner`` is made by
``workspace_blueprint`` and so gets the same rules, in one place.

Every rule of such a blueprint names who may open it (``access=``, an
``Access``); a rule without one is refused when it is registered. Before
each of its views the shell:

1. marks the response no-store (planner pages show unpublished figures and
   raw data) and the page as Dutch;
2. sends an anonymous visitor to the login page (back to the page after);
3. ends a session issued under an older session version, or idle for
   longer than ``PLANNER_IDLE_MINUTES`` (``survey.workspace.sessions``),
   and sends the visitor to the login page with the reason;
4. refuses a logged-in user without the role the page needs (403).

Its context processor gives every workspace template what the layout needs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from survey.definitions.store import find_survey
from survey.extensions import db
from survey.models import Consultation, Role, Survey
from survey.planner.surveys import get_consultation
from survey.workspace import sessions
from survey.workspace.accounts import has_role

PREFIX = "/planner"


class Access(StrEnum):
    """Who may open a workspace page. An admin may open every page."""

    PUBLIC = "public"  # anyone: the login page only
    VIEW = "view"  # every role: dashboards, previews, reports
    MANAGE = "manage"  # planners: surveys, codes, data entry, raw exports, partners
    ADMIN = "admin"  # admins: users, purge

    def allows(self, user: Any) -> bool:
        if self is Access.PUBLIC:
            return True
        if self is Access.VIEW:
            return has_role(user, Role.VIEWER, Role.PLANNER)
        if self is Access.MANAGE:
            return has_role(user, Role.PLANNER)
        return has_role(user)


def login_redirect(reason: Any) -> ResponseReturnValue:
    flash(str(reason), "info")
    return redirect(url_for("auth.login", next=sessions.return_path()))


class WorkspaceBlueprint(Blueprint):
    """A blueprint under ``/planner`` whose every rule declares its
    ``Access`` and whose every request passes the shell's checks."""

    def __init__(self, name: str, import_name: str, url_prefix: str = "") -> None:
        super().__init__(name, import_name, url_prefix=PREFIX + url_prefix)
        self.access: dict[str, Access] = {}
        self.before_request(self._guard)
        self.context_processor(layout_context)

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Any = None,
        provide_automatic_options: bool | None = None,
        *,
        access: Access | None = None,
        **options: Any,
    ) -> None:
        if not isinstance(access, Access):
            raise TypeError(f"{self.name}: the rule {rule!r} must say who may open it (access=)")
        endpoint = endpoint or (view_func.__name__ if view_func is not None else None)
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)
        self.access[str(endpoint)] = access

    def _guard(self) -> ResponseReturnValue | None:
        g.page_language = "nl"
        g.no_store = True
        access = self.access[str(request.endpoint).rpartition(".")[2]]
        if access is Access.PUBLIC:
            return None
        if not current_user.is_authenticated:
            return login_redirect(_l("Log in to open the planners' workspace."))
        ended = sessions.renew_session(current_user)
        if ended is not None:
            sessions.end_session()
            return login_redirect(ended)
        if not access.allows(current_user):
            abort(403)
        return None


def workspace_blueprint(name: str, import_name: str, url_prefix: str = "") -> WorkspaceBlueprint:
    """A blueprint for pages under ``/planner`` + ``url_prefix``."""
    return WorkspaceBlueprint(name, import_name, url_prefix)


def layout_context() -> dict[str, Any]:
    """What the workspace layout and its menus need on every page."""
    return {
        "can_manage": Access.MANAGE.allows(current_user),
        "is_admin": Access.ADMIN.allows(current_user),
        "Role": Role,
    }


def survey_or_404(key: str) -> Survey:
    survey = find_survey(db.session, key)
    if survey is None:
        abort(404)
    return survey


def consultation_or_404(key: str) -> Consultation:
    consultation = get_consultation(db.session, key)
    if consultation is None:
        abort(404)
    return consultation
