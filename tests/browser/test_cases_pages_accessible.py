"""The cases pages, filled in and refused, pass axe in chromium."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.cases import operations as cases
from dutydesk.clock import now_utc, to_london
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Role, ScreeningOutcome
from tests.factories import create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in


def test_every_cases_page_has_no_accessibility_violations(page: Page):
    north, south = create_team("North Duty"), create_team("South Duty")
    worker = create_user("ben", (Role.DUTY_WORKER,), north, display_name="Ben Osei")
    mia = create_user("mia", (Role.DUTY_MANAGER,), north, display_name="Mia Khan")
    now = now_utc()
    contact = create_contact(now - timedelta(hours=3), team=north)
    calls.accept_handoff(contact, by=worker, now=now - timedelta(hours=2))
    child = contact.children[0]
    cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.REFERRAL, rationale="Second call",
                                    by=worker, now=now - timedelta(hours=1))
    referral = cases.get_referral(child)
    discussion = cases.record_strategy_discussion(
        contact, child, held_at=now - timedelta(minutes=50), attendees=[cases.Attendee("DS Khan", "Police")],
        record="Joint visit agreed", action_points=[cases.ActionPoint("Visit", worker, now + timedelta(days=1))],
        circulated_to="DS Khan", circulated_at=now - timedelta(minutes=40),
        review_on=to_london(now).date() + timedelta(days=7), by=worker, now=now - timedelta(minutes=30),
        social_care_manager=mia)
    other = create_contact(now - timedelta(hours=3), team=north)
    cases.record_screening_decision(other, other.children[0], outcome=ScreeningOutcome.REFERRAL, rationale="x",
                                    by=worker, now=now - timedelta(hours=1))
    cases.request_transfer(cases.get_referral(other.children[0]), to_team=south, reason="Moved", by=worker,
                           now=now - timedelta(minutes=10))
    db.session.commit()

    page.goto("/login")
    sign_in(page, "mia")
    child_pages = f"/calls/{contact.id}/children/{child.id}"
    for path in (f"/calls/{contact.id}", f"{child_pages}/decision", f"{child_pages}/strategy-discussion",
                 f"/strategy-discussions/{discussion.id}", f"/cases/{referral.id}", f"/cases/{referral.id}/allocate",
                 f"/cases/{referral.id}/unallocate", f"/cases/{referral.id}/transfer", "/cases/unallocated",
                 "/cases/unallocated?team=all"):
        page.goto(path)
        check_accessibility(page)

    page.goto(f"{child_pages}/decision")  # refused: everything typed kept, errors beside the fields
    page.get_by_label("Strategy discussion (possible section 47)").check()
    page.get_by_label("A joint investigation with the police is being considered").check()
    page.get_by_label("Agency", exact=True).fill("CAMHS")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Record the reasons")
    check_accessibility(page)

    page.goto(f"{child_pages}/strategy-discussion")
    page.get_by_role("button", name="Add another attendee").click()
    page.locator("#attendees-1-name").fill("Joan Fraser")
    page.locator("#attendees-1-name").press("Enter")  # Enter saves: it does not add another row
    expect(page.get_by_role("alert")).to_contain_text("Enter the agency Joan Fraser spoke for")
    check_accessibility(page)

    page.goto(f"/cases/{referral.id}/allocate")
    page.get_by_label("Who will work the case?").select_option(label="Ben Osei")
    page.get_by_role("button", name="Allocate the case").click()
    expect(page.locator("#allocation")).to_contain_text("Allocated to Ben Osei")
    check_accessibility(page)
