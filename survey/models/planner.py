"""Planner accounts."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import Model
from survey.models.base import utcnow


class Role:
    ADMIN = "admin"
    PLANNER = "planner"
    VIEWER = "viewer"
    ALL = (ADMIN, PLANNER, VIEWER)


class PlannerUser(UserMixin, Model):  # type: ignore[misc]
    """A zone analyst. ``role``: admin (users and everything), planner
    (surveys, codes, partners, reports, raw exports), viewer (dashboards and
    reports only)."""

    __tablename__ = "planner_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.VIEWER)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # A signed session cookie cannot be revoked, so every cookie carries the
    # version it was issued under and the workspace refuses it once this
    # number has moved on (survey.workspace.auth). Bumped at logout, password
    # change, role change and deactivation: every copy of every session of
    # the user ends, on every device.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_active(self) -> bool:
        return self.active
