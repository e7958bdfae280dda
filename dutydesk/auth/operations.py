"""Staff accounts: creating them, checking a password, and the sessions they sign in to.

Deactivating someone, changing their roles or setting their password ends every session they
have, wherever its cookie was copied: the next request from any of them is sent to sign in.
"""

import hashlib
import secrets
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from dutydesk.auth.passwords import check_new_password
from dutydesk.clock import now_utc
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Role, RoleGrant, SessionEndReason, SignInAttempt, Team, User, UserSession


def normal_username(username: str) -> str:
    """Usernames are matched without case or surrounding spaces."""
    return username.strip().lower()


def _hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(*, username: str, display_name: str, password: str, roles, team: Team | None = None,
                email: str = "", now: datetime | None = None) -> User:
    """Add a member of staff with the given roles."""
    check_new_password(password)
    if not roles:
        raise DomainError("Give the person at least one role", field="roles")
    user = User(
        username=normal_username(username), display_name=display_name, team=team,
        email=email or f"{username}@example.invalid", is_active=True, password_hash=_hash_password(password),
    )
    granted_at = now or now_utc()
    user.role_grants = [RoleGrant(role=Role(role), granted_at=granted_at) for role in roles]
    db.session.add(user)
    db.session.flush()
    return user


def get_user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == normal_username(username)))


@cache
def _unknown_user_hash(method: str) -> str:
    """Checked against when the username is unknown: made once per hashing method, with the
    method real passwords use, so that a wrong username costs what a wrong password does."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(username: str, password: str, *, now: datetime, remote_addr: str = "") -> User | None:
    """The active user with this username and password, or None; every attempt is recorded.

    Unknown, deactivated and wrong all take one password check of the same cost, so that how
    long the answer takes does not tell whether a username exists. Guessing is slowed by the
    sign-in limits (auth/limits.py), which never lock the person themselves out.
    """
    name = normal_username(username)
    user = get_user_by_username(name)
    stored = user.password_hash if user is not None else _unknown_user_hash(current_app.config["PASSWORD_HASH_METHOD"])
    is_correct = check_password_hash(stored, password)
    if user is None or not user.is_active or not is_correct:
        user = None
    record_sign_in_attempt(name, is_success=user is not None, now=now, remote_addr=remote_addr)
    return user


def record_sign_in_attempt(username: str, *, is_success: bool, now: datetime, remote_addr: str = "") -> None:
    """Keep who tried to sign in as whom, from where, for audit (refused attempts too)."""
    db.session.add(SignInAttempt(username=normal_username(username)[:80], at=now, is_success=is_success,
                                 remote_addr=remote_addr[:64]))


# ---------------------------------------------------------------------------------------------
# Sessions


def session_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_user_session(user: User, *, now: datetime) -> tuple[UserSession, str]:
    """A new signed-in session for the user, and the random token that is its cookie."""
    token = secrets.token_urlsafe(32)
    record = UserSession(token_hash=session_token_hash(token), user_id=user.id, created_at=now, seen_at=now,
                         data="{}")
    db.session.add(record)
    db.session.flush()
    return record, token


def end_user_session(session_id: int, *, reason: SessionEndReason, now: datetime) -> None:
    """End one session (signing out, or signing in again over it); a session already ended is left as it is."""
    db.session.execute(
        update(UserSession).where(UserSession.id == session_id, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason))


def end_sessions_of(user: User, *, reason: SessionEndReason, now: datetime) -> int:
    """End every session the user has open, wherever its cookie was copied; how many were ended."""
    result = db.session.execute(
        update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason))
    return result.rowcount


# ---------------------------------------------------------------------------------------------
# Changing an account (the CLI's deactivate-user, set-roles and reset-password; later an admin page)


def deactivate_user(user: User, *, now: datetime) -> None:
    """A leaver: they can no longer sign in, their sessions end, and their name stays on what they did."""
    if not user.is_active:
        raise DomainError(f"{user.display_name} ({user.username}) is already deactivated")
    user.is_active = False
    end_sessions_of(user, reason=SessionEndReason.DEACTIVATED, now=now)
    db.session.flush()


def set_roles(user: User, roles, *, now: datetime) -> bool:
    """Give the user exactly these roles, ending the grants of any others; their sessions end so
    that the change applies at once. False if they held exactly these roles already."""
    wanted = {Role(role) for role in roles}
    if not wanted:
        raise DomainError("Give the person at least one role. To stop them signing in, deactivate them",
                          field="roles")
    if wanted == user.roles:
        return False
    for grant in list(user.role_grants):
        if grant.role not in wanted:
            grant.ended_at = now
    user.role_grants.extend(RoleGrant(role=role, granted_at=now) for role in wanted - user.roles)
    end_sessions_of(user, reason=SessionEndReason.ROLES_CHANGED, now=now)
    db.session.flush()
    db.session.expire(user, ["role_grants"])  # the ended grants are no longer held
    return True


def set_password(user: User, password: str, *, now: datetime) -> None:
    """Set a new password (it must pass the password rule); every session the user had ends."""
    check_new_password(password)
    user.password_hash = _hash_password(password)
    end_sessions_of(user, reason=SessionEndReason.PASSWORD_CHANGED, now=now)
    db.session.flush()
