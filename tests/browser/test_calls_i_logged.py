"""A call handler logs a call, leaves it, and finds it again under "Calls I logged" (issue 10)."""

import re

from playwright.sync_api import Page, expect

from dutydesk.extensions import db
from dutydesk.models import Role, TeamKind
from tests.factories import create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import group, sign_in


def fill_call(page: Page, child: str, team: str) -> None:
    """A complete call, not put through, on the form the browser is showing."""
    page.get_by_label("Full name").fill(child)
    page.get_by_label("Address", exact=True).fill("22 Park Lane, London N17")
    page.get_by_label("Approximate age in years").fill("6")
    page.get_by_label("First language").fill("English")
    group(page, "Does the child need an interpreter?").get_by_label("No", exact=True).check()
    page.get_by_label("What is the concern?").fill("Bruising to the face; says his stepfather hit him.")
    page.get_by_label("Kind of concern").select_option(label="Physical abuse")
    page.get_by_label("Referrer's name").fill("Joan Fraser")
    page.get_by_label("Referrer's address").fill("Park Lane Primary, London N17")
    page.get_by_label("Referrer's phone number").fill("020 8800 0001")
    group(page, "Is the referrer a professional?").get_by_label("No", exact=True).check()
    page.get_by_label("Referral source").select_option(label="2A Schools")
    page.get_by_label("Duty team").select_option(label=team)
    group(page, "Was the call put through to the duty team at once?").get_by_label("No", exact=True).check()


def test_a_call_handler_finds_a_call_again_under_calls_i_logged_with_its_clocks(page: Page):
    centre = create_team(name="Contact Centre", kind=TeamKind.CONTACT_CENTRE)
    create_user(username="amira", display_name="Amira Khan", roles=(Role.CALL_HANDLER,), team=centre)
    north = create_team(name="North Duty", kind=TeamKind.DUTY)
    create_user(username="ben", display_name="Ben Osei", roles=(Role.DUTY_WORKER,), team=north)
    create_team(name="South Duty", kind=TeamKind.DUTY)
    db.session.commit()

    page.goto("/login")
    sign_in(page, "amira")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a call about a child's safety")  # nothing open
    fill_call(page, "Leo Martin", "North Duty")
    page.get_by_role("button", name="Save and start the clocks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Martin")
    reference = re.search(r"C\d{6}", page.get_by_text(re.compile(r"Call C\d{6} logged")).inner_text()).group()

    # The handler leaves the call for the next one.
    page.get_by_role("link", name="Log a call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a call about a child's safety")

    page.get_by_role("link", name="Calls I logged").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calls I logged")
    row = page.get_by_role("table", name=re.compile("^1 call, most urgent first")).get_by_role("row") \
        .filter(has_text="Leo Martin")
    expect(row).to_contain_text(reference)
    expect(row).to_contain_text("North Duty")
    verbal, written = row.get_by_role("cell").nth(2), row.get_by_role("cell").nth(3)
    expect(verbal).to_contain_text("Open")
    expect(verbal).to_contain_text(re.compile(r"\d+ minutes? left"))
    expect(written).to_contain_text("Open")
    expect(written).to_contain_text(re.compile(r"\d+ minutes? left"))
    check_accessibility(page)

    # Signing in again while the hand-off is open starts here, and the row leads back to the call.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "amira")
    expect(page).to_have_url("/calls/mine")
    page.get_by_role("link", name=re.compile("^Leo Martin")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Martin")
    page.get_by_role("table", name="Clocks").get_by_role("row").filter(
        has_text="Verbal hand-off to the duty team").get_by_role("link", name=re.compile("^Record")).click()
    page.get_by_label("Which duty worker did you tell?").select_option(label="Ben Osei")
    page.get_by_role("button", name="Record verbal hand-off").click()

    page.get_by_role("link", name="Calls I logged").click()
    expect(row.get_by_role("cell").nth(2)).to_contain_text("Met on time")
    expect(row.get_by_role("cell").nth(2)).to_contain_text("told Ben Osei")
    check_accessibility(page)
