"""After the referral, driven through the pages in chromium: an assessment from its start to a
manager's authorisation, and a closure through the R26/40 gate. Every page, filled in and
refused, passes axe at full width and at 320 CSS pixels without scrolling sideways."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.cases import operations as cases
from dutydesk.clock import now_utc, to_london
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Assessment, Role, ScreeningOutcome
from tests.factories import create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in
from .test_reflow import page_width


def check(page: Page) -> None:
    """axe, and no sideways scroll, at the width the page is shown at."""
    check_accessibility(page)
    width = page.viewport_size["width"]
    assert page_width(page) <= width, f"{page.url} is {page_width(page)}px wide at {width}"


def both_widths(page: Page) -> None:
    """The page as it stands, at 320 CSS pixels and at full width."""
    for width in (320, 1200):
        page.set_viewport_size({"width": width, "height": 900})
        check(page)


def fill_date(page: Page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_an_assessment_and_a_closure_through_the_pages_have_no_accessibility_violations(page: Page):
    north = create_team("North Duty")
    worker = create_user("ben", (Role.DUTY_WORKER,), north, display_name="Ben Osei")
    create_user("mia", (Role.DUTY_MANAGER,), north, display_name="Mia Khan")
    now = now_utc()
    today = to_london(now).date()
    referrals = []
    for harm in (False, True):
        contact = create_contact(now - timedelta(days=2), team=north,
                                 flags=calls.Flags(is_deliberate_harm_alleged=harm))
        calls.accept_handoff(contact, by=worker, now=now - timedelta(days=2) + timedelta(minutes=5))
        cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                        rationale="Marks seen at school", by=worker,
                                        now=now - timedelta(days=2) + timedelta(minutes=30))
        referrals.append(cases.get_referral(contact.children[0]).id)
    db.session.commit()
    case, harmed = (f"/cases/{referral_id}" for referral_id in referrals)

    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto("/login")
    sign_in(page, "ben")
    page.goto(case)
    page.get_by_role("link", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment of Leo Martin")
    both_widths(page)
    page.get_by_role("link", name="Start the assessment").click()
    both_widths(page)
    fill_date(page, "When did the assessment start?", today + timedelta(days=1))  # refused: in the future
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("must be today or in the past")
    both_widths(page)
    fill_date(page, "When did the assessment start?", today)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.locator("#steps")).to_contain_text("not yet recorded as seen")
    both_widths(page)

    page.get_by_role("link", name="Record who was seen").click()
    both_widths(page)
    fill_date(page, "When was the child seen?", today)
    page.get_by_role("button", name="Record who was seen").click()  # refused: alone or not?
    expect(page.get_by_role("alert")).to_contain_text("Say whether the child was seen alone")
    both_widths(page)
    page.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
    fill_date(page, "When were the parents or carers seen?", today)
    page.get_by_role("button", name="Record who was seen").click()
    expect(page.locator("#steps")).to_contain_text("The child and the carers have been seen")

    page.get_by_role("link", name="Record the conclusion").click()
    both_widths(page)
    fill_date(page, "When was the assessment completed?", today)
    page.get_by_role("group", name="Does the child require a service?").get_by_label("Yes").check()
    page.get_by_label("16A Neglect").check()
    page.get_by_label("4B Mental health of a parent or carer").check()
    page.get_by_label("Abuse or neglect").check()
    page.get_by_label("Summary of the assessment").fill("Neglected at home; mother unwell")
    page.get_by_label("Need 1").fill("Safe care at home")
    page.get_by_role("button", name="Add another need").click()
    page.get_by_label("Need 2").fill("Support for mother's mental health")
    page.get_by_label("21 No factors identified").check()  # refused: none and some
    page.get_by_role("button", name="Record the conclusion").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose 'No factors identified' or the factors identified")
    expect(page.get_by_label("Need 2")).to_have_value("Support for mother's mental health")
    both_widths(page)
    page.get_by_label("21 No factors identified").uncheck()
    page.get_by_role("button", name="Record the conclusion").click()
    expect(page.locator("main")).to_contain_text("Waiting for a manager")
    both_widths(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "mia")
    page.goto(case)
    page.get_by_role("link", name="See the assessment").click()
    page.get_by_role("link", name="Authorise the assessment").click()
    both_widths(page)
    page.get_by_role("button", name="Authorise the assessment").click()  # refused: nothing written
    expect(page.get_by_role("alert")).to_contain_text("Write the authorisation")
    both_widths(page)
    page.get_by_label("Your authorisation").fill("Read with Ben: the needs and the plan are right")
    page.get_by_role("button", name="Authorise the assessment").click()
    expect(page.locator("#clock")).to_contain_text("Met")
    both_widths(page)
    mother = db.session.query(Assessment).one().needs[1]

    page.goto(case)
    expect(page.locator("#assessment-clock")).to_contain_text("Met")
    both_widths(page)
    page.get_by_role("link", name="Start a service for Safe care at home").click()
    both_widths(page)
    page.get_by_label("What is the service?").fill("Family support worker, twice a week")
    page.get_by_label("Who provides it?").fill("Early help North")
    fill_date(page, "When did it start?", today)
    page.get_by_role("button", name="Record the service").click()
    expect(page.locator("#needs")).to_contain_text("Family support worker, twice a week, by Early help North")
    page.locator(f'tr[data-need="{mother.id}"]').get_by_role("link", name=re.compile("^Say why not yet")).click()
    both_widths(page)
    page.get_by_label("Why has no service started yet?").fill("Waiting list for adult mental health services")
    page.get_by_role("button", name="Record why not yet").click()
    expect(page.locator("#needs")).to_contain_text("Waiting list for adult mental health services")
    page.get_by_role("link", name="End the service Family support worker, twice a week").click()
    both_widths(page)
    page.goto(case)
    both_widths(page)

    # The closure, where deliberate harm was alleged: refused until each check is done or explained.
    page.goto(harmed)
    page.get_by_role("link", name="Close the case").click()
    both_widths(page)
    fill_date(page, "When did the case close?", today)
    page.get_by_label("Case closed after assessment: referred to early help").check()
    for check_name in ("The child seen alone?", "The parents or carers seen?", "The professionals involved consulted?"):
        page.get_by_role("group", name=check_name).get_by_label("Yes").check()
    home = page.get_by_role("group", name="The home visited?")
    expect(home.get_by_label("Why not?")).to_be_hidden()  # revealed under "No" once it is chosen
    home.get_by_label("No", exact=True).check()
    expect(home.get_by_label("Why not?")).to_be_visible()
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_role("alert")).to_contain_text("The home visited: record why not, or the case cannot close")
    expect(page.get_by_role("group", name="The home visited?").get_by_label("Why not?")).to_be_visible()
    both_widths(page)
    page.get_by_role("group", name="The home visited?").get_by_label("Why not?").fill("Family refused entry")
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator("#closure")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Closed on")
    expect(page.locator("main")).to_contain_text("The home visited No, because Family refused entry")
    both_widths(page)
