"""The child protection pages (section 47, its conference, plans, the strategy review, a flag
raised later) and the case page's section, filled in and refused, pass axe in chromium, at full
width and at 320 CSS pixels without scrolling sideways."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.cases import operations as cases
from dutydesk.casework import operations as casework
from dutydesk.clock import now_utc, to_london
from dutydesk.contacts import operations as calls
from dutydesk.extensions import db
from dutydesk.models import Role, ScreeningOutcome, TeamKind
from dutydesk.models.codes import AbuseCategory, PlanKind, Section47Outcome
from tests.factories import create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in
from .test_reflow import page_width


def test_the_protection_pages_have_no_accessibility_violations(page: Page):
    centre, north = create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty and assessment North")
    handler = create_user("hannah", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    maya = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    now = now_utc()
    today = to_london(now).date()
    contact = create_contact(now - timedelta(hours=3), team=north, by=handler)
    calls.accept_handoff(contact, by=worker, now=now - timedelta(hours=2, minutes=50))
    child = contact.children[0]
    cases.record_screening_decision(contact, child, outcome=ScreeningOutcome.STRATEGY_DISCUSSION,
                                    rationale="Disclosure at school", social_care_manager=maya, by=worker,
                                    now=now - timedelta(hours=2))
    referral = cases.get_referral(child)
    discussion = cases.record_strategy_discussion(
        contact, child, held_at=now - timedelta(hours=1), attendees=[cases.Attendee("DS Khan", "Police")],
        record="Section 47 enquiry agreed", action_points=[], circulated_to="DS Khan",
        circulated_at=now - timedelta(minutes=50), review_on=today + timedelta(days=7), by=worker,
        now=now - timedelta(minutes=40), social_care_manager=maya)
    enquiry = casework.start_section47(referral, started_on=today, discussion=discussion, by=worker, now=now)
    casework.record_section47_outcome(enquiry, outcome=Section47Outcome.CONFERENCE, outcome_on=today, by=worker,
                                      now=now)
    plan = casework.start_plan(referral, kind=PlanKind.CHILD_PROTECTION, started_on=today,
                               category=AbuseCategory.SEXUAL, by=worker, now=now)
    db.session.commit()

    page.goto("/login")
    sign_in(page, "maya")
    headings = {f"/cases/{referral.id}": child.display_name,
                f"/cases/{referral.id}/section-47/new": "Start a section 47 enquiry",
                f"/section-47/{enquiry.id}/outcome": "Record the outcome of the section 47 enquiry",
                f"/section-47/{enquiry.id}/conference": "Record the initial child protection conference",
                f"/cases/{referral.id}/plans/new": "Start a plan",
                f"/plans/{plan.id}/end": "End the child protection plan",
                f"/strategy-discussions/{discussion.id}/review": "Record the review of the strategy discussion",
                f"/calls/{contact.id}/flags/new": f"Raise a flag on call {contact.reference}"}
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for path, heading in headings.items():
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            assert page_width(page) <= width, f"{path} is {page_width(page)}px wide at {width}"
            check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 900})

    # The case page's section: the enquiry, its conference clock, the plan, the discussion's review.
    page.goto(f"/cases/{referral.id}")
    expect(page.get_by_role("table", name="Section 47 enquiries")).to_contain_text("Target")
    expect(page.get_by_role("table", name="Plans")).to_contain_text("Sexual abuse")
    expect(page.get_by_role("table", name="Strategy discussions and their reviews")).to_contain_text("Maya Patel")

    # Refused, with the reasons beside the fields and what was typed kept.
    page.goto(f"/cases/{referral.id}/plans/new")
    page.get_by_label("Child protection plan").check()
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the category of abuse")
    expect(page.get_by_label("Child protection plan")).to_be_checked()
    check_accessibility(page)

    page.goto(f"/strategy-discussions/{discussion.id}/review")
    page.get_by_label("What did the review decide?").fill("Enquiry continues")
    page.get_by_label("Reviewed by").select_option("")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose who reviewed it")
    expect(page.get_by_label("What did the review decide?")).to_have_value("Enquiry continues")
    check_accessibility(page)
    page.get_by_label("Reviewed by").select_option(label="Maya Patel (Duty and assessment North)")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("table", name="Action points").or_(page.get_by_text("No action points"))).to_be_visible()
    check_accessibility(page)

    page.goto(f"/calls/{contact.id}/flags/new")
    page.get_by_label("A crime may have been committed against the child").check()
    page.get_by_role("button", name="Raise the flag").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what was learned")
    check_accessibility(page)
