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

    @property
    def is_active(self) -> bool:
        return self.active
