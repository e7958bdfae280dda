"""A call from logging to acceptance, as the call handler and the duty worker see it."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from dutydesk.extensions import db
from dutydesk.models import Contact, ObligationKind, Role, TeamKind
from tests.factories import PASSWORD, create_team, create_user, obligation_of

from .conftest import check_accessibility

CLOCKS = ["Verbal hand-off to the duty team", "Written hand-off accepted by the duty team",
          "Referrer's written confirmation", "Police informed", "Screening decision"]


def sign_in(page: Page, username: str) -> None:
    """Sign in on the sign-in page the browser is showing."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def group(page: Page, legend: str):
    return page.get_by_role("group", name=legend, exact=True)


def clock_row(page: Page, what: str):
    return page.get_by_role("table", name="Clocks").get_by_role("row").filter(has_text=what)


def clock_state(page: Page, what: str):
    return clock_row(page, what).get_by_role("cell").nth(3)


def test_call_handler_logs_a_call_and_the_duty_worker_accepts_it(page: Page):
    contact_centre = create_team(name="Contact Centre", kind=TeamKind.CONTACT_CENTRE)
    handler = create_user(username="amira", display_name="Amira Khan", roles=(Role.CALL_HANDLER,),
                          team=contact_centre)
    duty_team = create_team(name="North Duty", kind=TeamKind.DUTY)
    worker = create_user(username="ben", display_name="Ben Osei", roles=(Role.DUTY_WORKER,), team=duty_team)
    create_team(name="South Duty", kind=TeamKind.DUTY)  # so the team must be chosen
    db.session.commit()

    # The call handler signs in and opens the call form.
    page.goto("/login")
    check_accessibility(page)
    sign_in(page, "amira")
    page.get_by_role("link", name="Log a call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a call about a child's safety")
    check_accessibility(page)

    # Everything but the child's name.
    page.get_by_label("Address", exact=True).fill("22 Park Lane, London N17")
    for part, value in (("Day", "27"), ("Month", "3"), ("Year", "2019")):
        group(page, "Date of birth").get_by_label(part).fill(value)
    page.get_by_label("First language").fill("English")
    group(page, "Does the child need an interpreter?").get_by_label("No", exact=True).check()
    page.get_by_label("What is the concern?").fill("Bruising to the face; says his stepfather hit him.")
    page.get_by_label("Kind of concern").select_option(label="Physical abuse")
    page.get_by_label("A crime may have been committed").check()
    page.get_by_label("Referrer's name").fill("Joan Fraser")
    page.get_by_label("Referrer's address").fill("Park Lane Primary, London N17")
    page.get_by_label("Referrer's phone number").fill("020 8800 0001")
    group(page, "Is the referrer a professional?").get_by_label("Yes", exact=True).check()
    page.get_by_label("Referral source").select_option(label="2A Schools")
    page.get_by_label("Duty team").select_option(label="North Duty")
    group(page, "Was the call put through to the duty team at once?").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save and start the clocks").click()

    # Refused for want of the name; nothing typed is lost.
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text(
        "Enter the child's name")
    expect(page).to_have_title(re.compile("^Error: "))
    check_accessibility(page)
    expect(page.get_by_label("Full name")).to_have_value("")
    expect(page.get_by_label("Address", exact=True)).to_have_value("22 Park Lane, London N17")
    expect(group(page, "Date of birth").get_by_label("Year")).to_have_value("2019")
    expect(page.get_by_label("First language")).to_have_value("English")
    expect(group(page, "Does the child need an interpreter?").get_by_label("No", exact=True)).to_be_checked()
    expect(page.get_by_label("What is the concern?")).to_have_value(
        "Bruising to the face; says his stepfather hit him.")
    expect(page.get_by_label("Kind of concern").locator("option:checked")).to_have_text("Physical abuse")
    expect(page.get_by_label("A crime may have been committed")).to_be_checked()
    expect(page.get_by_label("Referrer's name")).to_have_value("Joan Fraser")
    expect(page.get_by_label("Referrer's address")).to_have_value("Park Lane Primary, London N17")
    expect(page.get_by_label("Referrer's phone number")).to_have_value("020 8800 0001")
    expect(group(page, "Is the referrer a professional?").get_by_label("Yes", exact=True)).to_be_checked()
    expect(page.get_by_label("Referral source").locator("option:checked")).to_have_text("2A Schools")
    expect(page.get_by_label("Duty team").locator("option:checked")).to_have_text("North Duty")
    expect(group(page, "Was the call put through to the duty team at once?")
           .get_by_label("No", exact=True)).to_be_checked()

    page.get_by_label("Full name").fill("Leo Martin")
    page.get_by_role("button", name="Save and start the clocks").click()

    # The call's page, every clock running.
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Martin")
    expect(page.get_by_text("Born 27 Mar 2019")).to_be_visible()
    for what in CLOCKS:
        expect(clock_state(page, what)).to_contain_text("Open")
    check_accessibility(page)

    # The call handler records telling the duty worker, at the time the form suggests.
    clock_row(page, "Verbal hand-off to the duty team").get_by_role(
        "link", name=re.compile("^Record")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the verbal hand-off")
    check_accessibility(page)
    page.get_by_label("Which duty worker did you tell?").select_option(label="Ben Osei")
    page.get_by_role("button", name="Record verbal hand-off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Martin")
    expect(clock_state(page, "Verbal hand-off to the duty team")).to_contain_text("Met on time")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to dutydesk")

    # The duty worker finds the call in the team's queue and accepts it.
    sign_in(page, "ben")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    page.get_by_role("link", name="Team queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North Duty")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("^Leo Martin")).click()
    page.get_by_role("button", name="Accept this call").click()
    expect(page.get_by_text("You have accepted call")).to_be_visible()
    expect(clock_state(page, "Written hand-off accepted by the duty team")).to_contain_text("Met on time")
    expect(clock_row(page, "Written hand-off accepted by the duty team").get_by_role("cell").nth(1)
           ).to_contain_text("Ben Osei")
    expect(clock_row(page, "Police informed").get_by_role("cell").nth(1)).to_contain_text("Ben Osei")
    check_accessibility(page)

    # What the database holds.
    db.session.expire_all()
    contact = db.session.scalars(select(Contact)).one()
    verbal = obligation_of(contact, ObligationKind.VERBAL_HANDOFF)
    written = obligation_of(contact, ObligationKind.WRITTEN_HANDOFF)
    assert verbal.met_at is not None and verbal.met_by_id == handler.id
    assert verbal.details["to_worker_id"] == worker.id
    assert written.met_at is not None and written.met_by_id == worker.id
    assert written.worker_id == worker.id
    assert contact.accepted_by_id == worker.id
