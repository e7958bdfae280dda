"""R39 and R50: a call is not put through, nor its details passed, to someone who is away; the
lists of people on the call pages mark those away and offer them after those who are in."""

import html
import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk.absences.operations import record_absence
from dutydesk.contacts import operations as calls
from dutydesk.contacts.operations import Flags
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Absence, Contact, ObligationKind, Role, TeamKind
from tests.factories import (
    at,
    call_details,
    create_contact,
    create_team,
    create_user,
    log_call_form,
    obligation_of,
    post_form,
    sign_in,
)

NOW = "2026-11-23 10:00:00"  # a Monday, GMT
#: Wes is away from 09:00 today to the end of Friday 4 December, with Priya covering.
BACK = at("2026-12-05 00:00")


@pytest.fixture
def north():
    """Duty North (Mo manages Wes and Priya), Duty South (Tom), Hannah in the contact centre; Wes away."""
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    duty, south = create_team("Duty North"), create_team("Duty South")
    people = {
        "hannah": create_user("handler", (Role.CALL_HANDLER,), contact_centre, display_name="Hannah Cole"),
        "wes": create_user("wes", (Role.DUTY_WORKER,), duty, display_name="Wes Adams"),
        "priya": create_user("priya", (Role.DUTY_WORKER,), duty, display_name="Priya Shah"),
        "tom": create_user("tom", (Role.DUTY_WORKER,), south, display_name="Tom Birch"),
    }
    people["mo"] = duty.manager = create_user("mo", (Role.DUTY_MANAGER,), duty, display_name="Mo Rahman")
    record_absence(people["wes"], starts_at=at("2026-11-23 09:00"), ends_at=BACK, cover=people["priya"],
                   reason="Annual leave", by=people["mo"], now=at("2026-11-20 12:00"))
    db.session.commit()
    return people


def options(page: str, name: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return [html.unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)</option>", select_html)]


def error_beside(page: str, field: str) -> str:
    match = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert match, f"no error beside {field}"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip())


def put_through(north, to, received_at):
    return calls.log_call(call_details(north["wes"].team, received_at, is_put_through=True, put_through_to=to),
                          by=north["hannah"], now=at(NOW))


@freeze_time(NOW)
def test_a_call_put_through_to_someone_away_is_refused_naming_who_covers_for_them(client, north):
    sign_in(client, "handler")
    data = log_call_form(north["wes"].team_id, is_put_through="yes", put_through_to=str(north["wes"].id))

    page = post_form(client, "/calls/new", data).get_data(as_text=True)

    assert error_beside(page, "put_through_to") == (
        "Wes Adams is away until 4 Dec, and their work goes to Priya Shah: put the call through to Priya Shah "
        "or someone else who is in")
    assert db.session.scalar(select(func.count(Contact.id))) == 0
    data["put_through_to"] = str(north["priya"].id)
    assert post_form(client, "/calls/new", data).status_code == 302


def test_a_cover_in_another_team_is_not_suggested_to_take_the_call(north):
    db.session.scalar(select(Absence)).cover = north["tom"]

    with pytest.raises(DomainError) as refused:
        put_through(north, north["wes"], at(NOW))

    assert refused.value.message == ("Wes Adams is away until 4 Dec, and their work goes to Tom Birch: "
                                     "put the call through to someone who is in")


def test_a_call_put_through_before_the_absence_began_is_recorded(north):
    contact = put_through(north, north["wes"], at("2026-11-23 08:59"))

    assert obligation_of(contact, ObligationKind.VERBAL_HANDOFF).details["to_worker_name"] == "Wes Adams"


@freeze_time(NOW)
def test_who_took_it_marks_those_away_after_those_in(client, north):
    sign_in(client, "handler")
    page = client.get("/calls/new").get_data(as_text=True)

    assert options(page, "put_through_to") == [
        "Choose who took the call", "Mo Rahman (Duty North)", "Priya Shah (Duty North)", "Tom Birch (Duty South)",
        "Wes Adams (Duty North) — away until 4 Dec"]


@freeze_time(NOW)
def test_the_details_cannot_be_passed_verbally_to_someone_away(client, north):
    contact = create_contact(at(NOW) - timedelta(minutes=10), team=north["wes"].team, by=north["hannah"])
    db.session.commit()
    sign_in(client, "handler")
    url = f"/calls/{contact.id}/verbal-handoff"
    assert options(client.get(url).get_data(as_text=True), "to_worker_id") == [
        "Choose a duty worker", "Mo Rahman", "Priya Shah", "Wes Adams — away until 4 Dec"]

    page = post_form(client, url, {"to_worker_id": str(north["wes"].id), "at_date": ["23", "11", "2026"],
                                   "at_time": "09:58"}).get_data(as_text=True)

    assert error_beside(page, "to_worker_id") == (
        "Wes Adams is away until 4 Dec, and their work goes to Priya Shah: pass the details to Priya Shah or "
        "someone else who is in")
    assert obligation_of(contact, ObligationKind.VERBAL_HANDOFF).met_at is None


@freeze_time(NOW)
def test_seen_by_marks_those_away_after_those_in(client, north):
    contact = create_contact(at(NOW) - timedelta(minutes=10), team=north["wes"].team, by=north["hannah"],
                             flags=Flags(is_deliberate_harm_alleged=True))
    db.session.commit()
    sign_in(client, "priya")

    page = client.get(f"/calls/{contact.id}/children/{contact.children[0].id}/seen").get_data(as_text=True)

    assert options(page, "seen_by_id") == [
        "Choose who saw the child", "Mo Rahman (Duty North)", "Priya Shah (Duty North)", "Tom Birch (Duty South)",
        "Wes Adams (Duty North) — away until 4 Dec"]
