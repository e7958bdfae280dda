"""Signing in and out, the 30-minute idle timeout, and losing nothing to it."""

from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk.extensions import db
from dutydesk.models import Contact, FormDraft, Role, TeamKind
from tests.factories import PASSWORD, create_team, create_user, csrf_token, log_call_form, sign_in


def _people():
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    create_user("handler", (Role.CALL_HANDLER,), contact_centre)
    create_user("other", (Role.CALL_HANDLER,), contact_centre)
    db.session.commit()
    return duty


def test_signing_in_with_the_right_password_goes_to_the_persons_work(client):
    _people()
    response = sign_in(client, "handler")
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/calls/new"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    _people()
    page = sign_in(client, "handler", "wrong").get_data(as_text=True)
    assert "Enter a correct username and password" in page
    assert client.get("/calls/new").status_code == 302


def test_a_deactivated_person_cannot_sign_in(client):
    create_user("leaver", (Role.CALL_HANDLER,), is_active=False)
    db.session.commit()
    page = sign_in(client, "leaver").get_data(as_text=True)
    assert "Enter a correct username and password" in page


def test_signing_in_never_redirects_off_site(client):
    _people()
    page = client.get("/login?next=https://evil.example/")
    response = client.post("/login?next=https://evil.example/", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "username": "handler", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_a_next_address_that_is_not_an_address_goes_home_after_signing_in(client):
    _people()
    page = client.get("/login?next=http://[::1")
    response = client.post("/login?next=http://[::1", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "username": "handler", "password": PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_a_refresh_from_a_page_whose_address_is_nonsense_is_sent_to_sign_in(client):
    response = client.get("/board/live", headers={"HX-Request": "true", "HX-Current-URL": "http://["})
    assert (response.status_code, response.headers["HX-Redirect"]) == (204, "/login")


def test_signing_out_ends_the_session(client):
    _people()
    sign_in(client, "handler")
    page = client.get("/calls/new").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert client.get("/calls/new").status_code == 302



def test_a_session_survives_29_minutes_idle_and_ends_after_31(client):
    _people()
    with freeze_time("2026-11-23 10:00:00") as clock:
        sign_in(client, "handler")
        clock.tick(29 * 60)
        assert client.get("/calls/new").status_code == 200
        clock.tick(29 * 60)  # 29 minutes since the last request: still fine
        assert client.get("/calls/new").status_code == 200
        clock.tick(31 * 60)
        response = client.get("/calls/new")
        assert response.status_code == 302
        assert "30 minutes without activity" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_call_typed_while_the_session_expired_is_kept_and_back_after_signing_in(client):
    duty = _people()
    with freeze_time("2026-11-23 10:00:00") as clock:
        sign_in(client, "handler")
        form_page = client.get("/calls/new").get_data(as_text=True)
        clock.tick(45 * 60)  # typing a long call
        data = log_call_form(duty.id, concern="Neighbour says the baby has not been fed since Friday")
        response = client.post("/calls/new", data={"csrf_token": csrf_token(form_page), **data})
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        assert db.session.scalar(select(func.count(Contact.id))) == 0
        assert db.session.scalar(select(func.count(FormDraft.id))) == 1

        login = client.get("/login").get_data(as_text=True)
        assert "what you typed has been kept" in login
        back = client.post("/login", data={"csrf_token": csrf_token(login), "username": "handler",
                                           "password": PASSWORD})
        assert back.headers["Location"].startswith("/calls/new?draft=")
        restored = client.get(back.headers["Location"]).get_data(as_text=True)
        assert "Neighbour says the baby has not been fed since Friday" in restored
        assert "Joan Fraser" in restored

        saved = client.post("/calls/new", data={"csrf_token": csrf_token(restored), **data})
        assert saved.status_code == 302 and saved.headers["Location"].startswith("/calls/")
        assert db.session.scalar(select(Contact.concern)) == "Neighbour says the baby has not been fed since Friday"


def test_a_kept_call_is_not_shown_to_someone_else_who_signs_in(client):
    duty = _people()
    with freeze_time("2026-11-23 10:00:00") as clock:
        sign_in(client, "handler")
        form_page = client.get("/calls/new").get_data(as_text=True)
        clock.tick(45 * 60)
        client.post("/calls/new", data={"csrf_token": csrf_token(form_page),
                                        **log_call_form(duty.id, concern="Private words")})
        draft_id = db.session.scalar(select(FormDraft.id))
        login = client.get("/login").get_data(as_text=True)
        back = client.post("/login", data={"csrf_token": csrf_token(login), "username": "other",
                                           "password": PASSWORD})
        assert "draft" not in back.headers["Location"]
        page = client.get(f"/calls/new?draft={draft_id}").get_data(as_text=True)
        assert "Private words" not in page


def test_attempts_at_unknown_usernames_are_recorded_too(client):
    from dutydesk.models import SignInAttempt

    sign_in(client, "Nobody ", "x")
    assert db.session.scalar(select(SignInAttempt.username)) == "nobody"
