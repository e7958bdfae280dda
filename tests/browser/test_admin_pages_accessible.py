"""The administration pages, used by an administrator and filled in wrongly and rightly, pass axe in
chromium; the person they add chooses a password of their own before anything else."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Role, TeamKind
from dutydesk.work import operations as work
from tests.factories import create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in


def test_an_administrator_adds_a_person_and_a_team_and_deactivates_a_leaver_on_pages_axe_finds_clean(page: Page):
    create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north = create_team("Duty North")
    create_user("alex", (Role.ADMIN,), display_name="Alex Morgan")
    north.manager = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    wes = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    contact = create_contact(now_utc() - timedelta(minutes=20), team=north)
    work.add_action(contact, title="Ring the school", owner=wes, due_at=now_utc() + timedelta(hours=2), by=wes,
                    now=now_utc())
    db.session.commit()

    page.goto("/login")
    sign_in(page, "alex")
    expect(page).to_have_url("/people")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    check_accessibility(page)

    page.get_by_role("link", name="Add a person").click()
    page.get_by_role("button", name="Add the person").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Enter the person's full name")
    check_accessibility(page)
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Username").fill("priya")
    page.get_by_label("E-mail address").fill("priya@example.gov.uk")
    page.get_by_label("Duty worker").check()
    page.get_by_label("Team").select_option(label="Duty North (duty team)")
    page.get_by_label("First password").fill("a first passphrase")
    page.get_by_role("button", name="Add the person").click()
    expect(page.get_by_role("alert")).to_contain_text("Priya Shah added")
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Shah")
    check_accessibility(page)
    for link, heading in (("Change details, roles or team", "Change their details, roles or team"),
                          ("Reset their password", "Reset their password")):
        page.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_accessibility(page)
        page.go_back()

    page.goto("/people")
    page.get_by_role("link", name="Wes Adebayo").click()
    page.get_by_role("link", name="Deactivate Wes Adebayo").click()
    expect(page.locator("#consequences")).to_contain_text("their 1 open clock and action stay with the team")
    check_accessibility(page)
    page.get_by_role("button", name="Deactivate Wes Adebayo").click()
    expect(page.get_by_role("alert")).to_contain_text("Wes Adebayo is deactivated")
    check_accessibility(page)

    page.get_by_role("link", name="Teams").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teams")
    check_accessibility(page)
    page.get_by_role("link", name="Add a team").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the team's name")
    check_accessibility(page)
    page.get_by_label("Name").fill("Duty West")
    page.get_by_label("Duty team").check()
    page.get_by_label("In office hours").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Duty West")
    check_accessibility(page)
    page.get_by_role("link", name="Back to teams").click()
    page.get_by_role("link", name="Duty North").click()
    page.get_by_role("link", name="Change the manager told first").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose the manager told first")
    check_accessibility(page)

    page.get_by_role("link", name="Changes").click()
    expect(page.get_by_role("table", name="changes, newest first")).to_contain_text("Deactivated")
    check_accessibility(page)
    page.goto(f"/calls/{contact.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password", exact=True).fill("a first passphrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url("/account/password")
    check_accessibility(page)
    page.goto("/my-work")
    expect(page).to_have_url("/account/password")  # nothing else until she chooses her own
    page.get_by_label("Your current password").fill("a first passphrase")
    page.get_by_label("New password").fill("priya's very own passphrase")
    page.get_by_role("button", name="Change my password").click()
    expect(page).to_have_url("/my-work")
    expect(page.get_by_role("alert")).to_contain_text("Your password has been changed")
