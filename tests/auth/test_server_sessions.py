"""Sessions live on the server: signing out, deactivation, a change of roles and a new password
end every copy of a session, and every sign-in starts a new one."""

import hashlib
import json

from flask.sessions import SecureCookieSessionInterface
from flask_login.utils import encode_cookie
from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Contact, Role, SessionEndReason, TeamKind, User, UserSession
from dutydesk.people import operations
from tests.factories import create_team, create_user, csrf_token, log_call_form, sign_in


def _handler_and_team():
    create_user("handler", (Role.CALL_HANDLER,), create_team("Contact centre", TeamKind.CONTACT_CENTRE))
    duty = create_team("Duty North")
    db.session.commit()
    return duty


def _copy_of(client, app):
    """Another browser holding a copy of this one's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in_with_a_copy(client, app):
    duty = _handler_and_team()
    sign_in(client, "handler")
    page = client.get("/calls/new").get_data(as_text=True)
    assert client.get("/calls/new").status_code == 200
    return duty, _copy_of(client, app), csrf_token(page)


def _assert_refused(thief, duty, token):
    """The copy can neither read a page nor save a call."""
    response = thief.get("/calls/new")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    posted = thief.post("/calls/new", data={"csrf_token": token, **log_call_form(duty.id)})
    assert posted.status_code in (302, 400)
    assert not posted.headers.get("Location", "").startswith("/calls/")
    assert db.session.scalar(select(func.count(Contact.id))) == 0


def _handler():
    return db.session.scalar(select(User).where(User.username == "handler"))


def test_a_copied_session_cookie_is_refused_once_its_owner_signs_out(app, client):
    duty, thief, token = _signed_in_with_a_copy(client, app)
    assert thief.get("/calls/new").status_code == 200  # the copy works while the session stands

    client.post("/logout", data={"csrf_token": token})

    _assert_refused(thief, duty, token)
    assert db.session.scalar(select(UserSession.end_reason)) is SessionEndReason.SIGNED_OUT


def test_deactivating_someone_ends_every_copy_of_their_session(app, client):
    duty, thief, token = _signed_in_with_a_copy(client, app)
    operations.deactivate_user(_handler(), now=now_utc())
    db.session.commit()
    _assert_refused(thief, duty, token)
    _assert_refused(client, duty, token)
    assert db.session.scalar(select(UserSession.end_reason)) is SessionEndReason.DEACTIVATED


def test_changing_someones_roles_ends_every_copy_of_their_session(app, client):
    duty, thief, token = _signed_in_with_a_copy(client, app)
    assert operations.set_roles(_handler(), [Role.CALL_HANDLER, Role.DUTY_WORKER], now=now_utc())
    db.session.commit()
    _assert_refused(thief, duty, token)
    _assert_refused(client, duty, token)
    assert db.session.scalar(select(UserSession.end_reason)) is SessionEndReason.ROLES_CHANGED


def test_resetting_someones_password_ends_every_copy_of_their_session(app, client):
    duty, thief, token = _signed_in_with_a_copy(client, app)
    operations.reset_password(_handler(), "a new password for handler", now=now_utc())
    db.session.commit()
    _assert_refused(thief, duty, token)
    assert db.session.scalar(select(UserSession.end_reason)) is SessionEndReason.PASSWORD_CHANGED
    assert sign_in(client, "handler", "a new password for handler").status_code == 302


def test_ending_one_persons_sessions_leaves_everyone_elses(app, client):
    _handler_and_team()
    create_user("other", (Role.CALL_HANDLER,))
    db.session.commit()
    colleague = app.test_client()
    sign_in(client, "handler")
    sign_in(colleague, "other")
    operations.deactivate_user(_handler(), now=now_utc())
    db.session.commit()
    assert client.get("/calls/new").status_code == 302
    assert colleague.get("/calls/new").status_code == 200


def test_each_sign_in_starts_a_new_session_with_a_new_token_and_a_new_csrf_token(client):
    duty = _handler_and_team()
    client.get("/login")
    before_sign_in = client.get_cookie("session").value
    sign_in(client, "handler")
    first = client.get_cookie("session").value
    old_form = client.get("/calls/new").get_data(as_text=True)
    sign_in(client, "handler")  # again, over the open session
    second = client.get_cookie("session").value

    assert len({before_sign_in, first, second}) == 3
    rows = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
    assert [row.end_reason for row in rows] == [SessionEndReason.SIGNED_IN_AGAIN, None]
    raw_tokens = [json.loads(row.data)["csrf_token"] for row in rows]
    assert raw_tokens[0] != raw_tokens[1]
    # A form from before signing in again is refused: its CSRF token belonged to the old session.
    refused = client.post("/calls/new", data={"csrf_token": csrf_token(old_form), **log_call_form(duty.id)})
    assert refused.status_code == 400


def test_the_cookie_holds_only_a_token_and_the_database_only_its_hash(client):
    _handler_and_team()
    sign_in(client, "handler")
    token = client.get_cookie("session").value
    row = db.session.scalar(select(UserSession))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.data and "handler" not in token


def test_opening_the_sign_in_page_writes_no_session_row(client):
    client.get("/login")
    client.get("/login")
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_a_cookie_forged_with_the_secret_key_signs_nobody_in(app, client):
    _handler_and_team()
    user_id = str(_handler().id)
    forged = SecureCookieSessionInterface().get_signing_serializer(app).dumps(
        {"_user_id": user_id, "_fresh": True, "_permanent": True})
    client.set_cookie("session", forged)
    assert client.get("/calls/new").status_code == 302
    remembered = app.test_client()
    with app.test_request_context():
        remembered.set_cookie("remember_token", encode_cookie(user_id))
    assert remembered.get("/calls/new").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(client):
    _handler_and_team()
    with freeze_time("2026-11-23 10:00:00") as clock:
        sign_in(client, "handler")
        clock.tick(30)
        client.get("/calls/new")
        assert db.session.scalar(select(UserSession.seen_at)).strftime("%H:%M:%S") == "10:00:00"
        clock.tick(35)
        client.get("/calls/new")
        assert db.session.scalar(select(UserSession.seen_at)).strftime("%H:%M:%S") == "10:01:05"


def test_an_idle_session_ends_on_the_server_so_a_copy_of_it_is_refused_too(app, client):
    _handler_and_team()
    with freeze_time("2026-11-23 10:00:00") as clock:
        sign_in(client, "handler")
        thief = _copy_of(client, app)
        clock.tick(31 * 60)
        assert client.get("/calls/new").status_code == 302
        assert db.session.scalar(select(UserSession.end_reason)) is SessionEndReason.IDLE
        assert thief.get("/calls/new").status_code == 302


def test_signing_in_again_after_being_idle_starts_a_fresh_session(client):
    _handler_and_team()
    with freeze_time("2026-11-23 10:00:00") as clock:
        sign_in(client, "handler")
        clock.tick(31 * 60)
        client.get("/calls/new")
        assert sign_in(client, "handler").status_code == 302
        assert client.get("/calls/new").status_code == 200
    ends = db.session.scalars(select(UserSession.end_reason).order_by(UserSession.id)).all()
    assert ends == [SessionEndReason.IDLE, None]
