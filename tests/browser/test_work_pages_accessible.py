"""The action pages and My work, filled in and refused, pass axe in chromium."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import ObligationKind, Role
from dutydesk.work import operations as work
from tests.factories import create_contact, create_team, create_user, obligation_of

from .conftest import check_accessibility
from .test_log_call_flow import sign_in


def test_every_action_page_and_my_work_has_no_accessibility_violations(page: Page):
    duty = create_team("North Duty")
    ben = create_user("ben", (Role.DUTY_WORKER,), duty, display_name="Ben Osei")
    contact = create_contact(now_utc() - timedelta(minutes=90), team=duty)
    act = work.add_action(contact, title="Ring school", owner=ben, due_at=now_utc() + timedelta(hours=3),
                          by=ben, now=now_utc(), child=contact.children[0])
    screening = obligation_of(contact, ObligationKind.SCREENING_DECISION)
    db.session.commit()
    page.goto("/login")
    sign_in(page, "ben")
    for path, heading in {
        f"/calls/{contact.id}": "Leo Martin",
        f"/calls/{contact.id}/actions/new": "Add an action",
        f"/calls/{contact.id}/obligations/{act.id}/reassign": "Reassign: Ring school",
        f"/calls/{contact.id}/obligations/{act.id}/complete": "Mark an action as done",
        f"/calls/{contact.id}/obligations/{screening.id}/complete": "Mark an action as done",
        "/my-work": "My work",
    }.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_accessibility(page)
    page.goto(f"/calls/{contact.id}/actions/new")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter what must be done")
    check_accessibility(page)
    page.get_by_label("What must be done?").fill("Visit")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("alert")).to_contain_text("must be in the future")
    check_accessibility(page)
    page.goto(f"/calls/{contact.id}/obligations/{screening.id}/complete")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("alert")).to_contain_text("not completed as an action")
    check_accessibility(page)
