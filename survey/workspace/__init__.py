"""The planners' workspace under ``/planner``: the shell every blueprint of
it is made by (``shell``), the accounts and the session (``accounts``,
``sessions``), login and logout (``auth``), the forms (``forms``), and the
views by area (``views``)."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """Every blueprint of the workspace, in the order they are registered."""
    from survey.workspace import auth
    from survey.workspace.views import (
        admin,
        campaign,
        consultations,
        data_entry,
        drafts,
        editor,
        editor_lists,
        exports,
        fieldwork,
        partners,
        reports,
        sampling,
        surveys,
    )

    return [
        auth.bp,
        consultations.bp,
        surveys.bp,
        drafts.bp,
        editor.bp,
        editor_lists.bp,
        fieldwork.bp,
        sampling.bp,
        campaign.bp,
        data_entry.bp,
        exports.bp,
        reports.bp,
        partners.bp,
        admin.bp,
    ]
