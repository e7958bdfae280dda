"""A senior manager's governance in chromium: draws this quarter's file audit, records the findings
on the file drawn, completes the audit, signs the case file off, and opens last month's report of
unallocated cases; axe on every page on the way, with and without errors."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from dutydesk.cases import operations as cases
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.governance.jobs import produce_monthly_report
from dutydesk.governance.questions import QUESTIONS
from dutydesk.models import Role, ScreeningOutcome, TeamKind
from tests.factories import child_details, create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in


def test_a_senior_manager_audits_a_file_signs_it_off_and_opens_the_monthly_report(page: Page):
    centre, north = create_team("Contact centre", TeamKind.CONTACT_CENTRE), create_team("Duty North")
    handler = create_user("hannah", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    north.manager = create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    create_user("simon", (Role.SENIOR_MANAGER,), None, display_name="Simon Reid")
    received = now_utc() - timedelta(hours=3)
    contact = create_contact(received, team=north, by=handler, children=[child_details(name="Kai Brown")])
    cases.record_screening_decision(contact, contact.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Unexplained fracture", by=worker, now=received + timedelta(minutes=30))
    cases.record_unallocated(cases.get_referral(contact.children[0]), reason="No worker with capacity until Monday",
                             contingency="Duty worker phones mother daily", by=north.manager,
                             now=received + timedelta(minutes=40))
    report = produce_monthly_report(now_utc())  # last month's, made as the scheduler makes it
    db.session.commit()

    page.goto("/login")
    sign_in(page, "simon")
    page.get_by_role("link", name=re.compile("^File audits")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("File audits")
    check_accessibility(page)

    page.get_by_role("button", name="Draw a sample of case files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draw a sample of case files")
    page.get_by_label("How many case files?").fill("2")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Only 1 case was open in")
    check_accessibility(page)
    page.get_by_label("How many case files?").fill("1")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("File audit, ")
    expect(page.locator("#files")).to_contain_text("Kai Brown")
    check_accessibility(page)

    page.get_by_role("link", name="Record the findings on the case file of Kai Brown").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Findings on the case file of Kai Brown")
    page.get_by_role("button", name="Record the findings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what you found in the case file")
    check_accessibility(page)
    for question in QUESTIONS:
        page.get_by_role("group", name=re.compile(re.escape(question.text))).get_by_label(
            "Yes" if question.key != "supervised" else "No", exact=True).check()
    page.get_by_label("Requires improvement").check()
    page.get_by_label("What did you find?").fill("Timely and clear, but never signed by a manager.")
    page.get_by_label("Actions (optional)").fill("Maya to read and sign the file this week.")
    page.get_by_role("button", name="Record the findings").click()
    expect(page.locator("#files")).to_contain_text("Requires improvement")
    expect(page.locator("#files")).to_contain_text("Never")  # the file's last sign-off

    page.get_by_role("link", name=re.compile("^Complete the audit")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Complete the audit of")
    check_accessibility(page)
    page.get_by_label("What did the audit find overall?").fill(
        "Practice is timely; supervision is not recorded.")
    page.get_by_role("button", name="Complete the audit").click()
    expect(page.locator("#audit-summary")).to_have_text("Practice is timely; supervision is not recorded.")
    check_accessibility(page)

    page.locator("#files").get_by_role("link", name=re.compile("^Kai Brown")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kai Brown")
    page.get_by_role("button", name="Sign off the case file").click()  # nothing written
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off the case file")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what you read and any actions for the worker")
    check_accessibility(page)
    page.get_by_label("What you read, and any actions for the worker").fill("Read after the audit: sign monthly.")
    page.get_by_role("button", name="Sign off the case file").click()
    expect(page.locator("#sign-off-list")).to_contain_text("Read after the audit: sign monthly.")
    expect(page.locator("#sign-off-list")).to_contain_text("Simon Reid")
    check_accessibility(page)

    expect(page.locator("#reports-new")).to_contain_text("1")
    page.get_by_role("link", name=re.compile("^Monthly reports")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monthly reports of unallocated cases")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile(f"^{report.month:%B %Y}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Unallocated cases, {report.month:%B %Y}")
    expect(page.locator("#cases")).to_contain_text("Duty worker phones mother daily")
    expect(page.locator("#reports-new")).to_have_count(0)
    check_accessibility(page)
