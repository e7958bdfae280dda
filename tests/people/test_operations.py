"""Adding and changing staff accounts and teams through the operations, each change recorded;
a leaver's cases unallocated at once and their open work passed to their team."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from dutydesk.absences import operations as absences
from dutydesk.access import AccessRefused
from dutydesk.auth.operations import start_user_session
from dutydesk.cases import operations as cases
from dutydesk.cases.queries import list_unallocated
from dutydesk.contacts import operations as calls
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import (
    AdminChange,
    AdminChangeKind,
    ContactEvent,
    EmailStatus,
    Escalation,
    InboxChannel,
    ObligationKind,
    Role,
    ScreeningOutcome,
    SessionEndReason,
    TeamKind,
    User,
    UserSession,
)
from dutydesk.models.guards import RecordProtectionError
from dutydesk.people import operations as people
from dutydesk.people.operations import PersonChanges, TeamChanges
from dutydesk.people.queries import count_open_work, suggested_team
from dutydesk.rules import EscalationLevel
from dutydesk.work import operations as work
from tests.factories import PASSWORD, at, create_contact, create_team, create_user

NOW = at("2026-11-23 10:00")  # a Monday, GMT
LATER = NOW + timedelta(hours=2)


@pytest.fixture
def admin():
    return create_user("alex", (Role.ADMIN,), display_name="Alex Morgan")


def changes(kind=None) -> list[AdminChange]:
    query = select(AdminChange).order_by(AdminChange.id)
    if kind is not None:
        query = query.where(AdminChange.kind == kind)
    return list(db.session.scalars(query))


def open_sessions(user) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None)))


# --- people ---------------------------------------------------------------------------------


def test_an_added_person_holds_their_roles_must_choose_a_password_and_the_addition_is_recorded(admin):
    north = create_team("Duty North")
    wes = people.create_user(username="Wes.Adebayo", display_name=" Wes Adebayo ", email="wes@example.gov.uk",
                             roles=[Role.DUTY_MANAGER, Role.DUTY_WORKER], team=north, password=PASSWORD,
                             by=admin, now=NOW, must_change_password=True)
    assert (wes.username, wes.display_name, wes.roles, wes.team, wes.must_change_password) == (
        "wes.adebayo", "Wes Adebayo", {Role.DUTY_WORKER, Role.DUTY_MANAGER}, north, True)
    added = changes(AdminChangeKind.PERSON_ADDED)[-1]
    assert (added.at, added.by, added.user) == (NOW, admin, wes)
    assert added.description == ("Added Wes Adebayo (wes.adebayo): Duty worker, Duty manager; Duty North; "
                                 "e-mail wes@example.gov.uk; must choose a new password at their first sign-in")


@pytest.mark.parametrize("username, email, message", [
    ("ALEX", "a@example.org", "Alex Morgan already has the username alex: choose another"),
    ("wes adebayo", "a@example.org", "Enter a username of up to 80 letters, digits, dots, hyphens or underscores"),
    ("wes", "not an address", "Enter the e-mail address in the right form"),
])
def test_a_person_is_refused_with_what_to_do(admin, username, email, message):
    with pytest.raises(DomainError, match=message):
        people.create_user(username=username, display_name="Wes", email=email, roles=[Role.DUTY_WORKER],
                           password=PASSWORD, by=admin, now=NOW)


def test_only_an_administrator_adds_or_changes_an_account(admin):
    manager = create_user("maya", (Role.DUTY_MANAGER, Role.SENIOR_MANAGER))
    with pytest.raises(AccessRefused, match="Only a dutydesk administrator can"):
        people.create_user(username="new", display_name="New", roles=[Role.DUTY_WORKER], password=PASSWORD,
                           by=manager, now=NOW)
    with pytest.raises(AccessRefused):
        people.set_roles(admin, [Role.DUTY_WORKER], by=manager, now=NOW)


def test_a_change_of_roles_ends_their_sessions_and_is_recorded_from_and_to(admin):
    wes = create_user("wes", (Role.DUTY_WORKER,), display_name="Wes Adebayo")
    start_user_session(wes, now=NOW)
    change = people.set_roles(wes, [Role.DUTY_WORKER, Role.DUTY_MANAGER], by=admin, now=LATER)
    assert wes.roles == {Role.DUTY_WORKER, Role.DUTY_MANAGER}
    assert open_sessions(wes) == 0
    assert db.session.scalar(select(UserSession.end_reason)) is SessionEndReason.ROLES_CHANGED
    assert (change.kind, change.by, change.user, change.at) == (AdminChangeKind.ROLES_CHANGED, admin, wes, LATER)
    assert change.description == "Roles: Duty worker → Duty worker, Duty manager; 1 signed-in session ended"
    assert people.set_roles(wes, [Role.DUTY_MANAGER, Role.DUTY_WORKER], by=admin, now=LATER) is None


def test_changing_name_email_and_team_records_each_and_ends_no_session(admin):
    north, south = create_team("Duty North"), create_team("Duty South")
    wes = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    start_user_session(wes, now=NOW)
    done = people.change_person(wes, PersonChanges(display_name="Wesley Adebayo", email="wes@example.gov.uk",
                                                   roles=frozenset({Role.DUTY_WORKER}), team=south),
                                by=admin, now=LATER)
    assert [(c.kind, c.description) for c in done] == [
        (AdminChangeKind.DETAILS_CHANGED, "Name: Wes Adebayo → Wesley Adebayo; E-mail: wes@example.invalid → "
                                          "wes@example.gov.uk"),
        (AdminChangeKind.TEAM_CHANGED, "Team: Duty North → Duty South")]
    assert open_sessions(wes) == 1


def test_the_last_active_administrator_keeps_the_role_and_no_one_deactivates_themselves(admin):
    with pytest.raises(DomainError, match="You cannot take the administrator role from yourself"):
        people.set_roles(admin, [Role.DIRECTOR], by=admin, now=NOW)
    with pytest.raises(DomainError, match="Alex Morgan is the only active administrator"):
        people.set_roles(admin, [Role.DIRECTOR], now=NOW)  # the command line
    with pytest.raises(DomainError, match="Alex Morgan is the only active administrator"):
        people.deactivate_user(admin, now=NOW)
    other = create_user("kim", (Role.ADMIN,), display_name="Kim Lowe")
    with pytest.raises(DomainError, match="You cannot deactivate yourself: ask another administrator to"):
        people.deactivate_user(admin, by=admin, now=NOW)
    people.deactivate_user(admin, by=other, now=NOW)
    assert not admin.is_active


def test_a_password_reset_must_be_changed_at_next_sign_in_and_ends_their_sessions(admin):
    wes = create_user("wes", display_name="Wes Adebayo")
    start_user_session(wes, now=NOW)
    start_user_session(wes, now=NOW)
    change = people.reset_password(wes, "a temporary passphrase", by=admin, now=LATER)
    assert wes.must_change_password and open_sessions(wes) == 0
    assert change.description == ("Password reset: they must choose a new one at their next sign-in; "
                                  "2 signed-in sessions ended")
    with pytest.raises(DomainError, match="Enter your current password correctly"):
        people.change_own_password(wes, current="not it at all", new="my very own passphrase", now=LATER)
    with pytest.raises(DomainError, match="Choose a new password, not the one you have now"):
        people.change_own_password(wes, current="a temporary passphrase", new="a temporary passphrase", now=LATER)
    people.change_own_password(wes, current="a temporary passphrase", new="my very own passphrase", now=LATER)
    assert not wes.must_change_password
    with pytest.raises(DomainError, match="Change your own password on the \"Change your password\" page"):
        people.reset_password(admin, "a temporary passphrase", by=admin, now=LATER)


# --- a leaver -------------------------------------------------------------------------------


@pytest.fixture
def leaver(admin):
    """Wes, a duty worker of Duty North, holding a case, clocks, an action, a letter and an escalation."""
    north = create_team("Duty North")
    maya = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    north.manager = maya
    wes = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    priya = create_user("priya", (Role.DUTY_WORKER,), north, display_name="Priya Shah")
    referred = create_contact(NOW - timedelta(days=1), team=north)
    calls.accept_handoff(referred, by=wes, now=NOW - timedelta(days=1) + timedelta(minutes=20))
    cases.record_screening_decision(referred, referred.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Third call", by=wes, now=NOW - timedelta(hours=20))
    referral = cases.get_referral(referred.children[0])
    cases.allocate_case(referral, to=wes, by=maya, now=NOW - timedelta(hours=19))
    contact = create_contact(NOW - timedelta(minutes=30), team=north)
    calls.accept_handoff(contact, by=wes, now=NOW - timedelta(minutes=10))
    work.add_action(contact, title="Ring the school", owner=wes, due_at=NOW + timedelta(hours=3), by=wes, now=NOW)
    priyas = work.add_action(contact, title="Visit the home", owner=priya, due_at=NOW + timedelta(hours=3), by=wes,
                             now=NOW)
    absences.record_inbox_item(wes, channel=InboxChannel.PHONE, sender="Joan Fraser", summary="Ring back",
                               received_at=NOW - timedelta(minutes=5), by=wes, now=NOW)
    db.session.add(Escalation(obligation_id=priyas.id, level=EscalationLevel.WARNING, team_id=north.id,
                              recipient_id=wes.id, due_at=NOW, issued_at=NOW, email_status=EmailStatus.NOT_SENT))
    start_user_session(wes, now=NOW)
    db.session.flush()
    return wes, referral, contact


def test_a_leavers_cases_go_to_the_unallocated_list_at_once_because_the_worker_left(admin, leaver):
    wes, referral, _ = leaver
    leaving = people.deactivate_user(wes, by=admin, now=LATER)
    assert not wes.is_active and leaving.cases == 1
    assert (referral.worker, referral.unallocated_since) == (None, LATER)
    assert referral.unallocated_reason == "Worker left: Wes Adebayo left on 23 November 2026"
    assert referral.unallocated_reason.startswith(cases.WORKER_LEFT)
    [case] = list_unallocated(referral.team_id)
    assert (case.referral, case.since) == (referral, LATER)
    [event] = [e for e in referral.contact.events if e.action == cases.TAKEN_FROM_WORKER]
    assert (event.by, event.at) == (admin, LATER) and "Worker left: Wes Adebayo left" in event.summary


def test_a_leavers_open_work_stays_with_the_team_unassigned_and_their_post_and_escalations_go_to_its_manager(
        admin, leaver):
    wes, referral, contact = leaver
    north = wes.team
    leaving = people.deactivate_user(wes, by=admin, now=LATER)
    still_open = [o for c in (referral.contact, contact) for o in c.obligations if o.met_at is None]
    assert not [o for o in still_open if o.worker_id == wes.id]
    released = [o for o in still_open if o.worker_id is None]
    assert {o.label for o in released} >= {"Ring the school", ObligationKind.ASSESSMENT.label}
    assert all(o.team == north for o in released)
    assert {o.label: o.worker.username for o in still_open
            if o.worker and o.kind is not ObligationKind.VERBAL_HANDOFF} == {"Visit the home": "priya"}
    assert leaving.post_to == {"Maya Patel": 1} and leaving.escalations_to == {"Maya Patel": 1}
    assert db.session.scalar(select(Escalation.recipient_id)) == north.manager_id
    assert open_sessions(wes) == 0
    history = db.session.scalars(select(ContactEvent.summary).where(ContactEvent.contact_id == contact.id,
                                                                    ContactEvent.action == "worker_left")).all()
    assert len(history) == 1 and "Ring the school (C000002); Screening decision (Leo Martin)" in history[0] and "now with Duty North" in history[0]
    [record] = changes(AdminChangeKind.DEACTIVATED)
    assert record.by == admin and record.description.startswith(
        "Deactivated: 1 signed-in session ended; 1 case to the unallocated list; ")
    assert "1 item of post or messages to Maya Patel" in record.description


def test_a_leaving_manager_told_first_is_replaced_by_the_teams_only_other_duty_manager(admin):
    north = create_team("Duty North")
    north.manager = maya = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    create_user("raj", (Role.DUTY_MANAGER, Role.DUTY_WORKER), north, display_name="Raj Singh")
    leaving = people.deactivate_user(maya, by=admin, now=NOW)
    assert north.manager.username == "raj" and leaving.managers == {"Duty North": "Raj Singh"}
    [change] = changes(AdminChangeKind.TEAM_MANAGER_CHANGED)
    assert (change.team, change.description) == (north, "Manager told first: Maya Patel → Raj Singh "
                                                        "(Maya Patel left)")


def test_post_held_by_a_leaver_with_no_manager_to_take_it_is_refused_saying_what_to_do(admin):
    north = create_team("Duty North")
    wes = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    absences.record_inbox_item(wes, channel=InboxChannel.POST, sender="School", summary="Attendance",
                               received_at=NOW, by=wes, now=NOW)
    with pytest.raises(DomainError, match="which has no duty manager here to take them"):
        people.deactivate_user(wes, by=admin, now=NOW)


def test_the_command_line_records_its_changes_with_no_one_signed_in(app):
    create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-user", "hana", "--name", "Hana Cole", "--role", "call_handler",
                               "--team", "Contact centre", "--password", PASSWORD]).exit_code == 0
    assert runner.invoke(args=["reset-password", "hana", "--password", "another long passphrase"]).exit_code == 0
    db.session.rollback()
    recorded = changes()
    assert [(c.kind, c.by) for c in recorded] == [(AdminChangeKind.PERSON_ADDED, None),
                                                  (AdminChangeKind.PASSWORD_RESET, None)]
    assert db.session.scalar(select(User.must_change_password).where(User.username == "hana"))


def test_the_record_of_changes_can_be_neither_rewritten_nor_deleted(admin):
    people.set_roles(admin, [Role.ADMIN, Role.DIRECTOR], now=NOW)
    db.session.commit()
    change = changes()[-1]
    change.description = "Nothing happened"
    with pytest.raises(RecordProtectionError, match="AdminChange rows are append-only"):
        db.session.flush()
    db.session.rollback()
    for statement in ("UPDATE admin_changes SET description = 'x'", "DELETE FROM admin_changes"):
        with pytest.raises(IntegrityError, match="admin_changes rows are append-only"):
            db.session.execute(text(statement))
        db.session.rollback()


# --- teams ----------------------------------------------------------------------------------


def test_a_team_is_added_renamed_and_its_kind_changed_each_recorded(admin):
    team = people.add_team(TeamChanges(name="Duty West", kind=TeamKind.DUTY), by=admin, now=NOW)
    with pytest.raises(DomainError, match="There is already a team called Duty West: choose another name"):
        people.add_team(TeamChanges(name="duty west", kind=TeamKind.DUTY), by=admin, now=NOW)
    done = people.change_team(team, TeamChanges(name="Out of hours", kind=TeamKind.OUT_OF_HOURS), by=admin, now=NOW)
    assert [c.description for c in done] == ["Name: Duty West → Out of hours", "Kind: Duty team → Out-of-hours team"]
    assert [c.kind for c in changes()][-3:] == [AdminChangeKind.TEAM_ADDED, AdminChangeKind.TEAM_RENAMED,
                                                AdminChangeKind.TEAM_KIND_CHANGED]


def test_the_manager_told_first_is_one_of_the_teams_active_duty_managers(admin):
    north, south = create_team("Duty North"), create_team("Duty South")
    maya = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    wes = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    grace = create_user("grace", (Role.DUTY_MANAGER,), south, display_name="Grace Lin")
    for someone in (wes, grace):
        with pytest.raises(DomainError, match=f"{someone.display_name} is not an active duty manager in Duty North"):
            people.choose_team_manager(north, someone, by=admin, now=NOW)
    change = people.choose_team_manager(north, maya, by=admin, now=NOW)
    assert north.manager == maya and change.description == "Manager told first: nobody → Maya Patel"
    # Moved to another team, she is no longer told first about this one.
    people.set_team(maya, south, by=admin, now=NOW)
    assert north.manager is None
    assert changes()[-1].description == "Manager told first: Maya Patel → nobody (Maya Patel moved to Duty South)"


def test_a_team_closes_only_when_it_holds_no_open_work_and_no_one_is_in_it(admin):
    north = create_team("Duty North")
    wes = create_user("wes", (Role.DUTY_WORKER,), north)
    create_contact(NOW, team=north)
    with pytest.raises(DomainError, match="Duty North still holds 2 open clocks and actions"):
        people.close_team(north, by=admin, now=NOW)
    with pytest.raises(DomainError, match="holds open work: a contact centre takes no hand-offs"):
        people.change_team(north, TeamChanges(name="Duty North", kind=TeamKind.CONTACT_CENTRE), by=admin, now=NOW)
    west = create_team("Duty West")
    wes.team = west
    with pytest.raises(DomainError, match="Duty West still has 1 active member: move them to other teams first"):
        people.close_team(west, by=admin, now=NOW)
    wes.team = north
    people.close_team(west, by=admin, now=NOW)
    assert not west.is_active and count_open_work(west.id).total == 0
    with pytest.raises(DomainError, match="Duty West is closed: choose an open team"):
        people.set_team(wes, west, by=admin, now=NOW)
    people.reopen_team(west, by=admin, now=NOW)
    assert [c.kind for c in changes()][-2:] == [AdminChangeKind.TEAM_CLOSED, AdminChangeKind.TEAM_REOPENED]


def test_marking_a_team_for_office_hours_unmarks_any_other_and_records_both(admin):
    north, south = create_team("Duty North"), create_team("Duty South")
    people.change_team(north, TeamChanges(name="Duty North", kind=TeamKind.DUTY, is_suggested_in_office_hours=True),
                       by=admin, now=NOW)
    done = people.change_team(south, TeamChanges(name="Duty South", kind=TeamKind.DUTY,
                                                 is_suggested_in_office_hours=True), by=admin, now=NOW)
    assert (north.is_suggested_in_office_hours, south.is_suggested_in_office_hours) == (False, True)
    assert [(c.team.name, c.description) for c in done] == [
        ("Duty North", "Call form: suggested in office hours → not suggested (Duty South is suggested in office "
                       "hours now)"),
        ("Duty South", "Call form: not suggested → suggested in office hours")]
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    with pytest.raises(DomainError, match="the call form cannot suggest Contact centre"):
        people.change_team(centre, TeamChanges(name="Contact centre", kind=TeamKind.CONTACT_CENTRE,
                                               is_suggested_out_of_hours=True), by=admin, now=NOW)


MONDAY_NOON, MONDAY_NIGHT = at("2026-11-23 12:00"), at("2026-11-23 22:00")


def test_the_suggested_team_is_the_one_marked_else_the_only_one_of_its_kind_else_none():
    north, south = create_team("Duty North"), create_team("Duty South")
    night = create_team("Out of hours", TeamKind.OUT_OF_HOURS)
    teams = [north, south, night]
    assert suggested_team(teams, MONDAY_NOON) is None  # two duty teams: the handler chooses by area
    assert suggested_team(teams, MONDAY_NIGHT) is night  # the only out-of-hours team
    assert suggested_team([north, night], MONDAY_NOON) is north  # the only duty team
    south.is_suggested_in_office_hours = True
    assert suggested_team(teams, MONDAY_NOON) is south
    north.is_suggested_out_of_hours = True  # a duty team that also takes the night's calls
    assert suggested_team(teams, MONDAY_NIGHT) is north
