"""Planner accounts: creating users, checking passwords, roles, and the
session version that ends every session of a user.

Passwords are hashed with werkzeug's scrypt. A failed login never says
whether the e-mail address exists: the same message, and a password check
against a dummy hash so the answer takes as long either way.

Rules of the session version (``PlannerUser.session_version``): it moves on
at logout, at every new password, at a change of role and at deactivation,
and never otherwise. A session issued under an older version is refused by
the workspace shell (``survey.workspace.auth``).
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from survey.extensions import DbSession
from survey.models import PlannerUser, Role
from survey.models.base import utcnow

MIN_PASSWORD_LENGTH = 12
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
HASH_METHOD = "scrypt"

# Checked when the e-mail address is unknown, so timing does not tell.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0000", method=HASH_METHOD)


class AccountError(ValueError):
    """A user cannot be created or changed; ``message`` is a lazy msgid."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("Use a password of at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
        )


def find_user(session: DbSession, email: str) -> PlannerUser | None:
    return session.scalar(
        select(PlannerUser).where(func.lower(PlannerUser.email) == normalise_email(email))
    )


def create_user(
    session: DbSession, email: str, password: str, role: str, name: str = ""
) -> PlannerUser:
    """Create an active user. Raises ``AccountError`` for an invalid e-mail
    address, an unknown role, a short password or an address in use."""
    email = normalise_email(email)
    if not EMAIL_RE.fullmatch(email) or len(email) > 254:
        raise AccountError(_l("Enter a valid e-mail address."))
    if role not in Role.ALL:
        raise AccountError(_l("Choose a role: admin, planner or viewer."))
    check_password_rules(password)
    if find_user(session, email) is not None:
        raise AccountError(_l("There is already a user with this e-mail address."))
    user = PlannerUser(
        email=email,
        name=name.strip()[:120],
        role=role,
        password_hash=generate_password_hash(password, method=HASH_METHOD),
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: DbSession, email: str, password: str) -> PlannerUser | None:
    """The active user with this e-mail address and password, else None.
    Records the time of a successful login."""
    user = find_user(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    session.flush()
    return user


def end_sessions(session: DbSession, user: PlannerUser) -> None:
    """End every session of ``user``, on every device: the next request of
    any of them is sent to the login page. Incremented in SQL, so two
    concurrent bumps both count."""
    session.execute(
        update(PlannerUser)
        .where(PlannerUser.id == user.id)
        .values(session_version=PlannerUser.session_version + 1)
    )
    session.expire(user, ["session_version"])


def set_password(session: DbSession, user: PlannerUser, password: str) -> None:
    """A new password; every session of the user ends (whoever had the old
    password may be logged in with it)."""
    check_password_rules(password)
    user.password_hash = generate_password_hash(password, method=HASH_METHOD)
    end_sessions(session, user)


def update_user(
    session: DbSession, user: PlannerUser, *, role: str, active: bool, acting: PlannerUser
) -> None:
    """Change a user's role and whether the account is active. An admin
    cannot demote or deactivate themselves (so there is always one admin
    who can undo a mistake). A new role or a deactivation ends the user's
    sessions: they log in again, under the rights they have now."""
    if role not in Role.ALL:
        raise AccountError(_l("Choose a role: admin, planner or viewer."))
    if user.id == acting.id and (role != Role.ADMIN or not active):
        raise AccountError(_l("You cannot remove your own admin rights or deactivate yourself."))
    ends_sessions = role != user.role or (user.active and not active)
    user.role = role
    user.active = active
    session.flush()
    if ends_sessions:
        end_sessions(session, user)


def list_users(session: DbSession) -> list[PlannerUser]:
    return list(session.scalars(select(PlannerUser).order_by(PlannerUser.email)))


def has_role(user: Any, *roles: str) -> bool:
    """Whether ``user`` is logged in with one of ``roles``; admin may do
    everything."""
    if not getattr(user, "is_authenticated", False):
        return False
    role = getattr(user, "role", None)
    return role == Role.ADMIN or role in roles
