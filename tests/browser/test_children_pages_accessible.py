"""A child's record and its forms, filled in and refused, pass axe in chromium, at full width and
at 320 CSS pixels without scrolling sideways."""

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from dutydesk.cases import operations as cases
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Role, ScreeningOutcome, TeamKind
from dutydesk.models.codes import InterpreterNeed
from tests.factories import child_details, create_contact, create_team, create_user

from .conftest import check_accessibility
from .test_log_call_flow import sign_in
from .test_reflow import page_width


def test_the_childs_record_and_its_forms_have_no_accessibility_violations(page: Page):
    centre = create_team("Contact centre", TeamKind.CONTACT_CENTRE)
    north, south = create_team("Duty and assessment North"), create_team("Duty and assessment South")
    handler = create_user("hannah", (Role.CALL_HANDLER,), centre, display_name="Hannah Cole")
    worker = create_user("wes", (Role.DUTY_WORKER,), north, display_name="Wes Adebayo")
    create_user("maya", (Role.DUTY_MANAGER,), north, display_name="Maya Patel")
    now = now_utc()
    first = create_contact(now - timedelta(days=3), team=north, by=handler, children=[child_details(
        name="Anna Kouao", date_of_birth=date(2018, 11, 2), approximate_age=None,
        address="Flat 4, 12 Somerset Gardens, London N17 8JX", first_language="French",
        interpreter_need=InterpreterNeed.NEEDED)])
    cases.record_screening_decision(first, first.children[0], outcome=ScreeningOutcome.REFERRAL,
                                    rationale="Unexplained marks", by=worker, now=now - timedelta(days=2))
    anna = first.children[0].child
    later = create_contact(now - timedelta(minutes=30), team=south, by=handler, children=[child_details(
        name="Ana Kouao", address="Flat 4, 12 Somerset Gardens, London N17 8JX", record=anna)])
    db.session.commit()
    record = f"/children/{anna.id}"

    page.goto("/login")
    sign_in(page, "maya")
    headings = {record: "Anna Kouao", f"{record}/names/new": "Add a name or alias",
                f"{record}/addresses/new": "Add an address", f"{record}/details": "Correct the details",
                f"{record}/names/{anna.names[0].id}/end": "End the name Anna Kouao",
                f"{record}/addresses/{anna.addresses[0].id}/end": "End an address",
                f"{record}/views": "Who has viewed this record", f"{record}/chronology": "Anna Kouao",
                f"/calls/{first.id}/children/{first.children[0].id}/interpreter": "Record whether an interpreter"}
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for path, heading in headings.items():
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            assert page_width(page) <= width, f"{path} is {page_width(page)}px wide at {width}"
            check_accessibility(page)
    page.set_viewport_size({"width": 1200, "height": 900})

    # The record as its page shows it: another team's call, the other spelling, the calls and case.
    page.goto(record)
    expect(page.locator("#other-teams")).to_contain_text(f"call {later.reference}")
    expect(page.get_by_role("table", name="Names")).to_contain_text("Ana Kouao")
    expect(page.locator("#calls-table tbody tr")).to_have_count(2)

    # Refused forms: everything typed kept, the error beside the field, and still axe-clean.
    page.goto(f"{record}/names/new")
    page.get_by_label("Known as").check()
    page.get_by_label("Full name").fill("Nana")
    page.get_by_role("group", name="Since when? (optional)").get_by_label("Year").fill("20x6")
    page.get_by_role("button", name="Add the name").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date from as numbers")
    expect(page.get_by_label("Full name")).to_have_value("Nana")
    check_accessibility(page)

    page.goto(f"{record}/details")
    page.get_by_label("Female").check()
    page.get_by_label("Unique Pupil Number (UPN)").fill("A801200005001")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_role("alert")).to_contain_text("The UPN's first letter does not match the rest")
    check_accessibility(page)
    page.get_by_label("Unique Pupil Number (UPN)").fill("B801200005001")
    page.get_by_label("Hearing").check()
    page.get_by_role("button", name="Save the details").click()
    expect(page.locator("#details + dl, #details ~ dl").first).to_contain_text("B801200005001")
    check_accessibility(page)

    page.goto(f"/calls/{first.id}/children/{first.children[0].id}/interpreter")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record interpreter use").click()
    expect(page.get_by_role("alert")).to_contain_text("Anna Kouao needs an interpreter: say why none was used")
    check_accessibility(page)
    page.get_by_label("If not, why not?").fill("None free for French that night")
    page.get_by_role("button", name="Record interpreter use").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Kouao")
    expect(page.get_by_text("No: None free for French that night")).to_be_visible()
    page.locator(f"#record-{first.children[0].id}").click()
    expect(page).to_have_url(record)
