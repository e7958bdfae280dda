"""The absence and post pages, and My work covering for someone, filled in and refused, pass axe in chromium."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.absences import operations as absences
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import InboxChannel, Role, TeamKind
from dutydesk.work import operations as work
from tests.factories import create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import group, sign_in


def test_every_absence_and_post_page_has_no_accessibility_violations(page: Page):
    duty = create_team("North Duty")
    contact_centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    create_user("hana", (Role.CALL_HANDLER,), contact_centre, display_name="Hana Cole")
    priya = create_user("priya", (Role.DUTY_WORKER,), duty, display_name="Priya Shah")
    create_user("sam", (Role.DUTY_WORKER,), duty, display_name="Sam Okoro")
    duty.manager = manager = create_user("mo", (Role.DUTY_MANAGER,), duty, display_name="Mo Rahman")
    now = now_utc()
    contact = create_contact(now - timedelta(minutes=30), team=duty)
    work.add_action(contact, title="Ring school", owner=priya, due_at=now + timedelta(hours=3), by=priya, now=now)
    item = absences.record_inbox_item(priya, channel=InboxChannel.PHONE, sender="Joan Fraser",
                                      summary="Please ring back about Leo", received_at=now - timedelta(minutes=5),
                                      by=priya, now=now)
    absences.record_absence(priya, starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(days=1),
                            cover=None, reason="Off sick", by=manager, now=now)
    db.session.commit()

    page.goto("/login")
    sign_in(page, "mo")
    for path, heading in {
        "/absences": "Absences and cover",
        "/absences/new": "Record an absence",
        "/inbox-items/new": "Record post or a message for someone",
        f"/inbox-items/{item.id}/action": "Telephone message from Joan Fraser",
        "/my-work": "My work",
    }.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_accessibility(page)
    expect(page.get_by_role("heading", name="Covering for Priya Shah")).to_be_visible()

    page.goto("/absences/new")
    page.get_by_role("button", name="Record the absence").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose who is away")
    check_accessibility(page)
    page.get_by_label("Who is away?").select_option(label="Sam Okoro")
    last_day = group(page, "Last day away")
    last_day.get_by_label("Day").fill("1")
    last_day.get_by_label("Month").fill("1")
    last_day.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Record the absence").click()
    expect(page.get_by_role("alert")).to_contain_text("The absence must end after it starts")
    check_accessibility(page)

    page.goto("/inbox-items/new")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter who it is from")
    check_accessibility(page)

    page.goto(f"/inbox-items/{item.id}/action")
    page.get_by_role("button", name="Record as actioned").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter what was done about it")
    check_accessibility(page)

    page.goto("/absences")
    page.get_by_role("row", name="Priya Shah").get_by_role("button", name="End now").click()
    expect(page.get_by_role("alert")).to_contain_text("Priya Shah is back")
    check_accessibility(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "hana")
    page.goto("/absences")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    expect(page.locator("#refusal")).to_contain_text("This page is for a duty manager or senior manager")
    check_accessibility(page)
    page.goto("/my-work")  # hana may not open the page at all: her role says so
    expect(page.locator("#refusal")).to_contain_text("You are signed in as Hana Cole (call handler)")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "sam")  # a colleague of Priya's, neither holding her post nor standing in for her
    page.goto(f"/inbox-items/{item.id}/action")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    expect(page.locator("#refusal")).to_contain_text("Only the managers of North Duty, Priya Shah")
    expect(page.get_by_text("Please ring back about Leo")).to_have_count(0)
    check_accessibility(page)
