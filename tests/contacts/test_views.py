"""The front door's pages, as a call handler and a duty worker use them."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
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
def test_the_call_form_says_within_how_long_a_call_not_put_through_must_be_passed_on(client, teams):
    sign_in(client, "handler")
    page = client.get("/calls/new").get_data(as_text=True)
    assert "must be passed to a duty worker by phone within 60 minutes, and recorded." in page
    assert "{{" not in page and "{%" not in page


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


# --- R39: the child's name, address and the concern first; the rest may be not known ----------

def as_shown(html: str) -> dict:
    """What the browser posts from the call form untouched: the values it shows, filled in or chosen."""
    data: dict[str, list[str]] = {}
    for element in BeautifulSoup(html, "html.parser").find("form", id="log-call").find_all(
            ["input", "select", "textarea"]):
        name, kind = element.get("name"), element.get("type", "text")
        if not name or name == "csrf_token" or kind == "submit":
            continue
        if kind in ("radio", "checkbox"):
            if element.has_attr("checked"):
                data.setdefault(name, []).append(element["value"])
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            data.setdefault(name, []).append(chosen.get("value", ""))
        else:
            data.setdefault(name, []).append(element.get_text() if element.name == "textarea" else element.get("value", ""))
    return {**data, "save": "y"}


def error_summary(html: str) -> list[str]:
    summary = BeautifulSoup(html, "html.parser").find(class_="govuk-error-summary__list")
    return [item.get_text(" ", strip=True) for item in summary.find_all("li")] if summary else []


def summary_rows(html: str) -> list[tuple[str, str]]:
    """(key, value) of every summary list row on the page, in order."""
    return [(row.find(class_="govuk-summary-list__key").get_text(strip=True),
             row.find(class_="govuk-summary-list__value").get_text(" ", strip=True))
            for row in BeautifulSoup(html, "html.parser").find_all(class_="govuk-summary-list__row")]


ONLY_WHAT_R39_NEEDS = {
    "children-0-name": "Leo Martin", "children-0-address": "22 Park Lane, London N17",
    "concern": "Heard screaming next door", "is_referrer_professional": "no", "is_put_through": "no",
    "referrer_name": "Joan Fraser", "referrer_address": "21 Park Lane, London N17", "referrer_phone": "020 8800 0001",
}


@freeze_time(NOW)
def test_a_call_form_saved_untouched_asks_only_for_the_child_the_concern_and_the_referrer(client, teams):
    sign_in(client, "handler")
    untouched = as_shown(client.get("/calls/new").get_data(as_text=True))
    page = post_form(client, "/calls/new", untouched).get_data(as_text=True)
    assert error_summary(page) == [
        "Enter the child's name, or tick that the caller does not know it",
        "Enter the child's address, or what is known of where they are",
        "Enter the nature of the concern",
        "Say whether the referrer is a professional",
        "Say whether the call was put through at once",
    ]
    assert count(Contact) == 0


@freeze_time(NOW)
def test_a_call_with_only_the_child_the_concern_and_the_referrer_is_logged_and_the_rest_shown_not_known(client, teams):
    sign_in(client, "handler")
    untouched = as_shown(client.get("/calls/new").get_data(as_text=True))
    response = post_form(client, "/calls/new", {**untouched, **ONLY_WHAT_R39_NEEDS})
    assert response.status_code == 302
    contact = db.session.scalar(select(Contact))
    child = contact.children[0]
    assert (child.date_of_birth, child.expected_date_of_birth, child.approximate_age) == (None, None, None)
    assert (child.first_language, child.interpreter_need.value) == ("", "not_known")
    assert (contact.concern_category.value, contact.referral_source.value) == ("not_known", "10")
    assert {o.kind for o in contact.obligations} == {
        ObligationKind.VERBAL_HANDOFF, ObligationKind.WRITTEN_HANDOFF, ObligationKind.SCREENING_DECISION}

    rows = summary_rows(client.get(response.location).get_data(as_text=True))
    for key in ("Date of birth or age", "First language", "Interpreter needed", "Kind"):
        assert (key, "Not known") in rows
    assert ("Referral source", "10 Unknown") in rows


# --- Dates of birth, and unborn children --------------------------------------------------------

TOO_OLD = ("The date of birth must be within the last 25 years: children's services work with children "
           "and care leavers up to 25")
NOT_YET_BORN = ("The date of birth must be in the past: for an unborn child, tick 'Unborn' and enter the "
                "expected date of birth")


@freeze_time(NOW)
@pytest.mark.parametrize("typed, message", [
    (["1", "1", "1800"], TOO_OLD),
    (["22", "11", "2001"], TOO_OLD),   # 25 years and a day ago
    (["24", "11", "2026"], NOT_YET_BORN),  # tomorrow
    (["1", "1", "2099"], NOT_YET_BORN),
])
def test_a_date_of_birth_in_the_future_or_over_25_years_ago_is_refused_saying_why(client, teams, typed, message):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, **{"children-0-date_of_birth": typed, "concern": "Heard screaming next door"})
    page = post_form(client, "/calls/new", data).get_data(as_text=True)
    assert error_summary(page) == [message]
    assert BeautifulSoup(page, "html.parser").find(id="children-0-date_of_birth-error").get_text(strip=True) == (
        f"Error:{message}")
    assert "Heard screaming next door" in page and f'value="{typed[2]}"' in page
    assert count(Contact) == 0


@freeze_time(NOW)
@pytest.mark.parametrize("typed", [["23", "11", "2001"], ["23", "11", "2026"]])  # 25 today; born today
def test_a_date_of_birth_from_25_years_ago_to_today_is_recorded(client, teams, typed):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, **{"children-0-date_of_birth": typed, "children-0-approximate_age": None})
    assert post_form(client, "/calls/new", data).status_code == 302
    child = db.session.scalar(select(ContactChild))
    assert (child.date_of_birth.isoformat(), child.expected_date_of_birth) == ("-".join(reversed(typed)), None)


@freeze_time(NOW)
def test_an_unborn_child_is_recorded_with_the_expected_date_and_shown_so_on_the_call_and_the_board(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, **{"children-0-name": "", "children-0-is_name_not_known": "y",
                                     "children-0-date_of_birth": ["3", "3", "2027"], "children-0-is_unborn": "y",
                                     "children-0-approximate_age": None})
    response = post_form(client, "/calls/new", data)
    assert response.status_code == 302
    child = db.session.scalar(select(ContactChild))
    assert (child.expected_date_of_birth.isoformat(), child.date_of_birth, child.approximate_age) == (
        "2027-03-03", None, None)
    sign_in(client, "worker")
    assert ("Date of birth or age", "Unborn, due 3 Mar 2027") in summary_rows(
        client.get(response.location).get_data(as_text=True))
    assert "Unborn, due 3 Mar 2027" in client.get("/board").get_data(as_text=True)


@freeze_time(NOW)
@pytest.mark.parametrize("typed, age, message", [
    (["22", "11", "2026"], None, "The expected date of birth must be today or later: for a child already born, "
                                 "untick 'Unborn' and enter the date of birth"),
    (["14", "9", "2027"], None, "The expected date of birth must be within the next 42 weeks: a pregnancy lasts about 40"),
    (None, None, "Enter the expected date of birth, or untick 'Unborn'"),
    (["13", "9", "2027"], "1", "An unborn child has no age yet: clear the approximate age, or untick 'Unborn'"),
])
def test_an_expected_date_of_birth_past_or_beyond_a_pregnancy_is_refused_saying_why(client, teams, typed, age, message):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, **{"children-0-is_unborn": "y", "children-0-date_of_birth": typed,
                                     "children-0-approximate_age": age})
    page = post_form(client, "/calls/new", data).get_data(as_text=True)
    assert error_summary(page) == [message]
    assert count(Contact) == 0
    data.update({"children-0-date_of_birth": ["13", "9", "2027"], "children-0-approximate_age": ""})  # 42 weeks on
    assert post_form(client, "/calls/new", data).status_code == 302


@freeze_time(NOW)
def test_an_approximate_age_of_under_one_reads_so_on_the_call_page(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    response = post_form(client, "/calls/new", log_call_form(duty.id, **{"children-0-approximate_age": "0"}))
    assert ("Date of birth or age", "Under a year old") in summary_rows(
        client.get(response.location).get_data(as_text=True))


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
