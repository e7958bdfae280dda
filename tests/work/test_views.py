"""Actions and "my work", as a duty worker and a duty manager use them (R19, R55)."""

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import event, func, select

from dutydesk.absences import operations as absences
from dutydesk.cases import operations as cases
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import (
    ContactEvent,
    InboxChannel,
    Obligation,
    ObligationKind,
    RecordView,
    Role,
    ScreeningOutcome,
    TeamKind,
)
from dutydesk.work import operations as work
from tests.factories import (
    at,
    child_details,
    create_contact,
    create_team,
    create_user,
    csrf_token,
    obligation_of,
    post_form,
    sign_in,
)

NOW = "2026-11-23 10:00:00"  # a Monday, GMT
K = ObligationKind


@pytest.fixture
def team():
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    create_user("handler", (Role.CALL_HANDLER,), contact_centre, display_name="Hannah Cole")
    create_user("worker", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo")
    create_user("other", (Role.DUTY_WORKER,), duty, display_name="Olu Bankole")
    create_user("manager", (Role.DUTY_MANAGER,), duty, display_name="Mo Rahman")
    db.session.commit()
    return duty


def user(team, username):
    return next(member for member in team.members if member.username == username)


def signed_in(app, username):
    client = app.test_client()
    sign_in(client, username)
    return client


def call(team, minutes_ago=10):
    contact = create_contact(at(NOW) - timedelta(minutes=minutes_ago), team=team)
    db.session.commit()
    return contact


def action(contact, owner, *, title="Check school attendance", due_in=timedelta(days=1), now=None, child=None):
    now = now or at(NOW)
    created = work.add_action(contact, title=title, owner=owner, due_at=now + due_in, child=child,
                              by=owner, now=now)
    db.session.commit()
    return created


def actions_of(contact):
    return db.session.scalars(select(Obligation).where(Obligation.contact_id == contact.id,
                                                       Obligation.kind == K.ACTION)).all()


def action_form(**overrides):
    data = {"title": "Check school attendance", "child": "call", "worker_id": "",
            "due_date": ["24", "11", "2026"], "due_time": "14:30"}
    data.update(overrides)
    return data


def selected_option(page: str, name: str) -> str | None:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    match = re.search(r'<option value="([^"]*)" selected', select_html)
    return match.group(1) if match else None


# Adding an action


@freeze_time(NOW)
def test_the_call_page_offers_duty_workers_an_action_but_not_call_handlers(app, team):
    contact = call(team)
    worker_page = signed_in(app, "worker").get(f"/calls/{contact.id}").get_data(as_text=True)
    assert f'href="/calls/{contact.id}/actions/new"' in worker_page
    assert "Add an action" in worker_page
    handler_page = signed_in(app, "handler").get(f"/calls/{contact.id}").get_data(as_text=True)
    assert "Add an action" not in handler_page
    assert "/reassign" not in handler_page


@freeze_time(NOW)
def test_the_form_offers_the_whole_call_or_each_child_and_suggests_the_signed_in_person(app, team):
    contact = call(team)
    page = signed_in(app, "manager").get(f"/calls/{contact.id}/actions/new").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-l\">Add an action</h1>" in page
    assert "Back to call " + contact.reference in page
    assert "The whole call" in page and "Leo Martin" in page
    assert selected_option(page, "worker_id") == str(user(team, "manager").id)
    assert "Olu Bankole (Duty North)" in page
    assert "Hannah Cole" not in page.split("</select>")[0].split('name="worker_id"')[1]


@freeze_time(NOW)
def test_a_manager_adds_an_action_for_a_worker_which_shows_on_the_call_and_on_the_workers_list(app, team):
    contact = call(team)
    worker, child = user(team, "worker"), contact.children[0]
    manager = signed_in(app, "manager")
    response = post_form(manager, f"/calls/{contact.id}/actions/new",
                         action_form(child=str(child.id), worker_id=str(worker.id)), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Action added for Wes Adebayo, due 14:30 on 24 Nov 2026" in page

    [added] = actions_of(contact)
    assert (added.title, added.worker_id, added.child_id, added.team_id) == (
        "Check school attendance", worker.id, child.id, team.id)
    assert added.due_at == at("2026-11-24 14:30")
    assert added.met_at is None
    history = db.session.scalar(select(ContactEvent).where(ContactEvent.action == "action_added"))
    assert history.by.username == "manager"
    assert "Action for Wes Adebayo, due 14:30 on 24 November 2026: Check school attendance" in page
    assert f'/calls/{contact.id}/obligations/{added.id}/complete' in page
    assert "Mark as done<span class=\"govuk-visually-hidden\">: Check school attendance (Leo Martin)" in page
    # the form page and the call page: each view of the record is logged
    assert db.session.scalar(select(func.count()).select_from(RecordView)) == 3

    mine = signed_in(app, "worker").get("/my-work").get_data(as_text=True)
    assert "Check school attendance" in mine and "Leo Martin" in mine
    assert f'href="/calls/{contact.id}"' in mine
    assert "14:30 on 24 Nov 2026" in mine and "1 day 4 hours left" in mine


@freeze_time(NOW)
def test_a_refused_action_says_what_to_do_and_keeps_everything_typed(app, team):
    contact = call(team)
    other = user(team, "other")
    client = signed_in(app, "worker")
    page = post_form(client, f"/calls/{contact.id}/actions/new",
                     action_form(title="Ring the school", worker_id=str(other.id), due_date=["", "", ""],
                                 due_time="15:45")).get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter the date the action is due" in page
    assert 'value="Ring the school"' in page
    assert selected_option(page, "worker_id") == str(other.id)
    assert 'value="15:45"' in page

    page = post_form(client, f"/calls/{contact.id}/actions/new",
                     action_form(title="  ", worker_id="", due_date=["25", "11", "2026"])).get_data(as_text=True)
    assert "Enter what must be done" in page
    assert "Choose who will do it" in page
    assert 'value="25"' in page and 'value="14:30"' in page
    assert actions_of(contact) == []


@freeze_time(NOW)
def test_an_action_cannot_be_due_in_the_past(app, team):
    contact = call(team)
    client = signed_in(app, "worker")
    page = post_form(client, f"/calls/{contact.id}/actions/new",
                     action_form(worker_id=str(user(team, "worker").id), due_date=["23", "11", "2026"],
                                 due_time="09:30")).get_data(as_text=True)
    assert "The time the action is due must be in the future" in page
    assert 'value="09:30"' in page and 'value="Check school attendance"' in page
    assert actions_of(contact) == []


@freeze_time("2026-07-01 09:00:00")  # 10:00 BST
def test_a_due_date_without_a_time_means_the_end_of_that_working_day_in_london(app, team):
    contact = create_contact(at("2026-07-01 08:50"), team=team)
    db.session.commit()
    client = signed_in(app, "worker")
    response = post_form(client, f"/calls/{contact.id}/actions/new",
                         action_form(worker_id=str(user(team, "worker").id), due_date=["2", "7", "2026"], due_time=""),
                         follow_redirects=True)
    assert "due 17:00 on 2 Jul 2026" in response.get_data(as_text=True)
    [added] = actions_of(contact)
    assert added.due_at == at("2026-07-02 17:00", "Europe/London") == at("2026-07-02 16:00")


@freeze_time("2026-03-27 10:00:00")
def test_a_due_time_in_the_hour_the_clocks_skip_is_explained(app, team):
    contact = create_contact(at("2026-03-27 09:50"), team=team)
    db.session.commit()
    client = signed_in(app, "worker")
    page = post_form(client, f"/calls/{contact.id}/actions/new",
                     action_form(worker_id=str(user(team, "worker").id), due_date=["29", "3", "2026"],
                                 due_time="01:30")).get_data(as_text=True)
    assert "01:30 on 29 March 2026 did not happen in the UK" in page
    assert 'value="01:30"' in page
    assert actions_of(contact) == []


@freeze_time(NOW)
def test_an_owner_who_has_left_since_the_form_opened_is_refused(app, team):
    contact = call(team)
    leaver = create_user("leaver", (Role.DUTY_WORKER,), team, display_name="Lee Vere", is_active=False)
    db.session.commit()
    page = post_form(signed_in(app, "worker"), f"/calls/{contact.id}/actions/new",
                     action_form(worker_id=str(leaver.id))).get_data(as_text=True)
    assert "Choose who will do it from the list of people working now" in page
    assert actions_of(contact) == []


# Reassigning


@freeze_time(NOW)
def test_a_manager_reassigns_an_action_and_it_moves_from_one_workers_list_to_the_others(app, team):
    contact = call(team)
    worker, other = user(team, "worker"), user(team, "other")
    moved = action(contact, worker, title="Visit the family")
    url = f"/calls/{contact.id}/obligations/{moved.id}/reassign"
    manager = signed_in(app, "manager")
    form_page = manager.get(url).get_data(as_text=True)
    assert selected_option(form_page, "worker_id") == str(worker.id)
    assert "Visit the family" in form_page

    response = post_form(manager, url, {"worker_id": str(other.id)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Visit the family (C000001) reassigned to Olu Bankole" in page.replace(contact.reference, "C000001")
    assert "reassigned from Wes Adebayo to Olu Bankole" in page
    db.session.refresh(moved)
    assert moved.worker_id == other.id
    assert "Visit the family" in signed_in(app, "other").get("/my-work").get_data(as_text=True)
    assert "Visit the family" not in signed_in(app, "worker").get("/my-work").get_data(as_text=True)


@freeze_time(NOW)
def test_any_open_clock_of_the_call_can_be_reassigned(app, team):
    contact = call(team)
    other = user(team, "other")
    screening = obligation_of(contact, K.SCREENING_DECISION)
    page = signed_in(app, "worker").get(f"/calls/{contact.id}").get_data(as_text=True)
    assert f"/calls/{contact.id}/obligations/{screening.id}/reassign" in page
    post_form(signed_in(app, "manager"), f"/calls/{contact.id}/obligations/{screening.id}/reassign",
              {"worker_id": str(other.id)})
    db.session.refresh(screening)
    assert screening.worker_id == other.id
    assert "Screening decision" in signed_in(app, "other").get("/my-work").get_data(as_text=True)


@freeze_time(NOW)
def test_reassigning_to_the_same_owner_or_nobody_is_refused_beside_the_choice(app, team):
    contact = call(team)
    worker = user(team, "worker")
    kept = action(contact, worker)
    url = f"/calls/{contact.id}/obligations/{kept.id}/reassign"
    client = signed_in(app, "manager")
    assert "Choose who will own it" in post_form(client, url, {"worker_id": ""}).get_data(as_text=True)
    page = post_form(client, url, {"worker_id": str(worker.id)}).get_data(as_text=True)
    assert "Wes Adebayo already owns it" in page
    assert db.session.scalar(select(func.count()).select_from(ContactEvent)
                             .where(ContactEvent.action == "reassigned")) == 0


@freeze_time(NOW)
def test_work_that_is_done_cannot_be_reassigned(app, team):
    contact = call(team)
    worker = user(team, "worker")
    done = action(contact, worker)
    work.complete_action(done, by=worker, now=at(NOW))
    db.session.commit()
    page = post_form(signed_in(app, "manager"), f"/calls/{contact.id}/obligations/{done.id}/reassign",
                     {"worker_id": str(user(team, "other").id)}).get_data(as_text=True)
    assert "is already done: there is nothing to reassign" in page
    db.session.refresh(done)
    assert done.worker_id == worker.id


@freeze_time(NOW)
def test_an_obligation_of_another_call_is_not_found(app, team):
    contact, elsewhere = call(team), call(team)
    theirs = action(elsewhere, user(team, "worker"))
    client = signed_in(app, "manager")
    token = csrf_token(client.get(f"/calls/{contact.id}").get_data(as_text=True))
    for page in ("reassign", "complete"):
        url = f"/calls/{contact.id}/obligations/{theirs.id}/{page}"
        assert client.get(url).status_code == 404
        data = {"csrf_token": token, "worker_id": str(user(team, "other").id), "note": ""}
        assert client.post(url, data=data).status_code == 404
    db.session.refresh(theirs)
    assert (theirs.worker_id, theirs.met_at) == (user(team, "worker").id, None)


# Completing


@freeze_time(NOW)
def test_a_worker_marks_an_action_as_done_and_it_leaves_their_list(app, team):
    contact = call(team)
    worker = user(team, "worker")
    done = action(contact, worker, title="Ring the health visitor")
    client = signed_in(app, "worker")
    assert "Ring the health visitor" in client.get("/my-work").get_data(as_text=True)
    response = post_form(client, f"/calls/{contact.id}/obligations/{done.id}/complete",
                         {"note": "Family known to her; no concerns"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Action done: Ring the health visitor" in page
    assert "Met on time" in page
    assert "Action done: Ring the health visitor (Family known to her; no concerns)" in page
    db.session.refresh(done)
    assert (done.met_at, done.met_by_id, done.details) == (at(NOW), worker.id, {"note": "Family known to her; no concerns"})
    assert "Ring the health visitor" not in client.get("/my-work").get_data(as_text=True)


@freeze_time(NOW)
def test_a_clock_that_is_not_an_action_is_not_marked_as_done_here(app, team):
    contact = call(team)
    screening = obligation_of(contact, K.SCREENING_DECISION)
    url = f"/calls/{contact.id}/obligations/{screening.id}/complete"
    client = signed_in(app, "worker")
    assert client.get(url).status_code == 200
    assert f"/calls/{contact.id}/obligations/{screening.id}/complete" not in \
        client.get(f"/calls/{contact.id}").get_data(as_text=True)
    page = post_form(client, url, {"note": ""}).get_data(as_text=True)
    assert "Screening decision is recorded on its own page, not completed as an action" in page
    db.session.refresh(screening)
    assert screening.met_at is None


@freeze_time(NOW)
def test_an_action_already_done_is_not_done_twice(app, team):
    contact = call(team)
    worker = user(team, "worker")
    done = action(contact, worker)
    url = f"/calls/{contact.id}/obligations/{done.id}/complete"
    client = signed_in(app, "worker")
    assert post_form(client, url, {}).status_code == 302
    page = post_form(client, url, {}).get_data(as_text=True)
    assert "was already recorded by Wes Adebayo" in page
    assert db.session.scalar(select(func.count()).select_from(ContactEvent)
                             .where(ContactEvent.action == "action_done")) == 1


@freeze_time(NOW)
def test_every_action_form_refuses_a_post_without_its_csrf_token(app, team):
    contact = call(team)
    worker = user(team, "worker")
    open_action = action(contact, worker)
    client = signed_in(app, "worker")
    for url, data in [
        (f"/calls/{contact.id}/actions/new", action_form(worker_id=str(worker.id))),
        (f"/calls/{contact.id}/obligations/{open_action.id}/reassign", {"worker_id": str(user(team, "other").id)}),
        (f"/calls/{contact.id}/obligations/{open_action.id}/complete", {"note": ""}),
    ]:
        assert client.post(url, data=data).status_code == 400, url
    db.session.refresh(open_action)
    assert (open_action.worker_id, open_action.met_at, len(actions_of(contact))) == (worker.id, None, 1)


# My work


@freeze_time(NOW)
def test_my_work_lists_what_i_own_soonest_due_first_with_the_boards_state(app, team):
    contact = call(team)
    worker, other = user(team, "worker"), user(team, "other")
    action(contact, worker, title="Later this week", due_in=timedelta(days=3))
    action(contact, worker, title="Within the hour", due_in=timedelta(minutes=30))
    action(contact, worker, title="Missed it", now=at(NOW) - timedelta(hours=3), due_in=timedelta(hours=2))
    action(contact, other, title="Someone else's")
    done = action(contact, worker, title="Already done")
    work.complete_action(done, by=worker, now=at(NOW))
    db.session.commit()

    page = signed_in(app, "worker").get("/my-work").get_data(as_text=True)
    assert "<title>My work" in page and '<h1 class="govuk-heading-l">My work</h1>' in page
    assert "You own 3 things, 1 overdue" in page
    rows = re.findall(r'<tr class="govuk-table__row" data-kind="action">(.*?)</tr>', page, re.S)
    assert [re.search(r"<td[^>]*>([^<]*)<br>", row).group(1) for row in rows] == [
        "Missed it", "Within the hour", "Later this week"]
    assert ["Overdue" in rows[0], "Due soon" in rows[1], "On track" in rows[2]] == [True, True, True]
    assert "overdue by 1 hour" in rows[0] and "30 minutes left" in rows[1] and "3 days left" in rows[2]
    assert "Someone else" not in page and "Already done" not in page
    # The list names the call's child: that the worker saw it is logged, once, as a list view.
    views = db.session.scalars(select(RecordView)).all()
    assert [(v.contact_id, v.user_id, v.is_list, v.path) for v in views] == [(contact.id, worker.id, True, "/my-work")]


@freeze_time(NOW)
def test_my_work_says_so_when_there_is_nothing(app, team):
    page = signed_in(app, "worker").get("/my-work").get_data(as_text=True)
    assert "You own nothing that is still open" in page
    assert "No cases are allocated to you" in page
    assert "<table" not in page


@freeze_time(NOW)
def test_my_work_lists_the_open_cases_allocated_to_me(app, team):
    worker, manager = user(team, "worker"), user(team, "manager")
    mine = _allocated_case(team, worker, manager, name="Amira Haddad")
    closed = _allocated_case(team, worker, manager, name="Ben Ortiz")
    cases.record_screening_decision(closed.contact, closed.child, outcome=ScreeningOutcome.NO_FURTHER_ACTION,
                                    rationale="Family moved abroad", by=worker, now=at(NOW))
    _allocated_case(team, user(team, "other"), manager, name="Cara Lind")
    db.session.commit()
    page = signed_in(app, "worker").get("/my-work").get_data(as_text=True)
    section = page.split('id="cases"')[1]
    assert "Amira Haddad" in section and "Duty North" in section and "23 Nov 2026" in section
    assert "Ben Ortiz" not in section and "Cara Lind" not in section
    assert f'href="/cases/{mine.id}"' in section


def _allocated_case(team, worker, manager, *, name, received=None):
    received = received or at(NOW) - timedelta(hours=2)
    contact = create_contact(received, team=team, children=[_child(name)])
    calls.accept_handoff(contact, by=worker, now=received + timedelta(minutes=5))
    child = contact.children[0]
    cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.REFERRAL, rationale="Second call",
                                    by=worker, now=received + timedelta(minutes=30))
    referral = cases.get_referral(child)
    cases.allocate_case(referral, to=worker, by=manager, now=received + timedelta(minutes=40))
    db.session.commit()
    return referral


def _child(name):
    return child_details(name=name)


def _count_statements(client, url):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def _letter(addressed_to, sender="Park Lane Primary School", received=None):
    received = received or at(NOW) - timedelta(minutes=30)
    absences.record_inbox_item(addressed_to, channel=InboxChannel.POST, sender=sender, summary="Attendance figures",
                               received_at=received, by=addressed_to, now=received)


def _away_with(team, username, *, cover, actions=1, letters=1):
    """A worker who holds open work and post, away since an hour ago with `cover` covering."""
    worker = create_user(username, (Role.DUTY_WORKER,), team, display_name=f"Away {username}")
    contact = call(team)
    for n in range(actions):
        action(contact, worker, title=f"Covered action {n}")
    for n in range(letters):
        _letter(worker, sender=f"Covered sender {n}")
    absences.record_absence(worker, starts_at=at(NOW) - timedelta(hours=1), ends_at=at(NOW) + timedelta(days=1),
                            cover=cover, reason="", by=user(team, "manager"), now=at(NOW))
    db.session.commit()


@freeze_time(NOW)
def test_my_work_reads_the_same_number_of_queries_for_one_thing_as_for_thirty(app, team):
    worker, other, manager = user(team, "worker"), user(team, "other"), user(team, "manager")
    first = call(team)
    action(first, worker, child=first.children[0])
    _allocated_case(team, worker, manager, name="Amira Haddad")
    _letter(worker)
    _away_with(team, "away1", cover=worker)
    one_client = signed_in(app, "worker")
    one_page = one_client.get("/my-work").get_data(as_text=True)
    few = _count_statements(one_client, "/my-work")

    for n in range(10):
        contact = call(team, minutes_ago=n)
        for title in ("Ring the school", "Visit the home", "Check with the GP"):
            action(contact, other, title=title, child=contact.children[0] if n % 2 else None)
        _allocated_case(team, other, manager, name=f"Child {n}")
        _letter(other, sender=f"Sender {n}")
    for n in range(3):
        _away_with(team, f"away{n + 2}", cover=other, actions=3, letters=3)
    many_client = signed_in(app, "other")
    many_page = many_client.get("/my-work").get_data(as_text=True)
    assert many_page.count('data-kind="action"') == 30 + 3 * 3
    assert many_page.count("data-inbox-item=") == 10 + 3 * 3 and one_page.count("data-inbox-item=") == 2
    assert many_page.count("Covering for Away away") == 3 and one_page.count("Covering for Away away1") == 1
    assert "You own 2 things" in one_page and "You own 40 things" in many_page
    assert one_page.count("Amira Haddad") == 3  # her assessment clock (its link says whose) and her case
    assert all(f"Child {n}" in many_page for n in range(10))
    assert _count_statements(many_client, "/my-work") == few
