"""Staff accounts: creating them and checking a password."""

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from dutydesk import rules
from dutydesk.auth.passwords import check_new_password
from dutydesk.clock import now_utc
from dutydesk.display import timescale_words
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Role, RoleGrant, SignInAttempt, Team, User

#: Checked against when the username is unknown, so a wrong name takes as long as a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash("not a password", method="pbkdf2:sha256:1000")


def create_user(*, username: str, display_name: str, password: str, roles, team: Team | None = None,
                email: str = "", now: datetime | None = None) -> User:
    """Add a member of staff with the given roles."""
    check_new_password(password)
    user = User(
        username=username.strip().lower(), display_name=display_name, team=team,
        email=email or f"{username}@example.invalid", is_active=True,
        password_hash=generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"]),
    )
    granted_at = now or now_utc()
    user.role_grants = [RoleGrant(role=Role(role), granted_at=granted_at) for role in roles]
    db.session.add(user)
    db.session.flush()
    return user


class TooManyAttempts(DomainError):
    """Signing in as this username is paused after repeated failures."""


def authenticate(username: str, password: str, *, now: datetime, remote_addr: str = "") -> User | None:
    """The active user with this username and password, or None; every attempt is recorded.

    Raises TooManyAttempts once a username has failed too often within the window, whatever
    the password, so that guessing gets nowhere.
    """
    name = username.strip().lower()
    since = now - rules.SIGN_IN_FAILURE_WINDOW
    failures = db.session.scalar(
        select(func.count(SignInAttempt.id)).where(
            SignInAttempt.username == name, SignInAttempt.at > since, SignInAttempt.is_success.is_(False))
    )
    if failures >= rules.SIGN_IN_FAILURES_ALLOWED:
        raise TooManyAttempts(
            f"Too many failed attempts to sign in as {name}. Wait "
            f"{timescale_words(rules.SIGN_IN_FAILURE_WINDOW)} and try again, or ask "
            "your manager or the dutydesk administrator to check your account.")
    user = db.session.scalar(select(User).where(func.lower(User.username) == name))
    if user is None:
        check_password_hash(_UNKNOWN_USER_HASH, password)
    elif not (check_password_hash(user.password_hash, password) and user.is_active):
        user = None
    db.session.add(SignInAttempt(username=name[:80], at=now, is_success=user is not None,
                                 remote_addr=remote_addr[:64]))
    return user
