"""Signing in: checking a password, the attempts, and the sessions people sign in to.

Changing an account is people/operations.py's: deactivating someone, changing their roles or
setting their password ends every session they have (`end_sessions_of`), wherever its cookie
was copied: the next request from any of them is sent to sign in.
"""

import hashlib
import secrets
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from dutydesk.extensions import db
from dutydesk.models import SessionEndReason, SignInAttempt, User, UserSession


def normal_username(username: str) -> str:
    """Usernames are matched without case or surrounding spaces."""
    return username.strip().lower()


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
