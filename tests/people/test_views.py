"""The administration pages as an administrator uses them, and as everyone else is refused them."""

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk import permissions
from dutydesk.cases import operations as cases
from dutydesk.clock import now_utc
from dutydesk.contacts import operations as calls
from dutydesk.display import london
from dutydesk.extensions import db
from dutydesk.models import (
    AdminChange,
    AdminChangeKind,
    Role,
    ScreeningOutcome,
    SignInAttempt,
    Team,
    TeamKind,
    User,
)
from dutydesk.people import operations as people
from dutydesk.work import operations as work
from tests.factories import PASSWORD, at, create_contact, create_team, create_user, csrf_token, sign_in

NOW = "2026-11-23 10:00:00"  # a Monday, GMT


@pytest.fixture
def office():
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north, south = create_team("Duty North"), create_team("Duty South")
    night = create_team("Out of hours", TeamKind.OUT_OF_HOURS)
    create_user("admin", (Role.ADMIN,), display_name="Alex Morgan")
    create_user("hannah", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    north.manager = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    create_user("simon", (Role.SENIOR_MANAGER,), display_name="Simon Reid")
    db.session.commit()
    return {"centre": centre, "north": north, "south": south, "night": night}


def user(username) -> User:
    db.session.rollback()
    return db.session.scalar(select(User).where(User.username == username))


def team(name) -> Team:
    db.session.rollback()
    return db.session.scalar(select(Team).where(Team.name == name))


def signed_in(app, username, password=PASSWORD):
    client = app.test_client()
    assert sign_in(client, username, password).status_code == 302
    return client


def post(client, url, data=None, page=None):
    """Post as the browser would, with the CSRF token of the page the form is on."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(html), **(data or {})})


def flashed(client) -> str:
    return client.get("/people").get_data(as_text=True)


@freeze_time(NOW)
def test_an_administrator_starts_on_the_people_list_with_people_teams_and_changes_in_the_menu(app, office):
    admin = signed_in(app, "admin")
    response = admin.get("/")
    assert response.headers["Location"] == "/people"
    page = admin.get("/people").get_data(as_text=True)
    menu = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.search(r'<nav aria-label="Menu".*?</nav>', page, re.S).group(0)))
    assert menu.split() == ["Menu", "People", "Teams", "Changes"]
    row = re.search(r'<tr class="govuk-table__row" id="person-\d+">\s*<td[^>]*><a[^>]*>Wes Adebayo</a></td>(.*?)</tr>',
                    page, re.S).group(1)
    assert "wes" in row and "Duty North" in row and "Duty worker" in row and "Active" in row
    worker = signed_in(app, "wes")
    assert "People" not in worker.get("/my-work").get_data(as_text=True).split("</nav>")[0]


@freeze_time(NOW)
def test_a_person_added_by_the_administrator_must_choose_a_password_before_anything_else(app, office):
    admin = signed_in(app, "admin")
    form = {"display_name": "Priya Shah", "username": "priya", "email": "priya@example.gov.uk",
            "roles": ["duty_worker"], "team_id": str(office["north"].id), "password": "a first passphrase"}
    response = post(admin, "/people/new", form)
    assert response.status_code == 302
    priya = user("priya")
    assert (priya.display_name, priya.roles, priya.team.name, priya.must_change_password) == (
        "Priya Shah", {Role.DUTY_WORKER}, "Duty North", True)
    assert "Priya Shah added. They sign in as priya" in admin.get(response.headers["Location"]).get_data(as_text=True)

    client = app.test_client()
    response = sign_in(client, "priya", "a first passphrase")
    assert response.headers["Location"] == "/account/password"
    for page in ("/my-work", "/board", "/"):
        assert client.get(page).headers["Location"] == "/account/password"
    refused = post(client, "/account/password", {"current_password": "a first passphrase",
                                                 "new_password": "short"})
    assert "Choose a password of at least 12 characters" in refused.get_data(as_text=True)
    changed = post(client, "/account/password", {"current_password": "a first passphrase",
                                                 "new_password": "priya's own passphrase"})
    assert changed.status_code == 302
    assert client.get("/my-work").status_code == 200
    assert not user("priya").must_change_password
    assert sign_in(app.test_client(), "priya", "a first passphrase").status_code == 200  # no longer works


@freeze_time(NOW)
def test_a_form_refused_keeps_what_was_typed_and_says_what_to_do(app, office):
    admin = signed_in(app, "admin")
    page = post(admin, "/people/new", {"display_name": "Priya Shah", "username": "WES", "email": "priya@",
                                       "roles": ["duty_worker"], "password": "a first passphrase"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Enter the e-mail address in the right form, like wes.adebayo@example.gov.uk" in html
    assert 'value="Priya Shah"' in html and 'value="WES"' in html and 'value="priya@"' in html
    page = post(admin, "/people/new", {"display_name": "Priya Shah", "username": "wes", "email": "p@example.org",
                                       "roles": ["duty_worker"], "password": "a first passphrase"})
    assert "Wes Adebayo already has the username wes: choose another" in page.get_data(as_text=True)
    page = post(admin, "/people/new", {"display_name": "", "username": "", "email": "", "password": ""})
    html = page.get_data(as_text=True)
    for message in ("Enter the person&#39;s full name", "Enter a username", "Choose at least one role",
                    "Enter a first password for them"):
        assert message in html
    assert db.session.scalar(select(func.count()).select_from(User)) == 5


@freeze_time(NOW)
def test_changing_someones_roles_signs_them_out_everywhere_at_once(app, office):
    wes_id = user("wes").id
    wes = signed_in(app, "wes")
    assert wes.get("/my-work").status_code == 200
    admin = signed_in(app, "admin")
    response = post(admin, f"/people/{wes_id}/change", {
        "display_name": "Wes Adebayo", "email": "wes@example.invalid", "roles": ["duty_worker", "duty_manager"],
        "team_id": str(office["north"].id)})
    assert response.status_code == 302
    assert ("Wes Adebayo: Roles: Duty worker → Duty worker, Duty manager; 1 signed-in session ended"
            in admin.get(response.headers["Location"]).get_data(as_text=True))
    assert wes.get("/my-work").headers["Location"].startswith("/login")
    again = signed_in(app, "wes")
    assert again.get("/absences").status_code == 200  # now a duty manager


@freeze_time(NOW)
def test_a_reset_password_ends_their_sessions_and_must_be_changed_at_next_sign_in(app, office):
    wes_id = user("wes").id
    wes = signed_in(app, "wes")
    copied = app.test_client()
    copied.set_cookie("session", wes.get_cookie("session").value)
    assert copied.get("/my-work").status_code == 200
    admin = signed_in(app, "admin")
    refused = post(admin, f"/people/{wes_id}/password", {"password": "password1234"})
    assert "That password is on a list of common passwords" in refused.get_data(as_text=True)
    assert post(admin, f"/people/{wes_id}/password", {"password": "a temporary passphrase"}).status_code == 302
    for client in (wes, copied):
        assert client.get("/my-work").headers["Location"].startswith("/login")
    assert sign_in(app.test_client(), "wes", PASSWORD).status_code == 200  # the old one no longer works
    fresh = app.test_client()
    assert sign_in(fresh, "wes", "a temporary passphrase").headers["Location"] == "/account/password"


def test_unlocking_lets_a_colleague_sign_in_at_once_after_too_many_wrong_passwords(app, office):
    wes_id = user("wes").id
    desk = app.test_client()
    assert sign_in(desk, "wes").status_code == 302  # a browser Wes has signed in on: it has its own allowance
    desk.post("/logout", data={"csrf_token": csrf_token(desk.get("/my-work").get_data(as_text=True))})
    stranger = app.test_client()
    for _ in range(5):
        sign_in(stranger, "wes", "a guess at it")
        sign_in(desk, "wes", "his own typo")
    assert sign_in(app.test_client(), "wes").status_code == 429
    assert sign_in(desk, "wes").status_code == 429
    admin = signed_in(app, "admin")
    page = admin.get(f"/people/{wes_id}").get_data(as_text=True)
    failures = db.session.scalar(select(func.count()).select_from(SignInAttempt)
                                 .where(SignInAttempt.is_success.is_(False)))
    assert failures == 12  # the two refused attempts count too
    assert "12 wrong passwords in the last 15 minutes" in page and "are paused" in page
    response = post(admin, f"/people/{wes_id}/unlock", page=f"/people/{wes_id}")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Unlocked: Wes Adebayo can sign in as wes at once, on any computer" in page
    assert "No wrong passwords in the last 15 minutes since they were unlocked" in page
    assert sign_in(app.test_client(), "wes").status_code == 302
    assert sign_in(desk, "wes").status_code == 302
    [change] = db.session.scalars(select(AdminChange).where(AdminChange.kind == AdminChangeKind.UNLOCKED)).all()
    assert change.description == "Sign-in unlocked: 12 recent wrong passwords for wes no longer count"


@freeze_time(NOW)
def test_deactivating_a_leaver_unallocates_their_cases_passes_their_work_and_ends_their_sessions(app, office):
    north, wes_user, maya = office["north"], user("wes"), user("maya")
    received = at(NOW) - timedelta(hours=5)
    contact = create_contact(received, team=north)
    calls.accept_handoff(contact, by=wes_user, now=received + timedelta(minutes=10))
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Third call", by=wes_user, now=received + timedelta(hours=1))
    referral = cases.get_referral(contact.children[0])
    cases.allocate_case(referral, to=wes_user, by=maya, now=received + timedelta(hours=2))
    work.add_action(contact, title="Ring the school", owner=wes_user, due_at=at(NOW) + timedelta(hours=4),
                    by=wes_user, now=received + timedelta(hours=2))
    db.session.commit()
    wes = signed_in(app, "wes")
    copied = app.test_client()
    copied.set_cookie("session", wes.get_cookie("session").value)

    admin = signed_in(app, "admin")
    page = admin.get(f"/people/{wes_user.id}/deactivate").get_data(as_text=True)
    assert "their 1 open case goes to the unallocated list, because the worker left" in page
    with freeze_time("2026-11-23 10:30:00"):
        response = post(admin, f"/people/{wes_user.id}/deactivate")
        assert response.status_code == 302
        assert ("Wes Adebayo is deactivated: 1 signed-in session ended; 1 case to the unallocated list; 2 pieces "
                "of open work to their teams" in admin.get(response.headers["Location"]).get_data(as_text=True))
        for client in (wes, copied):  # a copied session cookie no longer works either
            assert client.get("/my-work").headers["Location"].startswith("/login")
        assert sign_in(app.test_client(), "wes").status_code == 200

        manager = signed_in(app, "maya")
        unallocated = manager.get("/cases/unallocated").get_data(as_text=True)
        assert "Worker left: Wes Adebayo left on 23 November 2026" in unallocated
        assert "since 10:30 on 23 Nov 2026" in unallocated
        board = manager.get(f"/board?team={north.id}&worker=unassigned").get_data(as_text=True)
        assert "Ring the school" in board


@freeze_time(NOW)
def test_teams_are_added_renamed_and_given_their_manager_told_first(app, office):
    admin = signed_in(app, "admin")
    response = post(admin, "/teams/new", {"name": "Duty West", "kind": "duty"})
    assert response.status_code == 302
    west = team("Duty West")
    assert (west.kind, west.is_active) == (TeamKind.DUTY, True)
    page = post(admin, f"/teams/{west.id}/change", {"name": "Duty North", "kind": "duty"})
    assert "There is already a team called Duty North: choose another name" in page.get_data(as_text=True)
    assert post(admin, f"/teams/{west.id}/change", {"name": "Duty and assessment West", "kind": "duty"}
                ).status_code == 302
    assert team("Duty and assessment West").id == west.id

    north = office["north"]
    raj = create_user("raj", (Role.DUTY_MANAGER,), north, display_name="Raj Singh")
    db.session.commit()
    page = admin.get(f"/teams/{north.id}").get_data(as_text=True)
    assert "Maya Patel, Raj Singh" in page  # all the team's duty managers
    assert post(admin, f"/teams/{north.id}/manager", {"manager_id": str(user('wes').id)}).status_code == 200
    assert post(admin, f"/teams/{north.id}/manager", {"manager_id": str(raj.id)}).status_code == 302
    assert team("Duty North").manager.username == "raj"


def _suggested_team_id(page: str) -> int | None:
    """The team the call form has chosen in its "Duty team" select, if any."""
    select = re.search(r'<select[^>]*name="team_id".*?</select>', page, re.S).group()
    chosen = re.search(r'<option value="(\d+)" selected', select)
    return int(chosen.group(1)) if chosen else None


@freeze_time(NOW)
def test_the_call_form_suggests_the_team_the_administrator_marked(app, office):
    north, south, night = office["north"], office["south"], office["night"]
    handler = signed_in(app, "hannah")
    page = handler.get("/calls/new").get_data(as_text=True)
    assert _suggested_team_id(page) is None  # two duty teams: the handler chooses
    admin = signed_in(app, "admin")
    assert post(admin, f"/teams/{south.id}/change", {"name": "Duty South", "kind": "duty",
                                                     "suggested": ["office_hours"]}).status_code == 302
    assert _suggested_team_id(handler.get("/calls/new").get_data(as_text=True)) == south.id
    with freeze_time("2026-11-23 22:00:00"):
        handler = signed_in(app, "hannah")
        assert _suggested_team_id(handler.get("/calls/new").get_data(as_text=True)) == night.id
        admin = signed_in(app, "admin")
        assert post(admin, f"/teams/{north.id}/change", {"name": "Duty North", "kind": "duty",
                                                         "suggested": ["out_of_hours"]}).status_code == 302
        assert _suggested_team_id(handler.get("/calls/new").get_data(as_text=True)) == north.id


def test_every_change_is_listed_newest_first_with_who_when_and_what_in_pages(app, office):
    admin_user, wes = user("admin"), user("wes")
    start = now_utc()
    for n in range(55):
        people.change_details(wes, display_name=f"Wes Adebayo {n}", email="wes@example.invalid", by=admin_user,
                              now=start + timedelta(minutes=n))
    db.session.commit()
    admin = signed_in(app, "admin")
    first = admin.get("/people/changes").get_data(as_text=True)
    assert "60 changes, newest first: page 1 of 2" in first  # 5 people added, and 55 changes of name
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', first.split("<tbody")[1], re.S)
    assert len(rows) == 50
    assert london(start + timedelta(minutes=54)) in rows[0] and "Alex Morgan" in rows[0]
    assert "Name or e-mail changed" in rows[0] and "Name: Wes Adebayo 53 → Wes Adebayo 54" in rows[0]
    second = admin.get("/people/changes?page=2").get_data(as_text=True)
    assert "Added Hannah Cole (hannah)" in second and "The command line" in second
    about = admin.get(f"/people/changes?user={wes.id}").get_data(as_text=True)
    assert "56 changes, newest first: page 1 of 2" in about


def _children_pages(office):
    contact = create_contact(at(NOW) - timedelta(minutes=20), team=office["north"])
    db.session.commit()
    return [f"/calls/{contact.id}", "/calls/new", "/board", "/queue", "/my-work", "/cases/unallocated",
            "/escalations", "/absences", "/inbox-items/new"]


@freeze_time(NOW)
def test_an_administrator_is_refused_childrens_records(app, office):
    admin = signed_in(app, "admin")
    for page in _children_pages(office):
        response = admin.get(page)
        assert response.status_code == 403, page
        assert "Leo Martin" not in response.get_data(as_text=True)
    for name in dir(permissions):
        granted = getattr(permissions, name)
        if isinstance(granted, frozenset) and name not in ("ADMINISTER", "ANYONE"):
            assert Role.ADMIN not in granted, f"{name} includes administrators"


@freeze_time(NOW)
@pytest.mark.parametrize("username", ["hannah", "wes", "maya", "simon"])
def test_everyone_but_an_administrator_is_refused_the_administration_pages(app, office, username):
    client = signed_in(app, username)
    north_id, wes_id = office["north"].id, user("wes").id
    for page in ("/people", "/people/new", f"/people/{wes_id}", f"/people/{wes_id}/change", "/people/changes",
                 "/teams", "/teams/new", f"/teams/{north_id}", f"/teams/{north_id}/manager"):
        response = client.get(page)
        assert response.status_code == 403, page
        assert "This page is for a admin" in response.get_data(as_text=True)
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    assert client.post(f"/people/{wes_id}/deactivate", data={"csrf_token": token}).status_code == 403
    assert user("wes").is_active


@freeze_time(NOW)
def test_anyone_may_change_their_own_password_and_their_other_sessions_end(app, office):
    elsewhere = signed_in(app, "maya")
    here = signed_in(app, "maya")
    response = post(here, "/account/password", {"current_password": PASSWORD, "new_password": "maya's new passphrase"})
    assert response.status_code == 302
    assert "Your password has been changed" in here.get("/board").get_data(as_text=True)
    assert elsewhere.get("/board").headers["Location"].startswith("/login")
    assert not db.session.scalar(select(func.count()).select_from(AdminChange)
                                 .where(AdminChange.kind == AdminChangeKind.PASSWORD_RESET))
