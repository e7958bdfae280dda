"""A call handler writes up a call from the night the clocks went back, with only what R39 needs."""

from playwright.sync_api import Page, expect
from sqlalchemy import select

from dutydesk.extensions import db
from dutydesk.models import Contact, Role, TeamKind
from tests.factories import at, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import group, sign_in


def test_a_call_at_a_time_that_happened_twice_is_asked_about_and_logged_at_the_time_chosen(page: Page):
    create_user("amira", (Role.CALL_HANDLER,), create_team("Contact Centre", TeamKind.CONTACT_CENTRE))
    create_team("North Duty")
    db.session.commit()
    page.goto("/login")
    sign_in(page, "amira")
    page.goto("/calls/new")

    # Only the child, the concern and the referrer questions; the rest left as not known.
    page.get_by_label("Full name").fill("Leo Martin")
    page.get_by_label("Address", exact=True).fill("22 Park Lane, London N17")
    page.get_by_label("What is the concern?").fill("Heard screaming next door")
    when = group(page, "When was it received?")
    for part, value in (("Day", "27"), ("Month", "10"), ("Year", "2024")):  # the clocks went back that night
        when.get_by_label(part).fill(value)
    page.get_by_label("Time received").fill("01:30")
    group(page, "Is the referrer a professional?").get_by_label("No", exact=True).check()
    group(page, "Was the call put through to the duty team at once?").get_by_label("No", exact=True).check()
    page.get_by_label("Referrer's name").fill("Joan Fraser")
    page.get_by_label("Referrer's address").fill("21 Park Lane, London N17")
    page.get_by_label("Referrer's phone number").fill("020 8800 0001")
    page.get_by_role("button", name="Save and start the clocks").click()

    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text(
        "01:30 on 27 October 2024 happened twice")
    question = group(page, "Which 01:30 on 27 October 2024?")
    expect(question).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_label("Time received")).to_have_value("01:30")
    question.get_by_label("01:30 GMT: the second 01:30, after the clocks went back").check()
    page.get_by_role("button", name="Save and start the clocks").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Martin")
    expect(page.get_by_text("01:30 GMT on 27 Oct 2024").first).to_be_visible()
    check_accessibility(page)
    db.session.expire_all()
    assert db.session.scalars(select(Contact.received_at)).one() == at("2024-10-27 01:30")
