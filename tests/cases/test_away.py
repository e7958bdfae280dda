"""R55 and R50: a case is not allocated to someone away (allocated means a named worker actively
working it), and the lists of people on the case pages mark those away after those who are in."""

import html
import re
from datetime import timedelta

import pytest
from freezegun import freeze_time

from dutydesk.absences.operations import record_absence
from dutydesk.cases import operations as cases
from dutydesk.contacts import operations as calls
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.models import Role, ScreeningOutcome, TeamKind
from tests.factories import at, create_contact, create_team, create_user, post_form, sign_in

NOW = "2026-11-23 10:00:00"  # a Monday, GMT
RECEIVED = at("2026-11-23 09:00")


@pytest.fixture
def world():
    """Duty North: Maya manages Wes and Cara; Wes is away until the end of 4 December, Cara covering."""
    centre, north, south = (create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North"),
                            create_team("Duty South"))
    handler = create_user("handler", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    wes = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    cara = create_user("cara", (Role.DUTY_WORKER,), north, display_name="Cara Lewis")
    maya = north.manager = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    south.manager = create_user("sol", (Role.DUTY_MANAGER,), south, display_name="Sol Grant")
    contact = create_contact(RECEIVED, team=north, by=handler)
    calls.accept_handoff(contact, by=cara, now=RECEIVED + timedelta(minutes=10))
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Second call this month", by=cara, now=RECEIVED + timedelta(minutes=30))
    record_absence(wes, starts_at=at("2026-11-23 09:00"), ends_at=at("2026-12-05 00:00"), cover=cara,
                   reason="Annual leave", by=maya, now=at("2026-11-20 12:00"))
    db.session.commit()
    return {"contact": contact, "referral": cases.get_referral(contact.children[0]), "wes": wes, "cara": cara,
            "maya": maya}


def options(page: str, name: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return [html.unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)</option>", select_html)]


def error_beside(page: str, field: str) -> str:
    match = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert match, f"no error beside {field}"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip())


@freeze_time(NOW)
def test_a_case_cannot_be_allocated_to_someone_away_and_the_refusal_names_their_cover(client, world):
    referral = world["referral"]
    sign_in(client, "maya")
    url = f"/cases/{referral.id}/allocate"
    assert options(client.get(url).get_data(as_text=True), "worker_id") == [
        "Choose a worker", "Cara Lewis", "Maya Patel", "Wes Adebayo — away until 4 Dec"]

    page = post_form(client, url, {"worker_id": str(world["wes"].id)}).get_data(as_text=True)

    assert error_beside(page, "worker_id") == (
        "Wes Adebayo is away until 4 Dec, and their work goes to Cara Lewis: allocate the case to Cara Lewis or "
        "someone else who is in")
    db.session.refresh(referral)
    assert (referral.worker, referral.is_allocated) == (None, False)


def test_a_case_may_be_allocated_to_someone_whose_absence_is_still_to_come(world):
    referral = world["referral"]
    before = at("2026-11-23 08:59")

    cases.allocate_case(referral, to=world["wes"], by=world["maya"], now=before)

    assert referral.worker == world["wes"]


def test_with_nobody_in_to_stand_in_the_refusal_asks_for_someone_who_is_in(world):
    record_absence(world["cara"], starts_at=at("2026-11-23 09:30"), ends_at=at("2026-11-24 00:00"), cover=None,
                   reason="", by=world["maya"], now=at("2026-11-23 09:30"))
    record_absence(world["maya"], starts_at=at("2026-11-23 09:30"), ends_at=at("2026-11-24 00:00"), cover=None,
                   reason="", by=world["maya"], now=at("2026-11-23 09:30"))

    with pytest.raises(DomainError) as refused:
        cases.allocate_case(world["referral"], to=world["wes"], by=world["maya"], now=at(NOW))

    assert refused.value.message == ("Wes Adebayo is away until 4 Dec, and their work goes to the senior managers: "
                                     "allocate the case to someone who is in")


@freeze_time(NOW)
def test_the_decision_and_strategy_pages_mark_managers_and_owners_who_are_away(client, world):
    record_absence(world["maya"], starts_at=at("2026-11-23 09:30"), ends_at=at("2026-11-23 16:30"), cover=None,
                   reason="", by=world["maya"], now=at("2026-11-23 09:30"))
    db.session.commit()
    contact, child = world["contact"], world["contact"].children[0]
    sign_in(client, "cara")

    page = client.get(f"/calls/{contact.id}/children/{child.id}/decision").get_data(as_text=True)
    assert options(page, "social_care_manager_id") == [
        "Choose the manager", "Sol Grant (Duty South)", "Maya Patel (Duty North) — away until 16:30 today"]
    assert options(page, "onward_agreed_by_id") == [
        "Choose who agreed it", "Cara Lewis (holds the child's work)", "Sol Grant (Duty South)",
        "Maya Patel (Duty North) — away until 16:30 today"]

    page = client.get(f"/calls/{contact.id}/children/{child.id}/strategy-discussion").get_data(as_text=True)
    assert options(page, "action_points-0-owner_id") == [
        "Choose who will do it", "Cara Lewis (Duty North)", "Sol Grant (Duty South)",
        "Maya Patel (Duty North) — away until 16:30 today", "Wes Adebayo (Duty North) — away until 4 Dec"]
