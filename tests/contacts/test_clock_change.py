"""The nights the clocks change, as the front door reads and types times.

On 29 March 2026 the UK clocks went from 01:00 GMT to 02:00 BST (01:30 never happened); on 25
October 2026 they went back from 02:00 BST to 01:00 GMT (01:30 happened twice, BST then GMT).
"""

from datetime import date, time, timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import select

from dutydesk.clock import london_readings
from dutydesk.display import london
from dutydesk.extensions import db
from dutydesk.models import Contact, ContactEvent, ObligationKind, Role, TeamKind
from dutydesk.work import operations as work
from tests.factories import at, create_contact, create_team, create_user, log_call_form, obligation_of, post_form, sign_in

TWICE = ("01:30 on 25 October 2026 happened twice: the clocks went back an hour that night. "
         "Choose which 01:30 you mean")


@pytest.fixture
def teams():
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty = create_team("Duty North")
    create_user("handler", (Role.CALL_HANDLER,), contact_centre, display_name="Hannah Cole")
    create_user("worker", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo")
    db.session.commit()
    return contact_centre, duty


def logged(teams, received_at):
    contact_centre, duty = teams
    contact = create_contact(received_at, team=duty, by=contact_centre.members[0])
    db.session.commit()
    return contact


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def which_question(page: BeautifulSoup, name: str) -> dict[str, bool]:
    """The radios asking which of a repeated time was meant: their words, and whether chosen."""
    return {radio.find_next("label").get_text(strip=True): radio.has_attr("checked")
            for radio in page.find_all("input", {"name": name, "type": "radio"})}


# --- what a time is, and how it reads -------------------------------------------------------------

def test_a_london_time_names_no_moment_in_the_skipped_hour_and_two_in_the_repeated_one():
    assert london_readings(date(2026, 3, 29), time(1, 30)) == []
    assert london_readings(date(2026, 3, 29), time(2, 0)) == [at("2026-03-29 01:00")]
    assert london_readings(date(2026, 10, 25), time(1, 30)) == [at("2026-10-25 00:30"), at("2026-10-25 01:30")]
    assert london_readings(date(2026, 10, 25), time(0, 59)) == [at("2026-10-24 23:59")]
    assert london_readings(date(2026, 10, 25), time(2, 0)) == [at("2026-10-25 02:00")]


def test_times_on_the_days_the_clocks_change_read_with_their_zone_and_on_no_other_day():
    assert london(at("2026-10-25 00:30")) == "01:30 BST on 25 Oct 2026"
    assert london(at("2026-10-25 01:30")) == "01:30 GMT on 25 Oct 2026"
    assert london(at("2026-10-25 22:00"), "%H:%M %a %-d %b") == "22:00 GMT Sun 25 Oct"
    assert london(at("2026-03-29 00:30"), "%H:%M:%S") == "00:30:00 GMT"
    assert london(at("2026-03-29 01:30"), "%H:%M") == "02:30 BST"
    assert london(at("2026-10-24 22:59")) == "23:59 on 24 Oct 2026"
    assert london(at("2026-10-25 23:00")) == "23:00 GMT on 25 Oct 2026"
    assert london(at("2026-10-26 00:00")) == "00:00 on 26 Oct 2026"
    assert london(at("2026-10-25 00:30"), "%-d %b %Y") == "25 Oct 2026"  # a date alone needs no zone


@freeze_time("2026-10-25 00:40:00")  # 01:40 BST, the first time round
def test_a_call_at_0130_bst_the_night_the_clocks_go_back_is_due_at_0130_gmt_and_reads_so(client, teams):
    contact = logged(teams, at("2026-10-25 00:30"))  # 01:30 BST
    sign_in(client, "worker")
    page = client.get(f"/calls/{contact.id}").get_data(as_text=True)
    assert "01:30 BST on 25 Oct 2026" in page  # received
    assert "01:30 GMT on 25 Oct 2026" in page  # the hand-offs are due sixty minutes later
    assert "50 minutes left" in page
    board = client.get("/board").get_data(as_text=True)
    assert "01:30 GMT Sun 25 Oct" in board and "01:30 BST 25 Oct" in board


@freeze_time("2026-03-29 00:40:00")  # 00:40 GMT
def test_a_call_at_0030_gmt_the_night_the_clocks_go_forward_is_due_at_0230_bst_and_reads_so(client, teams):
    contact = logged(teams, at("2026-03-29 00:30"))
    sign_in(client, "worker")
    page = client.get(f"/calls/{contact.id}").get_data(as_text=True)
    assert "00:30 GMT on 29 Mar 2026" in page
    assert "02:30 BST on 29 Mar 2026" in page
    assert "50 minutes left" in page


@freeze_time("2026-10-26 12:00:00")
def test_the_day_after_the_clocks_change_times_read_without_a_zone(client, teams):
    contact = logged(teams, at("2026-10-26 11:30"))
    sign_in(client, "worker")
    page = client.get(f"/calls/{contact.id}").get_data(as_text=True)
    assert "11:30 on 26 Oct 2026" in page and "12:30 on 26 Oct 2026" in page
    assert " GMT" not in page and " BST" not in page


# --- typing a time that happened twice, or never --------------------------------------------------

@freeze_time("2026-10-25 03:00:00")  # 03:00 GMT
def test_a_time_typed_in_the_repeated_hour_is_asked_about_keeping_everything_typed(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, received_date=["25", "10", "2026"], received_time="01:30",
                         concern="Heard screaming next door")
    page = soup(post_form(client, "/calls/new", data))
    assert page.find(id="received_time-error").get_text(strip=True) == f"Error:{TWICE}"
    assert which_question(page, "received_time_which") == {
        "01:30 BST: the first 01:30, before the clocks went back": False,
        "01:30 GMT: the second 01:30, after the clocks went back": False,
    }
    assert page.find("legend", string=lambda text: text and "Which 01:30 on 25 October 2026?" in text)
    assert "Heard screaming next door" in str(page) and page.find(id="received_time")["value"] == "01:30"
    assert db.session.scalar(select(Contact)) is None


@freeze_time("2026-10-25 03:00:00")
@pytest.mark.parametrize("which, received_at", [("first", "2026-10-25 00:30"), ("second", "2026-10-25 01:30")])
def test_the_01_30_chosen_is_the_one_recorded_and_its_clocks_run_from_it(client, teams, which, received_at):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, received_date=["25", "10", "2026"], received_time="01:30",
                         received_time_which=which)
    assert post_form(client, "/calls/new", data).status_code == 302
    contact = db.session.scalar(select(Contact))
    assert contact.received_at == at(received_at)
    assert obligation_of(contact, ObligationKind.WRITTEN_HANDOFF).due_at == at(received_at) + timedelta(minutes=60)


