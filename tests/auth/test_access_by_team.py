"""Access by role and team: every route × every role × own team and other team, answered by the rule.

The expected answer for each request comes from the declared rule (the view's permission, the
record it reads or changes, and `access.may_change`), not from what the code happens to do; a
route that declares no rule fails the test. A refused change is a 403 page that says why and
who can, and leaves every table as it was.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import g
from freezegun import freeze_time
from sqlalchemy import select, text

from dutydesk.absences import operations as absences
from dutydesk.access import may_change
from dutydesk.auth.session import PUBLIC_ENDPOINTS
from dutydesk.cases import operations as cases
from dutydesk.contacts.operations import Flags
from dutydesk.extensions import db
from dutydesk.models import InboxChannel, ObligationKind, Role, ScreeningOutcome, TeamKind, User
from dutydesk.work import operations as work
from tests.factories import at, create_contact, create_team, create_user, csrf_token, obligation_of, sign_in

from .conftest import NOW, _user, url_for_rule

#: Pages any signed-in person may open: the home page sends them onward, and signing out.
SIGNED_IN_ONLY = {"core.home", "auth.logout"}
#: Tables a refused request may still write to: the logs of who looked at what, and sign-ins.
LOGS = {"record_views", "sign_in_attempts", "form_drafts", "user_sessions", "alembic_version"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in PUBLIC_ENDPOINTS and rule.endpoint not in SIGNED_IN_ONLY:
            yield rule


def _expected(app, rule, ids, user: User, records: dict) -> tuple[bool, str]:
    """Whether the rule lets this person use this page, and which rule said no ("role", "team").

    `records` keeps the records read since the last change that may have moved them.
    """
    view = app.view_functions[rule.endpoint]
    if not user.has_any_role(view.required_permission):
        return False, "role"
    declared = view.access_rule
    if declared.subject is None or not (declared.is_change or declared.subject.is_read_restricted):
        return True, ""
    if rule.endpoint not in records:
        g.pop("records_loaded", None)
        records[rule.endpoint] = declared.record({key: ids[key] for key in rule.arguments})
    assert records[rule.endpoint] is not None, f"the world has no record for {rule.endpoint}"
    return (True, "") if may_change(user, records[rule.endpoint]) else (False, "team")


def _snapshot() -> dict:
    """Every row of every table but the logs: a refused request must leave them all as they were."""
    tables = [table for table in db.metadata.sorted_tables if table.name not in LOGS]
    with db.engine.connect() as connection:
        return {table.name: sorted(map(tuple, connection.execute(text(f"SELECT * FROM {table.name}"))), key=repr)
                for table in tables}


def test_every_route_declares_who_may_use_it_and_on_which_records(app):
    for rule in _routes(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "required_permission", None), f"{rule.endpoint} does not say which roles may use it"
        assert getattr(view, "access_rule", None) is not None, f"{rule.endpoint} does not say which records it is about"
        subject = view.access_rule.subject
        if subject is not None:
            assert rule.arguments, f"{rule.endpoint} is about a record but its URL names none"


@freeze_time(NOW)
def test_every_route_answers_every_role_in_its_own_team_and_another_as_the_rule_says(app, teams):
    world = teams
    checked = {"allowed": 0, "role": 0, "team": 0}
    clients, users, records = {}, {}, {}
    for username in world.people.values():
        client = clients[username] = app.test_client()
        sign_in(client, username)
        client.token = csrf_token(client.get("/", follow_redirects=True).get_data(as_text=True))
        users[username] = _user(username)
    for rule in _routes(app):
        methods = [method for method in ("GET", "POST") if method in rule.methods]
        for (role, side), username in world.people.items():
            client, token = clients[username], clients[username].token
            for method in methods:
                allowed, why = _expected(app, rule, world.ids, users[username], records)
                before = None if allowed or method == "GET" else _snapshot()
                url = url_for_rule(rule, world.ids)
                response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
                where = f"{method} {rule.endpoint} as {role.value} of the {side} team"
                if allowed:
                    checked["allowed"] += 1
                    assert response.status_code in (200, 302), f"{where}: allowed, got {response.status_code}"
                    if method == "GET" and response.status_code == 200 and response.mimetype == "text/html":
                        # no Jinja left unrendered (a download, an XLSX say, is not a page)
                        page = response.get_data(as_text=True)
                        assert "{{" not in page and "{%" not in page, f"{where}: shows template text"
                    if method == "POST":  # it may have changed who holds what: read the records again
                        records.clear()
                        db.session.expire_all()
                    continue
                checked[why] += 1
                page = response.get_data(as_text=True)
                assert response.status_code == 403, f"{where}: refused by {why}, got {response.status_code}"
                if why == "role":
                    assert "This page is for a" in page, where
                else:
                    assert "You cannot change" in page and "or a senior manager can." in page, where
                if before is not None:
                    db.session.rollback()
                    assert _snapshot() == before, f"{where}: refused, yet something changed"
    # The world gives every kind of answer: the matrix is not vacuous.
    assert min(checked.values()) > 20, checked


# --- the faults found by hand, each as a person would meet it -------------------------------------


@dataclass
class Front:
    north: object
    south: object
    contact: object
    referral: object


@pytest.fixture
def front() -> Front:
    centre, east = (create_team("Contact centre", TeamKind.CONTACT_CENTRE),
                    create_team("Contact centre East", TeamKind.CONTACT_CENTRE))
    north, south = create_team("Duty North"), create_team("Duty South")
    handler = create_user("hannah", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    create_user("hal", (Role.CALL_HANDLER,), centre, display_name="Hal Byrne")
    create_user("eve", (Role.CALL_HANDLER,), east, display_name="Eve Doyle")
    wes = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    create_user("priya", (Role.DUTY_WORKER,), north, display_name="Priya Shah")
    north.manager = create_user("mo", (Role.DUTY_MANAGER,), north, display_name="Mo Rahman")
    create_user("tom", (Role.DUTY_WORKER,), south, display_name="Tom Birch")
    south.manager = create_user("sue", (Role.DUTY_MANAGER,), south, display_name="Sue Lam")
    create_user("sara", (Role.SENIOR_MANAGER,), None, display_name="Sara Reid")
    earlier = at(NOW) - timedelta(hours=1)
    contact = create_contact(at(NOW) - timedelta(minutes=10), team=north, by=handler,
                             flags=Flags(is_possible_crime=True, is_deliberate_harm_alleged=True))
    referred = create_contact(earlier, team=north, by=handler)
    cases.record_screening_decision(referred, referred.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Second call this month", by=wes, now=earlier)
    db.session.commit()
    return Front(north=north, south=south, contact=contact, referral=cases.get_referral(referred.children[0]))


def _client(app, username):
    client = app.test_client()
    sign_in(client, username)
    return client


def _post(client, url, data):
    """Post the form as a browser would, with a token from a page this person can open."""
    token = csrf_token(client.get("/", follow_redirects=True).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


@freeze_time(NOW)
def test_another_teams_manager_cannot_allocate_take_or_pull_a_case_to_their_team(app, front):
    sue = _client(app, "sue")
    case = f"/cases/{front.referral.id}"
    for page in ("allocate", "unallocate", "transfer"):
        response = sue.get(f"{case}/{page}")
        assert response.status_code == 403
        assert ("You cannot change the case from call C0000" in response.get_data(as_text=True)
                and "it is held by Duty North. Only members of Duty North or a senior manager can. "
                    "You are in Duty South." in response.get_data(as_text=True)), page
    tom = db.session.scalar(select(User).where(User.username == "tom"))
    assert _post(sue, f"{case}/allocate", {"worker_id": str(tom.id)}).status_code == 403
    assert _post(sue, f"{case}/transfer", {"to_team_id": str(front.south.id), "reason": "Ours now"}).status_code == 403
    assert sue.get(case).status_code == 200  # reading stays open across teams
    db.session.rollback()
    referral = cases.get_referral(front.referral.child)
    assert (referral.team_id, referral.worker_id, referral.transfers) == (front.north.id, None, [])
    page = sue.get(case).get_data(as_text=True)
    assert "Request a transfer" not in page and "Allocate the case" not in page  # no link to what would be refused


@freeze_time(NOW)
def test_another_teams_worker_cannot_meet_reassign_or_decide_on_a_call(app, front):
    contact, tom = front.contact, _client(app, "tom")
    child = contact.children[0]
    police = {"at_date": ["23", "11", "2026"], "at_time": "09:55", "officer": "DC Sam Hale",
              "police_reference": "CAD 4411"}
    seen = {"at_date": ["23", "11", "2026"], "at_time": "09:55", "seen_by_id": ""}
    clock = obligation_of(contact, ObligationKind.CHILD_SEEN)
    answers = [
        _post(tom, f"/calls/{contact.id}/police-informed", police),
        _post(tom, f"/calls/{contact.id}/children/{child.id}/seen", seen),
        _post(tom, f"/calls/{contact.id}/obligations/{clock.id}/reassign", {"worker_id": ""}),
        _post(tom, f"/calls/{contact.id}/children/{child.id}/decision", {"outcome": "nfa", "rationale": "Not ours"}),
    ]
    assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
    assert all("Only members of Duty North" in answer.get_data(as_text=True) for answer in answers)
    db.session.rollback()
    assert all(o.met_at is None and o.worker_id is None for o in contact.obligations
               if o.kind is not ObligationKind.VERBAL_HANDOFF)
    page = tom.get(f"/calls/{contact.id}").get_data(as_text=True)  # he may read it, with nothing to press
    assert "Leo Martin" in page and "/police-informed" not in page and "/reassign" not in page
    assert "/decision" not in page

    wes = _client(app, "wes")
    assert _post(wes, f"/calls/{contact.id}/police-informed", police).status_code == 302
    db.session.rollback()
    assert obligation_of(contact, ObligationKind.POLICE_INFORMED).met_by.username == "wes"


@freeze_time(NOW)
def test_an_owner_in_another_team_and_whoever_stands_in_for_an_absent_owner_may_act(app, front):
    contact = front.contact
    wes, tom, priya = (db.session.scalar(select(User).where(User.username == name)) for name in ("wes", "tom", "priya"))
    action = work.add_action(contact, title="Ring the school", owner=tom, due_at=at(NOW) + timedelta(hours=3),
                             by=wes, now=at(NOW))
    wes_action = work.add_action(contact, title="Visit the home", owner=wes, due_at=at(NOW) + timedelta(hours=3),
                                     by=wes, now=at(NOW))
    absences.record_absence(wes, starts_at=at(NOW) - timedelta(minutes=5), ends_at=at(NOW) + timedelta(days=1),
                            cover=tom, reason="Sick", by=front.north.manager, now=at(NOW))
    db.session.commit()
    assert may_change(tom, action) and may_change(tom, wes_action) and may_change(priya, action)
    tom_client = _client(app, "tom")
    for done in (action, wes_action):  # his own, and Wes's while he stands in for him
        response = _post(tom_client, f"/calls/{contact.id}/obligations/{done.id}/complete", {"note": ""})
        assert response.status_code == 302
    db.session.rollback()
    assert {o.title: o.met_by.username for o in contact.obligations if o.kind is ObligationKind.ACTION} == {
        "Ring the school": "tom", "Visit the home": "tom"}


@freeze_time(NOW)
def test_the_contact_centre_that_logged_a_call_records_its_verbal_handoff_and_no_one_else_outside_the_team(app, front):
    contact = front.contact
    wes = db.session.scalar(select(User).where(User.username == "wes"))
    form = {"at_date": ["23", "11", "2026"], "at_time": "09:58", "to_worker_id": str(wes.id)}
    url = f"/calls/{contact.id}/verbal-handoff"
    refused = _post(_client(app, "eve"), url, form)
    assert refused.status_code == 403
    assert ("Only members of Contact centre, members of Duty North, Hannah Cole (whose work it is) or whoever "
            "stands in for them while they are away or a senior manager can.") in refused.get_data(as_text=True)
    assert _post(_client(app, "hal"), url, form).status_code == 302  # her colleague on the same desk
    db.session.rollback()
    handoff = obligation_of(contact, ObligationKind.VERBAL_HANDOFF)
    assert (handoff.met_by.username, handoff.details["to_worker_name"]) == ("hal", "Wes Adebayo")


@freeze_time(NOW)
def test_a_senior_manager_may_change_any_teams_records(app, front):
    sara = _client(app, "sara")
    tom = db.session.scalar(select(User).where(User.username == "tom"))
    transfer = _post(sara, f"/cases/{front.referral.id}/transfer", {"to_team_id": str(front.south.id),
                                                                   "reason": "Family moved"})
    assert transfer.status_code == 302
    db.session.rollback()
    pending = cases.get_referral(front.referral.child).pending_transfer
    assert _post(sara, f"/transfers/{pending.id}/accept", {}).status_code == 302
    assert _post(sara, f"/cases/{front.referral.id}/allocate", {"worker_id": str(tom.id)}).status_code == 302
    db.session.rollback()
    referral = cases.get_referral(front.referral.child)
    assert (referral.team.name, referral.worker.username) == ("Duty South", "tom")


@freeze_time(NOW)
def test_post_is_opened_only_by_its_holder_their_stand_in_and_the_teams_managers_and_each_view_is_logged(app, front):
    wes = db.session.scalar(select(User).where(User.username == "wes"))
    item = absences.record_inbox_item(wes, channel=InboxChannel.PHONE, sender="Leo's mother",
                                      summary="Leo Martin's mother asks to be called on 07700 900123",
                                      received_at=at(NOW) - timedelta(minutes=5), by=wes, now=at(NOW))
    db.session.commit()
    url = f"/inbox-items/{item.id}/action"
    for outsider in ("priya", "sue", "tom"):
        response = _client(app, outsider).get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 403 and "07700 900123" not in page and "Leo" not in page, outsider
    for insider in ("wes", "mo", "sara"):
        page = _client(app, insider).get(url).get_data(as_text=True)
        assert "07700 900123" in page, insider
    from dutydesk.models import RecordView

    views = db.session.scalars(select(RecordView).where(RecordView.inbox_item_id == item.id)
                               .order_by(RecordView.id)).all()
    assert [(view.user.username, view.is_list) for view in views] == [("wes", False), ("mo", False), ("sara", False)]


@freeze_time(NOW)
def test_merging_is_for_the_managers_of_the_teams_holding_both_records_and_senior_managers(app, front):
    record = front.referral.child.child  # North holds the child's case
    url = f"/children/{record.id}/merge"
    refused = _client(app, "sue").get(url)
    assert refused.status_code == 403
    assert (f"You cannot change the record of child {record.reference}: it is held by Duty North. Only members of "
            "Duty North" in refused.get_data(as_text=True))
    assert _client(app, "wes").get(url).status_code == 403  # a worker of the team: not a manager
    assert "This page is for a" in _client(app, "wes").get("/children/duplicates").get_data(as_text=True)
    for manager in ("mo", "sara"):
        assert _client(app, manager).get(url).status_code == 200, manager
    assert _client(app, "sue").get("/children/duplicates").status_code == 200  # the list is every team's
    page = _client(app, "sue").get(f"/children/{record.id}").get_data(as_text=True)
    assert "Merge another record into this one" not in page  # no link to what would be refused
    assert "Merge another record into this one" in _client(app, "mo").get(f"/children/{record.id}").get_data(
        as_text=True)
