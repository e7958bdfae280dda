"""`flask create-user`, `deactivate-user`, `set-roles` and `reset-password`: the accounts'
commands, which run the operations the administration pages run; each change ends the person's
sessions."""

from sqlalchemy import select

from dutydesk.extensions import db
from dutydesk.models import Role, RoleGrant, SessionEndReason, TeamKind, User, UserSession
from tests.factories import create_team, create_user, sign_in


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.rollback()  # see what the command committed
    return result


def _signed_in_handler(client):
    create_user("handler", (Role.CALL_HANDLER,), create_team("Contact centre", TeamKind.CONTACT_CENTRE))
    db.session.commit()
    sign_in(client, "handler")
    assert client.get("/calls/new").status_code == 200


def _user(username):
    return db.session.scalar(select(User).where(User.username == username))


def test_create_user_adds_a_person_with_a_good_password(app, client):
    result = _run(app, "create-user", "Priya", "--name", "Priya Shah", "--role", "duty_worker",
                  "--password", "four random words here")
    assert result.exit_code == 0, result.output
    assert "Added priya (duty_worker)" in result.output
    assert sign_in(client, "priya", "four random words here").status_code == 302


def test_create_user_refuses_a_short_password_saying_what_to_do(app):
    result = _run(app, "create-user", "priya", "--name", "Priya Shah", "--role", "duty_worker",
                  "--password", "priya123")
    assert result.exit_code == 1
    assert "Choose a password of at least 12 characters" in result.output
    assert _user("priya") is None


def test_deactivate_user_stops_signing_in_and_ends_their_sessions(app, client):
    _signed_in_handler(client)
    result = _run(app, "deactivate-user", "handler")
    assert result.exit_code == 0, result.output
    assert "Deactivated handler; their sessions have ended" in result.output
    assert client.get("/calls/new").status_code == 302
    assert sign_in(client, "handler").status_code == 200  # refused: the sign-in page again
    assert _run(app, "deactivate-user", "handler").exit_code == 1  # already


def test_set_roles_ends_a_role_without_deleting_it_and_ends_their_sessions(app, client):
    _signed_in_handler(client)
    result = _run(app, "set-roles", "handler", "--role", "director")
    assert result.exit_code == 0, result.output
    assert "handler now holds: director; their sessions have ended" in result.output
    grants = db.session.scalars(select(RoleGrant).order_by(RoleGrant.id)).all()
    assert [(grant.role, grant.ended_at is None) for grant in grants] == [
        (Role.CALL_HANDLER, False), (Role.DIRECTOR, True)]
    assert _user("handler").roles == {Role.DIRECTOR}
    assert client.get("/calls/new").status_code == 302
    assert db.session.scalar(select(UserSession.end_reason)) is SessionEndReason.ROLES_CHANGED

    sign_in(client, "handler")
    assert client.get("/calls/new").status_code == 403  # no longer a call handler

    # A role given back is a new grant; the ended one stays as history.
    assert _run(app, "set-roles", "handler", "--role", "director", "--role", "call_handler").exit_code == 0
    assert len(db.session.scalars(select(RoleGrant)).all()) == 3
    assert _user("handler").roles == {Role.DIRECTOR, Role.CALL_HANDLER}


def test_set_roles_with_the_roles_held_changes_nothing(app, client):
    _signed_in_handler(client)
    result = _run(app, "set-roles", "handler", "--role", "call_handler")
    assert "already holds exactly those roles: nothing changed" in result.output
    assert client.get("/calls/new").status_code == 200


def test_reset_password_sets_a_new_one_and_ends_their_sessions(app, client):
    _signed_in_handler(client)
    weak = _run(app, "reset-password", "handler", "--password", "short")
    assert weak.exit_code == 1 and "at least 12 characters" in weak.output
    assert client.get("/calls/new").status_code == 200  # nothing changed

    result = _run(app, "reset-password", "handler", "--password", "a long new passphrase")
    assert result.exit_code == 0, result.output
    assert client.get("/calls/new").status_code == 302
    assert sign_in(client, "handler").status_code == 200  # the old password no longer works
    assert sign_in(client, "handler", "a long new passphrase").status_code == 302


def test_the_commands_name_an_unknown_username(app):
    result = _run(app, "reset-password", "nobody", "--password", "a long new passphrase")
    assert result.exit_code == 2
    assert "nobody has the username 'nobody'" in result.output