@freeze_time("2026-10-25 03:00:00")
def test_the_01_30_chosen_is_kept_when_the_form_is_refused_for_something_else(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    data = log_call_form(duty.id, received_date=["25", "10", "2026"], received_time="01:30",
                         received_time_which="second", concern="")
    page = soup(post_form(client, "/calls/new", data))
    assert page.find(id="concern-error") is not None and page.find(id="received_time-error") is None
    assert which_question(page, "received_time_which")["01:30 GMT: the second 01:30, after the clocks went back"]


@freeze_time("2026-10-25 01:15:00")  # 01:15 GMT, the second time round
def test_a_form_filled_with_now_in_the_repeated_hour_says_which_it_is(client, teams):
    _, duty = teams
    sign_in(client, "handler")
    page = soup(client.get("/calls/new"))
    assert page.find(id="received_time")["value"] == "01:15"
    assert which_question(page, "received_time_which") == {
        "01:15 BST: the first 01:15, before the clocks went back": False,
        "01:15 GMT: the second 01:15, after the clocks went back": True,
    }
    data = log_call_form(duty.id, received_time_which="second")  # as the page offers it, now
    assert post_form(client, "/calls/new", data).status_code == 302
    assert db.session.scalar(select(Contact.received_at)) == at("2026-10-25 01:15")


@freeze_time("2026-10-25 03:00:00")
def test_every_form_with_a_time_asks_which_such_as_the_verbal_handoff(client, teams):
    contact = logged(teams, at("2026-10-25 00:10"))  # 01:10 BST
    worker = teams[1].members[0]
    sign_in(client, "handler")
    url = f"/calls/{contact.id}/verbal-handoff"
    data = {"to_worker_id": str(worker.id), "at_date": ["25", "10", "2026"], "at_time": "01:30"}
    page = soup(post_form(client, url, data))
    assert page.find(id="at_time-error").get_text(strip=True) == f"Error:{TWICE}"
    assert len(which_question(page, "at_time_which")) == 2
    assert post_form(client, url, {**data, "at_time_which": "second"}).status_code == 302
    db.session.expire_all()
    assert obligation_of(contact, ObligationKind.VERBAL_HANDOFF).met_at == at("2026-10-25 01:30")


@freeze_time("2026-03-29 09:00:00")
def test_a_time_in_the_hour_the_clocks_skipped_is_refused_on_every_form_such_as_the_verbal_handoff(client, teams):
    contact = logged(teams, at("2026-03-29 00:10"))
    sign_in(client, "handler")
    data = {"to_worker_id": str(teams[1].members[0].id), "at_date": ["29", "3", "2026"], "at_time": "01:30",
            "at_time_which": "first"}
    page = soup(post_form(client, f"/calls/{contact.id}/verbal-handoff", data))
    assert page.find(id="at_time-error").get_text(strip=True) == (
        "Error:01:30 on 29 March 2026 did not happen in the UK: the clocks went forward an hour that night. "
        "Enter the time as shown on a clock after the change.")
    assert which_question(page, "at_time_which") == {}


def test_an_action_due_in_the_repeated_hour_says_which_in_the_calls_history():
    # Written by work.add_action as a sentence, not through a template: it still says GMT or BST.
    duty = create_team("Duty North")
    worker = create_user("wes", (Role.DUTY_WORKER,), duty, display_name="Wes Adebayo")
    contact = create_contact(at("2026-10-24 22:00"), team=duty)
    work.add_action(contact, title="Ring the school", owner=worker, due_at=at("2026-10-25 01:30"), by=worker,
                    now=at("2026-10-24 22:30"))
    db.session.commit()
    summaries = db.session.scalars(select(ContactEvent.summary).where(ContactEvent.action == "action_added")).all()
    assert summaries == ["Action for Wes Adebayo, due 01:30 GMT on 25 October 2026: Ring the school"]
