"""dutydesk never runs on a secret key that someone else may know.

SECRET_KEY signs the sign-in page's cookie, every CSRF token and the device cookies that spare
a person the sign-in limits. A key from the source code, or one short enough to guess, would
let anyone forge them; so outside tests create_app refuses to start without a key of this
installation's own.
"""

#: Keys that have been in dutydesk's source code, and so are known to everyone.
KNOWN_KEYS = frozenset({"dutydesk-dev-only-change-me", "dutydesk-tests", "dutydesk-bench-not-a-secret",
                        "dutydesk-profile-not-a-secret"})
#: secrets.token_hex(32) gives 64 characters; anything under this is too easy to guess.
MIN_LENGTH = 32
HOW_TO_MAKE_ONE = ('Make one with: python3 -c "import secrets; print(secrets.token_hex(32))", and set it as the '
                   "SECRET_KEY environment variable or write it to instance/secret_key (readable by dutydesk "
                   "only; `make run` does this once).")


class SecretKeyError(RuntimeError):
    """dutydesk was started without a secret key of its own."""


def check_secret_key(config) -> None:
    """Refuse to start on a missing, published or short SECRET_KEY (tests keep their fixed key)."""
    if config.get("TESTING"):
        return
    key = config.get("SECRET_KEY")
    if not key:
        problem = "SECRET_KEY is not set: dutydesk will not start without a secret key of its own."
    elif key in KNOWN_KEYS:
        problem = "SECRET_KEY is a value published in dutydesk's source code: anyone could forge its cookies."
    elif len(key) < MIN_LENGTH:
        problem = f"SECRET_KEY is {len(key)} characters long: use at least {MIN_LENGTH} random characters."
    else:
        return
    raise SecretKeyError(f"{problem} {HOW_TO_MAKE_ONE}")
