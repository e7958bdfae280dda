"""Every page a duty worker, a senior manager and an anonymous visitor can reach passes axe."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.clock import now_utc
from dutydesk.contacts.operations import Flags, ReferrerDetails
from dutydesk.extensions import db
from dutydesk.models import ObligationKind, Role
from tests.factories import create_contact, create_team, create_user, obligation_of

from .conftest import check_accessibility
from .test_log_call_flow import sign_in


def test_every_record_page_and_error_page_has_no_accessibility_violations(page: Page):
    duty = create_team("North Duty")
    create_user("ben", (Role.DUTY_WORKER,), duty, display_name="Ben Osei")
    create_user("sam", (Role.SENIOR_MANAGER,), display_name="Sam Reid")
    professional = ReferrerDetails(name="Dr Ray", address="Surgery", phone="1", is_professional=True)
    contact = create_contact(now_utc() - timedelta(minutes=90), team=duty, referrer=professional,
                             flags=Flags(is_possible_crime=True, is_deliberate_harm_alleged=True))
    child = contact.children[0]
    seen = obligation_of(contact, ObligationKind.CHILD_SEEN)
    db.session.commit()

    page.goto("/calls/new")  # anonymous: sent to sign in
    expect(page).to_have_url("/login?next=%2Fcalls%2Fnew")
    sign_in(page, "ben")
    pages = {
        f"/calls/{contact.id}": "Leo Martin",
        f"/calls/{contact.id}/referrer-confirmation": "Record the referrer's written confirmation",
        f"/calls/{contact.id}/police-informed": "Record that the police were informed",
        f"/calls/{contact.id}/children/{child.id}/seen": "Record Leo Martin seen",
        f"/calls/{contact.id}/obligations/{seen.id}/reason": "Why is this not done yet?",
        "/queue": "North Duty",
        "/board": "North Duty",
        "/calls/999999": "Page not found",
    }
    for path, heading in pages.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_accessibility(page)

    page.goto(f"/calls/{contact.id}/police-informed")
    page.get_by_role("button", name="Record police informed").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Enter who at the police was told")
    check_accessibility(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "sam")
    page.goto("/")  # a senior manager starts on the board
    expect(page).to_have_url("/board")
    expect(page.get_by_role("heading", level=1)).to_have_text("North Duty")
    check_accessibility(page)
    page.goto("/queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    check_accessibility(page)
