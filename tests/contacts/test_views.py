"""The front door's pages, as a call handler and a duty worker use them."""

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk.clock import now_utc
from dutydesk.contacts.operations import Flags
from dutydesk.extensions import db
from dutydesk.models import Contact, ContactChild, ContactEvent, Obligation, ObligationKind, RecordView, Role, TeamKind
from tests.factories import (
    at,
    create_contact,
    create_team,
    create_user,
    csrf_token,
    log_call_form,
    obligation_of,
    post_form,
    sign_in,
)

NOW = "2026-11-23 10:00:00"  # a Monday, GMT


@pytest.fixture
def teams():
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    create_user("handler", (Role.CALL_HANDLER,), contact_centre, display_name="Hannah Cole")
    create_user("worker", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo")
    db.session.commit()
    return contact_centre, duty


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@freeze_time(NOW)
def test_a_call_handler_logs_a_call_and_sees_when_the_duty_team_must_have_it(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    response = post_form(client, "/calls/new", log_call_form(duty.id), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Call C000001 logged" in page or "logged. The duty team must have it" in page
    assert "by 11:00" in page
    contact = db.session.scalar(select(Contact))
    assert contact.received_at == at("2026-11-23 10:00")
    assert contact.children[0].name == "Leo Martin"
    assert {o.kind for o in contact.obligations} == {
        ObligationKind.VERBAL_HANDOFF, ObligationKind.WRITTEN_HANDOFF,
        ObligationKind.REFERRER_CONFIRMATION, ObligationKind.SCREENING_DECISION}


@freeze_time("2026-07-01 09:15:00")  # 10:15 BST
def test_the_received_time_defaults_to_now_in_london(client, teams):
    sign_in(client, "handler")
    page = client.get("/calls/new").get_data(as_text=True)
    assert 'value="10:15"' in page
    assert 'value="01"' in page and 'value="07"' in page and 'value="2026"' in page


@freeze_time(NOW)
def test_a_failed_form_says_what_to_do_and_keeps_everything_typed(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, **{"children-0-name": "", "concern": "Heard screaming next door"})
    response = post_form(client, "/calls/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the child&#39;s name, or tick that the caller does not know it" in page
    assert "Heard screaming next door" in page
    assert "22 Park Lane, London N17" in page
    assert "Joan Fraser" in page
    assert count(Contact) == 0


@freeze_time(NOW)
def test_a_call_not_put_through_without_the_referrers_details_is_refused_beside_each_field(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, referrer_name="", referrer_address="", referrer_phone="")
    page = post_form(client, "/calls/new", data).get_data(as_text=True)
    for what in ("name", "address", "phone number"):
        assert f"Enter the referrer&#39;s {what}, or say why there is none" in page
    assert count(Contact) == 0
    data["no_referrer_details_reason"] = "refused"
    assert post_form(client, "/calls/new", data).status_code == 302
    assert db.session.scalar(select(Contact.no_referrer_details_reason)).value == "refused"


@freeze_time(NOW)
def test_a_call_cannot_be_logged_as_received_in_the_future(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, received_time="11:30")
    page = post_form(client, "/calls/new", data).get_data(as_text=True)
    assert "must be now or in the past" in page
    assert count(Contact) == 0


@freeze_time("2026-03-29 09:00:00")
def test_a_received_time_in_the_hour_the_clocks_skipped_is_explained(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, received_date=["29", "3", "2026"], received_time="01:30")
    page = post_form(client, "/calls/new", data).get_data(as_text=True)
    assert "01:30 on 29 March 2026 did not happen in the UK" in page
    assert count(Contact) == 0


@freeze_time(NOW)
def test_a_nonsense_date_says_how_to_write_one(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, received_date=["31", "2", "2026"])
    page = post_form(client, "/calls/new", data).get_data(as_text=True)
    assert "must be a real date" in page


@freeze_time(NOW)
def test_add_another_child_keeps_what_was_typed_and_saves_nothing(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, add_child="Add another child", save=None)
    page = post_form(client, "/calls/new", data).get_data(as_text=True)
    assert "Child 2" in page
    assert 'name="children-1-name"' in page
    assert "Leo Martin" in page
    assert count(Contact) == 0


@freeze_time(NOW)
def test_a_call_about_two_children_records_both(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, **{
        "children-1-name": "", "children-1-is_name_not_known": "y",
        "children-1-address": "22 Park Lane, London N17", "children-1-approximate_age": "2",
        "children-1-first_language": "not known", "children-1-interpreter_need": "not_known"})
    assert post_form(client, "/calls/new", data).status_code == 302
    names = db.session.scalars(select(ContactChild.name).order_by(ContactChild.position)).all()
    assert names == ["Leo Martin", ""]
    assert count(ContactChild) == 2


@freeze_time(NOW)
def test_a_call_put_through_at_once_records_the_verbal_handoff_to_the_chosen_worker(client, teams):
    _, duty = teams
    worker = duty.members[0]
    sign_in(client, "handler")
    data = log_call_form(duty.id, is_put_through="yes", put_through_to=str(worker.id))
    assert post_form(client, "/calls/new", data).status_code == 302
    verbal = db.session.scalar(select(Obligation).where(Obligation.kind == ObligationKind.VERBAL_HANDOFF))
    assert verbal.met_at == at("2026-11-23 10:00")
    assert verbal.details["to_worker_name"] == "Wes Adebayo"


@freeze_time(NOW)
def test_put_through_without_saying_to_whom_is_refused(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    page = post_form(client, "/calls/new", log_call_form(duty.id, is_put_through="yes")).get_data(as_text=True)
    assert "Choose the duty worker the call was put through to" in page


def _logged(teams, minutes_ago=10):
    contact_centre, duty = teams
    handler = contact_centre.members[0]
    contact = create_contact(now_utc() - timedelta(minutes=minutes_ago), team=duty, by=handler,
                             flags=Flags(is_possible_crime=True))
    db.session.commit()
    return contact


@freeze_time(NOW)
def test_the_call_page_shows_each_clock_in_london_time_with_its_state_and_logs_the_view(client, teams):
    contact = _logged(teams, minutes_ago=70)
    sign_in(client, "worker")
    page = client.get(f"/calls/{contact.id}").get_data(as_text=True)
    assert "Verbal hand-off to the duty team" in page
    assert "Police informed" in page
    assert "09:50 on 23 Nov 2026" in page  # due, London time
    assert "Overdue" in page and "overdue by 10 minutes" in page
    views = db.session.scalars(select(RecordView)).all()
    assert [(v.contact_id, v.user.username) for v in views] == [(contact.id, "worker")]


@freeze_time("2026-07-01 12:00:00")
def test_due_times_are_shown_in_british_summer_time(client, teams):
    contact = _logged(teams, minutes_ago=10)
    sign_in(client, "worker")
    page = client.get(f"/calls/{contact.id}").get_data(as_text=True)
    assert "13:50 on 1 Jul 2026" in page  # 12:50 UTC
    assert "50 minutes left" in page


@freeze_time(NOW)
def test_the_call_handler_records_the_verbal_handoff(client, teams):
    contact = _logged(teams)
    worker = teams[1].members[0]
    sign_in(client, "handler")
    response = post_form(client, f"/calls/{contact.id}/verbal-handoff", {
        "to_worker_id": str(worker.id), "at_date": ["23", "11", "2026"], "at_time": "09:58"},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Verbal hand-off to Wes Adebayo recorded" in page
    assert "Met on time" in page
    assert obligation_of(contact, ObligationKind.VERBAL_HANDOFF).met_at == at("2026-11-23 09:58")
    assert "Details passed verbally to Wes Adebayo at 09:58" in page


@freeze_time(NOW)
def test_a_verbal_handoff_before_the_call_keeps_the_form_and_says_why(client, teams):
    contact = _logged(teams)
    worker = teams[1].members[0]
    sign_in(client, "handler")
    page = post_form(client, f"/calls/{contact.id}/verbal-handoff", {
        "to_worker_id": str(worker.id), "at_date": ["23", "11", "2026"], "at_time": "09:00"}).get_data(as_text=True)
    assert "must be after the call was received" in page
    assert 'value="09:00"' in page
    assert obligation_of(contact, ObligationKind.VERBAL_HANDOFF).met_at is None
    # the form page was seen twice (opened, then refused): both views of the record are logged
    assert count(RecordView) == 2


@freeze_time(NOW)
def test_a_duty_worker_accepts_a_call_from_the_queue(client, teams):
    contact = _logged(teams)
    sign_in(client, "worker")
    queue = client.get("/queue").get_data(as_text=True)
    assert "Leo Martin" in queue and "50 minutes left" in queue
    page = client.get(f"/calls/{contact.id}").get_data(as_text=True)
    assert "Accept this call" in page
    response = client.post(f"/calls/{contact.id}/accept", data={"csrf_token": csrf_token(page)},
                           follow_redirects=True)
    assert "You have accepted call C000001" in response.get_data(as_text=True)
    written = obligation_of(contact, ObligationKind.WRITTEN_HANDOFF)
    db.session.refresh(written)
    assert written.met_by.username == "worker"


@freeze_time(NOW)
def test_police_informed_form_keeps_input_when_the_reference_is_missing(client, teams):
    contact = _logged(teams)
    sign_in(client, "worker")
    page = post_form(client, f"/calls/{contact.id}/police-informed", {
        "at_date": ["23", "11", "2026"], "at_time": "09:55", "officer": "DC Sam Hale",
        "police_reference": ""}).get_data(as_text=True)
    assert "Enter the police reference" in page
    assert "DC Sam Hale" in page


@freeze_time(NOW)
def test_police_informed_is_recorded_with_its_reference(client, teams):
    contact = _logged(teams)
    sign_in(client, "worker")
    response = post_form(client, f"/calls/{contact.id}/police-informed", {
        "at_date": ["23", "11", "2026"], "at_time": "09:55", "officer": "DC Sam Hale",
        "police_reference": "CAD 4411"}, follow_redirects=True)
    assert "Police informed at 09:55 on 23 November 2026: told DC Sam Hale, police reference CAD 4411" in \
        response.get_data(as_text=True)


@freeze_time(NOW)
def test_an_unknown_call_is_not_found(client, teams):
    sign_in(client, "worker")
    assert client.get("/calls/999").status_code == 404


@freeze_time(NOW)
def test_a_crash_half_way_through_logging_a_call_leaves_nothing_half_written(client, teams, monkeypatch):
    from dutydesk.contacts import operations

    _, duty = teams
    sign_in(client, "handler")

    def crash(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(operations, "_open_clocks", crash)  # after the contact and children are flushed
    with pytest.raises(RuntimeError):
        post_form(client, "/calls/new", log_call_form(duty.id))
    db.session.rollback()
    assert (count(Contact), count(ContactChild), count(ContactEvent), count(Obligation)) == (0, 0, 0, 0)


def test_the_form_suggests_the_duty_team_by_day_and_the_out_of_hours_team_at_night(client, teams):
    _, duty = teams
    night = create_team("Out of hours", TeamKind.OUT_OF_HOURS)
    db.session.commit()
    with freeze_time("2026-11-23 11:00:00"):
        sign_in(client, "handler")
        assert f'<option value="{duty.id}" selected' in client.get("/calls/new").get_data(as_text=True)
    with freeze_time("2026-11-24 03:00:00"):
        sign_in(client, "handler")  # 16 hours later: signed out long since
        assert f'<option value="{night.id}" selected' in client.get("/calls/new").get_data(as_text=True)


def _harm_alleged(teams):
    contact_centre, duty = teams
    contact = create_contact(now_utc() - timedelta(hours=2), team=duty, by=contact_centre.members[0],
                             flags=Flags(is_deliberate_harm_alleged=True))
    db.session.commit()
    return contact


@freeze_time(NOW)
def test_child_seen_offers_no_answer_so_one_click_cannot_record_a_visit(client, teams):
    contact = _harm_alleged(teams)
    child = contact.children[0]
    sign_in(client, "worker")
    url = f"/calls/{contact.id}/children/{child.id}/seen"
    page = client.get(url).get_data(as_text=True)
    assert "Was the child seen alone?" in page and "Was the child spoken to?" in page
    assert " checked" not in page  # neither question answered
    assert re.findall(r'<option value="(\w*)" selected', page) == [""]  # nobody chosen for "Seen by"
    # Saving the form as it comes (the date and time filled in) records nothing.
    refused = post_form(client, url, {"at_date": ["23", "11", "2026"], "at_time": "09:55", "save": "Save"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    for message in ("Choose who saw the child", "Say whether the child was seen alone",
                    "Say whether the child was spoken to"):
        assert message in html
    assert obligation_of(contact, ObligationKind.CHILD_SEEN, child).met_at is None


@freeze_time(NOW)
def test_child_seen_records_who_when_whether_alone_and_whether_spoken_to(client, teams):
    contact = _harm_alleged(teams)
    child, worker = contact.children[0], teams[1].members[0]
    sign_in(client, "worker")
    response = post_form(client, f"/calls/{contact.id}/children/{child.id}/seen", {
        "at_date": ["23", "11", "2026"], "at_time": "09:55", "seen_by_id": str(worker.id),
        "is_seen_alone": "no", "is_spoken_to": "yes", "save": "Save"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Leo Martin recorded as seen by Wes Adebayo, not alone, spoken to" in page
    assert "Seen by Wes Adebayo. Seen alone: No. Spoken to: Yes." in page  # the clocks
    assert "Leo Martin seen by Wes Adebayo at 09:55 on 23 November 2026, not alone, spoken to" in page  # history
    seen = obligation_of(contact, ObligationKind.CHILD_SEEN, child)
    db.session.refresh(seen)
    assert (seen.met_at, seen.is_child_seen_alone, seen.is_child_spoken_to) == (at("2026-11-23 09:55"), False, True)


@freeze_time(NOW)
def test_a_child_seen_before_the_questions_were_asked_shows_not_recorded(client, teams):
    contact = _harm_alleged(teams)
    seen = obligation_of(contact, ObligationKind.CHILD_SEEN)
    seen.met_at, seen.met_by = at("2026-11-23 09:30"), teams[1].members[0]
    seen.details = {"seen_by_name": "Wes Adebayo"}
    db.session.commit()
    sign_in(client, "worker")
    page = client.get(f"/calls/{contact.id}").get_data(as_text=True)
    assert "Seen by Wes Adebayo. Seen alone: Not recorded. Spoken to: Not recorded." in page
