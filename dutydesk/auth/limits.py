"""Slowing password guessing without letting anyone lock a colleague out.

OWASP's device cookies (Authentication Cheat Sheet, "Slow down online guessing attacks with
device cookies"), with Flask-Limiter. Only failed sign-ins count:
- per address, SIGN_IN_LIMIT_PER_ADDRESS, generous: a whole contact centre may sit behind one;
- per username, SIGN_IN_LIMIT_PER_USERNAME, tight, for browsers that have not signed in as that
  person before. Signing in gives the browser a long-lived signed device cookie for that
  username, and its attempts then count against that browser's own allowance: someone guessing
  the duty manager's password does not stop the duty manager signing in at their own desk.

A limited attempt checks no password. It is answered with the sign-in page (429) saying how long
to wait, the username kept, and is recorded with the other attempts.

An administrator who unlocks someone (people/operations.py: unlock_sign_in) starts every
allowance for that username afresh, the per-username one and each browser's: the keys carry a
number that unlocking moves on, so the failures counted before are left under keys no attempt
uses any more. The per-address limit is left alone: it is about a network, not a person.
"""

import math
import secrets
import time
from datetime import timedelta

from flask import current_app, g, make_response, render_template, request, url_for
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse

from dutydesk.auth import operations
from dutydesk.auth.forms import LoginForm
from dutydesk.clock import now_utc
from dutydesk.display import duration_words
from dutydesk.extensions import db, limiter

DEVICE_COOKIE = "dutydesk_device"
#: Contact-centre desks are shared: a browser is remembered for this many people, the latest.
DEVICE_COOKIE_PEOPLE = 20
FORGOTTEN = "If you have forgotten your password, ask the dutydesk administrator to reset it."


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="dutydesk.device-cookie")


def _lifetime_seconds() -> int:
    return int(current_app.config["SIGN_IN_DEVICE_COOKIE_LIFETIME"].total_seconds())


def _devices() -> dict[str, str]:
    """{username: this browser's id for that person}, from a valid device cookie; else {}."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return {}
    try:
        devices = _serializer().loads(value, max_age=_lifetime_seconds())
    except BadSignature:
        return {}
    return devices if isinstance(devices, dict) else {}


def remember_device(response, username: str) -> None:
    """After a successful sign-in: this browser is one the person has signed in on."""
    devices = _devices()
    device_id = devices.pop(username, None) or secrets.token_urlsafe(16)
    devices[username] = device_id
    latest = dict(list(devices.items())[-DEVICE_COOKIE_PEOPLE:])
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(latest), max_age=_lifetime_seconds(),
                        path=url_for("auth.login"), secure=current_app.config["SESSION_COOKIE_SECURE"],
                        httponly=True, samesite="Lax")


def _typed_username() -> str:
    return operations.normal_username(request.form.get("username", ""))


def _has_device_cookie() -> bool:
    return _typed_username() in _devices()


def _address_key() -> str:
    return f"address:{get_remote_address()}"


def _unlocks_key(username: str) -> str:
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}/unlocks/{username}"


def _unlocks(username: str) -> int:
    """How many times the username has been unlocked (lately): part of its allowances' keys."""
    return limiter.storage.get(_unlocks_key(username))


def _username_key() -> str:
    """One allowance per username for browsers it has not signed in on; one per browser that it has."""
    name = _typed_username()
    device_id = _devices().get(name)
    unlocks = _unlocks(name)
    return f"device:{name}:{device_id}:{unlocks}" if device_id else f"username:{name}:{unlocks}"


def start_allowances_afresh(username: str) -> None:
    """Unlock: the username's failed sign-ins counted so far, in any browser, no longer count."""
    name = operations.normal_username(username)
    # Kept as long as a device cookie, far longer than any window of failures it leaves behind.
    limiter.storage.incr(_unlocks_key(name), expiry=_lifetime_seconds())


def username_allowance() -> tuple[int, timedelta]:
    """How many failed sign-ins a username is allowed in a browser it has not signed in on, and
    over how long (SIGN_IN_LIMIT_PER_USERNAME)."""
    limit = parse(current_app.config["SIGN_IN_LIMIT_PER_USERNAME"])
    return limit.amount, timedelta(seconds=limit.get_expiry())


def count_failure() -> None:
    """This attempt failed (a wrong username or password): it counts against the limits."""
    g.sign_in_failed = True


def _failed(response) -> bool:
    return g.get("sign_in_failed", False)


def _wait_words(limit) -> str:
    """How long until the oldest failure counted leaves the window (reset_at is a second late)."""
    minutes = max(1, math.ceil((limit.reset_at - 1 - time.time()) / 60))
    return duration_words(minutes * 60)


def _refuse(message: str):
    """The sign-in page, saying why and for how long; the attempt is recorded, no password checked."""
    operations.record_sign_in_attempt(_typed_username(), is_success=False, now=now_utc(),
                                      remote_addr=request.remote_addr or "")
    db.session.commit()
    form = LoginForm()
    form.password.errors = [message]
    return make_response(render_template("auth/login.html", form=form), 429)


def _limited_for_address(limit):
    return _refuse(f"There have been too many wrong passwords from your network. Try again in "
                   f"{_wait_words(limit)}. If this happens again, tell the dutydesk administrator: someone "
                   "may be guessing passwords.")


def _limited_for_username(limit):
    name = _typed_username()
    if _has_device_cookie():
        return _refuse(f"There have been too many wrong passwords for {name} on this computer. Try again in "
                       f"{_wait_words(limit)}. {FORGOTTEN}")
    return _refuse(f"There have been too many wrong passwords for {name}. Try again in {_wait_words(limit)}, "
                   f"or sign in on a computer you have signed in on before. {FORGOTTEN}")


def limit_sign_in(view):
    """The sign-in view, with its limits on failed attempts per address and per username."""
    view = limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT_PER_USERNAME"], key_func=_username_key,
                         methods=["POST"], deduct_when=_failed, on_breach=_limited_for_username)(view)
    return limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"], key_func=_address_key,
                         methods=["POST"], deduct_when=_failed, on_breach=_limited_for_address)(view)
