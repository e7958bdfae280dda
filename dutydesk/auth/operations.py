"""Staff accounts: creating them and checking a password."""

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from dutydesk.extensions import db
from dutydesk.models import Role, RoleGrant, Team, User

#: Checked against when the username is unknown, so a wrong name takes as long as a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash("not a password", method="pbkdf2:sha256:1000")


def create_user(*, username: str, display_name: str, password: str, roles, team: Team | None = None,
                email: str = "") -> User:
    """Add a member of staff with the given roles."""
    user = User(
        username=username.strip().lower(), display_name=display_name, team=team,
        email=email or f"{username}@example.invalid", is_active=True,
        password_hash=generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"]),
    )
    user.role_grants = [RoleGrant(role=Role(role)) for role in roles]
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user
