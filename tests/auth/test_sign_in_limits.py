"""Guessing passwords is slowed per address and per username, never locking a person out of
their own desk, and an unknown username costs what a wrong password does."""

import time
from statistics import median

from sqlalchemy import select

from dutydesk.auth.limits import DEVICE_COOKIE
from dutydesk.auth.operations import authenticate
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Role, SignInAttempt
from tests.factories import create_user, csrf_token, sign_in


def _manager():
    create_user("manager", (Role.DUTY_MANAGER,))
    db.session.commit()


def _sign_out(client):
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/login").get_data(as_text=True))})


def _guess(client, username="manager", times=1):
    for _ in range(times):
        page = sign_in(client, username, "my best guess")
        assert page.status_code == 200, "a wrong password is answered with the sign-in page"
        assert "Enter a correct username and password" in page.get_data(as_text=True)


def test_five_wrong_passwords_for_a_username_pause_it_in_browsers_it_has_not_signed_in_on(client):
    _manager()
    _guess(client, times=5)
    refused = sign_in(client, "manager")  # even the right password is not checked now
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "There have been too many wrong passwords for manager" in page
    assert "Try again in 15 minutes" in page
    assert "ask the dutydesk administrator to reset it" in page
    assert 'value="manager"' in page  # the username typed is kept
    assert client.get("/").status_code == 302  # not signed in
    attempts = db.session.scalars(select(SignInAttempt.is_success).order_by(SignInAttempt.id)).all()
    assert attempts == [False] * 6  # the refused attempt is recorded too


def test_the_person_signs_in_at_their_own_desk_while_someone_guesses_their_password(app, client):
    _manager()
    desk = app.test_client()
    assert sign_in(desk, "manager").status_code == 302
    assert desk.get_cookie(DEVICE_COOKIE, path="/login") is not None
    _sign_out(desk)

    _guess(client, times=5)
    assert sign_in(client, "manager").status_code == 429
    assert sign_in(app.test_client(), "manager").status_code == 429  # any other new browser too
    assert sign_in(desk, "manager").status_code == 302  # but not the manager's own


def test_a_browser_with_a_device_cookie_has_an_allowance_of_its_own(app, client):
    _manager()
    assert sign_in(client, "manager").status_code == 302
    _sign_out(client)
    _guess(client, times=5)
    refused = sign_in(client, "manager").get_data(as_text=True)
    assert "There have been too many wrong passwords for manager on this computer" in refused
    assert sign_in(app.test_client(), "manager").status_code == 302  # other browsers are not held up


def test_only_failed_sign_ins_count(app):
    _manager()
    for _ in range(8):
        assert sign_in(app.test_client(), "manager").status_code == 302


def test_an_unknown_username_is_limited_like_a_real_one(client):
    _guess(client, "nobody", times=5)
    assert sign_in(client, "nobody").status_code == 429


def test_wrong_passwords_from_one_address_are_limited_whatever_the_usernames(app, client, monkeypatch):
    _manager()
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    for name in ("ann", "bob", "cat"):
        _guess(client, name)
    refused = sign_in(client, "manager")
    assert refused.status_code == 429
    assert "too many wrong passwords from your network. Try again in 15 minutes" in refused.get_data(as_text=True)

    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.20"
    assert sign_in(elsewhere, "manager").status_code == 302


def test_an_unknown_username_takes_as_long_as_a_wrong_password(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")  # as in production
    create_user("manager", (Role.DUTY_MANAGER,))
    db.session.commit()

    def seconds(username: str) -> float:
        started = time.perf_counter()
        assert authenticate(username, "not the password", now=now_utc()) is None
        return time.perf_counter() - started

    seconds("nobody")  # the dummy hash is made once per method, before any timing
    wrong, unknown = [], []
    for _ in range(7):  # interleaved, so that a busy moment on the machine falls on both
        wrong.append(seconds("manager"))
        unknown.append(seconds("nobody"))
    # Before the fix an unknown name took about a ninth as long; medians within a third of each other.
    assert 0.67 < median(unknown) / median(wrong) < 1.5
